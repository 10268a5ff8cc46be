#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# A suite program and the profile's kernel.min / kernel.max: a release
# outside them is refused with one error naming both releases and the
# override; IODIRTY_KERNEL_RELEASE, the override for backports, is never
# silent: the program's TAP says which release stands in for which.
# Runs no case (-t selects none), so it needs no IOMMU.
#
#	IODIRTY_SUITE_PROGRAMS=build/guest/suites prove tests/release_check.t
use strict;
use warnings;

use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use Test::More;

my $programs = $ENV{IODIRTY_SUITE_PROGRAMS};
plan skip_all => 'IODIRTY_SUITE_PROGRAMS is not set' unless $programs;
my $prog = "$programs/alloc/attach";
plan skip_all => "$prog is not executable" unless -x $prog;

my $tmp = tempdir('iodirty-release-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $src = File::Spec->catfile($FindBin::Bin, '..', 'profiles', 'mock.profile');

# profiles/mock.profile renamed, with kernel.max added.
sub profile
{
	my ($max) = @_;
	open(my $in, '<', $src) or die "$src: $!";
	my $path = "$tmp/bounded.profile";
	open(my $out, '>', $path) or die "$path: $!";
	while (<$in>) {
		s/^name = mock$/name = bounded/;
		print $out $_;
	}
	print $out "kernel.max = $max\n";
	close($out);
	close($in);
	return $path;
}

# Run the program for release REL; returns (exit status, stdout, stderr).
sub run_for
{
	my ($profile, $rel) = @_;
	local $ENV{IODIRTY_PROFILE} = $profile;
	local $ENV{IODIRTY_KERNEL_RELEASE} = $rel;
	system("'$prog' -t no_such_test >'$tmp/out' 2>'$tmp/err'");
	my $rc = $? >> 8;
	my @s;
	for my $f ("$tmp/out", "$tmp/err") {
		open(my $fh, '<', $f) or die "$f: $!";
		local $/;
		push @s, <$fh> // '';
		close($fh);
	}
	return ($rc, @s);
}

my $p = profile('6.12');
my ($rc, $out, $err) = run_for($p, '6.13.0-rc1');
is($rc, 1, 'a release newer than kernel.max is refused');
like($err, qr/error: kernel 6\.13\.0 \(IODIRTY_KERNEL_RELEASE; running \S+\) is newer than 6\.12, the newest release profile \S+ is known to hold for \(kernel\.max\)/,
     'the error names both releases and kernel.max');
like($err, qr/next: .*IODIRTY_KERNEL_RELEASE=/, 'the next step names the override');
is($out, '', 'nothing on standard output');

($rc, $out, $err) = run_for($p, '6.6.9');
is($rc, 1, 'a release older than kernel.min is refused');
like($err, qr/is older than 6\.7, the oldest release profile \S+ applies to \(kernel\.min\)/,
     'the error names kernel.min');

($rc, $out, $err) = run_for($p, '6.12.999');
isnt($rc, 1, 'a release of the MAJOR.MINOR kernel.max runs');
like($out, qr/\ATAP version 13\n# kernel release: IODIRTY_KERNEL_RELEASE=6\.12\.999 stands in for the running kernel \S+: the profile's kernel\.min, kernel\.max and ranged keys are judged for 6\.12\.999\n/,
     'the override is the first thing the TAP says');
unlike($out, qr/TAP version 13.*TAP version 13/s, 'one TAP header');

done_testing();
