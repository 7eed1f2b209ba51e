#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# mkroot.sh BUILD DEST: capture what vhv-check's CPU and KVM checks read from
# this host into a fixture root DEST (util-linux lscpu's mk-input.sh idea).
# Keeps only what the checks need: /proc/cpuinfo, /proc/modules, the KVM
# modules' /sys/module entries, /sys/class/misc/kvm/dev, a stand-in /dev/kvm
# (git cannot hold device nodes), modules.builtin/modules.dep of the running
# kernel, and .vhv/{uname,cpuid,msr,kvm,dmesg} (formats: hvcore/hv-root.h).
# The kernel log is cut to the virtualization lines; review DEST before
# committing it (STYLE.md: no unreviewed host data).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 BUILD DEST" >&2; exit 1; }
build=$1 dest=$2
cap=$build/tests/tools/vhv-capture
[ -x "$cap" ] || { echo "mkroot: build $cap first (make O=$build tests)" >&2; exit 1; }
mkdir -p "$dest"/proc "$dest"/.vhv
rel=$(uname -r)

cp /proc/cpuinfo "$dest"/proc/cpuinfo
[ -r /proc/modules ] && grep -E '^(kvm|kvm_intel|kvm_amd|kvm_pvm|irqbypass) ' /proc/modules \
	>"$dest"/proc/modules || true
for m in kvm kvm_intel kvm_amd kvm_pvm irqbypass; do
	[ -d /sys/module/$m ] || continue
	mkdir -p "$dest"/sys/module/$m
	[ -r /sys/module/$m/initstate ] && cat /sys/module/$m/initstate >"$dest"/sys/module/$m/initstate
	if [ -d /sys/module/$m/parameters ]; then
		mkdir -p "$dest"/sys/module/$m/parameters
		for p in /sys/module/$m/parameters/*; do
			cat "$p" >"$dest"/sys/module/$m/parameters/"${p##*/}" 2>/dev/null ||
				rm -f "$dest"/sys/module/$m/parameters/"${p##*/}"
		done
	fi
done
if [ -r /sys/class/misc/kvm/dev ]; then
	mkdir -p "$dest"/sys/class/misc/kvm
	cat /sys/class/misc/kvm/dev >"$dest"/sys/class/misc/kvm/dev
fi
[ -e /dev/kvm ] && mkdir -p "$dest"/dev && : >"$dest"/dev/kvm
if [ -d /lib/modules/"$rel" ]; then
	mkdir -p "$dest"/lib/modules/"$rel"
	for f in modules.builtin modules.dep; do
		[ -r /lib/modules/"$rel"/$f ] && cp /lib/modules/"$rel"/$f "$dest"/lib/modules/"$rel"/
	done
fi

"$cap" uname >"$dest"/.vhv/uname
"$cap" cpuid >"$dest"/.vhv/cpuid 2>/dev/null || rm -f "$dest"/.vhv/cpuid
"$cap" kvm >"$dest"/.vhv/kvm
: >"$dest"/.vhv/msr.tmp
for msr in 0x3a 0xc0010114; do
	v=$(dd if=/dev/cpu/0/msr bs=8 count=1 skip=$((msr)) iflag=skip_bytes 2>/dev/null | od -An -tx8 | tr -d ' ')
	[ -n "$v" ] && echo "0 $msr 0x$v" >>"$dest"/.vhv/msr.tmp
done
if [ -s "$dest"/.vhv/msr.tmp ]; then mv "$dest"/.vhv/msr.tmp "$dest"/.vhv/msr; else rm -f "$dest"/.vhv/msr.tmp; fi
dmesg 2>/dev/null | grep -iE 'kvm|pvm|hypervisor|by bios|vmx|svm|EL2|xen' | grep -vi 'command line' \
	>"$dest"/.vhv/dmesg || true
echo "mkroot: captured $(uname -n) ($rel) into $dest; write its README"
