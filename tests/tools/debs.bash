# shellcheck shell=bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by mk-boot-roots.sh and tests/hosts/emuhost (not a test itself).
# debs_fetch DIR: the real Debian 12 packages the tests unpack (never install), downloaded
# once into DIR: xen-hypervisor-4.17-amd64 and the linux-image that the linux-image-amd64
# metapackage points to (its -unsigned build when there is one). Sets DEB_XEN and
# DEB_KERNEL to their paths; returns 1 with the reason in DEBS_WHY when impossible.
debs_fetch() {
	local dir=$1 img lockfd
	DEBS_WHY=
	mkdir -p "$dir" || { DEBS_WHY="cannot create $dir"; return 1; }
	command -v apt-get >/dev/null 2>&1 || { DEBS_WHY="apt-get is not installed"; return 1; }
	# the boot roots and the emulated hosts may fetch at the same time
	exec {lockfd}>"$dir/.lock"
	flock "$lockfd"
	if ! ls "$dir"/xen-hypervisor-4.17-amd64_*.deb >/dev/null 2>&1; then
		(cd "$dir" && apt-get download xen-hypervisor-4.17-amd64 >/dev/null 2>&1) ||
			{ DEBS_WHY="cannot download xen-hypervisor-4.17-amd64 (no Debian mirror?)"; return 1; }
	fi
	if ! ls "$dir"/linux-image-*.deb >/dev/null 2>&1; then
		img=$(apt-cache depends linux-image-amd64 2>/dev/null |
			awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
		[ -n "$img" ] || { DEBS_WHY="apt-cache knows no linux-image-amd64"; return 1; }
		(cd "$dir" && { apt-get download "$img-unsigned" >/dev/null 2>&1 ||
			apt-get download "$img" >/dev/null 2>&1; }) ||
			{ DEBS_WHY="cannot download $img"; return 1; }
	fi
	exec {lockfd}>&-
	DEB_XEN=$(ls "$dir"/xen-hypervisor-4.17-amd64_*.deb | head -n 1)
	DEB_KERNEL=$(ls "$dir"/linux-image-*.deb | head -n 1)
}
