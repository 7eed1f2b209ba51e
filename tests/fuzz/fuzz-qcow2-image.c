// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-qcow2-image: the qcow2 header, extension, snapshot-table and bitmap
 * directory parsers, the table walk of the verifier and the diagnosis of what
 * it found (with the repair plan's second walk), on an untrusted image.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hvcore/hv-util.h"
#include "qcow2/q2-check.h"
#include "qcow2/q2-diag.h"
#include "qcow2/q2-image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct q2_check_opts opts = { .deep = true, .max_msgs = 4, .plan = true };
	struct q2_check_result res;
	struct q2_image *img = NULL;
	enum q2_open_status st;
	char why[256];
	int fd;

	fd = memfd_create("fuzz-qcow2", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (hv_write_full(fd, data, size) < 0) {
		close(fd);
		return 0;
	}
	if (q2_image_open_fd(fd, "fuzz", &img, &st, why, sizeof(why)) == 0) {
		/* the walk reads each L2 table once whatever refers to it (issue 17):
		 * its cost follows the file, at most (size / 512) tables of a cluster */
		if (size <= 1048576) {
			struct q2_diag *d = NULL;
			int n;

			q2_check(img, &opts, &res);
			n = q2_diagnose(img, &res, &d);
			if (n > 0)
				q2_diags_free(d, (size_t)n);
			q2_check_result_release(&res);
		}
		q2_image_free(img);
	}
	close(fd);
	return 0;
}
