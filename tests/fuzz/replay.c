// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay: main() for the fuzz targets when built without libFuzzer (gcc, `make
 * check`): feeds every file of the corpus folders given on the command line to
 * LLVMFuzzerTestOneInput, as util-linux's fuzzers do in their test suite.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvcore/hv-log.h"
#include "hvcore/hv-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet_log(void *data, int prio, const char *file, int line, const char *fn,
		      const char *fmt, va_list args)
{
}

static int replay_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 1;
	}
	n = hv_read_fd_all(fd, 64u << 20, &buf);
	close(fd);
	if (n < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror((int)-n));
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0, errs = 0;

	hv_log_set_fn(quiet_log, NULL);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *de;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			errs += replay_file(argv[i]);
			files++;
			continue;
		}
		d = opendir(argv[i]);
		if (!d)
			return 1;
		while ((de = readdir(d))) {
			char *p;

			if (de->d_name[0] == '.')
				continue;
			p = hv_asprintf("%s/%s", argv[i], de->d_name);
			if (!p)
				return 1;
			errs += replay_file(p);
			files++;
			free(p);
		}
		closedir(d);
	}
	printf("replayed %d inputs\n", files);
	return errs ? 1 : (files ? 0 : 1);
}
