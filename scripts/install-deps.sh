#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# install-deps.sh: install the Debian 12 packages vhv's build, tests and benchmarks need,
# and only those that are missing. Idempotent; near-instant when nothing is missing.
#
#   scripts/install-deps.sh [build|check|bench|all]    (default: all)
#
# Not root, or not Debian: print what is missing and carry on (the build may still work).
set -eu

build_pkgs="make gcc pkg-config libxen-dev libncurses-dev libelf-dev libbpf-dev libxml2-dev libsqlite3-dev
libjansson-dev libsmartcols-dev libblkid-dev zlib1g-dev libzstd-dev liblzma-dev
liblz4-dev libbz2-dev libcap-ng-dev clang llvm bpftool scdoc"
# busybox-static and xen-utils-4.17: the emulated KVM and Xen hosts (tests/hosts); their
# kernel and Xen come from .deb files unpacked into the build dir, never installed.
# strace: the containment test (tests/ts/check/contained.sh) and the unit sandbox test
# (tests/ts/check/systemd.sh, with systemd-analyze). prometheus (promtool) and
# prometheus-node-exporter: the --prometheus textfile is checked by the real consumers
# (tests/ts/check/prometheus.sh); no daemon is started.
check_pkgs="libcmocka-dev mandoc qemu-utils qemu-system-x86 tmux sqlite3 cpio xz-utils zstd lz4
kmod procps libclang-rt-14-dev python3 grub-common busybox-static xen-utils-4.17 strace systemd
prometheus prometheus-node-exporter"
bench_pkgs="libvirt-clients cpu-checker bpftrace linux-perf hyperfine htop time"

what=${1:-all}
case "$what" in
build) want=$build_pkgs ;;
check) want="$build_pkgs $check_pkgs" ;;
bench|all) want="$build_pkgs $check_pkgs $bench_pkgs" ;;
*) echo "usage: $0 [build|check|bench|all]" >&2; exit 1 ;;
esac

missing=
for p in $want; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: missing Debian packages:$missing (run as root to install them)" >&2
	exit 0
fi

echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# An apt list older than a day (or none) is refreshed first; apt-cache knows nothing without it.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
	apt-get update -qq
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing; }
