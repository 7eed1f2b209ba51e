#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check-layers.sh BUILD: the dependency direction of ARCHITECTURE.md.
#   cli -> {probe bootcheck qcow2 top bpf} -> hvcore; top -> bpf -> hvcore.
# Features never include each other; hvcore includes nothing above it and its
# library holds no curses or libbpf symbols; each external library has one home;
# no host path (/proc /sys /dev /boot /etc /run /lib/modules) is opened outside hvcore;
# no include or link circles.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
cd "$src" || exit 1
bad=0
fail() { echo "layers: $*"; bad=1; }

declare -A allowed=(
	[hvcore]="hvcore"
	[probe]="probe hvcore"
	[bootcheck]="bootcheck hvcore"
	[qcow2]="qcow2 hvcore"
	[bpf]="bpf hvcore"
	[top]="top bpf hvcore"
	[cli]="cli probe bootcheck qcow2 top bpf hvcore"
)
for dir in "${!allowed[@]}"; do
	[ -d "$dir" ] || continue
	while IFS=: read -r file line inc; do
		target=${inc#*\"}
		target=${target%%/*}
		case " ${allowed[$dir]} " in
		*" $target "*) ;;
		*) fail "$file:$line includes \"${inc#*\"} ($dir may not use $target)" ;;
		esac
	done < <(grep -nE '^#include "[a-z0-9_-]+/' -r "$dir" --include='*.[ch]' | sed -E 's/^([^:]*):([0-9]+):(.*)$/\1:\2:\3/')
done

# One home per external library (STYLE.md section 4).
home() {	# HEADER-REGEX ALLOWED-PATH-REGEX NAME
	local hits
	hits=$(grep -rlE "^#include <($1)" cli probe bootcheck qcow2 top bpf hvcore --include='*.[ch]' 2>/dev/null |
		grep -vE "$2" || true)
	[ -z "$hits" ] || fail "$3 used outside its home: $(echo "$hits" | tr '\n' ' ')"
}
home 'n?curses|curses' '^top/' ncurses
home 'bpf/' '^bpf/' libbpf
home 'libxml/' '^hvcore/hv-libvirt' libxml2
home 'sqlite3' '^hvcore/hv-store' sqlite3
home 'libsmartcols' '^hvcore/' libsmartcols

# libkmod opens module files with plain open(2), following links out of a
# --sysroot, and reads the host's /proc/cmdline: modules are hvcore/hv-mod's.
hits=$(grep -rlE '^#include <libkmod\.h>' cli probe bootcheck qcow2 top bpf hvcore --include='*.[ch]' || true)
[ -z "$hits" ] || fail "libkmod used (modules go through hvcore/hv-mod): $(echo "$hits" | tr '\n' ' ')"

# Host paths only through hvcore's sysroot.
for f in cli probe bootcheck qcow2 top bpf; do
	[ -d "$f" ] || continue
	hits=$(grep -rnE '\b(fopen|open|openat|opendir|stat|lstat|access|readlink)\((AT_FDCWD, *)?"/(proc|sys|dev|boot|etc|run|lib/modules)' "$f" --include='*.c' | head -n 3)
	[ -z "$hits" ] || fail "host path opened outside hvcore: $hits"
done

# No circles: no two headers include each other, and no two objects use each
# other's symbols (scripts/code-shape.py: Tarjan over #include and nm edges).
# A circle means two files that can only be understood, tested and changed
# together; break it by moving what both need below both.
if command -v python3 >/dev/null; then
	out=$(python3 "$src/scripts/code-shape.py" --build "$build" --circles-only 2>&1) ||
		fail "$(echo "$out" | sed 's/^circle/include or link circle/')"
else
	fail "python3 is needed for the circle check (scripts/code-shape.py)"
fi

# hvcore's library links no curses and no libbpf.
lib=$build/libvhv-hvcore.a
if [ -f "$lib" ]; then
	syms=$(nm -u "$lib" 2>/dev/null | grep -E ' U (bpf_|btf_|libbpf_|initscr|endwin|wrefresh|newwin|ring_buffer__)' || true)
	[ -z "$syms" ] || fail "libvhv-hvcore.a needs curses/libbpf symbols: $syms"
else
	fail "$lib is not built"
fi
[ $bad = 0 ] && echo "layers: ok"
exit $bad
