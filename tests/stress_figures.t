#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# runners/lab/stress-figures: a soak's totals are the sum of every stress
# case's "# stress figures:" line, per flavour; a flavour with none reads 0.
use strict;
use warnings;

use File::Path qw(make_path);
use File::Temp qw(tempdir);
use FindBin;
use Test::More tests => 3;

my $tool = "$FindBin::Bin/../runners/lab/stress-figures";
my $run = tempdir('iodirty-figures-XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub tap
{
	my ($path, @lines) = @_;
	open(my $f, '>', $path) or die "$path: $!";
	print $f join("\n", @lines), "\n";
	close($f);
}

make_path("$run/mock/stress", "$run/intel/stress");
tap("$run/mock/stress/a.tap", 'TAP version 13', '1..2',
    '# stress figures: ops=10 harvests=2 bits=128 writes=5', 'ok 1 a.x',
    '# stress figures: ops=1 harvests=1 bits=64 writes=0', 'ok 2 a.y');
tap("$run/mock/stress/b.tap", '1..1',
    '# stress figures: ops=100 harvests=20 bits=1280 writes=50',
    '# progress: b: 3 rounds, 5 s left, ops=7 harvests=1 bits=64 writes=1',
    'ok 1 b.z');
tap("$run/intel/stress/a.tap", '1..1', 'ok 1 a.x # SKIP no');

my @out = `"$tool" "$run" mock intel`;
is($?, 0, 'exit status 0');
like($out[1], qr/^mock\s+3\s+111\s+23\s+1472\s+55\s*$/,
     'mock: 3 cases summed, progress lines not counted');
like($out[2], qr/^intel\s+0\s+0\s+0\s+0\s+0\s*$/, 'intel: no figures, zeros');
