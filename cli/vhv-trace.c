// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhv-trace: why do this VM's vCPUs leave guest mode, how often, and how long
 * does the host take each time? Option parsing, the interval loop and output;
 * the BPF side is bpf/vbpf-trace, the recording bpf/vbpf-record.
 *
 *   vhv-trace [-p PID] [--vcpu N] [-d SECS] [-i SECS] [-J] [--record DB]
 *   vhv-trace report DB [--by reason|vcpu|time] [-J]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bpf/vbpf-record.h"
#include "bpf/vbpf-reasons.h"
#include "bpf/vbpf-render.h"
#include "bpf/vbpf-stats.h"
#include "bpf/vbpf-trace.h"
#include "bpf/vbpf.h"
#include "cli/cli-common.h"
#include "hvcore/hv-json.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-proc.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-util.h"

enum {
	OPT_RECORD = 256, OPT_PROMETHEUS, OPT_PORTS, OPT_LATENCY, OPT_LATENCY_RATE, OPT_NO_LATENCY,
	OPT_VCPU, OPT_BY,
};

#define TICK_MS 200          /* snapshot cadence of the interval loop */

static volatile sig_atomic_t stop, pause_req;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		pause_req = !pause_req;
	else
		stop = 1;
}

static void usage(void)
{
	printf("Usage:\n"
	       " %1$s [options]\n"
	       " %1$s report <db> [--by reason|vcpu|time] [--json]\n"
	       "\n"
	       "Trace KVM VM exits with eBPF: counts by VM, vCPU and exit reason, and how\n"
	       "long the host takes to handle them. Needs root.\n"
	       "\n"
	       "Options:\n"
	       " -p, --pid <pid>         trace only this VMM process\n"
	       "     --vcpu <n>          trace only this vCPU id\n"
	       " -d, --duration <secs>   stop after this many seconds (default: Ctrl-C)\n"
	       " -i, --interval <secs>   print a table every interval (default: 1 on a terminal)\n"
	       " -J, --json              JSON output\n"
	       "     --record <db>       record every interval into this SQLite file\n"
	       "     --prometheus <file> write counters as a node_exporter textfile\n"
	       "     --ports             also count I/O ports and MMIO addresses\n"
	       "     --latency <mode>    time exits: sampled (default), all or off\n"
	       "     --latency-rate <n>  sampled: time about n exits per second (default %2$d)\n"
	       "     --no-latency        same as --latency=off\n"
	       "     --by <what>         report: reason, vcpu or time (default: all three)\n"
	       " -v, --verbose           more log detail on stderr (twice: debug)\n"
	       " -h, --help              display this help\n"
	       " -V, --version           display version\n"
	       "\n"
	       "SIGUSR1 pauses tracing and resumes it.\n"
	       "\n"
	       "Exit status: 0 done, 1 could not run (no BPF, not root, bad usage).\n"
	       "See vhv-trace(8).\n",
	       cli_prog(), VBPF_LAT_RATE_DEFAULT);
}

/* Print a document (vhv-trace prints one per run) and free it. */
static void print_doc(json_t *doc)
{
	if (!doc)
		cli_die("out of memory");
	if (hv_json_print(stdout, doc, false) < 0)
		cli_error("writing the JSON document: %s", strerror(EIO));
	json_decref(doc);
}

/* ---- live tracing -------------------------------------------------------- */

struct live {
	const struct hv_root *root;
	struct vbpf_trace *tr;
	struct vbpf_rec *rec;
	enum cli_output output;
	const char *prom;
	bool ports;
	enum vbpf_latency latency;
	bool paused;                       /* SIGUSR1 toggles */
	struct vbpf_names names;
	struct vbpf_trace_snapshot prev;   /* at the last interval boundary */
	uint64_t t0, t_prev;               /* monotonic ns */
};

/* One interval boundary: print, record, export; then @snap becomes the previous one. */
static int interval(struct live *lv, struct vbpf_trace_snapshot *snap, uint64_t now, bool print)
{
	struct vbpf_exit_stat *d = NULL;
	double secs = (double)(now - lv->t_prev) / 1e9;
	ssize_t nd;
	int rc = 0;

	nd = vbpf_stats_delta(lv->prev.exits, lv->prev.nexits, snap->exits, snap->nexits, &d);
	if (nd < 0)
		return (int)nd;
	if (print && lv->output == CLI_OUTPUT_HUMAN)
		vbpf_render_interval(stdout, &lv->names, d, (size_t)nd, secs,
				     snap->drops - lv->prev.drops);
	if (lv->rec) {
		rc = vbpf_rec_add(lv->rec, now - lv->t0, now - lv->t_prev, d, (size_t)nd);
		if (rc < 0)
			cli_error("recording: %s", strerror(-rc));
	}
	if (rc == 0 && lv->prom) {
		rc = vbpf_render_prometheus(lv->prom, &lv->names, snap);
		if (rc < 0)
			cli_error("%s: %s", lv->prom, strerror(-rc));
	}
	free(d);
	vbpf_trace_snapshot_free(&lv->prev);
	lv->prev = *snap;
	memset(snap, 0, sizeof(*snap));
	lv->t_prev = now;
	return rc;
}

static void learn_names(struct live *lv, const struct vbpf_trace_snapshot *snap)
{
	for (size_t i = 0; i < snap->nexits; i++) {
		uint32_t pid = snap->exits[i].pid;

		if (vbpf_names_learn(&lv->names, lv->tr, pid) > 0 && lv->rec)
			vbpf_rec_set_vm(lv->rec, pid, vbpf_names_get(&lv->names, pid));
	}
}

/* Read the aggregates into *snap and learn the names of new VMs. 0 or -errno (said). */
static int read_snapshot(struct live *lv, struct vbpf_trace_snapshot *snap)
{
	int rc = vbpf_trace_snapshot(lv->tr, snap);

	if (rc < 0) {
		cli_error("reading BPF maps: %s", strerror(-rc));
		return rc;
	}
	learn_names(lv, snap);
	return 0;
}

static char *sources_list(const struct vbpf_trace *tr)
{
	char *s = xstrdup("");

	for (unsigned int src = 0; src < VBPF_SRC_COUNT; src++) {
		char *n;

		if (!(vbpf_trace_sources(tr) & (1u << src)))
			continue;
		n = xasprintf("%s%s%s", s, *s ? "," : "", vbpf_src_name(src));
		free(s);
		s = n;
	}
	return s;
}

/* --pid names a VMM: a process that holds a KVM VM (else it would trace nothing). */
static int check_pid(const struct hv_root *root, int pid)
{
	_cleanup_free_ char *comm = NULL;
	int rc = hv_proc_kvm_vm(root, pid);

	if (rc == 1 || rc == -EACCES || rc == -EPERM)
		return 0;  /* hidden fds: BPF needs root anyway, which sees them */
	if (rc == -ENOENT) {
		cli_error("--pid %d: no such process", pid);
		return rc;
	}
	if (rc < 0) {
		cli_error("--pid %d: %s", pid, strerror(-rc));
		return rc;
	}
	hv_root_read_linef(root, &comm, "/proc/%d/comm", pid);
	cli_error("--pid %d (%s) holds no KVM VM: no exits to trace", pid, comm ? comm : "?");
	return -ESRCH;
}

static int run_live(const struct vbpf_trace_opts *topts, double duration, double ival,
		    enum cli_output output, const char *record, const char *prom)
{
	struct live lv = {
		.output = output, .prom = prom, .ports = topts->ports, .latency = topts->latency,
	};
	struct vbpf_trace_snapshot snap = { 0 };
	const struct vbpf_trace_snapshot *total;
	struct hv_root *root = cli_open_root(NULL);
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t now, ival_ns, end_ns = 0;
	char *why = NULL, *srcs;
	int rc;

	/*
	 * Handlers first: a SIGINT or SIGTERM while the programs load ends the
	 * run right after they attach (a background job of a script starts
	 * with SIGINT ignored, and would otherwise never see it).
	 */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	lv.root = root;
	if (topts->pid && check_pid(root, (int)topts->pid) < 0) {
		hv_root_free(root);
		return CLI_EXIT_ERROR;
	}
	rc = vbpf_trace_open(root, topts, &lv.tr, &why);
	if (rc < 0) {
		cli_error("cannot trace VM exits: %s", why);
		free(why);
		hv_root_free(root);
		return CLI_EXIT_ERROR;
	}
	/* Loaded, but it would count nothing: say why instead of "0 exits". */
	if (hv_root_existsf(root, "/dev/kvm") < 0) {
		cli_error("cannot trace VM exits: no /dev/kvm: KVM is not usable on this host");
		rc = -ENODEV;
		goto out;
	}
	srcs = sources_list(lv.tr);
	if (record) {
		struct utsname u;

		uname(&u);
		rc = vbpf_rec_open(record, u.nodename, VHV_VERSION,
				   (uint64_t)time(NULL) * 1000000000ULL, srcs, &lv.rec);
		if (rc < 0) {
			cli_error("%s: cannot record: %s", record, strerror(-rc));
			goto out;
		}
	}
	/* Attached: nothing needs privileges any more (reading maps, detaching). */
	if (vbpf_drop_privileges(&why) < 0) {
		cli_warn("%s", why);
		free(why);
		why = NULL;
	}
	fprintf(stderr, "%s: tracing VM exits from %s%s\n", cli_prog(), srcs,
		duration > 0 ? "" : "; Ctrl-C to stop");
	free(srcs);

	lv.t0 = lv.t_prev = hv_now_ns();
	if (duration > 0)
		end_ns = lv.t0 + (uint64_t)(duration * 1e9);
	ival_ns = ival > 0 ? (uint64_t)(ival * 1e9) : 0;
	/* Recording and exporting need interval boundaries even when nothing prints. */
	if (!ival_ns && (lv.rec || prom))
		ival_ns = 1000000000ULL;
	while (!stop) {
		uint64_t wait_ns = TICK_MS * 1000000ULL;

		now = hv_now_ns();
		if (end_ns && now >= end_ns)
			break;
		if (end_ns && end_ns - now < wait_ns)
			wait_ns = end_ns - now;
		vbpf_trace_wait(lv.tr, wait_ns);  /* -EINTR: a signal */
		if (pause_req != lv.paused) {
			lv.paused = pause_req;
			vbpf_trace_pause(lv.tr, lv.paused);
			fprintf(stderr, "%s: %s\n", cli_prog(), lv.paused ? "paused" : "resumed");
		}
		now = hv_now_ns();
		rc = read_snapshot(&lv, &snap);
		if (rc < 0)
			goto out;
		if (ival_ns && now - lv.t_prev >= ival_ns)
			rc = interval(&lv, &snap, now, ival > 0);
		vbpf_trace_snapshot_free(&snap);
		if (rc < 0)
			goto out;
	}
	/* Final read: every event counted in the kernel so far. */
	now = hv_now_ns();
	rc = read_snapshot(&lv, &snap);
	if (rc < 0)
		goto out;
	total = &snap;
	if (lv.rec || prom) {
		/* Close the last partial interval; it keeps the totals in lv.prev. */
		rc = interval(&lv, &snap, now, false);
		if (rc < 0)
			goto out;
		total = &lv.prev;
	}
	{
		struct vbpf_summary sum = {
			.tr = lv.tr, .names = &lv.names, .snap = total, .ns = now - lv.t0,
			.latency = lv.latency, .ports = lv.ports,
		};

		if (output == CLI_OUTPUT_JSON)
			print_doc(vbpf_summary_json(&sum));
		else
			vbpf_render_summary(stdout, &sum);
	}
	rc = 0;
out:
	vbpf_trace_snapshot_free(&snap);
	vbpf_trace_snapshot_free(&lv.prev);
	vbpf_rec_close(lv.rec);
	vbpf_trace_close(lv.tr);
	vbpf_names_free(&lv.names);
	hv_root_free(root);
	return rc < 0 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}

/* ---- report ----------------------------------------------------------------- */

static int run_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, OPT_BY },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_output output = CLI_OUTPUT_HUMAN;
	struct vbpf_rec_data d;
	unsigned int by = 0;
	int c, rc;

	optind = 1;
	cli_subcommand(argv, "report");
	while ((c = getopt_long(argc, argv, "Jh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_BY:
			if (!strcmp(optarg, "reason"))
				by |= VBPF_VIEW_REASON;
			else if (!strcmp(optarg, "vcpu"))
				by |= VBPF_VIEW_VCPU;
			else if (!strcmp(optarg, "time"))
				by |= VBPF_VIEW_TIME;
			else
				cli_usage_error("--by is reason, vcpu or time, not '%s'", optarg);
			break;
		case 'J':
			output = CLI_OUTPUT_JSON;
			break;
		case 'h':
			usage();
			return CLI_EXIT_OK;
		default:
			cli_usage_hint();
			return CLI_EXIT_ERROR;
		}
	}
	if (optind != argc - 1)
		cli_usage_error("needs exactly one recording (a SQLite file)");
	if (!by)
		by = VBPF_VIEW_REASON | VBPF_VIEW_VCPU | VBPF_VIEW_TIME;
	rc = vbpf_rec_load(argv[optind], &d);
	if (rc == -EINVAL) {
		cli_error("%s: not a vhv-trace recording", argv[optind]);
		return CLI_EXIT_ERROR;
	}
	if (rc < 0) {
		cli_error("%s: %s", argv[optind], strerror(-rc));
		return CLI_EXIT_ERROR;
	}
	if (d.nbad)
		cli_warn("%s: %zu rows skipped (unknown reason or bad histogram)", argv[optind],
			 d.nbad);
	if (output == CLI_OUTPUT_HUMAN)
		rc = vbpf_render_report(stdout, &d, by);
	else
		print_doc(vbpf_report_json(&d, by));
	if (rc < 0)
		cli_die("out of memory");
	vbpf_rec_data_free(&d);
	return CLI_EXIT_OK;
}

/* ---- main -------------------------------------------------------------------- */

static double parse_secs(const char *opt, const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0) || v > 365 * 86400.0)
		cli_usage_error("%s: '%s' is not a number of seconds", opt, s);
	return v;
}

static enum vbpf_latency parse_latency(const char *s)
{
	for (enum vbpf_latency l = VBPF_LAT_SAMPLED; l <= VBPF_LAT_OFF; l++)
		if (!strcmp(s, vbpf_latency_name(l)))
			return l;
	cli_usage_error("--latency: '%s' is not sampled, all or off", s);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "vcpu", required_argument, NULL, OPT_VCPU },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'J' },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "prometheus", required_argument, NULL, OPT_PROMETHEUS },
		{ "ports", no_argument, NULL, OPT_PORTS },
		{ "latency", required_argument, NULL, OPT_LATENCY },
		{ "latency-rate", required_argument, NULL, OPT_LATENCY_RATE },
		{ "no-latency", no_argument, NULL, OPT_NO_LATENCY },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vbpf_trace_opts topts = { .pid = 0, .vcpu = -1 };
	enum cli_output output = CLI_OUTPUT_HUMAN;
	const char *record = NULL, *prom = NULL;
	double duration = 0, ival = -1;
	uint64_t v;
	int c;

	cli_init(argv);
	if (argc > 1 && !strcmp(argv[1], "report"))
		return run_report(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "p:d:i:JvhV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (hv_parse_u64(optarg, 10, &v) < 0 || !v || v > INT32_MAX)
				cli_usage_error("--pid: '%s' is not a process id", optarg);
			topts.pid = (uint32_t)v;
			break;
		case OPT_VCPU:
			if (hv_parse_u64(optarg, 10, &v) < 0 || v > INT32_MAX)
				cli_usage_error("--vcpu: '%s' is not a vCPU id", optarg);
			topts.vcpu = (int32_t)v;
			break;
		case 'd':
			duration = parse_secs("--duration", optarg);
			break;
		case 'i':
			ival = parse_secs("--interval", optarg);
			break;
		case 'J':
			output = CLI_OUTPUT_JSON;
			break;
		case OPT_RECORD:
			record = optarg;
			break;
		case OPT_PROMETHEUS:
			prom = optarg;
			break;
		case OPT_PORTS:
			topts.ports = true;
			break;
		case OPT_LATENCY:
			topts.latency = parse_latency(optarg);
			break;
		case OPT_LATENCY_RATE:
			if (hv_parse_u64(optarg, 10, &v) < 0 || !v || v > 100000000)
				cli_usage_error("--latency-rate: '%s' is not a number of exits per second",
						optarg);
			topts.lat_rate = (uint32_t)v;
			break;
		case OPT_NO_LATENCY:
			topts.latency = VBPF_LAT_OFF;
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
	/* Interval tables by default only for a person watching a terminal. */
	if (ival < 0)
		ival = output == CLI_OUTPUT_HUMAN && isatty(STDOUT_FILENO) ? 1.0 : 0.0;
	return run_live(&topts, duration, ival, output, record, prom);
}
