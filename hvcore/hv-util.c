// SPDX-License-Identifier: GPL-2.0-or-later
#include "hvcore/hv-util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *hv_strerror(int err)
{
	if (err == HV_ENOTREG)
		return "not a regular file (a FIFO, socket or device): not read";
	return strerror(err);
}

int hv_pread_full(int fd, void *buf, size_t len, off_t off)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = pread(fd, p, len, off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENODATA;
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

int hv_write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t hv_read_fd_all(int fd, size_t max, char **out)
{
	size_t cap = HV_MIN((size_t)4096, max), len = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			if (cap >= max) {
				/* at the limit: one more byte (buf has room for it) tells EOF from too big */
				do
					n = read(fd, buf + len, 1);
				while (n < 0 && errno == EINTR);
				if (n == 0)
					break;
				free(buf);
				return n < 0 ? -errno : -EFBIG;
			}
			cap = HV_MIN(cap * 2, max);
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			int e = errno;

			if (e == EINTR)
				continue;
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

int hv_parse_u64(const char *s, int base, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-' || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int hv_parse_s64(const char *s, int base, int64_t *out)
{
	char *end;
	long long v;

	if (!s)
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * Length of the valid UTF-8 sequence at @p (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF) and its code point, or 0 when it is invalid.
 */
size_t hv_utf8_seq(const char *s, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;
	uint32_t c;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (n == 4 && (c < 0x10000 || c > 0x10ffff)))
		return 0;
	*cp = c;
	return n;
}

/*
 * Escape one character at @p into @e (at least 11 bytes); returns the input
 * bytes used (at least 1) and sets *elen (0: copy the input bytes raw).
 */
static size_t esc_one(const char *p, const char *keep, char *e, size_t *elen)
{
	const unsigned char *u = (const unsigned char *)p;
	uint32_t cp;
	size_t n = hv_utf8_seq(p, &cp);

	*elen = 0;
	if (n == 0) {
		*elen = (size_t)snprintf(e, 11, "\\x%02x", u[0]);
		return 1;
	}
	if (n == 1 && keep && strchr(keep, p[0]))
		return 1;
	if (cp < 0x20 || cp == 0x7f) {
		const char *named = cp == 0x1b ? "\\e" : cp == '\r' ? "\\r" : cp == '\n' ? "\\n" :
				    cp == '\t' ? "\\t" : NULL;

		*elen = named ? (size_t)snprintf(e, 11, "%s", named) :
				(size_t)snprintf(e, 11, "\\x%02x", (unsigned)cp);
	} else if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
		   (cp >= 0x2066 && cp <= 0x2069)) {
		*elen = (size_t)snprintf(e, 11, "\\u{%04x}", (unsigned)cp);
	}
	return n;
}

/*
 * Escape @s into @buf of @len bytes (nothing is written when @len is 0; the
 * output stops before the first piece that does not fit). Returns the length
 * of the whole escaped string, written or not.
 */
static size_t esc_into(const char *s, const char *keep, char *buf, size_t len)
{
	size_t o = 0;
	bool full = len == 0;

	for (const char *p = s; *p;) {
		char e[12];
		size_t elen, n = esc_one(p, keep, e, &elen);
		size_t sl = elen ? elen : n;

		if (!full && o + sl < len) {
			memcpy(buf + o, elen ? e : p, sl);
		} else if (!full) {
			buf[o] = '\0';
			full = true;
		}
		o += sl;
		p += n;
	}
	if (!full)
		buf[o] = '\0';
	return o;
}

const char *hv_esc_buf(const char *s, char *buf, size_t len)
{
	esc_into(s, NULL, buf, len);
	return buf;
}

char *hv_esc(const char *s, const char *keep)
{
	size_t n = esc_into(s, keep, NULL, 0);
	char *out = malloc(n + 1);

	if (out)
		esc_into(s, keep, out, n + 1);
	return out;
}

char *hv_strstrip(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

const char *hv_startswith(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

bool hv_streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

char *hv_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

bool hv_word_in_list(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;

	if (!list || !wl)
		return false;
	while (*p) {
		size_t n;

		while (*p && isspace((unsigned char)*p))
			p++;
		n = 0;
		while (p[n] && !isspace((unsigned char)p[n]))
			n++;
		if (n == wl && memcmp(p, word, wl) == 0)
			return true;
		p += n;
	}
	return false;
}

int hv_dec_prefix(const char *s, uint64_t *out, const char **end)
{
	uint64_t n = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	while (isdigit((unsigned char)*s)) {
		uint64_t d = (uint64_t)(*s++ - '0');

		n = n > (UINT64_MAX - d) / 10 ? UINT64_MAX : n * 10 + d;
	}
	*out = n;
	if (end)
		*end = s;
	return 0;
}

const char *hv_next_line(const char **cur, size_t *len)
{
	const char *s = *cur, *nl;

	if (!s || !*s)
		return NULL;
	nl = strchr(s, '\n');
	*len = nl ? (size_t)(nl - s) : strlen(s);
	*cur = nl ? nl + 1 : s + *len;
	return s;
}

bool hv_kv_split(char *line, char sep, char **key, char **val)
{
	char *at = strchr(line, sep);

	if (!at)
		return false;
	*at = '\0';
	*key = hv_strstrip(line);
	*val = hv_strstrip(at + 1);
	return true;
}

int hv_cpulist_parse(const char *s, uint8_t *map, size_t nbytes, unsigned int ncpus)
{
	memset(map, 0, nbytes);
	while (isspace((unsigned char)*s))
		s++;
	if (!strcmp(s, "all")) {
		if (!ncpus || ncpus > nbytes * 8)
			return -EINVAL;
		for (unsigned int c = 0; c < ncpus; c++)
			map[c / 8] |= (uint8_t)(1u << (c % 8));
		return 0;
	}
	if (!*s)
		return -EINVAL;
	while (*s) {
		char *end;
		unsigned long a, b;

		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		errno = 0;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (errno || b < a || b >= nbytes * 8)
			return -EINVAL;
		for (unsigned long c = a; c <= b; c++)
			map[c / 8] |= (uint8_t)(1u << (c % 8));
		if (*end == ',' && isdigit((unsigned char)end[1])) {
			s = end + 1;
			continue;
		}
		while (isspace((unsigned char)*end))
			end++;
		if (*end)
			return -EINVAL;
		break;
	}
	return 0;
}

const char *hv_cpulist_format(const uint8_t *map, size_t nbytes, unsigned int ncpus, char *buf,
			      size_t len)
{
	size_t nbits = nbytes * 8, pos = 0, c = 0;
	bool all = ncpus > 0 && ncpus <= nbits;

#define BIT(i) ((map[(i) / 8] >> ((i) % 8)) & 1)
	for (size_t i = 0; i < nbits && all; i++)
		if (BIT(i) != (i < ncpus))
			all = false;
	if (all) {
		snprintf(buf, len, "all");
		return buf;
	}
	if (len)
		buf[0] = '\0';
	while (c < nbits) {
		size_t e;
		int n;

		if (!BIT(c)) {
			c++;
			continue;
		}
		for (e = c; e + 1 < nbits && BIT(e + 1); e++)
			;
		n = e == c ? snprintf(buf + pos, len - pos, "%s%zu", pos ? "," : "", c)
			   : snprintf(buf + pos, len - pos, "%s%zu-%zu", pos ? "," : "", c, e);
		if (n < 0 || (size_t)n >= len - pos)
			break;  /* truncated: the list so far */
		pos += (size_t)n;
		c = e + 1;
	}
#undef BIT
	return buf;
}

const char *hv_fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int u = 0;
	double v = (double)bytes;

	while (v >= 1024.0 && u + 1 < HV_ARRAY_SIZE(units)) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", (unsigned long long)bytes);
	else if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%.0f %s", v, units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

uint64_t hv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
