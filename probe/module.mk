# probe: host capability checks (vhv-check host). Kernel modules are read
# through hvcore (hv-mod), not libkmod, so a --sysroot cannot be escaped.
probe_PKGS :=
