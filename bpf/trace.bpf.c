// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace.bpf.c: vhv-trace's in-kernel aggregation of VM exits by (pid, vcpu,
 * kind, reason), with log2 latency histograms. The hot path uses only arrays
 * (lookups the verifier inlines): per-thread state indexed by tid, and the
 * value slot of the thread's last key; the keys hash map is consulted only
 * when a thread's exit reason changes.
 *
 * Sources (the loader turns off those whose tracepoint is missing):
 *   raw_tp/kvm_userspace_exit (reason, errno): counts user exits by KVM_EXIT_*;
 *                             learns the vCPU id from the KVM_RUN fd
 *   tracepoint/kvm/kvm_exit   classic record read with CO-RE: exit_reason, isa
 *   raw_tp/kvm_fpu            load=1 at each KVM_RUN entry: closes the timing
 *                             of the thread's last user exit (the VMM's time)
 *   raw_tp/kvm_entry          closes the timing of a hardware exit (no argument
 *                             read)
 *   raw_tp/kvm_pio, kvm_mmio  ports and guest addresses (optional)
 * The raw_tp argument layouts are checked against kernel BTF by the loader
 * (a raw_tp that moved would read the wrong argument silently).
 *
 * Latency timing costs two more program runs per exit (kvm_fpu fires twice
 * per KVM_RUN), so by default the loader samples it: it attaches the closing
 * programs only during short windows sized to a number of timed exits per
 * second, and marks them with lat_epoch (odd: exits are timed) and lat_kinds
 * (which closers are attached: only those of the kinds of exits seen). An
 * exit is stamped only in an odd epoch and closed only in that epoch or the
 * even one after it (the grace the loader gives pending stamps before it
 * detaches); a stamp older than that is stale and dropped.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#include "bpf/trace.h"
#include "bpf/vbpf-core.h"

char LICENSE[] SEC("license") = "GPL";

/* Filters, set by the loader before load (libbpf-tools rodata). */
const volatile __u32 targ_pid = 0;    /* 0: every process */
const volatile __s32 targ_vcpu = -1;  /* -1: every vCPU */
const volatile bool lat_sampled = false;  /* count pending stamps for the loader */

/* Written by the loader through the mmap'ed .bss (see the top comment). */
__u32 lat_epoch = 0;
__u32 lat_kinds = 0;    /* TRACE_LAT_*: whose closing program is attached */
__s64 lat_pending = 0;  /* stamps of the current window not closed yet */
__u32 paused = 0;       /* vbpf_trace_pause(): classic tracepoints stay attached, ignoring events */

/* arch/x86/entry/syscalls/syscall_64.tbl; include/uapi/linux/kvm.h _IO(KVMIO, 0x80) */
#define NR_IOCTL_X86_64 16
#define KVM_RUN_CMD 0xae80

/* (pid, vcpu, kind, reason) -> value slot in vals; slots are never reused. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TRACE_MAX_KEYS);
	__type(key, struct trace_key);
	__type(value, __u32);
} keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TRACE_MAX_KEYS);
	__type(key, __u32);
	__type(value, struct trace_val);
} vals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TRACE_THREAD_SLOTS);
	__type(key, __u32);
	__type(value, struct trace_thread);
} threads SEC(".maps");

__u32 next_slot = 0;  /* the next free value slot */

/* pid -> name, so VMs that exit before user space looks are still named. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, TRACE_MAX_PROCS);
	__type(key, __u32);
	__type(value, struct trace_comm);
} comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, TRACE_MAX_PORTS);
	__type(key, struct trace_port_key);
	__type(value, __u64);
} ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TRACE_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");


static __always_inline void stat_inc(__u32 idx)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &idx);

	if (v)
		(*v)++;
}

/*
 * The vCPU id of the KVM_RUN ioctl this thread is in. kvm_fpu(1) fires only
 * inside KVM_RUN on a vCPU fd, so the fd in the saved syscall registers is that
 * vCPU's file and its private_data is the struct kvm_vcpu. (The per-CPU
 * kvm_running_vcpu would be simpler, but typed ksyms of data need
 * CONFIG_KALLSYMS_ALL, which kernels often lack.) Learnt once per thread: a
 * thread is assumed to run one vCPU (QEMU, cloud-hypervisor, crosvm, ...).
 */
static __always_inline void resolve_vcpu(struct trace_thread *t)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(task);
	struct kvm_vcpu *vcpu;
	struct fdtable *fdt;
	struct file **fds, *f;
	unsigned long fd;

	/* Direct loads through BTF pointers. */
	if (regs->orig_ax != NR_IOCTL_X86_64 || (unsigned int)regs->si != KVM_RUN_CMD)
		return;
	fd = regs->di;
	fdt = BPF_CORE_READ(task, files, fdt);
	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) < 0 || !f)
		return;
	vcpu = BPF_CORE_READ(f, private_data);
	if (!vcpu)
		return;
	t->vcpu = BPF_CORE_READ(vcpu, vcpu_id);
}

/* bcc libbpf-tools bits.bpf.h idea: a branch-light log2. */
static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? log2_u32(hi) + 32 : log2_u32((__u32)v);
}

static __always_inline void val_add_latency(struct trace_val *v, __u64 ns)
{
	__u64 slot = log2_u64(ns);

	/*
	 * A 64-bit clamp the compiler cannot drop: it knows slot < 64 and would
	 * compare 32 bits only, which older verifiers (6.1: Debian 12's kernel)
	 * do not carry to the 64-bit index ("unbounded min value").
	 */
	asm volatile("" : "+r"(slot));
	if (slot >= TRACE_HIST_SLOTS)
		slot = TRACE_HIST_SLOTS - 1;
	v->lat_count++;
	v->lat_sum_ns += ns;
	if (ns > v->lat_max_ns)
		v->lat_max_ns = ns;
	v->hist[slot]++;
}

/* The value slot of @k, allocating one the first time (slow path). */
static __always_inline __u32 key_slot(const struct trace_key *k)
{
	__u32 *sp = bpf_map_lookup_elem(&keys, k), slot;

	if (sp)
		return *sp;
	slot = __sync_fetch_and_add(&next_slot, 1);
	if (slot >= TRACE_MAX_KEYS)
		return TRACE_NO_SLOT;
	if (bpf_map_update_elem(&keys, k, &slot, BPF_NOEXIST) < 0) {
		/* Another CPU inserted it first (our slot stays unused), or the map is full. */
		sp = bpf_map_lookup_elem(&keys, k);
		return sp ? *sp : TRACE_NO_SLOT;
	}
	return slot;
}

/*
 * The state of the current thread. A slot tagged with another thread is taken
 * over and reset; the slow path also names the thread's process.
 */
static __always_inline struct trace_thread *thread_get(__u64 id)
{
	__u32 idx = (__u32)id & (TRACE_THREAD_SLOTS - 1);
	struct trace_thread *t = bpf_map_lookup_elem(&threads, &idx);
	struct trace_comm c = {};
	struct task_struct *task;
	__u32 pid;

	if (!t || t->tag == id)
		return t;
	task = bpf_get_current_task_btf();
	t->tag = id;
	t->user_epoch = 0;
	t->hw_epoch = 0;
	t->user_slot = TRACE_NO_SLOT;
	t->hw_slot = TRACE_NO_SLOT;
	t->vcpu = -1;
	pid = id >> 32;
	BPF_CORE_READ_STR_INTO(&c.comm, task, group_leader, comm);
	bpf_map_update_elem(&comms, &pid, &c, BPF_ANY);
	return t;
}

/* Existing state of the current thread, or NULL (no event of it seen yet). */
static __always_inline struct trace_thread *thread_find(__u64 id)
{
	__u32 idx = (__u32)id & (TRACE_THREAD_SLOTS - 1);
	struct trace_thread *t = bpf_map_lookup_elem(&threads, &idx);

	return t && t->tag == id ? t : NULL;
}

static __always_inline bool key_eq(const struct trace_key *a, const struct trace_key *b)
{
	return a->pid == b->pid && a->vcpu == b->vcpu && a->kind == b->kind &&
	       a->reason == b->reason;
}

/*
 * Count one exit of key @k for thread state @t, whose cached (@last, @slot) is
 * the previous exit of the same kind. Returns the value, or NULL (dropped).
 */
static __always_inline struct trace_val *count_exit(const struct trace_key *k,
						     struct trace_key *last, __u32 *slot)
{
	struct trace_val *v;
	__u32 s = *slot;

	if (s == TRACE_NO_SLOT || !key_eq(last, k)) {
		s = key_slot(k);
		if (s == TRACE_NO_SLOT) {
			stat_inc(TRACE_STAT_DROPS);
			return NULL;
		}
		*last = *k;
		*slot = s;
	}
	v = bpf_map_lookup_elem(&vals, &s);
	if (!v)
		return NULL;
	if (k->vcpu < 0)
		__sync_fetch_and_add(&v->count, 1);  /* a key other threads may share */
	else
		v->count++;
	return v;
}

/* Stamp an exit for timing when the loader is timing exits of its @kind (odd epoch). */
static __always_inline void stamp(__u64 *ts, __u32 *epoch, __u32 kind)
{
	__u32 e = lat_epoch;

	if (!(e & 1) || !(lat_kinds & kind))
		return;
	if (lat_sampled && *epoch != e)
		__sync_fetch_and_add(&lat_pending, 1);
	*ts = bpf_ktime_get_ns();
	*epoch = e;
}

/* Close a stamp: its latency counts if it belongs to this window or its grace. */
static __always_inline bool unstamp(__u32 *epoch)
{
	__u32 e = lat_epoch, se = *epoch;

	*epoch = 0;
	if (se != e && se + 1 != e)
		return false;  /* stale: made in an earlier window */
	if (lat_sampled)
		__sync_fetch_and_add(&lat_pending, -1);
	return true;
}

static __always_inline void slot_add_latency(__u32 s, __u64 ns)
{
	struct trace_val *v = bpf_map_lookup_elem(&vals, &s);

	if (v)
		val_add_latency(v, ns);
}

static __always_inline bool pid_filtered(__u32 pid)
{
	return targ_pid && pid != targ_pid;
}

static __always_inline bool vcpu_filtered(__s32 vcpu)
{
	return targ_vcpu >= 0 && vcpu != targ_vcpu;
}

/* kvm_fpu(load): load=1 at each KVM_RUN entry (kvm_load_guest_fpu), 0 at its end. */
SEC("raw_tp/kvm_fpu")
int vhv_kvm_run(struct bpf_raw_tracepoint_args *ctx)
{
	struct trace_thread *t;
	__u64 now;

	if (!(__u32)ctx->args[0])
		return 0;
	t = thread_find(bpf_get_current_pid_tgid());
	if (!t || !t->user_epoch)
		return 0;  /* not a traced thread (filters applied at its exits) */
	now = bpf_ktime_get_ns();
	if (!unstamp(&t->user_epoch))
		return 0;
	stat_inc(TRACE_SRC_KVM_RUN);
	slot_add_latency(t->user_slot, now - t->user_ts);
	return 0;
}

/* kvm_userspace_exit(u32 reason, int errno): KVM_RUN returns to the VMM. */
SEC("raw_tp/kvm_userspace_exit")
int vhv_user_exit(struct bpf_raw_tracepoint_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	int err = (int)ctx->args[1];
	struct trace_thread *t;
	struct trace_key k;

	if (pid_filtered(id >> 32))
		return 0;
	t = thread_get(id);
	if (!t)
		return 0;
	/* Still inside the KVM_RUN ioctl: its fd names the vCPU. */
	if (t->vcpu < 0)
		resolve_vcpu(t);
	k.pid = id >> 32;
	k.vcpu = t->vcpu;
	k.kind = TRACE_KIND_USER;
	k.reason = err < 0 ? TRACE_REASON_ERRNO | (__u32)-err : (__u32)ctx->args[0];
	if (vcpu_filtered(k.vcpu))
		return 0;
	stat_inc(TRACE_SRC_USERSPACE_EXIT);
	if (count_exit(&k, &t->user_key, &t->user_slot))
		stamp(&t->user_ts, &t->user_epoch, TRACE_LAT_USER);
	return 0;
}

/* Classic tracepoint: the record has the reason already decoded by KVM. */
SEC("tracepoint/kvm/kvm_exit")
int vhv_hw_exit(struct trace_event_raw_kvm_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct trace_thread *t;
	struct trace_key k;

	if (paused || pid_filtered(id >> 32))
		return 0;
	k.pid = id >> 32;
	k.vcpu = (__s32)BPF_CORE_READ(ctx, vcpu_id);
	k.kind = BPF_CORE_READ(ctx, isa) == TRACE_KIND_SVM ? TRACE_KIND_SVM : TRACE_KIND_VMX;
	k.reason = BPF_CORE_READ(ctx, exit_reason);
	if (vcpu_filtered(k.vcpu))
		return 0;
	t = thread_get(id);
	if (!t)
		return 0;
	t->vcpu = k.vcpu;
	stat_inc(TRACE_SRC_KVM_EXIT);
	if (count_exit(&k, &t->hw_key, &t->hw_slot))
		stamp(&t->hw_ts, &t->hw_epoch, TRACE_LAT_HW);
	return 0;
}

/* kvm_entry(vcpu, ...): back into the guest; no argument is read. */
SEC("raw_tp/kvm_entry")
int vhv_hw_entry(struct bpf_raw_tracepoint_args *ctx)
{
	struct trace_thread *t = thread_find(bpf_get_current_pid_tgid());
	__u64 now;

	if (!t || !t->hw_epoch)
		return 0;
	now = bpf_ktime_get_ns();
	if (!unstamp(&t->hw_epoch))
		return 0;
	stat_inc(TRACE_SRC_KVM_ENTRY);
	slot_add_latency(t->hw_slot, now - t->hw_ts);
	return 0;
}

static __always_inline void count_port(__u32 kind, __u32 rw, __u64 addr)
{
	__u64 id = bpf_get_current_pid_tgid(), *v, one = 1;
	struct trace_port_key k;
	struct trace_thread *t;

	if (pid_filtered(id >> 32))
		return;
	/* Inside KVM_RUN: the vCPU may be new (its first exit has not happened yet). */
	t = thread_get(id);
	if (t && t->vcpu < 0)
		resolve_vcpu(t);
	k.pid = id >> 32;
	k.vcpu = t ? t->vcpu : -1;
	if (vcpu_filtered(k.vcpu))
		return;
	k.kind = kind;
	k.rw = rw;
	k.addr = addr;
	stat_inc(kind == TRACE_PORT_PIO ? TRACE_SRC_PIO : TRACE_SRC_MMIO);
	v = bpf_map_lookup_elem(&ports, &k);
	if (v) {
		(*v)++;
		return;
	}
	if (bpf_map_update_elem(&ports, &k, &one, BPF_NOEXIST) < 0) {
		v = bpf_map_lookup_elem(&ports, &k);
		if (v)
			(*v)++;
		else
			stat_inc(TRACE_STAT_DROPS);
	}
}

/* kvm_pio(unsigned rw, unsigned port, unsigned size, unsigned count, const void *data) */
SEC("raw_tp/kvm_pio")
int vhv_pio(struct bpf_raw_tracepoint_args *ctx)
{
	count_port(TRACE_PORT_PIO, (__u32)ctx->args[0], (__u32)ctx->args[1]);
	return 0;
}

/* kvm_mmio(int type, int len, u64 gpa, void *val) */
SEC("raw_tp/kvm_mmio")
int vhv_mmio(struct bpf_raw_tracepoint_args *ctx)
{
	count_port(TRACE_PORT_MMIO, (__u32)ctx->args[0], ctx->args[2]);
	return 0;
}
