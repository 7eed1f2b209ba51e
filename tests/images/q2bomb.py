#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""tests/images/q2bomb.py: write a qcow2 "reference bomb" (issue 17): a tiny
image whose metadata fakes a huge number of references. Every active L1 entry
points at the same L2 table, whose entries all map the same data cluster, and
any number of internal snapshots share the L1 table (or, with --overlap, each
has its own L1 table overlapping the others). A checker that walks every
reference does work in the product of these numbers; one that walks each table
once and counts its referrers does work in the size of the file.

The refcounts written are the exact reference counts, capped at the refcount
width's maximum: with 64-bit refcounts (the default) the image is consistent
(qemu-img check: no errors), with narrower ones every reference past the
maximum is an overflow that qemu-img counts as a corruption.

  q2bomb.py OUT [--cluster-bits N] [--l1 N] [--l2 N] [--snapshots N]
                [--refcount-order N] [--overlap K]

Prints one line: the exact references to the L2 table and to the data cluster.
Layout (clusters): header, refcount table, refcount blocks, then the
L1 table, the L2 table, the data cluster, and the snapshot table.
"""
import argparse
import struct
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--cluster-bits", type=int, default=16)
    ap.add_argument("--l1", type=int, default=2048, help="active L1 entries (all -> one L2)")
    ap.add_argument("--l2", type=int, default=0, help="L2 entries mapping the data cluster "
                    "(default: the whole table)")
    ap.add_argument("--snapshots", type=int, default=0)
    ap.add_argument("--refcount-order", type=int, default=6)
    ap.add_argument("--overlap", type=int, default=0, metavar="K",
                    help="snapshot i's L1 starts (i mod K) clusters into the active L1 "
                    "and ends with it (distinct, overlapping tables)")
    a = ap.parse_args()

    cb = a.cluster_bits
    cs = 1 << cb
    l2_entries = cs // 8
    n_l2 = a.l2 or l2_entries
    order = a.refcount_order
    rmax = (1 << (1 << order)) - 1
    l1_clusters = -(-a.l1 * 8 // cs)
    if a.overlap and a.overlap > l1_clusters:
        sys.exit("--overlap K needs an L1 table of at least K clusters")

    # snapshot table: 40-byte entry + 16 bytes of extra data + id + name "b", 8-aligned
    def snap_entry(i):
        sid = str(i + 1).encode()
        if a.overlap:
            skip = i % a.overlap
            l1_off = (l1_at + skip) * cs
            l1_size = a.l1 - skip * (cs // 8)
        else:
            l1_off, l1_size = l1_at * cs, a.l1
        e = struct.pack(">QIHHIIQII", l1_off, l1_size, len(sid), 1, 0, 0, 0, 0, 16)
        e += struct.pack(">QQ", 0, vsize) + sid + b"b"
        return e + b"\0" * (-len(e) % 8), l1_off, l1_size

    vsize = a.l1 * l2_entries * cs
    l1_at = 3                                     # moved below; entry lengths do not depend on it
    # refcount blocks: enough for the file (entries per block = cs * 8 >> order)
    per_rb = cs * 8 >> order
    snap_bytes = sum(len(snap_entry(i)[0]) for i in range(a.snapshots)) if a.snapshots else 0
    n_rb = 1
    while True:
        n_rt = -(-n_rb * 8 // cs)                 # refcount table clusters
        rb_at = 1 + n_rt
        l1_at = rb_at + n_rb
        l2_at = l1_at + l1_clusters
        data_at = l2_at + 1
        snap_at = data_at + 1
        total = snap_at + -(-snap_bytes // cs)
        if total <= n_rb * per_rb:
            break
        n_rb += 1

    # exact reference counts
    ref = [0] * total
    for k in range(rb_at + n_rb):                 # header, refcount table and blocks
        ref[k] = 1
    for k in range(l1_clusters):
        ref[l1_at + k] += 1                       # the active L1
    l1_refs = a.l1                                # references to the L2 table
    snaps = []
    for i in range(a.snapshots):
        e, off, size = snap_entry(i)
        snaps.append(e)
        first = off // cs
        for k in range(first, first + -(-size * 8 // cs)):
            ref[k] += 1
        l1_refs += size
    ref[l2_at] = l1_refs
    data_refs = l1_refs * n_l2
    ref[data_at] = data_refs
    for k in range(snap_at, total):
        ref[k] = 1

    img = bytearray(total * cs)
    hdr = struct.pack(">IIQIIQIIQQIIQQQQII", 0x514649FB, 3, 0, 0, cb, vsize, 0, a.l1,
                      l1_at * cs, cs, n_rt, a.snapshots, snap_at * cs if a.snapshots else 0,
                      0, 0, 0, order, 104)
    img[0:len(hdr)] = hdr                         # header_length 104, then the end extension
    for r in range(n_rb):
        struct.pack_into(">Q", img, cs + 8 * r, (rb_at + r) * cs)
    # refcount entries, big-endian, (1 << order) bits each
    bits = 1 << order
    for k, v in enumerate(ref):
        v = min(v, rmax)
        blk = (rb_at + k // per_rb) * cs
        idx = k % per_rb
        if bits >= 8:
            nb = bits // 8
            img[blk + idx * nb:blk + idx * nb + nb] = v.to_bytes(nb, "big")
        else:
            byte, sh = blk + idx * bits // 8, idx * bits % 8
            img[byte] |= v << sh
    copied = 1 << 63
    l1e = l2_at * cs | (copied if l1_refs == 1 else 0)
    struct.pack_into(">%dQ" % a.l1, img, l1_at * cs, *([l1e] * a.l1))
    l2e = data_at * cs | (copied if data_refs == 1 else 0)
    struct.pack_into(">%dQ" % n_l2, img, l2_at * cs, *([l2e] * n_l2))
    img[data_at * cs:data_at * cs + 8] = b"qcowbomb"
    off = snap_at * cs
    for e in snaps:
        img[off:off + len(e)] = e
        off += len(e)
    with open(a.out, "wb") as f:
        f.write(img)
    print(l1_refs, data_refs)


if __name__ == "__main__":
    main()
