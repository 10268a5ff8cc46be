// SPDX-License-Identifier: GPL-2.0
/*
 * A fixture whose first case fails an ASSERT and whose teardown says that
 * it ran, built with the flags of the suite programs: a suite case that
 * fails must still restore what its set-up changed. Run by
 * tests/harness_teardown.t, which expects "not ok 1", "ok 2" and one
 * teardown line per case.
 */
#include <stdio.h>
#include <unistd.h>

#include "kselftest_harness.h"

FIXTURE(probe) {
	int set_up;
};

FIXTURE_SETUP(probe)
{
	self->set_up = 1;
}

FIXTURE_TEARDOWN(probe)
{
	printf("# teardown ran after set_up = %d\n", self->set_up);
	fflush(stdout);
}

TEST_F(probe, assert_fails)
{
	ASSERT_EQ(0, self->set_up);
}

TEST_F(probe, assert_passes)
{
	ASSERT_EQ(1, self->set_up);
}

TEST_HARNESS_MAIN
