# top: vhv-top's sampler, column table, views, batch/JSON output, recorder,
# actions and the curses UI (top/tui*.c: the only curses user). It reads the
# exits/s counters through bpf/vbpf-exits.h (top -> bpf is the one allowed
# feature-to-feature edge).
top_DEPS := bpf
top_PKGS := ncursesw jansson
top_LIBS := -lm
BINS += vhv-top
vhv-top_MODULES := top
