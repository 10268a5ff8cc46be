// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the case-id listing reader (runners/profile/cases.c): the
 * kselftest harness's `-l` columns, names longer than their column, fixtures
 * without variants or without tests, "fixture.test" for every variant, a
 * fixture defined by two programs, the closest id to a typo.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* kselftest_harness.h has unused parameters of its own. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#include <string.h>

#include "kselftest_harness.h"

#include "cases.h"

/* As the harness prints it ("%-20s %-25s %s"), long names included. */
static const char listing[] =
	"# FIXTURE            VARIANT                   TEST\n"
	"global                                         \n"
	"--------------------------------------------------------------------------------\n"
	"small_bitmap         d18411ec3057_off1_40bits  tail_reported\n"
	"                     4bbcbc6ea2fa_off2048_32768bits second_test\n"
	"                     b058ea3ab5af_first_page_end \n"
	"--------------------------------------------------------------------------------\n"
	"a_fixture_name_longer_than_20                           plain_test\n"
	"                                               other_test\n"
	"--------------------------------------------------------------------------------\n"
	"sub_byte                                       9560393b830b_one_to_eight_bits\n";

FIXTURE(cases) {
	struct iod_cases c;
	char err[256];
};

FIXTURE_SETUP(cases)
{
	memset(&self->c, 0, sizeof(self->c));
	ASSERT_EQ(0, iod_cases_parse_list(&self->c, "prog", listing,
					  self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
}

FIXTURE_TEARDOWN(cases)
{
	iod_cases_free(&self->c);
}

TEST_F(cases, every_variant_and_test)
{
	static const char *const ids[] = {
		"small_bitmap.d18411ec3057_off1_40bits.tail_reported",
		"small_bitmap.4bbcbc6ea2fa_off2048_32768bits.tail_reported",
		"small_bitmap.b058ea3ab5af_first_page_end.tail_reported",
		"small_bitmap.d18411ec3057_off1_40bits.second_test",
		"small_bitmap.4bbcbc6ea2fa_off2048_32768bits.second_test",
		"small_bitmap.b058ea3ab5af_first_page_end.second_test",
		"small_bitmap.tail_reported",
		"small_bitmap.second_test",
		"a_fixture_name_longer_than_20.plain_test",
		"a_fixture_name_longer_than_20.other_test",
		"sub_byte.9560393b830b_one_to_eight_bits",
	};
	unsigned int i;

	/* On a failure the harness prints the missing id. */
	for (i = 0; i < ARRAY_SIZE(ids); i++)
		EXPECT_STREQ(ids[i],
			     iod_cases_has(&self->c, ids[i]) ? ids[i] : "");
	EXPECT_EQ(ARRAY_SIZE(ids), self->c.n);
}

TEST_F(cases, no_other_ids)
{
	EXPECT_FALSE(iod_cases_has(&self->c, "global"));
	EXPECT_FALSE(iod_cases_has(&self->c, "small_bitmap"));
	EXPECT_FALSE(iod_cases_has(&self->c,
				   "small_bitmap.d18411ec3057_off1_40bits"));
	EXPECT_FALSE(iod_cases_has(&self->c, "sub_byte.tail_reported"));
	EXPECT_FALSE(iod_cases_has(&self->c, ""));
}

TEST_F(cases, closest_to_a_typo)
{
	EXPECT_STREQ("small_bitmap.d18411ec3057_off1_40bits.tail_reported",
		     iod_cases_closest(&self->c,
				       "small_bitmap.d18411ec3057_off1_40bit.tail_reported"));
	EXPECT_STREQ("sub_byte.9560393b830b_one_to_eight_bits",
		     iod_cases_closest(&self->c, "sub_bytes.9560393b830b"));
}

TEST_F(cases, fixture_of_two_programs)
{
	EXPECT_EQ(-1, iod_cases_parse_list(&self->c, "other", listing,
					   self->err, sizeof(self->err)));
	EXPECT_STREQ("fixture 'small_bitmap' is defined by both prog and other: its case ids are ambiguous",
		     self->err);
}

/* A program that runs once per engine: its ids keyed to each device. */
TEST_F(cases, keyed_to_devices)
{
	size_t n = self->c.n;

	ASSERT_EQ(0, iod_cases_add_devices(&self->c, n - 1, "edu\nnvme\n",
					   self->err, sizeof(self->err)));
	EXPECT_EQ(n + 2, self->c.n);
	EXPECT_TRUE(iod_cases_has(&self->c,
				  "sub_byte.9560393b830b_one_to_eight_bits.edu"));
	EXPECT_TRUE(iod_cases_has(&self->c,
				  "sub_byte.9560393b830b_one_to_eight_bits.nvme"));
	EXPECT_FALSE(iod_cases_has(&self->c,
				   "sub_byte.9560393b830b_one_to_eight_bits.dsa"));
	/* Only the ids from `from` on; nothing for an empty answer. */
	EXPECT_FALSE(iod_cases_has(&self->c, "small_bitmap.tail_reported.edu"));
	ASSERT_EQ(0, iod_cases_add_devices(&self->c, 0, "", self->err,
					   sizeof(self->err)));
	EXPECT_EQ(n + 2, self->c.n);
}

TEST(closest_of_nothing)
{
	struct iod_cases c = { 0 };

	EXPECT_EQ(NULL, iod_cases_closest(&c, "a.b"));
	EXPECT_FALSE(iod_cases_has(&c, "a.b"));
}

TEST_HARNESS_MAIN
