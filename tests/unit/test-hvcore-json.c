// SPDX-License-Identifier: GPL-2.0-or-later
/* hv-json: the document head, strings that are not UTF-8, counters, the two layouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hvcore/hv-json.h"

static char *dump(const json_t *doc, bool stream)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(hv_json_print(f, doc, stream), 0);
	fclose(f);
	return buf;
}

static void test_doc(void **state)
{
	json_t *doc = hv_json_doc("vhv-x");
	char *s;

	json_object_set_new(doc, "n", hv_json_u64(UINT64_MAX));
	json_object_set_new(doc, "a", json_integer(1));
	s = dump(doc, true);
	/* tool and version first, keys in insertion order, a counter clamped, one line */
	assert_string_equal(s, "{\"tool\":\"vhv-x\",\"version\":\"" VHV_VERSION
			       "\",\"n\":9223372036854775807,\"a\":1}\n");
	free(s);
	s = dump(doc, false);
	assert_non_null(strstr(s, "{\n  \"tool\": \"vhv-x\",\n"));
	free(s);
	json_decref(doc);
}

static void test_str(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "qemu-vm1", "qemu-vm1" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },                      /* UTF-8 kept */
		{ "a\xff" "b", "a\xef\xbf\xbd" "b" },                  /* a stray byte */
		{ "\xc3", "\xef\xbf\xbd" },                            /* cut sequence */
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },            /* overlong '/' */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* a surrogate */
		{ "\xf4\x90\x80\x80x", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx" }, /* > U+10FFFF */
		{ "\x1b[31mred\nline", "\x1b[31mred\nline" },          /* JSON escapes controls */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = hv_json_str(cases[i].in);

		assert_non_null(j);
		assert_string_equal(json_string_value(j), cases[i].out);
		json_decref(j);
	}
	{
		json_t *j = hv_json_str(NULL), *o = json_object();
		char *s;

		assert_string_equal(json_string_value(j), "");
		json_decref(j);
		json_object_set_new(o, "vm", hv_json_str("\x1b[31mred\nline"));
		s = dump(o, true);
		assert_string_equal(s, "{\"vm\":\"\\u001B[31mred\\nline\"}\n");
		free(s);
		json_decref(o);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc),
		cmocka_unit_test(test_str),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
