// SPDX-License-Identifier: GPL-2.0-or-later
/* hv-store: schema, transactions, typed binds and reads, read-only open, a file that is no DB. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-store.h"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS s (id INTEGER PRIMARY KEY, name TEXT, v REAL, n INTEGER) STRICT;";

static void quiet(void *d, int prio, const char *file, int line, const char *fn, const char *fmt,
		  va_list ap)
{
}

static void test_round_trip(void **state)
{
	char dir[] = "/tmp/vhv-store.XXXXXX", path[64];
	struct hv_store *st;
	struct hv_stmt *ins, *sel;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	assert_int_equal(hv_store_open(path, schema, 0, &st), 0);
	assert_int_equal(hv_stmt_new(st, "INSERT INTO s (name, v, n) VALUES (?, ?, ?)", &ins), 0);
	assert_int_equal(hv_store_begin(st), 0);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(hv_stmt_bind_text(ins, 1, i % 2 ? "odd" : NULL), 0);
		assert_int_equal(hv_stmt_bind_double(ins, 2, i / 4.0), 0);
		assert_int_equal(hv_stmt_bind_i64(ins, 3, (int64_t)i << 33), 0);
		assert_int_equal(hv_stmt_step(ins), 0);
		assert_int_equal(hv_stmt_reset(ins), 0);
	}
	assert_int_equal(hv_store_commit(st), 0);
	assert_int_equal(hv_store_last_rowid(st), 100);
	hv_stmt_free(ins);
	hv_store_close(st);

	assert_int_equal(hv_store_open(path, NULL, HV_STORE_RDONLY, &st), 0);
	assert_int_equal(hv_stmt_new(st, "SELECT count(*), sum(n), max(v), min(name) FROM s", &sel), 0);
	assert_int_equal(hv_stmt_step(sel), 1);
	assert_int_equal(hv_stmt_col_i64(sel, 0), 100);
	assert_int_equal(hv_stmt_col_i64(sel, 1), (int64_t)4950 << 33);
	assert_true(hv_stmt_col_double(sel, 2) == 99 / 4.0);
	assert_string_equal(hv_stmt_col_text(sel, 3), "odd");
	assert_int_equal(hv_stmt_step(sel), 0);
	hv_stmt_free(sel);
	/* read-only: writes are refused */
	hv_log_set_fn(quiet, NULL);
	assert_int_equal(hv_store_exec(st, "INSERT INTO s (name) VALUES ('x')"), -EACCES);
	/* STRICT: a wrong type is refused */
	hv_store_close(st);
	assert_int_equal(hv_store_open(path, schema, 0, &st), 0);
	assert_int_equal(hv_store_exec(st, "INSERT INTO s (n) VALUES ('text')"), -EINVAL);
	hv_store_close(st);
	hv_log_set_fn(NULL, NULL);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/t.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

static void test_not_a_db(void **state)
{
	char path[] = "/tmp/vhv-notdb.XXXXXX";
	int fd = mkstemp(path);
	struct hv_store *st = NULL;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "this is not a database, just text......\n", 41), 41);
	close(fd);
	hv_log_set_fn(quiet, NULL);
	assert_int_equal(hv_store_open(path, NULL, HV_STORE_RDONLY, &st), -EINVAL);
	assert_int_equal(hv_store_open("/nonexistent-dir/x.db", NULL, HV_STORE_RDONLY, &st), -ENOENT);
	hv_log_set_fn(NULL, NULL);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_not_a_db),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
