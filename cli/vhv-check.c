// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhv-check: can this host run VMs (host), and will it boot into the
 * hypervisor it is configured for (boot)? Option parsing, output selection
 * and the exit code only; the checks live in probe/ and bootcheck/.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcheck/boot.h"
#include "cli/cli-common.h"
#include "hvcore/hv-check.h"
#include "hvcore/hv-report.h"
#include "probe/probe.h"

enum { OPT_SYSROOT = 256, OPT_PROMETHEUS, OPT_COLOR, OPT_CONFIG };

static void usage(void)
{
	printf("Usage:\n"
	       " %1$s [options] [host|boot|all]\n"
	       "\n"
	       "Check that this host can run virtual machines (host), and that its boot\n"
	       "entries load a working hypervisor and kernel (boot). Default: all.\n"
	       "\n"
	       "Options:\n"
	       " -J, --json              JSON output\n"
	       " -q, --quiet             show only problems (warn and fail)\n"
	       " -C, --checks <list>     run only these checks (ids or prefixes,\n"
	       "                           comma-separated; each must match a check)\n"
	       " -l, --list-checks       list the check ids and exit\n"
	       "     --sysroot <dir>     check another root: a mounted disk, a sosreport, a copy\n"
	       "                           of /proc and /sys\n"
	       "     --config <file>     boot: the grub.cfg or menu.lst to check (in the root)\n"
	       "     --prometheus <file> also write a node_exporter textfile (atomic rename)\n"
	       "     --color <when>      colour: auto (default), always or never\n"
	       " -v, --verbose           more log detail on stderr (twice: debug)\n"
	       " -h, --help              display this help\n"
	       " -V, --version           display version\n"
	       "\n"
	       "Exit status: 0 clean, 1 could not run, 2 a check failed, 3 only warnings.\n"
	       "See vhv-check(8).\n",
	       cli_prog());
}

/* Every --checks item must name a check (or a prefix) of the selected tables. */
static void check_only(char **only, bool host, bool boot)
{
	for (char **o = only; *o; o++) {
		const char *one[] = { *o, NULL };
		const struct hv_check *t;
		bool found = false;
		size_t n;

		if (host) {
			t = probe_checks(&n);
			for (size_t i = 0; t && i < n && !found; i++)
				found = hv_check_selected(t[i].id, one);
		}
		if (boot) {
			t = boot_checks(&n);
			for (size_t i = 0; t && i < n && !found; i++)
				found = hv_check_selected(t[i].id, one);
		}
		if (!found)
			cli_usage_error("no check matches '%s' in --checks; see --list-checks", *o);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "checks", required_argument, NULL, 'C' },
		{ "list-checks", no_argument, NULL, 'l' },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "prometheus", required_argument, NULL, OPT_PROMETHEUS },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_output output = CLI_OUTPUT_HUMAN;
	const char *sysroot = NULL, *prom = NULL, *color = NULL;
	struct boot_opts bopts = { 0 };
	bool quiet = false, list = false, do_host = true, do_boot = true;
	char **only = NULL, *config_abs = NULL;
	struct hv_report *rep;
	struct hv_root *root;
	int c, rc, ec;

	cli_init(argv);
	while ((c = getopt_long(argc, argv, "JqC:lvhV", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			output = CLI_OUTPUT_JSON;
			break;
		case 'q':
			quiet = true;
			break;
		case 'C':
			cli_free_list(only);
			only = cli_split_list(optarg);
			break;
		case 'l':
			list = true;
			break;
		case OPT_SYSROOT:
			sysroot = optarg;
			break;
		case OPT_CONFIG:
			bopts.config = optarg;
			break;
		case OPT_PROMETHEUS:
			prom = optarg;
			break;
		case OPT_COLOR:
			color = optarg;
			break;
		case 'v':
			cli_verbose();
			break;
		case 'h':
			usage();
			return CLI_EXIT_OK;
		case 'V':
			printf("%s %s\n", cli_prog(), VHV_VERSION);
			return CLI_EXIT_OK;
		default:
			cli_usage_hint();
			return CLI_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		const char *verb = argv[optind++];

		if (strcmp(verb, "host") == 0)
			do_boot = false;
		else if (strcmp(verb, "boot") == 0)
			do_host = false;
		else if (strcmp(verb, "all") != 0)
			cli_usage_error("unknown verb '%s' (host, boot or all)", verb);
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);

	if (list) {
		size_t n;
		const struct hv_check *t;

		if (do_host) {
			t = probe_checks(&n);
			hv_checks_list(t, n, stdout);
		}
		if (do_boot) {
			t = boot_checks(&n);
			hv_checks_list(t, n, stdout);
		}
		return CLI_EXIT_OK;
	}

	if (only)
		check_only(only, do_host, do_boot);
	root = cli_open_root(sysroot);
	if (!hv_root_has_host_data(root)) {
		hv_root_free(root);
		cli_free_list(only);
		cli_usage_error("%s holds no host data (no proc/, sys/, etc/, boot/, lib/modules/, "
				"var/log/, and no sosreport or supportconfig files)", sysroot);
	}
	if (bopts.config && bopts.config[0] != '/') {
		/* relative: to the working directory on this host, to the root's top otherwise */
		if (!sysroot) {
			config_abs = realpath(bopts.config, NULL);
			if (!config_abs)
				cli_die("--config %s: %s", bopts.config, strerror(errno));
		} else {
			config_abs = xasprintf("/%s", bopts.config);
		}
		bopts.config = config_abs;
	}
	if (hv_report_new(cli_prog(), VHV_VERSION, &rep) < 0)
		cli_die("out of memory");
	if (sysroot)
		hv_report_set_sysroot(rep, sysroot);

	rc = 0;
	if (do_host)
		rc = probe_run(root, rep, (const char *const *)only);
	if (rc >= 0 && do_boot)
		rc = boot_run(root, rep, (const char *const *)only, &bopts);
	if (rc >= 0)
		rc = hv_checks_add_unknowable(root, rep);
	if (rc < 0) {
		cli_error("checks could not run: %s", strerror(-rc));
		ec = CLI_EXIT_ERROR;
		goto out;
	}
	if (only && hv_report_count(rep) == 0) {
		cli_error("no check matches '--checks'; see --list-checks");
		cli_usage_hint();
		ec = CLI_EXIT_ERROR;
		goto out;
	}

	if (output == CLI_OUTPUT_JSON) {
		rc = hv_report_print_json(rep, stdout, NULL);
	} else {
		unsigned flags = quiet ? HV_REPORT_QUIET : 0;

		if (cli_parse_color(color, stdout))
			flags |= HV_REPORT_COLOR;
		rc = hv_report_print_human(rep, stdout, flags, cli_columns());
	}
	ec = hv_report_exit_code(rep);
	if (rc < 0 || fflush(stdout) != 0) {
		cli_error("cannot write the report: %s", strerror(rc < 0 ? -rc : errno));
		ec = CLI_EXIT_ERROR;
	} else if (prom) {
		rc = hv_report_write_prometheus(rep, prom, "vhv_check");
		if (rc < 0) {
			cli_error("cannot write %s: %s", prom, strerror(-rc));
			ec = CLI_EXIT_ERROR;
		}
	}
out:
	hv_report_free(rep);
	hv_root_free(root);
	cli_free_list(only);
	free(config_abs);
	return ec;
}
