/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-libvirt: libvirt's QEMU status XML (/run/libvirt/qemu/NAME.xml), the one
 * home of libxml2. The file is written by libvirtd, but vhv treats it as
 * untrusted: parsed from memory with XML_PARSE_NONET, never XML_PARSE_NOENT or
 * DTD loading (no entity expansion, no network, no external files), at most
 * HV_LIBVIRT_MAX_XML bytes, and at most HV_LIBVIRT_MAX_VCPUS vCPU entries.
 *
 * The parts used (libvirt src/qemu/qemu_domain.c, qemuDomainObjPrivateXMLFormat):
 *   <domstatus state='running' pid='1234'>
 *     <vcpus><vcpu id='0' pid='1240'/>...</vcpus>
 *     <domain type='kvm'><name>vm1</name><uuid>...</uuid>
 *       <memory unit='KiB'>N</memory><memoryBacking><hugepages/>...</memoryBacking>
 *     </domain>
 *   </domstatus>
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hvcore/hv-root.h"
#include "hvcore/hv-vmmem.h"

#define HV_LIBVIRT_MAX_XML (4u << 20)
#define HV_LIBVIRT_MAX_VCPUS 4096

struct hv_libvirt_vcpu {
	int id;   /* vCPU index */
	int tid;  /* host thread id */
};

/* One domain's status. Strings and the map are owned by the struct. */
struct hv_libvirt_dom {
	char *name;        /* <domain><name>; NULL when absent */
	char *uuid;        /* <domain><uuid>; NULL when absent */
	char *state;       /* domstatus state attribute ("running", "paused"); NULL when absent */
	char *type;        /* <domain type=...> ("kvm", "qemu"); NULL when absent */
	int pid;           /* domstatus pid; 0 when absent */
	uint64_t mem_kib;  /* <memory>, converted to KiB; 0 when absent */
	bool hugepages;    /* <memoryBacking><hugepages/> */
	/*
	 * <memoryBacking> (formatdomain "Memory Backing"): <hugepages><page
	 * size unit/>, <source type='file|anonymous|memfd'/>, <access
	 * mode='shared|private'/>, <allocation mode='immediate|ondemand'/>.
	 * kind HV_MEM_UNKNOWN when it says nothing about the source.
	 */
	struct hv_mem_backing mem;
	size_t nvcpus;
	struct hv_libvirt_vcpu *vcpus;
};

/*
 * Parse a status XML document of @len bytes. Returns 0 and fills *out (free
 * its contents with hv_libvirt_dom_clear; cleared on error too), -EINVAL when
 * it is not well-formed or not a <domstatus>, -EFBIG beyond the limits,
 * -ENOMEM.
 */
int hv_libvirt_parse(const char *buf, size_t len, struct hv_libvirt_dom *out);
void hv_libvirt_dom_clear(struct hv_libvirt_dom *d);

/*
 * Find the status XML whose domstatus pid is @pid under @r's
 * /run/libvirt/qemu/. Returns 0 and *out (clear with hv_libvirt_dom_clear),
 * -ENOENT when none matches (or libvirt is not running), or -errno.
 */
int hv_libvirt_find_pid(const struct hv_root *r, int pid, struct hv_libvirt_dom *out);
