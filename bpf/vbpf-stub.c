// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vbpf-stub: the BPF=0 build (no clang, no libbpf). Every entry point says
 * -EOPNOTSUPP with a reason, as bpftool's stub builds do, so callers hide
 * BPF features instead of failing to link.
 */
#include <errno.h>
#include <stdlib.h>

#include "hvcore/hv-util.h"

#include "bpf/vbpf-exits.h"
#include "bpf/vbpf-trace.h"
#include "bpf/vbpf.h"

#define NO_BPF "built without BPF support (make BPF=0)"

bool vbpf_built(void)
{
	return false;
}

int vbpf_drop_privileges(char **reason)
{
	if (reason)
		*reason = hv_asprintf(NO_BPF);
	return -EOPNOTSUPP;
}

int vbpf_exits_open(const struct hv_root *root, struct vbpf_exits **out, char **reason)
{
	*out = NULL;
	if (reason)
		*reason = hv_asprintf(NO_BPF);
	return -EOPNOTSUPP;
}

void vbpf_exits_close(struct vbpf_exits *ex)
{
}

int vbpf_exits_read(struct vbpf_exits *ex, struct vbpf_exit_count **out, size_t *n)
{
	return -EOPNOTSUPP;
}

int vbpf_exits_lookup(struct vbpf_exits *ex, uint32_t tid, struct vbpf_exit_count *out)
{
	return -EOPNOTSUPP;
}

bool vbpf_exits_has_hw(struct vbpf_exits *ex)
{
	return false;
}

const char *vbpf_src_name(unsigned int src)
{
	return "?";
}

int vbpf_trace_open(const struct hv_root *root, const struct vbpf_trace_opts *opts,
		    struct vbpf_trace **out, char **reason)
{
	*out = NULL;
	if (reason)
		*reason = hv_asprintf(NO_BPF);
	return -EOPNOTSUPP;
}

void vbpf_trace_close(struct vbpf_trace *t)
{
}

unsigned int vbpf_trace_sources(const struct vbpf_trace *t)
{
	return 0;
}

const char *vbpf_trace_source_note(const struct vbpf_trace *t, unsigned int src)
{
	return NO_BPF;
}

int vbpf_trace_wait(struct vbpf_trace *t, uint64_t ns)
{
	return -EOPNOTSUPP;
}

int vbpf_trace_pause(struct vbpf_trace *t, bool pause)
{
	return -EOPNOTSUPP;
}

uint32_t vbpf_trace_lat_rate(const struct vbpf_trace *t)
{
	return 0;
}

int vbpf_trace_snapshot(struct vbpf_trace *t, struct vbpf_trace_snapshot *snap)
{
	return -EOPNOTSUPP;
}

void vbpf_trace_snapshot_free(struct vbpf_trace_snapshot *snap)
{
}

int vbpf_trace_comm(struct vbpf_trace *t, uint32_t pid, char *buf, size_t len)
{
	return -EOPNOTSUPP;
}
