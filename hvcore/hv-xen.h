/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-xen: what the Xen hypervisor says about itself and its domains, read from
 * dom0. The one home of Xen's libraries: on the live root, libxenctrl (domain
 * and vCPU info, affinity, physinfo, version, pause, pin) and libxenstore
 * (domain names), both dlopen()ed, so a vhv binary starts on hosts without
 * them; xentop reads the same hypercalls through libxenstat.
 *
 * Fixture and captured roots: the outputs of xl, as saved by hand or by sos:
 *   .vhv/xl-info       `xl info`      (key : value)
 *   .vhv/xl-list       `xl list`      (Name ID Mem VCPUs State Time(s))
 *   .vhv/xl-vcpu-list  `xl vcpu-list` (Name ID VCPU CPU State Time(s) Hard / Soft)
 * Offline roots have no running hypervisor: -EOPNOTSUPP. Network and block
 * counters come from dom0's backends in sysfs, through the root, on every kind:
 * /sys/class/net/vifD.N/statistics (netback) and
 * /sys/bus/xen-backend/devices/vbd-D-N/statistics (blkback), as libxenstat
 * reads them; QEMU's qdisk backends are not counted (nor by xentop).
 *
 * Errors: -ENOPKG the Xen libraries are not installed; -ENXIO not on Xen;
 * -ENOENT on Xen but not dom0 (no /dev/xen/privcmd); -EACCES not root; -EROFS an action on a
 * fixture; -ENODATA a captured root without xl's outputs; -EINVAL they
 * cannot be parsed; other -errno from the hypercalls.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hv_root;

/* `xl info`'s view of the host, as far as vhv uses it. Unknown: "" or 0. */
struct hv_xen_host {
	char version[64];      /* "4.17.5" (xen_version) */
	char caps[256];        /* XENVER_capabilities: "xen-3.0-x86_64 hvm-3.0-x86_32 ..." */
	char virt_caps[128];   /* "hvm hvm_directio pv pv_directio hap shadow" (xl's words) */
	char scheduler[32];    /* "credit2" */
	char cmdline[1024];    /* the command line Xen was booted with */
	unsigned int nr_cpus;
	uint64_t total_kb, free_kb;
};

/* Domain state bits, in the order of `xl list`'s State letters "rbpscd". */
enum {
	HV_XEN_RUNNING = 1 << 0,
	HV_XEN_BLOCKED = 1 << 1,
	HV_XEN_PAUSED = 1 << 2,
	HV_XEN_SHUTDOWN = 1 << 3,
	HV_XEN_CRASHED = 1 << 4,
	HV_XEN_DYING = 1 << 5,
};

struct hv_xen_vcpu {
	unsigned int id;
	bool online, running, blocked;
	int cpu;               /* physical CPU it is on; -1 offline */
	uint64_t cpu_ns;       /* cumulative CPU time */
	char hard[128];        /* hard affinity, a CPU list or "all" (xl's form) */
	char soft[128];        /* soft affinity */
};

struct hv_xen_dom {
	unsigned int domid;
	char name[64];
	unsigned int state;    /* HV_XEN_* */
	enum { HV_XEN_TYPE_UNKNOWN, HV_XEN_PV, HV_XEN_HVM } type;  /* HVM: HVM or PVH */
	uint64_t cpu_ns;
	uint64_t mem_kb;       /* memory now */
	uint64_t maxmem_kb;    /* its limit; 0 unknown or none */
	unsigned int online_vcpus;
	/* dom0's backends, as xentop counts them (the guest's view: rx = to the guest) */
	unsigned int nnets, nvbds;        /* vifD.N interfaces, vbd-D-N devices */
	uint64_t net_rx_bytes, net_tx_bytes;
	uint64_t vbd_rd_req, vbd_wr_req, vbd_rd_sect, vbd_wr_sect;
	size_t nvcpus;         /* max vCPU id + 1 */
	struct hv_xen_vcpu *vcpus;
};

/* Is this a Xen dom0 ("control_d" in /proc/xen/capabilities, xenfs)? There the
 * VMs are the hypervisor's domains, not processes. */
bool hv_xen_is_dom0(const struct hv_root *r);
/* One line about the hypervisor for a UI's header: "Xen 4.17.5 (credit2), 2 pCPUs, ...". */
const char *hv_xen_host_line(const struct hv_xen_host *h, char *buf, size_t len);
/* The host. 0 or -errno (see above). */
int hv_root_xen_host(const struct hv_root *r, struct hv_xen_host *out);
/* The domains, ascending domid, with their vCPUs. Free with hv_xen_doms_free. */
int hv_root_xen_domains(const struct hv_root *r, struct hv_xen_dom **out, size_t *n);
void hv_xen_doms_free(struct hv_xen_dom *d, size_t n);
/* Set the hard affinity of a vCPU to @cpulist ("0-3,6" or "all"), as `xl vcpu-pin`. */
int hv_root_xen_vcpu_pin(const struct hv_root *r, unsigned int domid, unsigned int vcpu,
			 const char *cpulist);
/* Pause or unpause a domain, as `xl pause` / `xl unpause`. */
int hv_root_xen_pause(const struct hv_root *r, unsigned int domid, bool pause);

/* The state word: "dying", "crashed", "shutdown", "paused", "running", "blocked", "runnable". */
const char *hv_xen_state_word(unsigned int state);
/* `xl list`'s six letters "r-----" into @buf (7 bytes). */
const char *hv_xen_state_flags(unsigned int state, char buf[7]);
/* A vCPU's state word: "offline", "running", "blocked", "runnable". */
const char *hv_xen_vcpu_state(const struct hv_xen_vcpu *v);
/* Why Xen cannot be read, for an -errno of the functions above (static text). */
const char *hv_xen_strerror(int err);

/* Parsers of xl's outputs (the fixture sources; exposed for tests and fuzzing). */
int hv_xen_parse_info(const char *text, struct hv_xen_host *out);
int hv_xen_parse_lists(const char *list, const char *vcpu_list, struct hv_xen_dom **out,
		       size_t *n);
