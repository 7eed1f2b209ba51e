// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exits.bpf.c: cumulative VM-exit counts per host thread, for vhv-top's
 * EXITS/S column. One map update per exit and nothing else, so it can stay
 * attached for the whole life of vhv-top. Raw tracepoints: the arguments are
 * not read, so no BTF and no tracefs are needed.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "bpf/exits.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, EXITS_MAX_THREADS);
	__type(key, __u32);
	__type(value, struct exits_val);
} exits SEC(".maps");

static __always_inline void count(int hw)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct exits_val *v, zero = { .pid = (__u32)(id >> 32) };

	v = bpf_map_lookup_elem(&exits, &tid);
	if (!v) {
		/* A per-CPU map: this creates the slot of this CPU, zeroing the others. */
		bpf_map_update_elem(&exits, &tid, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&exits, &tid);
		if (!v)
			return;
	}
	if (hw)
		v->hw++;
	else
		v->user++;
}

SEC("raw_tp/kvm_userspace_exit")
int vhv_exits_user(void *ctx)
{
	count(0);
	return 0;
}

SEC("raw_tp/kvm_exit")
int vhv_exits_hw(void *ctx)
{
	count(1);
	return 0;
}
