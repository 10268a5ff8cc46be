// SPDX-License-Identifier: GPL-2.0
/*
 * The profile schema: every key a profile may state, its type, whether it
 * is required, its values (an enumerated key's values, with the errno each
 * stands for where they are outcomes) and its help; the value checks beyond
 * the type, and the dump `iodirty-profile schema` prints. To add a key, add
 * a row to iod_schema.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profile/profile_int.h"
#include "util.h"

/* The values of an enumerated key, for its .values. */
#define IOD_VALUES(...) \
	((const struct iod_enum_value[]){ __VA_ARGS__, { .name = NULL } })

static const char *basename_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int check_name(const struct iod_key *k, const char *value,
		      unsigned long long num, const char *path, char *why,
		      size_t whylen)
{
	static const char ext[] = ".profile";
	const char *base = basename_of(path);
	size_t len = strlen(base);

	(void)k;
	(void)num;
	if (len > sizeof(ext) - 1 && !strcmp(base + len - (sizeof(ext) - 1), ext))
		len -= sizeof(ext) - 1;
	if (strlen(value) == len && !strncmp(value, base, len))
		return 0;
	snprintf(why, whylen,
		 "name '%s' does not match the file name '%.*s' (FILE.profile must say name = FILE)",
		 value, (int)len, base);
	return -1;
}

static int check_pow2(const struct iod_key *k, const char *value,
		      unsigned long long num, const char *path, char *why,
		      size_t whylen)
{
	(void)path;
	if (num && !(num & (num - 1)))
		return 0;
	snprintf(why, whylen, "'%s' for '%s' is not a power of two", value,
		 k->key);
	return -1;
}

/* Engine names separated by blanks, each a real device's engine. */
static int check_engines(const struct iod_key *k, const char *value,
			 unsigned long long num, const char *path, char *why,
			 size_t whylen)
{
	static const char *const names[] = {
		"edu", "edu-poll", "nvme", "nvme-poll",
	};
	const char *p = value;
	size_t i, n;

	(void)num;
	(void)path;
	for (;;) {
		p += strspn(p, " \t");
		if (!*p)
			return 0;
		n = strcspn(p, " \t");
		for (i = 0; i < ARRAY_SIZE(names); i++)
			if (strlen(names[i]) == n && !strncmp(p, names[i], n))
				break;
		if (i == ARRAY_SIZE(names)) {
			snprintf(why, whylen,
				 "'%.*s' in '%s' is not an engine (allowed: edu edu-poll nvme nvme-poll)",
				 (int)n, p, k->key);
			return -1;
		}
		p += n;
	}
}

/* "MAJOR.MINOR" or "MAJOR.MINOR.PATCH", decimal. */
static int check_version(const struct iod_key *k, const char *value,
			 unsigned long long num, const char *path, char *why,
			 size_t whylen)
{
	struct iod_kernel_release r;

	(void)num;
	(void)path;
	if (!iod_prof_version_parse(value, &r))
		return 0;
	snprintf(why, whylen,
		 "bad version '%s' for '%s': expected MAJOR.MINOR or MAJOR.MINOR.PATCH (e.g. 6.7)",
		 value, k->key);
	return -1;
}

const struct iod_key iod_schema[] = {
	{
		.key = "name",
		.type = IOD_KT_STRING,
		.required = true,
		.check = check_name,
		.help = "profile name; must equal the file name without .profile",
	},
	{
		.key = "description",
		.type = IOD_KT_STRING,
		.required = true,
		.help = "one line saying what target this is",
	},
	{
		.key = "device",
		.type = IOD_KT_ENUM,
		.required = true,
		.values = IOD_VALUES({ .name = "mock" },
				     { .name = "vfio-pci" }),
		.help = "what the suites attach: iommufd mock devices or a PCI device via the VFIO cdev",
	},
	{
		.key = "dma.engine",
		.type = IOD_KT_ENUM,
		.required = true,
		.values = IOD_VALUES({ .name = "mock" }, { .name = "edu" },
				     { .name = "nvme" }, { .name = "none" }),
		.help = "what performs real DMA for end-to-end dirty checks",
	},
	{
		.key = "dma.extra_engines",
		.type = IOD_KT_STRING,
		.check = check_engines,
		.help = "more engines (blank-separated: edu edu-poll nvme nvme-poll) each program that judges a bench's DMA also runs with, as PROGRAM@ENGINE next to PROGRAM@<dma.engine>",
	},
	{
		.key = "hw_info.type",
		.type = IOD_KT_ENUM,
		.required = true,
		.values = IOD_VALUES({ .name = "none" },
				     { .name = "intel_vtd" },
				     { .name = "arm_smmuv3" },
				     { .name = "amd" },
				     { .name = "selftest" }),
		.help = "expected IOMMU_GET_HW_INFO out_data_type",
	},
	{
		.key = "cap.dirty_tracking",
		.type = IOD_KT_ENUM,
		.required = true,
		.values = IOD_VALUES({ .name = "required" },
				     { .name = "absent" }),
		.help = "IOMMU_HW_CAP_DIRTY_TRACKING in IOMMU_GET_HW_INFO out_capabilities",
	},
	{
		.key = "alloc.plain",
		.type = IOD_KT_ERRNO,
		.required = true,
		.help = "IOMMU_HWPT_ALLOC on an IOAS with flags 0",
	},
	{
		.key = "alloc.dirty",
		.type = IOD_KT_ERRNO,
		.required = true,
		.help = "IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_DIRTY_TRACKING",
	},
	{
		.key = "alloc.nest_parent",
		.type = IOD_KT_ERRNO,
		.required = true,
		.help = "IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_NEST_PARENT",
	},
	{
		.key = "alloc.dirty_nest_parent",
		.type = IOD_KT_ERRNO,
		.required = true,
		.help = "IOMMU_HWPT_ALLOC with DIRTY_TRACKING | NEST_PARENT",
	},
	{
		.key = "attach.dirty_to_incapable",
		.type = IOD_KT_ERRNO,
		.help = "attach a dirty-tracking HWPT to a device without the capability",
	},
	{
		.key = "attach.dirty",
		.type = IOD_KT_ERRNO,
		.help = "attach a dirty-tracking HWPT to the capable device",
	},
	{
		.key = "nested.path",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "hwpt" }, { .name = "viommu" },
				     { .name = "none" }),
		.help = "how a nested (stage-1) HWPT is allocated: hwpt (HWPT_ALLOC with pt_id a NEST_PARENT HWPT, 6.7+), viommu (pt_id a vIOMMU object, IOMMU_VIOMMU_ALLOC, 6.13+) or none (the IOMMU or kernel has no nesting)",
	},
	{
		.key = "nested.child_data",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "selftest" },
				     { .name = "vtd_s1" },
				     { .name = "arm_smmuv3" },
				     { .name = "none" }),
		.help = "the data type of a nested HWPT's allocation: selftest (the mock's IOMMU_HWPT_DATA_SELFTEST, struct iommu_hwpt_selftest), vtd_s1 (IOMMU_HWPT_DATA_VTD_S1, a VT-d first-stage table), arm_smmuv3 (IOMMU_HWPT_DATA_ARM_SMMUV3, 6.13+) or none",
	},
	{
		.key = "nested.attach_incapable_via_child",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "refused" },
				     { .name = "accepted" },
				     { .name = "none" }),
		.help = "attach a device whose IOMMU cannot track dirty pages to a nested HWPT whose parent tracks them: refused (EINVAL, as on the parent itself: the driver checks the parent), accepted (0: the child is attached and the parent's dirty tracking never reaches the device) or none (no dirty-tracking nest parent can be built)",
	},
	{
		.key = "nested.parent_readonly_map",
		.type = IOD_KT_ERRNO,
		.help = "IOAS_MAP of a read-only (not WRITEABLE) range into an IOAS that holds a NEST_PARENT HWPT, and the NEST_PARENT allocation on an IOAS that holds one",
	},
	{
		.key = "dirty.access_write",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "clean" }, { .name = "dirty" }),
		.help = "a write through an in-kernel IOAS access (iommufd_access_rw(), an emulated device's; the mock's IOMMU_TEST_OP_ACCESS_RW): clean (never reported by a harvest, no IOPTE is walked) or dirty",
	},
	{
		.key = "iova.alignment",
		.type = IOD_KT_UINT,
		.check = check_pow2,
		.help = "expected IOAS iova alignment in bytes (power of two)",
	},
	{
		.key = "dirty.leaf",
		.type = IOD_KT_UINT,
		.check = check_pow2,
		.help = "bytes one base IOPTE maps: the smallest unit a DMA write dirties",
	},
	{
		.key = "dirty.huge_leaf",
		.type = IOD_KT_UINT,
		.check = check_pow2,
		.help = "bytes one huge IOPTE maps when huge pages back a mapping (a write dirties it whole)",
	},
	{
		.key = "dirty.new_mapping",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "clean" }, { .name = "dirty" }),
		.help = "a writable mapping made in a dirty-tracking HWPT after tracking was last enabled: clean (its first harvest reports only device writes) or dirty (every mapped leaf reads dirty until a harvest clears it)",
	},
	{
		.key = "dirty.get_while_disabled",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "empty" },
				     { .name = "reports" }),
		.help = "GET_DIRTY_BITMAP while tracking is off: empty (rc 0, no bits) or reports (bits as when on)",
	},
	{
		.key = "dirty.hole",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "stops" }, { .name = "skips" }),
		.help = "a harvest over an unmapped hole: stops (rc 0, nothing after the hole reported or cleared) or skips",
	},
	{
		.key = "dirty.set_reserved",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "ignored", .err = 0 },
				     { .name = "rejected", .err = EOPNOTSUPP }),
		.outcomes = true,
		.help = "SET_DIRTY_TRACKING with a non-zero __reserved: ignored or rejected (EOPNOTSUPP)",
	},
	{
		.key = "dirty.unpinnable_bitmap",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "dropped", .err = 0 },
				     { .name = "enomem", .err = ENOMEM },
				     { .name = "efault", .err = EFAULT }),
		.outcomes = true,
		.help = "GET_DIRTY_BITMAP into data the kernel cannot write (read-only, unmapped): dropped (rc 0, bits lost, dirty state cleared), enomem or efault",
	},
	{
		.key = "dirty.failed_harvest",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "keeps" }, { .name = "clears" }),
		.help = "a GET_DIRTY_BITMAP that returns an error (a failed allocation or copy): keeps every dirty bit for the next harvest, or clears some",
	},
	{
		.key = "dirty.reenable_clears",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "all" }, { .name = "kept" }),
		.help = "SET_DIRTY_TRACKING(enable) on a HWPT already tracking, while a harvest is in flight: all (every dirty bit cleared, those written during the harvest too) or kept (nothing cleared)",
	},
	{
		.key = "dirty.inflight_area",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "stops" }, { .name = "skips" }),
		.help = "a harvest over an area whose IOAS_MAP is still pinning: stops (rc 0, nothing at or after it reported or cleared; the next harvest has it) or skips (rc 0, the areas after it reported)",
	},
	{
		.key = "dirty.failed_set_tracking",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "keeps" }, { .name = "clears" }),
		.help = "a SET_DIRTY_TRACKING that returns an error: keeps the tracking state and every dirty bit, or clears some",
	},
	{
		.key = "nested.invalidate_non_nested",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "enoent", .err = ENOENT },
				     { .name = "einval", .err = EINVAL },
				     { .name = "absent", .err = ENOTTY }),
		.outcomes = true,
		.help = "IOMMU_HWPT_INVALIDATE on an id that is not a nested HWPT (an IOAS, a paging or nest-parent HWPT, a device): enoent (the lookup is for a nested HWPT only), einval (the object is found but is neither a nested HWPT nor a vIOMMU) or absent (ENOTTY: no such ioctl)",
	},
	{
		.key = "nested.invalidate_entry_caps",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "rejected", .err = EINVAL },
				     { .name = "unbounded", .err = 0 }),
		.outcomes = true,
		.help = "IOMMU_HWPT_INVALIDATE with entry_len above the page size or entry_num above 1 << 19: rejected (EINVAL before the id is looked up, entry_num 0) or unbounded (the entries go to the driver)",
	},
	{
		.key = "nested.viommu",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "absent", .err = ENOTTY },
				     { .name = "present", .err = 0 }),
		.outcomes = true,
		.help = "the vIOMMU ioctls IOMMU_VIOMMU_ALLOC (0x90) and IOMMU_VDEVICE_ALLOC (0x91): absent (ENOTTY: the kernel has no such ioctl, before 6.13) or present (6.13+: a vIOMMU holds a nest parent, children may be allocated on it)",
	},
	{
		.key = "nested.dirty_parent",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "accepted", .err = 0 },
				     { .name = "stage2_only", .err = EOPNOTSUPP },
				     { .name = "no_nesting", .err = EOPNOTSUPP }),
		.outcomes = true,
		.help = "HWPT_ALLOC with NEST_PARENT | DIRTY_TRACKING: accepted (the nest parent tracks), stage2_only (EOPNOTSUPP although NEST_PARENT alone and DIRTY_TRACKING alone are accepted: the parent is a second stage, which has no dirty bits) or no_nesting (EOPNOTSUPP: NEST_PARENT alone is refused too)",
	},
	{
		.key = "nested.vtd_s1.addr_width",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "accepted" },
				     { .name = "attach" },
				     { .name = "alloc" }),
		.help = "a VT-d stage-1 child (IOMMU_HWPT_DATA_VTD_S1) whose addr_width is neither 48 nor 57 (or 57 without CAP.FL5LP): accepted (allocation and attach succeed), attach (allocated, its attach fails EINVAL) or alloc (the allocation fails EINVAL)",
	},
	{
		.key = "nested.vtd_s1.flag_without_cap",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "accepted" },
				     { .name = "attach" },
				     { .name = "alloc" }),
		.help = "a VT-d stage-1 child with IOMMU_VTD_S1_SRE while ECAP.SRS is clear, or IOMMU_VTD_S1_EAFE while ECAP.EAFS is clear: accepted, attach (its attach fails EINVAL) or alloc (the allocation fails EINVAL)",
	},
	{
		.key = "nested.vtd_s1.unknown_flags",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "accepted" },
				     { .name = "attach" },
				     { .name = "alloc" }),
		.help = "a VT-d stage-1 child with a flags bit past IOMMU_VTD_S1_WPE: accepted (ignored: allocation and attach succeed, DMA translates), attach (its attach fails EINVAL) or alloc (the allocation fails EINVAL)",
	},
	{
		.key = "nested.vtd_s1.pgtbl_low_bits",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "accepted" },
				     { .name = "attach" },
				     { .name = "alloc" }),
		.help = "a VT-d stage-1 child whose pgtbl_addr has bits below the 4 KiB page set: accepted (the low bits are dropped: allocation and attach succeed and DMA walks the aligned table), attach (its attach fails EINVAL) or alloc (the allocation fails EINVAL)",
	},
	{
		.key = "vfio.type1.migration_cap",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "reported" },
				     { .name = "absent" }),
		.help = "type1 container (/dev/vfio/vfio): VFIO_IOMMU_GET_INFO carries VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION (reported) or not (absent)",
	},
	{
		.key = "vfio.type1.dirty_pages",
		.type = IOD_KT_ERRNO,
		.help = "type1 container: VFIO_IOMMU_DIRTY_PAGES START with a type1v2 IOMMU set (0: the legacy dirty interface is offered)",
	},
	{
		.key = "vfio.type1.dirty_report",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "all_pinned" },
				     { .name = "written" }),
		.help = "type1 container: what GET_BITMAP and unmap-with-bitmap report: all_pinned (every page of every mapping, always) or written (only pages the device wrote since the last report)",
	},
	{
		.key = "vfio.type1.unmap_dirty",
		.type = IOD_KT_ERRNO,
		.help = "type1 container: VFIO_IOMMU_UNMAP_DMA with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP while tracking is started",
	},
	{
		.key = "vfio.compat.migration_cap",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "reported" },
				     { .name = "absent" }),
		.help = "iommufd vfio-compat container (/dev/iommu set into a group): VFIO_IOMMU_GET_INFO carries the migration capability or not",
	},
	{
		.key = "vfio.compat.dirty_pages",
		.type = IOD_KT_ERRNO,
		.help = "iommufd vfio-compat container: VFIO_IOMMU_DIRTY_PAGES START (0: offered)",
	},
	{
		.key = "vfio.compat.dirty_report",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "all_pinned" },
				     { .name = "written" }),
		.help = "iommufd vfio-compat container: what GET_BITMAP reports, when the interface is offered",
	},
	{
		.key = "vfio.compat.unmap_dirty",
		.type = IOD_KT_ERRNO,
		.help = "iommufd vfio-compat container: VFIO_IOMMU_UNMAP_DMA with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP while tracking is started (or asked to be)",
	},
	{
		.key = "kernel.min",
		.type = IOD_KT_STRING,
		.check = check_version,
		.help = "oldest kernel release the profile applies to (MAJOR.MINOR[.PATCH])",
	},
	{
		.key = "kernel.max",
		.type = IOD_KT_STRING,
		.check = check_version,
		.help = "newest kernel release the profile is known to hold for (MAJOR.MINOR[.PATCH]; MAJOR.MINOR holds every MAJOR.MINOR.x)",
	},
	{
		.key = "detect.iommu",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "intel" }, { .name = "amd" },
				     { .name = "smmuv3" }, { .name = "riscv" },
				     { .name = "virtio" }, { .name = "mock" }),
		.help = "iodirty detect picks this profile on a machine with this IOMMU (/sys/class/iommu; mock: none there and CONFIG_IOMMUFD_TEST); a profile without it is never picked",
	},
	{
		.key = "detect.dirty",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "yes" }, { .name = "no" }),
		.help = "... and only when the IOMMU's dirty-tracking capability (registers, or IOMMU_GET_HW_INFO through a named device) is this; unset: either",
	},
	{
		.key = "detect.machine",
		.type = IOD_KT_ENUM,
		.values = IOD_VALUES({ .name = "qemu" }, { .name = "other" }),
		.help = "... and only on this machine: qemu (DMI sys_vendor QEMU, or QEMU's host bridge) or other; unset: either",
	},
	{
		.key = "known_bug.",
		.type = IOD_KT_KNOWN_BUG,
		.prefix = true,
		.help = "known_bug.<case-id> = <commit>: <reason> | unfixed: <reason>",
	},
	{
		.key = "lab_defect.",
		.type = IOD_KT_STRING,
		.prefix = true,
		.help = "lab_defect.<case-id> = <what the emulated hardware of a lab flavour gets wrong> (not a kernel bug: the case is an XFAIL naming it)",
	},
};

const size_t iod_schema_len = ARRAY_SIZE(iod_schema);

bool iod_prof_is_case_id(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || is_digit(*s) || *s == '_' ||
		    *s == '.' || *s == '-')
			continue;
		return false;
	}
	return true;
}

const char *iod_known_bug_split(const char *value, char *commit,
				size_t commitlen)
{
	const char *colon, *reason;
	size_t clen, i;

	if (!value)
		return NULL;
	colon = strchr(value, ':');
	if (!colon)
		return NULL;
	clen = colon - value;
	if (clen == strlen("unfixed") && !strncmp(value, "unfixed", clen)) {
		/* fine */
	} else if (clen >= 12 && clen <= 40) {
		for (i = 0; i < clen; i++)
			if (!is_lower_hex(value[i]))
				return NULL;
	} else {
		return NULL;
	}
	reason = colon + 1;
	while (is_space(*reason))
		reason++;
	if (!*reason)
		return NULL;
	if (commit && commitlen) {
		if (clen >= commitlen)
			clen = commitlen - 1;
		memcpy(commit, value, clen);
		commit[clen] = '\0';
	}
	return reason;
}

bool iod_prof_rangeable(const struct iod_key *k)
{
	return strcmp(k->key, "name") && strcmp(k->key, "kernel.min") &&
	       strcmp(k->key, "kernel.max");
}

const struct iod_key *iod_prof_schema_find(const char *key, bool *bad_case_id)
{
	size_t i;

	*bad_case_id = false;
	for (i = 0; i < ARRAY_SIZE(iod_schema); i++)
		if (!iod_schema[i].prefix && !strcmp(key, iod_schema[i].key))
			return &iod_schema[i];
	for (i = 0; i < ARRAY_SIZE(iod_schema); i++) {
		size_t plen = strlen(iod_schema[i].key);

		if (!iod_schema[i].prefix ||
		    strncmp(key, iod_schema[i].key, plen))
			continue;
		if (iod_prof_is_case_id(key + plen))
			return &iod_schema[i];
		*bad_case_id = true;
		return NULL;
	}
	return NULL;
}

const char *iod_prof_ktype_name(enum iod_ktype t)
{
	switch (t) {
	case IOD_KT_STRING:
		return "string";
	case IOD_KT_ENUM:
		return "enum";
	case IOD_KT_ERRNO:
		return "errno";
	case IOD_KT_UINT:
		return "uint";
	case IOD_KT_KNOWN_BUG:
		return "known_bug";
	}
	return "?";
}

const struct iod_enum_value *iod_prof_enum_value(const struct iod_key *k,
						 const char *name)
{
	const struct iod_enum_value *v;

	for (v = k->values; name && v->name; v++)
		if (!strcmp(v->name, name))
			return v;
	return NULL;
}

/*
 * The values of enum row @k, comma-separated, each followed by the errno it
 * stands for (": ENOMEM") if @with_errnos and the row's values are outcomes.
 */
static void format_values(const struct iod_key *k, bool with_errnos,
			  char *buf, size_t len)
{
	const struct iod_enum_value *v;
	size_t off = 0;

	buf[0] = '\0';
	for (v = k->values; v->name && off < len; v++) {
		int n;

		if (with_errnos && k->outcomes)
			n = snprintf(buf + off, len - off, "%s%s: %s",
				     off ? ", " : "", v->name,
				     iod_errno_name(v->err));
		else
			n = snprintf(buf + off, len - off, "%s%s",
				     off ? ", " : "", v->name);
		if (n < 0)
			break;
		off += n;
	}
}

void iod_prof_enum_values(const struct iod_key *k, char *buf, size_t len)
{
	format_values(k, false, buf, len);
}

void iod_profile_schema_dump(FILE *f)
{
	char allowed[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(iod_schema); i++) {
		const struct iod_key *k = &iod_schema[i];

		fprintf(f, "%s%s\t%s\t%s\t", k->key, k->prefix ? "<case-id>" : "",
			iod_prof_ktype_name(k->type),
			k->required ? "required" : "optional");
		if (k->type == IOD_KT_ENUM) {
			format_values(k, true, allowed, sizeof(allowed));
			fprintf(f, "{%s}\t", allowed);
		} else if (k->type == IOD_KT_ERRNO) {
			iod_prof_errno_names(allowed, sizeof(allowed));
			fprintf(f, "{0 ok %s}\t", allowed);
		}
		fprintf(f, "%s\n", k->help);
	}
}
