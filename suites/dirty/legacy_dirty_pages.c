// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy VFIO dirty page tracking (the type1 interface of VFIO migration)
 * with real DMA from edu and from NVMe, each opened through its IOMMU
 * group: on the type1 container (/dev/vfio/vfio) and on iommufd's
 * vfio-compat container (/dev/iommu set into the group). The device
 * writes and reads through lib/engine/group_dma.h (NVMe without scratch:
 * NVMe Reads of blocks its namespace holds, and Compares; the namespace is
 * never written). Checks the migration capability of
 * VFIO_IOMMU_GET_INFO, VFIO_IOMMU_DIRTY_PAGES START / GET_BITMAP / STOP,
 * what a report holds after device writes, device reads and none, a second
 * report, unmap with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, argument checks,
 * and that the data the device wrote is in memory byte for byte.
 *
 * What each container offers and what a report holds come from the profile
 * (vfio.type1.*, vfio.compat.*); the argument rules of type1
 * (drivers/vfio/vfio_iommu_type1.c) are asserted directly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "harness/iod_test.h"
#include "harness/rules.h"
#include "engine/group_dma.h"
#include "uapi/vfio_group.h"
#include "util.h"

#define NPAGES		16	/* pages of the target mapping (< 64) */
#define CANARY		0x5a
#define GUARD		0xa5a5a5a5a5a5a5a5ull
#define GAP		(2ull << 20)	/* between the mappings */
#define BM_WORDS	16	/* bitmap buffer, in u64 words */
/*
 * The device's own memory (edu's staging page, NVMe's queues and buffers)
 * sits this far above the case's last mapping: out of every range a case
 * harvests, since type1 reports every pinned page of a range dirty and the
 * device writes NVMe's completion queues. No case accounts for it.
 */
#define DEVICE_FLOOR	(256ull << 20)
#define KEY_LEN		48

/* The type1 container needs no iommufd; the compat variant SKIPs without. */
IOD_IOMMUFD_OPTIONAL

FIXTURE(legacy) {
	int group_fd;
	int container_fd;
	int group;
	char bdf[32];
	struct iod_vfio_dev dev;
	struct iod_group_dma g;	/* the device, writing and reading */
	struct iod_vfio_iommu_info info;
	uint64_t pgsize;	/* smallest IOMMU page: the bitmap's unit */
	uint8_t *stage;		/* a second mapping the device never touches */
	uint8_t *target;	/* the device writes here */
	uint8_t *shadow;	/* what target must hold */
	uint64_t stage_iova, target_iova, target_len;
	uint64_t written;	/* target pages written since the last report */
	int dirty_want;		/* profile: DIRTY_PAGES outcome, -1 unset */
	int unmap_want;		/* profile: unmap-with-bitmap outcome */
	struct {		/* the variant's profile keys, vfio.<keys>.* */
		char dirty_pages[KEY_LEN];
		char unmap_dirty[KEY_LEN];
		char dirty_report[KEY_LEN];	/* all_pinned | written */
		char migration_cap[KEY_LEN];	/* reported | absent */
	} key;
};

FIXTURE_VARIANT(legacy) {
	const char *container;	/* what is set into the group */
	const char *keys;	/* the profile's key group */
	const char *device;	/* the device of IODIRTY_DEVICES that DMAs */
};

FIXTURE_VARIANT_ADD(legacy, type1) {
	.container = "/dev/vfio/vfio",
	.keys = "type1",
	.device = "edu",
};

FIXTURE_VARIANT_ADD(legacy, compat) {
	.container = "/dev/iommu",
	.keys = "compat",
	.device = "edu",
};

FIXTURE_VARIANT_ADD(legacy, type1_nvme) {
	.container = "/dev/vfio/vfio",
	.keys = "type1",
	.device = "nvme",
};

FIXTURE_VARIANT_ADD(legacy, compat_nvme) {
	.container = "/dev/iommu",
	.keys = "compat",
	.device = "nvme",
};

/* The profile key vfio.<keys>.@what of variant @v, into @key. */
static void variant_key(char key[KEY_LEN], const FIXTURE_VARIANT(legacy) *v,
			const char *what)
{
	snprintf(key, KEY_LEN, "vfio.%s.%s", v->keys, what);
}

static const char *profile_path(void)
{
	return iod_profile_path(iod_env.profile);
}

FIXTURE_SETUP(legacy)
{
	const char *cdev = iod_env_device(variant->device);
	const char *bdf = iod_env_device_bdf(variant->device);
	char why[384];
	uint32_t flags = 0;

	self->group_fd = -1;
	self->container_fd = -1;
	self->dev.fd = -1;
	/* edu is the device of a run that names none (IODIRTY_VFIO_CDEV). */
	if (!cdev && !strcmp(variant->device, "edu"))
		cdev = iod_env.vfio_cdev;
	if (iod_env_is_mock() || ((!cdev || !*cdev) && !bdf))
		SKIP(return, "no VFIO device on this target (profile %s, device = %s): the legacy container needs a PCI device in an IOMMU group",
		     profile_path(), iod_rule("device", "unset"));
	if (!strcmp(variant->container, "/dev/iommu") &&
	    iod_iommufd_missing(why, sizeof(why)))
		SKIP(return, "%s", why);
	if (!iod_env_device(variant->device) && !bdf &&
	    strcmp(variant->device, "edu"))
		SKIP(return, "IODIRTY_DEVICES names no %s device: these cases make an %s controller DMA",
		     variant->device, variant->device);

	if (bdf)
		snprintf(self->bdf, sizeof(self->bdf), "%s", bdf);
	else
		ASSERT_EQ(0, iod_vfio_cdev_bdf(cdev, self->bdf,
					       sizeof(self->bdf)))
			TH_LOG("no PCI device behind %s: %s", cdev,
			       strerror(errno));
	ASSERT_EQ(0, iod_vfio_bdf_group(self->bdf, &self->group))
		TH_LOG("%s has no IOMMU group: %s", self->bdf, strerror(errno));
	self->group_fd = iod_vfio_group_open(self->group);
	if (self->group_fd == -ENOENT)
		SKIP(return, "no /dev/vfio/%d: kernel without CONFIG_VFIO_GROUP",
		     self->group);
	ASSERT_LE(0, self->group_fd)
		TH_LOG("open /dev/vfio/%d (%s): %s", self->group, self->bdf,
		       iod_errno_name(-self->group_fd));
	ASSERT_EQ(0, iod_vfio_group_status(self->group_fd, &flags));
	ASSERT_TRUE(flags & VFIO_GROUP_FLAGS_VIABLE)
		TH_LOG("group %d of %s is not viable: a device in it is bound to another driver",
		       self->group, self->bdf);
	ASSERT_FALSE(flags & VFIO_GROUP_FLAGS_CONTAINER_SET);

	self->container_fd = iod_vfio_container_open(variant->container);
	if (self->container_fd == -ENOENT)
		SKIP(return, "no %s on this kernel", variant->container);
	ASSERT_LE(0, self->container_fd)
		TH_LOG("open %s: %s", variant->container,
		       iod_errno_name(-self->container_fd));
	ASSERT_EQ(0, iod_vfio_group_set_container(self->group_fd,
						  self->container_fd))
		TH_LOG("VFIO_GROUP_SET_CONTAINER(%s): %s", variant->container,
		       strerror(errno));
	ASSERT_EQ(0, iod_vfio_group_status(self->group_fd, &flags));
	ASSERT_TRUE(flags & VFIO_GROUP_FLAGS_CONTAINER_SET);

	variant_key(self->key.dirty_pages, variant, "dirty_pages");
	variant_key(self->key.unmap_dirty, variant, "unmap_dirty");
	variant_key(self->key.dirty_report, variant, "dirty_report");
	variant_key(self->key.migration_cap, variant, "migration_cap");
	self->dirty_want = iod_profile_errno(iod_env.profile,
					     self->key.dirty_pages);
	self->unmap_want = iod_profile_errno(iod_env.profile,
					     self->key.unmap_dirty);
}

FIXTURE_TEARDOWN(legacy)
{
	iod_group_dma_close(&self->g);
	if (self->dev.fd >= 0) {
		iod_vfio_bus_master(&self->dev, 0);
		iod_vfio_close(&self->dev);
	}
	if (self->group_fd >= 0)
		close(self->group_fd);
	if (self->container_fd >= 0)
		close(self->container_fd);
	free(self->stage);
	free(self->target);
	free(self->shadow);
}

static void *page_alloc(uint64_t align, uint64_t len, int fill)
{
	void *p = NULL;

	if (posix_memalign(&p, align, len))
		return NULL;
	memset(p, fill, len);
	return p;
}

/*
 * Select the IOMMU type, open the device through the group, map the NPAGES
 * target and a second page (separate mappings, GAP apart), and bring the
 * device up with its own memory DEVICE_FLOOR above them.
 */
static void legacy_up(struct __test_metadata *_metadata,
		      FIXTURE_DATA(legacy) *self,
		      const FIXTURE_VARIANT(legacy) *variant,
		      unsigned long type)
{
	int rc;

	rc = iod_vfio_check_extension(self->container_fd, type);
	ASSERT_LE(0, rc);
	if (!rc)
		SKIP(return, "%s does not offer IOMMU type %lu",
		     variant->container, type);
	rc = iod_vfio_set_iommu(self->container_fd, type);
	ASSERT_EQ(0, rc)
		TH_LOG("VFIO_SET_IOMMU(%lu) on %s: %s (without interrupt remapping type1 needs vfio_iommu_type1.allow_unsafe_interrupts=1)",
		       type, variant->container, iod_errno_name(-rc));
	rc = iod_vfio_group_device(self->group_fd, self->bdf, &self->dev);
	ASSERT_EQ(0, rc)
		TH_LOG("VFIO_GROUP_GET_DEVICE_FD(%s): %s (iommufd needs iommufd.allow_unsafe_interrupts=1 without interrupt remapping)",
		       self->bdf, iod_errno_name(-rc));
	ASSERT_EQ(0, iod_vfio_iommu_info(self->container_fd, &self->info))
		TH_LOG("VFIO_IOMMU_GET_INFO: %s", strerror(errno));
	ASSERT_NE(0, self->info.iova_pgsizes);
	self->pgsize = self->info.iova_pgsizes & -self->info.iova_pgsizes;
	if (self->pgsize < (uint64_t)sysconf(_SC_PAGESIZE))
		self->pgsize = sysconf(_SC_PAGESIZE);
	self->target_len = NPAGES * self->pgsize;
	self->stage = page_alloc(self->pgsize, self->pgsize, 0);
	self->target = page_alloc(self->pgsize, self->target_len, CANARY);
	self->shadow = page_alloc(self->pgsize, self->target_len, CANARY);
	ASSERT_NE(NULL, self->stage);
	ASSERT_NE(NULL, self->target);
	ASSERT_NE(NULL, self->shadow);

	ASSERT_EQ(0, iod_vfio_pick_iova(&self->info, self->target_len, 1 << 20,
					GAP, &self->target_iova));
	ASSERT_EQ(0, iod_vfio_pick_iova(&self->info, self->pgsize,
					self->target_iova + self->target_len +
					GAP, GAP, &self->stage_iova));
	rc = iod_vfio_map_dma(self->container_fd, self->target,
			      self->target_iova, self->target_len);
	ASSERT_EQ(0, rc) TH_LOG("MAP_DMA target at 0x%llx: %s",
				(unsigned long long)self->target_iova,
				iod_errno_name(-rc));
	rc = iod_vfio_map_dma(self->container_fd, self->stage,
			      self->stage_iova, self->pgsize);
	ASSERT_EQ(0, rc) TH_LOG("MAP_DMA second page at 0x%llx: %s",
				(unsigned long long)self->stage_iova,
				iod_errno_name(-rc));
	rc = iod_group_dma_open(&self->g, variant->device, &self->dev,
				self->bdf, self->container_fd,
				self->stage_iova + DEVICE_FLOOR);
	if (rc == -ENODEV)
		SKIP(return, "%s is not an %s device: these cases drive %s (%s)",
		     self->bdf, variant->device, variant->device, self->g.why);
	ASSERT_EQ(0, rc) TH_LOG("%s on %s: %s %s", variant->device, self->bdf,
				iod_errno_name(-rc), self->g.why);
}

/* legacy_up() with IOMMU @type; the case ends if it failed or skipped. */
#define SET_UP_IOMMU_OR_RETURN(type) do { \
	legacy_up(_metadata, self, variant, (type)); \
	if (_metadata->exit_code) \
		return; \
} while (0)

/* SKIP the case naming @key, a key the profile does not state; NULL: go on. */
#define SKIP_IF_UNSTATED(key) do { \
	const char *__unstated = (key); \
	if (__unstated) \
		SKIP(return, "profile %s does not state %s", profile_path(), \
		     __unstated); \
} while (0)

/* @key when the profile does not state enumerated rule @key, else NULL. */
static const char *unstated_rule(const char *key)
{
	return iod_rule(key, NULL) ? NULL : key;
}

/* The key a case about what a report holds needs and lacks, or NULL. */
static const char *unstated_report_key(FIXTURE_DATA(legacy) *self)
{
	if (self->dirty_want < 0)
		return self->key.dirty_pages;
	if (!self->dirty_want)
		return unstated_rule(self->key.dirty_report);
	return NULL;
}

/* The key a case about unmap-with-bitmap needs and lacks, or NULL. */
static const char *unstated_unmap_key(FIXTURE_DATA(legacy) *self)
{
	return self->unmap_want < 0 ? self->key.unmap_dirty : NULL;
}

/*
 * A DMA at [off, +len) as the device can move it: off down to its IOVA
 * alignment, len up to its unit (NVMe moves whole logical blocks).
 */
static void fit(FIXTURE_DATA(legacy) *self, uint64_t *off, uint64_t *len)
{
	*off -= *off % self->g.iova_align;
	*len = DIV_ROUND_UP(*len, self->g.unit) * self->g.unit;
}

/*
 * The device writes len bytes of stream s at offset off of the mapping at
 * base_iova (host memory mem, shadow copy shadow, which gets the bytes).
 */
static int dev_write_at(FIXTURE_DATA(legacy) *self, uint64_t base_iova,
			uint8_t *mem, uint8_t *shadow, uint64_t off,
			uint64_t len, uint8_t s)
{
	int rc = iod_group_dma_write(&self->g, base_iova + off, mem + off, len,
				     s);

	if (!rc)
		iod_group_dma_expected(&self->g, s, shadow + off, len);
	return rc;
}

/* A device write into the target, which must succeed; records its pages. */
static void assert_dev_write(struct __test_metadata *_metadata,
			     FIXTURE_DATA(legacy) *self, uint64_t off,
			     uint64_t len, uint8_t s)
{
	uint64_t p;
	int rc;

	fit(self, &off, &len);
	rc = dev_write_at(self, self->target_iova, self->target, self->shadow,
			  off, len, s);
	ASSERT_EQ(0, rc) TH_LOG("%s DMA to target+0x%llx: %s", self->g.device,
				(unsigned long long)off, iod_errno_name(-rc));
	for (p = off / self->pgsize; p <= (off + len - 1) / self->pgsize; p++)
		self->written |= 1ull << p;
}

/*
 * The device reads len bytes at offset off of the target, which must
 * succeed; a device that cannot read without writing its storage SKIPs.
 */
static void assert_dev_read(struct __test_metadata *_metadata,
			    FIXTURE_DATA(legacy) *self, uint64_t off,
			    uint64_t len)
{
	int rc;

	fit(self, &off, &len);
	rc = iod_group_dma_read(&self->g, self->target_iova + off, len);
	if (rc == -EOPNOTSUPP)
		SKIP(return, "%s cannot read memory here: %s", self->g.device,
		     self->g.mode ? self->g.mode : "");
	ASSERT_EQ(0, rc) TH_LOG("%s read of target+0x%llx: %s",
				self->g.device, (unsigned long long)off,
				iod_errno_name(-rc));
}

/* Memory holds exactly what the device wrote, canary everywhere else. */
static void assert_memory_holds(struct __test_metadata *_metadata,
				const uint8_t *mem, const uint8_t *want,
				uint64_t len)
{
	int64_t at = -1;
	uint64_t i;

	for (i = 0; i < len && at < 0; i++)
		if (mem[i] != want[i])
			at = (int64_t)i;
	ASSERT_EQ(-1, at) TH_LOG("byte 0x%llx is 0x%02x, the device wrote 0x%02x there",
		(unsigned long long)at, mem[at < 0 ? 0 : at],
		want[at < 0 ? 0 : at]);
}

/* The target holds exactly what the device wrote there. */
static void assert_target_data(struct __test_metadata *_metadata,
			       FIXTURE_DATA(legacy) *self)
{
	assert_memory_holds(_metadata, self->target, self->shadow,
			    self->target_len);
}

/* The target's bits a report must hold, as the profile says. */
static uint64_t want_bits(FIXTURE_DATA(legacy) *self, unsigned int npages,
			  uint64_t written)
{
	uint64_t all = npages >= 64 ? ~0ull : (1ull << npages) - 1;

	if (iod_rule_is(self->key.dirty_report, "all_pinned"))
		return all;
	return written & all;
}

/*
 * START, which must end as the profile says; true when the interface is
 * offered.
 */
static bool start_as_profile_says(struct __test_metadata *_metadata,
				  FIXTURE_DATA(legacy) *self)
{
	int rc = iod_vfio_dirty_start(self->container_fd);

	if (rc != -self->dirty_want)
		TH_LOG("VFIO_IOMMU_DIRTY_PAGES START: profile %s says %s = %s",
		       profile_path(), self->key.dirty_pages,
		       iod_errno_name(self->dirty_want));
	IOD_ASSERT_ERR(self->dirty_want, rc);
	return !self->dirty_want;
}

/*
 * GET_BITMAP over the whole target into a zeroed word with guard words
 * after it: the word must be @want, the guards untouched.
 */
static void assert_report(struct __test_metadata *_metadata,
			  FIXTURE_DATA(legacy) *self, uint64_t want)
{
	uint64_t bm[BM_WORDS];
	unsigned int i;
	int rc;

	memset(bm, 0, sizeof(bm[0]));
	for (i = 1; i < BM_WORDS; i++)
		bm[i] = GUARD;
	rc = iod_vfio_dirty_get(self->container_fd, self->target_iova,
				self->target_len, self->pgsize, bm,
				sizeof(bm[0]));
	ASSERT_EQ(0, rc) TH_LOG("GET_BITMAP: %s", iod_errno_name(-rc));
	ASSERT_EQ(want, bm[0])
		TH_LOG("GET_BITMAP reported 0x%llx, %s %s wants 0x%llx",
		       (unsigned long long)bm[0], self->key.dirty_report,
		       iod_rule(self->key.dirty_report, "unset"),
		       (unsigned long long)want);
	for (i = 1; i < BM_WORDS; i++)
		ASSERT_EQ(GUARD, bm[i])
			TH_LOG("GET_BITMAP wrote past its bitmap size (word %u)", i);
}

/* The migration capability is reported or not, as the profile says. */
TEST_F(legacy, migration_cap)
{
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	SKIP_IF_UNSTATED(unstated_rule(self->key.migration_cap));
	ASSERT_TRUE(self->info.flags & VFIO_IOMMU_INFO_PGSIZES);
	if (iod_rule_is(self->key.migration_cap, "absent")) {
		ASSERT_FALSE(self->info.has_migration)
			TH_LOG("GET_INFO reports VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION; the profile says absent");
		return;
	}
	ASSERT_TRUE(self->info.has_migration)
		TH_LOG("GET_INFO has no VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION; the profile says reported");
	/* vfio_iommu_migration_build_caps(): only the smallest page size. */
	ASSERT_EQ(self->pgsize, self->info.mig_pgsize_bitmap);
	ASSERT_EQ(0, self->info.mig_flags);
	ASSERT_LE((uint64_t)DIV_ROUND_UP(NPAGES, 64) * 8,
		  self->info.mig_max_dirty_bitmap_size);
}

/*
 * START, GET_BITMAP, STOP; START and STOP twice are no-ops; GET after STOP
 * fails. Where the interface is not offered, every call fails alike.
 */
TEST_F(legacy, start_get_stop)
{
	uint64_t bm = 0;

	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	if (!start_as_profile_says(_metadata, self)) {
		IOD_ASSERT_ERR(self->dirty_want,
			       iod_vfio_dirty_get(self->container_fd,
						  self->target_iova,
						  self->target_len,
						  self->pgsize, &bm,
						  sizeof(bm)));
		IOD_ASSERT_ERR(self->dirty_want,
			       iod_vfio_dirty_stop(self->container_fd));
		return;
	}
	ASSERT_EQ(0, iod_vfio_dirty_start(self->container_fd));
	assert_report(_metadata, self, want_bits(self, NPAGES, 0));
	ASSERT_EQ(0, iod_vfio_dirty_stop(self->container_fd));
	ASSERT_EQ(0, iod_vfio_dirty_stop(self->container_fd));
	/* vfio_iommu_type1_dirty_pages(): GET_BITMAP needs tracking on. */
	IOD_ASSERT_ERR(EINVAL, iod_vfio_dirty_get(self->container_fd,
						  self->target_iova,
						  self->target_len,
						  self->pgsize, &bm,
						  sizeof(bm)));
}

/* GET_BITMAP before any START fails: there is nothing tracked. */
TEST_F(legacy, get_not_started)
{
	uint64_t bm = 0;

	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	IOD_ASSERT_ERR(self->dirty_want ? self->dirty_want : EINVAL,
		       iod_vfio_dirty_get(self->container_fd, self->target_iova,
					  self->target_len, self->pgsize, &bm,
					  sizeof(bm)));
	ASSERT_EQ(0, bm);
}

/* No device DMA at all: the report holds what the profile says. */
TEST_F(legacy, no_writes)
{
	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	if (!start_as_profile_says(_metadata, self))
		return;
	assert_report(_metadata, self, want_bits(self, NPAGES, 0));
	assert_target_data(_metadata, self);
}

/* The device only reads the target: nothing it did writes memory. */
TEST_F(legacy, device_reads)
{
	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	if (!start_as_profile_says(_metadata, self))
		return;
	assert_dev_read(_metadata, self, 0, 4095);
	if (_metadata->exit_code)
		return;
	assert_dev_read(_metadata, self, 9 * self->pgsize, 4095);
	if (_metadata->exit_code)
		return;
	assert_report(_metadata, self, want_bits(self, NPAGES, 0));
	assert_target_data(_metadata, self);
}

/*
 * Device writes to three pages (one DMA across a page boundary): the report
 * holds what the profile says, and memory holds the device's bytes.
 */
TEST_F(legacy, device_writes)
{
	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	start_as_profile_says(_metadata, self);
	assert_dev_write(_metadata, self, 1 * self->pgsize + 8, 512, 0x11);
	assert_dev_write(_metadata, self, 6 * self->pgsize - 100, 300, 0x22);
	assert_target_data(_metadata, self);
	if (self->dirty_want)
		return;
	assert_report(_metadata, self, want_bits(self, NPAGES, self->written));
}

/*
 * A second GET_BITMAP right after the first, then one after a new write:
 * type1 re-reports what the profile says each time.
 */
TEST_F(legacy, second_get)
{
	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	if (!start_as_profile_says(_metadata, self))
		return;
	assert_dev_write(_metadata, self, 3 * self->pgsize, 1024, 0x33);
	assert_report(_metadata, self, want_bits(self, NPAGES, self->written));
	self->written = 0;
	assert_report(_metadata, self, want_bits(self, NPAGES, 0));
	assert_dev_write(_metadata, self, 12 * self->pgsize + 2000, 64, 0x44);
	assert_report(_metadata, self, want_bits(self, NPAGES, self->written));
	assert_target_data(_metadata, self);
}

/* STOP forgets; a new START reports from then on. */
TEST_F(legacy, stop_restart)
{
	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	if (!start_as_profile_says(_metadata, self))
		return;
	assert_dev_write(_metadata, self, 2 * self->pgsize, 256, 0x55);
	ASSERT_EQ(0, iod_vfio_dirty_stop(self->container_fd));
	ASSERT_EQ(0, iod_vfio_dirty_start(self->container_fd));
	self->written = 0;
	assert_report(_metadata, self, want_bits(self, NPAGES, 0));
	assert_dev_write(_metadata, self, 7 * self->pgsize + 4000, 90, 0x66);
	assert_report(_metadata, self, want_bits(self, NPAGES, self->written));
	assert_target_data(_metadata, self);
}

/* A mapping made while tracking runs is tracked too. */
TEST_F(legacy, map_after_start)
{
	uint64_t iova, bm[2] = { 0, GUARD };
	uint64_t len, woff = 0, wlen = 100;
	uint8_t *mem, *shadow;
	int rc;

	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	if (!start_as_profile_says(_metadata, self))
		return;
	len = 4 * self->pgsize;
	mem = page_alloc(self->pgsize, len, CANARY);
	shadow = page_alloc(self->pgsize, len, CANARY);
	ASSERT_NE(NULL, mem);
	ASSERT_NE(NULL, shadow);
	ASSERT_EQ(0, iod_vfio_pick_iova(&self->info, len,
					self->stage_iova + self->pgsize + GAP,
					GAP, &iova));
	rc = iod_vfio_map_dma(self->container_fd, mem, iova, len);
	ASSERT_EQ(0, rc) TH_LOG("MAP_DMA while tracking: %s",
				iod_errno_name(-rc));
	woff = self->pgsize + 10;
	fit(self, &woff, &wlen);
	rc = dev_write_at(self, iova, mem, shadow, woff, wlen, 0x77);
	ASSERT_EQ(0, rc) TH_LOG("%s DMA: %s", self->g.device,
				iod_errno_name(-rc));
	assert_memory_holds(_metadata, mem, shadow, len);
	rc = iod_vfio_dirty_get(self->container_fd, iova, len, self->pgsize,
				bm, sizeof(bm[0]));
	ASSERT_EQ(0, rc) TH_LOG("GET_BITMAP: %s", iod_errno_name(-rc));
	ASSERT_EQ(want_bits(self, 4, 1ull << 1), bm[0]);
	ASSERT_EQ(GUARD, bm[1]);
	/* Unmap before the memory goes: the device could still reach it. */
	ASSERT_EQ(0, iod_vfio_unmap_dma(self->container_fd, iova, len, 0,
					NULL));
	free(mem);
	free(shadow);
}

/*
 * One GET_BITMAP over two mappings and the hole between them: each
 * mapping's bits as the profile says, the hole's bits stay clear.
 */
TEST_F(legacy, get_spans_mappings)
{
	uint64_t *bm, span, npages, nwords, bytes, i, stage_bit;
	int rc;

	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	if (!start_as_profile_says(_metadata, self))
		return;
	assert_dev_write(_metadata, self, 4 * self->pgsize, 128, 0x88);
	span = self->stage_iova + self->pgsize - self->target_iova;
	npages = span / self->pgsize;
	nwords = DIV_ROUND_UP(npages, 64);
	bytes = nwords * 8;
	bm = calloc(nwords + 1, 8);
	ASSERT_NE(NULL, bm);
	bm[nwords] = GUARD;
	rc = iod_vfio_dirty_get(self->container_fd, self->target_iova, span,
				self->pgsize, bm, bytes);
	ASSERT_EQ(0, rc) TH_LOG("GET_BITMAP over %llu pages: %s",
				(unsigned long long)npages,
				iod_errno_name(-rc));
	ASSERT_EQ(want_bits(self, NPAGES, self->written), bm[0]);
	stage_bit = npages - 1;
	for (i = NPAGES; i < npages; i++) {
		bool set = bm[i / 64] >> (i % 64) & 1;
		/* The device never touched the second mapping. */
		bool want = i == stage_bit &&
			    iod_rule_is(self->key.dirty_report, "all_pinned");

		ASSERT_EQ(want, set) TH_LOG("bit %llu (IOVA 0x%llx)",
			(unsigned long long)i,
			(unsigned long long)(self->target_iova +
					     i * self->pgsize));
	}
	ASSERT_EQ(GUARD, bm[nwords]);
	free(bm);
}

/*
 * Unmap with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP while tracking: the
 * outcome the profile states; on success the bitmap holds what a report
 * would and the mapping is gone; on failure the mapping is still there.
 */
TEST_F(legacy, unmap_dirty)
{
	uint64_t bm[2] = { 0, GUARD }, unmapped = 0;
	int rc;

	SKIP_IF_UNSTATED(unstated_report_key(self));
	SKIP_IF_UNSTATED(unstated_unmap_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	start_as_profile_says(_metadata, self);
	assert_dev_write(_metadata, self, 3 * self->pgsize + 100, 2000, 0x99);
	assert_dev_write(_metadata, self, 15 * self->pgsize, 4095, 0xaa);
	assert_target_data(_metadata, self);
	rc = iod_vfio_unmap_dma_dirty(self->container_fd, self->target_iova,
				      self->target_len, 0, self->pgsize, bm,
				      sizeof(bm[0]), &unmapped);
	if (self->unmap_want) {
		IOD_ASSERT_ERR(self->unmap_want, rc);
		ASSERT_EQ(0, bm[0]);
		ASSERT_EQ(0, iod_vfio_unmap_dma(self->container_fd,
						self->target_iova,
						self->target_len, 0,
						&unmapped));
		ASSERT_EQ(self->target_len, unmapped)
			TH_LOG("the failed unmap took part of the mapping");
		return;
	}
	ASSERT_EQ(0, rc) TH_LOG("UNMAP_DMA with GET_DIRTY_BITMAP: %s",
				iod_errno_name(-rc));
	ASSERT_NE(NULL, iod_rule(self->key.dirty_report, NULL))
		TH_LOG("profile %s does not state %s", profile_path(),
		       self->key.dirty_report);
	ASSERT_EQ(self->target_len, unmapped);
	ASSERT_EQ(want_bits(self, NPAGES, self->written), bm[0]);
	ASSERT_EQ(GUARD, bm[1]);
	/* Nothing is mapped there now: GET_BITMAP writes nothing. */
	if (!self->dirty_want) {
		bm[0] = GUARD;
		ASSERT_EQ(0, iod_vfio_dirty_get(self->container_fd,
						self->target_iova,
						self->target_len, self->pgsize,
						bm, sizeof(bm[0])));
		ASSERT_EQ(GUARD, bm[0]);
	}
	ASSERT_EQ(0, iod_vfio_unmap_dma(self->container_fd, self->target_iova,
					self->target_len, 0, &unmapped));
	ASSERT_EQ(0, unmapped);
}

/* Unmap asking for a bitmap before any START fails and unmaps nothing. */
TEST_F(legacy, unmap_dirty_not_started)
{
	uint64_t bm = 0, unmapped = 0;

	SKIP_IF_UNSTATED(unstated_unmap_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	/* vfio_dma_do_unmap(): a bitmap only while dirty tracking runs. */
	IOD_ASSERT_ERR(self->unmap_want ? self->unmap_want : EINVAL,
		       iod_vfio_unmap_dma_dirty(self->container_fd,
						self->target_iova,
						self->target_len, 0,
						self->pgsize, &bm, sizeof(bm),
						&unmapped));
	ASSERT_EQ(0, iod_vfio_unmap_dma(self->container_fd, self->target_iova,
					self->target_len, 0, &unmapped));
	ASSERT_EQ(self->target_len, unmapped);
}

/*
 * GET_BITMAP argument checks of vfio_iommu_type1_dirty_pages(): each bad
 * call fails with EINVAL (EFAULT for a bitmap it cannot write) and reports
 * nothing; a good call afterwards still reports as the profile says.
 */
TEST_F(legacy, get_bad_args)
{
	const uint64_t hdr = sizeof(struct vfio_iommu_type1_dirty_bitmap);
	uint64_t bm[2] = { 0, 0 }, max;
	struct vfio_iommu_type1_dirty_bitmap_get r;
	const struct {
		const char *what;
		uint64_t iova_off, size, pgsize, bytes;
		int64_t argsz;	/* 0: header + range */
		uint32_t flags;	/* 0: GET_BITMAP */
		bool null_data;
		int err;
	} c[] = {
		{ "bitmap one byte short", 0, 0, 0, 7, 0, 0, false, EINVAL },
		{ "bitmap of 0 bytes", 0, 0, 0, 0, 0, 0, false, EINVAL },
		{ "bitmap past max_dirty_bitmap_size", 0, 0, 0, 1, 0, 0,
		  false, EINVAL },
		{ "page size twice the smallest", 0, 0, 2, 8, 0, 0, false,
		  EINVAL },
		{ "iova not page aligned", 1, 0, 0, 8, 0, 0, false, EINVAL },
		{ "size not a page multiple", 0, 1, 0, 8, 0, 0, false, EINVAL },
		{ "range bisects the mapping", 0, 2, 0, 8, 0, 0, false,
		  EINVAL },
		{ "argsz without the range", 0, 0, 0, 8, -1, 0, false, EINVAL },
		{ "START and STOP together", 0, 0, 0, 8, 0,
		  VFIO_IOMMU_DIRTY_PAGES_FLAG_START |
		  VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP, false, EINVAL },
		{ "STOP and GET_BITMAP together", 0, 0, 0, 8, 0,
		  VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP |
		  VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP, false, EINVAL },
		{ "unknown flag", 0, 0, 0, 8, 0, 1u << 3, false, EINVAL },
		{ "bitmap at address 0", 0, 0, 0, 8, 0, 0, true, EFAULT },
	};
	unsigned int i;

	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	start_as_profile_says(_metadata, self);
	max = self->info.has_migration ? self->info.mig_max_dirty_bitmap_size :
		(1ull << 28);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		int rc, want = self->dirty_want ? self->dirty_want : c[i].err;

		memset(&r, 0, sizeof(r));
		r.iova = self->target_iova + (c[i].iova_off ?
					      self->pgsize / 2 : 0);
		r.size = self->target_len;
		if (c[i].size == 1)
			r.size -= self->pgsize / 2;
		else if (c[i].size == 2)
			r.size /= 2;
		r.bitmap.pgsize = self->pgsize << (c[i].pgsize == 2);
		r.bitmap.size = c[i].bytes == 1 ? max + 8 : c[i].bytes;
		r.bitmap.data = c[i].null_data ? NULL : (void *)bm;
		bm[0] = 0;
		rc = iod_vfio_dirty_get_raw(self->container_fd,
			c[i].argsz < 0 ? hdr : hdr + sizeof(r),
			c[i].flags ? c[i].flags :
				     VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
			&r);
		if (rc != -want)
			TH_LOG("%s: expected %s, got %s", c[i].what,
			       iod_errno_name(want), iod_errno_name(-rc));
		ASSERT_EQ(-want, rc);
		ASSERT_EQ(0, bm[0]) TH_LOG("%s wrote bits", c[i].what);
	}
	IOD_ASSERT_ERR(self->dirty_want ? self->dirty_want : EINVAL,
		       iod_vfio_dirty_pages(self->container_fd, 0));
	if (self->dirty_want)
		return;
	/* Still on, and bisecting calls took nothing from it. */
	assert_report(_metadata, self, want_bits(self, NPAGES, 0));
}

/*
 * Unmap-with-bitmap argument checks of vfio_iommu_type1_unmap_dma() and
 * vfio_dma_do_unmap(): each fails with EINVAL and unmaps nothing.
 */
TEST_F(legacy, unmap_bad_args)
{
	uint64_t bm[2] = { 0, 0 }, unmapped = 0;
	const struct {
		const char *what;
		uint64_t pgsize_shift, bytes;
		uint32_t extra;
		bool short_argsz;
	} c[] = {
		{ "bitmap one byte short", 0, 7, 0, false },
		{ "page size twice the smallest", 1, 8, 0, false },
		{ "with VFIO_DMA_UNMAP_FLAG_ALL", 0, 8,
		  VFIO_DMA_UNMAP_FLAG_ALL, false },
		{ "with VFIO_DMA_UNMAP_FLAG_VADDR", 0, 8,
		  VFIO_DMA_UNMAP_FLAG_VADDR, false },
		{ "argsz without the bitmap", 0, 8, 0, true },
	};
	unsigned int i;

	SKIP_IF_UNSTATED(unstated_report_key(self));
	SKIP_IF_UNSTATED(unstated_unmap_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1v2_IOMMU);
	start_as_profile_says(_metadata, self);
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		int rc, want = self->unmap_want ? self->unmap_want : EINVAL;

		bm[0] = 0;
		if (c[i].short_argsz)
			rc = iod_vfio_unmap_dma(self->container_fd,
				self->target_iova, self->target_len,
				VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
				&unmapped);
		else
			rc = iod_vfio_unmap_dma_dirty(self->container_fd,
				self->target_iova, self->target_len,
				c[i].extra, self->pgsize << c[i].pgsize_shift,
				bm, c[i].bytes, &unmapped);
		if (rc != -want)
			TH_LOG("%s: expected %s, got %s", c[i].what,
			       iod_errno_name(want), iod_errno_name(-rc));
		ASSERT_EQ(-want, rc);
		ASSERT_EQ(0, bm[0]) TH_LOG("%s wrote bits", c[i].what);
	}
	ASSERT_EQ(0, iod_vfio_unmap_dma(self->container_fd, self->target_iova,
					self->target_len, 0, &unmapped));
	ASSERT_EQ(self->target_len, unmapped)
		TH_LOG("a refused unmap took part of the mapping");
}

/*
 * The original type1 (v1) IOMMU: type1 refuses dirty tracking there
 * (vfio_iommu_type1_dirty_pages(): "if (!iommu->v2) return -EACCES").
 */
TEST_F(legacy, type1_v1)
{
	SKIP_IF_UNSTATED(unstated_report_key(self));
	SET_UP_IOMMU_OR_RETURN(VFIO_TYPE1_IOMMU);
	IOD_ASSERT_ERR(self->dirty_want ? self->dirty_want : EACCES,
		       iod_vfio_dirty_start(self->container_fd));
	assert_dev_write(_metadata, self, 5 * self->pgsize, 700, 0xbb);
	assert_target_data(_metadata, self);
}

IOD_HARNESS_MAIN
