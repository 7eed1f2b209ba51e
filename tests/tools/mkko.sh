#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mkko.sh OUT.ko KEY=VALUE...: a stub kernel module for fixture roots: an
# empty ELF relocatable object whose .modinfo section holds the given
# key=value strings (the strings `modinfo` and libkmod read, e.g. name=,
# vermagic=, depends=). Real modules are megabytes; the checks only read
# .modinfo, so the stubs carry the real modules' strings and nothing else.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OUT.ko KEY=VALUE..." >&2; exit 1; }
out=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/e.c"
${CC:-cc} -c "$tmp/e.c" -o "$tmp/e.o"
for kv in "$@"; do printf '%s\0' "$kv"; done >"$tmp/modinfo"
objcopy --remove-section .comment --remove-section .note.GNU-stack \
	--add-section .modinfo="$tmp/modinfo" --set-section-flags .modinfo=alloc,readonly \
	"$tmp/e.o" "$out"
