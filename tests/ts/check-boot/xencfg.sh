#!/bin/bash
# --config naming a xen.efi configuration (xen.cfg) is checked as one: its
# default section and the files it loads from xen.efi's directory (it used to
# say "the menu has no entries").
. "$VHV_SRC/tests/lib.sh"
r=$TS_TMP/root
d=$r/boot/efi/EFI/debian
mkdir -p "$d" "$r/etc"
cat >"$d/xen.cfg" <<'CFG'
[global]
default=debian

[debian]
options=dom0_mem=2048M,max:2048M loglvl=all
kernel=vmlinuz root=UUID=0b8e5d2a-91c4-4f7e-a6d3-58c2e1f07b94 ro quiet
ramdisk=initrd.img
CFG
: >"$d/vmlinuz"
: >"$d/initrd.img"
ts_golden ok vhv-check boot --checks boot.config --sysroot "$r" --config /boot/efi/EFI/debian/xen.cfg
ts_assert_eq "exit code, a complete xen.cfg" "$TS_RC" 0
rm "$d/initrd.img"
ts_golden no-ramdisk vhv-check boot --checks boot.config --sysroot "$r" \
	--config boot/efi/EFI/debian/xen.cfg
ts_assert_eq "exit code, xen.cfg's ramdisk missing" "$TS_RC" 2
grep -q "no entries" "$TS_OUT" && ts_fail "a xen.cfg called a menu without entries"
ts_finalize
