#!/bin/bash
# Containment (issue 17): on a root full of links and ".." entries that point
# out of it, no command opens, stats or reads anything outside the root: a
# kvm.ko symlink to /etc/shadow, a modules.dep entry with ../../.., escaping
# grub.cfg kernels and initrds, /etc/fstab and modprobe.d links, and the host's
# /proc/cmdline (libkmod's kmod_new read it on every --sysroot run). Each
# command runs under strace -f -y; tests/tools/strace-contained.py fails on any
# path argument or opened fd outside the root (the C runtime's own shared
# libraries and locales excepted).
. "$VHV_SRC/tests/lib.sh"
ts_need_cmd strace python3

h=$TS_TMP/hostile
rel=6.1.0-40-amd64
md=$h/lib/modules/$rel
cp -a "$TS_ROOTS/host-intel-vmx" "$h"
mkdir -p "$h/etc/modprobe.d" "$h/boot/grub"
# in-root stand-ins, so that an in-root check passes and the open would follow
echo "root:in-root-stand-in:::" >"$h/etc/shadow"
echo "root:x:0:0::/root:/bin/sh" >"$h/etc/passwd"
echo "root:x:0:" >"$h/etc/group"
up=../../../../../../../../../../../../..
# modules: absolute and relative links out, and modules.dep entries with ".."
ln -sf /etc/shadow "$md/kernel/arch/x86/kvm/kvm.ko"
ln -sf "$up/etc/passwd" "$md/kernel/arch/x86/kvm/kvm-intel.ko"
sed -i "s|^kernel/arch/x86/kvm/kvm-amd.ko:|$up/etc/group/kvm-amd.ko:|" "$md/modules.dep"
printf '/etc/hostname/tun.ko:\n%s/etc/vhost_net.ko:\n' "$up" >>"$md/modules.dep"
echo "$up/etc/xenfs.ko" >>"$md/modules.builtin"
# configuration read as text
ln -sf "$up/etc/fstab" "$h/etc/fstab"
ln -sf /etc/shadow "$h/etc/modprobe.d/kvm.conf"
ln -sf "$up/proc/self/environ" "$h/etc/modprobe.d/environ.conf"
# boot: a grub.cfg whose kernel and initrd leave the root
ln -sf /boot/vmlinuz "$h/boot/vmlinuz-$rel"
ln -sf "$up/etc/shadow" "$h/boot/initrd.img-$rel"
ln -sf "$up/boot/config-$rel" "$h/boot/config-$rel"
cat >"$h/boot/grub/grub.cfg" <<CFG
menuentry 'Debian GNU/Linux' --id linux {
	linux /boot/vmlinuz-$rel root=/dev/sda1 ro
	initrd /boot/initrd.img-$rel
}
menuentry 'Xen' --id xen {
	multiboot2 /boot/../../../../../../boot/xen.gz
	module2 /boot/vmlinuz-$rel root=/dev/sda1
	module2 /boot/initrd.img-$rel
}
CFG
ln -sf "$up/boot/grub/grubenv" "$h/boot/grub/grubenv"
# an offline copy (no .vhv/): the release comes from /lib/modules
o=$TS_TMP/hostile-offline
cp -a "$h" "$o"
rm -rf "$o/.vhv" "$o/proc" "$o/sys"

# what the C runtime, the libraries and the sanitizers read for the process
# itself: shared libraries, locales, jansson's hash seed (/dev/urandom),
# libcap-ng (vhv-top drops privileges), the front door's own executable
allow=(/etc/ld.so.cache /etc/ld.so.preload /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu
	/lib64 /usr/lib/locale /usr/share/locale /etc/locale.alias /etc/localtime
	/usr/share/zoneinfo /dev/null /dev/tty /dev/urandom /usr/share/terminfo /etc/terminfo
	/lib/terminfo =/proc/sys/kernel/cap_last_cap =/proc/self/exe "$VHV_BUILD")
# (the sanitizers read the process's own /proc/self/{maps,cmdline,environ})
[ -n "${VHV_SAN:-}" ] && allow+=(/proc/self /sys/devices/system/cpu /usr/lib/llvm /usr/lib/gcc)

n=0
contained() {	# ROOT [=EXTRA-ALLOWED] CMD...
	local r=$1 log extra=()
	shift
	[[ $1 = =* ]] && { extra=("$1"); shift; }
	n=$((n + 1))
	log=$TS_TMP/strace.$n
	(cd "$TS_TMP" && timeout 120 strace -f -qq -y -o "$log" \
		-e trace=%file,openat2,execve "$@" >"$TS_TMP/out.$n" 2>&1)
	local rc=$?
	[ "$rc" = 124 ] && ts_fail "timed out: $*"
	[ "$rc" -le 3 ] || ts_fail "exit $rc (not a verdict): $*"
	python3 "$VHV_SRC/tests/tools/strace-contained.py" "$log" "$r" "${allow[@]}" "${extra[@]}" \
		>"$TS_TMP/esc.$n" || {
		ts_fail "$* read outside the root:"
		sed 's/^/    /' "$TS_TMP/esc.$n" | head -n 12
	}
}

contained "$h" vhv-check host --sysroot "$h"
contained "$h" vhv-check boot --sysroot "$h"
contained "$h" vhv-check -J all --sysroot "$h"
# the front door opens the live "/" to find its own folder (/proc/self/exe)
contained "$h" =/ vhv --sysroot "$h" check
contained "$o" vhv-check host --sysroot "$o"
contained "$o" vhv-check boot --sysroot "$o"
contained "$h" vhv-top -b -c 2 -i 0.1 --sysroot "$h"
contained "$h" vhv-top -b -c 1 -J --sysroot "$h"

# the module scan still reports what is inside: the stand-ins are no modules
ts_run vhv-check host --checks kvm.modules,kvm.vermagic --sysroot "$h"
ts_assert_grep 'kvm' "$TS_OUT" "kvm module lines"
ts_finalize
