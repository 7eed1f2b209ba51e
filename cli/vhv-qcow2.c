// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhv-qcow2: `info` (everything in a qcow2 header) and `verify` (qemu-img
 * check's counts and exit codes, read-only, plus warnings). Option parsing,
 * rendering and exit codes only; the format lives in qcow2/.
 *
 * JSON: qemu-img prints QDicts, whose key order is its hash table's bucket
 * order (qobject/qdict.c: tdb_hash() % 512, newest first within a bucket).
 * We print in that same order so that our output is byte-identical to
 * qemu-img's where the content is the same.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli-common.h"
#include "hvcore/hv-report.h"
#include "hvcore/hv-util.h"
#include "qcow2/q2-chain.h"
#include "qcow2/q2-check.h"
#include "qcow2/q2-diag.h"
#include "qcow2/q2-image.h"

/* Names and paths from the image or the command line, escaped for the terminal (hv_esc). */
#define ESC(s) hv_esc_buf((s), (char[4096]){ 0 }, 4096)

/* ---- a tiny JSON tree, printed in QDict order ---------------------------- */

enum jt { J_OBJ, J_ARR, J_STR, J_INT, J_UINT, J_BOOL };

struct jn {
	enum jt t;
	char *key;
	char *s;
	int64_t i;
	uint64_t u;
	bool b;
	struct jn **kids;
	size_t n;
};

static struct jn *jnew(enum jt t)
{
	struct jn *j = xcalloc(1, sizeof(*j));

	j->t = t;
	return j;
}

static struct jn *jadd(struct jn *parent, const char *key, struct jn *kid)
{
	kid->key = key ? xstrdup(key) : NULL;
	parent->kids = xrealloc(parent->kids, (parent->n + 1) * sizeof(*parent->kids));
	parent->kids[parent->n++] = kid;
	return kid;
}

static void jstr(struct jn *o, const char *k, const char *v)
{
	struct jn *j = jnew(J_STR);

	j->s = xstrdup(v ? v : "");
	jadd(o, k, j);
}

static void jint(struct jn *o, const char *k, int64_t v)
{
	struct jn *j = jnew(J_INT);

	j->i = v;
	jadd(o, k, j);
}

static void juint(struct jn *o, const char *k, uint64_t v)
{
	struct jn *j = jnew(J_UINT);

	j->u = v;
	jadd(o, k, j);
}

static void jbool(struct jn *o, const char *k, bool v)
{
	struct jn *j = jnew(J_BOOL);

	j->b = v;
	jadd(o, k, j);
}

static void jfree(struct jn *j)
{
	size_t i;

	if (!j)
		return;
	for (i = 0; i < j->n; i++)
		jfree(j->kids[i]);
	free(j->kids);
	free(j->key);
	free(j->s);
	free(j);
}

/* qobject/qdict.c */
static unsigned int tdb_hash(const char *name)
{
	unsigned value, i;

	for (value = 0x238F13AF * (unsigned)strlen(name), i = 0; name[i]; i++)
		value = value + (((const unsigned char *)name)[i] << (i * 5 % 24));
	return 1103515243 * value + 12345;
}

struct kord {
	unsigned bucket;
	size_t idx;
};

static int cmp_kord(const void *a, const void *b)
{
	const struct kord *x = a, *y = b;

	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	return x->idx > y->idx ? -1 : x->idx < y->idx; /* newest first */
}

static void jprint_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		switch (ch) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				fprintf(f, "\\u%04x", ch);
			else
				fputc(ch, f);
		}
	}
	fputc('"', f);
}

static void jprint(FILE *f, const struct jn *j, int depth)
{
	size_t i;

	switch (j->t) {
	case J_STR: jprint_str(f, j->s); return;
	case J_INT: fprintf(f, "%" PRId64, j->i); return;
	case J_UINT: fprintf(f, "%" PRIu64, j->u); return;
	case J_BOOL: fputs(j->b ? "true" : "false", f); return;
	case J_ARR:
		fputs("[\n", f);
		for (i = 0; i < j->n; i++) {
			fprintf(f, "%*s", (depth + 1) * 4, "");
			jprint(f, j->kids[i], depth + 1);
			fputs(i + 1 < j->n ? ",\n" : "\n", f);
		}
		fprintf(f, "%*s]", depth * 4, "");
		return;
	case J_OBJ: {
		struct kord *ord = xcalloc(j->n ? j->n : 1, sizeof(*ord));

		for (i = 0; i < j->n; i++) {
			ord[i].bucket = tdb_hash(j->kids[i]->key) % 512;
			ord[i].idx = i;
		}
		qsort(ord, j->n, sizeof(*ord), cmp_kord);
		fputs("{\n", f);
		for (i = 0; i < j->n; i++) {
			const struct jn *k = j->kids[ord[i].idx];

			fprintf(f, "%*s", (depth + 1) * 4, "");
			jprint_str(f, k->key);
			fputs(": ", f);
			jprint(f, k, depth + 1);
			fputs(i + 1 < j->n ? ",\n" : "\n", f);
		}
		fprintf(f, "%*s}", depth * 4, "");
		free(ord);
		return;
	}
	}
}

static void jprint_doc(FILE *f, const struct jn *j)
{
	jprint(f, j, 0);
	fputc('\n', f);
}

/* ---- shared ------------------------------------------------------------- */

static int open_image(const char *path, bool force_share, bool json, struct q2_image **img)
{
	enum q2_open_status st;
	char why[512] = "";
	int rc;

	rc = q2_image_open(path, img, &st, why, sizeof(why));
	if (rc < 0) {
		if (st == Q2_OPEN_NOT_QCOW2) {
			if (json)
				printf("{\"error\": \"not a qcow2 image\"}\n");
			cli_error("%s: not a qcow2 image (format not supported)", path);
			return CLI_EXIT_FORMAT;
		}
		if (json) {
			struct jn *o = jnew(J_OBJ);

			jstr(o, "error", why);
			jprint_doc(stdout, o);
			jfree(o);
		}
		if (rc == -ENOENT || rc == -EACCES || strncmp(why, "Could not open", 14) == 0)
			cli_error("%s", why);
		else
			cli_error("Could not open '%s': %s", path, why);
		return CLI_EXIT_ERROR;
	}
	if (!force_share) {
		rc = q2_image_locked((*img)->fd);
		if (rc > 0) {
			if (json)
				printf("{\"error\": \"image is in use\"}\n");
			cli_error("Could not open '%s': Failed to get shared \"write\" lock", path);
			fprintf(stderr,
				"Is another process using the image [%s]? (-U/--force-share to verify anyway)\n",
				path);
			q2_image_free(*img);
			*img = NULL;
			return CLI_EXIT_ERROR;
		}
	}
	return CLI_EXIT_OK;
}

/* ---- verify ------------------------------------------------------------- */

struct prog {
	bool on;
	uint64_t last_ns;
	int shown;
};

static void progress_cb(void *data, uint64_t done, uint64_t total)
{
	struct prog *p = data;
	uint64_t now = hv_now_ns();

	if (!p->on || now - p->last_ns < 100000000ull)
		return;
	p->last_ns = now;
	p->shown = 1;
	fprintf(stderr, "\r    (%5.2f/100%%)", total ? 100.0 * (double)HV_MIN(done, total) / (double)total : 0.0);
	fflush(stderr);
}

static const char *const kind_label[Q2_MSG_KINDS] = { "ERROR", "LEAK", "CHECK", "WARN" };
static const char *const kind_plural[Q2_MSG_KINDS] = { "corruptions", "leaks", "check errors",
						      "warnings" };

static void verify_usage(void)
{
	printf("Usage:\n"
	       " %1$s verify [options] <image>\n"
	       "\n"
	       "Check a qcow2 image's metadata like `qemu-img check` (same counts, same exit\n"
	       "codes, same JSON keys), without ever writing to it.\n"
	       "\n"
	       "Options:\n"
	       "     --output <fmt>      output format: human (default) or json\n"
	       " -J, --json              same as --output=json\n"
	       " -f, --format <fmt>      image format (only qcow2; accepted as in qemu-img)\n"
	       "     --strict            count the warnings too (exit 2; JSON \"warnings\")\n"
	       "     --deep              also decompress every compressed cluster\n"
	       " -U, --force-share       verify even if a running QEMU holds the image\n"
	       "     --backing-chain     verify every backing file too, and the chain\n"
	       "     --repair-plan       what qemu-img check -r leaks/all would write\n"
	       "     --max-messages <n>  problems listed per kind (default 50)\n"
	       "     --no-progress       no progress line, even on a terminal\n"
	       " -q, --quiet             print only the problems and the summary\n"
	       " -v, --verbose           more log detail on stderr (twice: debug)\n"
	       " -h, --help              display this help\n"
	       "\n"
	       "Exit status: 0 clean, 1 check not completed or check errors, 2 corruptions,\n"
	       "3 leaks only, 63 not a qcow2 image. See vhv-qcow2(8).\n",
	       cli_prog());
}

/* How verify reports. */
struct vopts {
	enum cli_output output;
	bool strict, quiet, force_share, plan;
};

/* The number of clusters of @img and their size, "12 clusters (768 KiB)". */
static const char *clusters(const struct q2_image *img, uint64_t n, char *buf, size_t len)
{
	char sz[32];

	snprintf(buf, len, "%" PRIu64 " cluster%s (%s)", n, n == 1 ? "" : "s",
		 hv_fmt_size(n * img->cluster_size, sz, sizeof(sz)));
	return buf;
}

/*
 * --repair-plan: what `qemu-img check -r leaks` and `-r all` would write, from
 * the counts of the check (vhv writes nothing).
 */
static int64_t unplanned(const struct q2_check_result *res)
{
	return res->corruptions - (int64_t)(res->plan_raised + res->plan_rebuild + res->plan_copied);
}

static void plan_json(struct jn *o, const struct q2_check_result *res, const struct q2_image *img)
{
	struct jn *p = jadd(o, "repair-plan", jnew(J_OBJ));

	jbool(p, "rebuild", res->plan_rebuild > 0);
	juint(p, "rebuild-causes", res->plan_rebuild);
	juint(p, "leaks-lowered", (uint64_t)res->leaks);
	juint(p, "leaks-freed", res->plan_freed);
	juint(p, "freed-bytes", res->plan_freed * img->cluster_size);
	juint(p, "refcounts-raised", res->plan_raised);
	juint(p, "copied-flags-disagreeing", res->plan_copied);
	juint(p, "copied-flags-rewritten", res->plan_copied_after);
	jbool(p, "copied-flags-exact", res->plan_copied_exact);
	jint(p, "unplanned-corruptions", unplanned(res));
}

static void plan_human(const struct q2_check_result *res, const struct q2_image *img)
{
	char a[64];

	printf("\nRepair plan (nothing was written; what qemu-img check -r would write):\n");
	if (!res->leaks && !res->corruptions) {
		printf("  nothing to repair\n");
		return;
	}
	if (res->plan_rebuild) {
		printf("  -r leaks: fails, \"need to rebuild refcount structures\" (%" PRIu64 " cause%s:\n"
		       "            clusters in use with refcount 0, broken refcount blocks)\n",
		       res->plan_rebuild, res->plan_rebuild == 1 ? "" : "s");
		printf("  -r all:   rebuilds the refcount table and blocks (written at the end of\n"
		       "            the file): every refcount becomes its references\n");
	} else {
		if (res->leaks)
			printf("  -r leaks: lower %" PRId64 " refcount%s, freeing %s\n", res->leaks,
			       res->leaks == 1 ? "" : "s",
			       clusters(img, res->plan_freed, a, sizeof(a)));
		else
			printf("  -r leaks: nothing (no leaks)\n");
		if (res->plan_raised)
			printf("  -r all:   also raise %" PRIu64 " refcount%s to the references\n",
			       res->plan_raised, res->plan_raised == 1 ? "" : "s");
	}
	if (res->plan_copied || res->plan_copied_after || res->plan_raised || res->plan_rebuild ||
	    res->leaks)
		printf("  -r all:   then rewrites %s%" PRIu64 " COPIED flag%s, those that disagree with\n"
		       "            the repaired refcounts (%" PRIu64 " disagree with today's)\n",
		       res->plan_copied_exact ? "" : "at least ", res->plan_copied_after,
		       res->plan_copied_after == 1 ? "" : "s", res->plan_copied);
	if (unplanned(res) > 0)
		printf("  %" PRId64 " other corruption%s (entries, overflows): not repaired by\n"
		       "  refcounts; see the messages above\n",
		       unplanned(res), unplanned(res) == 1 ? "" : "s");
}

/* The diagnoses, under the counts: one wrapped line each. */
static void diag_human(const struct q2_diag *d, size_t n)
{
	size_t i;

	if (!n)
		return;
	printf("\nDiagnosis (what the damage looks like; vhv only):\n");
	for (i = 0; i < n; i++) {
		char *t = xasprintf("%s: %s", d[i].id, d[i].text);

		printf("DIAG  ");
		hv_report_print_wrapped(stdout, t, 6, 80);
		free(t);
	}
}

/* vhv's "diagnoses" key beside qemu's: [{"id", "message"}], only when there are some. */
static void diag_json(struct jn *o, const struct q2_diag *d, size_t n)
{
	struct jn *a;
	size_t i;

	if (!n)
		return;
	a = jadd(o, "diagnoses", jnew(J_ARR));
	for (i = 0; i < n; i++) {
		struct jn *x = jadd(a, NULL, jnew(J_OBJ));

		jstr(x, "id", d[i].id);
		jstr(x, "message", d[i].text);
	}
}

/* qemu-img.c collect_image_check(): optional keys only when non-zero */
static struct jn *check_json(const char *path, const struct q2_check_result *res, bool strict)
{
	struct jn *o = jnew(J_OBJ);
	size_t i;

	jstr(o, "filename", path);
	jstr(o, "format", "qcow2");
	jint(o, "check-errors", res->check_errors);
	if (res->corruptions)
		jint(o, "corruptions", res->corruptions);
	if (res->leaks)
		jint(o, "leaks", res->leaks);
	if (res->image_end_offset)
		juint(o, "image-end-offset", res->image_end_offset);
	if (res->total_clusters)
		juint(o, "total-clusters", res->total_clusters);
	if (res->allocated_clusters)
		juint(o, "allocated-clusters", res->allocated_clusters);
	if (res->fragmented_clusters)
		juint(o, "fragmented-clusters", res->fragmented_clusters);
	if (res->compressed_clusters)
		juint(o, "compressed-clusters", res->compressed_clusters);
	if (strict) {
		struct jn *a = jadd(o, "warnings", jnew(J_ARR));

		for (i = 0; i < res->n_msgs; i++)
			if (res->msgs[i].kind == Q2_MSG_WARNING)
				jstr(a, NULL, res->msgs[i].text);
	}
	return o;
}

/* The human report of one image (qemu-img.c dump_human_image_check() plus vhv's lines). */
static void check_human(const char *path, const struct q2_image *img,
			const struct q2_check_result *res, bool strict, bool quiet)
{
	size_t i;
	int k;

	if (!quiet)
		printf("image: %s (qcow2 v%u, %s clusters, %u-bit refcounts%s)\n", ESC(path), img->version,
		       hv_fmt_size(img->cluster_size, (char[32]){ 0 }, 32), img->refcount_bits,
		       img->extended_l2 ? ", extended L2" : "");
	for (i = 0; i < res->n_msgs; i++)
		printf("%-5s %s\n", kind_label[res->msgs[i].kind], ESC(res->msgs[i].text));
	for (k = 0; k < Q2_MSG_KINDS; k++)
		if (res->dropped[k])
			printf("      ... and %" PRIu64 " more %s (--max-messages)\n", res->dropped[k],
			       kind_plural[k]);
	if (res->warnings && !quiet)
		printf("%" PRId64 " warning%s (not counted by qemu-img check%s).\n", res->warnings,
		       res->warnings == 1 ? "" : "s",
		       strict ? "; counted here because of --strict" : "; --strict counts them");
	if ((res->n_msgs || res->warnings) && !(res->corruptions || res->leaks || res->check_errors))
		printf("\n");
	if (!(res->corruptions || res->leaks || res->check_errors)) {
		printf("No errors were found on the image.\n");
	} else {
		if (res->corruptions)
			printf("\n%" PRId64 " errors were found on the image.\n"
			       "Data may be corrupted, or further writes to the image may corrupt it.\n",
			       res->corruptions);
		if (res->leaks)
			printf("\n%" PRId64 " leaked clusters were found on the image.\n"
			       "This means waste of disk space, but no harm to data.\n",
			       res->leaks);
		if (res->check_errors)
			printf("\n%" PRId64 " internal errors have occurred during the check.\n",
			       res->check_errors);
	}
	if (res->total_clusters && res->allocated_clusters)
		printf("%" PRIu64 "/%" PRIu64 " = %0.2f%% allocated, %0.2f%% fragmented, %0.2f%% compressed clusters\n",
		       res->allocated_clusters, res->total_clusters,
		       res->allocated_clusters * 100.0 / res->total_clusters,
		       res->fragmented_clusters * 100.0 / res->allocated_clusters,
		       res->compressed_clusters * 100.0 / res->allocated_clusters);
	if (res->image_end_offset)
		printf("Image end offset: %" PRIu64 "\n", res->image_end_offset);
}

/* qemu-img check's exit code for one image's result. */
static int check_exit(const struct q2_check_result *res, bool strict)
{
	if (res->check_errors)
		return CLI_EXIT_ERROR;
	if (res->corruptions || (strict && res->warnings))
		return CLI_EXIT_FAIL;
	if (res->leaks)
		return CLI_EXIT_WARN;
	return CLI_EXIT_OK;
}

/* The worse of two exit codes: could not run > fail > warn > ok. */
static int worse(int a, int b)
{
	static const int rank[] = { [CLI_EXIT_OK] = 0, [CLI_EXIT_WARN] = 1, [CLI_EXIT_FAIL] = 2,
				    [CLI_EXIT_ERROR] = 3 };

	return rank[a] >= rank[b] ? a : b;
}

static const char *const chain_sev[] = { "INFO", "WARN", "FAIL" };
static const char *const chain_sev_json[] = { "info", "warn", "fail" };

/* Check one layer: the report (human now, JSON into @layers) and its exit code. */
static int verify_layer(const char *path, struct q2_image *img, struct q2_check_opts *copts,
			const struct vopts *vo, struct jn *layers)
{
	struct q2_check_result res;
	struct prog *prog = copts->progress_data;
	struct q2_diag *diags = NULL;
	int rc, ec, nd;
	size_t i;

	rc = q2_check(img, copts, &res);
	if (prog->shown)
		fprintf(stderr, "\r%20s\r", "");
	prog->shown = 0;
	if (rc < 0) {
		/* qemu-img: no report, "Check failed: <errno>", exit 1 */
		char *e = xasprintf("Check failed: %s", strerror(-rc));

		for (i = 0; i < res.n_msgs && vo->output == CLI_OUTPUT_HUMAN; i++)
			printf("%-5s %s\n", kind_label[res.msgs[i].kind], ESC(res.msgs[i].text));
		if (vo->output == CLI_OUTPUT_JSON) {
			struct jn *o = jnew(J_OBJ);

			if (layers) {
				jstr(o, "filename", path);
				jstr(o, "format", "qcow2");
			}
			jstr(o, "error", e);
			if (layers)
				jadd(layers, NULL, o);
			else {
				jprint_doc(stdout, o);
				jfree(o);
			}
		}
		cli_error("%s%s%s", layers ? path : "", layers ? ": " : "", e);
		free(e);
		q2_check_result_release(&res);
		return CLI_EXIT_ERROR;
	}
	nd = q2_diagnose(img, &res, &diags);
	if (nd < 0)
		cli_die("%s", strerror(-nd));
	if (vo->output == CLI_OUTPUT_JSON) {
		struct jn *o = check_json(path, &res, vo->strict);

		diag_json(o, diags, (size_t)nd);
		if (vo->plan)
			plan_json(o, &res, img);
		if (layers) {
			jadd(layers, NULL, o);
		} else {
			jprint_doc(stdout, o);
			jfree(o);
		}
	} else {
		check_human(path, img, &res, vo->strict, vo->quiet);
		diag_human(diags, (size_t)nd);
		if (vo->plan)
			plan_human(&res, img);
	}
	q2_diags_free(diags, (size_t)nd);
	ec = check_exit(&res, vo->strict);
	if (ec == CLI_EXIT_ERROR)
		cli_error("%s%sCheck failed", layers ? path : "", layers ? ": " : "");
	q2_check_result_release(&res);
	return ec;
}

/* --backing-chain: every layer, then what is wrong with the chain itself. */
static int verify_chain(const char *path, struct q2_image *top, struct q2_check_opts *copts,
			const struct vopts *vo)
{
	struct jn *doc = NULL, *layers = NULL, *fa;
	struct q2_chain *ch;
	int ec = CLI_EXIT_OK, rc;
	size_t i;

	rc = q2_chain_new(top, path, &ch);
	if (rc < 0)
		cli_die("%s: %s", path, strerror(-rc));
	/* like the top image, a layer a running QEMU writes is not verified unless -U */
	for (i = 1; i < ch->n && !vo->force_share; i++) {
		if (!ch->layers[i].locked)
			continue;
		if (vo->output == CLI_OUTPUT_JSON)
			printf("{\"error\": \"image is in use\"}\n");
		cli_error("Could not open '%s': Failed to get shared \"write\" lock",
			  ch->layers[i].path);
		fprintf(stderr,
			"Is another process using the image [%s]? (-U/--force-share to verify anyway)\n",
			ESC(ch->layers[i].path));
		q2_chain_free(ch);
		return CLI_EXIT_ERROR;
	}
	if (vo->output == CLI_OUTPUT_JSON) {
		doc = jnew(J_OBJ);
		layers = jadd(doc, "layers", jnew(J_ARR));
	}
	for (i = 0; i < ch->n; i++) {
		const struct q2_layer *l = &ch->layers[i];

		if (vo->output == CLI_OUTPUT_HUMAN && i)
			printf("\n");
		if (l->img) {
			ec = worse(ec, verify_layer(l->path, l->img, copts, vo, layers));
			continue;
		}
		if (vo->output == CLI_OUTPUT_JSON) {
			struct jn *o = jadd(layers, NULL, jnew(J_OBJ));

			jstr(o, "filename", l->path);
			jstr(o, "format", l->format);
		} else {
			printf("image: %s (%s, %s): no metadata to verify\n", ESC(l->path), ESC(l->format),
			       hv_fmt_size(l->size, (char[32]){ 0 }, 32));
		}
	}
	if (vo->output == CLI_OUTPUT_JSON) {
		fa = jadd(doc, "chain", jnew(J_ARR));
		for (i = 0; i < ch->n_findings; i++) {
			const struct q2_chain_finding *f = &ch->findings[i];
			struct jn *o = jadd(fa, NULL, jnew(J_OBJ));

			jstr(o, "id", f->id);
			jstr(o, "severity", chain_sev_json[f->sev]);
			juint(o, "layer", f->layer);
			jstr(o, "message", f->text);
		}
		jprint_doc(stdout, doc);
		jfree(doc);
	} else {
		printf("\nBacking chain: ");
		for (i = 0; i < ch->n; i++)
			printf("%s%s", i ? " -> " : "", ESC(ch->layers[i].path));
		printf(" (%zu layer%s)\n", ch->n, ch->n == 1 ? "" : "s");
		for (i = 0; i < ch->n_findings; i++)
			printf("%-5s %s: %s\n", chain_sev[ch->findings[i].sev], ch->findings[i].id,
			       ESC(ch->findings[i].text));
		if (!ch->n_findings)
			printf("Every backing file was found, in its recorded format.\n");
	}
	for (i = 0; i < ch->n_findings; i++)
		if (ch->findings[i].sev == Q2_CHAIN_FAIL ||
		    (vo->strict && ch->findings[i].sev == Q2_CHAIN_WARN))
			ec = worse(ec, CLI_EXIT_FAIL);
	q2_chain_free(ch);
	return ec;
}

static int cmd_verify(int argc, char **argv)
{
	enum { OPT_OUTPUT = 256, OPT_STRICT, OPT_DEEP, OPT_MAXMSG, OPT_NOPROG, OPT_CHAIN, OPT_PLAN };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "json", no_argument, NULL, 'J' },
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "deep", no_argument, NULL, OPT_DEEP },
		{ "force-share", no_argument, NULL, 'U' },
		{ "max-messages", required_argument, NULL, OPT_MAXMSG },
		{ "no-progress", no_argument, NULL, OPT_NOPROG },
		{ "backing-chain", no_argument, NULL, OPT_CHAIN },
		{ "repair-plan", no_argument, NULL, OPT_PLAN },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vopts vo = { .output = CLI_OUTPUT_HUMAN };
	bool noprog = false, chain = false;
	struct q2_check_opts copts = { .max_msgs = 50 };
	struct prog prog = { 0 };
	struct q2_image *img = NULL;
	const char *path;
	uint64_t v;
	int c, ec;

	optind = 1;
	while ((c = getopt_long(argc, argv, "Jf:Uqvh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_OUTPUT: vo.output = cli_parse_output(optarg); break;
		case 'v': cli_verbose(); break;
		case 'J': vo.output = CLI_OUTPUT_JSON; break;
		case 'f':
			if (strcmp(optarg, "qcow2") != 0) {
				cli_error("format '%s' is not supported (only qcow2)", optarg);
				return CLI_EXIT_FORMAT;
			}
			break;
		case OPT_STRICT: vo.strict = true; break;
		case OPT_DEEP: copts.deep = true; break;
		case 'U': vo.force_share = true; break;
		case OPT_MAXMSG:
			if (hv_parse_u64(optarg, 10, &v) < 0 || v == 0 || v > 1000000)
				cli_usage_error("invalid --max-messages '%s'", optarg);
			copts.max_msgs = (unsigned)v;
			break;
		case OPT_NOPROG: noprog = true; break;
		case OPT_CHAIN: chain = true; break;
		case OPT_PLAN: vo.plan = true; break;
		case 'q': vo.quiet = true; break;
		case 'h': verify_usage(); return CLI_EXIT_OK;
		default:
			cli_usage_hint();
			return CLI_EXIT_ERROR;
		}
	}
	if (optind != argc - 1)
		cli_usage_error("needs exactly one image");
	copts.plan = vo.plan;
	path = argv[optind];

	ec = open_image(path, vo.force_share, vo.output == CLI_OUTPUT_JSON, &img);
	if (ec)
		return ec;
	prog.on = !noprog && isatty(STDERR_FILENO);
	copts.progress = progress_cb;
	copts.progress_data = &prog;
	if (chain) {
		ec = verify_chain(path, img, &copts, &vo);
	} else {
		ec = verify_layer(path, img, &copts, &vo, NULL);
		q2_image_free(img);
	}
	if (fflush(stdout) != 0)
		cli_die("cannot write the report: %s", strerror(errno));
	return ec;
}

/* ---- info --------------------------------------------------------------- */

static void info_usage(void)
{
	printf("Usage:\n"
	       " %1$s info [options] <image>\n"
	       "\n"
	       "Show every field of a qcow2 image's header, its extensions, snapshots and\n"
	       "bitmaps. Read-only.\n"
	       "\n"
	       "Options:\n"
	       "     --output <fmt>      output format: human (default) or json\n"
	       " -J, --json              same as --output=json (qemu-img info's keys)\n"
	       " -f, --format <fmt>      image format (only qcow2; accepted as in qemu-img)\n"
	       " -U, --force-share       read even if a running QEMU holds the image\n"
	       " -v, --verbose           more log detail on stderr (twice: debug)\n"
	       " -h, --help              display this help\n"
	       "\n"
	       "Exit status: 0 shown, 1 cannot read it, 63 not a qcow2 image.\n",
	       cli_prog());
}

static const char *ext_name(uint32_t t)
{
	switch (t) {
	case Q2_EXT_BACKING_FORMAT: return "backing-format";
	case Q2_EXT_FEATURE_TABLE: return "feature-name-table";
	case Q2_EXT_BITMAPS: return "bitmaps";
	case Q2_EXT_CRYPTO: return "full-disk-encryption";
	case Q2_EXT_DATA_FILE: return "external-data-file";
	default: return "unknown";
	}
}

static const uint64_t known_mask[3] = { Q2_INCOMPAT_MASK, Q2_COMPAT_MASK, Q2_AUTOCLEAR_MASK };
static const char *const feat_kind[3] = { "incompatible", "compatible", "autoclear" };

/* Feature bits as an array of names; unknown bits "unknown bit N". */
static struct jn *feature_list(const struct q2_image *img, int type, uint64_t bits)
{
	struct jn *a = jnew(J_ARR);
	int bit;

	for (bit = 0; bit < 64; bit++) {
		const char *n;
		char tmp[32];

		if (!(bits & (1ull << bit)))
			continue;
		n = (known_mask[type] & (1ull << bit)) ? q2_feature_name(img, type, bit) : NULL;
		if (!n) {
			snprintf(tmp, sizeof(tmp), "unknown bit %d", bit);
			n = tmp;
		}
		jstr(a, NULL, n);
	}
	return a;
}

/* block.c path_combine(): relative backing names are relative to the image's directory. */
/* qemu's QCryptoBlockInfoLUKS keys (crypto/block-luks.c), from the plain LUKS header. */
static void luks_json(struct jn *enc, const struct q2_luks *lk)
{
	char mode[33], *ivgen, *ivhash, alg[48];
	struct jn *slots;
	int i;

	snprintf(mode, sizeof(mode), "%s", lk->cipher_mode);
	ivgen = strchr(mode, '-');
	if (ivgen)
		*ivgen++ = '\0';
	ivhash = ivgen ? strchr(ivgen, ':') : NULL;
	if (ivhash)
		*ivhash++ = '\0';
	/* xts uses two keys of half the size */
	snprintf(alg, sizeof(alg), "%s-%u", lk->cipher_name,
		 (strcmp(mode, "xts") ? lk->key_bytes : lk->key_bytes / 2) * 8);
	jstr(enc, "cipher-alg", alg);
	jstr(enc, "cipher-mode", mode);
	if (ivgen)
		jstr(enc, "ivgen-alg", ivgen);
	if (ivhash)
		jstr(enc, "ivgen-hash-alg", ivhash);
	jstr(enc, "hash-alg", lk->hash_spec);
	jstr(enc, "uuid", lk->uuid);
	juint(enc, "payload-offset", (uint64_t)lk->payload_offset * 512);
	juint(enc, "master-key-iters", lk->mk_iters);
	slots = jadd(enc, "slots", jnew(J_ARR));
	for (i = 0; i < 8; i++) {
		struct jn *sl = jadd(slots, NULL, jnew(J_OBJ));

		jbool(sl, "active", lk->slots[i].active);
		if (lk->slots[i].active) {
			juint(sl, "iters", lk->slots[i].iters);
			juint(sl, "stripes", lk->slots[i].stripes);
		}
		juint(sl, "key-offset", (uint64_t)lk->slots[i].key_offset * 512);
	}
}

static void fmt_date(uint32_t sec, char *buf, size_t len)
{
	time_t t = sec;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static void print_bits(const struct q2_image *img, int type, uint64_t bits)
{
	int bit;
	bool any = false;

	printf("%-24s0x%016" PRIx64, feat_kind[type], bits);
	for (bit = 0; bit < 64; bit++) {
		const char *n;

		if (!(bits & (1ull << bit)))
			continue;
		n = (known_mask[type] & (1ull << bit)) ? q2_feature_name(img, type, bit) : NULL;
		printf("%s", any ? ", " : "  ");
		any = true;
		if (n)
			printf("%s", ESC(n));
		else
			printf("UNKNOWN bit %d", bit);
	}
	printf("\n");
}

static int cmd_info(int argc, char **argv)
{
	enum { OPT_OUTPUT = 256 };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "json", no_argument, NULL, 'J' },
		{ "format", required_argument, NULL, 'f' },
		{ "force-share", no_argument, NULL, 'U' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum cli_output output = CLI_OUTPUT_HUMAN;
	bool force_share = false;
	struct q2_image *img = NULL;
	uint64_t corr = 0;
	char why[256] = "", sz[32], sz2[32];
	const char *path;
	struct stat st;
	uint32_t i;
	size_t e;
	int c, ec, rc_sn, rc_bm;

	optind = 1;
	while ((c = getopt_long(argc, argv, "Jf:Uvh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_OUTPUT: output = cli_parse_output(optarg); break;
		case 'v': cli_verbose(); break;
		case 'J': output = CLI_OUTPUT_JSON; break;
		case 'f':
			if (strcmp(optarg, "qcow2") != 0) {
				cli_error("format '%s' is not supported (only qcow2)", optarg);
				return CLI_EXIT_FORMAT;
			}
			break;
		case 'U': force_share = true; break;
		case 'h': info_usage(); return CLI_EXIT_OK;
		default:
			cli_usage_hint();
			return CLI_EXIT_ERROR;
		}
	}
	if (optind != argc - 1)
		cli_usage_error("needs exactly one image");
	path = argv[optind];
	ec = open_image(path, force_share, output == CLI_OUTPUT_JSON, &img);
	if (ec)
		return ec;
	rc_sn = q2_image_load_snapshots(img, &corr, why, sizeof(why));
	if (rc_sn < 0)
		cli_warn("%s: snapshot table unreadable: %s", path, why);
	rc_bm = q2_image_load_bitmaps(img, why, sizeof(why));
	if (rc_bm < 0)
		cli_warn("%s: bitmap directory unreadable: %s", path, why);
	if (fstat(img->fd, &st) < 0)
		memset(&st, 0, sizeof(st));

	if (output == CLI_OUTPUT_JSON) {
		struct jn *o = jnew(J_OBJ), *fs, *data, *hdr, *a;

		/* qemu-img info --output=json keys (qapi ImageInfo) */
		juint(o, "virtual-size", img->size);
		jstr(o, "filename", path);
		juint(o, "cluster-size", img->cluster_size);
		jstr(o, "format", "qcow2");
		juint(o, "actual-size", (uint64_t)st.st_blocks * 512);
		if (img->crypt_method)
			jbool(o, "encrypted", true);
		jbool(o, "dirty-flag", !!(img->incompat & Q2_INCOMPAT_DIRTY));
		if (img->backing_file) {
			jstr(o, "backing-filename", img->backing_file);
			char *full = q2_full_backing(path, img->backing_file);

			if (!full)
				cli_die("%s", strerror(ENOMEM));
			jstr(o, "full-backing-filename", full);
			free(full);
			if (img->backing_format)
				jstr(o, "backing-filename-format", img->backing_format);
		}
		if (img->n_snapshots_loaded) {
			a = jadd(o, "snapshots", jnew(J_ARR));
			for (i = 0; i < img->n_snapshots_loaded; i++) {
				const struct q2_snapshot *sn = &img->snapshots[i];
				struct jn *s = jadd(a, NULL, jnew(J_OBJ));

				if (sn->icount != UINT64_MAX)
					juint(s, "icount", sn->icount);
				juint(s, "vm-clock-nsec", sn->vm_clock_nsec % 1000000000ull);
				jstr(s, "name", sn->name);
				juint(s, "date-sec", sn->date_sec);
				juint(s, "date-nsec", sn->date_nsec);
				juint(s, "vm-clock-sec", sn->vm_clock_nsec / 1000000000ull);
				jstr(s, "id", sn->id);
				juint(s, "vm-state-size", sn->vm_state_size);
			}
		}
		fs = jadd(o, "format-specific", jnew(J_OBJ));
		jstr(fs, "type", "qcow2");
		data = jadd(fs, "data", jnew(J_OBJ));
		jstr(data, "compat", img->version == 2 ? "0.10" : "1.1");
		if (img->version >= 3) {
			jstr(data, "compression-type",
			     img->compression_type == Q2_COMP_ZSTD ? "zstd" : "zlib");
			jbool(data, "lazy-refcounts", !!(img->compat & Q2_COMPAT_LAZY_REFCOUNTS));
			jbool(data, "corrupt", !!(img->incompat & Q2_INCOMPAT_CORRUPT));
			jbool(data, "extended-l2", img->extended_l2);
			if (img->data_file)
				jstr(data, "data-file", img->data_file);
			if (q2_has_data_file(img))
				jbool(data, "data-file-raw",
				      !!(img->autoclear & Q2_AUTOCLEAR_DATA_FILE_RAW));
		} else {
			jstr(data, "compression-type", "zlib");
		}
		juint(data, "refcount-bits", img->refcount_bits);
		if (img->n_bitmaps_loaded) {
			a = jadd(data, "bitmaps", jnew(J_ARR));
			for (i = 0; i < img->n_bitmaps_loaded; i++) {
				const struct q2_bitmap *bm = &img->bitmaps[i];
				struct jn *b = jadd(a, NULL, jnew(J_OBJ)), *fl;

				fl = jadd(b, "flags", jnew(J_ARR));
				if (bm->flags & Q2_BME_FLAG_IN_USE)
					jstr(fl, NULL, "in-use");
				if (bm->flags & Q2_BME_FLAG_AUTO)
					jstr(fl, NULL, "auto");
				jstr(b, "name", bm->name);
				juint(b, "granularity", 1ull << bm->granularity_bits);
			}
		}
		if (img->crypt_method) {
			struct jn *enc = jadd(data, "encrypt", jnew(J_OBJ));
			struct q2_luks lk;

			jstr(enc, "format", img->crypt_method == Q2_CRYPT_LUKS ? "luks" : "aes");
			if (q2_image_read_luks(img, &lk) == 0)
				luks_json(enc, &lk);
		}

		/* vhv additions: the raw header and its extensions */
		hdr = jadd(o, "header", jnew(J_OBJ));
		juint(hdr, "version", img->version);
		juint(hdr, "backing-file-offset", img->backing_offset);
		juint(hdr, "backing-file-size", img->backing_size);
		juint(hdr, "cluster-bits", img->cluster_bits);
		juint(hdr, "size", img->size);
		juint(hdr, "crypt-method", img->crypt_method);
		juint(hdr, "l1-size", img->l1_size);
		juint(hdr, "l1-table-offset", img->l1_offset);
		juint(hdr, "refcount-table-offset", img->reftable_offset);
		juint(hdr, "refcount-table-clusters", img->reftable_clusters);
		juint(hdr, "nb-snapshots", img->nb_snapshots);
		juint(hdr, "snapshot-offset", img->snapshots_offset);
		juint(hdr, "incompatible-features", img->incompat);
		juint(hdr, "compatible-features", img->compat);
		juint(hdr, "autoclear-features", img->autoclear);
		juint(hdr, "refcount-order", img->refcount_order);
		juint(hdr, "header-length", img->header_length);
		juint(hdr, "compression-type", img->compression_type);
		jadd(hdr, "incompatible", feature_list(img, 0, img->incompat));
		jadd(hdr, "compatible", feature_list(img, 1, img->compat));
		jadd(hdr, "autoclear", feature_list(img, 2, img->autoclear));
		jbool(hdr, "unknown-features",
		      (img->incompat & ~Q2_INCOMPAT_MASK) || (img->compat & ~Q2_COMPAT_MASK) ||
			      (img->autoclear & ~Q2_AUTOCLEAR_MASK));
		a = jadd(o, "extensions", jnew(J_ARR));
		for (e = 0; e < img->n_exts; e++) {
			struct jn *x = jadd(a, NULL, jnew(J_OBJ));
			char hex[16];

			snprintf(hex, sizeof(hex), "0x%08x", img->exts[e].type);
			jstr(x, "magic", hex);
			jstr(x, "name", ext_name(img->exts[e].type));
			juint(x, "length", img->exts[e].len);
			juint(x, "offset", img->exts[e].offset);
		}
		if (img->has_crypto_ext) {
			struct jn *x = jadd(o, "encryption-header", jnew(J_OBJ));

			juint(x, "offset", img->crypto_offset);
			juint(x, "length", img->crypto_length);
		}
		if (img->nb_bitmaps) {
			struct jn *x = jadd(o, "bitmap-directory", jnew(J_OBJ));

			juint(x, "nb-bitmaps", img->nb_bitmaps);
			juint(x, "offset", img->bitmap_dir_offset);
			juint(x, "size", img->bitmap_dir_size);
		}
		jprint_doc(stdout, o);
		jfree(o);
	} else {
		printf("image: %s\n", ESC(path));
		printf("file format: qcow2 (version %u, compat %s)\n", img->version,
		       img->version == 2 ? "0.10" : "1.1");
		printf("virtual size: %s (%" PRIu64 " bytes)\n", hv_fmt_size(img->size, sz, sizeof(sz)),
		       img->size);
		printf("disk size: %s\n", hv_fmt_size((uint64_t)st.st_blocks * 512, sz, sizeof(sz)));
		printf("file length: %s (%" PRIu64 " bytes)\n",
		       hv_fmt_size(img->file_size, sz, sizeof(sz)), img->file_size);
		printf("cluster_size: %" PRIu64 " (%u bits)\n", img->cluster_size, img->cluster_bits);
		if (img->backing_file) {
			printf("backing file: %s\n", ESC(img->backing_file));
			if (img->backing_format)
				printf("backing file format: %s\n", ESC(img->backing_format));
		}
		if (img->data_file)
			printf("data file: %s%s\n", ESC(img->data_file),
			       (img->autoclear & Q2_AUTOCLEAR_DATA_FILE_RAW) ? " (raw)" : "");
		printf("\nHeader:\n");
		printf("%-24s0x%08x\n", "magic", Q2_MAGIC);
		printf("%-24s%u\n", "version", img->version);
		printf("%-24s0x%" PRIx64 "\n", "backing_file_offset", img->backing_offset);
		printf("%-24s%u\n", "backing_file_size", img->backing_size);
		printf("%-24s%u\n", "cluster_bits", img->cluster_bits);
		printf("%-24s%" PRIu64 "\n", "size", img->size);
		printf("%-24s%u (%s)\n", "crypt_method", img->crypt_method,
		       img->crypt_method == Q2_CRYPT_LUKS  ? "LUKS"
		       : img->crypt_method == Q2_CRYPT_AES ? "AES-CBC"
							   : "none");
		printf("%-24s%u\n", "l1_size", img->l1_size);
		printf("%-24s0x%" PRIx64 "\n", "l1_table_offset", img->l1_offset);
		printf("%-24s0x%" PRIx64 "\n", "refcount_table_offset", img->reftable_offset);
		printf("%-24s%u\n", "refcount_table_clusters", img->reftable_clusters);
		printf("%-24s%u\n", "nb_snapshots", img->nb_snapshots);
		printf("%-24s0x%" PRIx64 "\n", "snapshot_offset", img->snapshots_offset);
		if (img->version >= 3) {
			print_bits(img, 0, img->incompat);
			print_bits(img, 1, img->compat);
			print_bits(img, 2, img->autoclear);
			printf("%-24s%u (%u-bit refcounts)\n", "refcount_order", img->refcount_order,
			       img->refcount_bits);
			printf("%-24s%u\n", "header_length", img->header_length);
			printf("%-24s%u (%s)\n", "compression_type", img->compression_type,
			       img->compression_type == Q2_COMP_ZSTD ? "zstd" : "zlib");
		}
		printf("%-24s%s\n", "extended L2", img->extended_l2 ? "yes (32 subclusters)" : "no");
		if (img->n_exts) {
			printf("\nHeader extensions:\n");
			for (e = 0; e < img->n_exts; e++)
				printf("  0x%08x %-22s %u bytes at 0x%" PRIx64 "\n", img->exts[e].type,
				       ext_name(img->exts[e].type), img->exts[e].len,
				       img->exts[e].offset);
			for (e = 0; e < img->n_features; e++)
				printf("  feature %-12s bit %-2u %s\n",
				       img->features[e].type < 3 ? feat_kind[img->features[e].type] : "?",
				       img->features[e].bit, ESC(img->features[e].name));
			if (img->has_crypto_ext) {
				struct q2_luks lk;

				printf("  encryption header: %" PRIu64 " bytes at 0x%" PRIx64 "\n",
				       img->crypto_length, img->crypto_offset);
				if (q2_image_read_luks(img, &lk) == 0) {
					int n = 0;

					for (int k = 0; k < 8; k++)
						n += lk.slots[k].active;
					printf("  LUKS%u: %s-%s, %u-byte key, hash %s, uuid %s, %d of 8 key slots active\n",
					       lk.version, ESC(lk.cipher_name), ESC(lk.cipher_mode),
					       lk.key_bytes, ESC(lk.hash_spec), ESC(lk.uuid), n);
				}
			}
			if (img->has_bitmaps_ext && !img->nb_bitmaps)
				printf("  bitmaps extension ignored: autoclear bit clear (bitmaps are stale)\n");
		}
		if (img->n_snapshots_loaded) {
			printf("\nSnapshot list:\n");
			printf("%-10s%-18s%10s%20s%13s%11s  %s\n", "ID", "TAG", "VM SIZE", "DATE",
			       "VM CLOCK", "ICOUNT", "L1");
			for (i = 0; i < img->n_snapshots_loaded; i++) {
				const struct q2_snapshot *sn = &img->snapshots[i];
				uint64_t secs = sn->vm_clock_nsec / 1000000000ull;
				char date[32], icount[24] = "";

				fmt_date(sn->date_sec, date, sizeof(date));
				if (sn->icount != UINT64_MAX)
					snprintf(icount, sizeof(icount), "%" PRIu64, sn->icount);
				printf("%-10s%-18s%10s%20s %02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64 "%11s  %u entries at 0x%" PRIx64 "\n",
				       ESC(sn->id), ESC(sn->name), hv_fmt_size(sn->vm_state_size, sz2, sizeof(sz2)),
				       date, secs / 3600, secs / 60 % 60, secs % 60,
				       sn->vm_clock_nsec / 1000000 % 1000, icount, sn->l1_size,
				       sn->l1_offset);
			}
		}
		if (img->n_bitmaps_loaded) {
			printf("\nBitmaps (directory: %" PRIu64 " bytes at 0x%" PRIx64 "):\n",
			       img->bitmap_dir_size, img->bitmap_dir_offset);
			for (i = 0; i < img->n_bitmaps_loaded; i++) {
				const struct q2_bitmap *bm = &img->bitmaps[i];

				printf("  %-20s granularity %-10s flags%s%s%s table %u entries at 0x%" PRIx64 "\n",
				       ESC(bm->name), hv_fmt_size(1ull << bm->granularity_bits, sz, sizeof(sz)),
				       (bm->flags & Q2_BME_FLAG_IN_USE) ? " in-use" : "",
				       (bm->flags & Q2_BME_FLAG_AUTO) ? " auto" : "",
				       !(bm->flags & (Q2_BME_FLAG_IN_USE | Q2_BME_FLAG_AUTO)) ? " -" : "",
				       bm->table_size, bm->table_offset);
			}
		}
	}
	q2_image_free(img);
	return (rc_sn < 0 || rc_bm < 0) ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}

static void usage(void)
{
	printf("Usage:\n"
	       " %1$s info [options] <image>\n"
	       " %1$s verify [options] <image>\n"
	       "\n"
	       "Inspect (info) and check (verify) qcow2 disk images, read-only.\n"
	       "\n"
	       "Options:\n"
	       " -v, --verbose           more log detail on stderr\n"
	       " -h, --help              display this help\n"
	       " -V, --version           display version\n"
	       "\n"
	       "'%1$s <command> --help' lists the options of each command.\n"
	       "\n"
	       "Exit status: 0 clean, 1 check not completed or check errors, 2 corruptions,\n"
	       "3 leaks only, 63 not a qcow2 image. See vhv-qcow2(8).\n",
	       cli_prog());
}

int main(int argc, char **argv)
{
	int i;

	cli_init(argv);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage();
			return CLI_EXIT_OK;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("%s %s\n", cli_prog(), VHV_VERSION);
			return CLI_EXIT_OK;
		} else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			cli_verbose();
		} else {
			break;
		}
	}
	if (i >= argc)
		cli_usage_error("a command is needed: info or verify");
	if (!strcmp(argv[i], "info")) {
		cli_subcommand(argv + i, "info");
		return cmd_info(argc - i, argv + i);
	}
	if (!strcmp(argv[i], "verify") || !strcmp(argv[i], "check")) {
		cli_subcommand(argv + i, "verify");
		return cmd_verify(argc - i, argv + i);
	}
	cli_usage_error("unknown command '%s' (info or verify)", argv[i]);
}
