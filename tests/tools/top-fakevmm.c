// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * top-fakevmm: a process that looks like a VMM to vhv-top, for
 * bench/top-refresh.sh: it holds a real KVM VM fd (KVM_CREATE_VM) and up to
 * NVCPU vCPU fds (KVM_CREATE_VCPU), and runs NVCPU threads named "CPU N/KVM"
 * that sleep. Many of them give 1,000+ vCPU-like threads without booting
 * guests. It exits when its parent (the benchmark) does, or on SIGTERM.
 *
 *   top-fakevmm NVCPU    (prints "ready" on stdout when all threads run)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

static void *vcpu_thread(void *arg)
{
	char name[16];

	snprintf(name, sizeof(name), "CPU %ld/KVM", (long)(intptr_t)arg);
	prctl(PR_SET_NAME, name);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	int kvm, vm, made = 0;

	if (n < 1 || n > 4096) {
		fprintf(stderr, "usage: %s NVCPU (1..4096)\n", argv[0]);
		return 1;
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		perror("/dev/kvm");
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		perror("KVM_CREATE_VM");
		return 1;
	}
	/* KVM_CAP_MAX_VCPUS bounds the fds; the named threads are made regardless. */
	for (long i = 0; i < n; i++) {
		if (ioctl(vm, KVM_CREATE_VCPU, i) < 0)
			break;
		made++;
	}
	for (long i = 0; i < n; i++) {
		pthread_t t;
		pthread_attr_t a;

		pthread_attr_init(&a);
		pthread_attr_setstacksize(&a, 64 << 10);
		if (pthread_create(&t, &a, vcpu_thread, (void *)(intptr_t)i)) {
			fprintf(stderr, "pthread_create: %s\n", strerror(errno));
			return 1;
		}
		pthread_attr_destroy(&a);
	}
	printf("ready %d vcpu fds, %ld threads\n", made, n);
	fflush(stdout);
	for (;;)
		pause();
}
