// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhv: the front door. `vhv CMD ARGS...` runs vhv-CMD (git style) from the
 * folder vhv itself lives in, else from PATH; `vhv --sysroot DIR CMD` passes
 * the root on; `vhv help CMD` shows the man page; `vhv --version`.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli-common.h"
#include "hvcore/hv-root.h"

enum cmd_needs {
	CMD_NEED_ROOT = 1 << 0,   /* full answers need root */
	CMD_NEED_TTY = 1 << 1,    /* interactive by default */
};

/* The commands, as in git's cmd table; no prefix matching (kmod, bpftool). */
static const struct {
	const char *name;
	const char *summary;
	unsigned needs;
	const char *no_sysroot;  /* why it takes no --sysroot; NULL: it does */
} cmds[] = {
	{ "check", "can this host run VMs, and will it boot into its hypervisor?", 0, NULL },
	{ "top", "VMs and their vCPU threads, live", CMD_NEED_TTY, NULL },
	{ "qcow2", "verify a qcow2 image (qemu-img check parity) or show its header", 0,
	  "it reads the images it is given" },
	{ "trace", "why vCPUs leave guest mode, how often, at what cost (eBPF)", CMD_NEED_ROOT,
	  "it traces the live host only" },
};

static void usage(FILE *out)
{
	fputs("Usage:\n"
	      " vhv [options] <command> [<args>]\n"
	      " vhv help <command>\n"
	      "\n"
	      "A diagnostic toolkit for KVM and Xen hosts.\n"
	      "\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < HV_ARRAY_SIZE(cmds); i++)
		fprintf(out, " %-7s %s%s\n", cmds[i].name, cmds[i].summary,
			cmds[i].needs & CMD_NEED_ROOT ? " (root)" : "");
	fputs("\n"
	      "Options:\n"
	      " --sysroot <dir>  check, top: inspect an offline root instead of this host\n"
	      " -h, --help       display this help\n"
	      " -V, --version    display version\n"
	      "\n"
	      "See vhv(7) and vhv-<command>(8).\n", out);
}

static int find_cmd(const char *name)
{
	for (size_t i = 0; i < HV_ARRAY_SIZE(cmds); i++)
		if (strcmp(cmds[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The folder of this executable, read through the live root (the sysroot rule). */
static char *self_dir(void)
{
	struct hv_root *live;
	char *exe = NULL, *dir = NULL;

	if (hv_root_new(NULL, &live) < 0)
		return NULL;
	if (hv_root_readlinkf(live, &exe, "/proc/self/exe") == 0)
		dir = xstrdup(dirname(exe));
	free(exe);
	hv_root_free(live);
	return dir;
}

static __attribute__((noreturn)) void run_cmd(const char *name, char **argv)
{
	char *prog = xasprintf("vhv-%s", name);
	char *dir = self_dir();

	if (dir) {
		char *path = xasprintf("%s/%s", dir, prog);

		if (access(path, X_OK) == 0) {
			argv[0] = path;
			execv(path, argv);
			cli_die("cannot run %s: %s", path, strerror(errno));
		}
		free(path);
	}
	argv[0] = prog;
	execvp(prog, argv);
	cli_die("cannot run %s: %s", prog, strerror(errno));
}

/* Does man(1) find section 8 page @page (`man -w`, quiet)? */
static bool man_installed(const char *page)
{
	char *argv[] = { (char *)"man", (char *)"-w", (char *)"8", (char *)page, NULL };
	posix_spawn_file_actions_t fa;
	int status = -1;
	pid_t pid;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return false;
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "man", &fa, NULL, argv, environ) == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	posix_spawn_file_actions_destroy(&fa);
	return status == 0;
}

static int cmd_help(const char *name)
{
	char *page;

	if (!name) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (find_cmd(name) < 0)
		cli_usage_error("'%s' is not a vhv command", name);
	page = xasprintf("vhv-%s", name);
	if (isatty(STDOUT_FILENO) && man_installed(page))
		execlp("man", "man", "8", page, (char *)NULL);
	/* No terminal, no man, or the page not installed: the command's own --help. */
	{
		char *argv[] = { page, (char *)"--help", NULL };

		run_cmd(name, argv);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysroot", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sysroot = NULL;
	char **sub;
	int c, n, i;

	cli_init(argv);
	/* '+': stop at the first non-option, the command, whose options are its own. */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'R':
			sysroot = optarg;
			break;
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'V':
			printf("vhv %s\n", VHV_VERSION);
			return CLI_EXIT_OK;
		default:
			cli_usage_hint();
			return CLI_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if (strcmp(argv[optind], "help") == 0)
		return cmd_help(optind + 1 < argc ? argv[optind + 1] : NULL);
	c = find_cmd(argv[optind]);
	if (c < 0)
		cli_usage_error("'%s' is not a vhv command", argv[optind]);
	if (sysroot && cmds[c].no_sysroot)
		cli_usage_error("--sysroot is not for '%s': %s", argv[optind], cmds[c].no_sysroot);

	/* vhv-CMD [--sysroot DIR] ARGS... */
	n = argc - optind;
	sub = xcalloc((size_t)n + 3, sizeof(*sub));
	i = 0;
	sub[i++] = argv[optind];
	if (sysroot) {
		sub[i++] = (char *)"--sysroot";
		sub[i++] = (char *)sysroot;
	}
	for (int k = optind + 1; k < argc; k++)
		sub[i++] = argv[k];
	sub[i] = NULL;
	run_cmd(argv[optind], sub);
}
