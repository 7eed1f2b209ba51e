// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli/cli-common.h"

#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-report.h"

static const char *prog_name = "vhv";
/* "PROG SUB" once a subcommand runs: what messages start with */
static char *who_name;

static const char *who(void)
{
	return who_name ? who_name : prog_name;
}

/* A message line on stderr, escaped (hv_esc): it may quote names and paths of the host or input. */
HV_PRINTF(1, 0) static void print_esc(const char *fmt, va_list ap)
{
	char *raw = NULL, *e = NULL;

	if (vasprintf(&raw, fmt, ap) < 0)
		raw = NULL;
	e = raw ? hv_esc(raw, NULL) : NULL;
	fputs(e ? e : "(out of memory)", stderr);
	fputc('\n', stderr);
	free(e);
	free(raw);
}

static void log_to_stderr(void *data, int prio, const char *file, int line, const char *fn,
			  const char *fmt, va_list args)
{
	fprintf(stderr, "%s: ", who());
	if (prio == HV_LOG_WARN)
		fputs("warning: ", stderr);
	else if (prio >= HV_LOG_DEBUG)
		fprintf(stderr, "debug: %s:%d %s: ", file, line, fn);
	print_esc(fmt, args);
}

void cli_init(char **argv)
{
	const char *slash = strrchr(argv[0], '/');

	prog_name = slash ? slash + 1 : argv[0];
	argv[0] = (char *)prog_name;
	setlocale(LC_ALL, "");
	hv_log_set_fn(log_to_stderr, NULL);
	hv_log_set_priority(HV_LOG_WARN);
}

const char *cli_prog(void)
{
	return prog_name;
}

void cli_subcommand(char **argv, const char *sub)
{
	free(who_name);
	who_name = xasprintf("%s %s", prog_name, sub);
	argv[0] = who_name;
}

void cli_verbose(void)
{
	int p = hv_log_get_priority();

	hv_log_set_priority(p < HV_LOG_INFO ? HV_LOG_INFO : HV_LOG_DEBUG);
}

static void vmsg(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", who(), what);
	print_esc(fmt, ap);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void cli_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	exit(CLI_EXIT_ERROR);
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
	cli_usage_hint();
	exit(CLI_EXIT_ERROR);
}

void cli_usage_hint(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", who());
}

static void oom(void)
{
	fprintf(stderr, "%s: out of memory\n", who());
	exit(CLI_EXIT_ERROR);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return s;
}

enum cli_output cli_parse_output(const char *arg)
{
	if (strcmp(arg, "human") == 0)
		return CLI_OUTPUT_HUMAN;
	if (strcmp(arg, "json") == 0)
		return CLI_OUTPUT_JSON;
	cli_usage_error("unknown output format '%s' (human or json)", arg);
}

bool cli_parse_color(const char *when, FILE *fp)
{
	if (!when || strcmp(when, "auto") == 0)
		return hv_want_color(fp);
	if (strcmp(when, "always") == 0)
		return true;
	if (strcmp(when, "never") == 0)
		return false;
	cli_usage_error("--color takes auto, always or never, not '%s'", when);
}

struct hv_root *cli_open_root(const char *sysroot)
{
	struct hv_root *r;
	int rc = hv_root_new(sysroot, &r);

	if (rc < 0)
		cli_die("cannot use %s as the root: %s", sysroot ? sysroot : "/", strerror(-rc));
	return r;
}

char **cli_split_list(const char *s)
{
	size_t n = 1, i = 0;
	char **v, *copy, *tok, *save = NULL;

	for (const char *p = s; *p; p++)
		n += *p == ',';
	v = xcalloc(n + 1, sizeof(*v));
	copy = xstrdup(s);
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		v[i++] = xstrdup(tok);
	free(copy);
	v[i] = NULL;
	return v;
}

void cli_free_list(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

int cli_columns(void)
{
	const char *c = getenv("COLUMNS");
	uint64_t v;

	if (c && hv_parse_u64(c, 10, &v) == 0 && v >= 40 && v <= 1000)
		return (int)v;
	return 80;
}
