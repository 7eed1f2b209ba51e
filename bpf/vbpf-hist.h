/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * vbpf-hist: log2 latency histograms as the BPF programs fill them: slot i
 * counts values in [2^i, 2^(i+1)) ns (slot 0 also holds 0), the last slot is
 * open-ended. No libbpf here (reports read recorded histograms with BPF=0).
 */
#include <stddef.h>
#include <stdint.h>

#define VBPF_HIST_SLOTS 32

/*
 * The @p-th percentile (0 < p <= 100) in ns, interpolated linearly inside the
 * slot that holds it (bcc's histograms give only the slot), and never above
 * @max_ns when it is not 0 (the largest value seen). 0 when empty.
 */
uint64_t vbpf_hist_percentile(const uint64_t *hist, size_t nslots, double p, uint64_t max_ns);

/*
 * Text form for storage: "slot:count" pairs of the non-empty slots joined by
 * ',' ("10:5,11:2"); "" when empty. Writes at most @len bytes into @buf and
 * returns it.
 */
char *vbpf_hist_format(const uint64_t *hist, size_t nslots, char *buf, size_t len);
/* Parse the text form and ADD it into @hist. 0 or -EINVAL (slot out of range, junk). */
int vbpf_hist_parse_add(const char *s, uint64_t *hist, size_t nslots);
