#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# `iodirty-collect compare` and `iodirty compare` on two small runs written
# here in the layout `make lab` leaves (RUN/results.json): what each class
# prints, the reasons, --flavour, --json (read back with JSON::PP) and the
# exit statuses, bad input included.
#
#	IODIRTY_COLLECT_BIN=build/bin/iodirty-collect prove tests/compare.t
use strict;
use warnings;

use File::Basename qw(dirname);
use File::Path qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use JSON::PP;
use Test::More;

my $bin = $ENV{IODIRTY_COLLECT_BIN};
plan skip_all => 'IODIRTY_COLLECT_BIN is not set' unless $bin;
$bin = File::Spec->rel2abs($bin);
plan skip_all => "$bin is not executable" unless -x $bin;
my $iodirty = File::Spec->catfile($FindBin::Bin, '..', 'runners', 'iodirty');

my $tmp = tempdir('iodirty-compare-XXXXXX', TMPDIR => 1, CLEANUP => 1);

# A run directory holding results.json with these records
# ([flavour, suite/program, case, status, reason]).
sub run_dir
{
	my ($name, @recs) = @_;
	my $dir = "$tmp/$name/20261201T000000Z";
	make_path($dir);
	my @json = map {
		my ($sp, $c) = ($_->[1], $_->[2]);
		my ($suite, $prog) = split(m{/}, $sp);
		{ flavour => $_->[0], suite => $suite, program => $prog,
		  case => $c, status => $_->[3], reason => $_->[4] }
	} @recs;
	open(my $fh, '>', "$dir/results.json") or die "$dir: $!";
	print $fh JSON::PP->new->canonical->pretty->encode(\@json);
	close($fh) or die "$dir: $!";
	return $dir;
}

# Run a command; returns (exit status, stdout, stderr).
sub run
{
	my (@cmd) = @_;
	my $q = join(' ', map { "'" . s/'/'\\''/gr . "'" } @cmd);
	my $out = `$q 2> '$tmp/stderr'`;
	my $rc = $? >> 8;
	open(my $fh, '<', "$tmp/stderr") or die "$tmp/stderr: $!";
	local $/;
	my $err = <$fh> // '';
	close($fh);
	return ($rc, $out, $err);
}

# Kernel A (the lab kernel) and kernel B (a build with one change).
my $a = run_dir('kernel-a',
	[ 'mock', 'dirty/harvest', 'harvest.len8k', 'pass', '' ],
	[ 'mock', 'dirty/harvest', 'harvest.len4k', 'pass', '' ],
	[ 'mock', 'dirty/state', 'state.clear', 'fail', 'bit 0x2000 reported but not written' ],
	[ 'mock', 'dirty/state', 'state.enable', 'pass', '' ],
	[ 'mock', 'dirty/huge', 'huge.thp', 'xfail', 'known bug: unfixed' ],
	[ 'mock', 'alloc/attach', 'attach.gone', 'pass', '' ],
	[ 'intel', 'alloc/attach', 'attach.bad_id', 'pass', '' ],
);
my $b = run_dir('kernel-b',
	[ 'mock', 'dirty/harvest', 'harvest.len8k', 'fail', "written but not reported: 0x1000..0x1fff" ],
	[ 'mock', 'dirty/harvest', 'harvest.len4k', 'skip', 'no THP on this kernel' ],
	[ 'mock', 'dirty/state', 'state.clear', 'pass', '' ],
	[ 'mock', 'dirty/state', 'state.enable', 'pass', '' ],
	[ 'mock', 'dirty/huge', 'huge.thp', 'pass', '' ],
	[ 'mock', 'dirty/huge', 'huge.new', 'pass', 'a new case' ],
	[ 'intel', 'alloc/attach', 'attach.bad_id', 'pass', '' ],
);

my ($rc, $out, $err) = run($bin, 'compare', $a, $b);
is($rc, 1, 'a regression: exit 1');
is($err, '', 'nothing on stderr');
is($out, <<"EOF_OUT", 'every class, grouped and counted, each with its reason');
compare: A = $a/results.json
         B = $b/results.json

new failures (1):
  mock/dirty/harvest:harvest.len8k: pass -> fail: written but not reported: 0x1000..0x1fff

new skips (1):
  mock/dirty/harvest:harvest.len4k: pass -> skip: no THP on this kernel

disappeared (1):
  mock/alloc/attach:attach.gone: pass -> absent

fixes (1):
  mock/dirty/state:state.clear: fail -> pass: bit 0x2000 reported but not written

other status changes (1):
  mock/dirty/huge:huge.thp: xfail -> pass: known bug: unfixed

appeared (1):
  mock/dirty/huge:huge.new: absent -> pass: a new case

REGRESSED: 1 new failures, 1 new skips, 1 disappeared; 1 fixes, 1 other changes, 1 appeared; 2 unchanged
EOF_OUT

($rc, $out, $err) = run($bin, 'compare', "$a/results.json", "$a/results.json");
is($rc, 0, 'a run against itself: exit 0');
like($out, qr/^no regression: 0 new failures, .* 7 unchanged$/m, 'nothing changed');

($rc, $out, $err) = run($bin, 'compare', "$a/", "$a");
like($out, qr/\Acompare: A = \Q$a\E\/results.json\n         B = \Q$a\E\/results.json\n/,
     'a directory given with a trailing / or without');

($rc, $out, $err) = run($bin, 'compare', $b, $a);
is($rc, 1, 'backwards: the fix is a new failure, exit 1');
like($out, qr/^  mock\/dirty\/state:state.clear: pass -> fail: bit 0x2000/m,
     'its reason is the failing side\'s');

# Fixes and other changes alone do not regress.
my $fixed = run_dir('fixed',
	[ 'mock', 'dirty/state', 'state.clear', 'pass', '' ],
	[ 'mock', 'dirty/huge', 'huge.thp', 'xfail', 'known bug: unfixed' ],
	[ 'mock', 'dirty/huge', 'huge.new', 'skip', 'no device' ]);
my $before = run_dir('before',
	[ 'mock', 'dirty/state', 'state.clear', 'fail', 'broken' ],
	[ 'mock', 'dirty/huge', 'huge.thp', 'fail', 'broken' ]);
($rc, $out) = run($bin, 'compare', $before, $fixed);
is($rc, 0, 'a fix, fail -> xfail and a case that appeared: exit 0');
like($out, qr/^no regression: 0 new failures, 0 new skips, 0 disappeared; 1 fixes, 1 other changes, 1 appeared; 0 unchanged$/m,
     'counted');

# Two machines: flavour mock of A is flavour host of B.
my $host = run_dir('host',
	[ 'host', 'dirty/harvest', 'harvest.len8k', 'pass', '' ],
	[ 'host', 'dirty/harvest', 'harvest.len4k', 'pass', '' ],
	[ 'host', 'dirty/state', 'state.clear', 'fail', 'still broken' ],
	[ 'host', 'dirty/state', 'state.enable', 'pass', '' ],
	[ 'host', 'dirty/huge', 'huge.thp', 'xfail', 'known bug: unfixed' ],
	[ 'host', 'alloc/attach', 'attach.gone', 'pass', '' ]);
($rc, $out) = run($bin, 'compare', '--flavour', 'mock=host', $a, $host);
is($rc, 0, '--flavour mock=host: the same cases, exit 0');
like($out, qr/; 6 unchanged$/m, 'every mock case compared with its host case, intel left out');
($rc, $out) = run($bin, 'compare', $a, $host);
is($rc, 1, 'without --flavour the mock cases disappeared');

# --json, read back.
($rc, $out) = run($bin, 'compare', '--json', $a, $b);
is($rc, 1, '--json: exit 1 as the text');
my $d = eval { decode_json($out) };
ok($d, 'the JSON parses') or diag($out);
is($d->{regressed}, JSON::PP::true, 'regressed');
is_deeply($d->{counts}, { new_failure => 1, new_skip => 1, disappeared => 1,
			  fix => 1, other => 1, appeared => 1, unchanged => 2 },
	  'the counts');
is_deeply($d->{changes}[0], {
	class => 'new_failure', flavour_a => 'mock', flavour_b => 'mock',
	suite => 'dirty', program => 'harvest', case => 'harvest.len8k',
	status_a => 'pass', status_b => 'fail',
	reason => 'written but not reported: 0x1000..0x1fff' }, 'a change');
is_deeply([ map { $_->{class} } @{$d->{changes}} ],
	  [ qw(new_failure new_skip disappeared fix other appeared) ], 'the classes, in order');

# Bad input: exit 2, an error and what to do next.
sub bad
{
	my ($what, $re, @args) = @_;
	my ($rc, $out, $err) = run($bin, 'compare', @args);
	is($rc, 2, "$what: exit 2");
	like($err, qr/\Aiodirty: error: [^\n]*$re/, "$what: the error says why");
	is($out, '', "$what: nothing on stdout");
}
make_path("$tmp/empty");
bad('no results.json', qr/cannot read \Q$tmp\E\/empty\/results.json: No such file/, "$tmp/empty", $a);
like((run($bin, 'compare', "$tmp/empty", $a))[2], qr/^iodirty: next: give a run directory/m, 'what to do next');
open(my $fh, '>', "$tmp/bad.json") or die;
print $fh "[\n {\"case\": \"c\", \"status\": \"pass\"\n";
close($fh);
bad('malformed results.json', qr/bad.json is not a results.json: line 3: expected ',' or '}'/, $a, "$tmp/bad.json");
bad('one run', qr/compare takes two runs/, $a);
bad('unknown option', qr/unknown or incomplete option '--frob'/, '--frob', $a, $b);
bad('--flavour without =', qr/--flavour takes A=B/, '--flavour', 'mock', $a, $b);
bad('--flavour naming a missing flavour', qr/RUN_B has no flavour 'amd'/, '--flavour', 'mock=amd', $a, $b);

# The entry point runs the same.
{
	local $ENV{PATH} = dirname($bin) . ":$ENV{PATH}";
	my ($rc2, $out2) = run($iodirty, 'compare', $a, $b);
	($rc, $out) = run($bin, 'compare', $a, $b);
	is($rc2, 1, 'iodirty compare: exit 1');
	is($out2, $out, 'iodirty compare prints what iodirty-collect compare prints');
	($rc2, undef, $err) = run($iodirty, 'compare', "$tmp/empty", $b);
	is($rc2, 2, 'iodirty compare: bad input exit 2');
	my ($hrc, $help) = run($iodirty, 'help');
	like($help, qr/^  compare \[--flavour A=B\]\.\.\. \[--json\] RUN_A RUN_B$/m, 'in iodirty help');
}

done_testing();
