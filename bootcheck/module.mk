# bootcheck: boot-loader configs and what their entries load (vhv-check boot).
bootcheck_PKGS := libelf zlib libzstd liblzma blkid
