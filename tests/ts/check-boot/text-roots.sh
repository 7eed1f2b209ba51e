#!/bin/bash
# vhv-check boot on the committed text-only roots: GRUB legacy (issue 3's
# RHEL 5 Xen menu.lst), a hand-written grub.cfg, BLS entries, and no config.
. "$VHV_SRC/tests/lib.sh"

ts_golden legacy vhv-check --sysroot "$TS_ROOTS/boot-legacy" boot
ts_golden legacy-json vhv-check --sysroot "$TS_ROOTS/boot-legacy" boot -J
ts_golden grub2-hand vhv-check --sysroot "$TS_ROOTS/boot-grub2-hand" boot
ts_golden grub2-hand-json vhv-check --sysroot "$TS_ROOTS/boot-grub2-hand" boot -J
ts_golden bls vhv-check --sysroot "$TS_ROOTS/boot-bls" boot
# --config names the file inside the root
ts_golden config-option vhv-check --sysroot "$TS_ROOTS/boot-grub2-hand" boot -q \
	--config /boot/grub/alt.cfg -C boot.config,boot.default
# --config naming a missing file is a failure, not "no config found"
ts_golden config-missing vhv-check --sysroot "$TS_ROOTS/boot-legacy" boot --config /nope.cfg -C boot.config
# a root without any boot loader config: boot.config says so, nothing else runs
ts_golden no-config vhv-check --sysroot "$TS_ROOTS/boot-empty" boot
# the JSON fields issue 3 asks for
ts_run vhv-check --sysroot "$TS_ROOTS/boot-grub2-hand" boot -J
ts_assert_grep '"entry": "Xen>Xen \\"classic\\" multiboot"' "$TS_OUT" "entry path in JSON"
ts_assert_grep '"default": true' "$TS_OUT" "default flag in JSON"
ts_assert_grep '"path": "/boot/xen.gz"' "$TS_OUT" "mapped path in JSON"
ts_finalize
