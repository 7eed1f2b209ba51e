// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhv: the front door. `vhv CMD ARGS...` runs vhv-CMD (git style) from the
 * folder vhv itself lives in, else from PATH; `vhv --sysroot DIR CMD` passes
 * the root on; `vhv help CMD` shows the man page; `vhv --version`.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
} cmds[] = {
	{ "check", "can this host run VMs, and will it boot into its hypervisor?", 0 },
	{ "top", "VMs and their vCPU threads, live", CMD_NEED_TTY },
	{ "qcow2", "verify a qcow2 image (qemu-img check parity) or show its header", 0 },
	{ "trace", "why vCPUs leave guest mode, how often, at what cost (eBPF)", CMD_NEED_ROOT },
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
	      " --sysroot <dir>  inspect an offline root instead of this host\n"
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
	if (isatty(STDOUT_FILENO))
		execlp("man", "man", "8", page, (char *)NULL);
	/* No terminal or no man: the command's own --help. */
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

	cli_init(argv[0]);
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
			cli_usage_hint(NULL);
			return CLI_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return CLI_EXIT_ERROR;
	}
	if (strcmp(argv[optind], "help") == 0)
		return cmd_help(optind + 1 < argc ? argv[optind + 1] : NULL);
	if (find_cmd(argv[optind]) < 0)
		cli_usage_error("'%s' is not a vhv command. See 'vhv --help'.", argv[optind]);

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
