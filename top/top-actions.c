// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top-actions: what the UI can do to a VM or a vCPU, with syscalls only (no
 * shell, no external command). On a VM row, renice and pin apply to every
 * thread of the process (setpriority and sched_setaffinity act on one thread
 * on Linux); on a vCPU row to that thread. On Xen, pin and pause are
 * hypercalls (hv-xen). Only on the live host.
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

#include "hvcore/hv-xen.h"
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

/* "0-3,6" into @set (hv_cpulist_parse). 0 or -EINVAL. */
static int parse_cpulist(const char *s, cpu_set_t *set)
{
	uint8_t map[CPU_SETSIZE / 8];
	int rc = hv_cpulist_parse(s, map, sizeof(map), 0);

	CPU_ZERO(set);
	if (rc < 0)
		return rc;
	for (unsigned int c = 0; c < CPU_SETSIZE; c++)
		if (map[c / 8] & (1u << (c % 8)))
			CPU_SET(c, set);
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

/* ---- Xen (hv-xen: hypercalls through libxenctrl) ---- */

int top_act_xen_pin(const struct hv_root *root, const struct top_row *r, const char *cpulist)
{
	int rc = 0;

	if (!r->vm->xen)
		return -EINVAL;
	if (!r->is_vm)
		return hv_root_xen_vcpu_pin(root, r->vm->domid, (unsigned int)r->task->vcpu, cpulist);
	/* the domain row: every vCPU, as `xl vcpu-pin DOM all CPUS` */
	for (size_t i = 0; i < r->vm->nvcpus && rc == 0; i++)
		rc = hv_root_xen_vcpu_pin(root, r->vm->domid, (unsigned int)r->vm->vcpus[i].vcpu,
					  cpulist);
	return rc;
}

int top_act_xen_pause(const struct hv_root *root, const struct top_row *r, bool pause)
{
	if (!r->vm->xen)
		return -EINVAL;
	return hv_root_xen_pause(root, r->vm->domid, pause);
}
