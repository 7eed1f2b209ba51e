// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-grub2: a static reader of GRUB 2 grub.cfg. It follows GRUB's script
 * syntax (grub-core/script/yylex.l: words, '...' and "..." quoting, $var and
 * ${var} expansion, ';' and newlines, { } blocks) far enough to know, for each
 * menuentry, which files it loads and from which root. It never runs anything:
 * conditions it cannot decide from the file and grubenv make the commands under
 * them "uncertain", and an entry whose loads or root are uncertain is marked
 * unresolved instead of guessed.
 */
#include "bootcheck/boot-cfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bootcheck/boot-int.h"

struct var {
	char *name;
	char *val;
	bool uncertain;  /* assigned under a condition the file cannot decide */
};

/* One level of if/then/else. */
enum cond { C_TRUE, C_FALSE, C_UNKNOWN };
struct iflevel {
	enum cond cond;     /* of the branch being read */
	bool any_taken;     /* a previous branch was definitely taken */
	bool any_unknown;   /* a previous branch condition was unknown */
	bool in_cond;       /* between if/elif and then */
};

/* What an open '{' belongs to. */
enum blk { B_ENTRY, B_SUBMENU, B_FUNCTION, B_OTHER };

struct parser {
	const char *p, *end;
	int line;
	const struct boot_env *env;
	int (*exists)(void *ud, const char *path);
	void *ud;
	struct boot_cfg *cfg;
	size_t nvars;
	struct var vars[BOOT_MAX_VARS];
	/* blocks */
	int nblk;
	enum blk blk[BOOT_MAX_DEPTH * 2];
	int skip_depth;               /* >0: inside a function body (not read) */
	/* if levels */
	int nif;
	struct iflevel ifs[BOOT_MAX_DEPTH * 2];
	/* submenu path */
	int depth;                    /* current submenu depth */
	int sibling[BOOT_MAX_DEPTH + 1];  /* next index per level */
	int open_idx[BOOT_MAX_DEPTH + 1]; /* index of the open submenu per level */
	char *stitle[BOOT_MAX_DEPTH + 1];
	char *sid[BOOT_MAX_DEPTH + 1];
	struct boot_entry *cur;       /* entry being read */
	char *root;                   /* current GRUB root (global, then per entry) */
	char *entry_saved_root;
	bool entry_saved_root_valid;
	int err;
};

/* Variables GRUB sets at run time whose value the file cannot tell. */
static const char *const runtime_unknown[] = {
	"grub_platform", "cmdpath", "config_directory", "config_file", "fw_path", "net_default_mac",
	"grub_cpu",
};

static const char *var_get(struct parser *ps, const char *name, bool *unknown)
{
	size_t i;

	for (i = 0; i < ps->nvars; i++)
		if (strcmp(ps->vars[i].name, name) == 0) {
			if (ps->vars[i].uncertain)
				*unknown = true;
			return ps->vars[i].val;
		}
	for (i = 0; i < HV_ARRAY_SIZE(runtime_unknown); i++)
		if (strcmp(runtime_unknown[i], name) == 0) {
			*unknown = true;
			return "";
		}
	if (strcmp(name, "root") == 0) {
		/* the device is tracked separately; a path built on $root is device-relative */
		return "";
	}
	/* GRUB 2.06 defines these feature_* variables (normal/main.c features[]) */
	if (hv_startswith(name, "feature_"))
		return "y";
	if (strcmp(name, "prefix") == 0)
		return "/boot/grub";
	return "";  /* unset expands to nothing */
}

static bool uncertain(const struct parser *ps);

static int var_set(struct parser *ps, const char *name, const char *val)
{
	size_t i;
	char *v = strdup(val);

	if (!v)
		return -ENOMEM;
	for (i = 0; i < ps->nvars; i++)
		if (strcmp(ps->vars[i].name, name) == 0) {
			free(ps->vars[i].val);
			ps->vars[i].val = v;
			ps->vars[i].uncertain = uncertain(ps);
			return 0;
		}
	if (ps->nvars >= BOOT_MAX_VARS) {
		free(v);
		ps->cfg->truncated = true;
		return 0;
	}
	ps->vars[ps->nvars].name = strdup(name);
	if (!ps->vars[ps->nvars].name) {
		free(v);
		return -ENOMEM;
	}
	ps->vars[ps->nvars].uncertain = uncertain(ps);
	ps->vars[ps->nvars++].val = v;
	return 0;
}

/* Are we in a region whose execution the file cannot decide? */
static bool uncertain(const struct parser *ps)
{
	int i;

	for (i = 0; i < ps->nif; i++)
		if (ps->ifs[i].cond == C_UNKNOWN || ps->ifs[i].any_unknown)
			return true;
	return false;
}

static bool skipping(const struct parser *ps)
{
	int i;

	if (ps->skip_depth > 0)
		return true;
	for (i = 0; i < ps->nif; i++)
		if (ps->ifs[i].cond == C_FALSE || ps->ifs[i].in_cond)
			return true;
	return false;
}

/* ---- lexer: one command (words) per call ---- */

struct word {
	struct sbuf s;
	bool unknown;      /* expanded a variable whose value is not known statically */
	bool quoted;
	char firstvar[64]; /* first variable expanded in it (as long as a name) */
};

struct cmd {
	int n;
	struct word w[BOOT_MAX_WORDS];
	bool open_brace;   /* ended by '{' */
};

static void cmd_clear(struct cmd *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		sbuf_free(&c->w[i].s);
	c->n = 0;
	c->open_brace = false;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* Append the current character to @w and step over it, counting lines. */
static int take_char(struct parser *ps, struct word *w)
{
	if (*ps->p == '\n')
		ps->line++;
	return sbuf_addc(&w->s, *ps->p++);
}

static int expand_var(struct parser *ps, struct word *w)
{
	char name[64];
	size_t n = 0;
	bool unknown = false;
	const char *v;

	/* ps->p points after '$' */
	if (ps->p < ps->end && *ps->p == '{') {
		ps->p++;
		while (ps->p < ps->end && *ps->p != '}' && *ps->p != '\n') {
			if (n < sizeof(name) - 1)
				name[n++] = *ps->p;
			ps->p++;
		}
		if (ps->p < ps->end && *ps->p == '}')
			ps->p++;
	} else if (ps->p < ps->end && (*ps->p == '?' || *ps->p == '#' || *ps->p == '@')) {
		name[n++] = *ps->p++;
	} else {
		while (ps->p < ps->end && is_name_char(*ps->p)) {
			if (n < sizeof(name) - 1)
				name[n++] = *ps->p;
			ps->p++;
		}
	}
	name[n] = '\0';
	if (n == 0)
		return sbuf_addc(&w->s, '$');
	v = var_get(ps, name, &unknown);
	if (!w->firstvar[0])
		snprintf(w->firstvar, sizeof(w->firstvar), "%s", name);
	if (unknown) {
		/* not known statically: keep it visible as written, never a guess */
		w->unknown = true;
		return sbuf_adds(&w->s, "${") < 0 || sbuf_adds(&w->s, name) < 0 ? -ENOMEM :
			sbuf_addc(&w->s, '}');
	}
	return sbuf_adds(&w->s, v);
}

/*
 * Read the next command into @c. Returns 1 when a command was read, 0 at end of
 * input, -errno on error. A lone "{" or "}" comes back as a one-word command.
 */
static int lex_cmd(struct parser *ps, struct cmd *c)
{
	int rc;

	cmd_clear(c);
	for (;;) {
		struct word *w;
		bool inword = false;

		/* skip blanks */
		while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r'))
			ps->p++;
		if (ps->p >= ps->end)
			return c->n > 0;
		if (*ps->p == '\\' && ps->p + 1 < ps->end && ps->p[1] == '\n') {
			ps->p += 2;
			ps->line++;
			continue;
		}
		if (*ps->p == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
			continue;
		}
		if (*ps->p == '\n' || *ps->p == ';') {
			if (*ps->p == '\n')
				ps->line++;
			ps->p++;
			if (c->n > 0)
				return 1;
			continue;
		}
		if ((*ps->p == '{' || *ps->p == '}') &&
		    (ps->p + 1 >= ps->end || strchr(" \t\r\n;", ps->p[1]))) {
			if (c->n > 0) {
				if (*ps->p == '{') {
					c->open_brace = true;
					ps->p++;
				}
				return 1;  /* '}' ends the command; read next time */
			}
			w = &c->w[c->n++];
			memset(w, 0, sizeof(*w));
			rc = sbuf_addc(&w->s, *ps->p++);
			return rc < 0 ? rc : 1;
		}
		if (c->n >= BOOT_MAX_WORDS) {
			ps->cfg->truncated = true;
			c->n = BOOT_MAX_WORDS - 1;
			sbuf_free(&c->w[c->n].s);
		}
		w = &c->w[c->n++];
		memset(w, 0, sizeof(*w));
		rc = sbuf_adds(&w->s, "");
		if (rc < 0)
			return rc;
		inword = true;
		while (inword && ps->p < ps->end) {
			char ch = *ps->p;

			if (w->s.len > BOOT_MAX_WORD)
				return -EFBIG;
			switch (ch) {
			case ' ': case '\t': case '\r': case '\n': case ';':
				inword = false;
				break;
			case '\\':
				ps->p++;
				if (ps->p < ps->end) {
					if (*ps->p == '\n')
						ps->line++;
					else
						rc = sbuf_addc(&w->s, *ps->p);
					ps->p++;
				}
				break;
			case '\'':
				w->quoted = true;
				ps->p++;
				while (ps->p < ps->end && *ps->p != '\'') {
					rc = take_char(ps, w);
					if (rc < 0 || w->s.len > BOOT_MAX_WORD)
						return rc < 0 ? rc : -EFBIG;
				}
				if (ps->p < ps->end)
					ps->p++;
				break;
			case '"':
				w->quoted = true;
				ps->p++;
				while (ps->p < ps->end && *ps->p != '"') {
					if (*ps->p == '\\' && ps->p + 1 < ps->end &&
					    strchr("$\"\\\n", ps->p[1])) {
						if (ps->p[1] != '\n')
							rc = sbuf_addc(&w->s, ps->p[1]);
						else
							ps->line++;
						ps->p += 2;
					} else if (*ps->p == '$') {
						ps->p++;
						rc = expand_var(ps, w);
					} else {
						rc = take_char(ps, w);
					}
					if (rc < 0 || w->s.len > BOOT_MAX_WORD)
						return rc < 0 ? rc : -EFBIG;
				}
				if (ps->p < ps->end)
					ps->p++;
				break;
			case '$':
				ps->p++;
				rc = expand_var(ps, w);
				break;
			default:
				rc = sbuf_addc(&w->s, ch);
				ps->p++;
			}
			if (rc < 0)
				return rc;
		}
		/* an unquoted word that expanded to nothing is no word (as in sh) */
		if (w->s.len == 0 && !w->quoted) {
			sbuf_free(&w->s);
			c->n--;
		}
	}
}

/* ---- conditions ---- */

static enum cond eval_test(struct parser *ps, struct cmd *c, int from, int to)
{
	int n = to - from;
	struct word *w = &c->w[from];
	bool neg = false;
	enum cond r;

	if (n > 0 && strcmp(w[0].s.buf, "!") == 0) {
		neg = true;
		w++;
		n--;
	}
	for (int i = 0; i < n; i++)
		if (w[i].unknown)
			return C_UNKNOWN;
	if (n == 1)
		r = w[0].s.buf[0] ? C_TRUE : C_FALSE;
	else if (n == 2 && (!strcmp(w[0].s.buf, "-n") || !strcmp(w[0].s.buf, "-z"))) {
		bool empty = !w[1].s.buf[0];

		r = (w[0].s.buf[1] == 'z') == empty ? C_TRUE : C_FALSE;
	} else if (n == 2 && (!strcmp(w[0].s.buf, "-s") || !strcmp(w[0].s.buf, "-f") ||
			      !strcmp(w[0].s.buf, "-e") || !strcmp(w[0].s.buf, "-d"))) {
		int e = ps->exists ? ps->exists(ps->ud, w[1].s.buf) : -1;

		r = e < 0 ? C_UNKNOWN : e ? C_TRUE : C_FALSE;
	} else if (n == 3 && (!strcmp(w[1].s.buf, "=") || !strcmp(w[1].s.buf, "=="))) {
		r = strcmp(w[0].s.buf, w[2].s.buf) == 0 ? C_TRUE : C_FALSE;
	} else if (n == 3 && !strcmp(w[1].s.buf, "!=")) {
		r = strcmp(w[0].s.buf, w[2].s.buf) != 0 ? C_TRUE : C_FALSE;
	} else {
		return C_UNKNOWN;
	}
	if (neg && r != C_UNKNOWN)
		r = r == C_TRUE ? C_FALSE : C_TRUE;
	return r;
}

/* The condition of "if"/"elif": a command from word @from on. */
static enum cond eval_cond(struct parser *ps, struct cmd *c, int from)
{
	int n = c->n - from;

	if (n <= 0)
		return C_UNKNOWN;
	if (!strcmp(c->w[from].s.buf, "[") && !strcmp(c->w[c->n - 1].s.buf, "]"))
		return eval_test(ps, c, from + 1, c->n - 1);
	if (!strcmp(c->w[from].s.buf, "test"))
		return eval_test(ps, c, from + 1, c->n);
	if (!strcmp(c->w[from].s.buf, "true"))
		return C_TRUE;
	if (!strcmp(c->w[from].s.buf, "false"))
		return C_FALSE;
	return C_UNKNOWN;  /* loadfont, keystatus, fwsetup --is-supported, ... */
}

/* ---- entries ---- */

static int entry_begin(struct parser *ps, struct cmd *c, bool submenu)
{
	struct boot_cfg *cfg = ps->cfg;
	const char *title = c->n > 1 ? c->w[1].s.buf : "";
	const char *id = NULL;
	int i, d = ps->depth;
	char *t;

	for (i = 2; i < c->n; i++) {
		const char *a = c->w[i].s.buf;

		if (!strcmp(a, "--id") && i + 1 < c->n)
			id = c->w[++i].s.buf;
		else if (hv_startswith(a, "--id="))
			id = a + 5;
	}
	if (d > BOOT_MAX_DEPTH - 1)
		return -E2BIG;
	free(ps->stitle[d]);
	free(ps->sid[d]);
	ps->stitle[d] = strdup(title);
	ps->sid[d] = id ? strdup(id) : NULL;
	if (!ps->stitle[d] || (id && !ps->sid[d]))
		return -ENOMEM;
	if (submenu) {
		ps->open_idx[d] = ps->sibling[d];
		ps->sibling[d]++;
		ps->depth++;
		ps->sibling[ps->depth] = 0;
		return 0;
	}
	if (cfg->nentries >= BOOT_MAX_ENTRIES) {
		cfg->truncated = true;
		ps->sibling[d]++;
		ps->cur = NULL;
		return 0;
	}
	struct boot_entry *e = &cfg->entries[cfg->nentries];

	memset(e, 0, sizeof(*e));
	e->line = ps->line;
	e->depth = d;
	for (i = 0; i <= d; i++) {
		e->pidx[i] = i < d ? ps->open_idx[i] : ps->sibling[i];
		e->ptitle[i] = strdup(ps->stitle[i]);
		e->pid[i] = ps->sid[i] ? strdup(ps->sid[i]) : NULL;
		if (!e->ptitle[i] || (ps->sid[i] && !e->pid[i]))
			goto nomem;
	}
	e->title = strdup(title);
	e->id = id ? strdup(id) : NULL;
	t = boot_join_path((const char *const *)e->ptitle, d + 1);
	e->path = t;
	if (!e->title || (id && !e->id) || !t)
		goto nomem;
	if (uncertain(ps))
		boot_entry_unresolved(e, "defined under a condition that depends on the machine");
	ps->sibling[d]++;
	cfg->nentries++;
	ps->cur = e;
	/* an entry starts with the root of the enclosing context */
	ps->entry_saved_root = ps->root ? strdup(ps->root) : NULL;
	ps->entry_saved_root_valid = true;
	return 0;
nomem:
	cfg->nentries++;  /* so boot_cfg_free frees it */
	return -ENOMEM;
}

static void entry_end(struct parser *ps)
{
	if (ps->cur) {
		if (!ps->cur->root && ps->root)
			ps->cur->root = strdup(ps->root);
	}
	ps->cur = NULL;
	if (ps->entry_saved_root_valid) {
		free(ps->root);
		ps->root = ps->entry_saved_root;
		ps->entry_saved_root = NULL;
		ps->entry_saved_root_valid = false;
	}
}

static int set_root(struct parser *ps, const char *val, bool unknown)
{
	char *r = strdup(val);

	if (!r)
		return -ENOMEM;
	free(ps->root);
	ps->root = r;
	if (ps->cur) {
		free(ps->cur->root);
		ps->cur->root = strdup(r);
		if (unknown || uncertain(ps))
			boot_entry_unresolved(ps->cur, "its root device depends on a condition");
	}
	return 0;
}

/* search [--no-floppy] --fs-uuid|--label|--file [--set[=VAR]] [--hint...] NAME */
static int do_search(struct parser *ps, struct cmd *c)
{
	const char *how = "file", *var = NULL, *name = NULL;
	int i;
	char *v;
	int rc;

	if (!strcmp(c->w[0].s.buf, "search.fs_uuid"))
		how = "uuid";
	else if (!strcmp(c->w[0].s.buf, "search.fs_label"))
		how = "label";
	for (i = 1; i < c->n; i++) {
		const char *a = c->w[i].s.buf;

		if (!strcmp(a, "--fs-uuid") || !strcmp(a, "-u"))
			how = "uuid";
		else if (!strcmp(a, "--label") || !strcmp(a, "-l"))
			how = "label";
		else if (!strcmp(a, "--file") || !strcmp(a, "-f"))
			how = "file";
		else if (!strcmp(a, "--set") || !strcmp(a, "-s")) {
			var = "root";
			if (i + 1 < c->n && c->w[i + 1].s.buf[0] != '-' && i + 2 < c->n)
				var = c->w[++i].s.buf;
		} else if (hv_startswith(a, "--set="))
			var = a + 6;
		else if (a[0] == '-')
			continue;
		else
			name = a;
	}
	if (!name)
		return 0;
	if (!var)
		var = "root";
	v = hv_asprintf("%s:%s", how, name);
	if (!v)
		return -ENOMEM;
	if (!strcmp(var, "root"))
		rc = set_root(ps, v, c->w[c->n - 1].unknown);
	else
		rc = var_set(ps, var, v);
	free(v);
	return rc;
}

static int add_load(struct parser *ps, struct cmd *c, enum boot_load_kind kind, int from)
{
	struct boot_entry *e = ps->cur;
	struct boot_load *l;
	struct sbuf args = { 0 };
	int i, rc = 0;
	bool unknown = false;

	if (!e)
		return 0;  /* a load outside any entry runs at config time: not an entry */
	if (e->nloads >= BOOT_MAX_LOADS) {
		ps->cfg->truncated = true;
		return 0;
	}
	l = &e->loads[e->nloads];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->line = ps->line;
	l->cmd = strdup(c->w[0].s.buf);
	if (!l->cmd)
		return -ENOMEM;
	e->nloads++;
	for (i = from; i < c->n; i++) {
		const char *a = c->w[i].s.buf;

		if (c->w[i].unknown && !l->path)
			unknown = true;  /* the file itself depends on boot-time state */
		else if (c->w[i].unknown)
			l->args_unknown = true;
		if (!l->path && !strcmp(a, "--nounzip")) {
			l->nounzip = true;
			continue;
		}
		if (!l->path && hv_startswith(a, "--"))
			continue;  /* --quirk-..., --type=... */
		if (!l->path) {
			rc = boot_split_grub_path(a, &l->dev, &l->path);
			if (rc < 0)
				break;
			continue;
		}
		if (args.len)
			rc = sbuf_addc(&args, ' ');
		if (rc >= 0)
			rc = sbuf_adds(&args, a);
		if (rc < 0)
			break;
	}
	if (rc >= 0 && !args.buf)
		rc = sbuf_adds(&args, "");
	if (rc < 0) {
		sbuf_free(&args);
		return rc;
	}
	l->args = sbuf_take(&args);
	if (unknown)
		boot_entry_unresolved(e, "a loaded file's name uses a variable only known at boot time");
	if (uncertain(ps))
		boot_entry_unresolved(e, "a load command depends on a condition");
	return 0;
}

/* initrd may list several files: one load each. */
static int add_initrds(struct parser *ps, struct cmd *c)
{
	int i, rc;

	for (i = 1; i < c->n; i++) {
		struct cmd one;

		if (hv_startswith(c->w[i].s.buf, "--"))
			continue;
		one.n = 2;
		one.w[0] = c->w[0];
		one.w[1] = c->w[i];
		rc = add_load(ps, &one, BOOT_LOAD_INITRD, 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static void set_loader(struct parser *ps, enum boot_loader l)
{
	if (ps->cur)
		ps->cur->loader = l;
}

static int do_set_default(struct parser *ps, struct word *w, const char *val)
{
	struct boot_cfg *cfg = ps->cfg;
	char *v = strdup(val);

	if (!v)
		return -ENOMEM;
	free(cfg->deflt);
	cfg->deflt = v;
	free(cfg->default_var);
	cfg->default_var = w && w->firstvar[0] ? strdup(w->firstvar) : NULL;
	cfg->default_unresolved = false;
	if ((w && w->unknown) || uncertain(ps)) {
		cfg->default_unresolved = true;
		free(cfg->default_why);
		cfg->default_why = strdup("default is set under a condition that depends on the machine");
	}
	return 0;
}

static int do_assign(struct parser *ps, struct word *w, const char *assign)
{
	const char *eq = strchr(assign, '=');
	char name[64];
	size_t n;

	if (!eq)
		return 0;
	n = (size_t)(eq - assign);
	if (n == 0 || n >= sizeof(name))
		return 0;
	memcpy(name, assign, n);
	name[n] = '\0';
	if (!strcmp(name, "default"))
		return do_set_default(ps, w, eq + 1);
	if (!strcmp(name, "fallback")) {
		free(ps->cfg->fallback);
		ps->cfg->fallback = strdup(eq + 1);
		return ps->cfg->fallback ? 0 : -ENOMEM;
	}
	if (!strcmp(name, "root"))
		return set_root(ps, eq + 1, w->unknown);
	return var_set(ps, name, eq + 1);
}

static int do_load_env(struct parser *ps, struct cmd *c)
{
	size_t i;
	int j, rc;
	bool named = false;

	ps->cfg->load_env = true;
	if (!ps->env)
		return 0;
	for (j = 1; j < c->n; j++)
		if (c->w[j].s.buf[0] != '-' && (j == 1 || strcmp(c->w[j - 1].s.buf, "-f")))
			named = true;
	for (i = 0; i < ps->env->n; i++) {
		bool want = !named;

		for (j = 1; named && j < c->n; j++)
			if (!strcmp(c->w[j].s.buf, ps->env->key[i]))
				want = true;
		if (!want)
			continue;
		rc = var_set(ps, ps->env->key[i], ps->env->val[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int run_cmd(struct parser *ps, struct cmd *c)
{
	const char *w0;
	int rc = 0, shift = 0;

	/* keywords that may carry a command after them */
	while (shift < c->n) {
		w0 = c->w[shift].s.buf;
		if (!strcmp(w0, "then") || !strcmp(w0, "do")) {
			if (ps->nif > 0 && !strcmp(w0, "then"))
				ps->ifs[ps->nif - 1].in_cond = false;
			shift++;
		} else if (!strcmp(w0, "else")) {
			if (ps->nif > 0) {
				struct iflevel *f = &ps->ifs[ps->nif - 1];

				if (f->cond == C_TRUE)
					f->any_taken = true;
				if (f->cond == C_UNKNOWN)
					f->any_unknown = true;
				f->cond = f->any_taken ? C_FALSE : f->any_unknown ? C_UNKNOWN : C_TRUE;
			}
			shift++;
		} else {
			break;
		}
	}
	if (shift >= c->n)
		return 0;
	if (shift > 0) {
		int i;

		for (i = 0; i < shift; i++)
			sbuf_free(&c->w[i].s);
		memmove(&c->w[0], &c->w[shift], (size_t)(c->n - shift) * sizeof(c->w[0]));
		c->n -= shift;
	}
	w0 = c->w[0].s.buf;

	/* block structure first: it must be tracked even while skipping */
	if (!strcmp(w0, "}")) {
		if (ps->skip_depth > 0) {
			ps->skip_depth--;
			return 0;
		}
		if (ps->nblk == 0)
			return 0;  /* stray brace */
		switch (ps->blk[--ps->nblk]) {
		case B_ENTRY:
			entry_end(ps);
			break;
		case B_SUBMENU:
			if (ps->depth > 0)
				ps->depth--;
			break;
		default:
			break;
		}
		return 0;
	}
	if (!strcmp(w0, "if")) {
		if (ps->nif >= (int)HV_ARRAY_SIZE(ps->ifs))
			return -E2BIG;
		struct iflevel *f = &ps->ifs[ps->nif];
		bool skip = skipping(ps);

		memset(f, 0, sizeof(*f));
		f->cond = skip ? C_FALSE : eval_cond(ps, c, 1);
		if (skip)
			f->any_taken = true;  /* no branch runs */
		ps->nif++;
		/* "if cond; then" arrives as two commands; in_cond until "then" */
		f->in_cond = false;
		return 0;
	}
	if (!strcmp(w0, "elif")) {
		if (ps->nif > 0) {
			struct iflevel *f = &ps->ifs[ps->nif - 1];

			if (f->cond == C_TRUE)
				f->any_taken = true;
			if (f->cond == C_UNKNOWN)
				f->any_unknown = true;
			if (f->any_taken)
				f->cond = C_FALSE;
			else {
				ps->nif--;
				f->cond = skipping(ps) ? C_FALSE : eval_cond(ps, c, 1);
				ps->nif++;
			}
		}
		return 0;
	}
	if (!strcmp(w0, "fi")) {
		if (ps->nif > 0)
			ps->nif--;
		return 0;
	}
	if (!strcmp(w0, "function")) {
		if (c->open_brace)
			ps->skip_depth++;
		return 0;
	}
	if (ps->skip_depth > 0) {
		if (c->open_brace || !strcmp(w0, "{"))
			ps->skip_depth++;
		return 0;
	}
	if (!strcmp(w0, "menuentry") || !strcmp(w0, "submenu")) {
		bool sub = w0[0] == 's';

		if (!c->open_brace)
			return 0;  /* malformed: no body */
		if (ps->nblk >= (int)HV_ARRAY_SIZE(ps->blk) || ps->depth >= BOOT_MAX_DEPTH - 1) {
			ps->skip_depth++;
			ps->cfg->truncated = true;
			return 0;
		}
		if (skipping(ps)) {
			ps->blk[ps->nblk++] = B_OTHER;
			if (!sub)
				return 0;
			/* a skipped submenu still nests: read as an ordinary block */
			return 0;
		}
		if (ps->cur) {  /* menuentry inside menuentry: GRUB defines it at run time */
			ps->skip_depth++;
			return 0;
		}
		ps->blk[ps->nblk++] = sub ? B_SUBMENU : B_ENTRY;
		return entry_begin(ps, c, sub);
	}
	if (c->open_brace) {
		if (ps->nblk < (int)HV_ARRAY_SIZE(ps->blk))
			ps->blk[ps->nblk++] = B_OTHER;
		else
			ps->skip_depth++;
	}
	if (skipping(ps))
		return 0;

	if (!strcmp(w0, "set") && c->n >= 2)
		rc = do_assign(ps, &c->w[1], c->w[1].s.buf);
	else if (!strcmp(w0, "unset") && c->n >= 2)
		rc = var_set(ps, c->w[1].s.buf, "");
	else if (strchr(w0, '=') && w0[0] != '=' && strspn(w0, "abcdefghijklmnopqrstuvwxyz"
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == (size_t)(strchr(w0, '=') - w0))
		rc = do_assign(ps, &c->w[0], w0);
	else if (!strcmp(w0, "load_env"))
		rc = do_load_env(ps, c);
	else if (!strncmp(w0, "search", 6))
		rc = do_search(ps, c);
	else if (!strcmp(w0, "linux") || !strcmp(w0, "linux16") || !strcmp(w0, "linuxefi")) {
		set_loader(ps, BOOT_LDR_LINUX);
		rc = add_load(ps, c, BOOT_LOAD_LINUX, 1);
	} else if (!strcmp(w0, "initrd") || !strcmp(w0, "initrd16") || !strcmp(w0, "initrdefi"))
		rc = add_initrds(ps, c);
	else if (!strcmp(w0, "multiboot") || !strcmp(w0, "multiboot2")) {
		set_loader(ps, w0[9] == '2' ? BOOT_LDR_MULTIBOOT2 : BOOT_LDR_MULTIBOOT);
		rc = add_load(ps, c, BOOT_LOAD_HYPERVISOR, 1);
	} else if (!strcmp(w0, "xen_hypervisor")) {
		set_loader(ps, BOOT_LDR_XEN_ARM);
		rc = add_load(ps, c, BOOT_LOAD_HYPERVISOR, 1);
	} else if (!strcmp(w0, "module") || !strcmp(w0, "module2") || !strcmp(w0, "xen_module"))
		rc = add_load(ps, c, BOOT_LOAD_MODULE, 1);
	else if (!strcmp(w0, "chainloader")) {
		set_loader(ps, BOOT_LDR_CHAIN);
		rc = add_load(ps, c, BOOT_LOAD_CHAIN, 1);
	}
	return rc;
}

int boot_grub2_parse(const char *buf, size_t len, const struct boot_env *env,
		     int (*exists)(void *ud, const char *path), void *ud, struct boot_cfg **out)
{
	struct parser *ps;
	struct cmd *c;
	int rc;
	size_t i;

	*out = NULL;
	if (len > BOOT_MAX_CFG_SIZE)
		return -EFBIG;
	ps = calloc(1, sizeof(*ps));
	c = calloc(1, sizeof(*c));
	if (!ps || !c) {
		rc = -ENOMEM;
		goto out;
	}
	ps->cfg = calloc(1, sizeof(*ps->cfg));
	if (ps->cfg)
		ps->cfg->entries = calloc(BOOT_MAX_ENTRIES, sizeof(struct boot_entry));
	if (!ps->cfg || !ps->cfg->entries) {
		rc = -ENOMEM;
		goto out;
	}
	ps->cfg->kind = BOOT_CFG_GRUB2;
	ps->p = buf;
	ps->end = buf + len;
	ps->line = 1;
	ps->env = env;
	ps->exists = exists;
	ps->ud = ud;
	for (;;) {
		rc = lex_cmd(ps, c);
		if (rc <= 0)
			break;
		rc = run_cmd(ps, c);
		if (rc < 0)
			break;
	}
	if (rc == -E2BIG || rc == -EFBIG) {
		ps->cfg->truncated = true;  /* nesting or word limits: keep what was read */
		rc = 0;
	}
	if (ps->cur)
		entry_end(ps);
	if (rc >= 0) {
		const char *v;
		bool unk = false;

		v = var_get(ps, "saved_entry", &unk);
		if (v[0])
			ps->cfg->saved_entry = strdup(v);
		v = env ? boot_env_get(env, "next_entry") : NULL;
		if (v && v[0])
			ps->cfg->next_entry = strdup(v);
		boot_cfg_finish(ps->cfg);
		*out = ps->cfg;
		ps->cfg = NULL;
		rc = 0;
	}
out:
	if (c)
		cmd_clear(c);
	if (ps) {
		boot_cfg_free(ps->cfg);
		for (i = 0; i < ps->nvars; i++) {
			free(ps->vars[i].name);
			free(ps->vars[i].val);
		}
		for (i = 0; i <= BOOT_MAX_DEPTH; i++) {
			free(ps->stitle[i]);
			free(ps->sid[i]);
		}
		free(ps->root);
		free(ps->entry_saved_root);
	}
	free(c);
	free(ps);
	return rc;
}
