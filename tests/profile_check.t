#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# `iodirty-profile check --programs DIR` over the built suite programs:
# every profile's known_bug.* and lab_defect.* keys name a case that
# exists, and a mistyped key is an error naming its file, line and the
# closest case id.
#
#	IODIRTY_PROFILE_BIN=build/bin/iodirty-profile \
#	IODIRTY_SUITE_PROGRAMS=build/guest/suites prove tests/profile_check.t
use strict;
use warnings;

use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use Test::More;

my $bin = $ENV{IODIRTY_PROFILE_BIN};
my $programs = $ENV{IODIRTY_SUITE_PROGRAMS};
plan skip_all => 'IODIRTY_PROFILE_BIN or IODIRTY_SUITE_PROGRAMS is not set'
	unless $bin && $programs;
plan skip_all => "$bin is not executable" unless -x $bin;

my $profiles = File::Spec->catdir($FindBin::Bin, '..', 'profiles');
my $tmp = tempdir('iodirty-profile-check-XXXXXX', TMPDIR => 1, CLEANUP => 1);

# Run the check; returns (exit status, stderr).
sub check
{
	my (@files) = @_;
	my $err = "$tmp/stderr";
	system("'$bin' check --programs '$programs' "
	       . join(' ', map { "'$_'" } @files) . " 2>'$err'");
	open(my $fh, '<', $err) or die "$err: $!";
	local $/;
	my $s = <$fh> // '';
	close($fh);
	return ($? >> 8, $s);
}

my @all = sort glob("$profiles/*.profile");
ok(@all > 0, 'profiles found');
for my $p (@all) {
	my ($rc, $err) = check($p);
	is($rc, 0, "every case key of $p names a case") or diag($err);
}

# A copy of mock.profile (same name, so it loads) with one key mistyped.
my $src = "$profiles/mock.profile";
open(my $in, '<', $src) or die "$src: $!";
my @lines = <$in>;
close($in);
my $good = 'known_bug.huge.mid_leaf_bits_stay_in_bitmap';
my ($at) = grep { $lines[$_] =~ /^\Q$good\E\s*=/ } 0 .. $#lines;
ok(defined $at, "$src has $good") or BAIL_OUT("no key to mistype");
$lines[$at] =~ s/mid_leaf_bits_stay/mid_leaf_bit_stay/;
mkdir("$tmp/typo") or die "$tmp/typo: $!";
my $typo = "$tmp/typo/mock.profile";
open(my $out, '>', $typo) or die "$typo: $!";
print $out @lines;
close($out) or die "$typo: $!";

my ($rc, $err) = check($typo);
is($rc, 1, 'a mistyped known_bug key fails the check');
my $line = $at + 1;
like($err, qr/\Q$typo:$line: known_bug.huge.mid_leaf_bit_stay_in_bitmap\E names no case/,
     'the error names the file, line and key');
like($err, qr/closest case id is huge\.mid_leaf_bits_stay_in_bitmap$/m,
     'the error names the closest case id');

# A key keyed to a device: valid for a program that runs once per engine
# and a device an engine drives, refused otherwise.
for my $case (['lab_defect.e2e.whole_pages_land.edu', 0, 'an e2e case keyed to edu'],
	      ['lab_defect.e2e.whole_pages_land.dsa', 1, 'an e2e case keyed to a device no engine drives'],
	      ['lab_defect.huge.mid_leaf_bits_stay_in_bitmap.edu', 1, 'a case of a program that runs once keyed to a device']) {
	my ($key, $want, $what) = @$case;
	my $dir = "$tmp/dev$want" . length($key);
	mkdir($dir) or die "$dir: $!";
	my $p = "$dir/mock.profile";
	open(my $o, '>', $p) or die "$p: $!";
	print $o grep { !/^(known_bug|lab_defect)\./ } @lines;
	print $o "$key = a defect for the check\n";
	close($o) or die "$p: $!";
	my ($r, $e) = check($p);
	is($r, $want, ($want ? 'refused: ' : 'accepted: ') . $what) or diag($e);
}

done_testing();
