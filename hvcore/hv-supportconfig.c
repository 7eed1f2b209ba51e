// SPDX-License-Identifier: GPL-2.0-or-later
/* hv-supportconfig: sections of a supportconfig's files (hv-supportconfig.h). */
#include "hvcore/hv-supportconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-util.h"

/* The largest supportconfig file read (messages.txt of a busy host is bigger: not needed). */
#define SC_FILE_MAX (64u << 20)

/* The start of the line after @p (within @end), or @end. */
static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

ssize_t hv_supportconfig_section(const char *text, size_t len, const char *name, char **out)
{
	const char *p = text, *end = text + len;
	size_t nl = strlen(name);

	*out = NULL;
	while (p < end) {
		const char *l2, *body, *q;
		char *s;

		if ((size_t)(end - p) < 4 || memcmp(p, "#==[", 4) != 0) {
			p = next_line(p, end);
			continue;
		}
		l2 = next_line(p, end);
		if ((size_t)(end - l2) < 2 + nl || memcmp(l2, "# ", 2) != 0 ||
		    memcmp(l2 + 2, name, nl) != 0) {
			p = l2;
			continue;
		}
		body = next_line(l2, end);
		for (q = body; q < end; q = next_line(q, end))
			if ((size_t)(end - q) >= 4 && memcmp(q, "#==[", 4) == 0)
				break;
		s = malloc((size_t)(q - body) + 1);
		if (!s)
			return -ENOMEM;
		memcpy(s, body, (size_t)(q - body));
		s[q - body] = '\0';
		*out = s;
		return q - body;
	}
	return -ENOENT;
}

ssize_t hv_root_supportconfig(const struct hv_root *r, const char *file, const char *name,
			      char **out)
{
	_cleanup_free_ char *text = NULL;
	ssize_t n = hv_root_read_maxf(r, SC_FILE_MAX, &text, "/%s", file);

	*out = NULL;
	if (n < 0)
		return n;
	return hv_supportconfig_section(text, (size_t)n, name, out);
}
