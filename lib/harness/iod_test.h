/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Glue between the suites and the kernel's kselftest harness: the run's
 * environment (profile, device), expected outcomes from the profile, and
 * XFAIL for known kernel bugs named in the profile.
 *
 * A suite program includes this instead of kselftest_harness.h and ends with
 * IOD_HARNESS_MAIN.
 */
#ifndef IODIRTY_IOD_TEST_H
#define IODIRTY_IOD_TEST_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "harness/env.h"
#include "harness/kernel_caps.h"
#include "profile/profile.h"
#include "model/rand.h"
#include "harness/target.h"
#include "engine/engine.h"
#include "harness/dirty.h"
#include "harness/harvest.h"
#include "harness/kmsg.h"
#include "harness/rules.h"

/*
 * A case's time limit. The harness's 30 s catches a hang on native
 * hardware; the lab emulates its IOMMUs and devices (TCG), and the hosts
 * this runs on are shared and loaded, where a sound case can take several
 * times longer. 120 s keeps a slow case from turning into a failure and
 * still ends a hung one well inside the runner's program limit. A case
 * that needs more says so with TEST_F_TIMEOUT.
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

/* Fail unless rc is -e (or 0 for e == 0); log both errno names. */
#define IOD_ASSERT_ERR(e, rc) do { \
	int __want = -(e), __got = (rc); \
	if (__want != __got) \
		TH_LOG("expected %s, the kernel returned %s", \
		       iod_errno_name(e), iod_errno_name(-__got)); \
	ASSERT_EQ(__want, __got); \
} while (0)

/* Fail unless rc is the outcome the profile states for `key`. */
#define IOD_ASSERT_OUTCOME(key, rc) do { \
	int __e = iod_expect(key); \
	int __got2 = (rc); \
	if (-__e != __got2) \
		TH_LOG("profile %s says %s = %s, the kernel returned %s", \
		       iod_profile_path(iod_env.profile), key, \
		       iod_errno_name(__e), iod_errno_name(-__got2)); \
	ASSERT_EQ(-__e, __got2); \
} while (0)

/*
 * Report the case as an expected failure (a known kernel bug) and run
 * statement (usually "return"). Reported as "ok N name # XFAIL reason".
 */
#define IOD_XFAIL(statement, fmt, ...) do { \
	snprintf(_metadata->results->reason, \
		 sizeof(_metadata->results->reason), fmt, ##__VA_ARGS__); \
	_metadata->exit_code = KSFT_XFAIL; \
	_metadata->trigger = 0; \
	statement; \
} while (0)

/*
 * The running case's id as the harness names it in TAP and results.json:
 * "fixture.variant.test", or "fixture.test" for a fixture without
 * variants. In a TEST_F body, `variant` is the variant's data: its entry in
 * the fixture's variant list gives the name.
 */
static inline const char *iod_case_id(char *id, size_t len,
				      const struct __test_metadata *m,
				      const void *variant_data)
{
	const struct __fixture_variant_metadata *v;
	const char *vname = "";

	for (v = m->fixture->variant; v; v = v->next)
		if (v->data == variant_data) {
			vname = v->name;
			break;
		}
	snprintf(id, len, "%s%s%s.%s", m->fixture->name, *vname ? "." : "",
		 vname, m->name);
	return id;
}

/*
 * The profile entry (prefix "known_bug." or "lab_defect.") for a case: the
 * one for its id, else the one for "fixture.test", which stands for the
 * test in every variant. In a program that runs once per engine, an entry
 * keyed to the run's device ("<id>.<device>", "fixture.test.<device>")
 * comes first. The key matched goes to @key.
 */
static inline const char *iod_case_entry(const char *(*get)(
						const struct iod_profile *,
						const char *),
					 const struct __test_metadata *m,
					 const void *variant_data,
					 char *key, size_t len)
{
	const char *dev = iod_engine_device();
	const char *e;
	size_t n;
	int pass;

	for (pass = dev ? 0 : 1; pass < 2; pass++) {
		iod_case_id(key, len, m, variant_data);
		n = strlen(key);
		if (!pass)
			snprintf(key + n, len - n, ".%s", dev);
		e = get(iod_env.profile, key);
		if (e)
			return e;
		n = snprintf(key, len, "%s.%s", m->fixture->name, m->name);
		if (!pass && n < len)
			snprintf(key + n, len - n, ".%s", dev);
		e = get(iod_env.profile, key);
		if (e)
			return e;
	}
	return NULL;
}

/*
 * In a TEST_F body: when `misbehaved` is true and the profile names a
 * known kernel bug for the running case (known_bug.<case id>, or
 * known_bug.<fixture>.<test> for every variant), end the case as XFAIL
 * naming the bug (the fixing commit, or "unfixed"). Otherwise fall through
 * to the case's own assertions, so a fixed kernel passes and an unexpected
 * failure still fails.
 */
#define IOD_XFAIL_IF_KNOWN_BUG(misbehaved) do { \
	char __key[256]; \
	const char *__bug = iod_case_entry(iod_profile_known_bug, _metadata, \
					   variant, __key, sizeof(__key)); \
	if ((misbehaved) && __bug) \
		IOD_XFAIL(return, "known kernel bug (%s): %s", __key, __bug); \
} while (0)

/*
 * The same for a defect of the emulated hardware a lab flavour runs on (the
 * profile's lab_defect.<case id>): XFAIL naming it, never a PASS.
 */
#define IOD_XFAIL_IF_LAB_DEFECT(misbehaved) do { \
	char __key[256]; \
	const char *__d = iod_case_entry(iod_profile_lab_defect, _metadata, \
					 variant, __key, sizeof(__key)); \
	if ((misbehaved) && __d) \
		IOD_XFAIL(return, "emulated hardware defect (%s): %s", __key, \
			  __d); \
} while (0)

/* In a fixture set-up: open the environment's target, or fail saying why. */
#define IOD_TARGET_OPEN(t) do { \
	char __why[256] = ""; \
	ASSERT_EQ(0, iod_target_open((t), 0, __why, sizeof(__why))) \
		TH_LOG("%s", __why); \
} while (0)

/* SKIP a case that needs a plain HWPT where the profile says none can be had. */
#define IOD_NEED_PLAIN_HWPT() do { \
	if (iod_expect("alloc.plain")) \
		SKIP(return, "the profile says plain HWPT allocation fails here (alloc.plain = %s)", \
		     iod_errno_name(iod_expect("alloc.plain"))); \
} while (0)

/* SKIP a case that needs profile rule `key` where the profile states none. */
#define IOD_NEED_RULE(key) do { \
	if (!iod_rule((key), NULL)) \
		SKIP(return, "profile %s does not state %s", \
		     iod_profile_path(iod_env.profile), (key)); \
} while (0)

/*
 * In a fixture set-up: build the dirty bench; SKIP where the profile says
 * the IOMMU cannot track (after checking the allocation fails as it says).
 */
#define IOD_DIRTY_SETUP(d, opts) do { \
	char __why[384] = ""; \
	int __rc = iod_dirty_setup((d), (opts), __why, sizeof(__why)); \
	if (__rc == -EOPNOTSUPP) \
		SKIP(return, "%s", __why); \
	ASSERT_EQ(0, __rc) TH_LOG("%s", __why); \
} while (0)

/*
 * Harvest as req says (IOD_HARVEST(), harness/harvest.h) into `into` (the
 * caller's bitmap, kept; NULL: a fresh one) and compare it with fp (NULL:
 * nothing written): every bit, stale bits, bits past the range, guards.
 */
#define IOD_ASSERT_HARVEST_INTO(d, fp, req, into) do { \
	const struct iod_harvest_req *__hr = (req); \
	char __rep[1024]; \
	int64_t __w = iod_harvest_compare((d), (fp), __hr, (into), __rep, \
					  sizeof(__rep)); \
	ASSERT_EQ(0, __w) TH_LOG("harvest [0x%llx, +0x%llx) at page size %llu%s, the bench buffer at 0x%llx: %s", \
				 (unsigned long long)__hr->iova, \
				 (unsigned long long)__hr->len, \
				 (unsigned long long)__hr->page_size, \
				 __hr->flags & IOD_NO_CLEAR ? \
				 " (NO_CLEAR)" : "", \
				 (unsigned long long)(d)->iova, __rep); \
} while (0)

/* The same into a fresh bitmap placed as req says. */
#define IOD_ASSERT_HARVEST_FP(d, fp, req) \
	IOD_ASSERT_HARVEST_INTO(d, fp, req, NULL)

/* Harvest the whole buffer at page_size: it must match the footprint. */
#define IOD_ASSERT_HARVEST(d, page_size, flags) \
	IOD_ASSERT_HARVEST_FP(d, &(d)->fp, \
			      IOD_HARVEST((d)->iova, (d)->len, (page_size), \
					  (flags)))

/*
 * The footprint holds writes, a clearing harvest of the whole buffer
 * reports exactly them, the footprint is emptied as the IOPTEs are, and
 * the next harvest is empty.
 */
#define IOD_ASSERT_HARVEST_CLEARS(d, page_size) do { \
	ASSERT_NE(0, iod_fp_count(&(d)->fp)); \
	IOD_ASSERT_HARVEST(d, page_size, 0); \
	iod_fp_reset(&(d)->fp); \
	IOD_ASSERT_HARVEST(d, page_size, 0); \
} while (0)

/*
 * The harvest matches the bench's footprint and sets `want` bits in its
 * range: a count the test works out on its own, so the footprint model is
 * checked as well as the kernel.
 */
#define IOD_ASSERT_HARVEST_BITS(d, req, want) do { \
	const struct iod_harvest_req *__br = (req); \
	struct iod_bitmap_buf __bb = { 0 }; \
	uint64_t __set; \
	IOD_ASSERT_HARVEST_INTO(d, &(d)->fp, __br, &__bb); \
	__set = iod_bitmap_buf_count(&__bb, 0, \
				     iod_range_bits(__br->len, \
						    __builtin_ctzll(__br->page_size))); \
	iod_bitmap_buf_free(&__bb); \
	ASSERT_EQ((uint64_t)(want), __set) \
		TH_LOG("[0x%llx, +0x%llx) at page size %llu: %llu bits set", \
		       (unsigned long long)__br->iova, \
		       (unsigned long long)__br->len, \
		       (unsigned long long)__br->page_size, \
		       (unsigned long long)__set); \
} while (0)

/* Bits one dirty leaf sets at page_size (the leaf is page aligned). */
static inline uint64_t iod_leaf_bits(uint64_t leaf, uint64_t page_size)
{
	return page_size <= leaf ? leaf / page_size : 1;
}

/*
 * One byte in the middle of the second huge leaf (`leaf` bytes, the
 * bench's buffer made of them) dirties all of it: at the base page that is
 * leaf / base leaf bits, at page_size its own count (NO_CLEAR harvests:
 * the footprint still holds the byte).
 */
#define IOD_ASSERT_ONE_BYTE_WHOLE_LEAF(d, leaf, page_size) do { \
	uint64_t __L = (leaf), __B = (d)->base_leaf; \
	IOD_ASSERT_WRITE(d, __L + __L / 2 + 3, 1, 1); \
	ASSERT_EQ(1, iod_fp_count(&(d)->fp)); \
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST((d)->iova, (d)->len, __B, \
					       IOD_NO_CLEAR), __L / __B); \
	IOD_ASSERT_HARVEST_BITS(d, IOD_HARVEST((d)->iova, (d)->len, \
					       (page_size), IOD_NO_CLEAR), \
				iod_leaf_bits(__L, (page_size))); \
} while (0)

/*
 * The harvest succeeds and leaves the guards untouched, whatever its bits:
 * for a case that judges them itself (a known bug sets bits the model
 * cannot). The bitmap is kept in b (placed as req says when b->data is
 * NULL; the caller frees it).
 */
#define IOD_ASSERT_HARVESTED(d, req, b) do { \
	char __rep[1024]; \
	int64_t __w = iod_harvest_compare((d), NULL, (req), (b), __rep, \
					  sizeof(__rep)); \
	ASSERT_LE(0, __w) TH_LOG("%s", __rep); \
	ASSERT_TRUE(iod_bitmap_buf_guards_ok((b), __rep, sizeof(__rep))) \
		TH_LOG("%s", __rep); \
} while (0)

/* SKIP a transfer of len bytes the engine leaves to a bulk engine. */
#define IOD_SKIP_IF_BULK(d, len) do { \
	uint64_t __cmax = (d)->engine.ops->case_max; \
	if (__cmax && (uint64_t)(len) > __cmax) \
		SKIP(return, "engine %s moves at most %llu MiB in one case (%llu bytes a command); %llu MiB is bulk work: run this case with a bulk engine (IODIRTY_ENGINE=nvme)", \
		     (d)->engine.ops->name, \
		     (unsigned long long)(__cmax >> 20), \
		     (unsigned long long)(d)->engine.ops->max_len, \
		     (unsigned long long)((uint64_t)(len) >> 20)); \
} while (0)

/*
 * The device writes [off, +len) of the buffer; the footprint records it. A
 * write the engine's alignment cannot make (NVMe moves whole logical
 * blocks) SKIPs the case, naming a byte-granular engine; so does one an
 * engine leaves to a bulk engine (IOD_SKIP_IF_BULK).
 */
#define IOD_ASSERT_WRITE(d, off, len, seed) do { \
	uint64_t __wia, __wla; \
	int __wrc; \
	IOD_SKIP_IF_BULK(d, len); \
	iod_engine_align(&(d)->engine, &__wia, &__wla); \
	if (((d)->iova + (off)) % __wia || (uint64_t)(len) % __wla) \
		SKIP(return, "engine %s cannot write %llu bytes at +0x%llx (it moves multiples of %llu bytes at %llu-byte aligned addresses): run this case with a byte-granular engine (IODIRTY_ENGINE=edu)", \
		     (d)->engine.ops->name, (unsigned long long)(len), \
		     (unsigned long long)(off), (unsigned long long)__wla, \
		     (unsigned long long)__wia); \
	__wrc = iod_bench_write((d), (off), (len), (uint8_t)(seed), \
				&(d)->fp); \
	ASSERT_EQ(0, __wrc) TH_LOG("device write of %llu bytes at +0x%llx: %s", \
				   (unsigned long long)(len), \
				   (unsigned long long)(off), \
				   iod_errno_name(-__wrc)); \
} while (0)

/*
 * The device reads [off, +len) of the bench, which must succeed. An engine
 * that cannot make its device read memory without writing its storage
 * (an NVMe controller without Compare, not named scratch) SKIPs the case.
 */
#define IOD_ASSERT_READ(d, off, len) do { \
	int __rrc; \
	IOD_SKIP_IF_BULK(d, len); \
	__rrc = iod_engine_read(&(d)->engine, (d)->iova + (off), (len)); \
	if (__rrc == -EOPNOTSUPP) \
		SKIP(return, "engine %s cannot make its device read memory without writing its storage (NVMe without Compare): name the controller scratch (IODIRTY_SCRATCH) to run this case", \
		     (d)->engine.ops->name); \
	ASSERT_EQ(0, __rrc) TH_LOG("device read of %llu bytes at +0x%llx: %s", \
				   (unsigned long long)(len), \
				   (unsigned long long)(off), \
				   iod_errno_name(-__rrc)); \
} while (0)

/* What the device wrote at [off, +len) with `seed` is in memory. */
#define IOD_ASSERT_LANDED(d, off, len, seed) \
	ASSERT_TRUE(iod_bench_landed((d), (off), (len), (uint8_t)(seed))) \
		TH_LOG("the device's data is not at +0x%llx (%llu bytes)", \
		       (unsigned long long)(off), (unsigned long long)(len))

/* SET_DIRTY_TRACKING succeeds; enabling empties the footprint with it. */
#define IOD_ASSERT_SET_TRACKING(d, on) do { \
	int __trc = iod_bench_set_tracking((d), (on)); \
	ASSERT_EQ(0, __trc) TH_LOG("SET_DIRTY_TRACKING(%s): %s", \
				   (on) ? "enable" : "disable", \
				   iod_errno_name(-__trc)); \
} while (0)

/*
 * Nothing alarming in the kernel log since kfd = iod_kmsg_open(): no
 * sanitizer report, no warning. Closes kfd.
 */
#define IOD_ASSERT_NO_SPLAT(kfd) do { \
	char __line[512] = ""; \
	bool __bad = iod_kmsg_splat((kfd), __line, sizeof(__line)); \
	if ((kfd) >= 0) \
		close(kfd); \
	ASSERT_FALSE(__bad) TH_LOG("the kernel logged: %s", __line); \
} while (0)

#define IOD_HARNESS_MAIN \
	int main(int argc, char **argv) \
	{ \
		iod_engine_take_arg(&argc, argv); \
		iod_seed_take_arg(&argc, argv); \
		iod_env_load(argc, argv); \
		if (!iod_env_listing(argc, argv)) \
			iod_env_tap_header(); \
		return test_harness_run(argc, argv); \
	}

#endif
