#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""q2flags.py A.qcow2 B.qcow2: how many COPIED flags of the active L1 and L2
tables differ between two versions of one image (before and after `qemu-img
check -r all`), entry by entry. Prints "L1 N L2 M". Reads the tables directly
(qcow2 spec: header offsets 20, 36, 40; L1/L2 entry bit 63), standard L2
entries only; tables that moved or went past the end of a file are skipped."""
import struct
import sys

COPIED = 1 << 63
OFF = 0x00FFFFFFFFFFFE00


def tables(path):
    with open(path, "rb") as f:
        data = f.read()
    cbits = struct.unpack(">I", data[20:24])[0]
    l1_size, l1_off = struct.unpack(">IQ", data[36:48])
    cs = 1 << cbits
    l1 = list(struct.unpack(">%dQ" % l1_size, data[l1_off:l1_off + 8 * l1_size]))
    l2 = {}
    for i, e in enumerate(l1):
        t = e & OFF
        if t and t % cs == 0 and t + cs <= len(data):
            l2[i] = (t, struct.unpack(">%dQ" % (cs // 8), data[t:t + cs]))
    return l1, l2


def main():
    l1a, l2a = tables(sys.argv[1])
    l1b, l2b = tables(sys.argv[2])
    d1 = sum(1 for a, b in zip(l1a, l1b) if (a ^ b) & COPIED)
    d2 = 0
    for i, (ta, ea) in l2a.items():
        if i not in l2b or l2b[i][0] != ta:
            continue
        d2 += sum(1 for a, b in zip(ea, l2b[i][1]) if (a ^ b) & COPIED)
    print("L1 %d L2 %d" % (d1, d2))


if __name__ == "__main__":
    main()
