#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# `iodirty-collect report` on a fake run with two flavours: "intel" comes
# from `iodirty-collect split`, "mock" is written by hand.
#
#	IODIRTY_COLLECT_BIN=build/bin/iodirty-collect prove tests/report.t
use strict;
use warnings;

use Encode qw(decode);
use File::Path qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use JSON::PP;
use Test::More;

my $bin = $ENV{IODIRTY_COLLECT_BIN};
plan skip_all => 'IODIRTY_COLLECT_BIN is not set' unless $bin;
$bin = File::Spec->rel2abs($bin);
plan skip_all => "$bin is not executable" unless -x $bin;

my $tmp = tempdir('iodirty-report-XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub put
{
	my ($path, $text) = @_;
	my (undef, $dir) = File::Spec->splitpath($path);
	make_path($dir);
	open(my $fh, '>', $path) or die "$path: $!";
	print $fh $text;
	close($fh) or die "$path: $!";
}

sub slurp
{
	my ($path) = @_;
	open(my $fh, '<', $path) or die "$path: $!";
	local $/;
	my $s = <$fh>;
	close($fh);
	return $s;
}

# Run the report; returns (exit status, stdout, stderr).
sub run_report
{
	my (@args) = @_;
	open(my $saved, '>&', \*STDERR) or die "dup stderr: $!";
	open(STDERR, '>', "$tmp/stderr") or die "$tmp/stderr: $!";
	my $ok = open(my $fh, '-|', $bin, 'report', @args);
	my $out = '';
	if ($ok) {
		local $/;
		$out = <$fh> // '';
		close($fh);
	}
	open(STDERR, '>&', $saved) or die "restore stderr: $!";
	die "$bin: $!" unless $ok;
	return ($? >> 8, $out, slurp("$tmp/stderr"));
}

my $run = "$tmp/run";

# --- intel: through the real split ------------------------------------------
put("$tmp/intel.stream", join('', map { "$_\r\n" }
	'@@iodirty flavour intel',
	'@@iodirty begin alloc/alloc_hw_info',
	'TAP version 13',
	'1..4',
	'# Starting 4 tests from 2 test cases.',
	'#  RUN           hw_info.basic ...',
	'#            OK  hw_info.basic',
	'ok 1 hw_info.basic',
	'ok 2 hw_info.short_size # SKIP needs a dirty-capable device',
	'ok 3 hwpt.virtio_aperture # XFAIL unfixed: explicit HWPT empties the aperture',
	'#  RUN           hwpt.bad_flags ...',
	'# alloc_hw_info.c:42:bad_flags:Expected 0 (0) == rc (-22)',
	'# bad_flags: Test terminated by assertion',
	'#          FAIL  hwpt.bad_flags',
	'not ok 4 hwpt.bad_flags',
	'# Totals: pass:1 fail:1 xfail:1 xpass:0 skip:1 error:0',
	'@@iodirty end alloc/alloc_hw_info rc=1',
	'@@iodirty begin dirty/read_clear',
	'TAP version 13',
	'1..2',
	'ok 1 read_clear.basic',
));
put("$tmp/intel.console", join('', map { "$_\n" }
	'[    0.500000] Linux version 6.12.0',
	'[    0.600000] WARNING: CPU: 0 PID: 1 at arch/x86/kernel/apic.c:1 setup+0x1/0x2',
	'[    0.600001] Call Trace:',
	'[    1.000000] iodirty: begin alloc/alloc_hw_info',
	'[    1.100000] DMAR: [DMA Write NO_PASID] Request device [00:03.0] fault addr 0x1000 [fault reason 0x05] PTE Write access is not set',
	'[    1.200000] iodirty: end alloc/alloc_hw_info rc=1',
	'[    2.000000] iodirty: begin dirty/read_clear',
	'[    2.100000] UBSAN: shift-out-of-bounds in drivers/iommu/iommufd/iova_bitmap.c:250:20',
	'[    2.100001] shift exponent 64 is too large for 64-bit type',
));
is(system($bin, 'split', '--stream', "$tmp/intel.stream",
	  '--console', "$tmp/intel.console", '--out', "$run/intel"), 0,
   'split intel');

# --- mock: written by hand --------------------------------------------------
put("$run/mock/programs", "alloc/alloc_hw_info\ndirty/read_clear\nmock/mock_only\ndirty/fixture_skip\nmock/text\n");
put("$run/mock/guest.status", "done\n");
put("$run/mock/alloc/alloc_hw_info.tap", <<'EOF');
TAP version 13
1..4
ok 1 hw_info.basic
ok 2 hw_info.short_size
ok 3 hwpt.virtio_aperture # XPASS unfixed: explicit HWPT empties the aperture
ok 4 hwpt.bad_flags
EOF
put("$run/mock/alloc/alloc_hw_info.status", "rc=0\n");
put("$run/mock/dirty/read_clear.tap", "TAP version 13\n1..2\nok 1 read_clear.basic\nok 2 read_clear.huge\n");
put("$run/mock/dirty/read_clear.status", "rc=124\n");
put("$run/mock/mock/mock_only.tap", "TAP version 13\n1..0 # SKIP no mock domain\n");
put("$run/mock/mock/mock_only.status", "rc=4\n");
put("$run/mock/dirty/fixture_skip.tap", "TAP version 13\n1..5\n" .
    join('', map { "ok $_ fs.v$_.case # SKIP cannot track\n" } 1 .. 5));
put("$run/mock/dirty/fixture_skip.status", "rc=4\n");
# TAP 13 text beyond ASCII, a byte that is no UTF-8, control characters
put("$run/mock/mock/text.tap", "TAP version 13\n1..2\n" .
    "ok 1 caf\xc3\xa9 \xe2\x98\xba\n# why: \xff\x01\t\"q\" \\\nnot ok 2 bad\n");
put("$run/mock/mock/text.status", "rc=1\n");
mkdir("$run/notes");	# no programs file: warned about, skipped

# --- the report -------------------------------------------------------------
my ($rc, $out, $err) = run_report($run);
is($rc, 0, 'report exits 0 although tests failed');
like($err, qr{notes has no programs file}, 'a directory without programs is named');
ok(-f "$run/summary.txt", 'summary.txt written');
my $summary = decode('UTF-8', slurp("$run/summary.txt"), Encode::FB_CROAK);
is(decode('UTF-8', $out), $summary, 'stdout is summary.txt');

like($summary, qr/^== alloc ==\nprogram\s+case\s+intel\s+mock\n/m, 'alloc table header');
like($summary, qr/^alloc_hw_info\s+hw_info\.basic\s+ok\s+ok$/m, 'pass on both');
like($summary, qr/^alloc_hw_info\s+hw_info\.short_size\s+SKIP\s+ok$/m, 'skip');
like($summary, qr/^alloc_hw_info\s+hwpt\.virtio_aperture\s+XFAIL\s+XPASS$/m, 'xfail, xpass');
like($summary, qr/^alloc_hw_info\s+hwpt\.bad_flags\s+FAIL\s+ok$/m, 'fail');
like($summary, qr/^read_clear\s+read_clear\.huge\s+-\s+ok$/m, 'not run on intel');
like($summary, qr/^read_clear\s+kernel sentinel\s+FAIL\s+-$/m, 'sentinel row');
like($summary, qr/^read_clear\s+program did not finish\s+FAIL\s+-$/m, 'incomplete row');
like($summary, qr/^read_clear\s+program timed out\s+-\s+FAIL$/m, 'timeout row');
like($summary, qr/^== mock ==\nprogram\s+case\s+intel\s+mock\nmock_only\s+\(all\)\s+-\s+SKIP$/m,
     'skipped program');
like($summary, qr/^boot\s+kernel sentinel\s+FAIL\s+-$/m, 'boot splat');

like($summary, qr/^intel\s+2\s+5\s+1\s+1\s+0\s+0\s+incomplete: dirty\/read_clear$/m, 'intel counts');
like($summary, qr/^mock\s+6\s+2\s+6\s+0\s+1\s+0\s+done$/m, 'mock counts');

for my $line (
	'intel alloc/alloc_hw_info hw_info.short_size: SKIP needs a dirty-capable device',
	'intel alloc/alloc_hw_info hwpt.virtio_aperture: XFAIL unfixed: explicit HWPT empties the aperture',
	'intel alloc/alloc_hw_info hwpt.bad_flags: FAIL alloc_hw_info.c:42:bad_flags:Expected 0 (0) == rc (-22); bad_flags: Test terminated by assertion',
	'intel dirty/read_clear kernel sentinel: FAIL UBSAN: shift-out-of-bounds in drivers/iommu/iommufd/iova_bitmap.c:250:20',
	'intel dirty/read_clear program did not finish: FAIL the guest died, hung or was killed',
	'intel lab/boot kernel sentinel: FAIL WARNING: CPU: 0 PID: 1 at arch/x86/kernel/apic.c:1 setup+0x1/0x2',
	'intel lab/guest guest finished: FAIL incomplete: dirty/read_clear',
	'mock alloc/alloc_hw_info hwpt.virtio_aperture: XPASS unfixed: explicit HWPT empties the aperture',
	'mock dirty/read_clear program timed out: FAIL rc=124',
	'mock mock/mock_only (all): SKIP no mock domain',
	'mock dirty/fixture_skip 5 cases (first fs.v1.case): SKIP cannot track',
) {
	like($summary, qr/^\Q$line\E$/m, "listed: $line");
}
unlike($summary, qr/hw_info\.basic:/, 'passes are not listed');
unlike($summary, qr/fs\.v2\.case:/, 'alike skips are one line');
unlike($summary, qr/DMAR/, 'the provoked DMA fault is no splat');

ok(-f "$run/results.json", 'results.json written');
my $raw = slurp("$run/results.json");
ok(defined(eval { decode('UTF-8', $raw, Encode::FB_CROAK | Encode::LEAVE_SRC) }),
   'results.json is valid UTF-8');
my $json = JSON::PP->new->utf8->canonical->pretty;
my $res = $json->decode($raw);
is($raw, $json->encode($res), 'results.json is laid out as JSON::PP canonical pretty');
is(ref($res), 'ARRAY', 'results.json is an array');
is(scalar(@$res), 24, 'one entry per test point, plus lab/guest');
is_deeply([sort keys %{$res->[0]}],
	  [qw(case flavour program reason status suite)], 'entry keys');
my %by = map { ("$_->{flavour} $_->{suite}/$_->{program} $_->{case}" => $_) } @$res;
is_deeply($by{'intel alloc/alloc_hw_info hw_info.short_size'},
	  { flavour => 'intel', suite => 'alloc', program => 'alloc_hw_info',
	    case => 'hw_info.short_size', status => 'skip',
	    reason => 'needs a dirty-capable device' }, 'skip entry');
is($by{'intel alloc/alloc_hw_info hwpt.virtio_aperture'}{status}, 'xfail', 'xfail entry');
is($by{'mock alloc/alloc_hw_info hwpt.virtio_aperture'}{status}, 'xpass', 'xpass entry');
is($by{'intel alloc/alloc_hw_info hwpt.bad_flags'}{status}, 'fail', 'fail entry');
is($by{'mock alloc/alloc_hw_info hw_info.basic'}{status}, 'pass', 'pass entry');
is($by{'mock alloc/alloc_hw_info hw_info.basic'}{reason}, '', 'pass has no reason');
is($by{'intel dirty/read_clear kernel sentinel'}{status}, 'fail', 'sentinel entry');
is($by{'intel lab/boot kernel sentinel'}{status}, 'fail', 'boot entry');
is($by{'mock mock/mock_only (all)'}{status}, 'skip', 'skip-all entry');
is_deeply([map { $_->{flavour} } @$res[0, -1]], ['intel', 'mock'], 'flavour order');
is($by{"mock mock/text caf\x{e9} \x{263a}"}{status}, 'pass', 'UTF-8 case kept');
is($by{'mock mock/text bad'}{reason}, "why: \x{fffd}\x{1} \"q\" \\",
   'reason: bad byte replaced, control characters escaped, whitespace one space');
like($summary, qr/^text\s+caf\x{e9} \x{263a}\s+-\s+ok$/m, 'summary is UTF-8, padded by characters')
	or diag($summary);

# --- errors -----------------------------------------------------------------
($rc, $out, $err) = run_report("$tmp/missing");
is($rc, 1, 'missing run dir: exit 1');
like($err, qr/^iodirty: error: .*missing: no such directory\niodirty: next: /,
     'missing run dir: message');
mkdir("$tmp/empty");
mkdir("$tmp/empty/intel");
($rc, $out, $err) = run_report("$tmp/empty");
is($rc, 1, 'no flavours: exit 1');
like($err, qr/^iodirty: error: .*no flavour directories.*\niodirty: next: /m,
     'no flavours: message');
($rc, $out, $err) = run_report();
is($rc, 2, 'no run dir given: usage, exit 2');

done_testing();
