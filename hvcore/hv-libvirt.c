// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-libvirt: libvirt QEMU status XML (see hv-libvirt.h). The only libxml2 user.
 * Hostile input: no network, no entity substitution, no DTD loading, no
 * XML_PARSE_HUGE (libxml2's own depth and size limits stay on), size and count
 * limits of our own.
 */
#include "hvcore/hv-libvirt.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "hvcore/hv-log.h"

#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)
#define MAX_STATUS_FILES 4096

void hv_libvirt_dom_clear(struct hv_libvirt_dom *d)
{
	if (!d)
		return;
	free(d->name);
	free(d->uuid);
	free(d->state);
	free(d->type);
	free(d->vcpus);
	memset(d, 0, sizeof(*d));
}

static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST name) == 0;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, name))
			return c;
	return NULL;
}

/* A strdup'd attribute or text; NULL when absent. -ENOMEM is reported through *oom. */
static char *dup_xml(xmlChar *x, bool *oom)
{
	char *s;

	if (!x)
		return NULL;
	s = strdup((const char *)x);
	xmlFree(x);
	if (!s)
		*oom = true;
	return s;
}

static int parse_int(xmlChar *x, long long min, long long max, long long *out)
{
	char *end;
	long long v;
	int rc = -EINVAL;

	if (!x)
		return -ENOENT;
	errno = 0;
	v = strtoll((const char *)x, &end, 10);
	if (!errno && end != (const char *)x && *end == '\0' && v >= min && v <= max) {
		*out = v;
		rc = 0;
	}
	xmlFree(x);
	return rc;
}

/* libvirt <memory unit='...'>: b, KiB (default), MiB, GiB, TiB and their SI forms. */
static uint64_t to_kib(long long v, const char *unit)
{
	static const struct { const char *u; double f; } units[] = {
		{ "b", 1.0 / 1024 }, { "bytes", 1.0 / 1024 }, { "KB", 1000.0 / 1024 }, { "k", 1 },
		{ "KiB", 1 }, { "MB", 1e6 / 1024 }, { "M", 1024 }, { "MiB", 1024 },
		{ "GB", 1e9 / 1024 }, { "G", 1024.0 * 1024 }, { "GiB", 1024.0 * 1024 },
		{ "T", 1024.0 * 1024 * 1024 }, { "TiB", 1024.0 * 1024 * 1024 },
	};
	double f = 1;

	if (unit)
		for (size_t i = 0; i < HV_ARRAY_SIZE(units); i++)
			if (strcmp(unit, units[i].u) == 0)
				f = units[i].f;
	if ((double)v * f >= 1.8e19)
		return 0;
	return (uint64_t)((double)v * f);
}

/* <memoryBacking> children into @m (libvirt docs/formatdomain.rst, "Memory Backing"). */
static void memory_backing(const xmlNode *mb, struct hv_mem_backing *m)
{
	const xmlNode *hp = child(mb, "hugepages"), *n;
	xmlChar *x;

	if ((n = child(mb, "source")) && (x = xmlGetProp(n, BAD_CAST "type"))) {
		m->kind = !xmlStrcmp(x, BAD_CAST "file") ? HV_MEM_FILE :
			  !xmlStrcmp(x, BAD_CAST "memfd") ? HV_MEM_MEMFD :
			  !xmlStrcmp(x, BAD_CAST "anonymous") ? HV_MEM_ANON : HV_MEM_UNKNOWN;
		xmlFree(x);
	}
	if (hp) {
		const xmlNode *pg = child(hp, "page");
		long long v;

		m->kind = m->kind == HV_MEM_MEMFD ? HV_MEM_MEMFD_HUGE : HV_MEM_HUGETLBFS;
		if (pg && parse_int(xmlGetProp(pg, BAD_CAST "size"), 1, LLONG_MAX, &v) == 0) {
			xmlChar *unit = xmlGetProp(pg, BAD_CAST "unit");

			m->page_kib = to_kib(v, (const char *)unit);
			xmlFree(unit);
		}
	}
	if ((n = child(mb, "access")) && (x = xmlGetProp(n, BAD_CAST "mode"))) {
		m->shared = !xmlStrcmp(x, BAD_CAST "shared") ? HV_TRI_ON :
			    !xmlStrcmp(x, BAD_CAST "private") ? HV_TRI_OFF : HV_TRI_UNSET;
		xmlFree(x);
	}
	if ((n = child(mb, "allocation")) && (x = xmlGetProp(n, BAD_CAST "mode"))) {
		m->prealloc = !xmlStrcmp(x, BAD_CAST "immediate") ? HV_TRI_ON :
			      !xmlStrcmp(x, BAD_CAST "ondemand") ? HV_TRI_OFF : HV_TRI_UNSET;
		xmlFree(x);
	}
}

int hv_libvirt_parse(const char *buf, size_t len, struct hv_libvirt_dom *out)
{
	xmlDoc *doc;
	const xmlNode *root, *dom, *n;
	bool oom = false;
	long long v;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!buf)
		return -EINVAL;
	if (len > HV_LIBVIRT_MAX_XML)
		return -EFBIG;
	doc = xmlReadMemory(buf, (int)len, "status.xml", NULL, XML_OPTS);
	if (!doc)
		return -EINVAL;
	root = xmlDocGetRootElement(doc);
	if (!root || !is(root, "domstatus")) {
		rc = -EINVAL;
		goto out;
	}
	out->state = dup_xml(xmlGetProp(root, BAD_CAST "state"), &oom);
	if (parse_int(xmlGetProp(root, BAD_CAST "pid"), 1, INT_MAX, &v) == 0)
		out->pid = (int)v;
	n = child(root, "vcpus");
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		long long id, tid;
		struct hv_libvirt_vcpu *nv;

		if (!is(c, "vcpu"))
			continue;
		if (parse_int(xmlGetProp(c, BAD_CAST "id"), 0, HV_LIBVIRT_MAX_VCPUS - 1, &id) < 0 ||
		    parse_int(xmlGetProp(c, BAD_CAST "pid"), 1, INT_MAX, &tid) < 0)
			continue;
		if (out->nvcpus >= HV_LIBVIRT_MAX_VCPUS) {
			rc = -EFBIG;
			goto out;
		}
		nv = realloc(out->vcpus, (out->nvcpus + 1) * sizeof(*nv));
		if (!nv) {
			rc = -ENOMEM;
			goto out;
		}
		out->vcpus = nv;
		out->vcpus[out->nvcpus++] = (struct hv_libvirt_vcpu){ .id = (int)id, .tid = (int)tid };
	}
	dom = child(root, "domain");
	if (dom) {
		out->type = dup_xml(xmlGetProp(dom, BAD_CAST "type"), &oom);
		if ((n = child(dom, "name")))
			out->name = dup_xml(xmlNodeGetContent(n), &oom);
		if ((n = child(dom, "uuid")))
			out->uuid = dup_xml(xmlNodeGetContent(n), &oom);
		if ((n = child(dom, "memory"))) {
			xmlChar *unit = xmlGetProp(n, BAD_CAST "unit");

			if (parse_int(xmlNodeGetContent(n), 0, LLONG_MAX, &v) == 0)
				out->mem_kib = to_kib(v, (const char *)unit);
			xmlFree(unit);
		}
		n = child(dom, "memoryBacking");
		out->hugepages = n && child(n, "hugepages");
		if (n)
			memory_backing(n, &out->mem);
	}
	if (oom)
		rc = -ENOMEM;
out:
	xmlFreeDoc(doc);
	if (rc < 0)
		hv_libvirt_dom_clear(out);
	return rc;
}

int hv_libvirt_find_pid(const struct hv_root *r, int pid, struct hv_libvirt_dom *out)
{
	DIR *d = hv_root_opendirf(r, "/run/libvirt/qemu");
	struct dirent *de;
	int files = 0, rc = -ENOENT;

	memset(out, 0, sizeof(*out));
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? -ENOENT : -errno;
	while ((de = readdir(d)) && files++ < MAX_STATUS_FILES) {
		_cleanup_free_ char *buf = NULL;
		size_t nl = strlen(de->d_name);
		ssize_t n;

		if (nl < 5 || strcmp(de->d_name + nl - 4, ".xml") != 0 || de->d_name[0] == '.')
			continue;
		n = hv_root_read_maxf(r, HV_LIBVIRT_MAX_XML, &buf, "/run/libvirt/qemu/%s", de->d_name);
		if (n < 0)
			continue;
		/* Cheap pre-filter before parsing: the pid attribute must be in the text. */
		{
			char needle[32];

			snprintf(needle, sizeof(needle), "'%d'", pid);
			if (!strstr(buf, needle)) {
				snprintf(needle, sizeof(needle), "\"%d\"", pid);
				if (!strstr(buf, needle))
					continue;
			}
		}
		if (hv_libvirt_parse(buf, (size_t)n, out) < 0)
			continue;
		if (out->pid == pid) {
			rc = 0;
			break;
		}
		hv_libvirt_dom_clear(out);
	}
	closedir(d);
	return rc;
}
