#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# code-shape.py: the shape of the tree (issue 14), from generally available tools.
#
#   scripts/code-shape.py [--build DIR] [--circles-only] [--no-duplicates]
#
# Prints, for cli probe bootcheck qcow2 top bpf hvcore:
#   - lines per file (wc -l): the largest files and how many pass 500 and 1000 lines;
#   - functions over 80 lines (Universal Ctags, --fields=+ne gives start and end lines);
#   - duplicate pairs (the project's `duplicates` finder, when installed);
#   - include circles, two ways:
#       include: file X -> header Y when X has #include "Y" (headers that include each other);
#       link:    object X.o -> Y.o when X.o uses a global symbol Y.o defines (nm, needs --build).
#     A circle is a strongly connected component of two or more units.
# With --circles-only it prints only the circles and exits 1 if there is any
# (tests/check-layers.sh runs it that way).
import os, re, subprocess, sys

DIRS = ["cli", "probe", "bootcheck", "qcow2", "top", "bpf", "hvcore"]
src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = sys.argv[1:]
build = None
if "--build" in args:
    build = args[args.index("--build") + 1]
circles_only = "--circles-only" in args
no_dups = "--no-duplicates" in args
os.chdir(src)

def sources():
    for d in DIRS:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.join(root, f)

def sccs(edges):
    """Tarjan's strongly connected components of {node: set(nodes)}, iterative."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]
    nodes = set(edges) | {w for v in edges.values() for w in v}
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = n[0]; n[0] += 1; stack.append(root); on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = n[0]; n[0] += 1; stack.append(w); on.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop(); on.discard(w); comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return sorted(out)

def include_graph():
    inc = re.compile(r'^#\s*include\s+"([^"]+)"')
    edges = {}
    for f in sources():
        with open(f, errors="replace") as fh:
            for line in fh:
                m = inc.match(line)
                if m and m.group(1) != f:
                    edges.setdefault(f, set()).add(m.group(1))
    return edges

def link_graph(build):
    defs, uses = {}, {}
    for d in DIRS:
        od = os.path.join(build, d)
        if not os.path.isdir(od):
            continue
        for f in sorted(os.listdir(od)):
            if not f.endswith(".o") or not os.path.exists(os.path.join(d, f[:-2] + ".c")):
                continue  # not an object, or a stale one whose source is gone
            unit = os.path.join(d, f[:-2])
            out = subprocess.run(["nm", os.path.join(od, f)], capture_output=True, text=True).stdout
            for line in out.splitlines():
                p = line.split()
                if len(p) == 2 and p[0] == "U":
                    uses.setdefault(unit, set()).add(p[1])
                elif len(p) == 3 and p[1] in "TDBRGSV":
                    defs[p[2]] = unit
    edges = {}
    for unit, syms in uses.items():
        for s in syms:
            if s in defs and defs[s] != unit:
                edges.setdefault(unit, set()).add(defs[s])
    return edges

def circles():
    res = [("include", c) for c in sccs(include_graph())]
    if build:
        res += [("link", c) for c in sccs(link_graph(build))]
    return res

if circles_only:
    cs = circles()
    for kind, c in cs:
        print("circle (%s): %s" % (kind, " <-> ".join(c)))
    sys.exit(1 if cs else 0)

files = list(sources())
lines = {}
for f in files:
    with open(f, "rb") as fh:
        lines[f] = fh.read().count(b"\n")
total = sum(lines.values())
big = sorted(lines.items(), key=lambda kv: -kv[1])
print("files: %d, lines: %d, over 500 lines: %d, over 1000 lines: %d"
      % (len(files), total, sum(1 for v in lines.values() if v > 500),
         sum(1 for v in lines.values() if v > 1000)))
for f, n in big[:12]:
    print("  %5d  %s" % (n, f))

tags = subprocess.run(["ctags", "-R", "--languages=C", "--kinds-C=f", "--fields=+ne", "-f", "-"] + DIRS,
                      capture_output=True, text=True).stdout
funcs = []
for line in tags.splitlines():
    p = line.split("\t")
    f = dict(x.split(":", 1) for x in p[3:] if ":" in x)
    if "line" in f and "end" in f:
        funcs.append((int(f["end"]) - int(f["line"]) + 1, p[1], p[0]))
funcs.sort(key=lambda t: (-t[0], t[1], t[2]))
print("functions: %d, over 80 lines: %d, over 100 lines: %d"
      % (len(funcs), sum(1 for t in funcs if t[0] > 80), sum(1 for t in funcs if t[0] > 100)))
for n, f, name in funcs:
    if n <= 80:
        break
    print("  %5d  %s %s" % (n, f, name))

if not no_dups:
    try:
        out = subprocess.run(["duplicates", "--most", "1", "--seconds", "120"] + [],
                             capture_output=True, text=True).stdout
        print("duplicates: " + (out.splitlines()[0] if out else "no output"))
    except FileNotFoundError:
        print("duplicates: not installed")

cs = circles()
print("include circles: %d%s" % (len(cs), "" if build else " (include graph only: no --build)"))
for kind, c in cs:
    print("  %s: %s" % (kind, " <-> ".join(c)))
