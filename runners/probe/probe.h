/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iodirty-probe: what this machine's IOMMU is, what it can track, which
 * profile describes it (detect), and whether everything a run needs is in
 * place (doctor).
 *
 * Every file is read below a root directory (--root DIR or
 * $IODIRTY_SYSROOT, default "/"): ROOT/sys, ROOT/proc, ROOT/dev, ROOT/boot.
 * A fake tree laid out like the real one stands in for a machine in the
 * unit tests; ioctls are only issued on real character devices.
 */
#ifndef IODIRTY_PROBE_H
#define IODIRTY_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROBE_MAX_UNITS 32
#define PROBE_MAX_DEVS 16

/* yes / no / cannot tell */
enum probe_tri { PROBE_UNKNOWN = -1, PROBE_NO = 0, PROBE_YES = 1 };

const char *probe_tri_name(enum probe_tri t);

/* --- sysroot.c: paths below the root, small reads --- */

/* Set the root ("" or NULL: the real "/"); true when it is a fake tree. */
void probe_set_root(const char *root);
bool probe_fake_root(void);
const char *probe_root(void);
/* ROOT + abs (abs starts with '/'): 0, or -ENAMETOOLONG. */
int __attribute__((format(printf, 3, 4)))
probe_path(char *buf, size_t len, const char *fmt, ...);
/* Read a small file below the root, trailing whitespace stripped. */
int __attribute__((format(printf, 3, 4)))
probe_read(char *buf, size_t len, const char *fmt, ...);
/* A hex value ("0x" optional) from a small file; -EINVAL if it is not one. */
int __attribute__((format(printf, 2, 3)))
probe_read_hex(uint64_t *val, const char *fmt, ...);
/* Does the path exist below the root? */
bool __attribute__((format(printf, 1, 2))) probe_exists(const char *fmt, ...);
/* The basename of a symlink's target below the root ("" when no link). */
int __attribute__((format(printf, 3, 4)))
probe_link_base(char *buf, size_t len, const char *fmt, ...);
/* The kernel release: ROOT/proc/sys/kernel/osrelease, else uname(2). */
void probe_release(char *buf, size_t len);

/* --- devlist.c: NAME@BDF lists --- */

struct probe_dev {
	char name[32];
	char bdf[32];		/* canonical DDDD:BB:DD.F */
	bool scratch;		/* named in --scratch: its data may be written */
};

/*
 * Add the devices of "NAME@BDF,NAME@BDF" to devs (n in, count out). A BDF
 * named twice keeps one entry (scratch if either list says so). 0, or -1
 * with the reason in err.
 */
int probe_devs_parse(const char *list, bool scratch, struct probe_dev *devs,
		     int *n, char *err, size_t errlen);

/* --- kconfig.c: the running kernel's configuration --- */

enum probe_kopt {
	KOPT_IOMMUFD,
	KOPT_IOMMUFD_TEST,
	KOPT_VFIO,
	KOPT_VFIO_DEVICE_CDEV,
	KOPT_VFIO_CONTAINER,
	KOPT_VFIO_IOMMU_TYPE1,
	KOPT_VFIO_PCI,
	KOPT_INTEL_IOMMU,
	KOPT_INTEL_IOMMU_SM_DEFAULT_ON,
	KOPT_AMD_IOMMU,
	KOPT_ARM_SMMU_V3,
	KOPT_RISCV_IOMMU,
	KOPT_VIRTIO_IOMMU,
	KOPT_COUNT,
};

struct probe_kconfig {
	char source[256];	/* the file read, "" when none could be */
	/*
	 * 'y', 'm', 'n' from the file; without one 'p' (present: the running
	 * kernel shows it, built in or loaded) or '?' (cannot tell).
	 */
	char val[KOPT_COUNT];
	char evidence[KOPT_COUNT][80];	/* what showed a 'p', or "" */
};

/* CONFIG_NAME of an option. */
const char *probe_kopt_name(enum probe_kopt o);
/* "y", "m", "not set", "present", "unknown". */
const char *probe_kval_name(char v);
/* Read ROOT/proc/config.gz (through gzip -dc) or ROOT/boot/config-REL. */
void probe_kconfig_read(struct probe_kconfig *kc, const char *release);
/* y, m or p: the kernel has it (m: maybe not loaded). */
static inline bool probe_kopt_has(const struct probe_kconfig *kc,
				  enum probe_kopt o)
{
	return kc->val[o] == 'y' || kc->val[o] == 'm' || kc->val[o] == 'p';
}

/* --- iommu_units.c, iommu_dirty.c: the IOMMUs in sysfs --- */

enum probe_kind {
	PROBE_KIND_OTHER,
	PROBE_KIND_INTEL,
	PROBE_KIND_AMD,
	PROBE_KIND_SMMUV3,
	PROBE_KIND_RISCV,
	PROBE_KIND_VIRTIO,
	PROBE_KIND_MOCK,	/* iommufd_selftest_iommu.N: CONFIG_IOMMUFD_TEST */
};

/* "intel", "amd", "smmuv3", "riscv", "virtio", "mock", "other". */
const char *probe_kind_name(enum probe_kind k);

struct probe_unit {
	char name[64];		/* /sys/class/iommu/NAME */
	enum probe_kind kind;
	char driver[64];	/* its device's driver, "" if none */
	bool have_regs;
	uint64_t cap, ecap;	/* VT-d CAP/ECAP; AMD: cap, EFR in ecap */
	uint64_t efr2;		/* AMD EFR2 */
	enum probe_tri dirty;
	char why[256];		/* what dirty was decided from */
};

/* The units of ROOT/sys/class/iommu, sorted by name: count or -errno. */
int probe_units_read(struct probe_unit *u, int max);

/*
 * The unit behind PCI device bdf (ROOT/sys/bus/pci/devices/BDF/iommu):
 * its index in u, or -1.
 */
int probe_unit_of_dev(const struct probe_unit *u, int n, const char *bdf);

/* VT-d: is scalable mode on? Decided from ECAP.SMTS, cmdline and config. */
enum probe_tri probe_intel_sm(const struct probe_unit *u,
			      const struct probe_kconfig *kc, const char *cmdline,
			      char *why, size_t whylen);

/* Decide u->dirty and u->why from its registers (sm: scalable mode). */
void probe_unit_dirty(struct probe_unit *u, enum probe_tri sm);

/* VT-d ECAP bits the dirty decision uses (intel/iommu.h, 6.12). */
#define VTD_ECAP_NEST	26
#define VTD_ECAP_SMTS	43
#define VTD_ECAP_SLADS	45
#define VTD_ECAP_SMPWC	48
/* AMD EFR bits (amd_iommu_types.h FEATURE_HASUP, FEATURE_HDSUP, 6.12). */
#define AMD_EFR_HASUP	49
#define AMD_EFR_HDSUP	52
/* SMMUv3 IDR0.HTTU, bits 7:6: 0 none, 1 access flag, 2 access + dirty. */
#define SMMU_IDR0_HTTU_SHIFT 6
#define SMMU_IDR0_HTTU_HD 2

/* --- hw_info.c: IOMMU_GET_HW_INFO through a device bound to vfio-pci --- */

struct probe_hw_info {
	int err;		/* 0, or -errno of the step in what */
	char what[160];		/* the step that failed, or "" */
	uint32_t type;		/* IOMMU_HW_INFO_TYPE_* */
	uint64_t caps;		/* out_capabilities */
	uint64_t regs[8];	/* vtd: cap, ecap; smmuv3: idr0..5, iidr, aidr */
	int nregs;
};

/*
 * IOMMU_HW_INFO_TYPE_ARM_SMMUV3 (struct iommu_hw_info_arm_smmuv3) arrives in
 * 6.13's uAPI; the 6.12 headers the build uses lack it.
 */
#define PROBE_HW_INFO_TYPE_ARM_SMMUV3 2

/* The profile's hw_info.type name of a type number ("none", "intel_vtd", ...). */
const char *probe_hw_info_type_name(uint32_t type);

/* GET_HW_INFO through the VFIO cdev of bdf: 0, or -errno with hi->what. */
int probe_hw_info(const char *bdf, struct probe_hw_info *hi);

/* --- machine.c: QEMU or not --- */

/* "qemu" or "other" into kind, what showed it into why. */
void probe_machine(char *kind, size_t kindlen, char *why, size_t whylen);

/* --- facts.c: everything detect knows --- */

struct probe_facts {
	char release[128];
	char cmdline[4096];
	struct probe_kconfig kc;
	struct probe_unit units[PROBE_MAX_UNITS];
	int nunits;
	char iommu[16];		/* detect.iommu: a kind, "mock", "none", "mixed" */
	enum probe_tri sm;	/* VT-d scalable mode (PROBE_UNKNOWN elsewhere) */
	char sm_why[256];
	enum probe_tri dirty;	/* detect.dirty */
	char dirty_why[512];
	char machine[16];	/* detect.machine */
	char machine_why[160];
	struct probe_dev devs[PROBE_MAX_DEVS];
	int ndevs;
	struct probe_hw_info hw[PROBE_MAX_DEVS];
	bool hw_tried[PROBE_MAX_DEVS];
};

/*
 * The kernel's own answer (GET_HW_INFO through d, bound to vfio-pci) for
 * d's unit u: it replaces what the registers said (SMMUv3: IDR0.HTTU shown).
 */
void probe_unit_hw_info(struct probe_unit *u, const struct probe_dev *d,
			const struct probe_hw_info *hi);
/* detect.iommu and detect.dirty of f from its units (and f->kc). */
void probe_facts_decide(struct probe_facts *f);

/* Gather the facts; devs (may be NULL) are the named devices. */
void probe_facts_gather(struct probe_facts *f, const struct probe_dev *devs,
			int ndevs);

/* --- pick.c: the profile the facts select --- */

struct probe_pick {
	char name[64];		/* the one profile picked, or "" */
	char path[512];
	char err[2048];		/* why none was picked: "WHAT; NEXT" */
};

/*
 * Choose among DIR/ *.profile by their detect.* keys: 0 with one profile,
 * -1 with p->err when none or several match.
 */
int probe_pick(const char *dir, const struct probe_facts *f,
	       struct probe_pick *p);

/* The profile directory: dir, $IODIRTY_PROFILES, or next to the program. */
const char *probe_profiles_dir(const char *dir, char *buf, size_t len);

/* --- kv.c: the report, as key: value lines or one JSON object --- */

struct probe_kv;
struct probe_kv *probe_kv_new(void);
void probe_kv_free(struct probe_kv *kv);
void __attribute__((format(printf, 3, 4)))
probe_kv_add(struct probe_kv *kv, const char *key, const char *fmt, ...);
/* The value of key, or NULL. */
const char *probe_kv_get(const struct probe_kv *kv, const char *key);
void probe_kv_print(const struct probe_kv *kv, bool json, FILE *file);

/* --- detect.c, doctor.c --- */

/* The facts as report lines. */
void probe_facts_report(const struct probe_facts *f, struct probe_kv *kv);

struct probe_doctor_opts {
	const char *profiles;	/* the profile directory */
	const char *profile;	/* --profile NAME, or NULL to detect it */
	bool only_devices;
};

/* Print one line per check to out; the number of FAILs. */
int probe_doctor(const struct probe_doctor_opts *o, struct probe_dev *devs,
		 int ndevs, FILE *out);
/* The device checks alone (part of probe_doctor). */
int probe_doctor_devices(const struct probe_dev *devs, int ndevs, FILE *out);

/* One doctor line: "ok|warn|FAIL what", then "  fix: ..." unless ok. */
enum probe_verdict { PROBE_OK, PROBE_WARN, PROBE_FAIL };
void __attribute__((format(printf, 4, 5)))
probe_line(FILE *out, enum probe_verdict v, const char *fix,
	   const char *fmt, ...);
/* FAIL lines printed so far. */
int probe_fail_count(void);

#endif /* IODIRTY_PROBE_H */
