// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exits.bpf.c: cumulative VM-exit counts per host thread, for vhv-top's
 * EXITS/S column. One inlined array lookup and an add per exit, so it can
 * stay attached for the whole life of vhv-top. Raw tracepoints: the
 * arguments are not read, so no BTF and no tracefs are needed.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "bpf/exits.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, EXITS_SLOTS);
	__type(key, __u32);
	__type(value, struct exits_val);
} exits SEC(".maps");

static __always_inline void count(int hw)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 idx = (__u32)id & (EXITS_SLOTS - 1);
	struct exits_val *v = bpf_map_lookup_elem(&exits, &idx);

	if (!v)
		return;
	if (v->tag != id) {
		/* A new thread (or one whose id collides): the slot starts over. */
		v->user = 0;
		v->hw = 0;
		v->tag = id;
	}
	/* Only the owning thread writes its slot: a plain add is exact. */
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
