#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# mkroots.py: writes the fixture /proc trees of vhv-top's golden tests,
# tests/roots/top-t0 and top-t1 (two snapshots 2 s apart: deterministic rates)
# and tests/roots/top-xen (a Xen dom0 whose capture has no xl outputs), and
# top-xen-t0 / top-xen-t1: a Xen dom0 captured twice 2 s apart with xl info,
# xl list and xl vcpu-list (hvcore/hv-xen.h), with a paused, a crashed, a
# dying and a 64-vCPU domain. Re-run after editing; commit the trees.
#   python3 tests/ts/top/mkroots.py [ROOTS_DIR]
import os, shutil, struct, sys

roots = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'roots')
PF_USER_WORKER = 0x4000
BASE_FLAGS = 0x400040

def w(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)

def stat_line(pid, comm, state, flags, utime, stime, nice, nthreads, start, rss, cpu, gtime):
    prio = 20 + nice
    f = [pid, '(%s)' % comm, state, 1, pid, pid, 0, -1, flags, 100, 0, 0, 0, utime, stime, 0, 0,
         prio, nice, nthreads, 0, start, 400000000, rss, '18446744073709551615', 1, 1, 0, 0, 0,
         0, 0, 4096, 16963, 0, 0, 0, 17, cpu, 0, 0, 0, gtime, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    return ' '.join(str(x) for x in f) + '\n'

def status(comm, pid, tgid, rss_kb, huge_kb, vcsw, ivcsw, cpus):
    return ('Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t1\n'
            'VmRSS:\t%8d kB\nRssAnon:\t%8d kB\nHugetlbPages:\t%8d kB\nThreads:\t1\n'
            'Cpus_allowed:\tff\nCpus_allowed_list:\t%s\nvoluntary_ctxt_switches:\t%d\n'
            'nonvoluntary_ctxt_switches:\t%d\n' % (comm, tgid, pid, rss_kb, rss_kb, huge_kb, cpus, vcsw, ivcsw))

def proc(root, pid, comm, argv, fds, threads, rss_kb=65536, huge_kb=0, start=5000):
    """threads: list of dicts tid, comm, state, utime, stime, gtime, wait, vcsw, ivcsw, cpu, nice, flags, syscall"""
    base = os.path.join(root, 'proc', str(pid))
    w(os.path.join(base, 'cmdline'), '\0'.join(argv) + '\0')
    os.makedirs(os.path.join(base, 'fd'), exist_ok=True)
    for fd, target in fds.items():
        os.symlink(target, os.path.join(base, 'fd', str(fd)))
    tot = {k: sum(t[k] for t in threads) for k in ('utime', 'stime', 'gtime')}
    lead = threads[0]
    w(os.path.join(base, 'stat'), stat_line(pid, comm, lead['state'], lead.get('flags', BASE_FLAGS),
                                            tot['utime'], tot['stime'], lead.get('nice', 0), len(threads),
                                            start, rss_kb // 4, lead.get('cpu', 0), tot['gtime']))
    w(os.path.join(base, 'status'), status(comm, pid, pid, rss_kb, huge_kb, lead['vcsw'], lead['ivcsw'],
                                           lead.get('cpus', '0-7')))
    w(os.path.join(base, 'schedstat'), '%d %d %d\n' % (lead['utime'] * 10**7, lead['wait'], 10))
    for t in threads:
        tb = os.path.join(base, 'task', str(t['tid']))
        w(os.path.join(tb, 'comm'), t['comm'] + '\n')
        w(os.path.join(tb, 'stat'), stat_line(t['tid'], t['comm'], t['state'], t.get('flags', BASE_FLAGS),
                                              t['utime'], t['stime'], t.get('nice', 0), len(threads), start,
                                              rss_kb // 4, t.get('cpu', 0), t['gtime']))
        w(os.path.join(tb, 'status'), status(t['comm'], t['tid'], pid, rss_kb, huge_kb, t['vcsw'], t['ivcsw'],
                                             t.get('cpus', '0-7')))
        w(os.path.join(tb, 'schedstat'), '%d %d %d\n' % ((t['utime'] + t['stime']) * 10**7, t['wait'], 10))
        w(os.path.join(tb, 'syscall'), t.get('syscall', '7 0x7f0 0x3 0xffffffff 0x0 0x0 0x0 0x7ffd0 0x7f1\n'))

def th(tid, comm, k, utime=0, stime=0, gtime=0, wait=0, vcsw=0, ivcsw=0, state='S', **kw):
    d = dict(tid=tid, comm=comm, state=state, utime=utime * k, stime=stime * k, gtime=gtime * k,
             wait=wait * k, vcsw=vcsw * k, ivcsw=ivcsw * k)
    d.update(kw)
    return d

# KVM's binary statistics of a vCPU (Documentation/virt/kvm/api.rst, KVM_GET_STATS_FD):
# the descriptors of Linux 6.1 x86 (virt/kvm/kvm_main.c generic + arch/x86/kvm/x86.c), in
# the kernel's order, with its types: ns times (CUMULATIVE, SECONDS, POW10, exponent -9),
# log histograms of 32 buckets, INSTANT/PEAK ones that vhv must not take for counters.
CUM, INST, PEAK, LOGH = 0x0, 0x1, 0x2, 0x4
SEC, BOOL = 0x20, 0x40
KVM_X86_VCPU_STATS = [
    ('halt_successful_poll', CUM, 0, 1), ('halt_attempted_poll', CUM, 0, 1),
    ('halt_poll_invalid', CUM, 0, 1), ('halt_wakeup', CUM, 0, 1),
    ('halt_poll_success_ns', CUM | SEC, -9, 1), ('halt_poll_fail_ns', CUM | SEC, -9, 1),
    ('halt_wait_ns', CUM | SEC, -9, 1), ('halt_poll_success_hist', LOGH | SEC, -9, 32),
    ('halt_poll_fail_hist', LOGH | SEC, -9, 32), ('halt_wait_hist', LOGH | SEC, -9, 32),
    ('blocking', INST | BOOL, 0, 1), ('pf_taken', CUM, 0, 1), ('pf_fixed', CUM, 0, 1),
    ('exits', CUM, 0, 1), ('io_exits', CUM, 0, 1), ('mmio_exits', CUM, 0, 1),
    ('signal_exits', CUM, 0, 1), ('irq_window_exits', CUM, 0, 1), ('nmi_window_exits', CUM, 0, 1),
    ('l1d_flush', CUM, 0, 1), ('halt_exits', CUM, 0, 1), ('request_irq_exits', CUM, 0, 1),
    ('irq_exits', CUM, 0, 1), ('host_state_reload', CUM, 0, 1), ('fpu_reload', CUM, 0, 1),
    ('insn_emulation', CUM, 0, 1), ('insn_emulation_fail', CUM, 0, 1), ('hypercalls', CUM, 0, 1),
    ('irq_injections', CUM, 0, 1), ('nmi_injections', CUM, 0, 1), ('req_event', CUM, 0, 1),
    ('nested_run', CUM, 0, 1), ('directed_yield_attempted', CUM, 0, 1),
    ('directed_yield_successful', CUM, 0, 1), ('preemption_reported', CUM, 0, 1),
    ('preemption_other', CUM, 0, 1), ('guest_mode', INST | BOOL, 0, 1), ('notify_window_exits', CUM, 0, 1),
]

def kvm_stats_file(pid, vcpu, values):
    """The bytes of a vCPU's stats fd read from offset 0; values: name -> u64."""
    name_size, hdr = 48, 24
    desc_off = hdr + name_size
    data_off = desc_off + len(KVM_X86_VCPU_STATS) * (16 + name_size)
    descs, data, off = b'', b'', 0
    for name, flags, exp, size in KVM_X86_VCPU_STATS:
        descs += struct.pack('<IhHII', flags, exp, size, off, 0) + name.encode().ljust(name_size, b'\0')
        data += struct.pack('<%dQ' % size, *([values.get(name, 0)] + [0] * (size - 1)))
        off += 8 * size
    head = struct.pack('<6I', 0, name_size, len(KVM_X86_VCPU_STATS), hdr, desc_off, data_off)
    return head + ('kvm-%d/vcpu-%d' % (pid, vcpu)).encode().ljust(name_size, b'\0') + descs + data

def wb(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)

KVM_RUN = lambda fd: '16 0x%x 0xae80 0x0 0x0 0x55d0 0x55e0 0x7ffd0 0x7f1\n' % fd

def snapshot(root, k, mono, t1):
    if os.path.exists(root):
        shutil.rmtree(root)
    w(os.path.join(root, '.vhv', 'clock'), '%d %d\n' % (1790000000 * 10**9 + mono, mono))
    w(os.path.join(root, '.vhv', 'uname'), 'sysname=Linux\nrelease=6.1.0-fixture\nversion=#1\nmachine=x86_64\nnodename=fixture\n')
    w(os.path.join(root, 'proc', 'xen', '.keep'), '')
    w(os.path.join(root, 'README'),
      'vhv-top fixture snapshot %s, written by tests/ts/top/mkroots.py (not captured from a host).\n'
      'top-t0 and top-t1 are 2 s apart (.vhv/clock): web1 (libvirt), db (debug-threads),\n'
      'nodbg (no thread names: KVM_RUN syscall + a kvm-nx-lpage-re user worker),\n'
      'emu (TCG), kvm-busy (a vCPU always running), dbgfs (vCPU threads from debugfs),\n'
      'a shell (not a VM), gone (only in t0),\n'
      'late (only in t1).\n' % ('t1' if t1 else 't0'))
    # web1: libvirt, 2 vCPUs, hugepages; debug-threads names too, libvirt wins
    kvm = {10: 'anon_inode:kvm-vm', 11: 'anon_inode:kvm-vcpu:0', 12: 'anon_inode:kvm-vcpu:1',
           3: 'anon_inode:[eventfd]', 0: '../../../dev/null'}
    proc(root, 1000, 'qemu-system-x86', ['/usr/bin/qemu-system-x86_64', '-name', 'guest=web1,debug-threads=on',
         '-m', '2048', '-smp', '2', '-accel', 'kvm'], kvm,
         [th(1000, 'qemu-system-x86', k, utime=5, stime=10, vcsw=20, ivcsw=1),
          th(1001, 'call_rcu', k),
          th(1003, 'CPU 0/KVM', k, utime=100, stime=20, gtime=90, wait=50 * 10**6, vcsw=300, ivcsw=30, cpu=2, cpus='2-3'),
          th(1004, 'CPU 1/KVM', k, utime=40, stime=10, gtime=35, wait=10 * 10**6, vcsw=100, ivcsw=5, cpu=3, cpus='2-3')],
         rss_kb=2100000, huge_kb=2097152)
    w(os.path.join(root, 'run', 'libvirt', 'qemu', 'web1.xml'),
      "<domstatus state='running' reason='booted' pid='1000'>\n"
      "  <monitor path='/var/lib/libvirt/qemu/domain-1-web1/monitor.sock' type='unix'/>\n"
      "  <vcpus>\n    <vcpu id='0' pid='1003'/>\n    <vcpu id='1' pid='1004'/>\n  </vcpus>\n"
      "  <domain type='kvm' id='1'>\n    <name>web1</name>\n"
      "    <uuid>3e3fce45-4f53-4fa7-bb32-11f34168b82b</uuid>\n"
      "    <memory unit='KiB'>2097152</memory>\n    <memoryBacking>\n      <hugepages/>\n"
      "    </memoryBacking>\n    <vcpu placement='static'>2</vcpu>\n  </domain>\n</domstatus>\n")
    w(os.path.join(root, 'run', 'libvirt', 'qemu', 'broken.xml'), "<domstatus pid='1000'><unclosed>\n")
    # db: debug-threads, 4 vCPUs, one reniced, an iothread
    kvm4 = {12: 'anon_inode:kvm-vm', 13: 'anon_inode:kvm-vcpu:0', 14: 'anon_inode:kvm-vcpu:1',
            15: 'anon_inode:kvm-vcpu:2', 16: 'anon_inode:kvm-vcpu:3'}
    proc(root, 2000, 'qemu-system-x86', ['qemu-system-x86_64', '-enable-kvm', '-name', 'db,debug-threads=on',
         '-m', 'size=4G', '-smp', 'cpus=4'], kvm4,
         [th(2000, 'qemu-system-x86', k, utime=2, stime=4, vcsw=10),
          th(2001, 'IO iothread1', k, utime=10, stime=30, vcsw=500),
          th(2010, 'CPU 0/KVM', k, utime=190, stime=5, gtime=185, wait=400 * 10**6, vcsw=50, ivcsw=200, state='R', cpu=0),
          th(2011, 'CPU 1/KVM', k, utime=150, stime=5, gtime=140, wait=300 * 10**6, vcsw=60, ivcsw=150, state='R', cpu=1),
          th(2012, 'CPU 2/KVM', k, utime=20, stime=2, gtime=18, wait=5 * 10**6, vcsw=40, ivcsw=2, cpu=4, nice=5),
          th(2013, 'CPU 3/KVM', k, utime=0, stime=1, gtime=0, wait=0, vcsw=2, ivcsw=0, cpu=5)],
         rss_kb=4300000)
    # nodbg: no thread names; vCPUs found from KVM_RUN on their fds; the
    # kvm-nx-lpage-re worker inherited vCPU 0's registers but is PF_USER_WORKER.
    kvm2 = {9: 'anon_inode:kvm-vm', 13: 'anon_inode:kvm-vcpu:0', 16: 'anon_inode:kvm-vcpu:1'}
    proc(root, 3000, 'qemu-system-x86', ['/usr/bin/qemu-system-x86_64', '-accel', 'kvm', '-name', 'guest=nodbg',
         '-m', '512M', '-smp', '2'], kvm2,
         [th(3000, 'qemu-system-x86', k, utime=1, stime=2, vcsw=5, syscall='271 0x5 0x4 0x7ff 0x0 0x8 0x0 0x7ffd0 0x7f1\n'),
          th(3001, 'qemu-system-x86', k, syscall='202 0x55 0x80 0x0 0x0 0x0 0x0 0x7ffd0 0x7f1\n'),
          th(3004, 'kvm-nx-lpage-re', k, flags=BASE_FLAGS | PF_USER_WORKER, syscall=KVM_RUN(13)),
          th(3002, 'qemu-system-x86', k, utime=60, stime=20, gtime=50, wait=20 * 10**6, vcsw=80, ivcsw=8, syscall=KVM_RUN(13)),
          th(3003, 'qemu-system-x86', k, utime=10, stime=10, gtime=5, wait=1 * 10**6, vcsw=30, ivcsw=1, syscall=KVM_RUN(16))],
         rss_kb=300000)
    # emu: TCG, no kvm fds
    proc(root, 4000, 'qemu-system-x86', ['qemu-system-x86_64', '-accel', 'tcg', '-name', 'guest=emu,debug-threads=on',
         '-smp', '2'], {3: 'anon_inode:[eventfd]'},
         [th(4000, 'qemu-system-x86', k, utime=3, stime=1),
          th(4002, 'CPU 0/TCG', k, utime=180, stime=4, vcsw=3, ivcsw=40, state='R'),
          th(4003, 'CPU 1/TCG', k, utime=2, stime=1, vcsw=9, ivcsw=1)],
         rss_kb=200000)
    # busy: one vCPU always in guest mode (syscall says "running"), found by
    # elimination; its process name starts with "kvm-" like kvm-nx-lpage-re
    proc(root, 8000, 'kvm-busy', ['./kvm-busy'], {5: 'anon_inode:kvm-vm', 6: 'anon_inode:kvm-vcpu:0'},
         [th(8000, 'kvm-busy', k, syscall='202 0x7f 0x109 0x0 0x0 0x0 0x0 0x7ffd0 0x7f1\n'),
          th(8001, 'kvm-busy', k, utime=0, stime=190, state='R', syscall='running\n'),
          th(8002, 'kvm-nx-lpage-re', k, flags=BASE_FLAGS | PF_USER_WORKER, syscall=KVM_RUN(6))])
    # dbgfs: no thread names, no thread in KVM_RUN (all in futex), but debugfs
    # kvm/<pid>-<vmfd>/vcpuN/pid names the threads (as with debugfs mounted)
    proc(root, 9000, 'qemu-system-x86', ['qemu-system-x86_64', '-accel', 'kvm', '-name', 'guest=dbgfs'],
         {11: 'anon_inode:kvm-vm', 12: 'anon_inode:kvm-vcpu:0', 13: 'anon_inode:kvm-vcpu:1'},
         [th(9000, 'qemu-system-x86', k, utime=1),
          th(9005, 'qemu-system-x86', k, utime=30, gtime=20, syscall='202 0x1 0x80 0x0 0x0 0x0 0x0 0x7ffd0 0x7f1\n'),
          th(9006, 'qemu-system-x86', k, utime=10, gtime=5, syscall='202 0x1 0x80 0x0 0x0 0x0 0x0 0x7ffd0 0x7f1\n')])
    for idx, tid in ((0, 9006), (1, 9005)):
        w(os.path.join(root, 'sys', 'kernel', 'debug', 'kvm', '9000-11', 'vcpu%d' % idx, 'pid'), '%d\n' % tid)
    w(os.path.join(root, 'sys', 'kernel', 'debug', 'kvm', '9000-11', 'vcpu0', 'tsc-offset'), '0\n')
    # a process that is no VM
    proc(root, 5000, 'bash', ['/bin/bash'], {0: '../../../dev/pts/0'}, [th(5000, 'bash', k, utime=1)])
    if not t1:
        proc(root, 6000, 'qemu-system-x86', ['qemu-system-x86_64', '-name', 'guest=gone,debug-threads=on'],
             {5: 'anon_inode:kvm-vm', 6: 'anon_inode:kvm-vcpu:0'},
             [th(6000, 'qemu-system-x86', k), th(6001, 'CPU 0/KVM', k, utime=10)])
    else:
        proc(root, 7000, 'qemu-system-x86', ['qemu-system-x86_64', '-name', 'guest=late,debug-threads=on'],
             {5: 'anon_inode:kvm-vm', 6: 'anon_inode:kvm-vcpu:0'},
             [th(7000, 'qemu-system-x86', k), th(7001, 'CPU 0/KVM', k, utime=10)], start=9000)

# Counters grow linearly: t0 = 10 x the base, t1 = 11 x: d = the base values over dt = 2 s.
snapshot(os.path.join(roots, 'top-t0'), 10, 1000 * 10**9, False)
snapshot(os.path.join(roots, 'top-t1'), 11, 1002 * 10**9, True)

xen = os.path.join(roots, 'top-xen')
if os.path.exists(xen):
    shutil.rmtree(xen)
w(os.path.join(xen, '.vhv', 'clock'), '1790000000000000000 1000000000000\n')
w(os.path.join(xen, 'proc', 'xen', 'capabilities'), 'control_d\n')
w(os.path.join(xen, 'proc', '1', 'stat'), stat_line(1, 'systemd', 'S', BASE_FLAGS, 1, 1, 0, 1, 1, 100, 0, 0))
w(os.path.join(xen, 'README'), 'A Xen dom0 as vhv-top sees it (written by tests/ts/top/mkroots.py): no guest processes.\n')


# ---- Xen dom0 captures: xl's own output formats (tools/xl/xl_info.c, xl_vcpu.c)
XL_INFO = """host                   : xenhost
release                : 6.1.0-27-amd64
version                : #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1 (2024-11-01)
machine                : x86_64
nr_cpus                : 8
max_cpu_id             : 7
nr_nodes               : 1
cores_per_socket       : 4
threads_per_core       : 2
cpu_mhz                : 2999.998
hw_caps                : 178bf3ff:76f8320b:2e500800:244037ff:0000000f:219c01a9:00400004:00000500
virt_caps              : pv hvm hvm_directio pv_directio hap shadow
total_memory           : 32639
free_memory            : %d
sharing_freed_memory   : 0
sharing_used_memory    : 0
outstanding_claims     : 0
free_cpus              : 0
xen_major              : 4
xen_minor              : 17
xen_extra              : .5
xen_version            : 4.17.5
xen_caps               : xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64
xen_scheduler          : credit2
xen_pagesize           : 4096
platform_params        : virt_start=0xffff800000000000
xen_changeset          :
xen_commandline        : placeholder dom0_mem=4096M,max:4096M dom0_max_vcpus=2 no-real-mode edd=off
cc_compiler            : x86_64-linux-gnu-gcc (Debian 12.2.0-14) 12.2.0
cc_compile_by          : pkg-xen-devel
cc_compile_domain      : lists.alioth.debian.org
cc_compile_date        : Mon Oct 28 10:00:00 UTC 2024
build_id               : 0123456789abcdef0123456789abcdef01234567
xend_config_format     : 4
"""

# (name, domid, mem MiB, state letters, time s at t0, [(vcpu, cpu or None, state, time s, hard, soft)])
def xen_domains(k):
    d = [('Domain-0', 0, 4096, 'r-----', 100.0 + 1.2 * k,
          [(0, 0, 'r--', 60.0 + 0.8 * k, 'all', 'all'), (1, 1, '-b-', 40.0 + 0.4 * k, 'all', 'all')]),
         ('web', 3, 2048, '-b----', 500.0 + 2.0 * k,
          [(0, 2, 'r--', 300.0 + 1.6 * k, '2-3', 'all'), (1, 3, '-b-', 150.0 + 0.3 * k, '2-3', 'all'),
           (2, 4, '-b-', 50.0 + 0.1 * k, 'all', '4-5'), (3, None, '--p', 0.0, 'all', 'all')]),
         ('batch job', 7, 1024, '--p---', 80.0,
          [(0, 5, '---', 80.0, 'all', 'all')]),
         ('crashy', 9, 512, '---sc-', 12.5, [(0, 6, '---', 12.5, 'all', 'all')]),
         ('(null)', 11, 0, '-----d', 3.1, [])]
    big = [(v, v % 8, 'r--' if v < 8 else '-b-', 1.0 * v + (0.2 * k if v < 8 else 0.0), 'all', 'all')
           for v in range(64)]
    d.append(('big', 12, 65536, 'r-----', sum(x[3] for x in big), big))
    return d

def xl_list(doms):
    out = '%-40s %5s %5s %5s     %10s %9s\n' % ('Name', 'ID', 'Mem', 'VCPUs', 'State', 'Time(s)')
    for name, domid, mem, st, t, vcpus in doms:
        online = sum(1 for v in vcpus if v[2][2] != 'p')
        out += '%-40s %5d %5d %5d     %s  %8.1f\n' % (name, domid, mem, online, st, t)
    return out

def xl_vcpu_list(doms):
    out = '%-32s %5s %5s %5s %5s %9s %s\n' % ('Name', 'ID', 'VCPU', 'CPU', 'State', 'Time(s)',
                                             'Affinity (Hard / Soft)')
    for name, domid, mem, st, t, vcpus in doms:
        for v, cpu, vst, vt, hard, soft in vcpus:
            out += '%-32s %5d %5d %5s   %s  %9.1f  %s / %s\n' % (name, domid, v,
                   '-' if cpu is None else str(cpu), vst, vt, hard, soft)
    return out

for k, name, mono in ((0, 'top-xen-t0', 1000), (1, 'top-xen-t1', 1002)):
    root = os.path.join(roots, name)
    if os.path.exists(root):
        shutil.rmtree(root)
    doms = xen_domains(k)
    w(os.path.join(root, '.vhv', 'clock'), '%d %d\n' % (1790000000 * 10**9 + mono * 10**9, mono * 10**9))
    w(os.path.join(root, '.vhv', 'xl-info'), XL_INFO % (1200 - 100 * k))
    w(os.path.join(root, '.vhv', 'xl-list'), xl_list(doms))
    w(os.path.join(root, '.vhv', 'xl-vcpu-list'), xl_vcpu_list(doms))
    w(os.path.join(root, 'proc', 'xen', 'capabilities'), 'control_d\n')
    # dom0's backends of "web": two vifs and a blkback disk (guest rx = vif tx);
    # over the 2 s: rx 1 MB/s, tx 250 kB/s in all, 40 reads/s and 10 writes/s
    for dev, rx, tx in ((0, 4000000, 1000000), (1, 1000000, 250000)):
        st = os.path.join(root, 'sys', 'class', 'net', 'vif3.%d' % dev, 'statistics')
        w(os.path.join(st, 'tx_bytes'), '%d\n' % (rx * (10 + k) // 5 * 2))
        w(os.path.join(st, 'rx_bytes'), '%d\n' % (tx * (10 + k) // 5 * 2))
    st = os.path.join(root, 'sys', 'bus', 'xen-backend', 'devices', 'vbd-3-51712', 'statistics')
    for name, per_s in (('rd_req', 40), ('wr_req', 10), ('rd_sect', 320), ('wr_sect', 80)):
        w(os.path.join(st, name), '%d\n' % (1000 + per_s * 2 * k))
    # not a vif: dom0's own interfaces are not counted
    w(os.path.join(root, 'sys', 'class', 'net', 'eth0', 'statistics', 'tx_bytes'), '999999999\n')
    w(os.path.join(root, 'README'), 'A Xen 4.17 dom0 captured with xl info, xl list and xl vcpu-list '
      '(written by tests/ts/top/mkroots.py); %s is 2 s %s.\n' % (name, 'before top-xen-t1' if k == 0 else 'after top-xen-t0'))


# ---- top-mem-t0/t1: guest memory, cgroups and KVM statistics (issue 13) ---
# Written in the kernel's formats (Documentation/filesystems/proc.rst for
# status, smaps_rollup, numa_maps, ksm_stat; admin-guide/cgroup-v2.rst for
# cpu.max, cpu.stat, memory.events, PSI; libvirt formatdomain for
# <memoryBacking>); synthetic, not captured. top-cg1-t0/t1: the same on a
# cgroup v1 host (admin-guide/cgroup-v1/).
def w_proc_status(path, comm, pid, rss, anon, file_, shmem, swap, huge_kb, cpus='0-7'):
    w(path, 'Name:\t%s\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%d\nPid:\t%d\nPPid:\t1\n'
      'VmRSS:\t%8d kB\nRssAnon:\t%8d kB\nRssFile:\t%8d kB\nRssShmem:\t%8d kB\n'
      'HugetlbPages:\t%8d kB\nVmSwap:\t%8d kB\nThreads:\t3\nCpus_allowed_list:\t%s\n'
      'voluntary_ctxt_switches:\t10\nnonvoluntary_ctxt_switches:\t1\n'
      % (comm, pid, pid, rss, anon, file_, shmem, huge_kb, swap, cpus))

def smaps_rollup(rss, anon, anon_huge, shmem_pmd, shared_huge, private_huge, swap):
    return ('55d0c0000000-7ffd00000000 ---p 00000000 00:00 0                          [rollup]\n'
            'Rss:            %8d kB\nPss:            %8d kB\nPss_Anon:       %8d kB\n'
            'Shared_Clean:          0 kB\nPrivate_Dirty:  %8d kB\nReferenced:     %8d kB\n'
            'Anonymous:      %8d kB\nLazyFree:              0 kB\nAnonHugePages:  %8d kB\n'
            'ShmemPmdMapped: %8d kB\nFilePmdMapped:         0 kB\nShared_Hugetlb: %8d kB\n'
            'Private_Hugetlb: %7d kB\nSwap:           %8d kB\nSwapPss:        %8d kB\n'
            'Locked:                0 kB\n'
            % (rss, rss, anon, rss, rss, anon, anon_huge, shmem_pmd, shared_huge, private_huge,
               swap, swap))

def psi(some10, total, full10=None):
    out = 'some avg10=%.2f avg60=%.2f avg300=%.2f total=%d\n' % (some10, some10 / 2, some10 / 4, total)
    if full10 is not None:
        out += 'full avg10=%.2f avg60=%.2f avg300=%.2f total=%d\n' % (full10, full10 / 2, full10 / 4, total // 2)
    return out

def cg2(root, path, k, cpu_max, weight, cpus, mems, mem_max, mem_high, swap_max,
        periods_s, throttled_s, thr_us_s, ev, psis):
    d = os.path.join(root, 'sys', 'fs', 'cgroup', path.lstrip('/'))
    w(os.path.join(d, 'cpu.max'), cpu_max + '\n')
    w(os.path.join(d, 'cpu.weight'), '%d\n' % weight)
    w(os.path.join(d, 'cpuset.cpus.effective'), cpus + '\n')
    w(os.path.join(d, 'cpuset.mems.effective'), mems + '\n')
    w(os.path.join(d, 'memory.max'), mem_max + '\n')
    w(os.path.join(d, 'memory.high'), mem_high + '\n')
    w(os.path.join(d, 'memory.swap.max'), swap_max + '\n')
    w(os.path.join(d, 'cpu.stat'), 'usage_usec %d\nuser_usec %d\nsystem_usec %d\nnr_periods %d\n'
      'nr_throttled %d\nthrottled_usec %d\nnr_bursts 0\nburst_usec 0\n'
      % (5000000 * k, 4000000 * k, 1000000 * k, periods_s * 2 * k, throttled_s * 2 * k,
         thr_us_s * 2 * k))
    high, mx, oomk = ev
    w(os.path.join(d, 'memory.events'), 'low 0\nhigh %d\nmax %d\noom %d\noom_kill %d\noom_group_kill 0\n'
      % (high(k), mx(k), oomk(k), oomk(k)))
    for name, (s10, f10) in zip(('cpu', 'memory', 'io'), psis):
        w(os.path.join(d, name + '.pressure'), psi(s10, 123456 * k, f10))

def mem_snapshot(root, k, mono):
    if os.path.exists(root):
        shutil.rmtree(root)
    w(os.path.join(root, '.vhv', 'clock'), '%d %d\n' % (1790000000 * 10**9 + mono, mono))
    w(os.path.join(root, '.vhv', 'uname'), 'sysname=Linux\nrelease=6.6.0-fixture\nversion=#1\nmachine=x86_64\nnodename=fixture\n')
    w(os.path.join(root, 'README'),
      'vhv-top fixture %s, written by tests/ts/top/mkroots.py (synthetic, in the kernel\'s\n'
      'formats: Documentation/filesystems/proc.rst, admin-guide/cgroup-v2.rst, libvirt\n'
      'formatdomain "Memory Backing"). top-mem-t0 and -t1 are 2 s apart. A cgroup v2 host\n'
      'with two NUMA nodes (CPUs 0-3, 4-7): hp (libvirt, hugetlbfs 2M shared+prealloc,\n'
      'machine.slice scope with cpu.max 50%% and a 25%% quota per vCPU cgroup, vCPU 0\n'
      'throttled, memory on node 1 while its vCPUs run on node 0), mfd (memfd backend,\n'
      'THP, KSM, swap), filevm (memory-backend-file on ext4, cgroup cpu.max 20%%\n'
      'throttling it, memory.high events) and tcg (TCG).\n'
      % ('t1' if k == 11 else 't0'))
    w(os.path.join(root, 'proc', 'mounts'),
      'sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n'
      '/dev/vda1 / ext4 rw,relatime 0 0\n'
      'hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n'
      'tmpfs /run tmpfs rw,nosuid,nodev,size=813040k,mode=755 0 0\n'
      '/dev/vdb1 /srv/vm\\040ram ext4 rw,relatime 0 0\n'
      'cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime,nsdelegate 0 0\n')
    w(os.path.join(root, 'sys', 'fs', 'cgroup', 'cgroup.controllers'), 'cpuset cpu io memory pids\n')
    for n, cpus in ((0, '0-3'), (1, '4-7')):
        w(os.path.join(root, 'sys', 'devices', 'system', 'node', 'node%d' % n, 'cpulist'), cpus + '\n')
    w(os.path.join(root, 'sys', 'devices', 'system', 'node', 'online'), '0-1\n')
    fds = lambda vmfd, n: dict([(vmfd, 'anon_inode:kvm-vm')] +
                               [(vmfd + 1 + i, 'anon_inode:kvm-vcpu:%d' % i) for i in range(n)])
    # hp: libvirt with JSON -object (libvirt 9), hugetlbfs, machine.slice scope
    scope = '/machine.slice/machine-qemu\\x2d1\\x2dhp.scope'
    proc(root, 1000, 'qemu-system-x86',
         ['/usr/bin/qemu-system-x86_64', '-name', 'guest=hp,debug-threads=on', '-machine',
          'pc-q35-7.2,usb=off,memory-backend=pc.ram', '-accel', 'kvm', '-m', '4096',
          '-object', '{"qom-type":"memory-backend-file","id":"pc.ram","mem-path":'
          '"/dev/hugepages/libvirt/qemu/1-hp","share":true,"prealloc":true,"size":4294967296}',
          '-smp', '2'], fds(10, 2),
         [th(1000, 'qemu-system-x86', k, utime=2, stime=3),
          th(1003, 'CPU 0/KVM', k, utime=50, stime=10, gtime=40, cpu=1),
          th(1004, 'CPU 1/KVM', k, utime=30, stime=5, gtime=25, cpu=2)], rss_kb=4300000)
    w_proc_status(os.path.join(root, 'proc', '1000', 'status'), 'qemu-system-x86', 1000,
                  200000, 150000, 30000, 20000, 0, 4194304)
    w(os.path.join(root, 'proc', '1000', 'smaps_rollup'), smaps_rollup(200000, 150000, 0, 0, 4194304, 0, 0))
    w(os.path.join(root, 'proc', '1000', 'numa_maps'),
      '7f0000000000 bind:1 file=/dev/hugepages/libvirt/qemu/1-hp huge dirty=2048 N0=512 N1=1536 kernelpagesize_kB=2048\n'
      '55d0c0000000 default file=/usr/bin/qemu-system-x86_64 mapped=900 mapmax=2 N0=900 kernelpagesize_kB=4\n'
      '55d0c1000000 default heap anon=30000 dirty=30000 N0=10000 N1=20000 kernelpagesize_kB=4\n'
      '7ffd00000000 default stack anon=10 dirty=10 N0=10 kernelpagesize_kB=4\n')
    w(os.path.join(root, 'proc', '1000', 'cgroup'), '0::%s/libvirt/emulator\n' % scope)
    for t in (1003, 1004):
        w(os.path.join(root, 'proc', '1000', 'task', str(t), 'cgroup'), '0::%s/libvirt/vcpu%d\n' % (scope, t - 1003))
    w(os.path.join(root, 'proc', '1000', 'ksm_merging_pages'), '0\n')
    cg2(root, scope, k, '50000 100000', 100, '0-7', '0-1', '8589934592', 'max', '0',
        10, 0, 0, (lambda k: 0, lambda k: 0, lambda k: 0), ((0.0, 0.0), (0.0, 0.0), (1.5, 0.5)))
    # libvirt's <cputune><quota>: each vCPU in its own cgroup, vCPU 0 throttled
    for v, thr in ((0, 5), (1, 0)):
        cg2(root, scope + '/libvirt/vcpu%d' % v, k, '25000 100000', 100, '0-7', '0-1', 'max', 'max', 'max',
            10, thr, 4000 * thr, (lambda k: 0, lambda k: 0, lambda k: 0), ((0.0, 0.0), (0.0, 0.0), (0.0, 0.0)))
    kd = os.path.join(root, 'sys', 'kernel', 'debug', 'kvm', '1000-10')
    w(os.path.join(kd, 'exits'), '%d\n' % (3000 * 2 * k))
    w(os.path.join(kd, 'halt_poll_success_ns'), '%d\n' % (150 * 10**6 * 2 * k))
    w(os.path.join(kd, 'halt_poll_fail_ns'), '%d\n' % (50 * 10**6 * 2 * k))
    w(os.path.join(kd, 'halt_wait_ns'), '%d\n' % (900 * 10**6 * 2 * k))
    w(os.path.join(root, 'run', 'libvirt', 'qemu', 'hp.xml'),
      "<domstatus state='running' reason='booted' pid='1000'>\n"
      "  <vcpus>\n    <vcpu id='0' pid='1003'/>\n    <vcpu id='1' pid='1004'/>\n  </vcpus>\n"
      "  <domain type='kvm' id='1'>\n    <name>hp</name>\n"
      "    <uuid>6c1a2c4e-58a9-4c53-9a8e-2b1b5f7e0c11</uuid>\n"
      "    <memory unit='KiB'>4194304</memory>\n    <memoryBacking>\n"
      "      <hugepages>\n        <page size='2048' unit='KiB'/>\n      </hugepages>\n"
      "      <access mode='shared'/>\n      <allocation mode='immediate'/>\n"
      "    </memoryBacking>\n    <vcpu placement='static'>2</vcpu>\n  </domain>\n</domstatus>\n")
    # mfd: memfd backend (shared by default), THP on its shmem, KSM merging, swap
    proc(root, 2000, 'qemu-system-x86',
         ['qemu-system-x86_64', '-enable-kvm', '-name', 'mfd,debug-threads=on', '-m', '2G',
          '-object', 'memory-backend-memfd,id=ram0,size=2G', '-machine', 'q35,memory-backend=ram0'],
         fds(12, 1),
         [th(2000, 'qemu-system-x86', k, utime=1, stime=1),
          th(2010, 'CPU 0/KVM', k, utime=90, stime=5, gtime=85, cpu=3)], rss_kb=1900000)
    w_proc_status(os.path.join(root, 'proc', '2000', 'status'), 'qemu-system-x86', 2000,
                  1900000, 60000, 40000, 1800000, 102400, 0)
    w(os.path.join(root, 'proc', '2000', 'smaps_rollup'), smaps_rollup(1900000, 60000, 0, 1048576, 0, 0, 102400))
    # mfd's vCPU 0 (fd 13): its stats fd captured; per 2 s: 10000 exits (2000 HLT, 400 I/O,
    # 600 MMIO, 100 IRQ window), 0.2 s polling that succeeded, 0.08 s that failed, 1.2 s halted
    g = k - 10
    wb(os.path.join(root, '.vhv', 'kvm-stats', '2000-13'), kvm_stats_file(2000, 0, {
        'exits': 500000 + 10000 * g, 'halt_exits': 90000 + 2000 * g, 'io_exits': 7000 + 400 * g,
        'mmio_exits': 3000 + 600 * g, 'irq_window_exits': 800 + 100 * g,
        'halt_poll_success_ns': 5 * 10**9 + 2 * 10**8 * g, 'halt_poll_fail_ns': 10**9 + 8 * 10**7 * g,
        'halt_wait_ns': 40 * 10**9 + 12 * 10**8 * g, 'halt_wait_hist': 77, 'blocking': 1,
        'guest_mode': 0}))
    w(os.path.join(root, 'proc', '2000', 'ksm_merging_pages'), '%d\n' % (25000 + 600 * (k - 10)))
    w(os.path.join(root, 'proc', '2000', 'ksm_stat'),
      'ksm_rmap_items 40000\nksm_zero_pages 600\nksm_merging_pages %d\nksm_process_profit 98000000\n'
      'ksm_merge_any: no\nksm_mergeable: yes\n' % (25000 + 600 * (k - 10)))
    w(os.path.join(root, 'proc', '2000', 'numa_maps'),
      '7f1000000000 default file=/memfd:ram0\\040(deleted) dirty=475000 N0=475000 kernelpagesize_kB=4\n'
      '55e000000000 default heap anon=15000 dirty=15000 N0=15000 kernelpagesize_kB=4\n')
    w(os.path.join(root, 'proc', '2000', 'cgroup'), '0::/user.slice/user-1000.slice/session-3.scope\n')
    cg2(root, '/user.slice/user-1000.slice/session-3.scope', k, 'max 100000', 100, '0-7', '0-1',
        'max', 'max', 'max', 0, 0, 0, (lambda k: 0, lambda k: 0, lambda k: 0),
        ((0.25, None), (0.0, 0.0), (0.0, 0.0)))
    # filevm: a file on ext4, private, preallocated; its cgroup caps it at 20% and memory.high bites
    proc(root, 3000, 'qemu-system-x86',
         ['qemu-system-x86_64', '-accel', 'kvm', '-name', 'guest=filevm,debug-threads=on', '-m', '1G',
          '-object', 'memory-backend-file,id=m0,size=1G,mem-path=/srv/vm ram/filevm.img,share=off,prealloc=on',
          '-numa', 'node,memdev=m0', '-smp', '1'], fds(9, 1),
         [th(3000, 'qemu-system-x86', k, utime=1, stime=1),
          th(3002, 'CPU 0/KVM', k, utime=19, stime=1, gtime=18, cpu=5)], rss_kb=1000000)
    w_proc_status(os.path.join(root, 'proc', '3000', 'status'), 'qemu-system-x86', 3000,
                  1000000, 30000, 970000, 0, 0, 0)
    w(os.path.join(root, 'proc', '3000', 'cgroup'), '0::/vms.slice/filevm.scope\n')
    cg2(root, '/vms.slice/filevm.scope', k, '20000 100000', 50, '4-7', '1', '1073741824', '805306368',
        'max', 10, 8, 60000, (lambda k: 7 * k, lambda k: 0, lambda k: 0),
        ((40.0, 35.0), (3.2, 1.1), (0.0, 0.0)))
    w(os.path.join(root, 'proc', '3000', 'numa_maps'),
      '7f2000000000 bind:1 file=/srv/vm\\040ram/filevm.img dirty=240000 N1=240000 kernelpagesize_kB=4\n'
      '55f000000000 default heap anon=7000 dirty=7000 N1=7000 kernelpagesize_kB=4\n')
    # tcg: no KVM statistics
    proc(root, 4000, 'qemu-system-x86', ['qemu-system-x86_64', '-accel', 'tcg', '-name', 'guest=tcg,debug-threads=on'],
         {3: 'anon_inode:[eventfd]'},
         [th(4000, 'qemu-system-x86', k, utime=1), th(4002, 'CPU 0/TCG', k, utime=100, cpu=6)], rss_kb=150000)
    w(os.path.join(root, 'proc', '4000', 'cgroup'), '0::/user.slice/user-1000.slice/session-3.scope\n')

def cg1_snapshot(root, k, mono):
    if os.path.exists(root):
        shutil.rmtree(root)
    w(os.path.join(root, '.vhv', 'clock'), '%d %d\n' % (1790000000 * 10**9 + mono, mono))
    w(os.path.join(root, 'README'),
      'vhv-top fixture %s, written by tests/ts/top/mkroots.py (synthetic, in the formats of\n'
      'Documentation/admin-guide/cgroup-v1/ and libvirt\'s v1 layout machine.slice/<scope>/emulator).\n'
      'A cgroup v1 host (hybrid: systemd\'s unified/ has no controllers) with one libvirt guest\n'
      'limited to 1.5 CPUs, throttled; top-cg1-t0 and -t1 are 2 s apart.\n' % ('t1' if k == 11 else 't0'))
    scope = '/machine.slice/machine-qemu\\x2d2\\x2dold.scope'
    proc(root, 5000, 'qemu-system-x86',
         ['/usr/bin/qemu-system-x86_64', '-name', 'guest=old,debug-threads=on', '-accel', 'kvm',
          '-m', '4096', '-mem-prealloc', '-smp', '2'],
         {10: 'anon_inode:kvm-vm', 11: 'anon_inode:kvm-vcpu:0', 12: 'anon_inode:kvm-vcpu:1'},
         [th(5000, 'qemu-system-x86', k, utime=2, stime=3),
          th(5003, 'CPU 0/KVM', k, utime=80, stime=10, gtime=70),
          th(5004, 'CPU 1/KVM', k, utime=60, stime=5, gtime=50)], rss_kb=4300000)
    w(os.path.join(root, 'proc', '5000', 'cgroup'),
      '12:pids:/machine.slice/machine-qemu\\x2d2\\x2dold.scope\n'
      '9:memory:%s/emulator\n7:cpuset:%s/emulator\n4:cpu,cpuacct:%s/emulator\n'
      '1:name=systemd:/machine.slice/machine-qemu\\x2d2\\x2dold.scope\n0::/machine.slice/machine-qemu\\x2d2\\x2dold.scope\n'
      % (scope, scope, scope))
    base = os.path.join(root, 'sys', 'fs', 'cgroup')
    cpu = os.path.join(base, 'cpu,cpuacct', scope.lstrip('/'))
    w(os.path.join(cpu, 'cpu.cfs_quota_us'), '150000\n')
    w(os.path.join(cpu, 'cpu.cfs_period_us'), '100000\n')
    w(os.path.join(cpu, 'cpu.shares'), '2048\n')
    w(os.path.join(cpu, 'cpu.stat'), 'nr_periods %d\nnr_throttled %d\nthrottled_time %d\n'
      % (20 * k, 5 * k, 2 * 250 * 10**6 * k // 2))
    w(os.path.join(base, 'cpuset', scope.lstrip('/'), 'cpuset.effective_cpus'), '0-3\n')
    w(os.path.join(base, 'cpuset', scope.lstrip('/'), 'cpuset.effective_mems'), '0\n')
    mem = os.path.join(base, 'memory', scope.lstrip('/'))
    w(os.path.join(mem, 'memory.limit_in_bytes'), '6442450944\n')
    w(os.path.join(mem, 'memory.memsw.limit_in_bytes'), '9223372036854771712\n')
    w(os.path.join(mem, 'memory.failcnt'), '%d\n' % (3 * (k - 10)))
    w(os.path.join(mem, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n')
    w(os.path.join(base, 'unified', 'cgroup.procs'), '')

mem_snapshot(os.path.join(roots, 'top-mem-t0'), 10, 1000 * 10**9)
mem_snapshot(os.path.join(roots, 'top-mem-t1'), 11, 1002 * 10**9)
cg1_snapshot(os.path.join(roots, 'top-cg1-t0'), 10, 1000 * 10**9)
cg1_snapshot(os.path.join(roots, 'top-cg1-t1'), 11, 1002 * 10**9)
