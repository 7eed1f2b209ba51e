# hvcore: the shared core. Links no ncurses and no libbpf (tests/check-layers.sh).
# libelf: module vermagic (hv-mod); zlib/zstd/lzma/lz4/bz2: hv-comp, the
# compressions of modules, initrds and hypervisor images.
hvcore_PKGS := jansson sqlite3 libxml-2.0 libelf zlib libzstd liblzma liblz4
hvcore_LIBS := -lbz2
# Xen's libraries are dlopen()ed by hv-xen.c (a KVM host need not have them): the
# headers at build time, and the sonames of the libraries the build saw, since
# libxenctrl's ABI is per Xen release.
hvcore_DLPKGS := xencontrol xenstore
hv_soname = $(shell readelf -d $$($(PKG_CONFIG) --variable=libdir $(1))/lib$(2).so 2>/dev/null | \
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
$(O)/hvcore/hv-xen.o: CPPFLAGS += -DHV_XENCTRL_SONAME='"$(call hv_soname,xencontrol,xenctrl)"' \
	-DHV_XENSTORE_SONAME='"$(call hv_soname,xenstore,xenstore)"'
