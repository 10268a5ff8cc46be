#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# A case that fails an ASSERT still runs its FIXTURE_TEARDOWN in the
# programs this tree builds (the Makefile's HARNESS_OPT): without it, what a
# set-up changed on the machine would stay changed after a failure.
#
#	IODIRTY_BUILD=build prove tests/harness_teardown.t
use strict;
use warnings;

use Test::More;

my $build = $ENV{IODIRTY_BUILD};
plan skip_all => 'IODIRTY_BUILD is not set' unless $build;
my $probe = "$build/guest/tests/teardown_probe";
plan skip_all => "no $probe: run make unit" unless -x $probe;

my $out = `$probe 2>&1`;
my $rc = $? >> 8;
isnt($rc, 0, 'the probe fails: its first case fails on purpose');
like($out, qr/^not ok 1 probe\.assert_fails$/m, 'the failing case is reported');
like($out, qr/^ok 2 probe\.assert_passes$/m, 'the passing case is reported');
my @ran = ($out =~ /^# teardown ran after set_up = 1$/mg);
is(scalar(@ran), 2, 'the teardown ran for both cases, the failed one too')
	or diag($out);

done_testing();
