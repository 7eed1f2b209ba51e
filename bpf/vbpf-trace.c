// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vbpf-trace: loader of trace.bpf.c for vhv-trace (see vbpf-trace.h).
 * open -> rodata filters -> autoload only what exists and matches -> load ->
 * attach -> read the maps. bcc rule: set rc before every goto out.
 */
#include "bpf/vbpf-trace.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-util.h"

#include "bpf/trace.h"
#include "bpf/trace.skel.h"
#include "bpf/vbpf-internal.h"

_Static_assert(VBPF_HIST_SLOTS == TRACE_HIST_SLOTS, "histogram sizes differ");
_Static_assert((int)VBPF_SRC_COUNT == (int)TRACE_SRC_COUNT, "source lists differ");

/*
 * Each attach or detach flips the tracepoint's static key and static call:
 * text patching with IPIs to every CPU, vCPU threads included. Few, longer
 * windows keep that rare (on a PVM host, toggling 5 or 20 times a second
 * cost no more than the noise of the measurement, a few tens of ns per exit).
 */
#define PERIOD_NS 200000000ULL   /* sampling: one timing window per period ... */
#define MIN_WINDOW_NS 1000000ULL /* ... of at least 1 ms ... */
#define GRACE_NS 20000000ULL     /* ... after which pending stamps have 20 ms to close */

struct vbpf_trace {
	struct trace_bpf *skel;
	int ncpus;
	unsigned int sources;
	const char *note[VBPF_SRC_COUNT];
	/* Latency sampling (vbpf_trace_wait). */
	enum vbpf_latency latency;
	uint32_t lat_rate;
	unsigned int closers;     /* the closing sources loaded (1 << VBPF_SRC_*) */
	bool lat_failed;          /* re-attaching failed: timing has stopped */
	uint64_t last_exits, last_ns;  /* exit count and time at the last period */
	uint64_t *cpu_vals;       /* ncpus values of a per-CPU map */
};

/* One row per source: tracepoint, how we attach, the raw_tp argument sizes we read. */
static const struct src_info {
	const char *name;
	bool classic;       /* SEC("tracepoint/..."): needs tracefs */
	int nargs;
	int sizes[5];
} srcs[VBPF_SRC_COUNT] = {
	/* arch/x86/kvm/trace.h: TP_PROTO(struct kvm_vcpu *vcpu, u32 isa) */
	[VBPF_SRC_KVM_EXIT] = { "kvm_exit", true, 2, { 8, 4 } },
	/* TP_PROTO(struct kvm_vcpu *vcpu, bool force_immediate_exit), (vcpu) before 6.9: none read */
	[VBPF_SRC_KVM_ENTRY] = { "kvm_entry", false, -1, { 0 } },
	/* include/trace/events/kvm.h: TP_PROTO(__u32 reason, int errno) */
	[VBPF_SRC_USERSPACE_EXIT] = { "kvm_userspace_exit", false, 2, { 4, 4 } },
	/* arch/x86/kvm/trace.h: TP_PROTO(int load) */
	[VBPF_SRC_KVM_RUN] = { "kvm_fpu", false, 1, { 4 } },
	/* TP_PROTO(int rw, unsigned int port, unsigned int size, unsigned int count, const void *data) */
	[VBPF_SRC_PIO] = { "kvm_pio", false, 5, { 4, 4, 4, 4, 8 } },
	/* include/trace/events/kvm.h: TP_PROTO(int type, int len, u64 gpa, void *val) */
	[VBPF_SRC_MMIO] = { "kvm_mmio", false, 4, { 4, 4, 8, 8 } },
};

const char *vbpf_src_name(unsigned int src)
{
	static const char *const names[VBPF_SRC_COUNT] = {
		"kvm:kvm_exit", "kvm:kvm_entry", "kvm:kvm_userspace_exit",
		"kvm:kvm_fpu", "kvm:kvm_pio", "kvm:kvm_mmio",
	};

	return src < VBPF_SRC_COUNT ? names[src] : "?";
}

static void timing_off(struct vbpf_trace *t, bool hurry);

static struct bpf_program *src_prog(struct trace_bpf *skel, unsigned int src)
{
	switch (src) {
	case VBPF_SRC_KVM_EXIT: return skel->progs.vhv_hw_exit;
	case VBPF_SRC_KVM_ENTRY: return skel->progs.vhv_hw_entry;
	case VBPF_SRC_USERSPACE_EXIT: return skel->progs.vhv_user_exit;
	case VBPF_SRC_KVM_RUN: return skel->progs.vhv_kvm_run;
	case VBPF_SRC_PIO: return skel->progs.vhv_pio;
	case VBPF_SRC_MMIO: return skel->progs.vhv_mmio;
	}
	return NULL;
}

static struct bpf_link **src_link(struct trace_bpf *skel, unsigned int src)
{
	switch (src) {
	case VBPF_SRC_KVM_EXIT: return &skel->links.vhv_hw_exit;
	case VBPF_SRC_KVM_ENTRY: return &skel->links.vhv_hw_entry;
	case VBPF_SRC_USERSPACE_EXIT: return &skel->links.vhv_user_exit;
	case VBPF_SRC_KVM_RUN: return &skel->links.vhv_kvm_run;
	case VBPF_SRC_PIO: return &skel->links.vhv_pio;
	case VBPF_SRC_MMIO: return &skel->links.vhv_mmio;
	}
	return NULL;
}

void vbpf_trace_close(struct vbpf_trace *t)
{
	if (!t)
		return;
	if (t->skel)
		timing_off(t, true);
	trace_bpf__destroy(t->skel);
	free(t->cpu_vals);
	free(t);
}

unsigned int vbpf_trace_sources(const struct vbpf_trace *t)
{
	return t ? t->sources : 0;
}

const char *vbpf_trace_source_note(const struct vbpf_trace *t, unsigned int src)
{
	if (!t || src >= VBPF_SRC_COUNT)
		return "unknown source";
	return t->sources & (1u << src) ? NULL : t->note[src];
}

static int attach_src(struct vbpf_trace *t, unsigned int src)
{
	struct bpf_link **lp = src_link(t->skel, src);

	if (*lp)
		return 0;
	*lp = bpf_program__attach(src_prog(t->skel, src));
	if (!*lp)
		return -errno;
	t->sources |= 1u << src;
	return 0;
}

static void detach_src(struct vbpf_trace *t, unsigned int src)
{
	struct bpf_link **lp = src_link(t->skel, src);

	bpf_link__destroy(*lp);
	*lp = NULL;
}

static void detach_closers(struct vbpf_trace *t)
{
	for (unsigned int s = 0; s < VBPF_SRC_COUNT; s++)
		if (t->closers & (1u << s))
			detach_src(t, s);
}

/* Exit sources whose closers timing_on() attaches in --latency=all. */
#define ALL_EXITS ((1u << VBPF_SRC_USERSPACE_EXIT) | (1u << VBPF_SRC_KVM_EXIT))

/* Exits are being stamped (lat_epoch odd; the closers of their kinds attached). */
static bool timing(const struct vbpf_trace *t)
{
	return __atomic_load_n(&t->skel->bss->lat_epoch, __ATOMIC_SEQ_CST) & 1;
}

static bool paused(const struct vbpf_trace *t)
{
	return __atomic_load_n(&t->skel->bss->paused, __ATOMIC_SEQ_CST);
}

/* The closer of each kind of exit, with the exit source whose events show that kind occurs. */
static const struct closer {
	unsigned int src, exit_src;
	uint32_t kind;
} closers[] = {
	{ VBPF_SRC_KVM_RUN, VBPF_SRC_USERSPACE_EXIT, TRACE_LAT_USER },
	{ VBPF_SRC_KVM_ENTRY, VBPF_SRC_KVM_EXIT, TRACE_LAT_HW },
};

/*
 * Attach the closers of the kinds of exits in @seen (1 << exit source), then
 * stamp those exits: a new odd epoch. Closers of the other kinds are
 * detached: attaching costs text patching, and an idle host needs none.
 * 0 or -errno.
 */
static int timing_on(struct vbpf_trace *t, unsigned int seen)
{
	uint32_t e, kinds = 0;

	if (t->lat_failed || !t->closers)
		return 0;
	for (size_t i = 0; i < HV_ARRAY_SIZE(closers); i++) {
		const struct closer *c = &closers[i];
		int rc;

		if (!(t->closers & (1u << c->src)))
			continue;
		if (!(seen & (1u << c->exit_src))) {
			detach_src(t, c->src);
			continue;
		}
		rc = attach_src(t, c->src);
		if (rc < 0) {
			hv_warn("latency timing stopped: cannot attach to %s again: %s",
				vbpf_src_name(c->src), strerror(-rc));
			t->lat_failed = true;
			__atomic_store_n(&t->skel->bss->lat_kinds, 0, __ATOMIC_SEQ_CST);
			detach_closers(t);
			return rc;
		}
		kinds |= c->kind;
	}
	__atomic_store_n(&t->skel->bss->lat_kinds, kinds, __ATOMIC_SEQ_CST);
	if (timing(t))
		return 0;
	__atomic_store_n(&t->skel->bss->lat_pending, 0, __ATOMIC_SEQ_CST);
	e = __atomic_load_n(&t->skel->bss->lat_epoch, __ATOMIC_SEQ_CST);
	__atomic_store_n(&t->skel->bss->lat_epoch, e + 1, __ATOMIC_SEQ_CST);  /* even -> odd */
	return 0;
}

/* Sleep until @until (hv_now_ns clock). 0, or -EINTR. */
static int sleep_until(uint64_t until)
{
	uint64_t now = hv_now_ns();
	struct timespec ts;

	if (now >= until)
		return 0;
	ts.tv_sec = (time_t)((until - now) / 1000000000ULL);
	ts.tv_nsec = (long)((until - now) % 1000000000ULL);
	return nanosleep(&ts, NULL) < 0 ? -errno : 0;
}

/* Stop stamping (even epoch), let pending stamps close (unless @hurry), detach. */
static void timing_off(struct vbpf_trace *t, bool hurry)
{
	uint64_t deadline;

	if (!timing(t))
		return;
	__atomic_add_fetch(&t->skel->bss->lat_epoch, 1, __ATOMIC_SEQ_CST);
	deadline = hv_now_ns() + GRACE_NS;
	while (!hurry && __atomic_load_n(&t->skel->bss->lat_pending, __ATOMIC_SEQ_CST) > 0 &&
	       hv_now_ns() < deadline)
		if (sleep_until(hv_now_ns() + 1000000ULL) < 0)
			break;  /* a signal: stop waiting */
	detach_closers(t);
}

/* The sum over CPUs of per-CPU map @m's value at @key (0 when absent). */
static uint64_t percpu_sum(struct vbpf_trace *t, struct bpf_map *m, const void *key, size_t ksize)
{
	uint64_t sum = 0;

	if (bpf_map__lookup_elem(m, key, ksize, t->cpu_vals,
				 sizeof(*t->cpu_vals) * (size_t)t->ncpus, 0) < 0)
		return 0;
	for (int c = 0; c < t->ncpus; c++)
		sum += t->cpu_vals[c];
	return sum;
}

/* Total exits counted so far; *seen gets 1 << source of each exit source that saw any. */
static uint64_t exits_so_far(struct vbpf_trace *t, unsigned int *seen)
{
	static const uint32_t idx[] = { TRACE_SRC_USERSPACE_EXIT, TRACE_SRC_KVM_EXIT };
	uint64_t total = 0;

	*seen = 0;
	for (size_t i = 0; i < HV_ARRAY_SIZE(idx); i++) {
		uint64_t sum = percpu_sum(t, t->skel->maps.stats, &idx[i], sizeof(idx[i]));

		if (sum)
			*seen |= 1u << idx[i];
		total += sum;
	}
	return total;
}

/*
 * Raw tracepoints are detached while paused and attached again after, which
 * takes no privilege from Linux 6.5 on (CAP_BPF, kept, before). A classic
 * tracepoint's program cannot be attached again once privileges are dropped
 * (perf_event_open): it stays attached and the paused flag makes it ignore
 * its events.
 */
int vbpf_trace_pause(struct vbpf_trace *t, bool pause)
{
	int rc = 0;

	if (!t || pause == paused(t))
		return 0;
	if (pause) {
		__atomic_store_n(&t->skel->bss->paused, 1, __ATOMIC_SEQ_CST);
		timing_off(t, true);
		for (unsigned int s = 0; s < VBPF_SRC_COUNT; s++)
			if (!srcs[s].classic)
				detach_src(t, s);
		return 0;
	}
	for (unsigned int s = 0; s < VBPF_SRC_COUNT; s++) {
		int r;

		/* Closers are attached by timing_on(), when their exits are timed. */
		if (!(t->sources & (1u << s)) || (t->closers & (1u << s)))
			continue;
		r = attach_src(t, s);
		if (r < 0) {
			hv_warn("cannot attach to %s again: %s", vbpf_src_name(s), strerror(-r));
			rc = r;
		}
	}
	__atomic_store_n(&t->skel->bss->paused, 0, __ATOMIC_SEQ_CST);
	t->last_ns = 0;  /* the exit rate is learnt again */
	if (t->latency == VBPF_LAT_ALL)
		timing_on(t, ALL_EXITS);
	return rc;
}

uint32_t vbpf_trace_lat_rate(const struct vbpf_trace *t)
{
	return t && t->latency == VBPF_LAT_SAMPLED && t->closers && !t->lat_failed ? t->lat_rate : 0;
}

int vbpf_trace_wait(struct vbpf_trace *t, uint64_t ns)
{
	uint64_t now = hv_now_ns(), end = now + ns;

	if (!t || paused(t) || t->latency != VBPF_LAT_SAMPLED || !t->closers || t->lat_failed)
		return sleep_until(end);
	/* Periods of up to PERIOD_NS, each sized from the exit rate of the one before. */
	while (now < end) {
		uint64_t pend = end - now > PERIOD_NS ? now + PERIOD_NS : end, exits, window;
		unsigned int seen;
		double rate;
		bool known;
		int rc;

		exits = exits_so_far(t, &seen);
		known = t->last_ns && now > t->last_ns;
		rate = known ? (double)(exits - t->last_exits) * 1e9 / (double)(now - t->last_ns) : 0;
		t->last_exits = exits;
		t->last_ns = now;
		timing_on(t, seen);
		if (known && rate <= t->lat_rate) {
			/* Few exits (or none): time them all, attached throughout. */
			rc = sleep_until(pend);
		} else {
			/* Many exits, or the rate is not known yet (the first period). */
			window = known ? (uint64_t)((double)PERIOD_NS * t->lat_rate / rate) : 0;
			if (window < MIN_WINDOW_NS)
				window = MIN_WINDOW_NS;
			rc = sleep_until(now + window < pend ? now + window : pend);
			timing_off(t, rc < 0);
			if (rc == 0)
				rc = sleep_until(pend);
		}
		if (rc < 0)
			return rc;
		now = hv_now_ns();
	}
	return 0;
}

/* Decide, per source, whether its program loads; fills t->note for those that do not. */
static unsigned int choose_sources(struct vbpf_trace *t, const struct hv_root *root,
				   const struct vbpf_kbtf *kb, const struct vbpf_trace_opts *o)
{
	unsigned int want = 0;
	bool tracefs = false, tracefs_tried = false;

	for (unsigned int s = 0; s < VBPF_SRC_COUNT; s++) {
		const struct src_info *si = &srcs[s];

		if ((s == VBPF_SRC_PIO || s == VBPF_SRC_MMIO) && !o->ports) {
			t->note[s] = "not requested (--ports)";
			continue;
		}
		if ((s == VBPF_SRC_KVM_RUN || s == VBPF_SRC_KVM_ENTRY) && o->latency == VBPF_LAT_OFF) {
			t->note[s] = "not requested (--latency=off)";
			continue;
		}
		if (!vbpf_tp_exists(root, kb, "kvm", si->name)) {
			t->note[s] = "no such tracepoint in this kernel";
			continue;
		}
		if (si->classic) {
			if (!tracefs_tried) {
				tracefs = vbpf_tracefs_ready(root) == 0;
				tracefs_tried = true;
			}
			if (!tracefs) {
				t->note[s] = "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)";
				continue;
			}
		} else if (!vbpf_raw_tp_proto_ok(kb, si->name, si->nargs, si->sizes)) {
			t->note[s] = "its arguments differ from what vhv-trace reads (kernel BTF)";
			continue;
		}
		want |= 1u << s;
	}
	return want;
}

int vbpf_trace_open(const struct hv_root *root, const struct vbpf_trace_opts *o,
		    struct vbpf_trace **out, char **reason)
{
	struct vbpf_trace *t = NULL;
	struct vbpf_kbtf kb = { 0 };
	unsigned int want;
	char *why = NULL;
	int rc;

	*out = NULL;
	vbpf_setup_log();
	rc = vbpf_check_env(root, &why);
	if (rc < 0)
		goto out;
	t = calloc(1, sizeof(*t));
	if (!t) {
		rc = -ENOMEM;
		goto out;
	}
	rc = vbpf_ncpus();
	if (rc < 0)
		goto out;
	t->ncpus = rc;
	t->cpu_vals = calloc((size_t)t->ncpus, sizeof(*t->cpu_vals));
	if (!t->cpu_vals) {
		rc = -ENOMEM;
		goto out;
	}

	if (vbpf_kbtf_load(root, &kb) < 0) {
		/* The vCPU id comes from struct kvm_vcpu through CO-RE: no BTF, no relocation. */
		why = hv_asprintf("the kernel has no BTF (/sys/kernel/btf/vmlinux; CONFIG_DEBUG_INFO_BTF)");
		rc = -EOPNOTSUPP;
		goto out;
	}
	want = choose_sources(t, root, &kb, o);
	if (!(want & (1u << VBPF_SRC_USERSPACE_EXIT)) && !(want & (1u << VBPF_SRC_KVM_EXIT))) {
		why = hv_asprintf("no usable kvm exit tracepoint (kvm_exit: %s; kvm_userspace_exit: %s)",
				  t->note[VBPF_SRC_KVM_EXIT], t->note[VBPF_SRC_USERSPACE_EXIT]);
		rc = -EOPNOTSUPP;
		goto out;
	}

	t->skel = trace_bpf__open();
	if (!t->skel) {
		rc = -errno;
		why = vbpf_load_error(root, rc, "opening the BPF object");
		goto out;
	}
	t->skel->rodata->targ_pid = o->pid;
	t->skel->rodata->targ_vcpu = o->vcpu;
	t->skel->rodata->lat_sampled = o->latency == VBPF_LAT_SAMPLED;
	t->latency = o->latency;
	t->lat_rate = o->lat_rate ? o->lat_rate : VBPF_LAT_RATE_DEFAULT;
	t->closers = want & ((1u << VBPF_SRC_KVM_RUN) | (1u << VBPF_SRC_KVM_ENTRY));
	for (unsigned int s = 0; s < VBPF_SRC_COUNT; s++)
		bpf_program__set_autoload(src_prog(t->skel, s), want & (1u << s));
	rc = trace_bpf__load(t->skel);
	if (rc < 0) {
		why = vbpf_load_error(root, rc, "loading the BPF programs");
		goto out;
	}
	/*
	 * Every source is attached once, to report what cannot be; in sampled
	 * mode the closers are then detached until the first timing window.
	 */
	for (unsigned int s = 0; s < VBPF_SRC_COUNT; s++) {
		if (!(want & (1u << s)))
			continue;
		rc = attach_src(t, s);
		if (rc < 0) {
			why = vbpf_load_error(root, rc, vbpf_src_name(s));
			goto out;
		}
		hv_dbg("attached to %s", vbpf_src_name(s));
	}
	if (t->latency == VBPF_LAT_ALL)
		timing_on(t, ALL_EXITS);
	else
		detach_closers(t);
	rc = 0;
	*out = t;
	t = NULL;
out:
	vbpf_kbtf_free(&kb);
	vbpf_trace_close(t);
	if (rc < 0 && reason)
		*reason = why ? why : hv_asprintf("%s", strerror(-rc));
	else
		free(why);
	return rc;
}

static int cmp_port(const void *a, const void *b)
{
	const struct vbpf_port_stat *x = a, *y = b;

	return HV_CMP(x->pid, y->pid) ?: HV_CMP(x->vcpu, y->vcpu) ?: HV_CMP(x->kind, y->kind) ?:
	       HV_CMP(x->addr, y->addr) ?: HV_CMP(x->rw, y->rw);
}

/* Grow *arr (of @size-byte items) to hold one more than *len. 0 or -ENOMEM. */
static int grow(void **arr, size_t *cap, size_t len, size_t size, size_t max)
{
	void *p;
	size_t ncap;

	if (len < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > max)
		ncap = max;
	if (ncap <= len)
		return -EFBIG;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Every key with its value slot: the keys hash map, then one array read each. */
static int read_exits(struct vbpf_trace *t, struct vbpf_trace_snapshot *snap)
{
	struct bpf_map *keys = t->skel->maps.keys, *vals = t->skel->maps.vals;
	struct trace_key key, next;
	struct trace_val v;
	void *prev = NULL;
	size_t cap = 0;
	uint32_t slot;
	int rc = 0;

	while (bpf_map__get_next_key(keys, prev, &next, sizeof(next)) == 0) {
		struct vbpf_exit_stat *e;

		key = next;
		prev = &key;
		if (bpf_map__lookup_elem(keys, &key, sizeof(key), &slot, sizeof(slot), 0) < 0 ||
		    slot >= TRACE_MAX_KEYS ||
		    bpf_map__lookup_elem(vals, &slot, sizeof(slot), &v, sizeof(v), 0) < 0)
			continue;
		rc = grow((void **)&snap->exits, &cap, snap->nexits, sizeof(*e), TRACE_MAX_KEYS);
		if (rc < 0)
			break;
		e = &snap->exits[snap->nexits++];
		memset(e, 0, sizeof(*e));
		e->pid = key.pid;
		e->vcpu = key.vcpu;
		e->kind = key.kind;
		e->reason = key.reason;
		e->count = v.count;
		e->lat_count = v.lat_count;
		e->lat_sum_ns = v.lat_sum_ns;
		e->lat_max_ns = v.lat_max_ns;
		memcpy(e->hist, v.hist, sizeof(e->hist));
	}
	if (snap->nexits)
		qsort(snap->exits, snap->nexits, sizeof(*snap->exits), vbpf_stat_cmp);
	return rc;
}

static int read_ports(struct vbpf_trace *t, struct vbpf_trace_snapshot *snap)
{
	struct bpf_map *m = t->skel->maps.ports;
	struct trace_port_key key, next;
	void *prev = NULL;
	size_t cap = 0;
	int rc = 0;

	if (!(t->sources & ((1u << VBPF_SRC_PIO) | (1u << VBPF_SRC_MMIO))))
		return 0;
	while (bpf_map__get_next_key(m, prev, &next, sizeof(next)) == 0) {
		struct vbpf_port_stat *p;
		uint64_t count;

		key = next;
		prev = &key;
		count = percpu_sum(t, m, &key, sizeof(key));
		if (!count)
			continue;  /* gone, or never counted */
		rc = grow((void **)&snap->ports, &cap, snap->nports, sizeof(*p), TRACE_MAX_PORTS);
		if (rc < 0)
			break;
		p = &snap->ports[snap->nports++];
		p->pid = key.pid;
		p->vcpu = key.vcpu;
		p->kind = key.kind;
		p->rw = key.rw;
		p->addr = key.addr;
		p->count = count;
	}
	if (snap->nports)
		qsort(snap->ports, snap->nports, sizeof(*snap->ports), cmp_port);
	return rc;
}

int vbpf_trace_snapshot(struct vbpf_trace *t, struct vbpf_trace_snapshot *snap)
{
	int rc;

	memset(snap, 0, sizeof(*snap));
	if (!t)
		return -EINVAL;
	rc = read_exits(t, snap);
	if (rc == 0)
		rc = read_ports(t, snap);
	if (rc < 0)
		goto fail;
	for (uint32_t i = 0; i < TRACE_STAT_COUNT; i++) {
		uint64_t sum = percpu_sum(t, t->skel->maps.stats, &i, sizeof(i));

		if (i < TRACE_SRC_COUNT)
			snap->events[i] = sum;
		else
			snap->drops = sum;
	}
	return 0;
fail:
	vbpf_trace_snapshot_free(snap);
	return rc;
}

void vbpf_trace_snapshot_free(struct vbpf_trace_snapshot *snap)
{
	if (!snap)
		return;
	free(snap->exits);
	free(snap->ports);
	memset(snap, 0, sizeof(*snap));
}

int vbpf_trace_comm(struct vbpf_trace *t, uint32_t pid, char *buf, size_t len)
{
	struct trace_comm c;

	if (!t || !len)
		return -EINVAL;
	if (bpf_map__lookup_elem(t->skel->maps.comms, &pid, sizeof(pid), &c, sizeof(c), 0) < 0)
		return -ENOENT;
	c.comm[sizeof(c.comm) - 1] = '\0';
	snprintf(buf, len, "%s", c.comm);
	return 0;
}
