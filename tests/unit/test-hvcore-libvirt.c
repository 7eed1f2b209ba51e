// SPDX-License-Identifier: GPL-2.0-or-later
/* hv-libvirt: status XML, including hostile documents (entities, DTDs, size). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hvcore/hv-libvirt.h"

static int parse(const char *xml, struct hv_libvirt_dom *d)
{
	return hv_libvirt_parse(xml, strlen(xml), d);
}

static void test_status(void **state)
{
	struct hv_libvirt_dom d;

	assert_int_equal(parse("<domstatus state='paused' pid='77'><vcpus><vcpu id='1' pid='80'/>"
			       "<vcpu id='0' pid='79'/><vcpu id='x' pid='1'/><vcpu id='2'/></vcpus>"
			       "<domain type='kvm'><name>vm &amp; co</name><uuid>u-1</uuid>"
			       "<memory unit='GiB'>2</memory></domain></domstatus>", &d), 0);
	assert_int_equal(d.pid, 77);
	assert_string_equal(d.state, "paused");
	assert_string_equal(d.type, "kvm");
	assert_string_equal(d.name, "vm & co");
	assert_string_equal(d.uuid, "u-1");
	assert_int_equal(d.mem_kib, 2 * 1024 * 1024);
	assert_false(d.hugepages);
	assert_int_equal(d.nvcpus, 2);  /* the malformed entries are skipped */
	assert_int_equal(d.vcpus[0].id, 1);
	assert_int_equal(d.vcpus[0].tid, 80);
	hv_libvirt_dom_clear(&d);
}

static void test_hostile(void **state)
{
	struct hv_libvirt_dom d;
	/* An external entity must not be read (no XML_PARSE_NOENT, no DTD loading). */
	const char *xxe = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
			  "<domstatus pid='5'><domain><name>&x;</name></domain></domstatus>";
	const char *laughs = "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY a 'aaaaaaaaaa'>"
			     "<!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
			     "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>"
			     "<!ENTITY e '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>]>"
			     "<domstatus pid='6'><domain><name>&e;</name></domain></domstatus>";
	int rc;

	rc = parse(xxe, &d);
	if (rc == 0) {
		assert_true(!d.name || !strstr(d.name, "root:"));
		hv_libvirt_dom_clear(&d);
	}
	rc = parse(laughs, &d);
	if (rc == 0)
		hv_libvirt_dom_clear(&d);
	assert_int_equal(parse("<domain><name>x</name></domain>", &d), -EINVAL);
	assert_int_equal(parse("<domstatus pid='1'>", &d), -EINVAL);
	assert_int_equal(parse("", &d), -EINVAL);
	assert_int_equal(hv_libvirt_parse("x", HV_LIBVIRT_MAX_XML + 1, &d), -EFBIG);
	assert_int_equal(parse("<domstatus pid='99999999999'/>", &d), 0);
	assert_int_equal(d.pid, 0);
	hv_libvirt_dom_clear(&d);
}

static void test_find(void **state)
{
	const char *base = getenv("TS_ROOTS");
	struct hv_libvirt_dom d;
	struct hv_root *r;
	char path[4096];

	snprintf(path, sizeof(path), "%s/top-t0", base && *base ? base : "tests/roots");
	assert_int_equal(hv_root_new(path, &r), 0);
	assert_int_equal(hv_libvirt_find_pid(r, 1000, &d), 0);  /* broken.xml is skipped */
	assert_string_equal(d.name, "web1");
	assert_true(d.hugepages);
	assert_int_equal(d.nvcpus, 2);
	hv_libvirt_dom_clear(&d);
	assert_int_equal(hv_libvirt_find_pid(r, 2000, &d), -ENOENT);
	hv_root_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
