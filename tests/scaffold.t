#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# runners/new in a scratch tree: a program with a unique fixture, a new
# suite, refusals (existing file, taken fixture, bad name), and a profile
# holding every required key of the schema.
#
#	IODIRTY_PROFILE_BIN=build/bin/iodirty-profile prove tests/scaffold.t
use strict;
use warnings;

use File::Path qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use Test::More;

my $new = File::Spec->catfile($FindBin::Bin, '..', 'runners', 'new');
my $tmp = tempdir('iodirty-new-XXXXXX', TMPDIR => 1, CLEANUP => 1);
make_path("$tmp/suites/alloc", "$tmp/profiles", "$tmp/build/bin");
$ENV{IODIRTY_TOP} = $tmp;
$ENV{IODIRTY_BUILD} = "$tmp/build";

sub run_new
{
	my $out = `$new @_ 2>&1`;
	return ($? >> 8, $out);
}

sub slurp
{
	open(my $f, '<', $_[0]) or return '';
	local $/;
	return <$f>;
}

my ($rc, $out) = run_new('program', 'alloc', 'probe');
is($rc, 0, 'program: exit 0') or diag($out);
my $src = slurp("$tmp/suites/alloc/probe.c");
like($src, qr/^FIXTURE\(probe\)/m, 'program: fixture named after the program');
like($src, qr/^#error /m, 'program: does not build until its case is written');
like($src, qr/IOD_HARNESS_MAIN/, 'program: ends with the harness main');

($rc, $out) = run_new('program', 'alloc', 'probe');
isnt($rc, 0, 'program: an existing file is refused');
like($out, qr/exists/, 'program: says the file exists');

make_path("$tmp/suites/other");
($rc, $out) = run_new('program', 'other', 'probe');
isnt($rc, 0, 'program: a fixture name taken by another program is refused');
ok(!-e "$tmp/suites/other/probe.c", 'program: nothing written when refused');

($rc, $out) = run_new('program', 'nosuch', 'x');
isnt($rc, 0, 'program: an unknown suite is refused');
like($out, qr/runners\/new suite/, 'program: says how to make the suite');

($rc, $out) = run_new('program', 'alloc', 'Bad-Name');
isnt($rc, 0, 'program: a name that is not an identifier is refused');

($rc, $out) = run_new('suite', 'fresh', 'first');
is($rc, 0, 'suite: exit 0') or diag($out);
ok(-f "$tmp/suites/fresh/first.c", 'suite: its first program is written');
($rc, $out) = run_new('suite', 'fresh', 'again');
isnt($rc, 0, 'suite: an existing suite is refused');

my $prof = $ENV{IODIRTY_PROFILE_BIN};
SKIP: {
	skip('IODIRTY_PROFILE_BIN is not set', 4) unless $prof && -x $prof;
	symlink(File::Spec->rel2abs($prof), "$tmp/build/bin/iodirty-profile")
		or die "symlink: $!";
	($rc, $out) = run_new('profile', 'demo-x');
	is($rc, 0, 'profile: exit 0') or diag($out);
	my $text = slurp("$tmp/profiles/demo-x.profile");
	like($text, qr/^name = demo-x$/m, 'profile: states its name');
	my @req = map { (split /\t/)[0] }
		  grep { (split /\t/)[2] eq 'required' } `$prof schema`;
	my @missing = grep { $_ ne 'name' && $text !~ /^#\Q$_\E = $/m } @req;
	is("@missing", '', 'profile: every required key is there to state');
	`$prof check $tmp/profiles/demo-x.profile 2>&1`;
	isnt($? >> 8, 0, 'profile: the check refuses it until the keys are stated');
}

done_testing();
