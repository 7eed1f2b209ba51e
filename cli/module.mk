# cli: one main per program. vhv-check runs the host (probe) and boot (bootcheck) checks.
BINS += vhv-check
vhv-check_MODULES := probe bootcheck
