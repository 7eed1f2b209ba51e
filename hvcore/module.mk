# hvcore: the shared core. Links no ncurses and no libbpf (tests/check-layers.sh).
hvcore_PKGS := jansson sqlite3 libxml-2.0
