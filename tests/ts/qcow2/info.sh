#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vhv-qcow2 info: --output=json carries qemu-img info --output=json's keys with the
# same values (the oracle), plus the raw header; human output is golden.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/images/q2lib.sh"
ts_need_cmd qemu-img qemu-io python3
cd "$TS_TMP" || exit 1

# same_keys IMG: every key qemu-img info prints must be in ours, with its value.
same_keys() {
	qemu-img info --output=json "$1" >"$1.q.json" || ts_fail "qemu-img info $1"
	vhv-qcow2 info --output=json "$1" >"$1.v.json" || ts_fail "vhv-qcow2 info $1"
	python3 - "$1.q.json" "$1.v.json" <<'PY' || ts_fail "info $1 differs from qemu-img info"
import json, sys
q, v = (json.load(open(f)) for f in sys.argv[1:3])
def cmp(a, b, path):
    ok = True
    if isinstance(a, dict):
        if not isinstance(b, dict):
            print(f"  {path}: not an object"); return False
        for k in a:
            if k not in b:
                print(f"  {path}.{k}: missing"); ok = False
            else:
                ok &= cmp(a[k], b[k], f"{path}.{k}")
        return ok
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            print(f"  {path}: list differs"); return False
        return all([cmp(x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b))])
    if a != b:
        print(f"  {path}: {b!r}, qemu-img says {a!r}"); return False
    return True
sys.exit(0 if cmp(q, v, "") else 1)
PY
}

qemu-img create -q -f qcow2 -o compat=0.10 v2.qcow2 16M
same_keys v2.qcow2
mkdir -p sub
qemu-img create -q -f qcow2 sub/base.qcow2 64M
qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 -o lazy_refcounts=on,refcount_bits=8 sub/top.qcow2
qemu-io -c 'write -P 1 0 1M' sub/top.qcow2 >/dev/null
qemu-img snapshot -c snap1 sub/top.qcow2
qemu-img snapshot -c snap2 sub/top.qcow2
qemu-img bitmap --add sub/top.qcow2 bm0
qemu-img bitmap --add -g 128k --disable sub/top.qcow2 bm1
same_keys sub/top.qcow2
qemu-img create -q -f qcow2 -o data_file=df.raw,data_file_raw=on,extended_l2=on,compression_type=zstd df.qcow2 16M
same_keys df.qcow2
q2_poke64 df.qcow2 72 $(($(q2_hdr64 df.qcow2 72) | 1))
same_keys df.qcow2

# Golden human and JSON output of a deterministic image (no snapshot dates).
qemu-img create -q -f qcow2 -u -b base.qcow2 -F qcow2 -o cluster_size=4k,refcount_bits=32 g.qcow2 1G
qemu-img bitmap --add g.qcow2 dirty0
# unknown feature bits are flagged, not fatal when compatible/autoclear
q2_poke64 g.qcow2 80 $(((1 << 9) | 1))
# (allocated size depends on the file system: filtered)
nofs() { "$@" | sed -e 's/^disk size: .*/disk size: @DU@/' -e 's/"actual-size": [0-9]*/"actual-size": @DU@/'; }
ts_golden human nofs vhv-qcow2 info g.qcow2
ts_golden json nofs vhv-qcow2 info --output=json g.qcow2
# bad input
ts_golden missing vhv-qcow2 info nonexistent.qcow2
printf 'not an image at all' >raw.img
ts_golden raw vhv-qcow2 info raw.img
ts_finalize
