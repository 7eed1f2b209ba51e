// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top-actions: what the UI can do to a VM or a vCPU, with syscalls only (no
 * shell, no external command). On a VM row, renice and pin apply to every
 * thread of the process (setpriority and sched_setaffinity act on one thread
 * on Linux); on a vCPU row to that thread. Only on the live host.
 */
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "top/top.h"

/* The threads an action applies to: the vCPU's, or all of the VM's. */
static int targets(const struct hv_root *root, const struct top_row *r, int **tids, size_t *n)
{
	if (!hv_root_is_live(root))
		return -EROFS;  /* a fixture tree has nothing to act on */
	if (!r->is_vm) {
		if (!r->task->tid)
			return -ESRCH;
		*tids = malloc(sizeof(int));
		if (!*tids)
			return -ENOMEM;
		(*tids)[0] = r->task->tid;
		*n = 1;
		return 0;
	}
	return hv_list_tasks(root, r->vm->pid, tids, n);
}

int top_act_renice(const struct hv_root *root, const struct top_row *r, int nice)
{
	int *tids = NULL, rc = 0;
	size_t n = 0;

	if (nice < -20 || nice > 19)
		return -EINVAL;
	rc = targets(root, r, &tids, &n);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (setpriority(PRIO_PROCESS, (id_t)tids[i], nice) < 0 && errno != ESRCH && !rc)
			rc = -errno;
	free(tids);
	return rc;
}

/* "0-3,6" into @set. 0 or -EINVAL. */
static int parse_cpulist(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	if (!*s)
		return -EINVAL;
	while (*s) {
		char *end;
		unsigned long a, b;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (b < a || b >= CPU_SETSIZE)
			return -EINVAL;
		for (unsigned long c = a; c <= b; c++)
			CPU_SET(c, set);
		if (*end == ',')
			end++;
		else if (*end)
			return -EINVAL;
		s = end;
	}
	return 0;
}

int top_act_pin(const struct hv_root *root, const struct top_row *r, const char *cpulist)
{
	cpu_set_t set;
	int *tids = NULL, rc;
	size_t n = 0;

	rc = parse_cpulist(cpulist, &set);
	if (rc < 0)
		return rc;
	rc = targets(root, r, &tids, &n);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		if (sched_setaffinity(tids[i], sizeof(set), &set) < 0 && errno != ESRCH && !rc)
			rc = -errno;
	free(tids);
	return rc;
}

int top_act_signal(const struct hv_root *root, const struct top_row *r, int sig)
{
	if (!hv_root_is_live(root))
		return -EROFS;
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	if (r->is_vm)
		return kill(r->vm->pid, sig) < 0 ? -errno : 0;
	if (!r->task->tid)
		return -ESRCH;
	return syscall(SYS_tgkill, r->vm->pid, r->task->tid, sig) < 0 ? -errno : 0;
}

int top_signal_parse(const char *s)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
		{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM }, { "CONT", SIGCONT },
		{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP },
	};
	char *end;
	long v;

	while (isspace((unsigned char)*s))
		s++;
	if (isdigit((unsigned char)*s)) {
		v = strtol(s, &end, 10);
		return (*end || v < 0 || v >= NSIG) ? -EINVAL : (int)v;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < HV_ARRAY_SIZE(sigs); i++)
		if (strcasecmp(s, sigs[i].name) == 0)
			return sigs[i].sig;
	return -EINVAL;
}
