// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hv-klog: the kernel log and what it says about virtualization (hv-klog.h).
 * klog_rules[] is the one table from what KVM, its vendor modules, kvm_pvm,
 * the IOMMU drivers and Xen print to the cause; klog_causes[] says what each
 * cause means and which layer is at fault.
 */
#include "hvcore/hv-klog.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hvcore/hv-supportconfig.h"
#include "hvcore/hv-util.h"

/* The biggest log file read (a kern.log of a busy host is rotated long before). */
#define KLOG_FILE_MAX (32u << 20)

static const struct hv_klog_cause_info klog_causes[HV_KLOG_CAUSE_COUNT] = {
	[HV_KLOG_VT_FW_OFF] = { "vt-firmware-off", "KVM", HV_LAYER_FIRMWARE, HV_SEV_FAIL,
		"VT-x/AMD-V is disabled in the firmware (BIOS/UEFI)" },
	[HV_KLOG_VT_NO_CPU] = { "vt-not-in-cpu", "KVM", HV_LAYER_HARDWARE, HV_SEV_FAIL,
		"the CPU offers no VT-x/AMD-V" },
	[HV_KLOG_VT_NOT_FULL] = { "vt-not-fully-enabled", "KVM", HV_LAYER_FIRMWARE, HV_SEV_FAIL,
		"VT-x is not fully enabled by the firmware (feature control MSR)" },
	[HV_KLOG_KVM_NO_HW] = { "kvm-no-hardware", "KVM", HV_LAYER_HARDWARE, HV_SEV_FAIL,
		"KVM found no hardware support (no VT-x/AMD-V, or disabled)" },
	[HV_KLOG_KVM_OTHER_VENDOR] = { "kvm-vendor-loaded", "KVM", HV_LAYER_RUNTIME, HV_SEV_WARN,
		"a second KVM vendor module was refused: another one is loaded" },
	[HV_KLOG_KVM_ENABLE_FAIL] = { "kvm-enable-failed", "KVM", HV_LAYER_RUNTIME, HV_SEV_FAIL,
		"KVM could not enable virtualization on a CPU (another hypervisor holds "
		"VT-x/AMD-V?)" },
	[HV_KLOG_KVM_INCONSISTENT] = { "kvm-cpu-inconsistent", "KVM", HV_LAYER_FIRMWARE,
		HV_SEV_FAIL, "the CPUs report different VT-x features (firmware or microcode)" },
	[HV_KLOG_KVM_SEV_GUEST] = { "kvm-sev-guest", "KVM", HV_LAYER_HOST, HV_SEV_FAIL,
		"this kernel is an SEV guest: KVM does not run in one" },
	[HV_KLOG_PVM_GUEST] = { "pvm-guest", "KVM", HV_LAYER_HOST, HV_SEV_FAIL,
		"this kernel is itself a PVM guest" },
	[HV_KLOG_KVM_NESTED] = { "kvm-nested", "KVM", HV_LAYER_NONE, HV_SEV_INFO,
		"nested virtualization is enabled" },
	[HV_KLOG_KVM_NPT_OFF] = { "kvm-npt-off", "KVM", HV_LAYER_MODPARAM, HV_SEV_WARN,
		"nested paging (NPT) is off: guests use slow shadow paging" },
	[HV_KLOG_KVM_L1TF] = { "kvm-l1tf-smt", "KVM", HV_LAYER_BOOT, HV_SEV_WARN,
		"L1TF with SMT on: a guest may read host or other guests' data" },
	[HV_KLOG_HV_DETECTED] = { "guest", "CPU", HV_LAYER_NONE, HV_SEV_INFO,
		"this kernel runs as a virtual machine" },
	[HV_KLOG_ARM_EL2] = { "arm-el2", "KVM", HV_LAYER_NONE, HV_SEV_PASS,
		"the kernel was started at EL2 (KVM can use it)" },
	[HV_KLOG_ARM_EL1] = { "arm-el1", "KVM", HV_LAYER_FIRMWARE, HV_SEV_FAIL,
		"the kernel was started at EL1: KVM needs EL2" },
	[HV_KLOG_ARM_HYP_OFF] = { "arm-hyp-off", "KVM", HV_LAYER_FIRMWARE, HV_SEV_FAIL,
		"HYP mode is not available to KVM" },
	[HV_KLOG_ARM_VHE] = { "arm-vhe", "KVM", HV_LAYER_NONE, HV_SEV_PASS,
		"KVM runs in VHE mode" },
	[HV_KLOG_IOMMU_ON] = { "iommu-on", "IOMMU", HV_LAYER_NONE, HV_SEV_PASS,
		"the IOMMU (VT-d/AMD-Vi) is enabled" },
	[HV_KLOG_IOMMU_OFF] = { "iommu-off", "IOMMU", HV_LAYER_BOOT, HV_SEV_WARN,
		"the IOMMU is disabled on the kernel command line" },
	[HV_KLOG_IOMMU_FW_BUG] = { "iommu-firmware-bug", "IOMMU", HV_LAYER_FIRMWARE, HV_SEV_WARN,
		"the firmware's IOMMU table (DMAR/IVRS) is broken" },
	[HV_KLOG_IR_ON] = { "irq-remap-on", "IOMMU", HV_LAYER_NONE, HV_SEV_PASS,
		"interrupt remapping is enabled" },
	[HV_KLOG_IR_OFF] = { "irq-remap-off", "IOMMU", HV_LAYER_FIRMWARE, HV_SEV_WARN,
		"interrupt remapping is not enabled: assigned devices can inject interrupts" },
	[HV_KLOG_XEN_DOM0] = { "xen-pv", "Xen", HV_LAYER_NONE, HV_SEV_INFO,
		"this kernel booted on Xen as a PV domain (dom0 or PV guest)" },
	[HV_KLOG_XEN_HVM_GUEST] = { "xen-hvm-guest", "Xen", HV_LAYER_NONE, HV_SEV_INFO,
		"this kernel is a Xen HVM/PVH guest" },
};

/*
 * Kernel message -> cause. First matching row wins, so specific rows come
 * before general ones. Sources (message as printed, pr_fmt prefix dropped
 * where it varies):
 *   arch/x86/kvm/x86.c (kvm_arch_init < 6.1, kvm_x86_vendor_init 6.1-6.3)
 *   arch/x86/kvm/vmx/vmx.c, arch/x86/kvm/svm/svm.c (kvm_is_{vmx,svm}_supported)
 *   arch/x86/kernel/cpu/feat_ctl.c ("x86/cpu: VMX (outside TXT) disabled by BIOS")
 *   virt/kvm/kvm_main.c ("kvm: enabling virtualization on CPU%d failed")
 *   arch/arm64/kernel/smp.c, arch/arm64/kvm/arm.c
 *   drivers/iommu/intel/{dmar,iommu,irq_remapping}.c, drivers/iommu/amd/init.c,
 *   arch/x86/kernel/apic/apic.c
 *   arch/x86/kernel/cpu/hypervisor.c ("Hypervisor detected: %s"),
 *   arch/x86/kernel/paravirt.c ("Booting paravirtualized kernel on %s")
 *   kvm_pvm of the PVM host kernels ("kvm-pvm: this kernel is itself a kvm-pvm
 *   guest; not binding")
 */
static const struct {
	const char *pattern;
	enum hv_klog_cause cause;
} klog_rules[] = {
	/* firmware switched VT-x/AMD-V off: old and new wording */
	{ "kvm: disabled by bios", HV_KLOG_VT_FW_OFF },
	{ "kvm: support for '*' disabled by bios", HV_KLOG_VT_FW_OFF },
	{ "VMX not enabled (by BIOS)", HV_KLOG_VT_FW_OFF },
	{ "VMX is disabled on CPU", HV_KLOG_VT_FW_OFF },
	{ "VMX (*TXT) disabled by BIOS", HV_KLOG_VT_FW_OFF },
	{ "SVM disabled (by BIOS) in MSR_VM_CR", HV_KLOG_VT_FW_OFF },
	{ "SVM disabled in MSR_VM_CR", HV_KLOG_VT_FW_OFF },
	{ "VMX not fully enabled on CPU", HV_KLOG_VT_NOT_FULL },
	/* the CPU has no VMX/SVM */
	{ "VMX not supported by CPU", HV_KLOG_VT_NO_CPU },
	{ "CPU doesn't support VMX", HV_KLOG_VT_NO_CPU },
	{ "SVM not supported by CPU", HV_KLOG_VT_NO_CPU },
	{ "SVM not supported, ", HV_KLOG_VT_NO_CPU },
	{ "has_svm: svm not available", HV_KLOG_VT_NO_CPU },
	{ "has_svm: not amd", HV_KLOG_VT_NO_CPU },
	{ "kvm_amd: CPU * isn't AMD or Hygon", HV_KLOG_VT_NO_CPU },
	{ "kvm: no hardware support", HV_KLOG_KVM_NO_HW },
	/* the KVM core and its vendor modules */
	{ "kvm: already loaded the other module", HV_KLOG_KVM_OTHER_VENDOR },
	{ "already loaded vendor module '*'", HV_KLOG_KVM_OTHER_VENDOR },
	{ "enabling virtualization on CPU* failed", HV_KLOG_KVM_ENABLE_FAIL },
	{ "kvm_intel: CPU * feature inconsistency", HV_KLOG_KVM_INCONSISTENT },
	{ "KVM is unsupported when running as an SEV guest", HV_KLOG_KVM_SEV_GUEST },
	{ "this kernel is itself a kvm-pvm guest", HV_KLOG_PVM_GUEST },
	{ "Nested Virtualization enabled", HV_KLOG_KVM_NESTED },
	{ "Nested Paging disabled", HV_KLOG_KVM_NPT_OFF },
	{ "L1TF CPU bug present and SMT on", HV_KLOG_KVM_L1TF },
	/* arm64 */
	{ "CPU(s) started at EL2", HV_KLOG_ARM_EL2 },
	{ "CPU(s) started at EL1", HV_KLOG_ARM_EL1 },
	{ "HYP mode not available", HV_KLOG_ARM_HYP_OFF },
	{ "VHE mode initialized successfully", HV_KLOG_ARM_VHE },
	/* IOMMU and interrupt remapping */
	{ "[Firmware Bug]*interrupt remapping will be disabled", HV_KLOG_IR_OFF },
	{ "DMAR*[Firmware Bug]", HV_KLOG_IOMMU_FW_BUG },
	{ "AMD-Vi*[Firmware Bug]", HV_KLOG_IOMMU_FW_BUG },
	{ "[Firmware Bug]*IVRS", HV_KLOG_IOMMU_FW_BUG },
	{ "Your BIOS is broken; DMAR reported at address", HV_KLOG_IOMMU_FW_BUG },
	{ "DMAR: IOMMU enabled", HV_KLOG_IOMMU_ON },
	{ "Intel-IOMMU: enabled", HV_KLOG_IOMMU_ON },
	{ "AMD-Vi: Found IOMMU", HV_KLOG_IOMMU_ON },
	{ "DMAR: IOMMU disabled", HV_KLOG_IOMMU_OFF },
	{ "Enabled IRQ remapping in x2apic mode", HV_KLOG_IR_ON },
	{ "Enabled IRQ remapping in xapic mode", HV_KLOG_IR_ON },
	{ "AMD-Vi: Interrupt remapping enabled", HV_KLOG_IR_ON },
	{ "Failed to enable irq remapping", HV_KLOG_IR_OFF },
	{ "Not enabl* interrupt remapping", HV_KLOG_IR_OFF },
	{ "IRQ remapping doesn't support X2APIC mode", HV_KLOG_IR_OFF },
	/* Xen */
	{ "Booting paravirtualized kernel on Xen HVM", HV_KLOG_XEN_HVM_GUEST },
	{ "Booting paravirtualized kernel on Xen PVH", HV_KLOG_XEN_HVM_GUEST },
	{ "Booting paravirtualized kernel on Xen", HV_KLOG_XEN_DOM0 },
};

const struct hv_klog_cause_info *hv_klog_cause_info(enum hv_klog_cause c)
{
	return (unsigned)c < HV_KLOG_CAUSE_COUNT ? &klog_causes[c] : NULL;
}

/* Case-insensitive search of @needle (@nlen bytes) in @hay; NULL if absent. */
static const char *find_ci(const char *hay, const char *needle, size_t nlen)
{
	if (!nlen)
		return hay;
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, nlen) == 0)
			return hay;
	return NULL;
}

bool hv_klog_match(const char *pattern, const char *msg)
{
	const char *p = pattern, *m = msg;

	/* Each '*'-separated piece must follow the previous one (leftmost match is enough). */
	for (;;) {
		size_t n = strcspn(p, "*");
		const char *at = find_ci(m, p, n);

		if (!at)
			return false;
		m = at + n;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

/*
 * The message of one log line: a syslog prefix up to "kernel: " cut, then
 * "<N>", "[ 1.234]" or "[Mon Dec  7 ...]" cut. Points into @line.
 */
static const char *line_msg(const char *line)
{
	const char *k = strstr(line, " kernel: ");

	if (k)
		line = k + 9;
	if (line[0] == '<') {
		const char *e = strchr(line, '>');

		if (e && e - line <= 4)
			line = e + 1;
	}
	if (line[0] == '[') {
		const char *e = strchr(line, ']');

		if (e && e - line <= 40)
			line = e + 1;
	}
	while (*line == ' ' || *line == '\t')
		line++;
	return line;
}

/* A line that starts a boot: kern.log holds many, the ring buffer one. */
static bool boot_start(const char *msg)
{
	return strncmp(msg, "Linux version ", 14) == 0;
}

static void add_hit(struct hv_klog *k, enum hv_klog_cause c, unsigned int line, const char *msg)
{
	struct hv_klog_hit *h;

	for (size_t i = 0; i < k->nhits; i++) {
		if (k->hits[i].cause == c) {
			k->hits[i].count++;
			return;
		}
	}
	if (k->nhits >= HV_ARRAY_SIZE(k->hits))
		return;
	h = &k->hits[k->nhits++];
	h->cause = c;
	h->line = line;
	h->count = 1;
	snprintf(h->msg, sizeof(h->msg), "%s", msg);
	/* a log line of control characters stays printable */
	for (char *p = h->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

int hv_klog_scan(const char *text, size_t len, struct hv_klog *out)
{
	char *buf = strndup(text, len), *line, *next;
	unsigned int no = 0, start = 1;

	out->nhits = 0;
	out->hypervisor[0] = '\0';
	out->nlines = 0;
	if (!buf)
		return -ENOMEM;
	/* The last boot: the line number of its "Linux version" line. */
	for (line = buf; line; line = next) {
		next = strchr(line, '\n');
		no++;
		if (next)
			*next = '\0';
		if (boot_start(line_msg(line)))
			start = no;
		if (next)
			*next++ = '\n';
	}
	out->first_line = start;
	no = 0;
	for (line = buf; line; line = next) {
		const char *msg, *hd;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (++no < start)
			continue;
		out->nlines++;
		msg = line_msg(line);
		hd = strstr(msg, "Hypervisor detected: ");
		if (hd) {
			size_t n;

			hd += 21;
			n = strcspn(hd, "\r");
			if (n >= sizeof(out->hypervisor))
				n = sizeof(out->hypervisor) - 1;
			memcpy(out->hypervisor, hd, n);
			out->hypervisor[n] = '\0';
			for (char *p = out->hypervisor; *p; p++)
				if (!isprint((unsigned char)*p))
					*p = '?';
			add_hit(out, HV_KLOG_HV_DETECTED, no, msg);
		}
		for (size_t r = 0; r < HV_ARRAY_SIZE(klog_rules); r++) {
			if (hv_klog_match(klog_rules[r].pattern, msg)) {
				add_hit(out, klog_rules[r].cause, no, msg);
				break;
			}
		}
	}
	free(buf);
	return (int)out->nhits;
}

const struct hv_klog_hit *hv_klog_find(const struct hv_klog *k, enum hv_klog_cause cause)
{
	for (size_t i = 0; k && i < k->nhits; i++)
		if (k->hits[i].cause == cause)
			return &k->hits[i];
	return NULL;
}

/* Log files of an offline or captured root, most specific first (see hv-klog.h). */
static const char *const klog_files[] = {
	"/sos_commands/kernel/dmesg",  /* sosreport: dmesg of the running kernel */
	"/boot.txt",                   /* supportconfig: dmesg and boot.msg */
	"/var/log/dmesg",              /* Debian/RHEL boot-time dmesg */
	"/var/log/kern.log",           /* Debian/Ubuntu rsyslog */
	"/var/log/boot.msg",           /* SUSE */
	"/var/log/kern.log.1",
};

static int scan_file(const struct hv_root *r, const char *path, struct hv_klog *out)
{
	_cleanup_free_ char *text = NULL, *dmesg = NULL;
	ssize_t n = hv_root_read_maxf(r, KLOG_FILE_MAX, &text, "%s", path);

	if (n < 0)
		return (int)n;
	snprintf(out->source, sizeof(out->source), "%s", path);
	/* a supportconfig's boot.txt: its dmesg section (line numbers then count in it) */
	if (strcmp(path, "/boot.txt") == 0 &&
	    (hv_supportconfig_section(text, (size_t)n, "/bin/dmesg", &dmesg) >= 0 ||
	     hv_supportconfig_section(text, (size_t)n, "/usr/bin/dmesg", &dmesg) >= 0)) {
		snprintf(out->source, sizeof(out->source), "%s", "/boot.txt (dmesg section)");
		return hv_klog_scan(dmesg, strlen(dmesg), out);
	}
	return hv_klog_scan(text, (size_t)n, out);
}

int hv_klog_read(const struct hv_root *r, struct hv_klog *out)
{
	_cleanup_free_ char *text = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = hv_root_dmesg(r, &text);
	if (rc == 0) {
		snprintf(out->source, sizeof(out->source), "%s",
			 hv_root_is_live(r) ? "dmesg" : ".vhv/dmesg");
		rc = hv_klog_scan(text, strlen(text), out);
		return rc < 0 ? rc : 0;
	}
	if (rc == -ENOMEM)
		return rc;
	if (hv_root_is_live(r)) {
		uint64_t restrict_ = 0;

		/* syslog(2) refuses non-root readers under kernel.dmesg_restrict=1 */
		out->restricted = (rc == -EPERM || rc == -EACCES) &&
				  hv_root_read_u64f(r, &restrict_, "/proc/sys/kernel/dmesg_restrict") == 0 &&
				  restrict_;
		out->err = rc;
		/* kern.log (group adm) may still be readable */
		rc = scan_file(r, "/var/log/kern.log", out);
		if (rc >= 0) {
			out->err = 0;
			return 0;
		}
		return rc == -ENOMEM ? rc : 0;
	}
	if (hv_root_kind(r) == HV_ROOT_FIXTURE) {
		out->err = rc;
		return 0;
	}
	out->err = -ENOENT;
	for (size_t i = 0; i < HV_ARRAY_SIZE(klog_files); i++) {
		rc = scan_file(r, klog_files[i], out);
		if (rc == -ENOMEM)
			return rc;
		if (rc >= 0) {
			out->err = 0;
			return 0;
		}
	}
	return 0;
}
