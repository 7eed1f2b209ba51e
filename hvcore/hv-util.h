/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-util: small helpers every module may use. No I/O on host paths here
 * (that is hv-root's job); only fds and memory the caller already owns.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define HV_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define HV_UNUSED __attribute__((unused))
#define HV_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define HV_MIN(a, b) ((a) < (b) ? (a) : (b))
#define HV_MAX(a, b) ((a) > (b) ? (a) : (b))
#define HV_DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
/* -1, 0 or 1 as a < b, a == b, a > b; chain with ?: for qsort comparators. */
#define HV_CMP(a, b) (((a) > (b)) - ((a) < (b)))

/* kmod-style scope cleanup for scratch buffers and fds local to one function. */
static inline void hv_freep(void *p)
{
	free(*(void **)p);
}
static inline void hv_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_free_ __attribute__((cleanup(hv_freep)))
#define _cleanup_close_ __attribute__((cleanup(hv_closep)))

/*
 * A file that is no regular file (a FIFO, socket or device node) where one is
 * read: hv-root refuses it rather than block on it. strerror() does not know
 * this code: print errors with hv_strerror().
 */
#define HV_ENOTREG 4000
/* strerror(@err) (@err > 0), which also names HV_ENOTREG. A static string. */
const char *hv_strerror(int err);

/*
 * Read exactly @len bytes at @off (pread loop, EINTR-safe).
 * Returns 0, -errno, or -ENODATA when the file ends first (short read).
 */
int hv_pread_full(int fd, void *buf, size_t len, off_t off);

/* Write all of @len bytes (write loop). Returns 0 or -errno. */
int hv_write_full(int fd, const void *buf, size_t len);

/*
 * Read the whole of @fd into a new NUL-terminated buffer, at most @max bytes
 * (-EFBIG beyond). Returns the length (>= 0) and *out (caller frees), or -errno.
 */
ssize_t hv_read_fd_all(int fd, size_t max, char **out);

/* strtoull/strtoll over the whole string (surrounding white space allowed). 0 or -EINVAL/-ERANGE. */
int hv_parse_u64(const char *s, int base, uint64_t *out);
int hv_parse_s64(const char *s, int base, int64_t *out);

/*
 * Escape @s for a terminal (human output of every command; JSON has its own
 * escaping): printable UTF-8 is kept; C0 controls and DEL become \e \r \n
 * \t or \xHH, bytes that are not valid UTF-8 \xHH, and C1 controls and the
 * bidirectional overrides (U+202A..U+202E, U+2066..U+2069) \u{HHHH}.
 * Characters in @keep (e.g. "\n" where a renderer breaks lines) pass raw.
 * Returns a new string (caller frees) or NULL on allocation failure.
 */
char *hv_esc(const char *s, const char *keep);
/*
 * The same escaping into @buf of @len bytes (NUL-terminated; a long string is
 * cut at a character boundary, never inside an escape). Returns @buf.
 */
/*
 * Length of the valid UTF-8 sequence at @s (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF) and its code point, or 0 when it is invalid.
 */
size_t hv_utf8_seq(const char *s, uint32_t *cp);
const char *hv_esc_buf(const char *s, char *buf, size_t len);

/* Strip white space at both ends in place; returns @s. */
char *hv_strstrip(char *s);

/* true when @s starts with @prefix; hv_startswith returns the rest or NULL. */
const char *hv_startswith(const char *s, const char *prefix);
bool hv_streq_ptr(const char *a, const char *b);

/* malloc'd printf; NULL on allocation failure. */
char *hv_asprintf(const char *fmt, ...) HV_PRINTF(1, 2);

/*
 * Is @word one of the white-space separated words in @list? (e.g. a cpuinfo
 * "flags" line). Length-bounded, no allocation.
 */
bool hv_word_in_list(const char *list, const char *word);

/*
 * The leading decimal digits of @s (no sign, no space) as a number,
 * saturating at UINT64_MAX; *end (if not NULL) points past them. 0, or
 * -EINVAL when @s does not start with a digit.
 */
int hv_dec_prefix(const char *s, uint64_t *out, const char **end);

/*
 * Iterate over the lines of a NUL-terminated buffer: the next line's start,
 * its length without the '\n' in *len, and *cur moved past it; NULL at the
 * end (or for a NULL *cur). The lines are not NUL-terminated.
 */
const char *hv_next_line(const char **cur, size_t *len);

/*
 * Split a "KEY SEP VALUE" line in place at the first @sep: *key and *val are
 * trimmed. false (nothing changed) when the line has no @sep.
 */
bool hv_kv_split(char *line, char sep, char **key, char **val);

/*
 * CPU lists, as Linux and xl write them ("0-3,6"; xl also "all"). Bit i of
 * @map is CPU i (byte i / 8, as Xen's cpumaps). Parse: 0, or -EINVAL for a
 * malformed list or a CPU beyond the map; "all" sets CPUs 0..@ncpus-1.
 * Format: "all" when exactly CPUs 0..@ncpus-1 are set (@ncpus 0: never),
 * "" for an empty map; writes into @buf.
 */
int hv_cpulist_parse(const char *s, uint8_t *map, size_t nbytes, unsigned int ncpus);
const char *hv_cpulist_format(const uint8_t *map, size_t nbytes, unsigned int ncpus, char *buf,
			      size_t len);

/* Human size with binary units: "1.5 GiB", "512 B". Writes into @buf. */
const char *hv_fmt_size(uint64_t bytes, char *buf, size_t len);

/* Monotonic time in nanoseconds. */
uint64_t hv_now_ns(void);
