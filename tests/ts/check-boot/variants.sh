#!/bin/bash
# ts: heavy
# The broken variants of the real Debian 12 root (tests/tools/mk-boot-roots.sh): each
# must fail (exit 2) in the check that owns the defect. Golden JSON and quiet human output.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/tools/boot-roots.bash"

boot_roots_build
expect() {	# VARIANT CHECK PATTERN
	ts_run vhv-check --sysroot "$BR/boot-$1" boot -J
	ts_assert_eq "exit code for boot-$1" "$TS_RC" 2
	python3 - "$TS_OUT" "$2" "$3" <<'PY' || ts_fail "boot-$1: no fail finding of $2 matching /$3/"
import json, re, sys
d = json.load(open(sys.argv[1]))
ok = any(f["check"] == sys.argv[2] and f["severity"] == "fail" and re.search(sys.argv[3], f["message"])
         for f in d["findings"])
sys.exit(0 if ok else 1)
PY
}
expect missing-xen boot.hypervisor 'xen-4\.17-amd64\.gz: No such file'
expect xen-not-mb boot.hypervisor 'has no valid multiboot2 header'
expect bzimage-as-xen boot.hypervisor 'is a Linux kernel .*, not a hypervisor'
expect initrd-other boot.initrd 'holds modules for 6\.1\.0-99-amd64, but the kernel is'
expect module-order boot.kernel 'module order'
expect stale-index boot.default "default '7' matches no entry"
expect stale-saved boot.default "saved_entry .*5\.10\.0-9-amd64.* matches no entry"
expect root-uuid boot.rootdev 'no such device'
expect no-kvm boot.modules 'module kvm is neither built into'
expect vermagic boot.modules 'module kvm-intel was built for .*, not '
expect efi-multiboot boot.hypervisor 'xen-4\.17-amd64\.efi is a PE/EFI image'
expect ucode-early boot.initrd 'intel-ucode\.img holds no init and no modules: only early microcode'
expect no-moddir boot.modules '/lib/modules/.* does not exist'
expect no-dom0 boot.modules 'is built without CONFIG_XEN_DOM0=y'
expect xen-efi-nocfg boot.hypervisor 'xen\.efi \(Xen 4\.17.*\) is chainloaded but has no xen\.cfg'
for v in missing-xen xen-not-mb bzimage-as-xen initrd-other module-order stale-index \
	stale-saved root-uuid no-kvm vermagic efi-multiboot xen-efi-nocfg ucode-early no-moddir \
	no-dom0 flask; do
	ts_golden "$v" vc --sysroot "$BR/boot-$v" boot -q
	ts_golden "$v-json" vc --sysroot "$BR/boot-$v" boot -J -C boot.default,boot.hypervisor,boot.kernel,boot.initrd,boot.modules,boot.rootdev
done
# flask=enforcing on a Xen built without XSM (Debian's) is ignored: a warning, exit 3
ts_run vhv-check --sysroot "$BR/boot-flask" boot -C boot.xen-cmdline -J
ts_assert_eq "exit code for boot-flask" "$TS_RC" 3
ts_assert_grep 'flask=enforcing is ignored: this Xen is built without XSM/FLASK' "$TS_OUT"
# the running Xen against the default entry (captured roots with xl info)
ts_golden xen-running vc --sysroot "$BR/boot-xen-running" boot -C boot.xen-running
ts_golden xen-stale vc --sysroot "$BR/boot-xen-stale" boot -C boot.xen-running
ts_golden xen-fellback vc --sysroot "$BR/boot-xen-fellback" boot -C boot.xen-running
ts_finalize
