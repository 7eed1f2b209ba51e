#!/bin/bash
# A FIFO where a file is read (issue 17): mkfifo ROOT/proc/cpuinfo,
# etc/fstab, boot/grub/grub.cfg, a vmlinuz, proc/cmdline, a kvm.ko, a
# /proc/PID/stat for vhv-top. The blocking open never returned; now each is
# refused without blocking, named in a sysroot.files finding (WARN) and the
# checks that needed it say why they could not run. Every run has a timeout:
# a hang fails this test instead of wedging the suite.
. "$VHV_SRC/tests/lib.sh"

rel=6.1.0-40-amd64
h=$TS_TMP/fifo
cp -a "$TS_ROOTS/host-intel-vmx" "$h"
mkdir -p "$h/etc" "$h/boot/grub"
cat >"$h/boot/grub/grub.cfg" <<CFG
menuentry 'Debian GNU/Linux' --id linux {
	linux /boot/vmlinuz-$rel root=/dev/sda1 ro
	initrd /boot/initrd.img-$rel
}
CFG
echo "/dev/sda1 / ext4 defaults 0 1" >"$h/etc/fstab"
echo "not a kernel" >"$h/boot/vmlinuz-$rel"
b=$TS_TMP/fifo-boot
cp -a "$h" "$b"

fifo_case() {	# NAME ROOT PATH-IN-ROOT CMD...
	local name=$1 r=$2 p=$3
	shift 3
	[ -e "$r/$p" ] && mv "$r/$p" "$TS_TMP/saved"
	mkfifo "$r/$p"
	ts_run timeout 30 "$@"
	[ "$TS_RC" = 124 ] && { ts_fail "$name: hung on the FIFO /$p"; return; }
	# a warning names the file (and a sysroot.files finding, in the golden)
	ts_assert_grep "warning: /$p is a FIFO, not a regular file" "$TS_ERR" "$name: stderr"
	ts_golden "$name" timeout 30 "$@"
	rm -f "$r/$p"
	[ -e "$TS_TMP/saved" ] && mv "$TS_TMP/saved" "$r/$p"
}

mod=lib/modules/$rel/kernel/arch/x86/kvm/kvm-intel.ko
fifo_case cpuinfo "$h" proc/cpuinfo vhv-check host --checks cpu --sysroot "$h"
fifo_case cmdline "$h" proc/cmdline vhv-check host --checks kvm.options,iommu --sysroot "$h"
fifo_case kvm-ko "$h" "$mod" vhv-check host --checks kvm.modules,kvm.vermagic --sysroot "$h"
fifo_case grub-cfg "$b" boot/grub/grub.cfg vhv-check boot --sysroot "$b"
fifo_case fstab "$b" etc/fstab vhv-check boot --sysroot "$b"
fifo_case vmlinuz "$b" "boot/vmlinuz-$rel" vhv-check boot --sysroot "$b"
# JSON: the same finding, and the document still parses
mv "$h/proc/cpuinfo" "$TS_TMP/cpuinfo"
mkfifo "$h/proc/cpuinfo"
ts_run timeout 30 vhv-check host -J --checks cpu --sysroot "$h"
[ "$TS_RC" = 124 ] && ts_fail "JSON: hung"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TS_OUT" || ts_fail "JSON does not parse"
ts_assert_grep '"sysroot.files"' "$TS_OUT" "JSON finding"
rm -f "$h/proc/cpuinfo"
mv "$TS_TMP/cpuinfo" "$h/proc/cpuinfo"

# vhv-top on a fixture whose VMM /proc/PID/stat is a FIFO: no hang
t=$TS_TMP/top
cp -a "$TS_ROOTS/top-t0" "$t"
stat=$(find "$t/proc" -maxdepth 2 -name stat -path '*/proc/[0-9]*/stat' | head -n 1)
[ -n "$stat" ] || ts_fail "top-t0 has no /proc/PID/stat"
rm -f "$stat" && mkfifo "$stat"
ts_run timeout 30 vhv-top -b -c 1 --sysroot "$t"
[ "$TS_RC" = 124 ] && ts_fail "vhv-top hung on the FIFO ${stat#"$t"}"
grep -q "is a FIFO, not a regular file" "$TS_ERR" || ts_fail "vhv-top did not name the FIFO on stderr"
ts_finalize
