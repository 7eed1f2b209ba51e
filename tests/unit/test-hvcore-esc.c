// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-hvcore-esc: hv_esc()/hv_esc_buf(), the one escaping of human output
 * (issue 17): ESC, CR/LF, other C0 and C1 controls, DEL, invalid UTF-8,
 * bidirectional overrides and very long strings; printable UTF-8 untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hvcore/hv-util.h"

static void expect(const char *in, const char *keep, const char *want)
{
	char *got = hv_esc(in, keep);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_controls(void **state)
{
	(void)state;
	expect("plain name-1_x.y", NULL, "plain name-1_x.y");
	expect("\033[31mred\nline", NULL, "\\e[31mred\\nline");
	expect("a\rb\tc\001d\177e", NULL, "a\\rb\\tc\\x01d\\x7fe");
	expect("two\nlines", "\n", "two\nlines");
	expect("back\\slash", NULL, "back\\slash");
	/* C1 controls: CSI U+009B would start an escape sequence on some terminals */
	expect("x\xc2\x9b" "31my", NULL, "x\\u{009b}31my");
	expect("x\xc2\x85y", NULL, "x\\u{0085}y");
	/* bidirectional overrides (trojan-source style reordering) */
	expect("a\xe2\x80\xae" "b", NULL, "a\\u{202e}b");
	expect("a\xe2\x81\xa6" "b", NULL, "a\\u{2066}b");
}

static void test_utf8(void **state)
{
	(void)state;
	expect("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xa7", NULL,
	       "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xa7");
	/* invalid: a lone continuation, an overlong '/', a surrogate, a cut sequence */
	expect("a\x80z", NULL, "a\\x80z");
	expect("\xc0\xaf", NULL, "\\xc0\\xaf");
	expect("\xed\xa0\x80", NULL, "\\xed\\xa0\\x80");
	expect("end\xe6\x97", NULL, "end\\xe6\\x97");
	expect("\xf5\x80\x80\x80", NULL, "\\xf5\\x80\\x80\\x80");
}

static void test_long(void **state)
{
	size_t n = 1u << 20;
	char *in = malloc(n + 1), *out, buf[16];

	(void)state;
	assert_non_null(in);
	memset(in, '\033', n);
	in[n] = '\0';
	out = hv_esc(in, NULL);
	assert_non_null(out);
	assert_int_equal(strlen(out), 2 * n);
	free(out);
	/* a fixed buffer cuts between escapes, never inside one, and stays terminated */
	hv_esc_buf(in, buf, sizeof(buf));
	assert_string_equal(buf, "\\e\\e\\e\\e\\e\\e\\e");
	hv_esc_buf("ab\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", buf, sizeof(buf));
	assert_string_equal(buf, "ab\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	hv_esc_buf("x", buf, 1);
	assert_string_equal(buf, "");
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
