// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * boot-xen: Xen's command line lint and xen.cfg reader. Both work on strings
 * only; lengths the input controls are bounded by the fixed buffers below.
 */
#include "bootcheck/boot-xen.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hvcore/hv-util.h"

bool boot_cmdline_get(const char *args, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *p = args;
	bool found = false;

	while (p && *p) {
		size_t wl;

		p += strspn(p, " \t");
		wl = strcspn(p, " \t");
		if (wl > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			snprintf(out, len, "%.*s", (int)(wl - kl - 1), p + kl + 1);
			found = true;  /* the last one wins, as in the kernel */
		} else if (wl == kl && !strncmp(p, key, kl)) {
			out[0] = '\0';
			found = true;
		}
		p += wl;
	}
	return found;
}

int boot_xen_cmdline_missing(const char *configured, const char *running, char *out, size_t len)
{
	const char *p = configured;
	size_t o = 0;
	int n = 0;

	if (len)
		out[0] = '\0';
	while (p && *p) {
		char word[256], key[128], want[256], got[256];
		size_t wl, kl;

		p += strspn(p, " \t");
		wl = strcspn(p, " \t");
		if (!wl)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)wl, p);
		p += wl;
		if (strchr(word, '$') || !strcmp(word, "placeholder") || wl >= sizeof(word))
			continue;
		kl = strcspn(word, "=");
		snprintf(key, sizeof(key), "%.*s", (int)kl, word);
		/* a key given twice: only its last value is configured */
		if (!boot_cmdline_get(configured, key, want, sizeof(want)) ||
		    strcmp(want, word[kl] ? word + kl + 1 : ""))
			continue;
		if (boot_cmdline_get(running, key, got, sizeof(got)) && !strcmp(got, want))
			continue;
		n++;
		if (o + wl + 2 < len) {
			o += (size_t)snprintf(out + o, len - o, "%s%s", o ? " " : "", word);
		}
	}
	return n;
}

/* Xen's parse_size_and_unit(): digits with an optional B/K/M/G/T suffix (KiB by
 * default), or N% of host memory (Xen 4.x dom0_mem). */
static bool xen_size_ok(const char *s, uint64_t *bytes)
{
	uint64_t v = 0;
	size_t i = 0, n = strlen(s);

	if (!n || !isdigit((unsigned char)s[0]))
		return false;
	while (i < n && isdigit((unsigned char)s[i])) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > (1ull << 50))
			return false;
		i++;
	}
	if (i == n) {
		*bytes = v << 10;
		return true;
	}
	switch (toupper((unsigned char)s[i])) {
	case 'B': *bytes = v; break;
	case 'K': *bytes = v << 10; break;
	case 'M': *bytes = v << 20; break;
	case 'G': *bytes = v << 30; break;
	case 'T': *bytes = v << 40; break;
	case '%': *bytes = 0; return i + 1 == n && v <= 100;
	default: return false;
	}
	i++;
	return i == n || (i + 1 == n && toupper((unsigned char)s[i]) == 'B');
}

static void issue(struct boot_xen_issue *out, int *n, enum hv_sev sev, const char *hint,
		  const char *fmt, ...) HV_PRINTF(5, 6);

static void issue(struct boot_xen_issue *out, int *n, enum hv_sev sev, const char *hint,
		  const char *fmt, ...)
{
	va_list ap;

	if (*n >= BOOT_XEN_MAX_ISSUES)
		return;
	out[*n].sev = sev;
	va_start(ap, fmt);
	vsnprintf(out[*n].msg, sizeof(out[*n].msg), fmt, ap);
	va_end(ap);
	snprintf(out[*n].hint, sizeof(out[*n].hint), "%s", hint ? hint : "");
	(*n)++;
}

/* iommu= sub-options Xen 4.17 knows (docs/misc/xen-command-line.pandoc). */
static const char *const iommu_known[] = {
	"0", "1", "on", "off", "true", "false", "yes", "no", "enable", "disable", "force",
	"required", "verbose", "debug", "dom0-strict", "dom0-passthrough", "sharept", "snoop",
	"qinval", "intremap", "intpost", "crash-disable", "quarantine", "igfx", "superpages",
	"amd-iommu-perdev-intremap", "no-igfx", "no-intremap", "no-qinval", "no-snoop",
	"no-sharept", "no-intpost", "no-superpages", "no-quarantine", "quarantine=scratch-page",
	"no-force", "no-verbose", "no-debug", "no-dom0-strict", "no-crash-disable",
};

int boot_xen_cmdline_lint(const char *cmdline, bool has_policy, int xsm,
			  struct boot_xen_issue *out)
{
	char v[256];
	int n = 0;
	size_t k;

	if (!cmdline)
		return 0;
	if (boot_cmdline_get(cmdline, "dom0_mem", v, sizeof(v))) {
		char *save = NULL, *tok;
		uint64_t b, amount = 0, max = 0;
		bool has_max = false, okv = true;
		char orig[256];

		snprintf(orig, sizeof(orig), "%s", v);
		for (tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			const char *val = tok;
			bool is_max = false;

			if (hv_startswith(tok, "min:"))
				val = tok + 4;
			else if (hv_startswith(tok, "max:")) {
				val = tok + 4;
				has_max = is_max = true;
			}
			if (!xen_size_ok(val, &b)) {
				okv = false;
				break;
			}
			if (val == tok)
				amount = b;
			else if (is_max)
				max = b;
		}
		if (!okv || !orig[0]) {
			issue(out, &n, HV_SEV_FAIL, NULL,
			      "dom0_mem: cannot parse '%.100s' (forms: 4G, 4G,max:4G, min:1G,max:4G)",
			      orig);
		} else {
			if (amount && amount < (256ull << 20))
				issue(out, &n, HV_SEV_WARN, NULL, "dom0_mem gives dom0 only %llu MiB",
				      (unsigned long long)(amount >> 20));
			if (amount && max && max < amount)
				issue(out, &n, HV_SEV_FAIL, NULL,
				      "dom0_mem: max (%llu MiB) is below the amount (%llu MiB)",
				      (unsigned long long)(max >> 20),
				      (unsigned long long)(amount >> 20));
			if (amount && !has_max)
				issue(out, &n, HV_SEV_INFO, "Xen's advice: dom0_mem=X,max:X",
				      "dom0_mem without max: dom0 may balloon up at boot");
		}
	}
	if (boot_cmdline_get(cmdline, "dom0_max_vcpus", v, sizeof(v))) {
		char *dash = strchr(v, '-');
		uint64_t a, b2;

		if (dash)
			*dash = '\0';
		if (hv_parse_u64(v, 10, &a) < 0 || a == 0 ||
		    (dash && dash[1] && (hv_parse_u64(dash + 1, 10, &b2) < 0 || b2 < a)))
			issue(out, &n, HV_SEV_FAIL, NULL,
			      "dom0_max_vcpus: expected N or MIN-MAX (MIN >= 1)");
	}
	if (boot_cmdline_get(cmdline, "iommu", v, sizeof(v))) {
		char *save = NULL, *tok;
		char whole[256];

		snprintf(whole, sizeof(whole), "%s", v);
		for (tok = strtok_r(v, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			for (k = 0; k < HV_ARRAY_SIZE(iommu_known); k++)
				if (!strcmp(tok, iommu_known[k]))
					break;
			if (k == HV_ARRAY_SIZE(iommu_known))
				issue(out, &n, HV_SEV_WARN, NULL, "iommu=: unknown option '%.60s'", tok);
		}
		if (!strcmp(whole, "0") || !strcmp(whole, "off") || !strcmp(whole, "false") ||
		    !strcmp(whole, "no") || !strcmp(whole, "disable"))
			issue(out, &n, HV_SEV_WARN, NULL,
			      "iommu=%s: no device passthrough, DMA from guests' devices is not "
			      "contained", whole);
	}
	if (boot_cmdline_get(cmdline, "flask", v, sizeof(v)) && !strcmp(v, "enforcing")) {
		if (xsm == 0)
			issue(out, &n, HV_SEV_WARN, "rebuild Xen with CONFIG_XSM_FLASK=y, or drop flask=",
			      "flask=enforcing is ignored: this Xen is built without XSM/FLASK");
		else if (!has_policy)
			/* xen-command-line.pandoc: enforcing needs a policy from the boot loader */
			issue(out, &n, HV_SEV_FAIL,
			      "add 'module /boot/xenpolicy-<version>' after the initrd",
			      "flask=enforcing but no XSM policy module is loaded: Xen will not start "
			      "dom0");
	}
	return n;
}

void boot_xencfg_clear(struct boot_xencfg *x)
{
	free(x->options);
	free(x->kernel);
	free(x->ramdisk);
	free(x->xsm);
	memset(x, 0, sizeof(*x));
}

int boot_xencfg_parse(const char *buf, size_t len, struct boot_xencfg *out)
{
	char *copy, *line, *save = NULL, *v;
	char sect[64];
	int pass;

	memset(out, 0, sizeof(*out));
	/* two passes: [global] default= may come after the section it names */
	for (pass = 0; pass < 2; pass++) {
		copy = strndup(buf, HV_MIN(len, (size_t)1 << 20));
		if (!copy) {
			boot_xencfg_clear(out);
			return -ENOMEM;
		}
		sect[0] = '\0';
		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			line = hv_strstrip(line);
			if (line[0] == '#' || line[0] == ';' || !line[0])
				continue;
			if (line[0] == '[') {
				snprintf(sect, sizeof(sect), "%.*s", (int)strcspn(line + 1, "]"),
					 line + 1);
				continue;
			}
			if (!hv_kv_split(line, '=', &line, &v))
				continue;
			if (pass == 0 && !strcmp(sect, "global") && !strcmp(line, "default"))
				snprintf(out->section, sizeof(out->section), "%s", v);
			if (pass == 1 && out->section[0] && !strcmp(sect, out->section)) {
				char **dst = !strcmp(line, "kernel") ? &out->kernel :
					     !strcmp(line, "ramdisk") ? &out->ramdisk :
					     !strcmp(line, "xsm") ? &out->xsm :
					     !strcmp(line, "options") ? &out->options : NULL;

				if (dst) {
					free(*dst);
					*dst = strdup(v);
					if (!*dst) {
						free(copy);
						boot_xencfg_clear(out);
						return -ENOMEM;
					}
				}
			}
		}
		free(copy);
		save = NULL;
	}
	return 0;
}
