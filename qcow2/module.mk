# qcow2: image parser and verifier (vhv-qcow2). zlib/zstd for verify --deep.
qcow2_PKGS := zlib libzstd
BINS += vhv-qcow2
vhv-qcow2_MODULES := qcow2
