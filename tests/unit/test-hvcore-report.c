// SPDX-License-Identifier: GPL-2.0-or-later
/* hvcore findings and renderers: human layout, the JSON contract, Prometheus, exit codes. */
#include <errno.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hvcore/hv-check.h"
#include "hvcore/hv-report.h"

static char *render(struct hv_report *rep, int json, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	assert_non_null(m);
	if (json)
		assert_int_equal(hv_report_print_json(rep, m, NULL), 0);
	else
		assert_int_equal(hv_report_print_human(rep, m, flags, 80), 0);
	fclose(m);
	return buf;
}

static void test_exit_codes(void **state)
{
	struct hv_report *rep;

	assert_int_equal(hv_report_new("t", "1", &rep), 0);
	hv_report_add(rep, "a.b", HV_SEV_PASS, "fine");
	hv_report_add(rep, "a.c", HV_SEV_SKIP, "skipped");
	assert_int_equal(hv_report_exit_code(rep), 0);
	hv_report_add(rep, "a.d", HV_SEV_WARN, "hmm");
	assert_int_equal(hv_report_exit_code(rep), 3);
	hv_report_add(rep, "a.e", HV_SEV_FAIL, "bad");
	assert_int_equal(hv_report_exit_code(rep), 2);
	assert_int_equal(hv_report_n_sev(rep, HV_SEV_WARN), 1);
	hv_report_free(rep);
	assert_int_equal(hv_sev_parse("WARN"), HV_SEV_WARN);
	assert_int_equal(hv_sev_parse("nope"), -EINVAL);
}

static void test_human_wraps_at_80(void **state)
{
	struct hv_report *rep;
	struct hv_finding *f;
	char *out, *line, *save = NULL;

	assert_int_equal(hv_report_new("t", "1", &rep), 0);
	f = hv_report_add(rep, "kvm.dev", HV_SEV_FAIL,
			  "a rather long message that certainly does not fit on one line of eighty "
			  "columns and so must wrap under the message column");
	hv_finding_hint(f, "load kvm_intel or kvm_amd, or enable VT-x/AMD-V in the firmware setup "
			   "and power-cycle the host");
	hv_report_add(rep, "cpu.vendor", HV_SEV_PASS, "GenuineIntel");
	out = render(rep, 0, 0);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		assert_true(strlen(line) <= 80);
	free(out);
	out = render(rep, 0, HV_REPORT_QUIET);
	assert_null(strstr(out, "GenuineIntel"));
	assert_non_null(strstr(out, "FAIL  kvm.dev"));
	assert_non_null(strstr(out, "hint: load kvm_intel"));
	free(out);
	hv_report_free(rep);
}

static void test_json_contract(void **state)
{
	struct hv_report *rep;
	struct hv_finding *f;
	json_error_t err;
	json_t *doc, *fi;
	char *out;

	assert_int_equal(hv_report_new("vhv-check", "9.9", &rep), 0);
	f = hv_report_add(rep, "boot.xen", HV_SEV_WARN, "quote \" and \\ and \n newline");
	hv_finding_str(f, "path", "/boot/xen.gz");
	hv_finding_bool(f, "default", true);
	hv_finding_int(f, "count", 3);
	hv_finding_str(f, "path", "/boot/xen-4.17.gz");  /* last value wins */
	hv_report_add(rep, "cpu.virt", HV_SEV_PASS, "ok");
	out = render(rep, 1, 0);
	doc = json_loads(out, 0, &err);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "tool")), "vhv-check");
	assert_string_equal(json_string_value(json_object_get(doc, "sysroot")), "/");
	fi = json_array_get(json_object_get(doc, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(fi, "severity")), "warn");
	assert_string_equal(json_string_value(json_object_get(fi, "path")), "/boot/xen-4.17.gz");
	assert_true(json_is_true(json_object_get(fi, "default")));
	assert_int_equal(json_integer_value(json_object_get(fi, "count")), 3);
	assert_true(json_is_null(json_object_get(fi, "hint")));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "summary"), "warn")), 1);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(doc, "summary"), "pass")), 1);
	json_decref(doc);
	free(out);
	hv_report_free(rep);
}

static void test_prometheus(void **state)
{
	struct hv_report *rep;
	char dir[] = "/tmp/vhv-prom.XXXXXX", path[64], buf[4096];
	FILE *fp;
	size_t n;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/vhv.prom", dir);
	assert_int_equal(hv_report_new("vhv-check", "1", &rep), 0);
	hv_finding_str(hv_report_add(rep, "kvm.dev", HV_SEV_FAIL, "x"), "module", "kvm\"x");
	assert_int_equal(hv_report_write_prometheus(rep, path, "vhv_check"), 0);
	fp = fopen(path, "r");
	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	/* one series per (check, severity); subject fields are never labels */
	assert_non_null(strstr(buf, "vhv_check_check_findings{check=\"kvm.dev\",severity=\"fail\"} 1\n"));
	assert_non_null(strstr(buf, "vhv_check_check_findings{check=\"kvm.dev\",severity=\"pass\"} 0\n"));
	assert_null(strstr(buf, "module="));
	assert_non_null(strstr(buf, "vhv_check_exit_code 2\n"));
	assert_non_null(strstr(buf, "vhv_check_findings{severity=\"fail\"} 1\n"));
	/* the write is a rename: no temp file is left */
	snprintf(buf, sizeof(buf), "%s/vhv.prom.tmp.%d", dir, (int)getpid());
	assert_int_not_equal(access(buf, F_OK), 0);
	unlink(path);
	rmdir(dir);
	hv_report_free(rep);
}

static int run_ok(struct hv_check_ctx *ctx)
{
	hv_report_add(ctx->rep, ctx->check->id, HV_SEV_PASS, "ran");
	return 0;
}

static int run_enoent(struct hv_check_ctx *ctx)
{
	return -ENOENT;
}

static int run_eacces(struct hv_check_ctx *ctx)
{
	return -EACCES;
}

static void test_check_runner(void **state)
{
	static const struct hv_check tab[] = {
		{ "kvm.a", "A", run_ok, 0 },
		{ "kvm.b", "B", run_enoent, 0 },
		{ "cpu.c", "C", run_eacces, 0 },
		{ "cpu.live", "L", run_ok, HV_NEED_LIVE },
	};
	const char *only_kvm[] = { "kvm", NULL };
	struct hv_report *rep;
	struct hv_root *root;
	char tmpl[] = "/tmp/vhv-offline.XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	assert_int_equal(hv_root_new(tmpl, &root), 0);
	assert_int_equal(hv_report_new("t", "1", &rep), 0);
	assert_int_equal(hv_checks_run(tab, 4, root, rep, only_kvm, NULL), 2);
	assert_int_equal(hv_report_count(rep), 2);
	assert_int_equal(hv_finding_sev(hv_report_get(rep, 1)), HV_SEV_SKIP);
	assert_int_equal(hv_checks_run(tab, 4, root, rep, NULL, NULL), 4);
	/* the live-only check does not run on an offline root; it is said once, at the end */
	assert_int_equal(hv_checks_add_unknowable(root, rep), 0);
	assert_string_equal(hv_finding_check(hv_report_get(rep, hv_report_count(rep) - 1)),
			    "sysroot");
	assert_int_equal(hv_finding_sev(hv_report_get(rep, hv_report_count(rep) - 1)),
			 HV_SEV_SKIP);
	assert_non_null(strstr(hv_finding_message(hv_report_get(rep, hv_report_count(rep) - 1)),
			       "needing the running kernel: cpu.live"));
	assert_non_null(strstr(hv_finding_hint_text(hv_report_get(rep, 4)), "root"));
	assert_true(hv_check_selected("kvm.dev", only_kvm));
	assert_false(hv_check_selected("kvmx.dev", only_kvm));
	hv_report_free(rep);
	hv_root_free(root);
	rmdir(tmpl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_human_wraps_at_80),
		cmocka_unit_test(test_json_contract),
		cmocka_unit_test(test_prometheus),
		cmocka_unit_test(test_check_runner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
