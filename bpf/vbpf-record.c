// SPDX-License-Identifier: GPL-2.0-or-later
/* vbpf-record: the SQLite recording of vhv-trace (see vbpf-record.h). */
#include "bpf/vbpf-record.h"

#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-store.h"
#include "hvcore/hv-util.h"

#include "bpf/vbpf-reasons.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;\n"
	"CREATE TABLE IF NOT EXISTS vms(pid INTEGER PRIMARY KEY, name TEXT NOT NULL) STRICT;\n"
	"CREATE TABLE IF NOT EXISTS samples(\n"
	"  t_ns INTEGER NOT NULL, interval_ns INTEGER NOT NULL,\n"
	"  pid INTEGER NOT NULL, vcpu INTEGER NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,\n"
	"  count INTEGER NOT NULL, lat_count INTEGER NOT NULL, lat_sum_ns INTEGER NOT NULL,\n"
	"  lat_max_ns INTEGER NOT NULL, hist TEXT NOT NULL) STRICT;\n"
	"CREATE INDEX IF NOT EXISTS samples_t ON samples(t_ns);\n";

struct vbpf_rec {
	struct hv_store *st;
	struct hv_stmt *ins;
	struct hv_stmt *vm;
};

static int put_meta(struct hv_store *st, const char *key, const char *value)
{
	struct hv_stmt *s = NULL;
	int rc;

	rc = hv_stmt_new(st, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", &s);
	if (rc < 0)
		return rc;
	rc = hv_stmt_bind_text(s, 1, key);
	if (rc == 0)
		rc = hv_stmt_bind_text(s, 2, value);
	if (rc == 0)
		rc = hv_stmt_step(s);
	hv_stmt_free(s);
	return rc < 0 ? rc : 0;
}

void vbpf_rec_close(struct vbpf_rec *r)
{
	if (!r)
		return;
	hv_stmt_free(r->ins);
	hv_stmt_free(r->vm);
	hv_store_close(r->st);
	free(r);
}

int vbpf_rec_open(const char *path, const char *host, const char *version, uint64_t start_ns,
		  const char *sources, struct vbpf_rec **out)
{
	struct vbpf_rec *r;
	char num[32];
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	rc = hv_store_open(path, schema, 0, &r->st);
	if (rc < 0)
		goto out;
	snprintf(num, sizeof(num), "%" PRIu64, start_ns);
	rc = put_meta(r->st, "format", "vhv-trace 1");
	if (rc == 0)
		rc = put_meta(r->st, "host", host ? host : "");
	if (rc == 0)
		rc = put_meta(r->st, "version", version ? version : "");
	if (rc == 0)
		rc = put_meta(r->st, "started_ns", num);
	if (rc == 0 && sources)
		rc = put_meta(r->st, "sources", sources);
	if (rc < 0)
		goto out;
	rc = hv_stmt_new(r->st,
			 "INSERT INTO samples(t_ns, interval_ns, pid, vcpu, kind, reason, count, "
			 "lat_count, lat_sum_ns, lat_max_ns, hist) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
			 &r->ins);
	if (rc < 0)
		goto out;
	rc = hv_stmt_new(r->st, "INSERT OR REPLACE INTO vms(pid, name) VALUES(?, ?)", &r->vm);
	if (rc < 0)
		goto out;
	*out = r;
	r = NULL;
out:
	vbpf_rec_close(r);
	return rc;
}

int vbpf_rec_set_vm(struct vbpf_rec *r, uint32_t pid, const char *name)
{
	int rc;

	hv_stmt_reset(r->vm);
	rc = hv_stmt_bind_i64(r->vm, 1, pid);
	if (rc == 0)
		rc = hv_stmt_bind_text(r->vm, 2, name ? name : "");
	if (rc == 0)
		rc = hv_stmt_step(r->vm);
	return rc < 0 ? rc : 0;
}

static int clamp_i64(uint64_t v)
{
	return v > INT64_MAX;
}

int vbpf_rec_add(struct vbpf_rec *r, uint64_t t_ns, uint64_t interval_ns,
		 const struct vbpf_exit_stat *rows, size_t n)
{
	char hist[VBPF_HIST_SLOTS * 24], rb[48], num[32];
	int rc;

	rc = hv_store_begin(r->st);
	if (rc < 0)
		return rc;
	/* How long the recording ran, also where no exit moved (no samples rows). */
	snprintf(num, sizeof(num), "%" PRIu64, t_ns);
	rc = put_meta(r->st, "duration_ns", num);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct vbpf_exit_stat *s = &rows[i];
		int k = 1;

		if (clamp_i64(s->count) || clamp_i64(s->lat_sum_ns) || clamp_i64(s->lat_max_ns)) {
			rc = -ERANGE;
			break;
		}
		hv_stmt_reset(r->ins);
		rc = hv_stmt_bind_i64(r->ins, k++, (int64_t)t_ns);
		rc = rc ?: hv_stmt_bind_i64(r->ins, k++, (int64_t)interval_ns);
		rc = rc ?: hv_stmt_bind_i64(r->ins, k++, s->pid);
		rc = rc ?: hv_stmt_bind_i64(r->ins, k++, s->vcpu);
		rc = rc ?: hv_stmt_bind_text(r->ins, k++, vbpf_kind_name(s->kind));
		rc = rc ?: hv_stmt_bind_text(r->ins, k++,
					     vbpf_reason_name(s->kind, s->reason, rb, sizeof(rb)));
		rc = rc ?: hv_stmt_bind_i64(r->ins, k++, (int64_t)s->count);
		rc = rc ?: hv_stmt_bind_i64(r->ins, k++, (int64_t)s->lat_count);
		rc = rc ?: hv_stmt_bind_i64(r->ins, k++, (int64_t)s->lat_sum_ns);
		rc = rc ?: hv_stmt_bind_i64(r->ins, k++, (int64_t)s->lat_max_ns);
		rc = rc ?: hv_stmt_bind_text(r->ins, k++,
					     vbpf_hist_format(s->hist, VBPF_HIST_SLOTS, hist, sizeof(hist)));
		if (rc == 0)
			rc = hv_stmt_step(r->ins);
		if (rc < 0)
			break;
		rc = 0;
	}
	if (rc < 0) {
		hv_store_rollback(r->st);
		return rc;
	}
	return hv_store_commit(r->st);
}

void vbpf_rec_data_free(struct vbpf_rec_data *d)
{
	if (!d)
		return;
	free(d->host);
	free(d->version);
	free(d->sources);
	free(d->rows);
	for (size_t i = 0; i < d->nvms; i++)
		free(d->vms[i].name);
	free(d->vms);
	memset(d, 0, sizeof(*d));
}

const char *vbpf_rec_vm_name(const struct vbpf_rec_data *d, uint32_t pid)
{
	for (size_t i = 0; i < d->nvms; i++)
		if (d->vms[i].pid == pid)
			return d->vms[i].name;
	return NULL;
}

static char *xdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Does table @name exist? (Asked first: preparing on a missing table logs an error.) */
static bool has_table(struct hv_store *st, const char *name)
{
	struct hv_stmt *s = NULL;
	bool yes = false;

	if (hv_stmt_new(st, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", &s) < 0)
		return false;
	if (hv_stmt_bind_text(s, 1, name) == 0)
		yes = hv_stmt_step(s) == 1;
	hv_stmt_free(s);
	return yes;
}

static int load_meta(struct hv_store *st, struct vbpf_rec_data *d)
{
	struct hv_stmt *s = NULL;
	int rc;

	if (!has_table(st, "meta"))
		return 0;  /* optional */
	rc = hv_stmt_new(st, "SELECT key, value FROM meta", &s);
	if (rc < 0)
		return rc;
	while ((rc = hv_stmt_step(s)) == 1) {
		const char *k = hv_stmt_col_text(s, 0), *v = hv_stmt_col_text(s, 1);
		uint64_t u;

		if (!k || !v)
			continue;
		if (!strcmp(k, "host"))
			free(d->host), d->host = xdup(v);
		else if (!strcmp(k, "version"))
			free(d->version), d->version = xdup(v);
		else if (!strcmp(k, "sources"))
			free(d->sources), d->sources = xdup(v);
		else if (!strcmp(k, "started_ns") && hv_parse_u64(v, 10, &u) == 0)
			d->start_ns = u;
		else if (!strcmp(k, "duration_ns") && hv_parse_u64(v, 10, &u) == 0)
			d->duration_ns = u;
	}
	hv_stmt_free(s);
	return rc < 0 ? rc : 0;
}

static int load_vms(struct hv_store *st, struct vbpf_rec_data *d)
{
	struct hv_stmt *s = NULL;
	size_t cap = 0;
	int rc;

	if (!has_table(st, "vms"))
		return 0;  /* optional */
	rc = hv_stmt_new(st, "SELECT pid, name FROM vms ORDER BY pid", &s);
	if (rc < 0)
		return rc;
	while ((rc = hv_stmt_step(s)) == 1) {
		if (d->nvms == cap) {
			struct vbpf_rec_vm *nv;

			cap = cap ? cap * 2 : 16;
			nv = realloc(d->vms, cap * sizeof(*nv));
			if (!nv) {
				rc = -ENOMEM;
				break;
			}
			d->vms = nv;
		}
		d->vms[d->nvms].pid = (uint32_t)hv_stmt_col_i64(s, 0);
		d->vms[d->nvms].name = xdup(hv_stmt_col_text(s, 1) ? hv_stmt_col_text(s, 1) : "");
		if (!d->vms[d->nvms].name) {
			rc = -ENOMEM;
			break;
		}
		d->nvms++;
	}
	hv_stmt_free(s);
	return rc < 0 ? rc : 0;
}

int vbpf_rec_load(const char *path, struct vbpf_rec_data *d)
{
	struct hv_store *st = NULL;
	struct hv_stmt *s = NULL;
	struct stat sb;
	size_t cap = 0;
	int rc;

	memset(d, 0, sizeof(*d));
	/* hv_store_open would create a missing file; a report must not. */
	if (stat(path, &sb) < 0)
		return -errno;
	rc = hv_store_open(path, NULL, HV_STORE_RDONLY, &st);
	if (rc < 0)
		return rc;
	if (!has_table(st, "samples")) {
		rc = -EINVAL;
		goto out;
	}
	rc = hv_stmt_new(st,
			 "SELECT t_ns, interval_ns, pid, vcpu, kind, reason, count, lat_count, "
			 "lat_sum_ns, lat_max_ns, hist FROM samples "
			 "ORDER BY t_ns, pid, vcpu, kind, reason",
			 &s);
	if (rc < 0) {
		rc = -EINVAL;  /* a samples table of another shape */
		goto out;
	}
	while ((rc = hv_stmt_step(s)) == 1) {
		struct vbpf_rec_row *row;
		int kind;

		if (d->nrows >= VBPF_REC_MAX_ROWS) {
			rc = -EFBIG;
			goto out;
		}
		if (d->nrows == cap) {
			struct vbpf_rec_row *nr;

			cap = cap ? cap * 2 : 256;
			nr = realloc(d->rows, cap * sizeof(*nr));
			if (!nr) {
				rc = -ENOMEM;
				goto out;
			}
			d->rows = nr;
		}
		row = &d->rows[d->nrows];
		memset(row, 0, sizeof(*row));
		row->t_ns = (uint64_t)hv_stmt_col_i64(s, 0);
		row->interval_ns = (uint64_t)hv_stmt_col_i64(s, 1);
		row->s.pid = (uint32_t)hv_stmt_col_i64(s, 2);
		row->s.vcpu = (int32_t)hv_stmt_col_i64(s, 3);
		kind = vbpf_kind_parse(hv_stmt_col_text(s, 4));
		if (kind < 0 || vbpf_reason_parse((unsigned int)kind, hv_stmt_col_text(s, 5),
						  &row->s.reason) < 0 ||
		    hv_stmt_col_i64(s, 6) < 0 || hv_stmt_col_i64(s, 7) < 0 ||
		    hv_stmt_col_i64(s, 8) < 0 || hv_stmt_col_i64(s, 9) < 0 ||
		    vbpf_hist_parse_add(hv_stmt_col_text(s, 10), row->s.hist, VBPF_HIST_SLOTS) < 0) {
			d->nbad++;
			continue;
		}
		row->s.kind = (uint32_t)kind;
		row->s.count = (uint64_t)hv_stmt_col_i64(s, 6);
		row->s.lat_count = (uint64_t)hv_stmt_col_i64(s, 7);
		row->s.lat_sum_ns = (uint64_t)hv_stmt_col_i64(s, 8);
		row->s.lat_max_ns = (uint64_t)hv_stmt_col_i64(s, 9);
		d->nrows++;
	}
	if (rc < 0)
		goto out;
	rc = load_meta(st, d);
	if (rc == 0)
		rc = load_vms(st, d);
	/* Recordings made before duration_ns: the end of their last sample. */
	for (size_t i = 0; rc == 0 && i < d->nrows; i++)
		d->duration_ns = HV_MAX(d->duration_ns, d->rows[i].t_ns);
out:
	hv_stmt_free(s);
	hv_store_close(st);
	if (rc < 0)
		vbpf_rec_data_free(d);
	return rc;
}
