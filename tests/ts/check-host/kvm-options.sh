#!/bin/bash
# kvm.options: module options from modprobe.d(5) directories (an /etc file
# hides a same-named /lib one; later settings win) compared with the loaded
# modules' parameters; on an offline root, only what is configured.
. "$VHV_SRC/tests/lib.sh"

r=$TS_TMP/root
cp -a "$TS_ROOTS/host-intel-vmx" "$r"
mkdir -p "$r/etc/modprobe.d" "$r/lib/modprobe.d"
# Written, never reloaded: nested=0 configured (kvm.conf sorts after 50-kvm.conf,
# whose bare "nested" means nested=1), the module still runs nested=Y.
printf 'options kvm_intel nested=0 enable_apicv=1 # comment\noptions kvm-intel ept=Y\n' \
	>"$r/etc/modprobe.d/kvm.conf"
printf 'options kvm_intel pml=0\n' >"$r/lib/modprobe.d/kvm.conf"      # hidden by /etc's kvm.conf
printf 'options kvm ignore_msrs=1\noptions kvm_intel nested\n' >"$r/lib/modprobe.d/50-kvm.conf"
printf 'install kvm_amd /bin/false\noptions irqbypass x=1\n' >"$r/etc/modprobe.d/blacklist.conf"
ts_golden live vhv-check host --checks kvm.options --sysroot "$r"
ts_golden amd vhv-check host --checks kvm.options --sysroot "$TS_ROOTS/host-amd-nested"
ts_golden defaults vhv-check host --checks kvm.options --sysroot "$TS_ROOTS/host-intel-vmx"
# built-in modules never see modprobe.d: the hint is the kernel command line
b=$TS_TMP/builtin
cp -a "$TS_ROOTS/host-pvm" "$b"
mkdir -p "$b/etc/modprobe.d" "$b/etc/default"
echo "options kvm_pvm no_x2apic=1" >"$b/etc/modprobe.d/kvm.conf"
echo 'GRUB_CMDLINE_LINUX=""' >"$b/etc/default/grub"
ts_golden builtin vhv-check host --checks kvm.options --sysroot "$b"
grep -q "modprobe -r" "$TS_OUT" && ts_fail "told to reload a built-in module"
rm -rf "$r/.vhv" "$r/sys" "$r/proc" "$r/dev"
ts_golden offline vhv-check host --checks kvm.options --sysroot "$r" -J
ts_finalize
