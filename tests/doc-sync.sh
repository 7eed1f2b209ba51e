#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# doc-sync.sh BUILD: documentation kept in sync with the code (bpftool's
# synctypes, util-linux's checkusage). For every program vhv-X built:
#  - man/vhv-X.8.scd exists (vhv itself: man/vhv.7.scd);
#  - every --long-option its --help prints appears in the man page, and every
#    option the page documents is in --help with the same short letter;
#  - every id `vhv-X --list-checks` / `--list-columns` prints appears in the man page.
set -u
TMPDIR=${TMPDIR:-/tmp}
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
bad=0
for prog in "$build"/vhv "$build"/vhv-*; do
	[ -x "$prog" ] && [ -f "$prog" ] || continue
	name=$(basename "$prog")
	case "$name" in
	vhv) page=$src/man/vhv.7.scd ;;
	*) page=$src/man/$name.8.scd ;;
	esac
	if [ ! -f "$page" ]; then
		echo "doc-sync: no man page ${page#"$src"/} for $name"
		bad=1
		continue
	fi
	# the page and the parts it includes
	text=$TMPDIR/doc-sync.$$
	cat "$page" > "$text"
	for inc in $(sed -n 's/^@include //p' "$page"); do cat "$src/man/$inc" >> "$text"; done
	page=$text
	help=$("$prog" --help 2>&1)
	# commands with options of their own ("vhv-qcow2 verify [options] <image>")
	for cmd in $(echo "$help" | sed -n "s/^ *$name \([a-z][a-z-]*\) \[options\].*/\1/p"); do
		help+=$'\n'$("$prog" "$cmd" --help 2>&1)
	done
	for opt in $(echo "$help" | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
		grep -qF -- "$opt" "$page" || grep -qF -- "\\-\\-${opt#--}" "$page" ||
			{ echo "doc-sync: $name: option $opt is not in its man page"; bad=1; }
	done
	# and back: every option the page documents (a "*--opt*" or "*-o*, *--opt*"
	# term) is in --help, with the same short letter
	while IFS= read -r term; do
		opt=$(echo "$term" | grep -oE -- '--[a-z][a-z0-9-]+')
		echo "$help" | grep -qE -- "(^|[ ,])$opt([ =,]|$)" ||
			{ echo "doc-sync: $name: option $opt of its man page is not in its --help"; bad=1; continue; }
		short=$(echo "$term" | sed -n 's/^\*\(-[a-zA-Z]\)\*, .*/\1/p')
		[ -z "$short" ] || echo "$help" | grep -qE -- "^ *$short, $opt([ =]|$)" ||
			{ echo "doc-sync: $name: $short, $opt of its man page is not in its --help"; bad=1; }
	done < <(grep -oE '^\*(-[a-zA-Z]\*, \*)?--[a-z][a-z0-9-]+\*' "$page" | sort -u)
	for list in --list-checks --list-columns; do
		echo "$help" | grep -qF -- "$list" || continue
		for id in $("$prog" "$list" 2>/dev/null | awk '{print $1}'); do
			grep -qF -- "$id" "$page" || { echo "doc-sync: $name: $id ($list) is not in its man page"; bad=1; }
		done
	done
done
rm -f "$TMPDIR/doc-sync.$$"
[ $bad = 0 ] && echo "doc-sync: ok"
exit $bad
