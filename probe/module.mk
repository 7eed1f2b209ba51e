# probe: host capability checks (vhv-check host).
probe_PKGS := libkmod
