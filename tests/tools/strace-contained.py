#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""strace-contained.py LOG ROOT [ALLOWED-PREFIX...]: read an `strace -f -y`
log and print every file access that lands outside ROOT: a path argument
(joined with its dirfd as strace -y shows it, normalised lexically) or a
returned fd (strace -y prints where it really points, after symlinks).
openat2 with RESOLVE_IN_ROOT is contained by the kernel: only its result is
checked. What the C runtime itself reads (shared libraries, locales) is given
as ALLOWED-PREFIX; ancestors of ROOT are allowed for stat/readlink (realpath
of the --sysroot argument). Exit 1 when anything escaped, else 0."""
import os
import re
import sys

log, root = sys.argv[1], os.path.realpath(sys.argv[2])
allowed = [a.rstrip("/") for a in sys.argv[3:] if not a.startswith("=")]
exact = {a[1:] for a in sys.argv[3:] if a.startswith("=")}
ancestors = set()
p = root
while p != "/":
    p = os.path.dirname(p)
    ancestors.add(p)

CALL = re.compile(r'^(?:\[pid +(\d+)\] |(\d+) +)?([a-z0-9_]+)\((.*)\) += (.*)$')
STR = r'"((?:[^"\\]|\\.)*)"'
FDARG = re.compile(r'^(AT_FDCWD|\d+)<([^>]*)>, ' + STR)
PATHARG = re.compile(r'^' + STR)
RESFD = re.compile(r'^\d+<([^>]*)>')


def unescape(s):
    return bytes(s, "latin-1").decode("unicode_escape")


def inside(path, base):
    return path == base or path.startswith(base + "/")


def ok(path, call):
    path = os.path.normpath(path)
    if inside(path, root) or path in exact:
        return True
    if path in ancestors and call in ("readlink", "newfstatat", "stat", "lstat", "statx"):
        return True
    return any(inside(path, a) for a in allowed)


bad = []
for line in open(log, errors="replace"):
    m = CALL.match(line.strip())
    if not m:
        continue
    pid = m.group(1) or m.group(2)
    call, args, res = m.group(3), m.group(4), m.group(5)
    paths = []
    fa = FDARG.match(args)
    pa = PATHARG.match(args)
    if fa and not (call == "openat2" and "RESOLVE_IN_ROOT" in args):
        name = unescape(fa.group(3))
        if name.startswith("/"):
            paths.append(name)
        elif name or "AT_EMPTY_PATH" not in args:
            paths.append(fa.group(2) + "/" + name)
    elif pa and not fa:
        name = unescape(pa.group(1))
        paths.append(name if name.startswith("/") else os.getcwd() + "/" + name)
    r = RESFD.match(res)
    if r and not r.group(1).startswith(("pipe:", "socket:", "anon_inode:", "/dev/pts/")):
        paths.append(r.group(1))
    for path in paths:
        # strace -y shows /proc/self as the pid: the process's own files
        if pid and path.startswith(f"/proc/{pid}/"):
            path = "/proc/self/" + path[len(f"/proc/{pid}/"):]
        if not ok(path, call):
            bad.append(f"{path}  ({call}: {line.strip()[:160]})")
for b in bad:
    print("outside the root:", b)
sys.exit(1 if bad else 0)
