-- SPDX-License-Identifier: GPL-2.0-or-later
-- A vhv-trace recording, as text (tests/ts/trace/report.sh builds the DB with
-- sqlite3 at test time). Hand-made: two VMs over three 1-second intervals,
-- user exits (KVM_EXIT_*) plus one VMX and one SVM hardware-exit row so every
-- kind is rendered. Each hist is "log2(ns) slot:count", and lat_count matches it.
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE vms(pid INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;
CREATE TABLE samples(
  t_ns INTEGER NOT NULL, interval_ns INTEGER NOT NULL,
  pid INTEGER NOT NULL, vcpu INTEGER NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,
  count INTEGER NOT NULL, lat_count INTEGER NOT NULL, lat_sum_ns INTEGER NOT NULL,
  lat_max_ns INTEGER NOT NULL, hist TEXT NOT NULL) STRICT;
INSERT INTO meta VALUES ('format', 'vhv-trace 1'), ('host', 'hv01'), ('version', '0.1.0'),
  ('started_ns', '1795000000000000000'), ('sources', 'kvm:kvm_userspace_exit,kvm:kvm_fpu');
INSERT INTO vms VALUES (4242, 'qemu-system-x86'), (5151, 'cloud-hypervis');
INSERT INTO samples VALUES
  (1000000000, 1000000000, 4242, 0, 'user', 'IO',   1200, 1200, 7200000, 40000, '12:1000,13:190,15:10'),
  (1000000000, 1000000000, 4242, 0, 'user', 'MMIO',  300,  300, 3000000, 20000, '13:280,14:20'),
  (1000000000, 1000000000, 4242, 1, 'user', 'IO',    800,  800, 4000000, 9000,  '12:800'),
  (1000000000, 1000000000, 5151, 0, 'user', 'HLT',    50,   50, 5000000, 900000, '16:40,19:10'),
  (2000000000, 1000000000, 4242, 0, 'user', 'IO',   1000, 1000, 6000000, 30000, '12:900,13:100'),
  (2000000000, 1000000000, 4242, 1, 'user', 'RESTART', 4,    4,   40000, 15000, '13:4'),
  (2000000000, 1000000000, 5151, 0, 'vmx',  'EPT_VIOLATION', 9000, 9000, 18000000, 8000, '10:8000,11:1000'),
  (3000000000, 1000000000, 4242, 0, 'user', 'IO',    500,  500, 3000000, 7000,  '12:500'),
  (3000000000, 1000000000, 5151, 1, 'svm',  'npf',   100,  100,  200000, 3000,  '10:60,11:40'),
  (3000000000, 1000000000, 5151, 1, 'user', 'SHUTDOWN', 1,   0,       0,    0,  '');
