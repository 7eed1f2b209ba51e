#!/bin/bash
# root= on an offline root, where no device can be looked up: a UUID that is
# neither / in /etc/fstab nor the filesystem GRUB searches for is a FAIL (the
# kernel will not find its root); the one fstab mounts as / passes.
. "$VHV_SRC/tests/lib.sh"
r=$TS_TMP/root
cp -a "$TS_ROOTS/boot-grub2-hand" "$r"
sed -i 's|^LABEL=rootfs / |UUID=0b8e5d2a-91c4-4f7e-a6d3-58c2e1f07b94 / |' "$r/etc/fstab"
sed -i 's|root=LABEL=rootfs|root=UUID=0b8e5d2a-91c4-4f7e-a6d3-58c2e1f07b94|' "$r/boot/grub/grub.cfg"
ts_run vhv-check boot --checks boot.rootdev --sysroot "$r"
grep -q '^FAIL' "$TS_OUT" && { ts_fail "fstab's / reported missing"; cat "$TS_OUT"; }
sed -i 's|root=UUID=0b8e5d2a-91c4-4f7e-a6d3-58c2e1f07b94|root=UUID=deadbeef-0000-4000-8000-000000000000|' \
	"$r/boot/grub/grub.cfg"
ts_golden stale-uuid vhv-check boot --checks boot.rootdev --sysroot "$r"
ts_assert_grep '^FAIL  boot.rootdev +.*root=UUID=deadbeef-0000-4000-8000-000000000000$' \
	"$TS_OUT" "a stale root=UUID"
ts_assert_eq "exit code, stale root=UUID" "$TS_RC" 2
ts_finalize
