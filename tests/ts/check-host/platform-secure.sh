#!/bin/bash
# Secure-guest checks on variants of the fixture roots made in the scratch
# folder. AMD: an EPYC Milan whose CPUID Fn8000_001F offers SEV, SEV-ES and
# SEV-SNP (real Milan values), with kvm_amd offering them or not, a kernel
# without sev_snp (Linux < 6.11), kvm_amd not loaded, and garbage in a
# parameter. Intel: TDX enabled by the firmware with kvm_intel tdx=Y or N,
# and a TDX guest.
. "$VHV_SRC/tests/lib.sh"

amd=$TS_ROOTS/host-amd-nested intel=$TS_ROOTS/host-intel-vmx
[ -d "$amd/.vhv" ] && [ -d "$intel/.vhv" ] || ts_fail "fixture roots host-amd-nested/host-intel-vmx missing"
variant() {	# NAME BASE: a fresh copy of BASE in $TS_TMP/NAME
	rm -rf "${TS_TMP:?}/$1"
	cp -a "$2" "$TS_TMP/$1"
	v=$TS_TMP/$1
}
param() {	# MODULE NAME VALUE ("-" removes it)
	local p=$v/sys/module/$1/parameters/$2
	if [ "$3" = - ]; then rm -f "$p"; else mkdir -p "${p%/*}" && echo "$3" >"$p"; fi
}
milan() {	# SEV leaf of an EPYC 7xx3: SME SEV ES SNP ..., C-bit 51, 509 guests, ES ASIDs 1..99
	sed -i '/ 0x8000001f /d' "$v/.vhv/cpuid"	# replaces the root's own leaf (ES ASIDs 0)
	echo "   0x8000001f 0x00: eax=0x0101fdff ebx=0x00004173 ecx=0x000001fd edx=0x00000064" \
		>>"$v/.vhv/cpuid"
}

variant sev-on "$amd"
milan
param kvm_amd sev Y
param kvm_amd sev_es Y
param kvm_amd sev_snp Y
ts_golden sev-on vhv-check host --checks secure --sysroot "$v"
ts_golden sev-on.json vhv-check host -J --checks secure.sev --sysroot "$v"

# firmware left SEV off: kvm_amd says N; this kernel predates sev_snp
variant sev-off "$amd"
milan
param kvm_amd sev N
param kvm_amd sev_es N
param kvm_amd sev_snp -
ts_golden sev-off vhv-check host --checks secure --sysroot "$v"

# kvm_amd not loaded; a garbage parameter value
variant sev-nomod "$amd"
milan
rm -rf "$v/sys/module/kvm_amd"
ts_golden sev-nomod vhv-check host --checks secure.sev --sysroot "$v"
variant sev-garbage "$amd"
milan
param kvm_amd sev maybe
ts_golden sev-garbage vhv-check host --checks secure.sev --sysroot "$v"

# Intel TDX: the firmware enabled it (cpuinfo flag), kvm_intel tdx=Y / N / absent
variant tdx "$intel"
sed -i 's/^\(flags\t*: .*\)$/\1 tdx_host_platform/' "$v/proc/cpuinfo"
param kvm_intel tdx Y
ts_golden tdx vhv-check host --checks secure.tdx --sysroot "$v"
param kvm_intel tdx N
ts_golden tdx-off vhv-check host --checks secure.tdx --sysroot "$v"
param kvm_intel tdx -
ts_golden tdx-old vhv-check host --checks secure.tdx --sysroot "$v"
variant tdx-guest "$intel"
sed -i 's/^\(flags\t*: .*\)$/\1 tdx_guest/' "$v/proc/cpuinfo"
ts_golden tdx-guest vhv-check host --checks secure.tdx --sysroot "$v"
ts_finalize
