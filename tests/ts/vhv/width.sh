#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Human output fits 80 columns (README, vhv(7)): every --help, vhv-check
# --list-checks, and every line of every human golden (tests/expected/*/*.out
# and .err; JSON documents are not human output) -- except the files of the
# allow-list below, each with why it may be wider.
. "$VHV_SRC/tests/lib.sh"

# GLOB (relative to tests/expected/)   why it is wider than 80 columns
allow=(
	# vhv-check run with COLUMNS=1000 on purpose (tests/tools/boot-roots.bash:
	# kernel release strings are replaced after the run and must not move
	# line breaks between Debian point releases)
	'check-boot/debian12.*.out'
	'check-boot/variants.*.out'
	# batch rows are never cut unless -w says so (as ps -o and top -b): these
	# ask for more columns with -o than 80 hold, or hold a 100-byte VM name
	'top/fixture.all-columns.out'
	'top/fixture.xen-all.out'
	'top/resources.memory.out'
	'top/resources.kvm-stats-vcpu.out'
	'top/resources.cgroup-v1.out'
	'top/resources.old-root.out'
	'top/hostile-names.batch.out'
	# one line per problem or note, whole, so that grep finds each (as
	# qemu-img check prints its own): vhv-qcow2's problem lines name where
	# the damage is (table, entry, guest range, host range; wrapping them
	# broke every test that greps one), vhv-top's notes and vhv-check's
	# warnings name the paths and sources they are about (the bad-input
	# lines are also prefixed by the test with the case's name)
	'top/*.err'
	'qcow2/*.out'
	'check/fifo-root.*.err'
)

allowed() {	# FILE (relative)
	local g
	for g in "${allow[@]}"; do
		# shellcheck disable=SC2053
		[[ $1 == $g ]] && return 0
	done
	return 1
}
wide() {	# LABEL < TEXT
	awk -v l="$1" 'length($0) > 80 { printf "%s: line %d is %d columns: %s\n", l, NR, length($0), $0; bad = 1 }
		END { exit bad }'
}

for c in vhv vhv-check vhv-top vhv-trace vhv-qcow2 "vhv-qcow2 verify" "vhv-qcow2 info"; do
	# shellcheck disable=SC2086
	$c --help 2>&1 | wide "$c --help" || ts_fail "$c --help is wider than 80 columns"
done
vhv-check --list-checks | wide "vhv-check --list-checks" || ts_fail "vhv-check --list-checks is wider than 80 columns"

n=0
for f in "$VHV_SRC"/tests/expected/*/*.out "$VHV_SRC"/tests/expected/*/*.err; do
	rel=${f#"$VHV_SRC"/tests/expected/}
	case "$(head -c 1 "$f")" in '{'|'[') continue ;; esac
	allowed "$rel" && continue
	n=$((n + 1))
	wide "$rel" <"$f" || ts_fail "$rel: human output wider than 80 columns"
done
[ "$n" -gt 100 ] || ts_fail "only $n human goldens checked: the glob or the allow-list is wrong"
# and the allow-list names only files that exist
for g in "${allow[@]}"; do
	# shellcheck disable=SC2086
	compgen -G "$VHV_SRC/tests/expected/$g" >/dev/null || ts_fail "allow-list entry '$g' matches no golden"
done
ts_finalize
