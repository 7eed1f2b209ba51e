# bootcheck: boot-loader configs and what their entries load (vhv-check boot).
# libelf: ELF images (build ids); blkid: root=UUID/LABEL on the live host.
# Decompression and module vermagic are hvcore's (hv-comp, hv-mod).
bootcheck_PKGS := libelf blkid
