/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/*
 * hv-store: the one home of sqlite3. A thin, typed wrapper so features record
 * history (vhv-top --record, vhv-trace --record) without touching sqlite3:
 * WAL journal, foreign keys on, STRICT tables by convention, prepared
 * statements, one transaction per batch.
 */
#include <stdbool.h>
#include <stdint.h>

struct hv_store;
struct hv_stmt;

enum hv_store_flags {
	HV_STORE_RDONLY = 1 << 0,  /* open an existing DB read-only (report readers) */
};

/*
 * Open (creating unless RDONLY) the database at @path and run @schema (a
 * script of CREATE TABLE IF NOT EXISTS ...; may be NULL). Returns 0 and *out
 * (close with hv_store_close), or -errno; the SQLite message is logged.
 */
int hv_store_open(const char *path, const char *schema, unsigned flags, struct hv_store **out);
void hv_store_close(struct hv_store *st);
/* Run an SQL script with no results. 0 or -EIO (message logged). */
int hv_store_exec(struct hv_store *st, const char *sql);
int hv_store_begin(struct hv_store *st);
int hv_store_commit(struct hv_store *st);
int hv_store_rollback(struct hv_store *st);
/* rowid of the last INSERT. */
int64_t hv_store_last_rowid(struct hv_store *st);
/* The last SQLite error message (borrowed). */
const char *hv_store_errmsg(struct hv_store *st);

/* Prepare one statement. 0 and *out (free with hv_stmt_free), or -EINVAL/-ENOMEM. */
int hv_stmt_new(struct hv_store *st, const char *sql, struct hv_stmt **out);
void hv_stmt_free(struct hv_stmt *s);
/* Parameters are 1-based, as in SQLite. 0 or -EINVAL/-ERANGE. */
int hv_stmt_bind_i64(struct hv_stmt *s, int idx, int64_t v);
int hv_stmt_bind_double(struct hv_stmt *s, int idx, double v);
int hv_stmt_bind_text(struct hv_stmt *s, int idx, const char *v);  /* copied; NULL binds NULL */
int hv_stmt_bind_null(struct hv_stmt *s, int idx);
/* Step: 1 a row is ready, 0 done, -errno on error (-EBUSY locked, -EIO). */
int hv_stmt_step(struct hv_stmt *s);
/* Reset for re-use (bindings cleared). */
int hv_stmt_reset(struct hv_stmt *s);
/* Columns are 0-based. Text is borrowed until the next step/reset. */
int64_t hv_stmt_col_i64(struct hv_stmt *s, int col);
double hv_stmt_col_double(struct hv_stmt *s, int col);
const char *hv_stmt_col_text(struct hv_stmt *s, int col);
bool hv_stmt_col_is_null(struct hv_stmt *s, int col);
int hv_stmt_col_count(struct hv_stmt *s);
