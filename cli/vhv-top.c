// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhv-top: the VMs on this host and their vCPU threads, live. Option parsing,
 * the batch loop and the exit code; the sampler, columns and UI live in top/.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli-common.h"
#include "hvcore/hv-json.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-proc.h"
#include "hvcore/hv-xen.h"
#include "top/top.h"

enum { OPT_SYSROOT = 256, OPT_LIST_COLUMNS, OPT_RECORD, OPT_FLAT, OPT_NO_BPF };

static void usage(void)
{
	printf("Usage:\n"
	       " %1$s [options]\n"
	       "\n"
	       "Show the virtual machines on this host (KVM and QEMU/TCG guests) and their\n"
	       "vCPU threads: CPU use split user/system/guest, run-queue wait, state,\n"
	       "placement, context switches and KVM exits per second. On a Xen dom0: the\n"
	       "domains and their vCPUs as the hypervisor accounts them.\n"
	       "\n"
	       "Options:\n"
	       " -b, --batch             plain rows for scripts, no curses\n"
	       " -c, --count <n>         stop after n refreshes\n"
	       " -i, --interval <secs>   seconds between refreshes (default 2)\n"
	       " -J, --json              batch output as JSON (one document per refresh)\n"
	       " -o, --output <list>     columns to show (ids, comma-separated; +id adds\n"
	       "                           one to the defaults, -id removes one)\n"
	       " -H, --list-columns      list the column ids and exit\n"
	       " -x, --sort <column>     sort on this column (default cpu)\n"
	       " -R, --reverse           reverse the sort order\n"
	       " -Q, --filter <text>     only VMs whose name contains text\n"
	       "     --flat              vCPU rows only, without the VM rows (default: tree)\n"
	       " -w, --width <n>         batch: cut lines at n columns (default: no limit)\n"
	       "     --record <db>       append every sample to an SQLite database (batch)\n"
	       "     --no-bpf            do not load BPF (EXITS/s from KVM statistics)\n"
	       "     --sysroot <dir>     read a fixture /proc tree instead of this host; a\n"
	       "                           comma-separated list takes one tree per refresh\n"
	       " -v, --verbose           more log detail on stderr (twice: debug)\n"
	       " -h, --help              display this help\n"
	       " -V, --version           display version\n"
	       "\n"
	       "Keys (interactive): ? help, q quit, t tree/flat, < > or s sort column,\n"
	       "R reverse, / filter, C columns, n renice, a affinity, k signal; Xen: a pin,\n"
	       "p pause.\n"
	       "See vhv-top(8).\n",
	       cli_prog());
}

static void apply_columns(struct top_view *v, const char *arg)
{
	char **list = cli_split_list(arg);
	bool relative = list[0] && (list[0][0] == '+' || list[0][0] == '-');

	if (!relative)
		v->ncols = 0;
	for (char **p = list; *p; p++) {
		const char *name = *p;
		char op = (name[0] == '+' || name[0] == '-') ? name[0] : 0;
		int id = top_col_parse(op ? name + 1 : name);

		if (id < 0)
			cli_usage_error("unknown column '%s' (see --list-columns)", op ? name + 1 : name);
		if (op == '-') {
			top_view_hide(v, id);
		} else if (!top_view_has(v, id)) {
			/* NAME stays last: it stretches */
			if (v->ncols && v->cols[v->ncols - 1] == TOP_COL_NAME && id != TOP_COL_NAME) {
				v->cols[v->ncols - 1] = id;
				v->cols[v->ncols++] = TOP_COL_NAME;
			} else {
				v->cols[v->ncols++] = id;
			}
		}
	}
	cli_free_list(list);
	if (!v->ncols)
		cli_usage_error("no columns left to show");
}

static void sleep_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s, .tv_nsec = (long)((s - floor(s)) * 1e9) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", no_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'J' },
		{ "output", required_argument, NULL, 'o' },
		{ "list-columns", no_argument, NULL, 'H' },
		{ "sort", required_argument, NULL, 'x' },
		{ "reverse", no_argument, NULL, 'R' },
		{ "filter", required_argument, NULL, 'Q' },
		{ "flat", no_argument, NULL, OPT_FLAT },
		{ "width", required_argument, NULL, 'w' },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "no-bpf", no_argument, NULL, OPT_NO_BPF },
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_output output = CLI_OUTPUT_HUMAN;
	const char *sysroot = NULL, *record = NULL, *columns = NULL, *filter = NULL;
	bool batch = false, no_bpf = false, list_cols = false, reverse = false, flat = false;
	enum top_hv hv;
	long iterations = -1, width = 0;
	double delay = 2.0;
	struct top_view view;
	struct top_sampler *smp = NULL;
	struct top_record *rec = NULL;
	struct hv_root **roots;
	char **rootlist = NULL, *bpf_why = NULL, *host_line = NULL, line[256];
	const char *notes[8] = { NULL };
	size_t nroots = 1, nnotes = 0;
	int c, rc, sort = -1;
	char *end;

	cli_init(argv);
	while ((c = getopt_long(argc, argv, "bc:i:Jo:Hx:RQ:w:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			batch = true;
			break;
		case 'c':
			iterations = strtol(optarg, &end, 10);
			if (*end || iterations < 1)
				cli_usage_error("invalid --count '%s'", optarg);
			break;
		case 'i':
			delay = strtod(optarg, &end);
			if (*end || !(delay >= 0.05 && delay <= 86400))
				cli_usage_error("invalid --interval '%s' (0.05 to 86400 seconds)", optarg);
			break;
		case 'J':
			output = CLI_OUTPUT_JSON;
			batch = true;
			break;
		case 'o':
			columns = optarg;
			break;
		case 'H':
			list_cols = true;
			break;
		case 'x':
			sort = top_col_parse(optarg);
			if (sort < 0)
				cli_usage_error("unknown sort column '%s' (see --list-columns)", optarg);
			break;
		case 'R':
			reverse = true;
			break;
		case 'Q':
			filter = optarg;
			break;
		case OPT_FLAT:
			flat = true;
			break;
		case 'w':
			width = strtol(optarg, &end, 10);
			if (*end || width < 20 || width > 4096)
				cli_usage_error("invalid width '%s'", optarg);
			break;
		case OPT_RECORD:
			record = optarg;
			batch = true;
			break;
		case OPT_NO_BPF:
			no_bpf = true;
			break;
		case OPT_SYSROOT:
			sysroot = optarg;
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
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (output == CLI_OUTPUT_JSON)
		batch = true;
	if (!batch && !list_cols && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)))
		cli_usage_error("the interactive view needs a terminal; use -b for batch output");

	/* --sysroot t0,t1: one root per tick, so the rates are the same on every run. */
	if (sysroot) {
		rootlist = cli_split_list(sysroot);
		for (nroots = 0; rootlist[nroots]; nroots++)
			;
		if (!nroots)
			cli_usage_error("empty --sysroot");
	}
	roots = xcalloc(nroots, sizeof(*roots));
	for (size_t i = 0; i < nroots; i++)
		roots[i] = cli_open_root(rootlist ? rootlist[i] : NULL);
	/* On a Xen dom0 the VMs are the hypervisor's domains, not processes. */
	hv = hv_xen_is_dom0(roots[0]) ? TOP_HV_XEN : TOP_HV_KVM;
	if (list_cols) {
		top_cols_list(stdout, hv);
		rc = 0;
		goto done;
	}
	top_view_init(&view, hv);
	view.reverse = reverse;
	view.tree = !flat;
	if (filter)
		snprintf(view.filter, sizeof(view.filter), "%s", filter);
	if (columns)
		apply_columns(&view, columns);
	if (sort >= 0)
		view.sort = sort;
	if (iterations < 0 && nroots > 1)
		iterations = (long)nroots - 1;
	if (iterations < 0 && sysroot)
		iterations = 1;

	/* The sampler keeps up to three files open per vCPU thread: allow what the hard limit does. */
	{
		struct rlimit rl;

		if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if (top_sampler_new(&smp) < 0)
		cli_die("out of memory");
	top_sampler_set_hv(smp, hv);
	if (hv == TOP_HV_XEN) {
		struct hv_xen_host xh;

		/* the hypervisor must answer before a UI starts */
		rc = hv_root_xen_host(roots[0], &xh);
		if (rc < 0)
			cli_die("Xen dom0, but the hypervisor cannot be read: %s", hv_xen_strerror(rc));
		host_line = xstrdup(hv_xen_host_line(&xh, line, sizeof(line)));
	}
	if (hv == TOP_HV_KVM && (top_view_has(&view, TOP_COL_EXITS) || view.sort == TOP_COL_EXITS)) {
		if (no_bpf)
			bpf_why = xstrdup("--no-bpf");
		else if (top_sampler_enable_bpf(smp, roots[0], &bpf_why) == 0)
			bpf_why = NULL;
		if (bpf_why) {
			/* all exit reasons together, from KVM's statistics (hidden below if none) */
			top_sampler_exits_from_kstat(smp);
			notes[nnotes++] = bpf_why;
		}
	}
	/* A record holds every cheap counter, whatever the columns shown. */
	top_sampler_set_needs(smp, top_view_needs(&view) |
			      (record ? TOP_NEED_STATUS | TOP_NEED_SCHEDSTAT | TOP_NEED_KSM |
					TOP_NEED_CGROUP | TOP_NEED_KSTAT : 0));
	if (record) {
		rc = top_record_open(record, &rec);
		if (rc < 0)
			cli_die("cannot record to %s: %s", record, strerror(-rc));
	}

	if (!batch) {
		struct top_tui_opts to = {
			.delay = delay,
			.iterations = iterations > 0 ? (int)iterations : 0,
			.bpf_note = bpf_why,
			.host_note = host_line,
		};

		rc = top_tui_run(smp, roots[nroots - 1], &view, &to);
		if (rc < 0)
			cli_error("%s", strerror(-rc));
		goto done;
	}

	/* The baseline sample, then one sample per iteration. */
	rc = top_sampler_tick(smp, roots[0]);
	if (rc == 0 && top_sampler_kstat_missing(smp)) {
		/* no KVM statistics for any guest: their columns go, as EXITS/s without BPF */
		for (int id = 0; id < TOP_COL_COUNT; id++)
			if ((top_col_info(id)->needs & TOP_NEED_KSTAT) ||
			    (id == TOP_COL_EXITS && bpf_why))
				top_view_hide(&view, id);
		if (view.sort == TOP_COL_EXITS || (top_col_info(view.sort)->needs & TOP_NEED_KSTAT))
			view.sort = TOP_COL_CPU;
	}
	if (output == CLI_OUTPUT_HUMAN) {
		for (size_t i = 0; i < nnotes; i++) {
			if (notes[i] != bpf_why)
				cli_warn("%s", notes[i]);
			else if (top_view_has(&view, TOP_COL_EXITS))
				cli_warn("EXITS/s from KVM statistics, all reasons together: %s", notes[i]);
			else
				cli_warn("EXITS/s hidden: %s", notes[i]);
		}
	}
	/* what the baseline found missing for the shown columns: said once */
	for (const char *const *n = top_sampler_notes(smp); rc == 0 && *n && nnotes + 1 < 8; n++) {
		notes[nnotes++] = *n;
		if (output == CLI_OUTPUT_HUMAN)
			cli_warn("%s", *n);
	}
	for (long it = 0; rc == 0 && (iterations < 0 || it < iterations); it++) {
		const struct hv_root *r = roots[HV_MIN((size_t)it + 1, nroots - 1)];
		const struct top_snap *snap;

		if (hv_root_is_live(r))
			sleep_s(delay);
		rc = top_sampler_tick(smp, r);
		if (rc < 0)
			break;
		snap = top_sampler_snap(smp);
		if (output == CLI_OUTPUT_JSON) {
			rc = top_json_print(stdout, &view, snap, notes);
		} else {
			if (it)
				putchar('\n');
			top_batch_print(stdout, &view, snap, (int)width);
		}
		if (rec && rc == 0) {
			rc = top_record_add(rec, snap);
			if (rc < 0)
				cli_error("recording to %s: %s", record, strerror(-rc));
		}
		fflush(stdout);
	}
	if (rc < 0) {
		const char *why = hv == TOP_HV_XEN ? hv_xen_strerror(rc) : strerror(-rc);

		if (output == CLI_OUTPUT_JSON) {
			/* errors are JSON too (bpftool's p_err), in the layout of the refreshes */
			json_t *doc = hv_json_doc(cli_prog());

			if (doc && json_object_set_new(doc, "error", hv_json_str(why)) == 0)
				hv_json_print(stdout, doc, true);
			json_decref(doc);
		}
		cli_error("%s", why);
	}
done:
	top_record_close(rec);
	top_sampler_free(smp);
	for (size_t i = 0; i < nroots; i++)
		hv_root_free(roots[i]);
	free(roots);
	cli_free_list(rootlist);
	free(bpf_why);
	free(host_line);
	return rc < 0 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}
