# bootcheck: boot-loader configs and what their entries load (vhv-check boot).
# libelf: ELF images and module vermagic; zlib/zstd/lzma/lz4/bz2: the compressions
# initrds and hypervisor images use; blkid: root=UUID/LABEL on the live host.
bootcheck_PKGS := libelf zlib libzstd liblzma blkid liblz4
bootcheck_LIBS := -lbz2
