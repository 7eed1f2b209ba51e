/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* hv-root-ops: the live implementations of hv-root's non-file sources (internal to hvcore). */
#include <stdint.h>

#include "hvcore/hv-root.h"

int hv_live_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);
int hv_live_kvm_probe(const struct hv_root *r, struct hv_kvm_probe *out);
int hv_live_dmesg(char **out);
/* Read DIR/.vhv/NAME of a fixture root (caller frees *out). 0 or -errno. */
int hv_root_fixture_read(const struct hv_root *r, const char *name, char **out);
