#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# qmp-cpus.py SOCKET: print "cpu-index thread-id" per vCPU from QMP
# query-cpus-fast: the truth vhv-top's discovery is checked against.
import json, socket, sys

s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile('rw')

def reply():
    while True:
        m = json.loads(f.readline())
        if 'return' in m or 'error' in m:
            return m

json.loads(f.readline())  # greeting
f.write(json.dumps({'execute': 'qmp_capabilities'}) + '\n'); f.flush(); reply()
f.write(json.dumps({'execute': 'query-cpus-fast'}) + '\n'); f.flush()
for c in reply()['return']:
    print(c['cpu-index'], c['thread-id'])
