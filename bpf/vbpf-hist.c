// SPDX-License-Identifier: GPL-2.0-or-later
/* vbpf-hist: percentiles and a text form of log2 histograms (see vbpf-hist.h). */
#include "bpf/vbpf-hist.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t vbpf_hist_percentile(const uint64_t *hist, size_t nslots, double p, uint64_t max_ns)
{
	uint64_t total = 0, seen = 0;
	double rank;

	for (size_t i = 0; i < nslots; i++)
		total += hist[i];
	if (!total)
		return 0;
	if (p > 100)
		p = 100;
	rank = p / 100.0 * (double)total;
	for (size_t i = 0; i < nslots; i++) {
		double lo, hi, frac;

		if (!hist[i])
			continue;
		if ((double)(seen + hist[i]) >= rank) {
			lo = i ? (double)(1ULL << i) : 0.0;
			hi = (double)(1ULL << (i + 1 < 63 ? i + 1 : 63));
			frac = (rank - (double)seen) / (double)hist[i];
			if (frac < 0)
				frac = 0;
			lo += (hi - lo) * frac;
			return max_ns && lo > (double)max_ns ? max_ns : (uint64_t)lo;
		}
		seen += hist[i];
	}
	return 0;
}

char *vbpf_hist_format(const uint64_t *hist, size_t nslots, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < nslots; i++) {
		int n;

		if (!hist[i])
			continue;
		n = snprintf(buf + off, len - off, "%s%zu:%llu", off ? "," : "", i,
			     (unsigned long long)hist[i]);
		if (n < 0 || (size_t)n >= len - off) {
			buf[off] = '\0';  /* truncated: keep whole pairs only */
			break;
		}
		off += (size_t)n;
	}
	return buf;
}

int vbpf_hist_parse_add(const char *s, uint64_t *hist, size_t nslots)
{
	while (s && *s) {
		unsigned long slot;
		unsigned long long count;
		char *end;

		errno = 0;
		slot = strtoul(s, &end, 10);
		if (end == s || *end != ':' || slot >= nslots)
			return -EINVAL;
		s = end + 1;
		count = strtoull(s, &end, 10);
		if (end == s || errno || (*end && *end != ','))
			return -EINVAL;
		hist[slot] += count;
		s = *end ? end + 1 : end;
	}
	return 0;
}
