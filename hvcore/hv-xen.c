// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-xen: Xen's own view of the host and its domains (see hv-xen.h).
 *
 * Live: libxenctrl and libxenstore are dlopen()ed by the sonames the build saw
 * (libxenctrl's ABI changes with every Xen release, hence its versioned soname:
 * a vhv built against 4.17's headers must not call another release's library).
 * The handles are opened once per process and kept: vhv-top reads every tick.
 * Fixture roots: xl's own outputs, parsed from the right (names may hold spaces).
 */
#include "hvcore/hv-xen.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>
#include <xenstore.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-root-ops.h"
#include "hvcore/hv-root.h"
#include "hvcore/hv-util.h"

#ifndef HV_XENCTRL_SONAME
#define HV_XENCTRL_SONAME "libxenctrl.so"
#endif
#ifndef HV_XENSTORE_SONAME
#define HV_XENSTORE_SONAME "libxenstore.so"
#endif

/* Most domains read; they are asked for in batches (each is a bounce buffer
 * the hypercall locks, so not one of 4096 entries on every refresh). */
#define XEN_MAX_DOMS 4096
#define XEN_DOMS_BATCH 128
/* Bound on vCPUs per domain we read (Xen's HVM limit is 128; PV up to 8192). */
#define XEN_MAX_VCPUS 8192

/* ---------------------------------------------------------------- words */

const char *hv_xen_state_word(unsigned int st)
{
	if (st & HV_XEN_DYING)
		return "dying";
	if (st & HV_XEN_CRASHED)
		return "crashed";
	if (st & HV_XEN_SHUTDOWN)
		return "shutdown";
	if (st & HV_XEN_PAUSED)
		return "paused";
	if (st & HV_XEN_RUNNING)
		return "running";
	if (st & HV_XEN_BLOCKED)
		return "blocked";
	return "runnable";
}

const char *hv_xen_state_flags(unsigned int st, char buf[7])
{
	static const char letters[] = "rbpscd";

	for (int i = 0; i < 6; i++)
		buf[i] = st & (1u << i) ? letters[i] : '-';
	buf[6] = '\0';
	return buf;
}

const char *hv_xen_vcpu_state(const struct hv_xen_vcpu *v)
{
	if (!v->online)
		return "offline";
	if (v->running)
		return "running";
	return v->blocked ? "blocked" : "runnable";
}

const char *hv_xen_strerror(int err)
{
	switch (err) {
	case -ENOPKG:
		return "the Xen control libraries are not installed (" HV_XENCTRL_SONAME
		       ", Debian: libxenmisc)";
	case -ENXIO:
		return "not running on Xen";
	case -ENOENT:
		return "no /dev/xen/privcmd: not a Xen dom0, or xen_privcmd is not loaded";
	case -EACCES:
	case -EPERM:
		return "permission denied on /dev/xen/privcmd (run as root)";
	case -EOPNOTSUPP:
		return "an offline root has no running hypervisor";
	case -EROFS:
		return "a captured root cannot be changed";
	case -ENODATA:
		return "the captured root holds no xl info / xl list output (.vhv/xl-info, "
		       ".vhv/xl-list)";
	case -EINVAL:
		return "xl output in the captured root could not be parsed";
	default:
		return strerror(-err);
	}
}

bool hv_xen_is_dom0(const struct hv_root *r)
{
	_cleanup_free_ char *caps = NULL;

	return hv_root_read_linef(r, &caps, "/proc/xen/capabilities") == 0 &&
	       hv_word_in_list(caps, "control_d");
}

const char *hv_xen_host_line(const struct hv_xen_host *h, char *buf, size_t len)
{
	char free_s[32], total_s[32];

	snprintf(buf, len, "Xen %s%s%s%s, %u pCPU%s, %s free of %s", h->version[0] ? h->version : "?",
		 h->scheduler[0] ? " (" : "", h->scheduler, h->scheduler[0] ? ")" : "", h->nr_cpus,
		 h->nr_cpus == 1 ? "" : "s", hv_fmt_size(h->free_kb * 1024, free_s, sizeof(free_s)),
		 hv_fmt_size(h->total_kb * 1024, total_s, sizeof(total_s)));
	return buf;
}

/* ---------------------------------------------------------------- parsers */

/* Copy, truncating to @len - 1 bytes. */
static void copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

int hv_xen_parse_info(const char *text, struct hv_xen_host *h)
{
	_cleanup_free_ char *buf = strdup(text);
	char *line, *save = NULL;
	unsigned long long maj = 0, min = 0;
	char extra[64] = "";
	bool have_maj = false, any = false;

	if (!buf)
		return -ENOMEM;
	memset(h, 0, sizeof(*h));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *k, *v;
		uint64_t u;

		if (line[0] == '#' || !hv_kv_split(line, ':', &k, &v))
			continue;
		any = true;
		if (!strcmp(k, "xen_version"))
			copy(h->version, sizeof(h->version), v);
		else if (!strcmp(k, "xen_major") && hv_parse_u64(v, 10, &u) == 0) {
			maj = u;
			have_maj = true;
		}
		else if (!strcmp(k, "xen_minor") && hv_parse_u64(v, 10, &u) == 0)
			min = u;
		else if (!strcmp(k, "xen_extra"))
			copy(extra, sizeof(extra), v);
		else if (!strcmp(k, "xen_caps"))
			copy(h->caps, sizeof(h->caps), v);
		else if (!strcmp(k, "virt_caps"))
			copy(h->virt_caps, sizeof(h->virt_caps), v);
		else if (!strcmp(k, "xen_scheduler"))
			copy(h->scheduler, sizeof(h->scheduler), v);
		else if (!strcmp(k, "xen_commandline"))
			copy(h->cmdline, sizeof(h->cmdline), v);
		else if (!strcmp(k, "nr_cpus") && hv_parse_u64(v, 10, &u) == 0 && u < 1u << 20)
			h->nr_cpus = (unsigned int)u;
		else if (!strcmp(k, "total_memory") && hv_parse_u64(v, 10, &u) == 0 &&
			 u < UINT64_MAX / 1024)
			h->total_kb = u * 1024;  /* xl: MiB */
		else if (!strcmp(k, "free_memory") && hv_parse_u64(v, 10, &u) == 0 &&
			 u < UINT64_MAX / 1024)
			h->free_kb = u * 1024;
	}
	if (!any)
		return -EINVAL;
	if (!h->version[0] && have_maj) {
		char v[128];

		snprintf(v, sizeof(v), "%llu.%llu%s", maj, min, extra);
		copy(h->version, sizeof(h->version), v);
	}
	return 0;
}

/* Split @line into at most @max white-space separated fields from the right; the
 * rest (left, stripped) is the name. Returns the number of right fields. */
static int rsplit(char *line, char **f, int max, char **name)
{
	char *end = line + strlen(line);
	int n = 0;

	while (n < max) {
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (end == line)
			break;
		while (end > line && !isspace((unsigned char)end[-1]))
			end--;
		f[max - 1 - n++] = end;
	}
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	*name = hv_strstrip(line);
	return n;
}

static int parse_time(const char *s, uint64_t *ns)
{
	char *end;
	double t;

	errno = 0;
	t = strtod(s, &end);
	if (errno || *end || !(t >= 0.0) || t > 1e9)
		return -EINVAL;
	*ns = (uint64_t)(t * 1e9 + 0.5);
	return 0;
}

static unsigned int parse_dstate(const char *s)
{
	static const char letters[] = "rbpscd";
	unsigned int st = 0;

	for (int i = 0; i < 6 && s[i]; i++)
		if (s[i] == letters[i])
			st |= 1u << i;
	return st;
}

static int dom_cmp(const void *a, const void *b)
{
	const struct hv_xen_dom *x = a, *y = b;

	return (x->domid > y->domid) - (x->domid < y->domid);
}

void hv_xen_doms_free(struct hv_xen_dom *d, size_t n)
{
	if (!d)
		return;
	for (size_t i = 0; i < n; i++)
		free(d[i].vcpus);
	free(d);
}

static struct hv_xen_dom *dom_find(struct hv_xen_dom *d, size_t n, unsigned int domid)
{
	for (size_t i = 0; i < n; i++)
		if (d[i].domid == domid)
			return &d[i];
	return NULL;
}

static int parse_u32(const char *s, unsigned int max, unsigned int *out)
{
	uint64_t u;

	if (hv_parse_u64(s, 10, &u) < 0 || u > max)
		return -EINVAL;
	*out = (unsigned int)u;
	return 0;
}

int hv_xen_parse_lists(const char *list, const char *vcpu_list, struct hv_xen_dom **out,
		       size_t *np)
{
	_cleanup_free_ char *lb = strdup(list ? list : ""), *vb = strdup(vcpu_list ? vcpu_list : "");
	struct hv_xen_dom *d = NULL;
	size_t n = 0, cap = 0;
	char *line, *save = NULL;
	int rc = -EINVAL;

	*out = NULL;
	*np = 0;
	if (!lb || !vb)
		return -ENOMEM;
	/* xl list: Name ID Mem VCPUs State Time(s) [Security Label] */
	for (line = strtok_r(lb, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[5], *name;
		unsigned int id, mem, nv;
		uint64_t ns;

		if (line[0] == '#' || !strncmp(line, "Name ", 5))
			continue;
		if (rsplit(line, f, 5, &name) != 5 || !*name || parse_u32(f[0], 0xfffe, &id) ||
		    parse_u32(f[1], 1u << 30, &mem) || parse_u32(f[2], XEN_MAX_VCPUS, &nv) ||
		    strlen(f[3]) != 6 || parse_time(f[4], &ns)) {
			hv_log(HV_LOG_DEBUG, "xl list: cannot parse a line");
			goto fail;
		}
		if (dom_find(d, n, id))
			goto fail;
		if (n == cap) {
			struct hv_xen_dom *nd;

			cap = cap ? cap * 2 : 8;
			if (cap > XEN_MAX_DOMS || !(nd = realloc(d, cap * sizeof(*d)))) {
				rc = cap > XEN_MAX_DOMS ? -E2BIG : -ENOMEM;
				goto fail;
			}
			d = nd;
		}
		memset(&d[n], 0, sizeof(d[n]));
		d[n].domid = id;
		copy(d[n].name, sizeof(d[n].name), name);
		d[n].mem_kb = (uint64_t)mem * 1024;
		d[n].online_vcpus = nv;
		d[n].state = parse_dstate(f[3]);
		d[n].cpu_ns = ns;
		n++;
	}
	/* xl vcpu-list: Name ID VCPU CPU State Time(s) Hard / Soft */
	save = NULL;
	for (line = strtok_r(vb, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[8], *name;
		unsigned int id, vi, cpu = 0;
		struct hv_xen_dom *dom;
		struct hv_xen_vcpu *v;

		if (line[0] == '#' || !strncmp(line, "Name ", 5))
			continue;
		if (rsplit(line, f, 8, &name) != 8 || parse_u32(f[0], 0xfffe, &id) ||
		    parse_u32(f[1], XEN_MAX_VCPUS - 1, &vi) || strcmp(f[6], "/") ||
		    (strcmp(f[2], "-") && parse_u32(f[2], 1u << 20, &cpu)) ||
		    strlen(f[3]) != 3) {
			hv_log(HV_LOG_DEBUG, "xl vcpu-list: cannot parse a line");
			goto fail;
		}
		dom = dom_find(d, n, id);
		if (!dom)
			continue;   /* the domain went away between the two commands */
		if (vi >= dom->nvcpus) {
			struct hv_xen_vcpu *nv = realloc(dom->vcpus, (vi + 1) * sizeof(*nv));

			if (!nv) {
				rc = -ENOMEM;
				goto fail;
			}
			memset(nv + dom->nvcpus, 0, (vi + 1 - dom->nvcpus) * sizeof(*nv));
			for (size_t k = dom->nvcpus; k <= vi; k++) {
				nv[k].id = (unsigned int)k;
				nv[k].cpu = -1;
			}
			dom->vcpus = nv;
			dom->nvcpus = vi + 1;
		}
		v = &dom->vcpus[vi];
		/* state: r running, b blocked, p offline ("paused" in xl's words) */
		v->running = f[3][0] == 'r';
		v->blocked = f[3][1] == 'b';
		v->online = f[3][2] != 'p';
		v->cpu = strcmp(f[2], "-") ? (int)cpu : -1;
		if (parse_time(f[4], &v->cpu_ns))
			goto fail;
		copy(v->hard, sizeof(v->hard), f[5]);
		copy(v->soft, sizeof(v->soft), f[7]);
	}
	if (n)
		qsort(d, n, sizeof(*d), dom_cmp);
	*out = d;
	*np = n;
	return 0;
fail:
	hv_xen_doms_free(d, n);
	return rc;
}

/* ---------------------------------------------------------------- live */

struct xen_lib {
	int err;     /* 0 opened; -errno: why not (sticky) */
	bool tried;
	void *ctrl_so, *store_so;
	xc_interface *xch;
	struct xs_handle *xsh;
	/* sized once when opened, reused by every read */
	int mapsz, maxcpus;          /* cpumap bytes, CPUs in a map */
	uint8_t *hard, *soft;        /* cpumaps */
	xc_domaininfo_t *info;       /* XEN_DOMS_BATCH entries */
	xc_interface *(*interface_open)(xentoollog_logger *, xentoollog_logger *, unsigned);
	int (*getinfolist)(xc_interface *, uint32_t, unsigned int, xc_domaininfo_t *);
	int (*vcpu_getinfo)(xc_interface *, uint32_t, uint32_t, xc_vcpuinfo_t *);
	int (*vcpu_getaffinity)(xc_interface *, uint32_t, int, xc_cpumap_t, xc_cpumap_t, uint32_t);
	int (*vcpu_setaffinity)(xc_interface *, uint32_t, int, xc_cpumap_t, xc_cpumap_t, uint32_t);
	int (*get_cpumap_size)(xc_interface *);
	int (*get_max_cpus)(xc_interface *);
	int (*physinfo)(xc_interface *, xc_physinfo_t *);
	int (*version)(xc_interface *, int, void *);
	int (*sched_id)(xc_interface *, int *);
	int (*domain_pause)(xc_interface *, uint32_t);
	int (*domain_unpause)(xc_interface *, uint32_t);
	struct xs_handle *(*xs_open)(unsigned long);
	void *(*xs_read)(struct xs_handle *, xs_transaction_t, const char *, unsigned int *);
};

/* libxenctrl's messages go to vhv's log (debug), not to stderr. */
static void xtl_vmessage(struct xentoollog_logger *lg, xentoollog_level level, int errnoval,
			 const char *context, const char *format, va_list al)
{
	char msg[256];

	(void)lg;
	(void)level;
	vsnprintf(msg, sizeof(msg), format, al);
	hv_log(HV_LOG_DEBUG, "%s: %s%s%s", context ? context : "xen", msg,
	       errnoval >= 0 ? ": " : "", errnoval >= 0 ? strerror(errnoval) : "");
}

static void xtl_destroy(struct xentoollog_logger *lg)
{
	(void)lg;
}

static xentoollog_logger quiet_logger = {
	.vmessage = xtl_vmessage,
	.destroy = xtl_destroy,
};

static struct xen_lib lib;

#define SYM(so, field, name)                                                    \
	do {                                                                    \
		*(void **)&lib.field = dlsym(lib.so, name);                     \
		if (!lib.field) {                                               \
			hv_log(HV_LOG_DEBUG, "%s: no symbol %s", #so, name);    \
			return -ENOPKG;                                         \
		}                                                               \
	} while (0)

static int lib_syms(void)
{
	SYM(ctrl_so, interface_open, "xc_interface_open");
	SYM(ctrl_so, getinfolist, "xc_domain_getinfolist");
	SYM(ctrl_so, vcpu_getinfo, "xc_vcpu_getinfo");
	SYM(ctrl_so, vcpu_getaffinity, "xc_vcpu_getaffinity");
	SYM(ctrl_so, vcpu_setaffinity, "xc_vcpu_setaffinity");
	SYM(ctrl_so, get_cpumap_size, "xc_get_cpumap_size");
	SYM(ctrl_so, get_max_cpus, "xc_get_max_cpus");
	SYM(ctrl_so, physinfo, "xc_physinfo");
	SYM(ctrl_so, version, "xc_version");
	SYM(ctrl_so, sched_id, "xc_sched_id");
	SYM(ctrl_so, domain_pause, "xc_domain_pause");
	SYM(ctrl_so, domain_unpause, "xc_domain_unpause");
	return 0;
}

static int lib_open(void)
{
	if (lib.tried)
		return lib.err;
	lib.tried = true;
	lib.err = -ENOENT;
	/* not dom0, or not on Xen at all: don't load anything */
	if (access("/dev/xen/privcmd", F_OK) < 0 && access("/proc/xen/privcmd", F_OK) < 0) {
		char type[16] = "";
		FILE *fp = fopen("/sys/hypervisor/type", "re");

		if (fp) {
			if (!fgets(type, sizeof(type), fp))
				type[0] = '\0';
			fclose(fp);
		}
		if (strncmp(type, "xen", 3) != 0)
			lib.err = -ENXIO;
		return lib.err;
	}
	lib.ctrl_so = dlopen(HV_XENCTRL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib.ctrl_so) {
		hv_log(HV_LOG_DEBUG, "dlopen: %s", dlerror());
		return lib.err = -ENOPKG;
	}
	if ((lib.err = lib_syms()) < 0)
		return lib.err;
	errno = 0;
	lib.xch = lib.interface_open(&quiet_logger, &quiet_logger, 0);
	if (!lib.xch)
		return lib.err = errno ? -errno : -ENOENT;
	lib.mapsz = lib.get_cpumap_size(lib.xch);
	lib.maxcpus = lib.get_max_cpus(lib.xch);
	if (lib.mapsz <= 0 || lib.maxcpus <= 0)
		return lib.err = -EIO;
	lib.hard = calloc(1, (size_t)lib.mapsz);
	lib.soft = calloc(1, (size_t)lib.mapsz);
	lib.info = calloc(XEN_DOMS_BATCH, sizeof(*lib.info));
	if (!lib.hard || !lib.soft || !lib.info)
		return lib.err = -ENOMEM;
	/* names: libxenstore is stable (soname .4); without it, domains have ids only */
	lib.store_so = dlopen(HV_XENSTORE_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib.store_so) {
		*(void **)&lib.xs_open = dlsym(lib.store_so, "xs_open");
		*(void **)&lib.xs_read = dlsym(lib.store_so, "xs_read");
		if (lib.xs_open && lib.xs_read)
			lib.xsh = lib.xs_open(XS_OPEN_READONLY);
	}
	return lib.err = 0;
}

static const char *const sched_names[] = {
	[XEN_SCHEDULER_CREDIT] = "credit", [XEN_SCHEDULER_CREDIT2] = "credit2",
	[XEN_SCHEDULER_ARINC653] = "arinc653", [XEN_SCHEDULER_RTDS] = "rtds",
	[XEN_SCHEDULER_NULL] = "null",
};

static int live_host(struct hv_xen_host *h)
{
	xen_extraversion_t extra;
	xen_commandline_t cmdline;
	xen_capabilities_info_t caps;
	xc_physinfo_t pi;
	int rc, v, sched;
	uint64_t page_kb = XC_PAGE_SIZE / 1024;

	if ((rc = lib_open()) < 0)
		return rc;
	memset(h, 0, sizeof(*h));
	v = lib.version(lib.xch, XENVER_version, NULL);
	if (v < 0)
		return -errno;
	memset(extra, 0, sizeof(extra));
	if (lib.version(lib.xch, XENVER_extraversion, &extra) < 0)
		extra[0] = '\0';
	extra[sizeof(extra) - 1] = '\0';
	snprintf(h->version, sizeof(h->version), "%d.%d%s", v >> 16, v & 0xffff, extra);
	memset(caps, 0, sizeof(caps));
	if (lib.version(lib.xch, XENVER_capabilities, &caps) == 0) {
		caps[sizeof(caps) - 1] = '\0';
		copy(h->caps, sizeof(h->caps), caps);
	}
	memset(cmdline, 0, sizeof(cmdline));
	if (lib.version(lib.xch, XENVER_commandline, &cmdline) == 0) {
		cmdline[sizeof(cmdline) - 1] = '\0';
		copy(h->cmdline, sizeof(h->cmdline), cmdline);
	}
	memset(&pi, 0, sizeof(pi));
	if (lib.physinfo(lib.xch, &pi) == 0) {
		h->nr_cpus = pi.nr_cpus;
		h->total_kb = pi.total_pages * page_kb;
		h->free_kb = pi.free_pages * page_kb;
		/* the words and order of xl info's virt_caps */
		static const struct { unsigned int need; const char *word; } vc[] = {
			{ XEN_SYSCTL_PHYSCAP_pv, "pv" },
			{ XEN_SYSCTL_PHYSCAP_hvm, "hvm" },
			{ XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_directio, "hvm_directio" },
			{ XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_directio, "pv_directio" },
			{ XEN_SYSCTL_PHYSCAP_hap, "hap" },
			{ XEN_SYSCTL_PHYSCAP_shadow, "shadow" },
			{ XEN_SYSCTL_PHYSCAP_iommu_hap_pt_share, "iommu_hap_pt_share" },
			{ XEN_SYSCTL_PHYSCAP_vmtrace, "vmtrace" },
			{ XEN_SYSCTL_PHYSCAP_vpmu, "vpmu" },
			{ XEN_SYSCTL_PHYSCAP_gnttab_v1, "gnttab-v1" },
			{ XEN_SYSCTL_PHYSCAP_gnttab_v2, "gnttab-v2" },
		};
		size_t o = 0;

		h->nr_cpus = pi.nr_cpus;
		h->total_kb = pi.total_pages * page_kb;
		h->free_kb = pi.free_pages * page_kb;
		for (size_t i = 0; i < HV_ARRAY_SIZE(vc); i++)
			if ((pi.capabilities & vc[i].need) == vc[i].need &&
			    o + strlen(vc[i].word) + 2 < sizeof(h->virt_caps))
				o += (size_t)snprintf(h->virt_caps + o, sizeof(h->virt_caps) - o,
						      "%s%s", o ? " " : "", vc[i].word);
	}
	if (lib.sched_id(lib.xch, &sched) == 0) {
		if (sched >= 0 && (size_t)sched < HV_ARRAY_SIZE(sched_names) && sched_names[sched])
			copy(h->scheduler, sizeof(h->scheduler), sched_names[sched]);
		else
			snprintf(h->scheduler, sizeof(h->scheduler), "id %d", sched);
	}
	return 0;
}

static void live_name(unsigned int domid, char *name, size_t len)
{
	char path[64];
	unsigned int n = 0;
	char *v = NULL;

	if (lib.xsh) {
		snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
		v = lib.xs_read(lib.xsh, XBT_NULL, path, &n);
	}
	if (v && n > 0) {
		snprintf(name, len, "%.*s", (int)n, v);
		for (char *p = name; *p; p++)
			if (!isprint((unsigned char)*p))
				*p = '?';   /* xenstore is written by guests' toolstacks */
	} else {
		snprintf(name, len, domid == 0 ? "Domain-0" : "(domain %u)", domid);
	}
	free(v);
}

/* One domain from its domctl info, with its vCPUs. 0 or -ENOMEM. */
static int live_dom(const xc_domaininfo_t *x, struct hv_xen_dom *dom)
{
	uint64_t page_kb = XC_PAGE_SIZE / 1024;
	unsigned int fl = x->flags;

	dom->domid = x->domain;
	live_name(dom->domid, dom->name, sizeof(dom->name));
	if (fl & XEN_DOMINF_dying)
		dom->state |= HV_XEN_DYING;
	if (fl & XEN_DOMINF_shutdown)
		dom->state |= ((fl >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) ==
					      SHUTDOWN_crash ? HV_XEN_CRASHED : HV_XEN_SHUTDOWN;
	if (fl & XEN_DOMINF_paused)
		dom->state |= HV_XEN_PAUSED;
	if (fl & XEN_DOMINF_blocked)
		dom->state |= HV_XEN_BLOCKED;
	if (fl & XEN_DOMINF_running)
		dom->state |= HV_XEN_RUNNING;
	dom->type = fl & XEN_DOMINF_hvm_guest ? HV_XEN_HVM : HV_XEN_PV;
	dom->cpu_ns = x->cpu_time;
	dom->mem_kb = x->tot_pages * page_kb;
	/* max_pages is ~0 (or beyond the host) when the domain has no limit */
	dom->maxmem_kb = x->max_pages < UINT64_MAX / page_kb ? x->max_pages * page_kb : 0;
	dom->online_vcpus = x->nr_online_vcpus;
	if (x->max_vcpu_id == XEN_INVALID_MAX_VCPU_ID || x->max_vcpu_id >= XEN_MAX_VCPUS)
		return 0;
	dom->vcpus = calloc(x->max_vcpu_id + 1, sizeof(*dom->vcpus));
	if (!dom->vcpus)
		return -ENOMEM;
	dom->nvcpus = x->max_vcpu_id + 1;
	for (size_t v = 0; v < dom->nvcpus; v++) {
		struct hv_xen_vcpu *vc = &dom->vcpus[v];
		xc_vcpuinfo_t vi;

		vc->id = (unsigned int)v;
		vc->cpu = -1;
		memset(&vi, 0, sizeof(vi));
		if (lib.vcpu_getinfo(lib.xch, dom->domid, (uint32_t)v, &vi) < 0)
			continue;  /* a dying domain loses its vCPUs under us */
		vc->online = vi.online;
		vc->running = vi.running;
		vc->blocked = vi.blocked;
		vc->cpu = vi.online ? (int)vi.cpu : -1;
		vc->cpu_ns = vi.cpu_time;
		memset(lib.hard, 0, (size_t)lib.mapsz);
		memset(lib.soft, 0, (size_t)lib.mapsz);
		if (lib.vcpu_getaffinity(lib.xch, dom->domid, (int)v, lib.hard, lib.soft,
					 XEN_VCPUAFFINITY_HARD | XEN_VCPUAFFINITY_SOFT) == 0) {
			hv_cpulist_format(lib.hard, (size_t)lib.mapsz, (unsigned int)lib.maxcpus,
					  vc->hard, sizeof(vc->hard));
			hv_cpulist_format(lib.soft, (size_t)lib.mapsz, (unsigned int)lib.maxcpus,
					  vc->soft, sizeof(vc->soft));
		}
	}
	return 0;
}

/* The domains in ascending domid (as Xen returns them), in batches. */
static int live_domains(struct hv_xen_dom **out, size_t *np)
{
	struct hv_xen_dom *d = NULL;
	size_t n = 0;
	uint32_t first = 0;
	int rc, got;

	*out = NULL;
	*np = 0;
	if ((rc = lib_open()) < 0)
		return rc;
	do {
		struct hv_xen_dom *nd;

		got = lib.getinfolist(lib.xch, first, XEN_DOMS_BATCH, lib.info);
		if (got < 0) {
			rc = -errno;
			goto fail;
		}
		if (!got)
			break;
		nd = realloc(d, (n + (size_t)got) * sizeof(*d));
		if (!nd) {
			rc = -ENOMEM;
			goto fail;
		}
		d = nd;
		memset(d + n, 0, (size_t)got * sizeof(*d));
		for (int i = 0; i < got; i++) {
			rc = live_dom(&lib.info[i], &d[n++]);
			if (rc < 0)
				goto fail;
		}
		first = lib.info[got - 1].domain + 1u;
	} while (got == XEN_DOMS_BATCH && n < XEN_MAX_DOMS);
	*out = d;
	*np = n;
	return 0;
fail:
	hv_xen_doms_free(d, n);
	return rc;
}

/* ---------------------------------------------------------------- backends */

static uint64_t stat_u64(const struct hv_root *r, const char *dir, const char *name)
{
	uint64_t v = 0;

	return hv_root_read_u64f(r, &v, "%s/statistics/%s", dir, name) == 0 ? v : 0;
}

/* Sum each domain's vifD.N and vbd-D-N counters into @d (sorted by domid). */
static void read_backends(const struct hv_root *r, struct hv_xen_dom *d, size_t n)
{
	static const char *const dirs[] = { "/sys/class/net", "/sys/bus/xen-backend/devices" };

	for (size_t k = 0; k < HV_ARRAY_SIZE(dirs); k++) {
		DIR *dp = hv_root_opendirf(r, "%s", dirs[k]);
		struct dirent *de;

		if (!dp)
			continue;
		while ((de = readdir(dp))) {
			struct hv_xen_dom key, *dom;
			unsigned int domid, dev;
			char path[320], tail;

			if (k == 0 ? sscanf(de->d_name, "vif%u.%u%c", &domid, &dev, &tail) != 2 :
				     sscanf(de->d_name, "vbd-%u-%u%c", &domid, &dev, &tail) != 2)
				continue;
			key.domid = domid;
			dom = n ? bsearch(&key, d, n, sizeof(*d), dom_cmp) : NULL;
			if (!dom)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dirs[k], de->d_name);
			if (k == 0) {
				/* netback's tx is what the guest receives */
				dom->nnets++;
				dom->net_rx_bytes += stat_u64(r, path, "tx_bytes");
				dom->net_tx_bytes += stat_u64(r, path, "rx_bytes");
			} else {
				dom->nvbds++;
				dom->vbd_rd_req += stat_u64(r, path, "rd_req");
				dom->vbd_wr_req += stat_u64(r, path, "wr_req");
				dom->vbd_rd_sect += stat_u64(r, path, "rd_sect");
				dom->vbd_wr_sect += stat_u64(r, path, "wr_sect");
			}
		}
		closedir(dp);
	}
}

/* ---------------------------------------------------------------- hv_root entry points */

int hv_root_xen_host(const struct hv_root *r, struct hv_xen_host *out)
{
	_cleanup_free_ char *text = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	switch (hv_root_kind(r)) {
	case HV_ROOT_LIVE:
		return live_host(out);
	case HV_ROOT_OFFLINE:
		return -EOPNOTSUPP;
	default:
		break;
	}
	rc = hv_root_fixture_read(r, "xl-info", &text);
	if (rc == -ENOENT) {
		_cleanup_free_ char *type = NULL;

		/* no xl info captured: was it on Xen at all? */
		rc = hv_root_read_linef(r, &type, "/sys/hypervisor/type");
		if ((rc == -ENOENT && hv_root_existsf(r, "/sys") == 0 &&
		     hv_root_existsf(r, "/proc/xen/capabilities") < 0) ||
		    (rc == 0 && strcmp(type, "xen") != 0))
			return -ENXIO;  /* a capture of sysfs that says: not Xen */
		return -ENODATA;
	}
	if (rc < 0)
		return rc;
	return hv_xen_parse_info(text, out);
}

int hv_root_xen_domains(const struct hv_root *r, struct hv_xen_dom **out, size_t *n)
{
	_cleanup_free_ char *list = NULL, *vcpus = NULL;
	int rc;

	*out = NULL;
	*n = 0;
	switch (hv_root_kind(r)) {
	case HV_ROOT_LIVE:
		rc = live_domains(out, n);
		break;
	case HV_ROOT_OFFLINE:
		return -EOPNOTSUPP;
	default:
		rc = hv_root_fixture_read(r, "xl-list", &list);
		if (rc < 0)
			return rc == -ENOENT ? -ENODATA : rc;
		rc = hv_root_fixture_read(r, "xl-vcpu-list", &vcpus);
		if (rc < 0 && rc != -ENOENT)
			return rc;
		rc = hv_xen_parse_lists(list, vcpus, out, n);
		break;
	}
	if (rc == 0)
		read_backends(r, *out, *n);
	return rc;
}

int hv_root_xen_vcpu_pin(const struct hv_root *r, unsigned int domid, unsigned int vcpu,
			 const char *cpulist)
{
	int rc;

	if (!hv_root_is_live(r))
		return -EROFS;
	if ((rc = lib_open()) < 0)
		return rc;
	rc = hv_cpulist_parse(cpulist, lib.hard, (size_t)lib.mapsz, (unsigned int)lib.maxcpus);
	if (rc < 0)
		return rc;
	if (lib.vcpu_setaffinity(lib.xch, domid, (int)vcpu, lib.hard, NULL, XEN_VCPUAFFINITY_HARD) < 0)
		return -errno;
	return 0;
}

int hv_root_xen_pause(const struct hv_root *r, unsigned int domid, bool pause)
{
	int rc;

	if (!hv_root_is_live(r))
		return -EROFS;
	if (domid == 0)
		return -EPERM;  /* pausing dom0 would freeze the host's own control plane */
	if ((rc = lib_open()) < 0)
		return rc;
	rc = pause ? lib.domain_pause(lib.xch, domid) : lib.domain_unpause(lib.xch, domid);
	return rc < 0 ? -errno : 0;
}
