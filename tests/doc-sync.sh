#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# doc-sync.sh BUILD: documentation kept in sync with the code (bpftool's
# synctypes, util-linux's checkusage). For every program vhv-X built:
#  - man/vhv-X.8.scd exists (vhv itself: man/vhv.7.scd);
#  - every --long-option its --help prints appears in the man page, and every
#    option the page documents is in --help with the same short letter;
#  - every id `vhv-X --list-checks` / `--list-columns` prints appears in the man page;
#  - vhv(7)'s table of every option of every command holds exactly the options
#    (short letter and long name) of every --help, both ways;
#  - bash completion (dist/bash-completion/vhv) completes only options some
#    --help has, and the values it offers for one are those its --help names.
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
		for id in $("$prog" "$list" 2>/dev/null | awk '/^[^ ]/ {print $1}'); do
			grep -qF -- "$id" "$page" || { echo "doc-sync: $name: $id ($list) is not in its man page"; bad=1; }
		done
	done
done
rm -f "$TMPDIR/doc-sync.$$"

# helpof TOKEN: the --help of a command of vhv(7)'s table
helpof() {
	case "$1" in
	vhv) "$build/vhv" --help ;;
	verify|info) "$build/vhv-qcow2" "$1" --help ;;
	*) "$build/vhv-$1" --help ;;
	esac 2>&1
}
# optsof TOKEN: "SHORT LONG" per option line of its --help (SHORT "-" for none)
optsof() {
	helpof "$1" | sed -nE 's/^ +(-([a-zA-Z]), )?(--[a-z][a-z0-9-]+).*/-\2 \3/p' | sed 's/^- /- /;s/^-\([a-zA-Z]\)/-\1/'
}
# the table: "SHORT LONG TOKEN" per command of each row
table=$(awk '
	/^\|\[ \*short\*/ { on = 1; n = -1; next }
	on && /^$/ { exit }
	on && /^\|/ { n = 0; sub(/^\| +/, ""); gsub(/\*/, ""); short = $0; next }
	on && /^:/ { n++; sub(/^: +/, ""); gsub(/\*/, "")
		if (n == 1) long = $0
		if (n == 3) for (i = 1; i <= NF; i++) print short, long, $i }
' "$src/man/vhv.7.scd")
[ -n "$table" ] || { echo "doc-sync: vhv(7) has no option table"; bad=1; }
for tok in vhv check top qcow2 verify info trace; do
	[ -x "$build/vhv" ] && [ -x "$build/vhv-check" ] && [ -x "$build/vhv-top" ] &&
		[ -x "$build/vhv-qcow2" ] && [ -x "$build/vhv-trace" ] || break
	want=$(echo "$table" | awk -v t="$tok" '$3 == t { print $1, $2 }' | sort)
	have=$(optsof "$tok" | sort -u)
	while read -r line; do
		[ -n "$line" ] || continue
		echo "doc-sync: $tok: '$line' is in --help, not in vhv(7)'s option table"; bad=1
	done < <(comm -13 <(echo "$want") <(echo "$have"))
	while read -r line; do
		[ -n "$line" ] || continue
		echo "doc-sync: $tok: '$line' is in vhv(7)'s option table, not in --help"; bad=1
	done < <(comm -23 <(echo "$want") <(echo "$have"))
done

# bash completion: each "-x|--opt)" case names options of some --help, and the
# words it offers for --opt ("compgen -W 'a b'") are named on --opt's --help line
comp=$src/dist/bash-completion/vhv
allhelp=$(for tok in vhv check top qcow2 verify info trace; do helpof "$tok"; done)
for opt in $(sed -nE 's/^\t(-[a-zA-Z]?-?[a-z|-]*)\)$/\1/p' "$comp" | tr '|' '\n' | sort -u); do
	echo "$allhelp" | grep -qE -- "^ +(-[a-zA-Z], )?$opt[ ,]|^ +$opt, " ||
		{ echo "doc-sync: completion: $opt is in no --help"; bad=1; }
done
while IFS=' ' read -r opt words; do
	lines=$(echo "$allhelp" | grep -E -- "^ +(-[a-zA-Z], )?$opt ")
	for w in $words; do
		echo "$lines" | grep -qw -- "$w" ||
			{ echo "doc-sync: completion offers '$w' for $opt, its --help line does not name it"; bad=1; }
	done
done < <(awk '/^\t-?-?[a-z|-]+\)$/ { opt = $1; sub(/\)$/, "", opt); n = split(opt, o, "|"); opt = o[n] }
	/compgen -W \x27/ && opt { s = $0; sub(/.*compgen -W \x27/, "", s); sub(/\x27.*/, "", s); print opt, s }
	/;;/ { opt = "" }' "$comp")
[ $bad = 0 ] && echo "doc-sync: ok"
exit $bad
