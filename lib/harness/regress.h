/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the regression programs (suites/dirty/regress_*.c) share: the one
 * declaration of each fix (commit, subject, release) and the macros that
 * name its variants and tests after the commit and log or SKIP with it,
 * and a one-byte device write.
 */
#ifndef IODIRTY_REGRESS_H
#define IODIRTY_REGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/dirty.h"
#include "model/footprint.h"
#include "util.h"

/* A kernel fix a regression case checks. */
struct iod_regression {
	const char *commit;	/* 12 hex digits, or "pending" */
	const char *subject;
	const char *release;	/* where the fix landed */
};

/*
 * Declare the fix of commit `c` (a bare token: f38044e5ef58, or pending)
 * once, as iod_regression_<c>.
 */
#define IOD_REGRESSION(c, subj, rel) \
	static const struct iod_regression iod_regression_##c = { \
		.commit = #c, .subject = subj, .release = rel, \
	}

/*
 * A variant of `fixture` checking the fix `c`, named <c>_<name>, with the
 * initializers that follow. The fixture's variant struct has
 * `const struct iod_regression *regression`.
 */
#define IOD_REGRESSION_VARIANT(fixture, c, name, ...) \
	FIXTURE_VARIANT_ADD(fixture, c##_##name) { \
		.regression = &iod_regression_##c, __VA_ARGS__ \
	}

/*
 * A test of a fixture whose variants name the fix (IOD_REGRESSION_VARIANT),
 * or, with IOD_REGRESSION_TEST_F_OF, a test named <c>_<name> of the fix
 * `c`. The body follows, like a TEST_F body, with `regression` the fix it
 * checks; the case logs "regression of <commit> <subject> (<release>)"
 * first.
 */
#define IOD_REGRESSION_TEST_F(fixture, name) \
	__IOD_REGRESSION_TEST_F(fixture, name, variant->regression)

#define IOD_REGRESSION_TEST_F_OF(fixture, c, name) \
	__IOD_REGRESSION_TEST_F(fixture, c##_##name, &iod_regression_##c)

#define __IOD_REGRESSION_TEST_F(fixture, name, fix) \
	static void fixture##_##name##_regression( \
		struct __test_metadata *_metadata, \
		FIXTURE_DATA(fixture) *self, \
		const FIXTURE_VARIANT(fixture) *variant, \
		const struct iod_regression *regression); \
	TEST_F(fixture, name) \
	{ \
		const struct iod_regression *__r = (fix); \
		TH_LOG("regression of %s %s (%s)", __r->commit, __r->subject, \
		       __r->release); \
		fixture##_##name##_regression(_metadata, self, variant, __r); \
	} \
	static void fixture##_##name##_regression( \
		struct __test_metadata *_metadata, \
		FIXTURE_DATA(fixture) __attribute__((unused)) *self, \
		const FIXTURE_VARIANT(fixture) __attribute__((unused)) *variant, \
		const struct iod_regression __attribute__((unused)) *regression)

/* In an IOD_REGRESSION_TEST_F body: SKIP naming the fix, then why. */
#define IOD_REGRESSION_SKIP(fmt, ...) \
	SKIP(return, "regression of %s %s: " fmt, regression->commit, \
	     regression->subject, ##__VA_ARGS__)

/* The device writes one byte at iova: its whole leaf becomes dirty. */
int iod_touch(struct iod_dirty *d, struct iod_fp *fp, uint64_t iova);

#endif
