// SPDX-License-Identifier: GPL-2.0
/* The dirty-tracking test bench. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness/dirty.h"
#include "harness/env.h"
#include "harness/guard_pages.h"
#include "harness/hugepages.h"
#include "harness/rules.h"
#include "uapi/iommufd.h"
#include "util.h"

static uint64_t profile_uint(const char *key)
{
	return iod_profile_uint(iod_env.profile, key, 0);
}

uint64_t iod_base_leaf(void)
{
	uint64_t leaf = profile_uint("dirty.leaf");

	if (!leaf)
		leaf = profile_uint("iova.alignment");
	return leaf ? leaf : iod_host_page();
}

uint64_t iod_huge_leaf(void)
{
	return profile_uint("dirty.huge_leaf");
}

/* The dirty allocation must fail as the profile says; then it is a SKIP. */
static int not_capable(struct iod_dirty *d, char *why, size_t len)
{
	int want = iod_expect("alloc.dirty");
	int rc = iod_hwpt_alloc(d->t.fd, d->t.dev_id, d->t.ioas_id,
				IOMMU_HWPT_ALLOC_DIRTY_TRACKING, NULL);

	if (rc != -want) {
		snprintf(why, len,
			 "profile says alloc.dirty = %s, the kernel returned %s",
			 iod_errno_name(want), iod_errno_name(-rc));
		return -EPROTO;
	}
	snprintf(why, len,
		 "the profile says this IOMMU cannot track dirty pages (cap.dirty_tracking = %s); HWPT_ALLOC(DIRTY_TRACKING) failed with %s as it says",
		 iod_profile_enum(iod_env.profile, "cap.dirty_tracking"),
		 iod_errno_name(want));
	return -EOPNOTSUPP;
}

/*
 * IODIRTY_GUARD_PAGES=1 (set by the lab flavours whose emulated IOMMU can
 * send a DMA's first byte below the next IOVA page's physical page): every
 * page of the buffer gets a page of this program physically below it, see
 * harness/guard_pages.h.
 */
static bool guard_pages(void)
{
	const char *v = getenv("IODIRTY_GUARD_PAGES");

	return v && !strcmp(v, "1");
}

/*
 * The bench's memory: hugetlb pages of at least the huge leaf for a huge
 * bench (none reserved: a SKIP saying how to reserve them); else memory
 * that transparent huge pages may back, aligned to them, so that an IOMMU
 * mapping it with large leaves despite IOMMU_OPTION_HUGE_PAGES=0 is seen.
 */
static int map_memory(struct iod_dirty *d, const struct iod_dirty_opts *o,
		      char *why, size_t len)
{
	uint64_t unit = iod_max_u64(d->leaf, iod_host_page());
	uint64_t huge = iod_huge_leaf() ? iod_huge_leaf() : 1;
	uint64_t want = o->buf_len ? o->buf_len :
			o->leaves * (o->huge ? huge : d->leaf);
	int rc;

	if (o->huge)
		return iod_hugetlb_map(huge, want, &d->buf, &d->len, why, len);
	d->len = DIV_ROUND_UP(want, unit) * unit;
	if (guard_pages()) {
		rc = iod_guarded_map(d->len, &d->buf, &d->guards,
				     &d->guards_len);
		if (rc)
			snprintf(why, len, "IODIRTY_GUARD_PAGES=1: cannot map %llu bytes with guard pages: %s",
				 (unsigned long long)d->len, strerror(-rc));
	} else {
		rc = iod_thp_map(d->len, &d->buf);
		if (rc)
			snprintf(why, len, "cannot map %llu bytes: %s",
				 (unsigned long long)d->len, strerror(-rc));
	}
	if (rc)
		d->buf = NULL;
	return rc;
}

uint64_t iod_bench_align(const struct iod_dirty *d)
{
	return iod_max_u64(iod_max_u64(d->leaf, iod_huge_leaf()),
			   iod_max_u64(iod_thp_size(), iod_host_page()));
}

uint64_t iod_bench_iova_floor(const struct iod_dirty *d, uint64_t floor)
{
	return iod_max_u64(iod_max_u64(floor, d->iova + d->len),
			   d->engine.own_iova_end);
}

static int map_buffer(struct iod_dirty *d, const struct iod_dirty_opts *o,
		      char *why, size_t len)
{
	uint64_t align;
	int rc;

	rc = map_memory(d, o, why, len);
	if (rc)
		return rc;
	align = iod_bench_align(d);
	rc = iod_ioas_pick_iova(d->t.fd, d->t.ioas_id, d->len, 1ull << 24,
				align, &d->iova);
	if (!rc)
		rc = iod_space_map(&d->space, d->buf, d->len, d->iova);
	if (rc)
		snprintf(why, len, "cannot map %llu bytes into the IOAS: %s",
			 (unsigned long long)d->len, strerror(-rc));
	return rc;
}

/* The buffer, the footprint, the engine; then tracking on if asked. */
static int finish_setup(struct iod_dirty *d, const struct iod_dirty_opts *o,
			char *why, size_t len)
{
	const char *engine = iod_engine_name();
	int rc;

	rc = map_buffer(d, o, why, len);
	if (rc)
		return rc;
	rc = iod_fp_init(&d->fp, d->iova, d->len, d->leaf);
	if (rc) {
		snprintf(why, len, "footprint of %llu bytes at leaf %llu: %s",
			 (unsigned long long)d->len,
			 (unsigned long long)d->leaf, strerror(-rc));
		return rc;
	}
	iod_bench_mapped(d, &d->fp, d->iova, d->len);
	if (iod_engine_absent()) {
		snprintf(why, len,
			 "no DMA engine: the profile's dma.engine is none and the run names none (--engine NAME or IODIRTY_ENGINE=NAME with a device that can write)");
		return -EOPNOTSUPP;
	}
	rc = iod_engine_open(&d->engine, engine, &d->t, &d->space);
	if (rc) {
		snprintf(why, len, "cannot open DMA engine '%s': %s",
			 engine ? engine : "(none)",
			 rc == -ENOENT ? "no engine of that name" :
			 *d->engine.why ? d->engine.why : strerror(-rc));
		return rc;
	}
	if (d->tracking && o->enable) {
		rc = iod_bench_set_tracking(d, true);
		if (rc)
			snprintf(why, len, "SET_DIRTY_TRACKING(enable): %s",
				 strerror(-rc));
	}
	return rc;
}

/*
 * No dirty tracking here: attach the device to its IOAS (the kernel gives
 * it a plain, automatic HWPT) so the engine's DMA is still translated.
 */
static int setup_plain(struct iod_dirty *d, const struct iod_dirty_opts *o,
		       char *why, size_t len)
{
	int rc;

	d->base_leaf = iod_base_leaf();
	d->leaf = d->base_leaf;
	rc = iod_target_attach(&d->t, d->t.ioas_id);
	if (rc) {
		snprintf(why, len, "attach the device to its IOAS: %s",
			 strerror(-rc));
		return rc;
	}
	d->hwpt_id = d->t.pt_id;
	return finish_setup(d, o, why, len);
}

/*
 * A base-leaf bench (not huge, or huge with base_pages) sets
 * IOMMU_OPTION_HUGE_PAGES=0 on its IOAS before anything is mapped, so
 * iommufd maps every CPU page on its own (batch_iommu_map_small()) and the
 * IOMMU's leaves are base leaves whatever memory backs them. The kernel
 * must accept it: a failure fails the case. Skipped only where the device's
 * IOMMU cannot map a leaf larger than its base leaf, which is the mock
 * device created without MOCK_FLAGS_DEVICE_HUGE_IOVA (pgsize_bitmap =
 * MOCK_IO_PAGE_SIZE): there the option would only raise the IOAS
 * alignment to the host page, above the mock's half-page leaf, and change
 * the alignment rules the cases check.
 */
static int base_leaves(struct iod_dirty *d, const struct iod_dirty_opts *o,
		       char *why, size_t len)
{
	bool base = !o->huge || o->base_pages;
	bool large = !d->t.mock ||
		     (o->mock_flags | (o->huge ? MOCK_FLAGS_DEVICE_HUGE_IOVA : 0)) &
			     MOCK_FLAGS_DEVICE_HUGE_IOVA;
	int rc;

	if (!base || !large)
		return 0;
	rc = iod_bench_set_huge_pages(d, 0);
	if (rc)
		snprintf(why, len,
			 "IOMMU_OPTION_HUGE_PAGES=0 on a fresh IOAS (before any mapping) must succeed, the kernel returned %s",
			 iod_errno_name(-rc));
	return rc;
}

int iod_dirty_setup(struct iod_dirty *d, const struct iod_dirty_opts *o,
		    char *why, size_t len)
{
	struct iod_target_opts to = {
		.mock_flags = o->mock_flags, .account_mm = o->account_mm,
	};
	int rc;

	memset(d, 0, sizeof(*d));
	if (o->huge)
		to.mock_flags |= MOCK_FLAGS_DEVICE_HUGE_IOVA;
	rc = iod_target_open_opts(&d->t, &to, why, len);
	if (rc)
		return rc;
	iod_space_init(&d->space, d->t.fd, d->t.ioas_id);
	rc = base_leaves(d, o, why, len);
	if (rc)
		return rc;
	if (iod_expect("alloc.dirty")) {
		rc = not_capable(d, why, len);
		if (rc != -EOPNOTSUPP || !o->plain_if_incapable)
			return rc;
		return setup_plain(d, o, why, len);
	}

	d->base_leaf = profile_uint("dirty.leaf");
	d->huge = o->huge && !o->base_pages;
	d->leaf = d->huge ? profile_uint("dirty.huge_leaf") : d->base_leaf;
	if (!d->leaf) {
		snprintf(why, len, "profile %s must state dirty.leaf and dirty.huge_leaf for a dirty-capable IOMMU",
			 iod_profile_path(iod_env.profile));
		return -EINVAL;
	}
	rc = iod_hwpt_alloc(d->t.fd, d->t.dev_id, d->t.ioas_id,
			    IOMMU_HWPT_ALLOC_DIRTY_TRACKING, &d->hwpt_id);
	if (!rc)
		rc = iod_target_attach(&d->t, d->hwpt_id);
	if (rc) {
		snprintf(why, len, "dirty HWPT alloc/attach: %s", strerror(-rc));
		return rc;
	}
	d->tracking = true;
	return finish_setup(d, o, why, len);
}

void iod_dirty_teardown(struct iod_dirty *d)
{
	iod_engine_close(&d->engine);
	iod_target_close(&d->t);
	iod_fp_free(&d->fp);
	if (d->buf)
		munmap(d->buf, d->len);
	d->buf = NULL;
	if (d->guards)
		munmap(d->guards, d->guards_len);
	d->guards = NULL;
}

int iod_bench_write_via(struct iod_dirty *d, struct iod_engine *e,
			uint64_t off, uint64_t len, uint8_t seed,
			struct iod_fp *fp)
{
	return iod_engine_write(e, d->iova + off, len, seed, fp);
}

int iod_bench_write(struct iod_dirty *d, uint64_t off, uint64_t len,
		    uint8_t seed, struct iod_fp *fp)
{
	return iod_bench_write_via(d, &d->engine, off, len, seed, fp);
}

int iod_bench_write_cover(struct iod_dirty *d, uint64_t off, uint64_t len,
			  uint8_t seed, struct iod_fp *fp)
{
	return iod_engine_write_cover(&d->engine, d->iova + off, len, seed,
				      fp);
}

bool iod_bench_landed(struct iod_dirty *d, uint64_t off, uint64_t len,
		      uint8_t seed)
{
	return iod_engine_check(&d->engine, d->iova + off, len, seed);
}

int iod_bench_set_tracking(struct iod_dirty *d, bool on)
{
	int rc = iod_set_dirty_tracking(d->t.fd, d->hwpt_id, on);

	if (!rc && on)
		iod_fp_reset(&d->fp);
	return rc;
}

void iod_bench_mapped(struct iod_dirty *d, struct iod_fp *fp, uint64_t iova,
		      uint64_t len)
{
	if (d->tracking && iod_rule_is("dirty.new_mapping", "dirty"))
		iod_fp_write_within(fp, iova, len);
}

int iod_bench_map(struct iod_dirty *d, void *va, uint64_t len, uint64_t iova)
{
	int rc = iod_space_map(&d->space, va, len, iova);

	if (!rc)
		iod_bench_mapped(d, &d->fp, iova, len);
	return rc;
}

int iod_bench_destroy_hwpt(struct iod_dirty *d)
{
	return iod_destroy(d->t.fd, d->hwpt_id);
}

int iod_bench_set_huge_pages(struct iod_dirty *d, uint64_t on)
{
	return iod_option_set(d->t.fd, IOMMU_OPTION_HUGE_PAGES, d->t.ioas_id,
			      on);
}

int iod_bench_get_huge_pages(struct iod_dirty *d, uint64_t *on)
{
	return iod_option_get(d->t.fd, IOMMU_OPTION_HUGE_PAGES, d->t.ioas_id,
			      on);
}

int iod_bench_get_bitmap(struct iod_dirty *d, uint64_t iova, uint64_t len,
			 uint64_t page_size, void *data, uint32_t flags)
{
	return iod_get_dirty_bitmap(d->t.fd, d->hwpt_id, iova, len, page_size,
				    data, flags);
}
