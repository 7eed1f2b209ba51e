// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-model: the config model (entries, default resolution), the grubenv
 * reader and the GRUB legacy menu.lst reader.
 */
#include "bootcheck/boot-cfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bootcheck/boot-int.h"

int sbuf_addn(struct sbuf *s, const char *p, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 64;
		char *b;

		while (cap < s->len + n + 1)
			cap *= 2;
		b = realloc(s->buf, cap);
		if (!b)
			return -ENOMEM;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return 0;
}

int sbuf_addc(struct sbuf *s, char c)
{
	return sbuf_addn(s, &c, 1);
}

int sbuf_adds(struct sbuf *s, const char *p)
{
	return sbuf_addn(s, p, strlen(p));
}

void sbuf_free(struct sbuf *s)
{
	free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
}

char *sbuf_take(struct sbuf *s)
{
	char *b = s->buf;

	if (!b)
		b = strdup("");
	s->buf = NULL;
	s->len = s->cap = 0;
	return b;
}

char *boot_join_path(const char *const *titles, int n)
{
	struct sbuf s = { 0 };
	int i;

	for (i = 0; i < n; i++)
		if ((i && sbuf_addc(&s, '>') < 0) || sbuf_adds(&s, titles[i] ? titles[i] : "") < 0) {
			sbuf_free(&s);
			return NULL;
		}
	return sbuf_take(&s);
}

void boot_entry_unresolved(struct boot_entry *e, const char *why)
{
	if (!e->unresolved)
		e->unresolved = strdup(why);
}

int boot_split_grub_path(const char *s, char **dev, char **path)
{
	const char *close;

	*dev = NULL;
	*path = NULL;
	if (s[0] == '(' && (close = strchr(s, ')'))) {
		*dev = strndup(s, (size_t)(close - s + 1));
		if (!*dev)
			return -ENOMEM;
		s = close + 1;
	}
	if (*s) {
		*path = strdup(s);
		if (!*path)
			return -ENOMEM;
	}
	return 0;
}

void boot_cfg_finish(struct boot_cfg *cfg)
{
	size_t i, j;

	cfg->nunresolved = 0;
	for (i = 0; i < cfg->nentries; i++) {
		if (cfg->entries[i].unresolved)
			cfg->nunresolved++;
		if (!cfg->entries[i].id || cfg->dup_id)
			continue;
		for (j = 0; j < i; j++)
			if (cfg->entries[j].id && !strcmp(cfg->entries[j].id, cfg->entries[i].id)) {
				cfg->dup_id = strdup(cfg->entries[i].id);
				break;
			}
	}
}

static void load_free(struct boot_load *l)
{
	free(l->cmd);
	free(l->path);
	free(l->dev);
	free(l->args);
}

void boot_cfg_free(struct boot_cfg *cfg)
{
	size_t i, j;
	int d;

	if (!cfg)
		return;
	for (i = 0; cfg->entries && i < cfg->nentries; i++) {
		struct boot_entry *e = &cfg->entries[i];

		free(e->title);
		free(e->path);
		free(e->id);
		free(e->root);
		free(e->unresolved);
		for (d = 0; d <= BOOT_MAX_DEPTH; d++) {
			free(e->ptitle[d]);
			free(e->pid[d]);
		}
		for (j = 0; j < e->nloads; j++)
			load_free(&e->loads[j]);
	}
	free(cfg->entries);
	free(cfg->deflt);
	free(cfg->default_why);
	free(cfg->default_var);
	free(cfg->saved_entry);
	free(cfg->next_entry);
	free(cfg->fallback);
	free(cfg->dup_id);
	free(cfg->legacy_root);
	free(cfg);
}

static bool comp_match(const struct boot_entry *e, int level, const char *comp, size_t n)
{
	char num[16];
	const char *t = e->ptitle[level], *id = e->pid[level];
	size_t i;
	bool digits = n > 0 && n < sizeof(num);

	for (i = 0; digits && i < n; i++)
		if (!isdigit((unsigned char)comp[i]))
			digits = false;
	if (digits) {
		memcpy(num, comp, n);
		num[n] = '\0';
		return atoi(num) == e->pidx[level];
	}
	if (t && strlen(t) == n && !memcmp(t, comp, n))
		return true;
	return id && strlen(id) == n && !memcmp(id, comp, n);
}

int boot_cfg_resolve(const struct boot_cfg *cfg, const char *spec)
{
	const char *comp[BOOT_MAX_DEPTH + 1];
	size_t clen[BOOT_MAX_DEPTH + 1];
	int nc = 0, k;
	size_t i;
	const char *p;
	bool prefix_hit = false;

	if (!spec)
		spec = cfg->deflt;
	if (!spec || !spec[0])
		spec = "0";  /* GRUB: an unset or empty default is the first entry */
	for (p = spec;;) {
		const char *gt = strchr(p, '>');

		if (nc > BOOT_MAX_DEPTH)
			return -ENOENT;
		comp[nc] = p;
		clen[nc] = gt ? (size_t)(gt - p) : strlen(p);
		nc++;
		if (!gt)
			break;
		p = gt + 1;
	}
	for (i = 0; i < cfg->nentries; i++) {
		const struct boot_entry *e = &cfg->entries[i];
		bool ok = true;

		for (k = 0; k < nc && k <= e->depth && ok; k++)
			ok = comp_match(e, k, comp[k], clen[k]);
		if (!ok)
			continue;
		if (e->depth + 1 == nc)
			return (int)i;
		if (e->depth + 1 > nc)
			prefix_hit = true;
	}
	return prefix_hit ? -EINVAL : -ENOENT;
}

const char *boot_loader_name(enum boot_loader l)
{
	switch (l) {
	case BOOT_LDR_LINUX: return "linux";
	case BOOT_LDR_MULTIBOOT: return "multiboot";
	case BOOT_LDR_MULTIBOOT2: return "multiboot2";
	case BOOT_LDR_XEN_ARM: return "xen_hypervisor";
	case BOOT_LDR_CHAIN: return "chainloader";
	case BOOT_LDR_LEGACY: return "kernel";
	}
	return "?";
}

/* ---- grubenv: "# GRUB Environment Block\n" then name=value lines, '#' padding to 1 KiB.
 * grub-core/lib/envblk.c: '\\' escapes '\\' and '\n' in values. ---- */

void boot_env_clear(struct boot_env *env)
{
	size_t i;

	for (i = 0; i < env->n; i++) {
		free(env->key[i]);
		free(env->val[i]);
	}
	memset(env, 0, sizeof(*env));
}

const char *boot_env_get(const struct boot_env *env, const char *key)
{
	size_t i;

	for (i = 0; env && i < env->n; i++)
		if (!strcmp(env->key[i], key))
			return env->val[i];
	return NULL;
}

#define GRUBENV_SIG "# GRUB Environment Block\n"

int boot_grubenv_parse(const char *buf, size_t len, struct boot_env *env)
{
	size_t pos = 0;

	memset(env, 0, sizeof(*env));
	if (len > BOOT_GRUBENV_SIZE * 64)
		len = BOOT_GRUBENV_SIZE * 64;
	env->valid = len == BOOT_GRUBENV_SIZE && !memcmp(buf, GRUBENV_SIG, strlen(GRUBENV_SIG));
	while (pos < len) {
		size_t e = pos;
		const char *eq;
		struct sbuf v = { 0 };
		size_t i;

		while (e < len && buf[e] != '\n') {
			if (buf[e] == '\\' && e + 1 < len)
				e++;
			e++;
		}
		if (buf[pos] != '#' && (eq = memchr(buf + pos, '=', e - pos)) && eq > buf + pos &&
		    env->n < BOOT_ENV_MAX) {
			int rc = 0;

			for (i = (size_t)(eq + 1 - buf); i < e && rc >= 0; i++) {
				if (buf[i] == '\\' && i + 1 < e)
					i++;
				rc = sbuf_addc(&v, buf[i]);
			}
			env->key[env->n] = strndup(buf + pos, (size_t)(eq - (buf + pos)));
			env->val[env->n] = rc < 0 ? NULL : sbuf_take(&v);
			if (!env->key[env->n] || !env->val[env->n]) {
				free(env->key[env->n]);
				free(env->val[env->n]);
				sbuf_free(&v);
				boot_env_clear(env);
				return -ENOMEM;
			}
			env->n++;
		}
		pos = e + 1;
	}
	return (int)env->n;
}

/* ---- GRUB legacy (0.97) menu.lst: "command args" lines, title starts an entry ---- */

static int legacy_add(struct boot_entry *e, enum boot_load_kind kind, const char *cmd,
		      const char *rest, int line)
{
	struct boot_load *l;
	const char *p = rest, *sp;
	char *word;
	int rc;

	if (e->nloads >= BOOT_MAX_LOADS)
		return 0;
	while (hv_startswith(p, "--")) {  /* kernel --type=netbsd ... */
		sp = strpbrk(p, " \t");
		if (!sp)
			return 0;
		p = sp + strspn(sp, " \t");
	}
	l = &e->loads[e->nloads++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->line = line;
	l->cmd = strdup(cmd);
	sp = strpbrk(p, " \t");
	word = sp ? strndup(p, (size_t)(sp - p)) : strdup(p);
	l->args = strdup(sp ? sp + strspn(sp, " \t") : "");
	if (!l->cmd || !word || !l->args) {
		free(word);
		return -ENOMEM;
	}
	rc = boot_split_grub_path(word, &l->dev, &l->path);
	free(word);
	return rc;
}

static void legacy_close(struct boot_entry *e)
{
	size_t i;
	bool has_module = false;

	if (!e)
		return;
	for (i = 0; i < e->nloads; i++)
		if (e->loads[i].kind == BOOT_LOAD_MODULE)
			has_module = true;
	e->loader = BOOT_LDR_LINUX;
	if (has_module) {
		/* the classic Xen form: kernel /xen.gz, module /vmlinuz, module /initrd */
		e->loader = BOOT_LDR_LEGACY;
		for (i = 0; i < e->nloads; i++)
			if (e->loads[i].kind == BOOT_LOAD_LINUX)
				e->loads[i].kind = BOOT_LOAD_HYPERVISOR;
	} else {
		for (i = 0; i < e->nloads; i++)
			if (e->loads[i].kind == BOOT_LOAD_CHAIN)
				e->loader = BOOT_LDR_CHAIN;
	}
}

int boot_legacy_parse(const char *buf, size_t len, struct boot_cfg **out)
{
	struct boot_cfg *cfg;
	struct boot_entry *e = NULL;
	char *root = NULL;
	size_t pos = 0;
	int line = 0, rc = 0;

	*out = NULL;
	if (len > BOOT_MAX_CFG_SIZE)
		return -EFBIG;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return -ENOMEM;
	cfg->entries = calloc(BOOT_MAX_ENTRIES, sizeof(*cfg->entries));
	if (!cfg->entries) {
		free(cfg);
		return -ENOMEM;
	}
	cfg->kind = BOOT_CFG_LEGACY;
	while (pos < len && rc >= 0) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		char *ln = strndup(buf + pos, n), *s, *key, *rest;

		pos += n + 1;
		line++;
		if (!ln) {
			rc = -ENOMEM;
			break;
		}
		s = hv_strstrip(ln);
		if (!*s || *s == '#') {
			free(ln);
			continue;
		}
		key = s;
		rest = s + strcspn(s, " \t=");
		if (*rest) {
			*rest++ = '\0';
			rest += strspn(rest, " \t=");
		}
		if (!strcmp(key, "title")) {
			legacy_close(e);
			e = NULL;
			if (cfg->nentries >= BOOT_MAX_ENTRIES) {
				cfg->truncated = true;
			} else {
				e = &cfg->entries[cfg->nentries];
				memset(e, 0, sizeof(*e));
				cfg->nentries++;
				e->line = line;
				e->pidx[0] = (int)cfg->nentries - 1;
				e->title = strdup(rest);
				e->path = strdup(rest);
				e->ptitle[0] = strdup(rest);
				if (root)
					e->root = strdup(root);
				if (!e->title || !e->path || !e->ptitle[0] || (root && !e->root))
					rc = -ENOMEM;
			}
		} else if (!strcmp(key, "default")) {
			free(cfg->deflt);
			cfg->deflt = strdup(rest);
			rc = cfg->deflt ? 0 : -ENOMEM;
		} else if (!strcmp(key, "fallback")) {
			free(cfg->fallback);
			cfg->fallback = strdup(rest);
			rc = cfg->fallback ? 0 : -ENOMEM;
		} else if (!strcmp(key, "root") || !strcmp(key, "rootnoverify")) {
			char *r = strdup(rest);

			if (!r) {
				rc = -ENOMEM;
			} else if (e) {
				free(e->root);
				e->root = r;
			} else {
				free(root);
				root = r;
			}
		} else if (e && !strcmp(key, "kernel")) {
			rc = legacy_add(e, BOOT_LOAD_LINUX, key, rest, line);
		} else if (e && (!strcmp(key, "module") || !strcmp(key, "modulenounzip"))) {
			rc = legacy_add(e, BOOT_LOAD_MODULE, key, rest, line);
			if (rc >= 0 && key[6] == 'n')
				e->loads[e->nloads - 1].nounzip = true;
		} else if (e && !strcmp(key, "initrd")) {
			rc = legacy_add(e, BOOT_LOAD_INITRD, key, rest, line);
		} else if (e && !strcmp(key, "chainloader")) {
			rc = legacy_add(e, BOOT_LOAD_CHAIN, key, rest, line);
		}
		free(ln);
	}
	legacy_close(e);
	cfg->legacy_root = root;
	if (rc < 0) {
		boot_cfg_free(cfg);
		return rc;
	}
	boot_cfg_finish(cfg);
	*out = cfg;
	return 0;
}
