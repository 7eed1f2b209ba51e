// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-report: findings and their three renderings. Human output follows
 * virt-host-validate's spirit (one line per check, a verdict word), aligned
 * and wrapped to 80 columns; JSON is the contract documented in vhv-check(8);
 * Prometheus is a node_exporter textfile written with an atomic rename.
 */
#include "hvcore/hv-report.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "hvcore/hv-log.h"

enum field_type { F_STR, F_INT, F_BOOL };

struct hv_field {
	char *key;
	enum field_type type;
	char *s;
	int64_t i;
};

struct hv_finding {
	char *check;
	enum hv_sev sev;
	char *message;
	char *hint;
	struct hv_field *fields;
	size_t nfields;
};

struct hv_report {
	char *tool;
	char *version;
	char *sysroot;
	struct hv_finding *items;
	size_t n, cap;
	int error;
	char **ran;      /* ids of the checks that ran, in order (hv_report_ran) */
	size_t nran;
	struct { char *id; const char *what; } *unk;  /* hv_report_unknowable */
	size_t nunk;
};

static const char *const sev_names[HV_SEV_COUNT] = { "pass", "info", "warn", "fail", "skip" };
static const char *const sev_labels[HV_SEV_COUNT] = { "PASS", "INFO", "WARN", "FAIL", "SKIP" };

const char *hv_sev_name(enum hv_sev s)
{
	return s < HV_SEV_COUNT ? sev_names[s] : "?";
}

const char *hv_sev_label(enum hv_sev s)
{
	return s < HV_SEV_COUNT ? sev_labels[s] : "?";
}

int hv_sev_parse(const char *s)
{
	for (int i = 0; i < HV_SEV_COUNT; i++)
		if (strcasecmp(s, sev_names[i]) == 0)
			return i;
	return -EINVAL;
}

int hv_report_new(const char *tool, const char *version, struct hv_report **out)
{
	struct hv_report *rep = calloc(1, sizeof(*rep));

	if (!rep)
		return -ENOMEM;
	rep->tool = strdup(tool);
	rep->version = strdup(version);
	if (!rep->tool || !rep->version) {
		hv_report_free(rep);
		return -ENOMEM;
	}
	*out = rep;
	return 0;
}

static void finding_clear(struct hv_finding *f)
{
	free(f->check);
	free(f->message);
	free(f->hint);
	for (size_t i = 0; i < f->nfields; i++) {
		free(f->fields[i].key);
		free(f->fields[i].s);
	}
	free(f->fields);
}

void hv_report_free(struct hv_report *rep)
{
	if (!rep)
		return;
	for (size_t i = 0; i < rep->n; i++)
		finding_clear(&rep->items[i]);
	free(rep->items);
	for (size_t i = 0; i < rep->nran; i++)
		free(rep->ran[i]);
	free(rep->ran);
	for (size_t i = 0; i < rep->nunk; i++)
		free(rep->unk[i].id);
	free(rep->unk);
	free(rep->tool);
	free(rep->version);
	free(rep->sysroot);
	free(rep);
}

int hv_report_set_sysroot(struct hv_report *rep, const char *sysroot)
{
	char *s = NULL;

	if (sysroot && !(s = strdup(sysroot)))
		return -ENOMEM;
	free(rep->sysroot);
	rep->sysroot = s;
	return 0;
}

struct hv_finding *hv_report_add(struct hv_report *rep, const char *check, enum hv_sev sev,
				 const char *fmt, ...)
{
	struct hv_finding *f;
	va_list ap;
	int n;

	if (rep->n == rep->cap) {
		size_t cap = rep->cap ? rep->cap * 2 : 32;
		struct hv_finding *items = realloc(rep->items, cap * sizeof(*items));

		if (!items) {
			rep->error = -ENOMEM;
			return NULL;
		}
		rep->items = items;
		rep->cap = cap;
	}
	f = &rep->items[rep->n];
	memset(f, 0, sizeof(*f));
	f->sev = sev;
	f->check = strdup(check);
	va_start(ap, fmt);
	n = vasprintf(&f->message, fmt, ap);
	va_end(ap);
	if (n < 0)
		f->message = NULL;
	if (!f->check || !f->message) {
		finding_clear(f);
		rep->error = -ENOMEM;
		return NULL;
	}
	rep->n++;
	return f;
}

/* vasprintf, NULL when out of memory. */
HV_PRINTF(1, 0) static char *vstr(const char *fmt, va_list ap)
{
	char *s;

	return vasprintf(&s, fmt, ap) < 0 ? NULL : s;
}

void hv_finding_hint(struct hv_finding *f, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return;
	free(f->hint);
	va_start(ap, fmt);
	f->hint = vstr(fmt, ap);
	va_end(ap);
}

int hv_report_ran(struct hv_report *rep, const char *id)
{
	char **nr, *dup;

	for (size_t i = 0; i < rep->nran; i++)
		if (strcmp(rep->ran[i], id) == 0)
			return 0;
	dup = strdup(id);
	nr = dup ? realloc(rep->ran, (rep->nran + 1) * sizeof(*nr)) : NULL;
	if (!nr) {
		free(dup);
		rep->error = -ENOMEM;
		return -ENOMEM;
	}
	rep->ran = nr;
	rep->ran[rep->nran++] = dup;
	return 0;
}

int hv_report_unknowable(struct hv_report *rep, const char *id, const char *what)
{
	char *dup = strdup(id);
	void *nu = dup ? realloc(rep->unk, (rep->nunk + 1) * sizeof(*rep->unk)) : NULL;

	if (!nu) {
		free(dup);
		rep->error = -ENOMEM;
		return -ENOMEM;
	}
	rep->unk = nu;
	rep->unk[rep->nunk].id = dup;
	rep->unk[rep->nunk++].what = what;
	return 0;
}

int hv_report_add_unknowable(struct hv_report *rep, const char *where, const char *hint)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	struct hv_finding *f;

	if (!rep->nunk)
		return 0;
	m = open_memstream(&buf, &len);
	if (!m)
		return -ENOMEM;
	fprintf(m, "%s: not knowable from its files", where);
	/* grouped by what they need, in the order first met */
	for (size_t i = 0; i < rep->nunk; i++) {
		bool first = true, seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(rep->unk[j].what, rep->unk[i].what);
		if (seen)
			continue;
		fprintf(m, "; needing %s:", rep->unk[i].what);
		for (size_t j = i; j < rep->nunk; j++) {
			if (strcmp(rep->unk[j].what, rep->unk[i].what))
				continue;
			fprintf(m, "%s %s", first ? "" : ",", rep->unk[j].id);
			first = false;
		}
	}
	if (fclose(m) != 0) {
		free(buf);
		return -ENOMEM;
	}
	f = hv_report_add(rep, "sysroot", HV_SEV_SKIP, "%s", buf);
	free(buf);
	hv_finding_hint(f, "%s", hint);
	return f ? 0 : -ENOMEM;
}

const char *hv_layer_name(enum hv_layer l)
{
	static const char *const names[HV_LAYER_COUNT] = {
		[HV_LAYER_HARDWARE] = "hardware", [HV_LAYER_FIRMWARE] = "firmware",
		[HV_LAYER_BOOT] = "boot", [HV_LAYER_MODPARAM] = "module-parameter",
		[HV_LAYER_RUNTIME] = "runtime", [HV_LAYER_HOST] = "host-hypervisor",
	};

	return (unsigned)l < HV_LAYER_COUNT ? names[l] : NULL;
}

static struct hv_field *field_slot(struct hv_finding *f, const char *key);

void hv_finding_evidence(struct hv_finding *f, enum hv_layer layer, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!f)
		return;
	va_start(ap, fmt);
	s = vstr(fmt, ap);
	va_end(ap);
	if (s)
		hv_finding_str(f, "evidence", s);
	free(s);
	if (hv_layer_name(layer))
		hv_finding_str(f, "layer", hv_layer_name(layer));
}

static struct hv_field *field_slot(struct hv_finding *f, const char *key)
{
	struct hv_field *nf;

	for (size_t i = 0; i < f->nfields; i++) {
		if (strcmp(f->fields[i].key, key) == 0) {
			free(f->fields[i].s);
			f->fields[i].s = NULL;
			return &f->fields[i];
		}
	}
	nf = realloc(f->fields, (f->nfields + 1) * sizeof(*nf));
	if (!nf)
		return NULL;
	f->fields = nf;
	nf = &f->fields[f->nfields];
	memset(nf, 0, sizeof(*nf));
	nf->key = strdup(key);
	if (!nf->key)
		return NULL;
	f->nfields++;
	return nf;
}

void hv_finding_str(struct hv_finding *f, const char *key, const char *val)
{
	struct hv_field *fl;

	if (!f || !val || !(fl = field_slot(f, key)))
		return;
	fl->type = F_STR;
	fl->s = strdup(val);
}

void hv_finding_int(struct hv_finding *f, const char *key, int64_t val)
{
	struct hv_field *fl;

	if (!f || !(fl = field_slot(f, key)))
		return;
	fl->type = F_INT;
	fl->i = val;
}

void hv_finding_bool(struct hv_finding *f, const char *key, bool val)
{
	struct hv_field *fl;

	if (!f || !(fl = field_slot(f, key)))
		return;
	fl->type = F_BOOL;
	fl->i = val;
}

void hv_finding_value(struct hv_finding *f, const char *key, const char *val)
{
	const char *d = val && val[0] == '-' ? val + 1 : val;
	char *end;
	long long v;

	if (!d || !*d || (d[0] == '0' && d[1]) || strspn(d, "0123456789") != strlen(d)) {
		hv_finding_str(f, key, val);
		return;
	}
	errno = 0;
	v = strtoll(val, &end, 10);
	if (errno || *end)
		hv_finding_str(f, key, val);    /* out of range: the text as read */
	else
		hv_finding_int(f, key, v);
}

size_t hv_report_count(const struct hv_report *rep)
{
	return rep->n;
}

const struct hv_finding *hv_report_get(const struct hv_report *rep, size_t i)
{
	return i < rep->n ? &rep->items[i] : NULL;
}

const char *hv_finding_check(const struct hv_finding *f)
{
	return f->check;
}

enum hv_sev hv_finding_sev(const struct hv_finding *f)
{
	return f->sev;
}

const char *hv_finding_message(const struct hv_finding *f)
{
	return f->message;
}

const char *hv_finding_hint_text(const struct hv_finding *f)
{
	return f->hint;
}

const char *hv_finding_get_str(const struct hv_finding *f, const char *key)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].key, key) == 0)
			return f->fields[i].type == F_STR ? f->fields[i].s : NULL;
	return NULL;
}

size_t hv_report_n_sev(const struct hv_report *rep, enum hv_sev s)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n; i++)
		n += rep->items[i].sev == s;
	return n;
}

int hv_report_error(const struct hv_report *rep)
{
	return rep->error;
}

int hv_report_exit_code(const struct hv_report *rep)
{
	if (hv_report_n_sev(rep, HV_SEV_FAIL))
		return 2;
	if (hv_report_n_sev(rep, HV_SEV_WARN))
		return 3;
	return 0;
}

bool hv_want_color(FILE *fp)
{
	const char *term = getenv("TERM");

	if (getenv("NO_COLOR"))
		return false;
	if (!term || strcmp(term, "dumb") == 0)
		return false;
	return isatty(fileno(fp));
}

/* ---- human ---------------------------------------------------------------- */

static const char *const sev_colors[HV_SEV_COUNT] = {
	"\033[32m", "\033[36m", "\033[33m", "\033[1;31m", "\033[2m",
};

/*
 * Print @text word-wrapped at @width, continuation lines indented to @col (the
 * cursor is at @col already). Runs of spaces fold to one; '\n' starts a line.
 */
static void print_wrapped(FILE *out, const char *text, int col, int width)
{
	int pos = col;
	bool first = true;

	for (const char *p = text; *p;) {
		int wl;

		if (*p == '\n') {
			fprintf(out, "\n%*s", col, "");
			pos = col;
			first = true;
			p++;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		wl = (int)strcspn(p, " \n");
		if (wl > width - col) {
			/*
			 * A word wider than the column (a long path) is cut: after the
			 * last '/' that fits, else at the edge.
			 */
			int room = width - pos - (first ? 0 : 1), cut = 0;

			if (room < 8) {
				fprintf(out, "\n%*s", col, "");
				pos = col;
				first = true;
				room = width - col;
			}
			for (int k = 0; k < room && k < wl; k++)
				if (p[k] == '/' && k > 0)
					cut = k + 1;
			if (cut == 0)
				cut = room;
			if (!first)
				fputc(' ', out);
			fwrite(p, 1, (size_t)cut, out);
			fprintf(out, "\n%*s", col, "");
			pos = col;
			first = true;
			p += cut;
			/* the rest of the word continues on the new line with no space */
			wl = (int)strcspn(p, " \n");
			if (wl <= width - col) {
				fwrite(p, 1, (size_t)wl, out);
				pos += wl;
				first = false;
				p += wl;
			}
			continue;
		}
		if (!first && pos + 1 + wl > width) {
			fprintf(out, "\n%*s", col, "");
			pos = col;
			first = true;
		}
		if (!first) {
			fputc(' ', out);
			pos++;
		}
		fwrite(p, 1, (size_t)wl, out);
		pos += wl;
		first = false;
		p += wl;
	}
	fputc('\n', out);
}

/* print_wrapped() of @text escaped for the terminal (hv_esc): a quoted "\n" stays on its line */
static void print_wrapped_esc(FILE *out, const char *text, int col, int width)
{
	_cleanup_free_ char *e = hv_esc(text, NULL);

	print_wrapped(out, e ? e : "(out of memory)", col, width);
}

void hv_report_print_wrapped(FILE *out, const char *text, int col, int width)
{
	print_wrapped_esc(out, text, col, width);
}

int hv_report_print_human(const struct hv_report *rep, FILE *out, unsigned flags, int width)
{
	int idw = 0;
	size_t shown = 0;

	if (width <= 0)
		width = 80;
	for (size_t i = 0; i < rep->n; i++) {
		int l = (int)strlen(rep->items[i].check);

		if (l > idw)
			idw = l;
	}
	if (idw > 24)
		idw = 24;
	for (size_t i = 0; i < rep->n; i++) {
		const struct hv_finding *f = &rep->items[i];
		int col, l = (int)strlen(f->check);

		if ((flags & HV_REPORT_QUIET) && f->sev != HV_SEV_WARN && f->sev != HV_SEV_FAIL)
			continue;
		shown++;
		if (flags & HV_REPORT_COLOR)
			fprintf(out, "%s%s\033[0m  ", sev_colors[f->sev], sev_labels[f->sev]);
		else
			fprintf(out, "%s  ", sev_labels[f->sev]);
		if (l > idw) {
			/* a long id gets a line of its own, the message below */
			fprintf(out, "%s\n%*s", f->check, 6 + idw + 2, "");
		} else {
			fprintf(out, "%-*s  ", idw, f->check);
		}
		col = 6 + idw + 2;
		/* messages quote names and file contents of the host: no raw controls */
		print_wrapped_esc(out, f->message, col, width);
		if (f->sev == HV_SEV_WARN || f->sev == HV_SEV_FAIL) {
			const char *ev = hv_finding_get_str(f, "evidence");
			const char *layer = hv_finding_get_str(f, "layer");

			if (layer) {
				fprintf(out, "%*sat fault: ", col, "");
				print_wrapped_esc(out, layer, col + 10, width);
			}
			if (ev) {
				fprintf(out, "%*sevidence: ", col, "");
				print_wrapped_esc(out, ev, col + 10, width);
			}
		}
		if (f->hint && f->sev != HV_SEV_PASS) {
			fprintf(out, "%*shint: ", col, "");
			print_wrapped_esc(out, f->hint, col + 6, width);
		}
	}
	if (!(flags & HV_REPORT_NO_SUMMARY)) {
		if ((flags & HV_REPORT_QUIET) && shown == 0)
			return ferror(out) ? -EIO : 0;
		fprintf(out, "%s%zu checks: %zu pass, %zu info, %zu warn, %zu fail, %zu skip\n",
			shown ? "\n" : "", rep->n, hv_report_n_sev(rep, HV_SEV_PASS),
			hv_report_n_sev(rep, HV_SEV_INFO), hv_report_n_sev(rep, HV_SEV_WARN),
			hv_report_n_sev(rep, HV_SEV_FAIL), hv_report_n_sev(rep, HV_SEV_SKIP));
	}
	return ferror(out) ? -EIO : 0;
}

/* ---- JSON ----------------------------------------------------------------- */

static json_t *finding_json(const struct hv_finding *f)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "check", json_string(f->check));
	json_object_set_new(o, "severity", json_string(sev_names[f->sev]));
	json_object_set_new(o, "message", json_string(f->message));
	json_object_set_new(o, "hint", f->hint ? json_string(f->hint) : json_null());
	for (size_t i = 0; i < f->nfields; i++) {
		const struct hv_field *fl = &f->fields[i];
		json_t *v;

		if (fl->type == F_STR)
			v = fl->s ? json_string(fl->s) : json_null();
		else if (fl->type == F_INT)
			v = json_integer(fl->i);
		else
			v = json_boolean(fl->i);
		json_object_set_new(o, fl->key, v);
	}
	return o;
}

int hv_report_print_json(const struct hv_report *rep, FILE *out, void *extra)
{
	json_t *root = json_object(), *arr = json_array(), *sum = json_object();
	int rc = 0;

	if (!root || !arr || !sum) {
		json_decref(root);
		json_decref(arr);
		json_decref(sum);
		return -ENOMEM;
	}
	json_object_set_new(root, "tool", json_string(rep->tool));
	json_object_set_new(root, "version", json_string(rep->version));
	json_object_set_new(root, "sysroot", json_string(rep->sysroot ? rep->sysroot : "/"));
	for (size_t i = 0; i < rep->n; i++)
		json_array_append_new(arr, finding_json(&rep->items[i]));
	json_object_set_new(root, "findings", arr);
	for (int s = 0; s < HV_SEV_COUNT; s++)
		json_object_set_new(sum, sev_names[s], json_integer((json_int_t)hv_report_n_sev(rep, s)));
	json_object_set_new(root, "summary", sum);
	if (extra)
		json_object_update(root, (json_t *)extra);
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) < 0)
		rc = -EIO;
	fputc('\n', out);
	json_decref(root);
	if (!rc && ferror(out))
		rc = -EIO;
	return rc;
}

/* ---- Prometheus textfile ---------------------------------------------------- */

void hv_prom_escape(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

int hv_write_memstream_atomic(const char *path, FILE *m, char **buf, size_t *len)
{
	int rc;

	if (fclose(m) != 0) {
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	rc = hv_write_file_atomic(path, *buf, *len);
	free(*buf);
	*buf = NULL;
	return rc;
}

int hv_write_file_atomic(const char *path, const void *buf, size_t len)
{
	char *tmp = hv_asprintf("%s.tmp.%d", path, (int)getpid());
	int fd, rc;

	if (!tmp)
		return -ENOMEM;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		return rc;
	}
	rc = hv_write_full(fd, buf, len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

int hv_report_write_prometheus(const struct hv_report *rep, const char *path, const char *prefix)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct timespec ts;

	if (!m)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &ts);
	/*
	 * One series per (check, severity), every severity of every check that ran:
	 * a stable, low-cardinality set (no message, path or version labels, which
	 * change with each kernel upgrade), and unique even when a check adds
	 * several findings (node_exporter rejects repeated label sets).
	 */
	fprintf(m, "# HELP %s_check_findings Findings of the last run per check and severity.\n",
		prefix);
	fprintf(m, "# TYPE %s_check_findings gauge\n", prefix);
	/* the checks that ran, then ids only findings name ("sysroot") */
	for (size_t i = 0; i < rep->nran + rep->n; i++) {
		const char *check = i < rep->nran ? rep->ran[i] : rep->items[i - rep->nran].check;
		size_t cnt[HV_SEV_COUNT] = { 0 };
		bool seen = false;

		for (size_t j = 0; j < rep->nran && !seen && i >= rep->nran; j++)
			seen = strcmp(rep->ran[j], check) == 0;
		for (size_t j = rep->nran; j < i && !seen; j++)
			seen = strcmp(rep->items[j - rep->nran].check, check) == 0;
		if (seen)
			continue;
		for (size_t j = 0; j < rep->n; j++)
			if (strcmp(rep->items[j].check, check) == 0)
				cnt[rep->items[j].sev]++;
		for (int s = 0; s < HV_SEV_COUNT; s++) {
			fprintf(m, "%s_check_findings{check=\"", prefix);
			hv_prom_escape(m, check);
			fprintf(m, "\",severity=\"%s\"} %zu\n", sev_names[s], cnt[s]);
		}
	}
	fprintf(m, "# HELP %s_findings Findings of the last run by severity.\n", prefix);
	fprintf(m, "# TYPE %s_findings gauge\n", prefix);
	for (int s = 0; s < HV_SEV_COUNT; s++)
		fprintf(m, "%s_findings{severity=\"%s\"} %zu\n", prefix, sev_names[s],
			hv_report_n_sev(rep, s));
	fprintf(m, "# HELP %s_exit_code Exit status of the last run (0 clean, 2 fail, 3 warn).\n",
		prefix);
	fprintf(m, "# TYPE %s_exit_code gauge\n%s_exit_code %d\n", prefix, prefix,
		hv_report_exit_code(rep));
	fprintf(m, "# HELP %s_last_run_timestamp_seconds When the last run finished.\n", prefix);
	fprintf(m, "# TYPE %s_last_run_timestamp_seconds gauge\n", prefix);
	fprintf(m, "%s_last_run_timestamp_seconds %lld\n", prefix, (long long)ts.tv_sec);
	return hv_write_memstream_atomic(path, m, &buf, &len);
}
