// SPDX-License-Identifier: GPL-2.0-or-later
/* hv-store: the one home of sqlite3 (see hv-store.h). */
#include "hvcore/hv-store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "hvcore/hv-log.h"

struct hv_store {
	sqlite3 *db;
};

struct hv_stmt {
	struct hv_store *st;
	sqlite3_stmt *s;
};

static int sql_errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return -EACCES;
	case SQLITE_CANTOPEN:
		return -ENOENT;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
	case SQLITE_MISMATCH:
	case SQLITE_CONSTRAINT:
	case SQLITE_RANGE:
	case SQLITE_ERROR:
		return -EINVAL;
	case SQLITE_FULL:
		return -ENOSPC;
	default:
		return -EIO;
	}
}

/*
 * WAL mode, which lets `report` read while a recording writes. WAL needs
 * shared memory (a mmap'd -shm file) that network filesystems cannot give
 * (sqlite.org/wal.html): on NFS, CIFS or a 9p share the first read fails with
 * an SQLITE_IOERR_SHM* code (and statfs there may name the server's disk, so
 * the filesystem cannot be told in advance). Then the database goes back to
 * a rollback journal, on a new connection (the failed one stays unusable)
 * in exclusive locking mode, the only way out of WAL without the shared
 * memory.
 */
static int journal_mode(struct hv_store *st, const char *path, int oflags)
{
	int rc, ext;

	rc = hv_store_exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
	if (rc < 0)
		return rc;
	rc = sqlite3_exec(st->db, "SELECT count(*) FROM sqlite_master;", NULL, NULL, NULL);
	ext = sqlite3_extended_errcode(st->db);
	if (rc == SQLITE_OK || (ext != SQLITE_IOERR_SHMOPEN && ext != SQLITE_IOERR_SHMSIZE &&
				ext != SQLITE_IOERR_SHMMAP && ext != SQLITE_IOERR_SHMLOCK))
		return 0;  /* any other error shows on the caller's first read */
	hv_info("%s: no shared memory for WAL here (a network filesystem?): "
		"a rollback journal instead", path);
	sqlite3_close_v2(st->db);
	rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		hv_err("%s: %s", path, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		return sql_errno(rc) ? sql_errno(rc) : -EIO;
	}
	sqlite3_busy_timeout(st->db, 2000);
	sqlite3_extended_result_codes(st->db, 1);
	return hv_store_exec(st, "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=DELETE; "
				 "PRAGMA locking_mode=NORMAL;");
}

int hv_store_open(const char *path, const char *schema, unsigned flags, struct hv_store **out)
{
	struct hv_store *st = calloc(1, sizeof(*st));
	int oflags = (flags & HV_STORE_RDONLY) ? SQLITE_OPEN_READONLY
					       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	int rc;

	if (!st)
		return -ENOMEM;
	oflags |= SQLITE_OPEN_NOMUTEX;
	rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		hv_err("%s: %s", path, st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		rc = sql_errno(rc);
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 2000);
	sqlite3_extended_result_codes(st->db, 1);
	if (!(flags & HV_STORE_RDONLY)) {
		rc = journal_mode(st, path, oflags);
		if (rc < 0)
			goto fail;
	}
	rc = hv_store_exec(st, "PRAGMA foreign_keys=ON;");
	if (rc < 0)
		goto fail;
	/* A file that is not a database shows here, on the first real read. */
	rc = hv_store_exec(st, "SELECT count(*) FROM sqlite_master;");
	if (rc < 0)
		goto fail;
	if (schema && !(flags & HV_STORE_RDONLY)) {
		rc = hv_store_exec(st, schema);
		if (rc < 0)
			goto fail;
	}
	*out = st;
	return 0;
fail:
	hv_store_close(st);
	return rc < 0 ? rc : -EIO;
}

void hv_store_close(struct hv_store *st)
{
	if (!st)
		return;
	sqlite3_close_v2(st->db);
	free(st);
}

int hv_store_exec(struct hv_store *st, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		hv_err("sqlite: %s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return sql_errno(rc) ? sql_errno(rc) : -EIO;
	}
	return 0;
}

int hv_store_begin(struct hv_store *st)
{
	return hv_store_exec(st, "BEGIN IMMEDIATE;");
}

int hv_store_commit(struct hv_store *st)
{
	return hv_store_exec(st, "COMMIT;");
}

int hv_store_rollback(struct hv_store *st)
{
	return hv_store_exec(st, "ROLLBACK;");
}

int64_t hv_store_last_rowid(struct hv_store *st)
{
	return sqlite3_last_insert_rowid(st->db);
}

const char *hv_store_errmsg(struct hv_store *st)
{
	return sqlite3_errmsg(st->db);
}

int hv_stmt_new(struct hv_store *st, const char *sql, struct hv_stmt **out)
{
	struct hv_stmt *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->st = st;
	rc = sqlite3_prepare_v2(st->db, sql, -1, &s->s, NULL);
	if (rc != SQLITE_OK) {
		hv_err("sqlite: %s", sqlite3_errmsg(st->db));
		free(s);
		return sql_errno(rc) ? sql_errno(rc) : -EINVAL;
	}
	*out = s;
	return 0;
}

void hv_stmt_free(struct hv_stmt *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->s);
	free(s);
}

int hv_stmt_bind_i64(struct hv_stmt *s, int idx, int64_t v)
{
	return sql_errno(sqlite3_bind_int64(s->s, idx, v));
}

int hv_stmt_bind_double(struct hv_stmt *s, int idx, double v)
{
	return sql_errno(sqlite3_bind_double(s->s, idx, v));
}

int hv_stmt_bind_text(struct hv_stmt *s, int idx, const char *v)
{
	if (!v)
		return hv_stmt_bind_null(s, idx);
	return sql_errno(sqlite3_bind_text(s->s, idx, v, -1, SQLITE_TRANSIENT));
}

int hv_stmt_bind_null(struct hv_stmt *s, int idx)
{
	return sql_errno(sqlite3_bind_null(s->s, idx));
}

int hv_stmt_step(struct hv_stmt *s)
{
	int rc = sqlite3_step(s->s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	hv_err("sqlite: %s", sqlite3_errmsg(s->st->db));
	return sql_errno(rc) ? sql_errno(rc) : -EIO;
}

int hv_stmt_reset(struct hv_stmt *s)
{
	sqlite3_reset(s->s);
	return sql_errno(sqlite3_clear_bindings(s->s));
}

int64_t hv_stmt_col_i64(struct hv_stmt *s, int col)
{
	return sqlite3_column_int64(s->s, col);
}

double hv_stmt_col_double(struct hv_stmt *s, int col)
{
	return sqlite3_column_double(s->s, col);
}

const char *hv_stmt_col_text(struct hv_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->s, col);
}

bool hv_stmt_col_is_null(struct hv_stmt *s, int col)
{
	return sqlite3_column_type(s->s, col) == SQLITE_NULL;
}

int hv_stmt_col_count(struct hv_stmt *s)
{
	return sqlite3_column_count(s->s);
}
