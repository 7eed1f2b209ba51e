// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * q2-chain: follow a qcow2 image's backing files the way QEMU does
 * (block.c bdrv_open_backing_file: the name is relative to the overlay's
 * directory, the recorded format is used, else the format is probed), opening
 * each read-only, and record what is wrong with each link as a finding.
 * Never writes, never prints.
 */
#include "qcow2/q2-chain.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/fs.h>

#include "hvcore/hv-util.h"
#include "qcow2/q2-check.h"

const struct q2_chain_check q2_chain_checks[] = {
	{ "backing.missing", Q2_CHAIN_FAIL,
	  "the backing file cannot be opened: every cluster the overlay does not hold is lost" },
	{ "backing.invalid", Q2_CHAIN_FAIL, "the backing file is a qcow2 image QEMU refuses to open" },
	{ "backing.format", Q2_CHAIN_FAIL,
	  "the recorded backing format is not the file's: QEMU reads it as something it is not" },
	{ "backing.unrecorded", Q2_CHAIN_WARN,
	  "no backing format recorded: QEMU probes the file, which a guest can subvert" },
	{ "backing.loop", Q2_CHAIN_FAIL, "the chain comes back to a layer it already holds" },
	{ "backing.depth", Q2_CHAIN_FAIL, "more layers than vhv follows (256)" },
	{ "backing.size", Q2_CHAIN_WARN,
	  "the backing file is larger than its overlay: replaced, or grown after the overlay was made" },
	{ "backing.unfollowed", Q2_CHAIN_INFO,
	  "a protocol (nbd://, json:) or a format other than qcow2 and raw: not followed" },
	{ NULL, 0, NULL },
};

static enum q2_chain_sev sev_of(const char *id)
{
	for (size_t i = 0; q2_chain_checks[i].id; i++)
		if (!strcmp(q2_chain_checks[i].id, id))
			return q2_chain_checks[i].sev;
	return Q2_CHAIN_FAIL;
}

char *q2_full_backing(const char *image, const char *backing)
{
	const char *slash = strrchr(image, '/');
	char *s;

	if (backing[0] == '/' || strstr(backing, "://") || !slash)
		return strdup(backing);
	if (asprintf(&s, "%.*s/%s", (int)(slash - image), image, backing) < 0)
		return NULL;
	return s;
}

static int finding(struct q2_chain *ch, const char *id, size_t layer, const char *fmt, ...)
	HV_PRINTF(4, 5);
static int finding(struct q2_chain *ch, const char *id, size_t layer, const char *fmt, ...)
{
	struct q2_chain_finding *f;
	va_list ap;
	char *text;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	f = realloc(ch->findings, (ch->n_findings + 1) * sizeof(*f));
	if (!f) {
		free(text);
		return -ENOMEM;
	}
	ch->findings = f;
	ch->findings[ch->n_findings++] = (struct q2_chain_finding){ sev_of(id), id, layer, text };
	return 0;
}

/* Open a backing file that is not qcow2 (raw): a regular file or a block device. */
static int open_raw(const char *path, int *fdp, uint64_t *size)
{
	struct stat st;
	int fd, fl;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		close(fd);
		return -EINVAL;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	*size = (uint64_t)st.st_size;
	if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, size) < 0) {
		close(fd);
		return -errno;
	}
	*fdp = fd;
	return 0;
}

/*
 * Follow the backing file of layer @i (a qcow2 image). 1 when a layer was
 * added, 0 at the end of the chain (or a link that cannot be followed: a
 * finding says why), -ENOMEM.
 */
static int follow(struct q2_chain *ch, size_t i)
{
	const struct q2_image *ov = ch->layers[i].img;
	const char *recorded = ov->backing_format;
	struct q2_layer *l, *v;
	enum q2_open_status st;
	struct stat sb;
	char why[512] = "";
	char *full;
	int rc;

	if (!ov->backing_file)
		return 0;
	if (!strncmp(ov->backing_file, "json:", 5) || strstr(ov->backing_file, "://"))
		return finding(ch, "backing.unfollowed", i, "backing file '%s' is not a local file",
			       ov->backing_file);
	if (recorded && strcmp(recorded, "qcow2") && strcmp(recorded, "raw"))
		return finding(ch, "backing.unfollowed", i,
			       "backing file '%s' is recorded as %s: not verified", ov->backing_file,
			       recorded);
	if (ch->n >= Q2_MAX_CHAIN)
		return finding(ch, "backing.depth", i, "more than %u layers: not followed further",
			       Q2_MAX_CHAIN);
	full = q2_full_backing(ch->layers[i].path, ov->backing_file);
	if (!full)
		return -ENOMEM;
	v = realloc(ch->layers, (ch->n + 1) * sizeof(*v));
	if (!v) {
		free(full);
		return -ENOMEM;
	}
	ch->layers = v;
	l = &ch->layers[ch->n];
	*l = (struct q2_layer){ .path = full, .fd = -1 };
	rc = q2_image_open(full, &l->img, &st, why, sizeof(why));
	if (rc == 0) {
		l->format = "qcow2";
		l->fd = l->img->fd;
		l->size = l->img->size;
	} else if (st == Q2_OPEN_NOT_QCOW2) {
		rc = open_raw(full, &l->fd, &l->size);
		if (rc < 0) {
			finding(ch, "backing.missing", i, "backing file '%s' cannot be opened: %s", full,
				rc == -EINVAL ? "not a regular file or block device" : strerror(-rc));
			free(full);
			return 0;
		}
		l->format = "raw";
	} else if (rc == -ENOENT || rc == -EACCES || rc == -ELOOP || rc == -ENOTDIR ||
		   (rc == -EINVAL && strstr(why, "not a regular file"))) {
		finding(ch, "backing.missing", i, "backing file '%s' cannot be opened: %s", full,
			rc == -EINVAL ? "not a regular file or block device" : strerror(-rc));
		free(full);
		return 0;
	} else {
		finding(ch, "backing.invalid", i, "backing file '%s': %s", full, why);
		free(full);
		return 0;
	}
	l->recorded = strdup(ov->backing_file);
	if (!l->recorded) {
		if (l->img)
			q2_image_free(l->img);
		else
			close(l->fd);
		free(full);
		return -ENOMEM;
	}
	ch->n++;
	/* a loop: the same file (device and inode) as a layer already held */
	if (fstat(l->fd, &sb) == 0)
		for (size_t k = 0; k + 1 < ch->n; k++) {
			struct stat sk;

			if (fstat(ch->layers[k].fd, &sk) == 0 && sk.st_dev == sb.st_dev &&
			    sk.st_ino == sb.st_ino) {
				rc = finding(ch, "backing.loop", i,
					     "backing file '%s' is layer %zu (%s) again: the chain loops",
					     full, k, ch->layers[k].path);
				if (l->img)
					q2_image_free(l->img);
				else
					close(l->fd);
				free(l->path);
				free(l->recorded);
				ch->n--;
				return rc;
			}
		}
	if (!recorded)
		rc = finding(ch, "backing.unrecorded", i,
			     "no backing format recorded for '%s': QEMU probes it (%s); 'qemu-img rebase -u -b %s -F %s' records it",
			     full, l->format, ov->backing_file, l->format);
	else if (strcmp(recorded, l->format))
		rc = finding(ch, "backing.format", i,
			     "backing file '%s' is recorded as %s but holds %s: QEMU reads it as %s",
			     full, recorded, l->format, recorded);
	if (rc < 0)
		return rc;
	if (l->size > ov->size) {
		char a[32], b[32];

		rc = finding(ch, "backing.size", i,
			     "backing file '%s' (%s) is larger than its overlay (%s)", full,
			     hv_fmt_size(l->size, a, sizeof(a)), hv_fmt_size(ov->size, b, sizeof(b)));
		if (rc < 0)
			return rc;
	}
	rc = q2_image_locked(l->fd);
	l->locked = rc > 0;
	/* a raw layer ends the chain; a recorded raw that holds qcow2 is read as raw */
	if (!l->img || (recorded && !strcmp(recorded, "raw")))
		return 0;
	return 1;
}

int q2_chain_new(struct q2_image *top, const char *path, struct q2_chain **out)
{
	struct q2_chain *ch;
	int rc;

	*out = NULL;
	ch = calloc(1, sizeof(*ch));
	if (ch)
		ch->layers = calloc(1, sizeof(*ch->layers));
	if (!ch || !ch->layers || !(ch->layers[0].path = strdup(path))) {
		if (ch)
			free(ch->layers);
		free(ch);
		q2_image_free(top);
		return -ENOMEM;
	}
	ch->layers[0].img = top;
	ch->layers[0].fd = top->fd;
	ch->layers[0].format = "qcow2";
	ch->layers[0].size = top->size;
	ch->n = 1;
	rc = q2_image_locked(top->fd);
	ch->layers[0].locked = rc > 0;
	for (size_t i = 0; i < ch->n; i++) {
		rc = follow(ch, i);
		if (rc < 0) {
			q2_chain_free(ch);
			return rc;
		}
		if (rc == 0)
			break;
	}
	*out = ch;
	return 0;
}

void q2_chain_free(struct q2_chain *ch)
{
	if (!ch)
		return;
	for (size_t i = 0; i < ch->n; i++) {
		struct q2_layer *l = &ch->layers[i];

		if (l->img)
			q2_image_free(l->img);
		else if (l->fd >= 0)
			close(l->fd);
		free(l->path);
		free(l->recorded);
	}
	for (size_t i = 0; i < ch->n_findings; i++)
		free(ch->findings[i].text);
	free(ch->findings);
	free(ch->layers);
	free(ch);
}
