// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * q2-lock: is the image in use by a running QEMU? QEMU's file driver
 * (block/file-posix.c) takes open-file-description byte locks: byte 100+i
 * while it holds permission i, byte 200+i while it refuses to share it.
 * qemu-img check, which does not share "write", tests whether anybody holds
 * byte 101 (write) and whether anybody refuses to share byte 200 (consistent
 * read). We test the same bytes with F_OFD_GETLK, which never takes a lock.
 */
#include "qcow2/q2-check.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#define LOCK_PERM_BASE 100
#define LOCK_SHARED_BASE 200
#define PERM_CONSISTENT_READ 0
#define PERM_WRITE 1

static int held(int fd, off_t byte)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = byte;
	fl.l_len = 1;
	if (fcntl(fd, F_OFD_GETLK, &fl) < 0)
		return -errno;
	return fl.l_type != F_UNLCK;
}

int q2_image_locked(int fd)
{
	int rc;

	rc = held(fd, LOCK_PERM_BASE + PERM_WRITE);
	if (rc != 0)
		return rc;
	return held(fd, LOCK_SHARED_BASE + PERM_CONSISTENT_READ);
}
