# shellcheck shell=bash
# Sourced by tests/ts/check-boot/{debian12,variants}.sh (not a test itself).
# boot_roots_build: build (or reuse) the real-artefact roots under the build dir.
# vc ARGS: vhv-check with what changes between Debian point releases filtered out
# (the kernel release, Xen's point release, build ids).
BR=$VHV_BUILD/boot-roots
boot_roots_build() {
	local rc=0
	"$VHV_SRC/tests/tools/mk-boot-roots.sh" "$BR" >"$TS_TMP/mk.log" 2>&1 || rc=$?
	[ "$rc" = 77 ] && ts_skip "fixture roots: $(tail -n 1 "$TS_TMP/mk.log")"
	if [ "$rc" != 0 ]; then
		ts_fail "mk-boot-roots.sh failed (exit $rc)"
		tail -n 20 "$TS_TMP/mk.log"
		ts_finalize
	fi
	KREL=$(ls "$BR/boot-xen/lib/modules")
	local abi=${KREL#*.*.*-}
	abi=${abi%%-*}
	KPREV=${KREL/-$abi-/-$(printf '%0*d' ${#abi} $((10#$abi - 1)))-}
}
vc() {
	set -o pipefail
	# wide rows: the release strings replaced below differ in length between
	# Debian point releases, and must not move line breaks in the goldens
	COLUMNS=1000 vhv-check "$@" | sed -E -e "s/$KREL/@KREL@/g" -e "s/$KPREV/@KREL-1@/g" \
		-e 's/"build_id": "[0-9a-f]+"/"build_id": "@BUILDID@"/' \
		-e 's/Xen 4\.17\.[0-9][^ ",]*/Xen 4.17.@PATCH@/g' \
		-e 's/(protocol 2\.)[0-9]+/\1@N@/'
}
