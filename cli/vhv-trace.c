// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhv-trace: why do this VM's vCPUs leave guest mode, how often, and how long
 * does the host take each time? Option parsing, the interval loop and output;
 * the BPF side is bpf/vbpf-trace, the recording bpf/vbpf-record.
 *
 *   vhv-trace [-p PID] [-v VCPU] [-d SECS] [-i SECS] [-o human|json] [--record DB]
 *   vhv-trace report DB [--by reason|vcpu|time] [-o human|json]
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
#include "bpf/vbpf-stats.h"
#include "bpf/vbpf-trace.h"
#include "bpf/vbpf.h"
#include "cli/cli-common.h"
#include "hvcore/hv-log.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-util.h"

enum {
	OPT_RECORD = 256, OPT_PROMETHEUS, OPT_PORTS, OPT_LATENCY, OPT_LATENCY_RATE, OPT_NO_LATENCY,
	OPT_VERBOSE, OPT_BY,
};

#define TICK_MS 200          /* snapshot cadence of the interval loop */
#define NAME_MAX_LEN 16

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
	       " %1$s report <db> [--by reason|vcpu|time] [--output human|json]\n"
	       "\n"
	       "Trace KVM VM exits with eBPF: counts by VM, vCPU and exit reason, and how\n"
	       "long the host takes to handle them. Needs root.\n"
	       "\n"
	       "Options:\n"
	       " -p, --pid <pid>         trace only this VMM process\n"
	       " -v, --vcpu <n>          trace only this vCPU id\n"
	       " -d, --duration <secs>   stop after this many seconds (default: Ctrl-C)\n"
	       " -i, --interval <secs>   print a table every interval (default: 1 on a terminal)\n"
	       " -o, --output <fmt>      output format: human (default) or json\n"
	       " -J, --json              same as --output=json\n"
	       "     --record <db>       record every interval into this SQLite file\n"
	       "     --prometheus <file> write counters as a node_exporter textfile\n"
	       "     --ports             also count I/O ports and MMIO addresses\n"
	       "     --latency <mode>    time exits: sampled (default), all or off\n"
	       "     --latency-rate <n>  sampled: time about n exits per second (default %2$d)\n"
	       "     --no-latency        same as --latency=off\n"
	       "     --by <what>         report: reason, vcpu or time (default: all three)\n"
	       "     --verbose           more log detail on stderr (twice: debug)\n"
	       " -h, --help              display this help\n"
	       " -V, --version           display version\n"
	       "\n"
	       "SIGUSR1 pauses tracing and resumes it.\n"
	       "\n"
	       "Exit status: 0 done, 1 could not run (no BPF, not root, bad usage).\n"
	       "See vhv-trace(8).\n",
	       cli_prog(), VBPF_LAT_RATE_DEFAULT);
}

static const char *const latency_names[] = {
	[VBPF_LAT_SAMPLED] = "sampled",
	[VBPF_LAT_ALL] = "all",
	[VBPF_LAT_OFF] = "off",
};

/* ---- formatting -------------------------------------------------------- */

/* Latency for humans in 6 columns: "850ns" "4.9us" "49us" "1.2ms" "1.5s"; "-" when none. */
static const char *fmt_ns(uint64_t ns, bool have, char *buf, size_t len)
{
	if (!have)
		snprintf(buf, len, "-");
	else if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 10000)
		snprintf(buf, len, "%.1fus", (double)ns / 1e3);
	else if (ns < 1000000)
		snprintf(buf, len, "%" PRIu64 "us", ns / 1000);
	else if (ns < 10000000)
		snprintf(buf, len, "%.1fms", (double)ns / 1e6);
	else if (ns < 1000000000)
		snprintf(buf, len, "%" PRIu64 "ms", ns / 1000000);
	else
		snprintf(buf, len, "%.1fs", (double)ns / 1e9);
	return buf;
}

static const char *reason_str(const struct vbpf_exit_stat *s, char *buf, size_t len)
{
	char rb[48];
	const char *r = vbpf_reason_name(s->kind, s->reason, rb, sizeof(rb));

	if (s->kind == VBPF_KIND_USER)
		snprintf(buf, len, "%s", r);
	else
		snprintf(buf, len, "%s:%s", vbpf_kind_name(s->kind), r);
	return buf;
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_latency(FILE *out, const struct vbpf_exit_stat *s)
{
	fprintf(out, "\"latency_ns\":{\"measured\":%" PRIu64, s->lat_count);
	if (s->lat_count)
		fprintf(out, ",\"avg\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p99\":%" PRIu64
			",\"max\":%" PRIu64,
			s->lat_sum_ns / s->lat_count,
			vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 50, s->lat_max_ns),
			vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 99, s->lat_max_ns),
			s->lat_max_ns);
	fputc('}', out);
}

/* ---- VM names (the VMM's comm, captured in the kernel at its first exit) ---- */

struct names {
	struct {
		uint32_t pid;
		char name[NAME_MAX_LEN + 1];
	} *v;
	size_t n, cap;
};

static const char *name_of(const struct names *nm, uint32_t pid)
{
	for (size_t i = 0; i < nm->n; i++)
		if (nm->v[i].pid == pid)
			return nm->v[i].name;
	return "?";
}

/* Returns true when @pid was new (so a recording learns its name once). */
static bool name_learn(struct names *nm, struct vbpf_trace *tr, uint32_t pid)
{
	char comm[NAME_MAX_LEN + 1];

	for (size_t i = 0; i < nm->n; i++)
		if (nm->v[i].pid == pid)
			return false;
	if (nm->n == nm->cap) {
		nm->cap = nm->cap ? nm->cap * 2 : 16;
		nm->v = xrealloc(nm->v, nm->cap * sizeof(*nm->v));
	}
	nm->v[nm->n].pid = pid;
	if (vbpf_trace_comm(tr, pid, comm, sizeof(comm)) == 0)
		snprintf(nm->v[nm->n].name, sizeof(nm->v[nm->n].name), "%s", comm);
	else
		snprintf(nm->v[nm->n].name, sizeof(nm->v[nm->n].name), "?");
	nm->n++;
	return true;
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
	struct names names;
	struct vbpf_trace_snapshot prev;   /* at the last interval boundary */
	uint64_t t0, t_prev;               /* monotonic ns */
};

static void print_table_head(void)
{
	printf("%7s %-8s %4s %-16s %9s %8s %6s %6s %6s\n", "PID", "VM", "VCPU", "REASON", "COUNT",
	       "RATE/s", "AVG", "P50", "P99");
}

static void print_row(const struct names *nm, const struct vbpf_exit_stat *s, double secs)
{
	char rs[64], vc[16], a[16], p50[16], p99[16];
	bool have = s->lat_count > 0;

	if (s->vcpu >= 0)
		snprintf(vc, sizeof(vc), "%d", s->vcpu);
	else
		snprintf(vc, sizeof(vc), "?");
	printf("%7u %-8.8s %4s %-16s %9" PRIu64 " %8.0f %6s %6s %6s\n", s->pid,
	       hv_esc_buf(name_of(nm, s->pid), (char[64]){ 0 }, 64),
	       vc, reason_str(s, rs, sizeof(rs)), s->count, secs > 0 ? (double)s->count / secs : 0.0,
	       fmt_ns(have ? s->lat_sum_ns / s->lat_count : 0, have, a, sizeof(a)),
	       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 50, s->lat_max_ns), have, p50,
		      sizeof(p50)),
	       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 99, s->lat_max_ns), have, p99,
		      sizeof(p99)));
}

static int write_prometheus(struct live *lv, const struct vbpf_trace_snapshot *snap)
{
	char *buf = NULL, rb[48];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int rc;

	if (!m)
		return -ENOMEM;
	fputs("# HELP vhv_trace_exits_total VM exits seen by vhv-trace, by VM, vCPU and reason.\n"
	      "# TYPE vhv_trace_exits_total counter\n", m);
	for (size_t i = 0; i < snap->nexits; i++) {
		const struct vbpf_exit_stat *s = &snap->exits[i];

		fprintf(m, "vhv_trace_exits_total{pid=\"%u\",vm=\"", s->pid);
		hv_prom_escape(m, name_of(&lv->names, s->pid));
		fprintf(m, "\",vcpu=\"%d\",kind=\"%s\",reason=\"%s\"} %" PRIu64 "\n", s->vcpu,
			vbpf_kind_name(s->kind), vbpf_reason_name(s->kind, s->reason, rb, sizeof(rb)),
			s->count);
	}
	fputs("# HELP vhv_trace_exit_handling_seconds Time to handle exits (VMM: until the next "
	      "KVM_RUN; kernel: until the next VM entry).\n"
	      "# TYPE vhv_trace_exit_handling_seconds summary\n", m);
	for (size_t i = 0; i < snap->nexits; i++) {
		const struct vbpf_exit_stat *s = &snap->exits[i];
		const char *r = vbpf_reason_name(s->kind, s->reason, rb, sizeof(rb));

		fprintf(m, "vhv_trace_exit_handling_seconds_sum{pid=\"%u\",vcpu=\"%d\",kind=\"%s\","
			"reason=\"%s\"} %.9f\n", s->pid, s->vcpu, vbpf_kind_name(s->kind), r,
			(double)s->lat_sum_ns / 1e9);
		fprintf(m, "vhv_trace_exit_handling_seconds_count{pid=\"%u\",vcpu=\"%d\",kind=\"%s\","
			"reason=\"%s\"} %" PRIu64 "\n", s->pid, s->vcpu, vbpf_kind_name(s->kind), r,
			s->lat_count);
	}
	fprintf(m, "# HELP vhv_trace_lost_events_total Events lost because a BPF map was full.\n"
		"# TYPE vhv_trace_lost_events_total counter\nvhv_trace_lost_events_total %" PRIu64 "\n",
		snap->drops);
	if (fclose(m) != 0) {
		free(buf);
		return -ENOMEM;
	}
	rc = hv_write_file_atomic(lv->prom, buf, len);
	free(buf);
	return rc;
}

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
	if (print && lv->output == CLI_OUTPUT_HUMAN) {
		time_t t = time(NULL);
		struct tm tm;
		char ts[16];

		strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&t, &tm));
		printf("%s  %.2f s, %" PRIu64 " lost\n", ts, secs, snap->drops - lv->prev.drops);
		print_table_head();
		for (ssize_t i = 0; i < nd; i++)
			print_row(&lv->names, &d[i], secs);
		putchar('\n');
		fflush(stdout);
	}
	if (lv->rec) {
		rc = vbpf_rec_add(lv->rec, now - lv->t0, now - lv->t_prev, d, (size_t)nd);
		if (rc < 0)
			cli_error("recording: %s", strerror(-rc));
	}
	if (rc == 0 && lv->prom) {
		rc = write_prometheus(lv, snap);
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

		if (name_learn(&lv->names, lv->tr, pid) && lv->rec)
			vbpf_rec_set_vm(lv->rec, pid, name_of(&lv->names, pid));
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

static const char *port_rw(const struct vbpf_port_stat *p)
{
	static const char *const pio[] = { "in", "out" };
	static const char *const mmio[] = { "unsat-read", "read", "write" };

	if (p->kind == 0)
		return p->rw < 2 ? pio[p->rw] : "?";
	return p->rw < 3 ? mmio[p->rw] : "?";
}

static void summary_human(struct live *lv, const struct vbpf_trace_snapshot *s, double secs)
{
	uint32_t rate = vbpf_trace_lat_rate(lv->tr);
	uint64_t total = 0, timed = 0;

	for (size_t i = 0; i < s->nexits; i++) {
		total += s->exits[i].count;
		timed += s->exits[i].lat_count;
	}
	printf("Summary: %.2f s, %" PRIu64 " exits, %" PRIu64 " lost\n", secs, total, s->drops);
	if (lv->latency == VBPF_LAT_OFF)
		printf("Latency: not measured (--latency=off)\n");
	else if (rate)
		printf("Latency: sampled, %" PRIu64 " exits timed (aiming at about %u a second)\n", timed,
		       rate);
	else
		printf("Latency: %" PRIu64 " exits timed\n", timed);
	print_table_head();
	for (size_t i = 0; i < s->nexits; i++)
		print_row(&lv->names, &s->exits[i], secs);
	if (lv->ports && s->nports) {
		printf("\n%7s %4s %-4s %-10s %18s %9s\n", "PID", "VCPU", "KIND", "ACCESS", "ADDRESS",
		       "COUNT");
		for (size_t i = 0; i < s->nports; i++) {
			const struct vbpf_port_stat *p = &s->ports[i];

			printf("%7u %4d %-4s %-10s %#18" PRIx64 " %9" PRIu64 "\n", p->pid, p->vcpu,
			       p->kind ? "mmio" : "pio", port_rw(p), p->addr, p->count);
		}
	}
	printf("\nSources:\n");
	for (unsigned int src = 0; src < VBPF_SRC_COUNT; src++) {
		const char *note = vbpf_trace_source_note(lv->tr, src);

		if (note)
			printf("  %-24s not attached: %s\n", vbpf_src_name(src), note);
		else if (!s->events[src] && src == VBPF_SRC_KVM_EXIT)
			printf("  %-24s attached, no events (never fires on PVM hosts)\n",
			       vbpf_src_name(src));
		else
			printf("  %-24s %" PRIu64 " events\n", vbpf_src_name(src), s->events[src]);
	}
}

static void summary_json(struct live *lv, const struct vbpf_trace_snapshot *s, uint64_t ns)
{
	char rb[48];

	printf("{\"tool\":\"vhv-trace\",\"version\":\"%s\",\"duration_ns\":%" PRIu64
	       ",\"lost\":%" PRIu64 ",\"latency\":{\"mode\":\"%s\"", VHV_VERSION, ns, s->drops,
	       latency_names[lv->latency]);
	if (vbpf_trace_lat_rate(lv->tr))
		printf(",\"rate\":%u", vbpf_trace_lat_rate(lv->tr));
	printf("},\"sources\":[");
	for (unsigned int src = 0; src < VBPF_SRC_COUNT; src++) {
		const char *note = vbpf_trace_source_note(lv->tr, src);

		printf("%s{\"name\":\"%s\",\"attached\":%s,\"events\":%" PRIu64, src ? "," : "",
		       vbpf_src_name(src), note ? "false" : "true", s->events[src]);
		if (note) {
			printf(",\"note\":");
			json_str(stdout, note);
		}
		putchar('}');
	}
	printf("],\"exits\":[");
	for (size_t i = 0; i < s->nexits; i++) {
		const struct vbpf_exit_stat *e = &s->exits[i];

		printf("%s{\"pid\":%u,\"vm\":", i ? "," : "", e->pid);
		json_str(stdout, name_of(&lv->names, e->pid));
		printf(",\"vcpu\":%d,\"kind\":\"%s\",\"reason\":\"%s\",\"count\":%" PRIu64
		       ",\"rate\":%.1f,", e->vcpu, vbpf_kind_name(e->kind),
		       vbpf_reason_name(e->kind, e->reason, rb, sizeof(rb)), e->count,
		       ns ? (double)e->count * 1e9 / (double)ns : 0.0);
		json_latency(stdout, e);
		putchar('}');
	}
	printf("],\"ports\":[");
	for (size_t i = 0; i < s->nports; i++) {
		const struct vbpf_port_stat *p = &s->ports[i];

		printf("%s{\"pid\":%u,\"vcpu\":%d,\"kind\":\"%s\",\"access\":\"%s\",\"addr\":%" PRIu64
		       ",\"count\":%" PRIu64 "}", i ? "," : "", p->pid, p->vcpu,
		       p->kind ? "mmio" : "pio", port_rw(p), p->addr, p->count);
	}
	printf("]}\n");
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
	rc = vbpf_trace_open(root, topts, &lv.tr, &why);
	if (rc < 0) {
		cli_error("cannot trace VM exits: %s", why);
		free(why);
		hv_root_free(root);
		return CLI_EXIT_ERROR;
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
	if (output == CLI_OUTPUT_JSON)
		summary_json(&lv, total, now - lv.t0);
	else
		summary_human(&lv, total, (double)(now - lv.t0) / 1e9);
	rc = 0;
out:
	vbpf_trace_snapshot_free(&snap);
	vbpf_trace_snapshot_free(&lv.prev);
	vbpf_rec_close(lv.rec);
	vbpf_trace_close(lv.tr);
	free(lv.names.v);
	hv_root_free(root);
	return rc < 0 ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}

/* ---- report ----------------------------------------------------------------- */

enum { BY_REASON = 1, BY_VCPU = 2, BY_TIME = 4 };

static void report_table(const struct vbpf_rec_data *d, unsigned int by, bool human)
{
	struct vbpf_exit_stat *rows, *g;
	uint64_t total = 0;
	ssize_t ng;
	char rs[64], a[16], p50[16], p99[16], mx[16], vc[16];

	rows = xcalloc(d->nrows ? d->nrows : 1, sizeof(*rows));
	for (size_t i = 0; i < d->nrows; i++) {
		rows[i] = d->rows[i].s;
		total += rows[i].count;
	}
	ng = vbpf_stats_group(rows, d->nrows, by, &g);
	free(rows);
	if (ng < 0)
		cli_die("out of memory");
	/* 80 columns: the per-vCPU view trades the MAX column for PID, VM and VCPU. */
	if (human && (by & VBPF_GROUP_VCPU))
		printf("%7s %-8s %4s %-17s %8s %6s %6s %6s %6s\n", "PID", "VM", "VCPU", "REASON",
		       "COUNT", "SHARE", "AVG", "P50", "P99");
	else if (human)
		printf("%-22s %10s %6s %7s %7s %7s %7s\n", "REASON", "COUNT", "SHARE", "AVG", "P50",
		       "P99", "MAX");
	for (ssize_t i = 0; i < ng; i++) {
		const struct vbpf_exit_stat *s = &g[i];
		bool have = s->lat_count > 0;
		const char *vm = vbpf_rec_vm_name(d, s->pid);
		char rb[48];

		if (!human) {
			printf("%s{", i ? "," : "");
			if (by & VBPF_GROUP_VCPU) {
				printf("\"pid\":%u,\"vm\":", s->pid);
				json_str(stdout, vm ? vm : "?");
				printf(",\"vcpu\":%d,", s->vcpu);
			}
			printf("\"kind\":\"%s\",\"reason\":\"%s\",\"count\":%" PRIu64 ",",
			       vbpf_kind_name(s->kind),
			       vbpf_reason_name(s->kind, s->reason, rb, sizeof(rb)), s->count);
			json_latency(stdout, s);
			putchar('}');
			continue;
		}
		if (by & VBPF_GROUP_VCPU) {
			if (s->vcpu >= 0)
				snprintf(vc, sizeof(vc), "%d", s->vcpu);
			else
				snprintf(vc, sizeof(vc), "?");
			printf("%7u %-8.8s %4s %-17s %8" PRIu64 " %5.1f%% %6s %6s %6s\n", s->pid,
			       vm ? hv_esc_buf(vm, (char[64]){ 0 }, 64) : "?", vc,
			       reason_str(s, rs, sizeof(rs)), s->count,
			       total ? 100.0 * (double)s->count / (double)total : 0.0,
			       fmt_ns(have ? s->lat_sum_ns / s->lat_count : 0, have, a, sizeof(a)),
			       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 50, s->lat_max_ns),
				      have, p50, sizeof(p50)),
			       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 99, s->lat_max_ns),
				      have, p99, sizeof(p99)));
			continue;
		}
		printf("%-22s %10" PRIu64 " %5.1f%% %7s %7s %7s %7s\n", reason_str(s, rs, sizeof(rs)),
		       s->count, total ? 100.0 * (double)s->count / (double)total : 0.0,
		       fmt_ns(have ? s->lat_sum_ns / s->lat_count : 0, have, a, sizeof(a)),
		       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 50, s->lat_max_ns), have,
			      p50, sizeof(p50)),
		       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 99, s->lat_max_ns), have,
			      p99, sizeof(p99)),
		       fmt_ns(s->lat_max_ns, have, mx, sizeof(mx)));
	}
	free(g);
}

/* Per interval: total exits, rate, and the busiest reason. */
static void report_time(const struct vbpf_rec_data *d, bool human)
{
	size_t i = 0;
	bool first = true;

	if (human)
		printf("%10s %10s %10s  %s\n", "T(s)", "EXITS", "RATE/s", "TOP REASON");
	while (i < d->nrows) {
		uint64_t t = d->rows[i].t_ns, ival = d->rows[i].interval_ns, sum = 0;
		struct vbpf_exit_stat *g = NULL;
		size_t j = i;
		ssize_t ng;
		char rs[64];

		while (j < d->nrows && d->rows[j].t_ns == t)
			j++;
		{
			struct vbpf_exit_stat *rows = xcalloc(j - i, sizeof(*rows));

			for (size_t k = i; k < j; k++) {
				rows[k - i] = d->rows[k].s;
				sum += rows[k - i].count;
			}
			ng = vbpf_stats_group(rows, j - i, VBPF_GROUP_REASON, &g);
			free(rows);
			if (ng < 0)
				cli_die("out of memory");
		}
		if (human)
			printf("%10.3f %10" PRIu64 " %10.0f  %s\n", (double)t / 1e9, sum,
			       ival ? (double)sum * 1e9 / (double)ival : 0.0,
			       ng > 0 ? reason_str(&g[0], rs, sizeof(rs)) : "-");
		else
			printf("%s{\"t_ns\":%" PRIu64 ",\"interval_ns\":%" PRIu64 ",\"exits\":%" PRIu64
			       ",\"rate\":%.1f}", first ? "" : ",", t, ival, sum,
			       ival ? (double)sum * 1e9 / (double)ival : 0.0);
		first = false;
		free(g);
		i = j;
	}
}

static int run_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, OPT_BY },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_output output = CLI_OUTPUT_HUMAN;
	struct vbpf_rec_data d;
	unsigned int by = 0;
	uint64_t total = 0, tmax = 0;
	bool human;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:Jh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_BY:
			if (!strcmp(optarg, "reason"))
				by |= BY_REASON;
			else if (!strcmp(optarg, "vcpu"))
				by |= BY_VCPU;
			else if (!strcmp(optarg, "time"))
				by |= BY_TIME;
			else
				cli_usage_error("--by is reason, vcpu or time, not '%s'", optarg);
			break;
		case 'o':
			output = cli_parse_output(optarg);
			break;
		case 'J':
			output = CLI_OUTPUT_JSON;
			break;
		case 'h':
			usage();
			return CLI_EXIT_OK;
		default:
			cli_usage_error("unknown report option");
		}
	}
	if (optind != argc - 1)
		cli_usage_error("report needs exactly one recording (a SQLite file)");
	if (!by)
		by = BY_REASON | BY_VCPU | BY_TIME;
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
	for (size_t i = 0; i < d.nrows; i++) {
		total += d.rows[i].s.count;
		if (d.rows[i].t_ns > tmax)
			tmax = d.rows[i].t_ns;
	}
	human = output == CLI_OUTPUT_HUMAN;
	if (human) {
		char when[64] = "?";
		time_t t = (time_t)(d.start_ns / 1000000000ULL);
		struct tm tm;

		if (d.start_ns && gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		printf("Recording of %s by vhv-trace %s, started %s\n", d.host ? d.host : "?",
		       d.version ? d.version : "?", when);
		printf("%" PRIu64 " exits in %.3f s (%zu samples)\n", total, (double)tmax / 1e9,
		       d.nrows);
		if (by & BY_REASON) {
			printf("\nBy reason:\n");
			report_table(&d, VBPF_GROUP_REASON, true);
		}
		if (by & BY_VCPU) {
			printf("\nBy vCPU:\n");
			report_table(&d, VBPF_GROUP_PID | VBPF_GROUP_VCPU | VBPF_GROUP_REASON, true);
		}
		if (by & BY_TIME) {
			printf("\nOver time:\n");
			report_time(&d, true);
		}
	} else {
		printf("{\"tool\":\"vhv-trace\",\"version\":\"%s\",\"recording\":{\"host\":",
		       VHV_VERSION);
		json_str(stdout, d.host ? d.host : "");
		printf(",\"version\":");
		json_str(stdout, d.version ? d.version : "");
		printf(",\"started_ns\":%" PRIu64 "},\"exits\":%" PRIu64, d.start_ns, total);
		if (by & BY_REASON) {
			printf(",\"by_reason\":[");
			report_table(&d, VBPF_GROUP_REASON, false);
			putchar(']');
		}
		if (by & BY_VCPU) {
			printf(",\"by_vcpu\":[");
			report_table(&d, VBPF_GROUP_PID | VBPF_GROUP_VCPU | VBPF_GROUP_REASON, false);
			putchar(']');
		}
		if (by & BY_TIME) {
			printf(",\"over_time\":[");
			report_time(&d, false);
			putchar(']');
		}
		printf("}\n");
	}
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
	for (size_t i = 0; i < HV_ARRAY_SIZE(latency_names); i++)
		if (!strcmp(s, latency_names[i]))
			return (enum vbpf_latency)i;
	cli_usage_error("--latency: '%s' is not sampled, all or off", s);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "vcpu", required_argument, NULL, 'v' },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'J' },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "prometheus", required_argument, NULL, OPT_PROMETHEUS },
		{ "ports", no_argument, NULL, OPT_PORTS },
		{ "latency", required_argument, NULL, OPT_LATENCY },
		{ "latency-rate", required_argument, NULL, OPT_LATENCY_RATE },
		{ "no-latency", no_argument, NULL, OPT_NO_LATENCY },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
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

	cli_init(argv[0]);
	if (argc > 1 && !strcmp(argv[1], "report"))
		return run_report(argc - 1, argv + 1);
	while ((c = getopt_long(argc, argv, "p:v:d:i:o:JhV", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (hv_parse_u64(optarg, 10, &v) < 0 || !v || v > INT32_MAX)
				cli_usage_error("--pid: '%s' is not a process id", optarg);
			topts.pid = (uint32_t)v;
			break;
		case 'v':
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
		case 'o':
			output = cli_parse_output(optarg);
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
		case OPT_VERBOSE:
			cli_verbose();
			break;
		case 'h':
			usage();
			return CLI_EXIT_OK;
		case 'V':
			printf("%s %s\n", cli_prog(), VHV_VERSION);
			return CLI_EXIT_OK;
		default:
			cli_usage_error("unknown option");
		}
	}
	if (optind < argc)
		cli_usage_error("unexpected argument '%s'", argv[optind]);
	/* Interval tables by default only for a person watching a terminal. */
	if (ival < 0)
		ival = output == CLI_OUTPUT_HUMAN && isatty(STDOUT_FILENO) ? 1.0 : 0.0;
	return run_live(&topts, duration, ival, output, record, prom);
}
