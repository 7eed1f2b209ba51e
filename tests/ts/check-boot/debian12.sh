#!/bin/bash
# ts: heavy
# vhv-check boot on roots built from real Debian 12 packages (xen-hypervisor-4.17-amd64,
# linux-image-*-amd64) and grub.cfg written by Debian's own /etc/grub.d scripts:
# as installed (Debian 12 also writes multiboot2 entries for xen.efi: FAIL), without
# xen.efi (clean), as a KVM host, and with a GRUB legacy menu.lst over a separate /boot.
. "$VHV_SRC/tests/lib.sh"
. "$VHV_SRC/tests/tools/boot-roots.bash"

boot_roots_build
for r in debian12 xen kvm legacy-real xen-efi-chain; do
	ts_golden "$r" vc --sysroot "$BR/boot-$r" boot
	ts_golden "$r-json" vc --sysroot "$BR/boot-$r" boot -J
done
# the real images were read: Xen's multiboot2 header, version and build id, the
# bzImage release, the zstd initrd after its early-microcode archive
ts_run vhv-check --sysroot "$BR/boot-xen" boot -J
ts_assert_grep '"build_id": "[0-9a-f]{40}"' "$TS_OUT" "Xen build id"
ts_assert_grep 'gzip ELF32, multiboot2 header, Xen 4\.17\.' "$TS_OUT" "Xen image"
ts_assert_grep 'zstd cpio after an early-microcode archive' "$TS_OUT" "initrd"
ts_finalize
