// SPDX-License-Identifier: GPL-2.0
/*
 * Target profile loader: parse and validate profiles/NAME.profile.
 *
 * Self-contained (libc only). The schema is the table `iod_schema` below; to
 * add a key, add a row. Every row has a type that decides how its value is
 * checked and which getter may read it.
 *
 * Every line is kept, ranged (`key@6.7-6.10 = v`) or not; after the file is
 * read, each key's line for the profile's kernel release is marked active and
 * the getters only see active lines.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "profile/profile.h"
#include "util.h"

enum iod_ktype {
	IOD_KT_STRING,
	IOD_KT_ENUM,
	IOD_KT_ERRNO,
	IOD_KT_UINT,
	IOD_KT_KNOWN_BUG,
};

struct iod_key;

/* Extra check of a value already accepted by its type; 0 or -1 with @why. */
typedef int (*iod_check_fn)(const struct iod_key *k, const char *value,
			    unsigned long long num, const char *path, char *why,
			    size_t whylen);

struct iod_key {
	const char *key;	/* exact key, or the prefix if .prefix */
	enum iod_ktype type;
	bool required;
	bool prefix;		/* key is "<prefix><case-id>" */
	const char *const *allowed;	/* enum values, NULL-terminated */
	iod_check_fn check;
	const char *help;
};

struct iod_entry {
	char *key;
	char *value;
	unsigned int line;
	const struct iod_key *schema;
	long long num;		/* errno (IOD_KT_ERRNO) */
	unsigned long long unum;	/* value (IOD_KT_UINT) */
	char *range;		/* text after '@', NULL on a plain line */
	uint64_t lo, hi;	/* packed releases the range holds, inclusive */
	bool active;		/* the line the getters see for this key */
};

struct iod_profile {
	char *path;
	struct iod_entry *entries;
	size_t nr;
	uint64_t release;	/* packed release the lines resolve for */
	char release_str[40];
};

/* ---------------------------------------------------------------------- */
/* errno names */

static const struct {
	const char *name;
	int value;
} iod_errnos[] = {
	{ "EINVAL", EINVAL },	{ "EOPNOTSUPP", EOPNOTSUPP },
	{ "ENOENT", ENOENT },	{ "E2BIG", E2BIG },
	{ "EOVERFLOW", EOVERFLOW }, { "EBUSY", EBUSY },
	{ "ENODEV", ENODEV },	{ "EPERM", EPERM },
	{ "EFAULT", EFAULT },	{ "ENOMEM", ENOMEM },
	{ "ENOSPC", ENOSPC },	{ "ENOTTY", ENOTTY },
	{ "EEXIST", EEXIST },	{ "EACCES", EACCES },
	{ "ENXIO", ENXIO },	{ "EIO", EIO },
};

int iod_errno_from_name(const char *name)
{
	size_t i;

	if (!name)
		return -1;
	if (!strcmp(name, "0") || !strcmp(name, "ok"))
		return 0;
	for (i = 0; i < ARRAY_SIZE(iod_errnos); i++)
		if (!strcmp(name, iod_errnos[i].name))
			return iod_errnos[i].value;
	return -1;
}

const char *iod_errno_name(int e)
{
	size_t i;

	if (e == 0)
		return "0";
	for (i = 0; i < ARRAY_SIZE(iod_errnos); i++)
		if (iod_errnos[i].value == e)
			return iod_errnos[i].name;
	return "E?";
}

/* ---------------------------------------------------------------------- */
/* value checks */

static const char *const iod_device_values[] = { "mock", "vfio-pci", NULL };
static const char *const iod_engine_values[] = {
	"mock", "edu", "nvme", "none", NULL
};
static const char *const iod_hwinfo_values[] = {
	"none", "intel_vtd", "arm_smmuv3", "amd", "selftest", NULL
};
static const char *const iod_cap_values[] = { "required", "absent", NULL };
static const char *const iod_get_disabled_values[] = { "empty", "reports", NULL };
static const char *const iod_hole_values[] = { "stops", "skips", NULL };
static const char *const iod_reserved_values[] = { "ignored", "rejected", NULL };
static const char *const iod_unpinnable_values[] = {
	"dropped", "enomem", "efault", NULL
};
static const char *const iod_vfio_mig_cap_values[] = {
	"reported", "absent", NULL
};
static const char *const iod_vfio_dirty_report_values[] = {
	"all_pinned", "written", NULL
};
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

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_lower_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/*
 * Kernel releases are compared packed: MAJOR << 40 | MINOR << 20 | PATCH,
 * each part at most IOD_KERNEL_PART_MAX (20 bits).
 */
#define VER_SHIFT 20
#define VER_OPEN_HI UINT64_MAX

static uint64_t ver_pack(unsigned int major, unsigned int minor,
			 unsigned int patch)
{
	return (uint64_t)major << (2 * VER_SHIFT) |
	       (uint64_t)minor << VER_SHIFT | patch;
}

static void ver_format(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%llu.%llu.%llu",
		 (unsigned long long)(v >> (2 * VER_SHIFT)),
		 (unsigned long long)(v >> VER_SHIFT) & IOD_KERNEL_PART_MAX,
		 (unsigned long long)v & IOD_KERNEL_PART_MAX);
}

/*
 * Scan up to three '.'-separated decimal parts at @s, each at most
 * IOD_KERNEL_PART_MAX. Returns the characters consumed and sets *@nparts, or
 * -1 if a part is missing (empty, "6.", "6..7") or too large.
 */
static int scan_version(const char *s, unsigned int part[3], int *nparts)
{
	const char *p = s;
	int n = 0;

	part[0] = part[1] = part[2] = 0;
	for (;;) {
		unsigned long v = 0;

		if (!is_digit(*p))
			return -1;
		while (is_digit(*p)) {
			v = v * 10 + (unsigned long)(*p - '0');
			if (v > IOD_KERNEL_PART_MAX)
				return -1;
			p++;
		}
		part[n++] = (unsigned int)v;
		if (n == 3 || *p != '.')
			break;
		p++;
	}
	*nparts = n;
	return (int)(p - s);
}

/* Exactly "MAJOR.MINOR" or "MAJOR.MINOR.PATCH": 0 with the parts, or -1. */
static int parse_version(const char *s, unsigned int part[3], int *nparts)
{
	int used = scan_version(s, part, nparts);

	if (used < 0 || s[used] || *nparts < 2)
		return -1;
	return 0;
}

int iod_kernel_release_parse(const char *s, struct iod_kernel_release *out)
{
	unsigned int part[3];
	int used, n;

	if (!s)
		return -1;
	used = scan_version(s, part, &n);
	if (used < 0 || n < 2 || is_digit(s[used]) || s[used] == '.')
		return -1;
	if (out) {
		out->major = part[0];
		out->minor = part[1];
		out->patch = part[2];
	}
	return 0;
}

int iod_kernel_release_running(struct iod_kernel_release *out, char *err,
			       size_t errlen)
{
	const char *env = getenv("IODIRTY_KERNEL_RELEASE");
	struct utsname u;

	if (env && *env) {
		if (!iod_kernel_release_parse(env, out))
			return 0;
		if (err && errlen)
			snprintf(err, errlen,
				 "IODIRTY_KERNEL_RELEASE '%s' is not a kernel release: expected MAJOR.MINOR[.PATCH], optionally followed by a suffix such as -amd64 or -rc3",
				 env);
		return -1;
	}
	if (uname(&u)) {
		if (err && errlen)
			snprintf(err, errlen, "uname: %s", strerror(errno));
		return -1;
	}
	if (!iod_kernel_release_parse(u.release, out))
		return 0;
	if (err && errlen)
		snprintf(err, errlen,
			 "the running kernel's release '%s' does not start with MAJOR.MINOR[.PATCH]; set IODIRTY_KERNEL_RELEASE",
			 u.release);
	return -1;
}

/* "MAJOR.MINOR" or "MAJOR.MINOR.PATCH", decimal. */
static int check_version(const struct iod_key *k, const char *value,
			 unsigned long long num, const char *path, char *why,
			 size_t whylen)
{
	unsigned int part[3];
	int n;

	(void)num;
	(void)path;
	if (!parse_version(value, part, &n))
		return 0;
	snprintf(why, whylen,
		 "bad version '%s' for '%s': expected MAJOR.MINOR or MAJOR.MINOR.PATCH (e.g. 6.7)",
		 value, k->key);
	return -1;
}

static bool is_case_id(const char *s)
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

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
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

/* ---------------------------------------------------------------------- */
/* the schema */

static const struct iod_key iod_schema[] = {
	{ "name", IOD_KT_STRING, true, false, NULL, check_name,
	  "profile name; must equal the file name without .profile" },
	{ "description", IOD_KT_STRING, true, false, NULL, NULL,
	  "one line saying what target this is" },
	{ "device", IOD_KT_ENUM, true, false, iod_device_values, NULL,
	  "what the suites attach: iommufd mock devices or a PCI device via the VFIO cdev" },
	{ "dma.engine", IOD_KT_ENUM, true, false, iod_engine_values, NULL,
	  "what performs real DMA for end-to-end dirty checks" },
	{ "hw_info.type", IOD_KT_ENUM, true, false, iod_hwinfo_values, NULL,
	  "expected IOMMU_GET_HW_INFO out_data_type" },
	{ "cap.dirty_tracking", IOD_KT_ENUM, true, false, iod_cap_values, NULL,
	  "IOMMU_HW_CAP_DIRTY_TRACKING in IOMMU_GET_HW_INFO out_capabilities" },
	{ "alloc.plain", IOD_KT_ERRNO, true, false, NULL, NULL,
	  "IOMMU_HWPT_ALLOC on an IOAS with flags 0" },
	{ "alloc.dirty", IOD_KT_ERRNO, true, false, NULL, NULL,
	  "IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_DIRTY_TRACKING" },
	{ "alloc.nest_parent", IOD_KT_ERRNO, true, false, NULL, NULL,
	  "IOMMU_HWPT_ALLOC with IOMMU_HWPT_ALLOC_NEST_PARENT" },
	{ "alloc.dirty_nest_parent", IOD_KT_ERRNO, true, false, NULL, NULL,
	  "IOMMU_HWPT_ALLOC with DIRTY_TRACKING | NEST_PARENT" },
	{ "attach.dirty_to_incapable", IOD_KT_ERRNO, false, false, NULL, NULL,
	  "attach a dirty-tracking HWPT to a device without the capability" },
	{ "attach.dirty", IOD_KT_ERRNO, false, false, NULL, NULL,
	  "attach a dirty-tracking HWPT to the capable device" },
	{ "iova.alignment", IOD_KT_UINT, false, false, NULL, check_pow2,
	  "expected IOAS iova alignment in bytes (power of two)" },
	{ "dirty.leaf", IOD_KT_UINT, false, false, NULL, check_pow2,
	  "bytes one base IOPTE maps: the smallest unit a DMA write dirties" },
	{ "dirty.huge_leaf", IOD_KT_UINT, false, false, NULL, check_pow2,
	  "bytes one huge IOPTE maps when huge pages back a mapping (a write dirties it whole)" },
	{ "dirty.get_while_disabled", IOD_KT_ENUM, false, false,
	  iod_get_disabled_values, NULL,
	  "GET_DIRTY_BITMAP while tracking is off: empty (rc 0, no bits) or reports (bits as when on)" },
	{ "dirty.hole", IOD_KT_ENUM, false, false, iod_hole_values, NULL,
	  "a harvest over an unmapped hole: stops (rc 0, nothing after the hole reported or cleared) or skips" },
	{ "dirty.set_reserved", IOD_KT_ENUM, false, false, iod_reserved_values,
	  NULL, "SET_DIRTY_TRACKING with a non-zero __reserved: ignored or rejected (EOPNOTSUPP)" },
	{ "dirty.unpinnable_bitmap", IOD_KT_ENUM, false, false,
	  iod_unpinnable_values, NULL,
	  "GET_DIRTY_BITMAP into data the kernel cannot write (read-only, unmapped): dropped (rc 0, bits lost, dirty state cleared), enomem or efault" },
	{ "vfio.type1.migration_cap", IOD_KT_ENUM, false, false,
	  iod_vfio_mig_cap_values, NULL,
	  "type1 container (/dev/vfio/vfio): VFIO_IOMMU_GET_INFO carries VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION (reported) or not (absent)" },
	{ "vfio.type1.dirty_pages", IOD_KT_ERRNO, false, false, NULL, NULL,
	  "type1 container: VFIO_IOMMU_DIRTY_PAGES START with a type1v2 IOMMU set (0: the legacy dirty interface is offered)" },
	{ "vfio.type1.dirty_report", IOD_KT_ENUM, false, false,
	  iod_vfio_dirty_report_values, NULL,
	  "type1 container: what GET_BITMAP and unmap-with-bitmap report: all_pinned (every page of every mapping, always) or written (only pages the device wrote since the last report)" },
	{ "vfio.type1.unmap_dirty", IOD_KT_ERRNO, false, false, NULL, NULL,
	  "type1 container: VFIO_IOMMU_UNMAP_DMA with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP while tracking is started" },
	{ "vfio.compat.migration_cap", IOD_KT_ENUM, false, false,
	  iod_vfio_mig_cap_values, NULL,
	  "iommufd vfio-compat container (/dev/iommu set into a group): VFIO_IOMMU_GET_INFO carries the migration capability or not" },
	{ "vfio.compat.dirty_pages", IOD_KT_ERRNO, false, false, NULL, NULL,
	  "iommufd vfio-compat container: VFIO_IOMMU_DIRTY_PAGES START (0: offered)" },
	{ "vfio.compat.dirty_report", IOD_KT_ENUM, false, false,
	  iod_vfio_dirty_report_values, NULL,
	  "iommufd vfio-compat container: what GET_BITMAP reports, when the interface is offered" },
	{ "vfio.compat.unmap_dirty", IOD_KT_ERRNO, false, false, NULL, NULL,
	  "iommufd vfio-compat container: VFIO_IOMMU_UNMAP_DMA with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP while tracking is started (or asked to be)" },
	{ "kernel.min", IOD_KT_STRING, false, false, NULL, check_version,
	  "oldest kernel release the profile applies to (MAJOR.MINOR[.PATCH])" },
	{ "known_bug.", IOD_KT_KNOWN_BUG, false, true, NULL, NULL,
	  "known_bug.<case-id> = <commit>: <reason> | unfixed: <reason>" },
	{ "lab_defect.", IOD_KT_STRING, false, true, NULL, NULL,
	  "lab_defect.<case-id> = <what the emulated hardware of a lab flavour gets wrong> (not a kernel bug: the case is an XFAIL naming it)" },
};

/* Keys that say what the profile is; they hold for every release. */
static bool rangeable(const struct iod_key *k)
{
	return strcmp(k->key, "name") && strcmp(k->key, "kernel.min");
}

static const struct iod_key *schema_find(const char *key, bool *bad_case_id)
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
		if (is_case_id(key + plen))
			return &iod_schema[i];
		*bad_case_id = true;
		return NULL;
	}
	return NULL;
}

static const char *ktype_name(enum iod_ktype t)
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

static void format_allowed(const char *const *allowed, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; *allowed && off < len; allowed++) {
		int n = snprintf(buf + off, len - off, "%s%s",
				 off ? ", " : "", *allowed);

		if (n < 0)
			break;
		off += n;
	}
}

static void format_errno_names(char *buf, size_t len)
{
	size_t off = 0, i;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(iod_errnos) && off < len; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? " " : "",
				 iod_errnos[i].name);

		if (n < 0)
			break;
		off += n;
	}
}

void iod_profile_schema_dump(FILE *f)
{
	char allowed[512];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(iod_schema); i++) {
		const struct iod_key *k = &iod_schema[i];

		fprintf(f, "%s%s\t%s\t%s\t", k->key, k->prefix ? "<case-id>" : "",
			ktype_name(k->type), k->required ? "required" : "optional");
		if (k->type == IOD_KT_ENUM) {
			format_allowed(k->allowed, allowed, sizeof(allowed));
			fprintf(f, "{%s}\t", allowed);
		} else if (k->type == IOD_KT_ERRNO) {
			format_errno_names(allowed, sizeof(allowed));
			fprintf(f, "{0 ok %s}\t", allowed);
		}
		fprintf(f, "%s\n", k->help);
	}
}

/* ---------------------------------------------------------------------- */
/* parsing */

static void set_err(char *err, size_t errlen, const char *path,
		    unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void set_err(char *err, size_t errlen, const char *path,
		    unsigned int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(err, errlen, "%s:%u: %s", path, line, msg);
	else
		snprintf(err, errlen, "%s: %s", path, msg);
}

/* Well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF). */
static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n, j;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + n >= len)
			return false;
		for (j = 1; j <= n; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* Cut a comment: '#' at the start of the line or after whitespace. */
static void strip_comment(char *s)
{
	char *p;

	for (p = s; *p; p++) {
		if (*p == '#' && (p == s || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

static char *trim(char *s)
{
	char *end;

	while (is_space(*s))
		s++;
	end = s + strlen(s);
	while (end > s && is_space(end[-1]))
		*--end = '\0';
	return s;
}

static bool looks_numeric(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!is_digit(*s))
		return false;
	return true;
}

/* Decimal or 0x hex, no sign, no spaces, no overflow. */
static int parse_uint(const char *s, unsigned long long *out)
{
	const char *digits = s;
	unsigned long long v;
	char *end;
	int base = 10;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
		if (!*digits)
			return -1;
		for (const char *p = digits; *p; p++)
			if (!is_digit(*p) && !((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f'))
				return -1;
	} else {
		if (!*s)
			return -1;
		for (const char *p = s; *p; p++)
			if (!is_digit(*p))
				return -1;
	}
	errno = 0;
	v = strtoull(digits, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static int check_value(const struct iod_key *k, struct iod_entry *e,
		       const char *path, char *why, size_t whylen)
{
	char list[512];
	const char *const *a;

	switch (k->type) {
	case IOD_KT_STRING:
		break;
	case IOD_KT_ENUM:
		for (a = k->allowed; *a; a++)
			if (!strcmp(e->value, *a))
				break;
		if (*a)
			break;
		format_allowed(k->allowed, list, sizeof(list));
		snprintf(why, whylen, "bad value '%s' for '%s' (allowed: %s)",
			 e->value, e->key, list);
		return -1;
	case IOD_KT_ERRNO:
		e->num = iod_errno_from_name(e->value);
		if (e->num >= 0)
			break;
		format_errno_names(list, sizeof(list));
		if (looks_numeric(e->value))
			snprintf(why, whylen,
				 "numeric errno '%s' for '%s' is not allowed: write 0, ok or an errno name (%s)",
				 e->value, e->key, list);
		else
			snprintf(why, whylen,
				 "bad errno '%s' for '%s': expected 0, ok or an errno name (%s)",
				 e->value, e->key, list);
		return -1;
	case IOD_KT_UINT:
		if (!parse_uint(e->value, &e->unum))
			break;
		snprintf(why, whylen,
			 "bad unsigned integer '%s' for '%s': expected decimal or 0x hex",
			 e->value, e->key);
		return -1;
	case IOD_KT_KNOWN_BUG:
		if (iod_known_bug_split(e->value, NULL, 0))
			break;
		snprintf(why, whylen,
			 "bad value '%s' for '%s': expected '<commit>: <reason>' "
			 "(commit = 12-40 lowercase hex digits) or 'unfixed: <reason>'",
			 e->value, e->key);
		return -1;
	}
	if (k->check)
		return k->check(k, e->value, e->unum, path, why, whylen);
	return 0;
}

/* The active line of @key: the one the getters read. */
static const struct iod_entry *entry_find(const struct iod_profile *p,
					  const char *key)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (p->entries[i].active && !strcmp(p->entries[i].key, key))
			return &p->entries[i];
	return NULL;
}

/* The plain (unranged) line of @key. */
static const struct iod_entry *plain_find(const struct iod_profile *p,
					  const char *key)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (!p->entries[i].range && !strcmp(p->entries[i].key, key))
			return &p->entries[i];
	return NULL;
}

/* A ranged line of @key whose range shares a release with [lo, hi]. */
static const struct iod_entry *overlap_find(const struct iod_profile *p,
					    const char *key, uint64_t lo,
					    uint64_t hi)
{
	size_t i;

	for (i = 0; i < p->nr; i++) {
		const struct iod_entry *e = &p->entries[i];

		if (e->range && !strcmp(e->key, key) && e->lo <= hi &&
		    lo <= e->hi)
			return e;
	}
	return NULL;
}

/*
 * Parse the text after '@': "LO-HI", "LO-", "-HI" or "V". A MAJOR.MINOR
 * lower bound is MAJOR.MINOR.0, a MAJOR.MINOR upper bound MAJOR.MINOR.max.
 */
static int parse_range(const char *key, const char *r, uint64_t *lo,
		       uint64_t *hi, char *why, size_t whylen)
{
	const char *dash = strchr(r, '-');
	char lo_s[32], hi_s[32];
	unsigned int part[3];
	size_t lo_len;
	int n;

	lo_len = dash ? (size_t)(dash - r) : strlen(r);
	if (lo_len >= sizeof(lo_s) ||
	    strlen(dash ? dash + 1 : r) >= sizeof(hi_s))
		goto bad;
	memcpy(lo_s, r, lo_len);
	lo_s[lo_len] = '\0';
	strcpy(hi_s, dash ? dash + 1 : r);
	if (!*lo_s && !*hi_s) {
		snprintf(why, whylen,
			 "kernel range '@%s' for '%s' has no bound: write @LO-HI, @LO-, @-HI or @V",
			 r, key);
		return -1;
	}
	*lo = 0;
	if (*lo_s) {
		if (parse_version(lo_s, part, &n))
			goto bad;
		*lo = ver_pack(part[0], part[1], part[2]);
	}
	*hi = VER_OPEN_HI;
	if (*hi_s) {
		if (parse_version(hi_s, part, &n))
			goto bad;
		*hi = ver_pack(part[0], part[1],
			       n == 2 ? IOD_KERNEL_PART_MAX : part[2]);
	}
	if (*lo <= *hi)
		return 0;
	snprintf(why, whylen,
		 "kernel range '@%s' for '%s' is empty: %s is after %s", r, key,
		 lo_s, hi_s);
	return -1;
bad:
	snprintf(why, whylen,
		 "bad kernel range '@%s' for '%s': expected @LO-HI, @LO-, @-HI or @V, each bound MAJOR.MINOR[.PATCH] (e.g. @6.7-6.10)",
		 r, key);
	return -1;
}

void iod_profile_free(struct iod_profile *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr; i++) {
		free(p->entries[i].key);
		free(p->entries[i].value);
		free(p->entries[i].range);
	}
	free(p->entries);
	free(p->path);
	free(p);
}

static int add_entry(struct iod_profile *p, size_t *cap, const char *key,
		     const char *value, const char *range, unsigned int line)
{
	struct iod_entry *e;

	if (p->nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;

		e = realloc(p->entries, ncap * sizeof(*e));
		if (!e)
			return -1;
		p->entries = e;
		*cap = ncap;
	}
	e = &p->entries[p->nr];
	memset(e, 0, sizeof(*e));
	e->key = strdup(key);
	e->value = strdup(value);
	e->range = range ? strdup(range) : NULL;
	if (!e->key || !e->value || (range && !e->range)) {
		free(e->key);
		free(e->value);
		free(e->range);
		return -1;
	}
	e->line = line;
	p->nr++;
	return 0;
}

/* Parse one line; 0 on success or skip, -1 with the error set. */
static int parse_line(struct iod_profile *p, size_t *cap, char *raw,
		      size_t rawlen, unsigned int lineno, char *err,
		      size_t errlen)
{
	const char *path = p->path;
	const struct iod_key *k;
	struct iod_entry *e;
	char why[1024];
	char *line = raw, *eq, *key, *value, *at, *range = NULL;
	uint64_t lo = 0, hi = VER_OPEN_HI;
	bool bad_case_id;
	const struct iod_entry *dup;

	if (strlen(raw) != rawlen) {
		set_err(err, errlen, path, lineno, "NUL byte in line");
		return -1;
	}
	if (lineno == 1 && !strncmp(line, "\xef\xbb\xbf", 3)) {
		line += 3;
		rawlen -= 3;
	}
	if (!utf8_valid((const unsigned char *)line, rawlen)) {
		set_err(err, errlen, path, lineno, "invalid UTF-8");
		return -1;
	}
	strip_comment(line);
	line = trim(line);
	if (!*line)
		return 0;

	eq = strchr(line, '=');
	if (!eq) {
		set_err(err, errlen, path, lineno,
			"expected 'key = value', got '%s'", line);
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (!*key) {
		set_err(err, errlen, path, lineno, "missing key before '='");
		return -1;
	}
	at = strchr(key, '@');
	if (at) {
		*at = '\0';
		range = trim(at + 1);
		key = trim(key);
		if (!*key) {
			set_err(err, errlen, path, lineno,
				"missing key before '@'");
			return -1;
		}
	}

	k = schema_find(key, &bad_case_id);
	if (!k) {
		if (bad_case_id)
			set_err(err, errlen, path, lineno,
				"bad case id in key '%s': expected known_bug.[a-z0-9_.-]+",
				key);
		else
			set_err(err, errlen, path, lineno, "unknown key '%s'",
				key);
		return -1;
	}
	if (range) {
		if (!rangeable(k)) {
			set_err(err, errlen, path, lineno,
				"'%s' cannot carry a kernel range", key);
			return -1;
		}
		if (parse_range(key, range, &lo, &hi, why, sizeof(why))) {
			set_err(err, errlen, path, lineno, "%s", why);
			return -1;
		}
		dup = overlap_find(p, key, lo, hi);
		if (dup) {
			set_err(err, errlen, path, lineno,
				"kernel range '@%s' of '%s' overlaps line %u (@%s)",
				range, key, dup->line, dup->range);
			return -1;
		}
	} else {
		dup = plain_find(p, key);
		if (dup) {
			set_err(err, errlen, path, lineno,
				"duplicate key '%s' (first set at line %u)",
				key, dup->line);
			return -1;
		}
	}
	if (!*value) {
		set_err(err, errlen, path, lineno, "empty value for '%s'", key);
		return -1;
	}
	if (add_entry(p, cap, key, value, range, lineno)) {
		set_err(err, errlen, path, lineno, "out of memory");
		return -1;
	}
	e = &p->entries[p->nr - 1];
	e->schema = k;
	e->lo = lo;
	e->hi = hi;
	if (check_value(k, e, path, why, sizeof(why))) {
		set_err(err, errlen, path, lineno, "%s", why);
		return -1;
	}
	return 0;
}

static int cmp_lo(const void *a, const void *b)
{
	const struct iod_entry *x = *(const struct iod_entry *const *)a;
	const struct iod_entry *y = *(const struct iod_entry *const *)b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * A required key must have a value for every release: a plain line, or
 * ranged lines that leave no release out. 0, or -1 with the error set.
 */
static int check_required(const struct iod_profile *p, const char *key,
			  char *err, size_t errlen)
{
	const struct iod_entry **r;
	uint64_t next = 0;
	char a[40];
	size_t n = 0, i;
	bool done = false;

	if (plain_find(p, key))
		return 0;
	r = calloc(p->nr ? p->nr : 1, sizeof(*r));
	if (!r) {
		set_err(err, errlen, p->path, 0, "out of memory");
		return -1;
	}
	for (i = 0; i < p->nr; i++)
		if (!strcmp(p->entries[i].key, key))
			r[n++] = &p->entries[i];
	if (!n) {
		free(r);
		set_err(err, errlen, p->path, 0, "missing required key '%s'",
			key);
		return -1;
	}
	qsort(r, n, sizeof(*r), cmp_lo);
	for (i = 0; i < n && !done; i++) {
		if (r[i]->lo > next)
			break;
		if (r[i]->hi == VER_OPEN_HI)
			done = true;
		else
			next = r[i]->hi + 1;
	}
	if (done) {
		free(r);
		return 0;
	}
	ver_format(next, a, sizeof(a));
	set_err(err, errlen, p->path, 0,
		"required key '%s' has no value for kernel %s: no range of it holds that release and there is no plain '%s = ...' line",
		key, a, key);
	free(r);
	return -1;
}

/* Mark each key's line for p->release active. */
static void resolve(struct iod_profile *p)
{
	size_t i, j;

	for (i = 0; i < p->nr; i++) {
		struct iod_entry *e = &p->entries[i];

		e->active = e->range && e->lo <= p->release &&
			    p->release <= e->hi;
	}
	for (i = 0; i < p->nr; i++) {
		struct iod_entry *e = &p->entries[i];

		if (e->range)
			continue;
		e->active = true;
		for (j = 0; j < p->nr; j++)
			if (p->entries[j].active && p->entries[j].range &&
			    !strcmp(p->entries[j].key, e->key))
				e->active = false;
	}
}

int iod_profile_load(const char *path, struct iod_profile **out, char *err,
		     size_t errlen)
{
	return iod_profile_load_for(path, NULL, out, err, errlen);
}

int iod_profile_load_for(const char *path, const char *release,
			 struct iod_profile **out, char *err, size_t errlen)
{
	struct iod_kernel_release rel;
	char why[512];
	struct iod_profile *p;
	unsigned int lineno = 0;
	size_t cap = 0, linecap = 0, i;
	char *line = NULL;
	ssize_t len;
	FILE *f;
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	if (!out) {
		set_err(err, errlen, path ? path : "(null)", 0,
			"no output pointer");
		return -1;
	}
	*out = NULL;
	if (!path) {
		set_err(err, errlen, "(null)", 0, "no path");
		return -1;
	}
	if (release) {
		if (iod_kernel_release_parse(release, &rel)) {
			set_err(err, errlen, path, 0,
				"bad kernel release '%s': expected MAJOR.MINOR[.PATCH], optionally followed by a suffix such as -amd64 or -rc3",
				release);
			return -1;
		}
	} else if (iod_kernel_release_running(&rel, why, sizeof(why))) {
		set_err(err, errlen, path, 0, "%s", why);
		return -1;
	}

	f = fopen(path, "re");
	if (!f) {
		set_err(err, errlen, path, 0, "cannot open: %s",
			strerror(errno));
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (p)
		p->path = strdup(path);
	if (!p || !p->path) {
		set_err(err, errlen, path, 0, "out of memory");
		goto out;
	}
	p->release = ver_pack(rel.major, rel.minor, rel.patch);
	snprintf(p->release_str, sizeof(p->release_str), "%u.%u.%u",
		 rel.major, rel.minor, rel.patch);

	errno = 0;
	while ((len = getline(&line, &linecap, f)) >= 0) {
		lineno++;
		if (parse_line(p, &cap, line, (size_t)len, lineno, err, errlen))
			goto out;
		errno = 0;
	}
	if (ferror(f)) {
		set_err(err, errlen, path, 0, "read error: %s",
			strerror(errno ? errno : EIO));
		goto out;
	}

	for (i = 0; i < ARRAY_SIZE(iod_schema); i++)
		if (iod_schema[i].required &&
		    check_required(p, iod_schema[i].key, err, errlen))
			goto out;
	resolve(p);

	*out = p;
	p = NULL;
	rc = 0;
out:
	free(line);
	fclose(f);
	iod_profile_free(p);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* getters */

const char *iod_profile_path(const struct iod_profile *p)
{
	return p ? p->path : NULL;
}

const char *iod_profile_str(const struct iod_profile *p, const char *key)
{
	const struct iod_entry *e;

	if (!p || !key)
		return NULL;
	e = entry_find(p, key);
	return e ? e->value : NULL;
}

/* The schema row of @key with type @t, or abort: a test typo must not pass. */
static const struct iod_key *schema_require(const char *func, const char *key,
					    enum iod_ktype t)
{
	bool bad_case_id;
	const struct iod_key *k = key ? schema_find(key, &bad_case_id) : NULL;

	if (k && k->type == t && !k->prefix)
		return k;
	fprintf(stderr, "%s: '%s' is not %s %s key of the profile schema\n",
		func, key ? key : "(null)",
		t == IOD_KT_ENUM || t == IOD_KT_ERRNO ? "an" : "a",
		ktype_name(t));
	fflush(stderr);
	abort();
}

int iod_profile_errno(const struct iod_profile *p, const char *key)
{
	const struct iod_entry *e;

	schema_require(__func__, key, IOD_KT_ERRNO);
	e = p ? entry_find(p, key) : NULL;
	return e ? (int)e->num : -1;
}

const char *iod_profile_enum(const struct iod_profile *p, const char *key)
{
	const struct iod_entry *e;

	schema_require(__func__, key, IOD_KT_ENUM);
	e = p ? entry_find(p, key) : NULL;
	return e ? e->value : NULL;
}

bool iod_profile_enum_is(const struct iod_profile *p, const char *key,
			 const char *value)
{
	const struct iod_key *k = schema_require(__func__, key, IOD_KT_ENUM);
	const char *v;
	size_t i;

	for (i = 0; k->allowed[i]; i++)
		if (!strcmp(k->allowed[i], value))
			break;
	if (!k->allowed[i]) {
		fprintf(stderr, "%s: '%s' is not a value of %s\n", __func__,
			value, key);
		abort();
	}
	v = iod_profile_enum(p, key);
	return v && !strcmp(v, value);
}

/* Enumerated values that stand for an errno (value, errno; 0: success). */
static const struct {
	const char *key, *value;
	int err;
} iod_enum_errnos[] = {
	{ "dirty.unpinnable_bitmap", "dropped", 0 },
	{ "dirty.unpinnable_bitmap", "enomem", ENOMEM },
	{ "dirty.unpinnable_bitmap", "efault", EFAULT },
};

int iod_profile_enum_errno(const struct iod_profile *p, const char *key)
{
	const char *v = iod_profile_enum(p, key);
	bool known = false;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(iod_enum_errnos); i++) {
		if (strcmp(iod_enum_errnos[i].key, key))
			continue;
		known = true;
		if (v && !strcmp(iod_enum_errnos[i].value, v))
			return iod_enum_errnos[i].err;
	}
	if (!known) {
		fprintf(stderr, "%s: the values of %s name no errno\n",
			__func__, key);
		abort();
	}
	return -1;
}

unsigned long long iod_profile_uint(const struct iod_profile *p,
				    const char *key, unsigned long long def)
{
	const struct iod_entry *e;

	schema_require(__func__, key, IOD_KT_UINT);
	e = p ? entry_find(p, key) : NULL;
	return e ? e->unum : def;
}

static const char *case_entry(const struct iod_profile *p,
			      const char *prefix, const char *case_id)
{
	const struct iod_entry *e;
	char key[256];
	int n;

	if (!p || !case_id || !is_case_id(case_id))
		return NULL;
	n = snprintf(key, sizeof(key), "%s%s", prefix, case_id);
	if (n < 0 || (size_t)n >= sizeof(key))
		return NULL;
	e = entry_find(p, key);
	return e ? e->value : NULL;
}

const char *iod_profile_known_bug(const struct iod_profile *p,
				  const char *case_id)
{
	return case_entry(p, "known_bug.", case_id);
}

const char *iod_profile_lab_defect(const struct iod_profile *p,
				   const char *case_id)
{
	return case_entry(p, "lab_defect.", case_id);
}

const char *iod_profile_kernel(const struct iod_profile *p)
{
	return p ? p->release_str : NULL;
}

int iod_profile_applies(const struct iod_profile *p)
{
	const struct iod_entry *e;
	unsigned int part[3];
	int n;

	if (!p)
		return -1;
	e = entry_find(p, "kernel.min");
	if (!e || parse_version(e->value, part, &n))
		return 1;
	return p->release >= ver_pack(part[0], part[1], part[2]);
}

unsigned int iod_profile_line(const struct iod_profile *p, const char *key)
{
	const struct iod_entry *e;

	if (!p || !key)
		return 0;
	e = entry_find(p, key);
	return e ? e->line : 0;
}

void iod_profile_show(const struct iod_profile *p, FILE *f)
{
	size_t i;

	if (!p)
		return;
	fprintf(f, "# %s for kernel %s\n", p->path, p->release_str);
	if (iod_profile_applies(p) == 0)
		fprintf(f,
			"# the profile does not apply to this kernel: kernel.min = %s\n",
			iod_profile_str(p, "kernel.min"));
	for (i = 0; i < p->nr; i++) {
		const struct iod_entry *e = &p->entries[i];

		if (!e->active)
			continue;
		if (e->range)
			fprintf(f, "%s = %s  # line %u, @%s\n", e->key,
				e->value, e->line, e->range);
		else
			fprintf(f, "%s = %s  # line %u\n", e->key, e->value,
				e->line);
	}
}
