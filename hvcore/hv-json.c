// SPDX-License-Identifier: GPL-2.0-or-later
/* hv-json: the layout of vhv's JSON documents (see hv-json.h). */
#include "hvcore/hv-json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-util.h"

json_t *hv_json_doc(const char *tool)
{
	json_t *doc = json_object();

	if (doc && (json_object_set_new(doc, "tool", json_string(tool)) < 0 ||
		    json_object_set_new(doc, "version", json_string(VHV_VERSION)) < 0)) {
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

json_t *hv_json_u64(uint64_t v)
{
	return json_integer(v > INT64_MAX ? INT64_MAX : (json_int_t)v);
}

int hv_json_print(FILE *out, const json_t *doc, bool stream)
{
	size_t flags = JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10);

	flags |= stream ? JSON_COMPACT : JSON_INDENT(2);
	if (json_dumpf(doc, out, flags) < 0 || fputc('\n', out) == EOF || fflush(out) == EOF)
		return -EIO;
	return 0;
}

json_t *hv_json_str(const char *s)
{
	const char *p;
	size_t n = 0, len;
	json_t *j;
	char *buf;

	if (!s)
		return json_string("");
	j = json_string(s);
	if (j)
		return j;
	/* Not UTF-8: each bad byte becomes the 3 bytes of U+FFFD. */
	len = strlen(s);
	buf = malloc(len * 3 + 1);
	if (!buf)
		return NULL;
	for (p = s; *p;) {
		uint32_t cp;
		size_t k = hv_utf8_seq(p, &cp);

		if (k) {
			memcpy(buf + n, p, k);
			n += k;
			p += k;
		} else {
			memcpy(buf + n, "\xef\xbf\xbd", 3);
			n += 3;
			p++;
		}
	}
	j = json_stringn(buf, n);
	free(buf);
	return j;
}
