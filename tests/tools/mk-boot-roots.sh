#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mk-boot-roots.sh OUTDIR: build the vhv-check boot fixture roots from REAL Debian 12
# artefacts. Downloads (apt-get download, cached in OUTDIR/.dl) xen-hypervisor-4.17-amd64
# and the linux-image the linux-image-amd64 metapackage points to, extracts them with
# dpkg-deb, copies /boot and the needed part of /lib/modules into a root, builds initrds
# with cpio + zstd/gzip (one with an early-microcode prefix), runs depmod on the root and
# generates grub.cfg with Debian's own /etc/grub.d/{00_header,10_linux,20_linux_xen}
# inside a private mount namespace where the fake root's /boot is bind-mounted on /boot
# (the host's /boot is never touched), with a stand-in grub-probe that describes the
# fake disk. Then derives the broken variants. Idempotent: the roots are rebuilt only
# when this script changes (OUTDIR/.stamp). Exit 77 with a reason when impossible.
set -eu
out=${1:?usage: mk-boot-roots.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
stamp=$(sha1sum "$0" | cut -c1-12)
mkdir -p "$out"
# tests run in parallel: one builder at a time, the others wait and reuse its roots
exec 9>"$out/.lock"
flock 9
[ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ] && exit 0

skip() { echo "$*" >&2; exit 77; }
for c in apt-get dpkg-deb cpio zstd gzip depmod unshare grub-editenv python3; do
	command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"
done
[ -x /etc/grub.d/10_linux ] && [ -x /etc/grub.d/20_linux_xen ] ||
	skip "/etc/grub.d/10_linux or 20_linux_xen missing (package grub-common)"
[ "$(id -u)" = 0 ] || skip "needs root (a private mount namespace for grub's scripts)"

dl=$(dirname "$out")/debs   # shared with tests/hosts/emuhost
. "$here/debs.bash"
debs_fetch "$dl" || skip "$DEBS_WHY"
cd "$dl"
rm -rf x k
mkdir x k
dpkg-deb -x "$DEB_XEN" x
dpkg-deb -x "$DEB_KERNEL" k
rel=$(ls k/lib/modules | head -n1)
[ -n "$rel" ] && [ -f "k/boot/vmlinuz-$rel" ] || skip "unexpected linux-image layout"
cd - >/dev/null

UUID=4b1a6e52-6f3c-4b8e-9d0e-2a4f1c9e7d31
OTHER_UUID=0c9d3e1f-1111-4a2b-8c3d-99aa77bb5511

base=$out/boot-debian12
rm -rf "$out"/boot-* "$out/.stamp"
mkdir -p "$base"/{boot/grub,etc,proc,sys/hypervisor,dev/disk/by-uuid,.vhv}
cp "$dl/k/boot/vmlinuz-$rel" "$dl/k/boot/config-$rel" "$base/boot/"
cp "$dl"/x/boot/xen-4.17-amd64.gz "$dl"/x/boot/xen-4.17-amd64.efi \
	"$dl"/x/boot/xen-4.17-amd64.config "$base/boot/"

# /lib/modules/<rel>: the index files of the package plus the modules a KVM host and a
# dom0 need (and what they depend on), then the real depmod writes modules.dep.
km=$dl/k/lib/modules/$rel
mkdir -p "$base/lib/modules/$rel"
cp "$km"/modules.order "$km"/modules.builtin "$km"/modules.builtin.modinfo "$base/lib/modules/$rel/"
for m in arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-intel.ko arch/x86/kvm/kvm-amd.ko \
	virt/lib/irqbypass.ko drivers/crypto/ccp/ccp.ko drivers/xen/xen-evtchn.ko \
	drivers/xen/xen-gntdev.ko drivers/xen/xen-privcmd.ko drivers/xen/xenfs/xenfs.ko \
	drivers/net/xen-netback/xen-netback.ko drivers/block/xen-blkback/xen-blkback.ko; do
	for f in "$km/kernel/$m" "$km/kernel/$m.xz" "$km/kernel/$m.zst"; do
		[ -f "$f" ] || continue
		mkdir -p "$base/lib/modules/$rel/kernel/$(dirname "$m")"
		cp "$f" "$base/lib/modules/$rel/kernel/$(dirname "$m")/"
	done
done
depmod -b "$base" "$rel" 2>/dev/null || skip "depmod failed on the fixture root"
# drop depmod's binary indexes: only text is read, and it keeps the roots small
rm -f "$base/lib/modules/$rel"/*.bin

# initrd: a real newc cpio with /init and the dom0 modules under usr/lib/modules/<rel>,
# zstd-compressed as Debian 12's initramfs-tools does by default.
mkinitrd() {	# RELEASE OUTFILE COMPRESSOR [UCODE]
	local r=$1 o=$2 comp=$3 ucode=${4:-} t
	t=$(mktemp -d)
	mkdir -p "$t/img/usr/lib/modules/$r/kernel/drivers/xen" "$t/img/bin" "$t/img/lib"
	ln -s usr/lib "$t/img/lib64" 2>/dev/null || true
	printf '#!/bin/sh\necho vhv fixture initrd\n' >"$t/img/init"
	chmod +x "$t/img/init"
	cp "$km/kernel/drivers/xen/xen-evtchn.ko" "$t/img/usr/lib/modules/$r/kernel/drivers/xen/"
	cp "$base/lib/modules/$rel/modules.dep" "$t/img/usr/lib/modules/$r/" 2>/dev/null || true
	(cd "$t/img" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$t/main.cpio"
	: >"$o"
	if [ -n "$ucode" ]; then
		# early microcode: an uncompressed archive first (kernel/x86/microcode/*.bin)
		mkdir -p "$t/uc/kernel/x86/microcode"
		head -c 2048 /dev/zero | tr '\0' '\1' >"$t/uc/kernel/x86/microcode/GenuineIntel.bin"
		(cd "$t/uc" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >>"$o"
	fi
	$comp <"$t/main.cpio" >>"$o"
	rm -rf "$t"
}
mkinitrd "$rel" "$base/boot/initrd.img-$rel" "zstd -q -3 -c" ucode

printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' "$UUID" >"$base/etc/fstab"
: >"$base/dev/vda1"
ln -s ../../vda1 "$base/dev/disk/by-uuid/$UUID"
printf 'BOOT_IMAGE=/boot/vmlinuz-%s root=UUID=%s ro quiet\n' "$rel" "$UUID" >"$base/proc/cmdline"
printf 'sysname=Linux\nrelease=%s\nversion=#1 SMP PREEMPT_DYNAMIC Debian\nmachine=x86_64\nnodename=fixture\n' \
	"$rel" >"$base/.vhv/uname"
# CPUID leaf 0: GenuineIntel (kvm-intel is the vendor module checked)
printf '0x00000000 0x00: eax=0x0000001b ebx=0x756e6547 ecx=0x6c65746e edx=0x49656e69\n' \
	>"$base/.vhv/cpuid"
cat >"$base/README" <<EOF
boot-debian12: built by tests/tools/mk-boot-roots.sh from Debian 12 packages
$(cd "$dl" && ls *.deb); kernel $rel; grub.cfg from /etc/grub.d (grub-common $(dpkg-query -W -f '\${Version}' grub-common 2>/dev/null)).
EOF

# grub.cfg by Debian's own scripts. A stand-in grub-probe answers for the fake disk.
fakebin=$out/.fakebin
mkdir -p "$fakebin"
cat >"$fakebin/grub-probe" <<EOF
#!/bin/sh
t=
for a in "\$@"; do case \$a in --target=*) t=\${a#--target=};; -t) t=next;; *) [ "\$t" = next ] && t=\$a;; esac; done
case \$t in
fs) echo ext2;; fs_uuid) echo $UUID;; fs_label) echo;; partmap) echo msdos;;
abstraction|cryptodisk_uuid) echo;; drive) echo '(hd0,msdos1)';; device) echo /dev/vda1;;
disk) echo /dev/vda;; compatibility_hint) echo 'hd0,msdos1';;
hints_string) echo '--hint-bios=hd0,msdos1 --hint-efi=hd0,msdos1 --hint-baremetal=ahci0,msdos1';;
*) echo;;
esac
EOF
printf '#!/bin/sh\necho "$1"\n' >"$fakebin/grub-mkrelpath"
chmod +x "$fakebin/grub-probe" "$fakebin/grub-mkrelpath"

mkgrubcfg() {	# ROOT GRUB_DEFAULT  -> ROOT/boot/grub/grub.cfg
	local r=$1 def=$2
	unshare -m /bin/sh -c '
		set -e
		mount --make-rprivate /
		mount --bind "$1/boot" /boot
		# the fake disk in /dev/disk/by-uuid (10_linux tests it to write root=UUID=)
		: >"$2/null"
		mount --bind /dev/null "$2/null"
		mount -t tmpfs vhv-dev /dev
		: >/dev/null
		mount --bind "$2/null" /dev/null
		mkdir -p /dev/disk/by-uuid
		: >/dev/disk/by-uuid/'"$UUID"'
		export grub_probe="$2/grub-probe" grub_mkrelpath="$2/grub-mkrelpath"
		export pkgdatadir=/usr/share/grub
		export GRUB_DEVICE=/dev/vda1 GRUB_DEVICE_UUID='"$UUID"' GRUB_DEVICE_BOOT=/dev/vda1
		export GRUB_DEVICE_BOOT_UUID='"$UUID"' GRUB_FS=ext2 GRUB_DISTRIBUTOR=Debian
		export GRUB_DEFAULT="$3" GRUB_TIMEOUT=5 GRUB_CMDLINE_LINUX_DEFAULT=quiet
		export GRUB_CMDLINE_LINUX="" GRUB_CMDLINE_XEN_DEFAULT="dom0_mem=4G,max:4G dom0_max_vcpus=4${4:+ $4}"
		export GRUB_DISABLE_OS_PROBER=true GRUB_RECOVERY_TITLE="recovery mode"
		export GRUB_ACTUAL_DEFAULT="$3" TEXTDOMAIN=grub TEXTDOMAINDIR=/usr/share/locale
		# the default grub-mkconfig sets for the early initrds to look for
		export GRUB_EARLY_INITRD_LINUX_STOCK="intel-uc.img intel-ucode.img amd-uc.img amd-ucode.img early_ucode.cpio microcode.cpio"
		echo "# generated by Debian 12 /etc/grub.d scripts (grub-mkconfig), vhv fixture"
		for s in 00_header 10_linux 20_linux_xen; do
			echo "### BEGIN /etc/grub.d/$s ###"
			/etc/grub.d/$s
			echo "### END /etc/grub.d/$s ###"
			echo
		done' sh "$r" "$fakebin" "$def" "${GRUB_XEN_EXTRA:-}" >"$r/boot/grub/grub.cfg.new" 2>"$out/.grub.err" ||
		skip "running /etc/grub.d scripts failed: $(tail -n 3 "$out/.grub.err")"
	mv "$r/boot/grub/grub.cfg.new" "$r/boot/grub/grub.cfg"
}
# GRUB_DEFAULT: the Xen entry, as a Xen host sets it (grub-mkconfig's own default is 0)
mkgrubcfg "$base" "Debian GNU/Linux, with Xen hypervisor"
grep -q multiboot "$base/boot/grub/grub.cfg" || skip "20_linux_xen wrote no Xen entry"

variant() {	# NAME WHY [FROM]: a copy of a root (hard links; files are replaced, not edited)
	local from=${3:-$clean}
	rm -rf "${out:?}/$1"
	cp -al "$from" "$out/$1"
	echo "$1: variant of $(basename "$from") (mk-boot-roots.sh): $2" >"$out/$1/README"
}
replace() {	# FILE: break the hard link before changing FILE
	cp "$1" "$1.tmp" && mv "$1.tmp" "$1"
}

# boot-xen: the same host without xen.efi in /boot, so that 20_linux_xen writes no PE
# entries: everything passes; the broken variants below derive from it.
clean=$out/boot-xen
variant boot-xen "without /boot/xen-4.17-amd64.efi (no PE entries): a clean Xen host" "$base"
rm "$clean/boot/xen-4.17-amd64.efi"
mkgrubcfg "$clean" "Debian GNU/Linux, with Xen hypervisor"

variant boot-kvm "default is the plain Linux entry (a KVM host)"
mkgrubcfg "$out/boot-kvm" 0

variant boot-ucode-early "/boot/intel-ucode.img: 10_linux and 20_linux_xen load it before the initrd"
t=$(mktemp -d)
mkdir -p "$t/kernel/x86/microcode"
head -c 4096 /dev/zero | tr '\0' '\2' >"$t/kernel/x86/microcode/GenuineIntel.bin"
(cd "$t" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) \
	>"$out/boot-ucode-early/boot/intel-ucode.img"
rm -rf "$t"
mkgrubcfg "$out/boot-ucode-early" "Debian GNU/Linux, with Xen hypervisor"
grep -q intel-ucode.img "$out/boot-ucode-early/boot/grub/grub.cfg" ||
	skip "10_linux did not pick up /boot/intel-ucode.img"

variant boot-missing-xen "xen-4.17-amd64.gz deleted"
rm "$out/boot-missing-xen/boot/xen-4.17-amd64.gz"

variant boot-xen-not-mb "xen-4.17-amd64.gz replaced by a gzipped ELF without multiboot header"
gzip -9 -n -c "$dl/x/usr/lib/xen-4.17/bin/xen-cpuid" 2>/dev/null >"$out/boot-xen-not-mb/boot/x.gz" ||
	gzip -9 -n -c /bin/true >"$out/boot-xen-not-mb/boot/x.gz"
mv "$out/boot-xen-not-mb/boot/x.gz" "$out/boot-xen-not-mb/boot/xen-4.17-amd64.gz"

variant boot-bzimage-as-xen "a bzImage copied where xen-4.17-amd64.gz should be"
rm "$out/boot-bzimage-as-xen/boot/xen-4.17-amd64.gz"
cp "$base/boot/vmlinuz-$rel" "$out/boot-bzimage-as-xen/boot/xen-4.17-amd64.gz"

variant boot-initrd-other "initrd.img holds the modules of another kernel (6.1.0-99-amd64)"
rm "$out/boot-initrd-other/boot/initrd.img-$rel"
mkinitrd 6.1.0-99-amd64 "$out/boot-initrd-other/boot/initrd.img-$rel" "gzip -9 -n -c"

variant boot-module-order "the default Xen entry lists the initrd before the dom0 kernel"
python3 - "$out/boot-module-order/boot/grub/grub.cfg" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
m = re.search(r"menuentry 'Debian GNU/Linux, with Xen hypervisor'.*?\n}", s, re.S)
body = m.group(0)
lines = body.split("\n")
ki = next(i for i, l in enumerate(lines) if "module" in l and "vmlinuz" in l)
ii = next(i for i, l in enumerate(lines) if "module" in l and "initrd" in l)
lines[ki], lines[ii] = lines[ii], lines[ki]
s = s.replace(body, "\n".join(lines))
open(p + ".new", "w").write(s)
EOF
mv "$out/boot-module-order/boot/grub/grub.cfg.new" "$out/boot-module-order/boot/grub/grub.cfg"

variant boot-stale-index "GRUB_DEFAULT=7 while the menu has fewer top-level items"
mkgrubcfg "$out/boot-stale-index" 7

variant boot-stale-saved "GRUB_DEFAULT=saved; grubenv saved_entry names a removed kernel"
mkgrubcfg "$out/boot-stale-saved" saved
grub-editenv "$out/boot-stale-saved/boot/grub/grubenv" create
grub-editenv "$out/boot-stale-saved/boot/grub/grubenv" set \
	"saved_entry=Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 5.10.0-9-amd64"

variant boot-root-uuid "the disk holds another filesystem UUID than root=UUID= names"
rm "$out/boot-root-uuid/dev/disk/by-uuid/$UUID"
ln -s ../../vda1 "$out/boot-root-uuid/dev/disk/by-uuid/$OTHER_UUID"
printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' "$OTHER_UUID" >"$out/boot-root-uuid/etc/fstab.new"
mv "$out/boot-root-uuid/etc/fstab.new" "$out/boot-root-uuid/etc/fstab"

variant boot-no-kvm "kvm.ko, kvm-intel.ko, kvm-amd.ko removed (depmod rerun); default: Linux"
rm -rf "$out/boot-no-kvm/lib/modules/$rel/kernel/arch/x86/kvm"
for f in "$out/boot-no-kvm/lib/modules/$rel"/modules.*; do replace "$f"; done
depmod -b "$out/boot-no-kvm" "$rel" 2>/dev/null
rm -f "$out/boot-no-kvm/lib/modules/$rel"/*.bin
mkgrubcfg "$out/boot-no-kvm" 0

variant boot-vermagic "kvm-intel.ko carries the vermagic of another kernel; default: Linux"
ko=$(find "$out/boot-vermagic/lib/modules/$rel" -name 'kvm-intel.ko*' | head -n1)
replace "$ko"
python3 - "$ko" "$rel" <<'EOF'
import sys
p, rel = sys.argv[1], sys.argv[2]
b = open(p, "rb").read()
old = ("vermagic=" + rel).encode()
new = ("vermagic=" + rel.replace(rel.split("-")[1], str(int(rel.split("-")[1]) - 1).zfill(len(rel.split("-")[1])))).encode()
assert len(old) == len(new) and old in b
open(p, "wb").write(b.replace(old, new))
EOF
mkgrubcfg "$out/boot-vermagic" 0

variant boot-no-moddir "/lib/modules/<release> removed (the kernel package half-removed)"
rm -rf "$out/boot-no-moddir/lib/modules/$rel"

variant boot-no-dom0 "config-<release> without CONFIG_XEN_DOM0 (a kernel that cannot be dom0)"
sed 's/^CONFIG_XEN_DOM0=y/# CONFIG_XEN_DOM0 is not set/' "$base/boot/config-$rel" \
	>"$out/boot-no-dom0/boot/config-$rel.new"
mv "$out/boot-no-dom0/boot/config-$rel.new" "$out/boot-no-dom0/boot/config-$rel"

variant boot-flask "GRUB_CMDLINE_XEN_DEFAULT has flask=enforcing (Debian's Xen is built without XSM)"
GRUB_XEN_EXTRA="flask=enforcing" mkgrubcfg "$out/boot-flask" "Debian GNU/Linux, with Xen hypervisor"

variant boot-efi-multiboot "default is Debian 12's generated entry for xen-4.17-amd64.efi" "$base"
python3 - "$out/boot-efi-multiboot/boot/grub/grub.cfg" <<'EOF'
import re, sys
p = sys.argv[1]
s = open(p).read()
m = re.search(r"menuentry '([^']*Xen 4.17-amd64.efi[^']*)'", s)
sub = re.search(r"submenu '([^']*Xen hypervisor, version 4.17-amd64.efi)'", s)
adv = re.search(r"submenu '(Advanced options for Debian GNU/Linux \(with Xen hypervisor\))'", s)
assert m and sub and adv, "no xen.efi entry generated"
old = 'set default="Debian GNU/Linux, with Xen hypervisor"'
assert old in s
s = s.replace(old, 'set default="%s>%s>%s"' % (adv.group(1), sub.group(1), m.group(1)))
open(p + ".new", "w").write(s)
EOF
mv "$out/boot-efi-multiboot/boot/grub/grub.cfg.new" "$out/boot-efi-multiboot/boot/grub/grub.cfg"

# xen.efi chainloaded from the ESP (/boot/efi) with its xen.cfg, as Xen's EFI docs
# describe; the entry is the kind /etc/grub.d/40_custom holds.
esp=$out/boot-xen-efi-chain
variant boot-xen-efi-chain "default chainloads xen.efi from the ESP; xen.cfg names kernel and ramdisk"
mkdir -p "$esp/boot/efi/EFI/xen"
ln "$base/boot/xen-4.17-amd64.efi" "$esp/boot/efi/EFI/xen/xen.efi"
ln "$base/boot/vmlinuz-$rel" "$esp/boot/efi/EFI/xen/vmlinuz"
ln "$base/boot/initrd.img-$rel" "$esp/boot/efi/EFI/xen/initrd.img"
printf '[global]\ndefault=debian\n\n[debian]\noptions=dom0_mem=4G,max:4G dom0_max_vcpus=4 iommu=verbose\nkernel=vmlinuz root=UUID=%s ro quiet\nramdisk=initrd.img\n' \
	"$UUID" >"$esp/boot/efi/EFI/xen/xen.cfg"
printf 'UUID=%s / ext4 errors=remount-ro 0 1\nUUID=ABCD-1234 /boot/efi vfat umask=0077 0 1\n' \
	"$UUID" >"$esp/etc/fstab.new"
mv "$esp/etc/fstab.new" "$esp/etc/fstab"
python3 - "$esp/boot/grub/grub.cfg" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
old = 'set default="Debian GNU/Linux, with Xen hypervisor"'
assert old in s
s = s.replace(old, 'set default="xen-efi"')
s += """### BEGIN /etc/grub.d/40_custom ###
menuentry 'Xen 4.17 (EFI, chainloaded)' --id xen-efi {
	insmod part_gpt
	insmod fat
	search --no-floppy --fs-uuid --set=root ABCD-1234
	chainloader /EFI/xen/xen.efi
}
### END /etc/grub.d/40_custom ###
"""
open(p + ".new", "w").write(s)
PY
mv "$esp/boot/grub/grub.cfg.new" "$esp/boot/grub/grub.cfg"
variant boot-xen-efi-nocfg "as boot-xen-efi-chain, but xen.cfg is missing" "$esp"
rm "$out/boot-xen-efi-nocfg/boot/efi/EFI/xen/xen.cfg"

# GRUB legacy, the classic Xen form, with separate /boot (paths relative to (hd0,0))
lg=$out/boot-legacy-real
variant boot-legacy-real "GRUB legacy menu.lst, classic Xen form, separate /boot"
rm -f "$lg/boot/grub/grub.cfg"
printf 'LABEL=/boot /boot ext3 defaults 1 2\nUUID=%s / ext4 defaults 1 1\n' "$UUID" >"$lg/etc/fstab.new"
mv "$lg/etc/fstab.new" "$lg/etc/fstab"
cat >"$lg/boot/grub/menu.lst" <<EOF
default=0
timeout=5
title Xen 4.17 / Debian ($rel)
	root (hd0,0)
	kernel /xen-4.17-amd64.gz dom0_mem=2G,max:2G
	module /vmlinuz-$rel ro root=UUID=$UUID quiet
	module /initrd.img-$rel
title Debian ($rel)
	root (hd0,0)
	kernel /vmlinuz-$rel ro root=UUID=$UUID
	initrd /initrd.img-$rel
EOF
# Captured while Xen ran (.vhv/: a fixture root; xl info as sos collects it): booted with
# the default entry's options, or booted before GRUB_CMDLINE_XEN_DEFAULT was edited.
xlinfo() {	# ROOT XEN_COMMANDLINE
	mkdir -p "$1/.vhv" "$1/sys/hypervisor"
	echo xen >"$1/sys/hypervisor/type"
	printf '%s\n' "host                   : xenhost" "nr_cpus                : 4" \
		"virt_caps              : pv hvm hvm_directio pv_directio hap shadow" \
		"total_memory           : 16255" "free_memory            : 11890" \
		"xen_major              : 4" "xen_minor              : 17" "xen_extra              : .5" \
		"xen_version            : 4.17.5" "xen_scheduler          : credit2" \
		"xen_commandline        : $2" >"$1/.vhv/xl-info"
}
variant boot-xen-running "captured on the running Xen, booted with the default entry"
xlinfo "$out/boot-xen-running" "placeholder dom0_mem=4G,max:4G dom0_max_vcpus=4 no-real-mode edd=off"
variant boot-xen-stale "captured on a Xen booted before dom0_mem and dom0_max_vcpus were changed"
xlinfo "$out/boot-xen-stale" "placeholder dom0_mem=2G,max:2G dom0_max_vcpus=2 no-real-mode edd=off"
variant boot-xen-fellback "captured on a plain kernel although the default entry boots Xen"
mkdir -p "$out/boot-xen-fellback/.vhv" "$out/boot-xen-fellback/sys/devices/system/cpu"

# keep the downloaded packages, drop what was extracted from them (~400 MiB)
rm -rf "$dl/x" "$dl/k" "$fakebin" "$out/.grub.err"
echo "$stamp" >"$out/.stamp"
