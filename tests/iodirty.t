#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# bin/iodirty of an installed tree: every bad input is one "iodirty: error:"
# and "iodirty: next:" pair and its exit status (2 for a bad argument, 1 for
# a machine that is not ready); a filter that selects nothing is an error;
# run refuses a user that is not root. Then, as root, runs on a tree whose
# suite programs are stand-ins (kselftest-like sh scripts, no device): the
# results layout, the harness's own selection options (-r CASE) reaching the
# program, a silicon profile's all-SKIP run exiting 0 with the reasons in
# the summary, a failing case exiting 1.
#
#	IODIRTY_BUILD=build prove tests/iodirty.t
use strict;
use warnings;

use File::Path qw(make_path remove_tree);
use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use Test::More;

my $build = $ENV{IODIRTY_BUILD};
plan skip_all => 'IODIRTY_BUILD is not set' unless $build;
$build = File::Spec->rel2abs($build);
plan skip_all => "no $build/guest/suites.list: run make first"
	unless -f "$build/guest/suites.list";

my $top = File::Spec->catdir($FindBin::Bin, '..');
my $tmp = tempdir('iodirty-entry-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod(0755, $tmp);
my $tree = "$tmp/tree";
{
	local $ENV{IODIRTY_BUILD} = $build;
	system("'$top/runners/install' '$tree' v-test > /dev/null 2>&1") == 0
		or BAIL_OUT('runners/install failed');
}
my $iodirty = "$tree/bin/iodirty";

# Run CMD (a list); returns (exit status, stdout, stderr).
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

# One bad input: its exit status, one error/next pair, the error's words.
sub bad
{
	my ($what, $rc_want, $re, @args) = @_;
	my ($rc, $out, $err) = run($iodirty, @args);
	is($rc, $rc_want, "$what: exit $rc_want");
	like($err, qr/\Aiodirty: error: [^\n]*$re[^\n]*\niodirty: next: [^\n]+\n\z/,
	     "$what: one error and what to do next");
	is($out, '', "$what: nothing on standard output");
}

bad('no command', 2, 'no command', ());
bad('unknown command', 2, "unknown command 'frobnicate'", 'frobnicate');
bad('unknown run option', 2, "unknown option '--frob'", 'run', '--frob', 'x');
bad('option without value', 2, "'--profile'", 'run', '--profile');
bad('unknown list option', 2, "unknown option '--profile' for list", 'list', '--profile', 'mock');
bad('unknown profile', 2, "unknown profile 'no-such'", 'run', '--profile', 'no-such');
my (undef, undef, $err) = run($iodirty, 'run', '--profile', 'no-such');
like($err, qr/next: pick one of: .*\bintel-vtd\b.*\bmock\b/, 'unknown profile: the profiles are listed');
bad('device without a name', 2, "is not NAME\@BDF", 'run', '--devices', '0000:01:00.0');
bad('short PCI address', 2, "'01:00.0' is not a PCI address", 'run', '--devices', 'nvme@01:00.0');
bad('upper-case PCI address', 2, 'is not a PCI address', 'run', '--devices', 'nvme@0000:0A:00.0');
bad('a device twice', 2, 'names 0000:01:00.0 twice', 'run', '--devices', 'nvme@0000:01:00.0,edu@0000:01:00.0');
bad('empty device list', 2, '--devices names no device', 'run', '--devices', '');
bad('bad device name', 2, "'n v' is not a device name", 'run', '--devices', 'n v@0000:01:00.0');
bad('scratch not among the devices', 2, 'is not one of --devices', 'run',
    '--devices', 'nvme@0000:01:00.0', '--scratch', 'nvme@0000:02:00.0');
bad('bad timeout', 2, "--timeout 'soon'", 'run', '--timeout', 'soon');
bad('bad seed', 2, "--seed '0x12'", 'run', '--seed', '0x12');
bad('bad engine', 2, "--engine 'a b'", 'run', '--engine', 'a b');
bad('case filter matching nothing (list)', 2, "--case 'no_such_fixture.\\*' matches nothing",
    'list', '--case', 'no_such_fixture.*');
bad('case filter matching nothing (run)', 2, "--case 'no_such_fixture.\\*' matches nothing",
    'run', '--profile', 'mock', '--case', 'no_such_fixture.*');
bad('unknown suite', 2, 'no program of .* matches --suite nosuite', 'list', '--suite', 'nosuite');
bad('unknown program', 2, 'matches --program nothere', 'run', '--program', 'nothere');
bad('version with an argument', 2, 'version takes no argument', 'version', 'x');

# Not root: refused before anything is touched, after the arguments.
SKIP: {
	skip('needs root to drop to another user', 3) unless $> == 0;
	my $setpriv = (grep { -x } map { "$_/setpriv" } split(/:/, $ENV{PATH}))[0];
	skip('setpriv is not installed', 3) unless $setpriv;
	my @nobody = ($setpriv, '--reuid=65534', '--regid=65534', '--clear-groups');
	my ($rc, $out, $e) = run(@nobody, $iodirty, 'run', '--profile', 'mock', '--out', "$tmp/nobody");
	is($rc, 1, 'not root: exit 1');
	like($e, qr/\Aiodirty: error: iodirty run needs root[^\n]*\niodirty: next: [^\n]+\n\z/,
	     'not root: one error and what to do next');
	ok(!-e "$tmp/nobody", 'not root: no results directory');
}

# ---- runs of stand-in programs -------------------------------------------

plan skip_all => 'the runs need root' unless $> == 0;
# The journal and lock of these runs: their own, not the machine's.
my $rundir = "$tmp/run-iodirty";
$ENV{IODIRTY_RUN_DIR} = $rundir;

# A stand-in suite program: lists its cases like the kselftest harness,
# runs the ones its -r options name (all without), logs its arguments.
# Each case prints what $ENV{FAKE_<CASE>} says: ok, fail or skip.
sub fake_program
{
	my ($dir, $fixture, @tests) = @_;
	make_path(File::Spec->catpath('', $dir =~ s|/[^/]+$||r, ''));
	open(my $fh, '>', $dir) or die "$dir: $!";
	my $list = join('', map { sprintf("%-20s %-25s %s\\n", $_ == 0 ? $fixture : '', '', $tests[$_]) } 0 .. $#tests);
	print $fh <<"EOF";
#!/bin/sh
echo "\$*" >> "\$FAKE_LOG"
case "\${1:-}" in
-l) printf '%-20s %-25s %s\\n' '# FIXTURE' VARIANT TEST >&2; printf '$list' >&2; exit 4 ;;
--engines) exit 0 ;;
esac
sel=""
while [ \$# -gt 0 ]; do
	[ "\$1" = -r ] && sel="\$sel \$2" && shift
	shift
done
[ -n "\$sel" ] || sel="@{[ join(' ', map { "$fixture.$_" } @tests) ]}"
set -- \$sel
echo "TAP version 13"
echo "1..\$#"
n=0 rc=0
for c in "\$@"; do
	n=\$((n + 1))
	v=\$(echo "\$c" | tr . _)
	eval "what=\\\${FAKE_\$v:-ok}"
	case \$what in
	ok) echo "ok \$n \$c" ;;
	skip) echo "ok \$n \$c # SKIP profile \$(basename "\$IODIRTY_PROFILE" .profile): dma.engine = none, no device named" ;;
	*) echo "# \$c: the kernel did not"; echo "not ok \$n \$c"; rc=1 ;;
	esac
done
exit \$rc
EOF
	close($fh) or die "$dir: $!";
	chmod(0755, $dir) or die "$dir: $!";
}

remove_tree("$tree/suites");
fake_program("$tree/suites/alpha/one", 'one', 'first', 'second', 'third');
fake_program("$tree/suites/beta/two", 'two', 'only');
$ENV{FAKE_LOG} = "$tmp/fake.log";

# The run directory of one iodirty run under OUT.
sub run_dir
{
	my ($out) = @_;
	my @d = glob("$out/*");
	return @d == 1 ? $d[0] : undef;
}

sub slurp
{
	my ($path) = @_;
	open(my $fh, '<', $path) or return '';
	local $/;
	return <$fh>;
}

is_deeply([split(/\n/, (run($iodirty, 'list'))[1])],
	  ['alpha/one:one.first', 'alpha/one:one.second', 'alpha/one:one.third', 'beta/two:two.only'],
	  'list: every case of the stand-ins');

# A green run: layout, summary, exit 0; one progress line per program.
my ($rc, $out, $e) = run($iodirty, 'run', '--profile', 'mock', '--out', "$tmp/green");
is($rc, 0, 'green run: exit 0') or diag($e);
my $run = run_dir("$tmp/green");
ok($run, 'green run: one directory under --out');
$run //= '/nonexistent';
ok(-f "$run/host/alpha/one.tap" && -f "$run/host/beta/two.tap", 'green run: host/SUITE/PROGRAM.tap');
is(slurp("$run/host/guest.status"), "done\n", 'green run: guest.status done');
is(slurp("$run/host/programs"), "alpha/one\nbeta/two\n", 'green run: the programs list');
ok(-s "$run/summary.txt" && -s "$run/results.json", 'green run: summary.txt and results.json');
unlike(slurp("$run/summary.txt"), qr/lab\/guest|FAIL/, 'green run: no failing lab/guest, no FAIL');
is($out, slurp("$run/summary.txt"), 'green run: the summary is printed');
is(scalar(() = $e =~ /^iodirty: \[\d+ s\] (alpha\/one|beta\/two): /mg), 2,
   'green run: one progress line per program');
if (opendir(my $dh, $rundir)) {
	my @left = grep { !/^\.\.?$/ } readdir($dh);
	is("@left", '', 'green run: no journal or lock left in IODIRTY_RUN_DIR');
	closedir($dh);
} else {
	fail("green run: IODIRTY_RUN_DIR $rundir was not made");
}

# Case filters become the harness's own options; a program with none
# selected does not run.
unlink("$tmp/fake.log");
($rc, $out, $e) = run($iodirty, 'run', '--profile', 'mock', '--case', 'one.[ft]*', '--out', "$tmp/filtered");
is($rc, 0, 'filtered run: exit 0') or diag($e);
my $log = slurp("$tmp/fake.log");
like($log, qr/^-r one\.first -r one\.third$/m, 'filtered run: the program gets -r for each selected case');
unlike($log, qr/^(-r two|)$/m, 'filtered run: a program with no selected case does not run');
$run = run_dir("$tmp/filtered") // '/nonexistent';
is(slurp("$run/host/programs"), "alpha/one\n", 'filtered run: only that program is reported');

# A silicon profile with no device named: every case SKIPs, with reasons.
{
	local $ENV{FAKE_one_first} = 'skip';
	local $ENV{FAKE_one_second} = 'skip';
	local $ENV{FAKE_one_third} = 'skip';
	local $ENV{FAKE_two_only} = 'skip';
	($rc, $out, $e) = run($iodirty, 'run', '--profile', 'intel-vtd', '--out', "$tmp/silicon");
}
is($rc, 0, 'silicon profile, no device: exit 0') or diag($e);
$run = run_dir("$tmp/silicon") // '/nonexistent';
like(slurp("$run/summary.txt"), qr/^host\s+0\s+0\s+4\s/m, 'silicon profile, no device: 4 skips, no pass or failure');
like($out, qr/SKIP profile intel-vtd: dma\.engine = none, no device named/,
     'silicon profile, no device: the summary gives the reason');

# One failing case: exit 1, named in the summary.
{
	local $ENV{FAKE_one_second} = 'fail';
	($rc, $out, $e) = run($iodirty, 'run', '--profile', 'mock', '--out', "$tmp/red");
}
is($rc, 1, 'failing case: exit 1');
like($out, qr/^host alpha\/one one\.second: FAIL one\.second: the kernel did not$/m, 'failing case: named with its reason');

# The probe and the binder speak for themselves: stand-ins of both, whose
# messages must reach the user with a non-zero exit.
sub put_tool
{
	my ($name, $body) = @_;
	open(my $fh, '>', "$tree/bin/$name") or die "$name: $!";
	print $fh "#!/bin/sh\n$body";
	close($fh) or die "$name: $!";
	chmod(0755, "$tree/bin/$name") or die "$name: $!";
}
rename("$tree/bin/iodirty-bind", "$tmp/iodirty-bind.real") or die "rename: $!";
put_tool('iodirty-probe', <<'EOF');
echo "probe $*" >> "$FAKE_LOG"
case "$*" in
"detect --profile-name") [ -n "${FAKE_PROFILE:-}" ] && { echo "$FAKE_PROFILE"; exit 0; }
	echo "iodirty: error: no profile for this IOMMU (stand-in)" >&2; exit 1 ;;
"doctor --devices nvme@0000:01:00.0 --only devices")
	echo "iodirty: error: 0000:01:00.0 shares IOMMU group 7 with 0000:01:00.1 (e1000e), not bound to vfio-pci" >&2
	echo "iodirty: next: name 0000:01:00.1 in --devices too, or pick a device alone in its group" >&2
	exit 1 ;;
esac
exit 0
EOF
put_tool('iodirty-bind', <<'EOF');
[ "$1" = restore ] && exit 0
echo "iodirty-bind: error: refusing 0000:02:00.0: nvme0n1p2 is mounted on / (stand-in)" >&2
exit 1
EOF
unlink("$tmp/fake.log");
($rc, $out, $e) = run($iodirty, 'detect', '--verbose');
is($rc, 0, 'detect: the probe\'s exit status');
like(slurp("$tmp/fake.log"), qr/^probe detect --verbose$/m, 'detect: iodirty-probe detect with the arguments');
($rc, $out, $e) = run($iodirty, 'doctor');
like(slurp("$tmp/fake.log"), qr/^probe doctor$/m, 'doctor: iodirty-probe doctor');
($rc, $out, $e) = run($iodirty, 'run', '--out', "$tmp/undetected");
is($rc, 1, 'auto profile, unknown hardware: exit 1');
like($e, qr/no profile for this IOMMU \(stand-in\).*\niodirty: error: no profile fits this machine[^\n]*\niodirty: next: /s,
     'auto profile, unknown hardware: the probe\'s reason, then one error');
ok(!-e "$tmp/undetected", 'auto profile, unknown hardware: nothing run');
{
	local $ENV{FAKE_PROFILE} = 'mock';
	($rc, $out, $e) = run($iodirty, 'run', '--out', "$tmp/detected");
}
is($rc, 0, 'auto profile: the detected one runs') or diag($e);
like($e, qr/^iodirty: profile mock \(detected\)$/m, 'auto profile: says which');
($rc, $out, $e) = run($iodirty, 'run', '--profile', 'mock', '--devices', 'nvme@0000:01:00.0', '--out', "$tmp/group");
is($rc, 1, 'device in a shared IOMMU group: exit 1');
like($e, qr/shares IOMMU group 7 .*\n.*\niodirty: error: the devices nvme\@0000:01:00.0 cannot be used/s,
     'device in a shared IOMMU group: the probe\'s reason reaches the user');
ok(!-e "$tmp/group", 'device in a shared IOMMU group: nothing run');
($rc, $out, $e) = run($iodirty, 'run', '--profile', 'mock', '--devices', 'nvme@0000:02:00.0', '--out', "$tmp/mounted");
is($rc, 1, 'mounted disk: exit 1');
like($e, qr/^iodirty: error: binding nvme \(0000:02:00\.0\) to vfio-pci failed: iodirty-bind: error: refusing 0000:02:00\.0: nvme0n1p2 is mounted on \/ \(stand-in\)\s*\niodirty: next: /m,
     'mounted disk: the binder\'s reason reaches the user');
like($out, qr/^host lab\/setup .*nvme0n1p2 is mounted on .*: FAIL$/m, 'mounted disk: a failing lab/setup in the summary');
unlink("$tree/bin/iodirty-probe", "$tree/bin/iodirty-bind");
rename("$tmp/iodirty-bind.real", "$tree/bin/iodirty-bind") or die "rename: $!";

# Only one run at a time: a live lock refuses the second.
mkdir("$rundir/lock");
open(my $lk, '>', "$rundir/lock/pid") or die $!;
print $lk "$$\n";
close($lk);
($rc, $out, $e) = run($iodirty, 'run', '--profile', 'mock', '--out', "$tmp/locked");
is($rc, 1, 'a second run: exit 1');
like($e, qr/another iodirty run \(pid $$\) is running/, 'a second run: says which run holds the lock');
ok(-d "$rundir/lock", 'a second run: leaves the first one\'s lock');
remove_tree("$rundir/lock");

done_testing();
