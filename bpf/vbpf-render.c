// SPDX-License-Identifier: GPL-2.0-or-later
/* vbpf-render: vhv-trace's views of exits (see vbpf-render.h). */
#include "bpf/vbpf-render.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf/vbpf-hist.h"
#include "bpf/vbpf-reasons.h"
#include "bpf/vbpf-stats.h"
#include "hvcore/hv-json.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-util.h"

const char *vbpf_latency_name(enum vbpf_latency l)
{
	static const char *const names[] = {
		[VBPF_LAT_SAMPLED] = "sampled",
		[VBPF_LAT_ALL] = "all",
		[VBPF_LAT_OFF] = "off",
	};

	return (unsigned int)l < HV_ARRAY_SIZE(names) && names[l] ? names[l] : "?";
}

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

/* {"measured": n[, "avg", "p50", "p99", "max"]} of one row's timed exits. */
static json_t *latency_json(const struct vbpf_exit_stat *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "measured", hv_json_u64(s->lat_count));
	if (s->lat_count) {
		json_object_set_new(o, "avg", hv_json_u64(s->lat_sum_ns / s->lat_count));
		json_object_set_new(o, "p50", hv_json_u64(vbpf_hist_percentile(
						  s->hist, VBPF_HIST_SLOTS, 50, s->lat_max_ns)));
		json_object_set_new(o, "p99", hv_json_u64(vbpf_hist_percentile(
						  s->hist, VBPF_HIST_SLOTS, 99, s->lat_max_ns)));
		json_object_set_new(o, "max", hv_json_u64(s->lat_max_ns));
	}
	return o;
}

/* One exit row: [pid, vm, vcpu,] kind, reason, count, then what the caller adds. */
static json_t *exit_json(const struct vbpf_exit_stat *e, bool vcpu, const char *vm)
{
	json_t *o = json_object();
	char rb[48];

	if (vcpu) {
		json_object_set_new(o, "pid", json_integer(e->pid));
		json_object_set_new(o, "vm", hv_json_str(vm ? vm : "?"));
		json_object_set_new(o, "vcpu", json_integer(e->vcpu));
	}
	json_object_set_new(o, "kind", json_string(vbpf_kind_name(e->kind)));
	json_object_set_new(o, "reason",
			    json_string(vbpf_reason_name(e->kind, e->reason, rb, sizeof(rb))));
	json_object_set_new(o, "count", hv_json_u64(e->count));
	return o;
}

static const char *port_rw(const struct vbpf_port_stat *p)
{
	static const char *const pio[] = { "in", "out" };
	static const char *const mmio[] = { "unsat-read", "read", "write" };

	if (p->kind == 0)
		return p->rw < 2 ? pio[p->rw] : "?";
	return p->rw < 3 ? mmio[p->rw] : "?";
}

/* ---- VM names ---------------------------------------------------------------- */

const char *vbpf_names_get(const struct vbpf_names *nm, uint32_t pid)
{
	for (size_t i = 0; i < nm->n; i++)
		if (nm->v[i].pid == pid)
			return nm->v[i].name;
	return "?";
}

int vbpf_names_learn(struct vbpf_names *nm, struct vbpf_trace *tr, uint32_t pid)
{
	char comm[VBPF_NAME_MAX + 1];

	for (size_t i = 0; i < nm->n; i++)
		if (nm->v[i].pid == pid)
			return 0;
	if (nm->n == nm->cap) {
		size_t cap = nm->cap ? nm->cap * 2 : 16;
		struct vbpf_name *v = realloc(nm->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		nm->v = v;
		nm->cap = cap;
	}
	nm->v[nm->n].pid = pid;
	if (vbpf_trace_comm(tr, pid, comm, sizeof(comm)) == 0)
		snprintf(nm->v[nm->n].name, sizeof(nm->v[nm->n].name), "%s", comm);
	else
		snprintf(nm->v[nm->n].name, sizeof(nm->v[nm->n].name), "?");
	nm->n++;
	return 1;
}

void vbpf_names_free(struct vbpf_names *nm)
{
	free(nm->v);
	memset(nm, 0, sizeof(*nm));
}

/* ---- live: interval tables, the summary, the Prometheus textfile ------------- */

static void print_table_head(FILE *out)
{
	fprintf(out, "%7s %-8s %4s %-16s %9s %8s %6s %6s %6s\n", "PID", "VM", "VCPU", "REASON", "COUNT",
	       "RATE/s", "AVG", "P50", "P99");
}

static void print_row(FILE *out, const struct vbpf_names *nm, const struct vbpf_exit_stat *s,
		      double secs)
{
	char rs[64], vc[16], a[16], p50[16], p99[16];
	bool have = s->lat_count > 0;

	if (s->vcpu >= 0)
		snprintf(vc, sizeof(vc), "%d", s->vcpu);
	else
		snprintf(vc, sizeof(vc), "?");
	fprintf(out, "%7u %-8.8s %4s %-16s %9" PRIu64 " %8.0f %6s %6s %6s\n", s->pid,
		hv_esc_buf(vbpf_names_get(nm, s->pid), (char[64]){ 0 }, 64),
	       vc, reason_str(s, rs, sizeof(rs)), s->count, secs > 0 ? (double)s->count / secs : 0.0,
	       fmt_ns(have ? s->lat_sum_ns / s->lat_count : 0, have, a, sizeof(a)),
	       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 50, s->lat_max_ns), have, p50,
		      sizeof(p50)),
	       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 99, s->lat_max_ns), have, p99,
		      sizeof(p99)));
}

void vbpf_render_interval(FILE *out, const struct vbpf_names *nm, const struct vbpf_exit_stat *d,
			  size_t n, double secs, uint64_t lost)
{
	time_t t = time(NULL);
	struct tm tm;
	char ts[16];

	strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&t, &tm));
	fprintf(out, "%s  %.2f s, %" PRIu64 " lost\n", ts, secs, lost);
	print_table_head(out);
	for (size_t i = 0; i < n; i++)
		print_row(out, nm, &d[i], secs);
	fputc('\n', out);
	fflush(out);
}

void vbpf_render_summary(FILE *out, const struct vbpf_summary *sum)
{
	const struct vbpf_trace_snapshot *s = sum->snap;
	double secs = (double)sum->ns / 1e9;
	uint32_t rate = vbpf_trace_lat_rate(sum->tr);
	uint64_t total = 0, timed = 0;

	for (size_t i = 0; i < s->nexits; i++) {
		total += s->exits[i].count;
		timed += s->exits[i].lat_count;
	}
	fprintf(out, "Summary: %.2f s, %" PRIu64 " exits, %" PRIu64 " lost\n", secs, total, s->drops);
	if (sum->latency == VBPF_LAT_OFF)
		fprintf(out, "Latency: not measured (--latency=off)\n");
	else if (rate)
		fprintf(out, "Latency: sampled, %" PRIu64 " exits timed (aiming at about %u a second)\n", timed,
		       rate);
	else
		fprintf(out, "Latency: %" PRIu64 " exits timed\n", timed);
	print_table_head(out);
	for (size_t i = 0; i < s->nexits; i++)
		print_row(out, sum->names, &s->exits[i], secs);
	if (sum->ports && s->nports) {
		fprintf(out, "\n%7s %4s %-4s %-10s %18s %9s\n", "PID", "VCPU", "KIND", "ACCESS", "ADDRESS",
		       "COUNT");
		for (size_t i = 0; i < s->nports; i++) {
			const struct vbpf_port_stat *p = &s->ports[i];

			fprintf(out, "%7u %4d %-4s %-10s %#18" PRIx64 " %9" PRIu64 "\n", p->pid, p->vcpu,
			       p->kind ? "mmio" : "pio", port_rw(p), p->addr, p->count);
		}
	}
	fprintf(out, "\nSources:\n");
	for (unsigned int src = 0; src < VBPF_SRC_COUNT; src++) {
		const char *note = vbpf_trace_source_note(sum->tr, src);

		if (note)
			fprintf(out, "  %-24s not attached: %s\n", vbpf_src_name(src), note);
		else if (!s->events[src] && src == VBPF_SRC_KVM_EXIT)
			fprintf(out, "  %-24s attached, no events (never fires on PVM hosts)\n",
			       vbpf_src_name(src));
		else
			fprintf(out, "  %-24s %" PRIu64 " events\n", vbpf_src_name(src), s->events[src]);
	}
}

json_t *vbpf_summary_json(const struct vbpf_summary *sum)
{
	const struct vbpf_trace_snapshot *s = sum->snap;
	uint64_t ns = sum->ns;
	json_t *doc = hv_json_doc("vhv-trace"), *lat = json_object(), *a;

	json_object_set_new(doc, "duration_ns", hv_json_u64(ns));
	json_object_set_new(doc, "lost", hv_json_u64(s->drops));
	json_object_set_new(lat, "mode", json_string(vbpf_latency_name(sum->latency)));
	if (vbpf_trace_lat_rate(sum->tr))
		json_object_set_new(lat, "rate", json_integer(vbpf_trace_lat_rate(sum->tr)));
	json_object_set_new(doc, "latency", lat);
	a = json_array();
	for (unsigned int src = 0; src < VBPF_SRC_COUNT; src++) {
		const char *note = vbpf_trace_source_note(sum->tr, src);
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(vbpf_src_name(src)));
		json_object_set_new(o, "attached", json_boolean(!note));
		json_object_set_new(o, "events", hv_json_u64(s->events[src]));
		if (note)
			json_object_set_new(o, "note", hv_json_str(note));
		json_array_append_new(a, o);
	}
	json_object_set_new(doc, "sources", a);
	a = json_array();
	for (size_t i = 0; i < s->nexits; i++) {
		const struct vbpf_exit_stat *e = &s->exits[i];
		json_t *o = exit_json(e, true, vbpf_names_get(sum->names, e->pid));

		json_object_set_new(o, "rate", json_real(ns ? (double)e->count * 1e9 / (double)ns : 0.0));
		json_object_set_new(o, "latency_ns", latency_json(e));
		json_array_append_new(a, o);
	}
	json_object_set_new(doc, "exits", a);
	a = json_array();
	for (size_t i = 0; i < s->nports; i++) {
		const struct vbpf_port_stat *p = &s->ports[i];
		json_t *o = json_object();

		json_object_set_new(o, "pid", json_integer(p->pid));
		json_object_set_new(o, "vcpu", json_integer(p->vcpu));
		json_object_set_new(o, "kind", json_string(p->kind ? "mmio" : "pio"));
		json_object_set_new(o, "access", json_string(port_rw(p)));
		json_object_set_new(o, "addr", hv_json_u64(p->addr));
		json_object_set_new(o, "count", hv_json_u64(p->count));
		json_array_append_new(a, o);
	}
	json_object_set_new(doc, "ports", a);
	return doc;
}

int vbpf_render_prometheus(const char *path, const struct vbpf_names *nm,
			   const struct vbpf_trace_snapshot *snap)
{
	char *buf = NULL, rb[48];
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return -ENOMEM;
	fputs("# HELP vhv_trace_exits_total VM exits seen by vhv-trace, by VM, vCPU and reason.\n"
	      "# TYPE vhv_trace_exits_total counter\n", m);
	for (size_t i = 0; i < snap->nexits; i++) {
		const struct vbpf_exit_stat *s = &snap->exits[i];

		fprintf(m, "vhv_trace_exits_total{pid=\"%u\",vm=\"", s->pid);
		hv_prom_escape(m, vbpf_names_get(nm, s->pid));
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
	return hv_write_memstream_atomic(path, m, &buf, &len);
}

/* ---- recordings ------------------------------------------------------------- */

/* A table grouped by @by: printed to @out, or (@out NULL) its rows into @arr. 0 or -ENOMEM. */
static int report_table(FILE *out, const struct vbpf_rec_data *d, unsigned int by, json_t *arr)
{
	bool human = out != NULL;
	struct vbpf_exit_stat *rows, *g;
	uint64_t total = 0;
	ssize_t ng;
	char rs[64], a[16], p50[16], p99[16], mx[16], vc[16];

	rows = calloc(d->nrows ? d->nrows : 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < d->nrows; i++) {
		rows[i] = d->rows[i].s;
		total += rows[i].count;
	}
	ng = vbpf_stats_group(rows, d->nrows, by, &g);
	free(rows);
	if (ng < 0)
		return (int)ng;
	/* 80 columns: the per-vCPU view trades the MAX column for PID, VM and VCPU. */
	if (human && (by & VBPF_GROUP_VCPU))
		fprintf(out, "%7s %-8s %4s %-17s %8s %6s %6s %6s %6s\n", "PID", "VM", "VCPU", "REASON",
		       "COUNT", "SHARE", "AVG", "P50", "P99");
	else if (human)
		fprintf(out, "%-22s %10s %6s %7s %7s %7s %7s\n", "REASON", "COUNT", "SHARE", "AVG", "P50",
		       "P99", "MAX");
	for (ssize_t i = 0; i < ng; i++) {
		const struct vbpf_exit_stat *s = &g[i];
		bool have = s->lat_count > 0;
		const char *vm = vbpf_rec_vm_name(d, s->pid);

		if (!human) {
			json_t *o = exit_json(s, by & VBPF_GROUP_VCPU, vm);

			json_object_set_new(o, "latency_ns", latency_json(s));
			json_array_append_new(arr, o);
			continue;
		}
		if (by & VBPF_GROUP_VCPU) {
			if (s->vcpu >= 0)
				snprintf(vc, sizeof(vc), "%d", s->vcpu);
			else
				snprintf(vc, sizeof(vc), "?");
			fprintf(out, "%7u %-8.8s %4s %-17s %8" PRIu64 " %5.1f%% %6s %6s %6s\n", s->pid,
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
		fprintf(out, "%-22s %10" PRIu64 " %5.1f%% %7s %7s %7s %7s\n", reason_str(s, rs, sizeof(rs)),
		       s->count, total ? 100.0 * (double)s->count / (double)total : 0.0,
		       fmt_ns(have ? s->lat_sum_ns / s->lat_count : 0, have, a, sizeof(a)),
		       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 50, s->lat_max_ns), have,
			      p50, sizeof(p50)),
		       fmt_ns(vbpf_hist_percentile(s->hist, VBPF_HIST_SLOTS, 99, s->lat_max_ns), have,
			      p99, sizeof(p99)),
		       fmt_ns(s->lat_max_ns, have, mx, sizeof(mx)));
	}
	free(g);
	return 0;
}

/* Per interval: total exits, rate, and the busiest reason; as report_table. */
static int report_time(FILE *out, const struct vbpf_rec_data *d, json_t *arr)
{
	bool human = out != NULL;
	size_t i = 0;

	if (human)
		fprintf(out, "%10s %10s %10s  %s\n", "T(s)", "EXITS", "RATE/s", "TOP REASON");
	while (i < d->nrows) {
		uint64_t t = d->rows[i].t_ns, ival = d->rows[i].interval_ns, sum = 0;
		struct vbpf_exit_stat *g = NULL;
		size_t j = i;
		ssize_t ng;
		char rs[64];

		while (j < d->nrows && d->rows[j].t_ns == t)
			j++;
		{
			struct vbpf_exit_stat *rows = calloc(j - i, sizeof(*rows));

			if (!rows)
				return -ENOMEM;
			for (size_t k = i; k < j; k++) {
				rows[k - i] = d->rows[k].s;
				sum += rows[k - i].count;
			}
			ng = vbpf_stats_group(rows, j - i, VBPF_GROUP_REASON, &g);
			free(rows);
			if (ng < 0)
				return (int)ng;
		}
		if (human)
			fprintf(out, "%10.3f %10" PRIu64 " %10.0f  %s\n", (double)t / 1e9, sum,
			       ival ? (double)sum * 1e9 / (double)ival : 0.0,
			       ng > 0 ? reason_str(&g[0], rs, sizeof(rs)) : "-");
		else {
			json_t *o = json_object();

			json_object_set_new(o, "t_ns", hv_json_u64(t));
			json_object_set_new(o, "interval_ns", hv_json_u64(ival));
			json_object_set_new(o, "exits", hv_json_u64(sum));
			json_object_set_new(o, "rate",
					    json_real(ival ? (double)sum * 1e9 / (double)ival : 0.0));
			json_array_append_new(arr, o);
		}
		free(g);
		i = j;
	}
	return 0;
}

static uint64_t report_total(const struct vbpf_rec_data *d)
{
	uint64_t total = 0;

	for (size_t i = 0; i < d->nrows; i++)
		total += d->rows[i].s.count;
	return total;
}

int vbpf_render_report(FILE *out, const struct vbpf_rec_data *d, unsigned int views)
{
	char when[64] = "?";
	time_t t = (time_t)(d->start_ns / 1000000000ULL);
	struct tm tm;
	int rc = 0;

	if (d->start_ns && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(out, "Recording of %s by vhv-trace %s, started %s\n", d->host ? d->host : "?",
		d->version ? d->version : "?", when);
	fprintf(out, "%" PRIu64 " exits in %.3f s (%zu samples)\n", report_total(d),
		(double)d->duration_ns / 1e9, d->nrows);
	if (views & VBPF_VIEW_REASON) {
		fprintf(out, "\nBy reason:\n");
		rc = report_table(out, d, VBPF_GROUP_REASON, NULL);
	}
	if (rc == 0 && (views & VBPF_VIEW_VCPU)) {
		fprintf(out, "\nBy vCPU:\n");
		rc = report_table(out, d, VBPF_GROUP_PID | VBPF_GROUP_VCPU | VBPF_GROUP_REASON, NULL);
	}
	if (rc == 0 && (views & VBPF_VIEW_TIME)) {
		fprintf(out, "\nOver time:\n");
		rc = report_time(out, d, NULL);
	}
	return rc;
}

json_t *vbpf_report_json(const struct vbpf_rec_data *d, unsigned int views)
{
	json_t *doc = hv_json_doc("vhv-trace"), *rec = json_object(), *a;
	int rc = 0;

	if (!doc || !rec) {
		json_decref(doc);
		json_decref(rec);
		return NULL;
	}
	json_object_set_new(rec, "host", hv_json_str(d->host));
	json_object_set_new(rec, "version", hv_json_str(d->version));
	json_object_set_new(rec, "started_ns", hv_json_u64(d->start_ns));
	json_object_set_new(rec, "duration_ns", hv_json_u64(d->duration_ns));
	json_object_set_new(doc, "recording", rec);
	json_object_set_new(doc, "exits", hv_json_u64(report_total(d)));
	if (views & VBPF_VIEW_REASON) {
		json_object_set_new(doc, "by_reason", a = json_array());
		rc = report_table(NULL, d, VBPF_GROUP_REASON, a);
	}
	if (rc == 0 && (views & VBPF_VIEW_VCPU)) {
		json_object_set_new(doc, "by_vcpu", a = json_array());
		rc = report_table(NULL, d, VBPF_GROUP_PID | VBPF_GROUP_VCPU | VBPF_GROUP_REASON, a);
	}
	if (rc == 0 && (views & VBPF_VIEW_TIME)) {
		json_object_set_new(doc, "over_time", a = json_array());
		rc = report_time(NULL, d, a);
	}
	if (rc < 0) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}
