#!/bin/bash
# Terminal injection (issue 17): a VM named $'\e[31mred\nline' (the name comes
# from the VMM command line, i.e. whoever created the VM), another with a C1
# CSI, invalid UTF-8 and a bidi override, a third with a 5000-byte name. Batch
# rows print them escaped (hv_esc), one row per VM, with no raw control byte;
# JSON keeps the names exact (JSON escaping), and a name that is not UTF-8
# (jansson refused it: the key went missing) is given escaped. vhv-check boot does the same for
# a GRUB title.
. "$VHV_SRC/tests/lib.sh"

t0=$TS_TMP/t0 t1=$TS_TMP/t1
cp -a "$TS_ROOTS/top-t0" "$t0"
cp -a "$TS_ROOTS/top-t1" "$t1"
long=$(head -c 5000 /dev/zero | tr '\0' L)
for t in "$t0" "$t1"; do
	printf '/usr/bin/qemu-system-x86_64\0-accel\0kvm\0-name\0guest=\033[31mred\nline\0' \
		>"$t/proc/3000/cmdline"
	printf 'qemu-system-x86_64\0-accel\0tcg\0-name\0guest=c1\302\233x\377\342\200\256y\0' \
		>"$t/proc/4000/cmdline"
	printf 'qemu-system-x86_64\0-accel\0kvm\0-name\0guest=%s\0' "$long" >"$t/proc/9000/cmdline"
done

ts_golden batch vhv-top --sysroot "$t0,$t1" -b -o pid,vcpu,cpu,name --no-bpf
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$TS_OUT"; then
	ts_fail "a raw control byte reached the batch output"
	cat -v "$TS_OUT" | head -n 20
fi
ts_assert_grep '^ *3000 .*\\e\[31mred\\nline' "$TS_OUT" "the escaped name on the VM's row"
grep -q '^line' "$TS_OUT" && ts_fail "the newline in the name split a row"
ts_assert_grep 'c1\\u\{009b\}x\\xff\\u\{202e\}y' "$TS_OUT" "C1, invalid UTF-8 and bidi escaped"
# the long name stays on one row (the NAME column is the last one)
ts_assert_eq "rows naming the long VM" "$(grep -c 'LLLLLLLL' "$TS_OUT")" 1
# JSON: the exact name, JSON-escaped
ts_run vhv-top --sysroot "$t0,$t1" -J --no-bpf
python3 - "$TS_OUT" <<'PY' || ts_fail "JSON names are not exact"
import json, sys
doc = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "surrogateescape"))
names = {v["pid"]: v["name"] for v in doc["vms"]}
assert names[3000] == "\x1b[31mred\nline", repr(names[3000])
# hv-proc keeps the first 127 bytes of a name
assert names[9000] == "L" * len(names[9000]) and len(names[9000]) >= 100, names[9000]
# not UTF-8: jansson refuses the bytes; the name is given escaped, not dropped
assert names[4000].startswith("c1") and "\\xff" in names[4000], repr(names[4000])
PY
grep -q $'\033' "$TS_OUT" && ts_fail "raw ESC in JSON"

# vhv-check boot: a GRUB title and a kernel path holding controls
b=$TS_TMP/boot
mkdir -p "$b/boot/grub"
printf "menuentry '\033]0;owned\007Debian\r\n' --id x {\n\tlinux /vmlinuz-\033[2J root=/dev/sda1\n}\n" \
	>"$b/boot/grub/grub.cfg"
ts_golden boot vhv-check boot --sysroot "$b"
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$TS_OUT"; then
	ts_fail "a raw control byte reached vhv-check's output"
	cat -v "$TS_OUT" | head -n 20
fi
ts_assert_grep '\\e\]0;owned\\x07Debian' "$TS_OUT" "the escaped GRUB title"
ts_finalize
