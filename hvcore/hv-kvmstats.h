/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-kvmstats: KVM's binary statistics of a vCPU (Documentation/virt/kvm/api.rst,
 * "KVM_GET_STATS_FD", Linux 5.14+). A stats file is a header, an id string
 * ("kvm-PID/vcpu-N"), descriptors (flags: type, unit, base; exponent; size in
 * u64 items; offset into the data block; a name) and a data block of u64s.
 * Statistics are found by name, never by offset: names and their order differ
 * between kernels, architectures and vendors.
 *
 * Sources, by root:
 *   live     a stats fd taken from the VMM with pidfd_open + pidfd_getfd
 *            (Linux 5.6+, root: ptrace access to the VMM): the VMM's own
 *            kvm-vcpu-stats:N fd, since KVM answers KVM_GET_STATS_FD only to
 *            the VM's process (-EIO elsewhere), else the ioctl on its vCPU
 *            fd; the stats fd stays open and only the data block is re-read.
 *   others   DIR/.vhv/kvm-stats/PID-FD: the bytes of that vCPU's stats fd read
 *            from offset 0 (header to the end of the data block), FD being the
 *            vCPU's fd number in the VMM (/proc/PID/fd/FD -> kvm-vcpu:N).
 * The parsers take untrusted bytes (fuzzed by tests/fuzz/fuzz-hvcore-kvmstats.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvcore/hv-root.h"

/* The statistics vhv reads, by their KVM names (x86: arch/x86/kvm/x86.c, generic: kvm_host.h). */
enum hv_kstat {
	HV_KSTAT_EXITS,             /* "exits": every exit from guest mode (x86) */
	HV_KSTAT_HALT_EXITS,        /* "halt_exits": HLT exits (x86) */
	HV_KSTAT_IO_EXITS,          /* "io_exits": port I/O handled in user space (x86) */
	HV_KSTAT_MMIO_EXITS,        /* "mmio_exits": MMIO handled in user space */
	HV_KSTAT_IRQ_WINDOW_EXITS,  /* "irq_window_exits" (x86) */
	HV_KSTAT_POLL_OK_NS,        /* "halt_poll_success_ns": polling that ended in a wake-up */
	HV_KSTAT_POLL_FAIL_NS,      /* "halt_poll_fail_ns": polling that gave up (then waited) */
	HV_KSTAT_WAIT_NS,           /* "halt_wait_ns": halted, sleeping */
	HV_KSTAT_COUNT,
};

/* KVM's name of @k ("exits"), or NULL out of range. Static. */
const char *hv_kstat_name(enum hv_kstat k);
/* Is @k a time (held in nanoseconds), not a count? */
bool hv_kstat_is_time(enum hv_kstat k);

/* One reading: counts, and times in nanoseconds. */
struct hv_kstats {
	unsigned have;                 /* bit 1 << HV_KSTAT_*: the kernel gives it */
	uint64_t v[HV_KSTAT_COUNT];
};

/* Bounds on what a stats file may claim (the kernel's own are far smaller). */
#define HV_KSTATS_MAX_DESC 4096      /* descriptors */
#define HV_KSTATS_MAX_NAME 256       /* name_size (KVM_STATS_NAME_SIZE is 48) */
#define HV_KSTATS_MAX_LEN (1u << 20) /* bytes from the start to the end of the descriptors */

/* Where the wanted statistics live in a stats file. */
struct hv_kstats_layout {
	char id[64];                   /* the id string, e.g. "kvm-1234/vcpu-0" */
	uint32_t data_offset;          /* of the data block in the file */
	uint32_t data_len;             /* bytes of the data block to read (up to the last wanted) */
	unsigned have;                 /* bit per HV_KSTAT_* found with the expected type and unit */
	uint32_t off[HV_KSTAT_COUNT];  /* byte offset in the data block */
	int exp10[HV_KSTAT_COUNT];     /* times: power of ten that turns the value into ns */
	size_t need;                   /* -ENODATA: bytes of the file the layout needs */
};

/*
 * Parse the header, id and descriptors from the first @len bytes of a stats
 * file. A wanted name with an unexpected type (not CUMULATIVE), unit (counts:
 * NONE; times: SECONDS in base 10) or size is left out of ->have. Returns 0;
 * -ENODATA with ->need set when the descriptors reach past @len; -EINVAL
 * malformed; -EFBIG beyond the HV_KSTATS_MAX_* bounds.
 */
int hv_kstats_parse_layout(const void *buf, size_t len, struct hv_kstats_layout *out);
/*
 * The values of @l's statistics from @len bytes of the data block @data.
 * Returns 0 (out->have: those within @len) or -EINVAL.
 */
int hv_kstats_parse_data(const struct hv_kstats_layout *l, const void *data, size_t len,
			 struct hv_kstats *out);
/* A whole stats file (header to the data block) in @buf: both steps. 0 or -errno. */
int hv_kstats_parse(const void *buf, size_t len, struct hv_kstats_layout *l, struct hv_kstats *out);

/* The statistics of every vCPU of one VMM process, kept open between reads. */
struct hv_kstats_vm;

/*
 * Open the statistics of the vCPUs of VMM @pid (sources above). Returns the
 * number of vCPUs whose statistics are open (> 0) and *out (free with
 * hv_kstats_vm_free), or -errno with *why, a static reason for the notes
 * (e.g. "pidfd_getfd: not permitted (...)").
 */
int hv_kstats_vm_open(const struct hv_root *r, int pid, struct hv_kstats_vm **out,
		      const char **why);
/*
 * Read vCPU @index's statistics now (@r: the root @v was opened on). 0,
 * -ENOENT no statistics for that vCPU, or -errno.
 */
int hv_kstats_vm_read(const struct hv_root *r, struct hv_kstats_vm *v, int index,
		      struct hv_kstats *out);
void hv_kstats_vm_free(struct hv_kstats_vm *v);
