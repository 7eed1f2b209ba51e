#!/bin/bash
# vhv-check host, platform checks (xen iommu mem dev cgroup secure) on every
# fixture root: golden human and JSON output, and the JSON parses.
. "$VHV_SRC/tests/lib.sh"

sel=xen,iommu,mem,dev,cgroup,secure
for r in host-intel-vmx host-intel-fwoff host-amd-nested host-cloud-guest host-pvm \
	host-xen-dom0 host-arm64; do
	if [ ! -d "$TS_ROOTS/$r/.vhv" ]; then
		ts_fail "fixture root $r (with .vhv/) is missing"
		continue
	fi
	ts_golden "${r#host-}" vhv-check host --checks "$sel" --sysroot "$TS_ROOTS/$r"
	ts_golden "${r#host-}.json" vhv-check host -J --checks "$sel" --sysroot "$TS_ROOTS/$r"
	if command -v python3 >/dev/null; then
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["findings"]) >= 22' \
			"$TS_OUT" 2>"$TS_TMP/.py" || ts_fail "$r: JSON does not parse or lacks findings: $(cat "$TS_TMP/.py")"
	fi
done
ts_finalize
