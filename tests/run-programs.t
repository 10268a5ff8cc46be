#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# runners/run-programs asks each program "--engines": one that lists engines
# runs once per engine as NAME@ENGINE with IODIRTY_ENGINE=ENGINE, in the
# order it lists them; any other runs once as NAME. --engine NAME (and
# IODIRTY_ENGINE) narrow the list to that engine, known or not. --scratch
# [NAME@]BDF,... reaches every program as IODIRTY_SCRATCH=BDF,... (empty
# without it). No devices are bound, so no privileges are needed.
#
# A stuck program never poisons the rest: with a fake iodirty-bind first in
# PATH (it journals, resets and checks nothing real, so no privileges are
# needed), a program killed by its timeout or one that leaves processes
# behind has its session killed and every device reset and checked before
# the next program; a device that fails is a failing lab/device-NAME frame
# and every remaining run a failing "not run" frame (exit 3), or, with
# --stop-on-unusable, the run stops there; --skip FILE leaves runs out.
# Both GNU timeout and busybox's (which kills the program only) are tried.
#
#	prove tests/run-programs.t
use strict;
use warnings;

use File::Path qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use Test::More;

my $runner = File::Spec->catfile($FindBin::Bin, '..', 'runners', 'run-programs');
my $tmp = tempdir('iodirty-run-programs-XXXXXX', TMPDIR => 1, CLEANUP => 1);
my $top = "$tmp/top/";

sub put_prog
{
	my ($name, $body) = @_;
	my $path = "$top$name";
	my (undef, $dir) = File::Spec->splitpath($path);
	make_path($dir);
	open(my $fh, '>', $path) or die "$path: $!";
	print $fh "#!/bin/sh\n$body";
	close($fh) or die "$path: $!";
	chmod(0755, $path) or die "$path: $!";
	return $path;
}

# Lists its engines like a program with IOD_RUNS_PER_ENGINE.
my $per = put_prog('dirty/e2e', <<'EOF');
if [ "${1:-}" = --engines ]; then
	if [ -n "${IODIRTY_ENGINE:-}" ]; then echo "$IODIRTY_ENGINE"; else echo mock; echo edu-poll; fi
	exit 0
fi
echo "1..1"
echo "ok 1 engine ${IODIRTY_ENGINE:-unset}"
EOF
# Answers "--engines" with nothing: runs once.
my $once = put_prog('dirty/writes', <<'EOF');
[ "${1:-}" = --engines ] && exit 0
echo "1..1"
echo "ok 1 engine ${IODIRTY_ENGINE:-unset}"
EOF
# Does not know "--engines" (prints and fails): runs once.
my $old = put_prog('bench/old', <<'EOF');
if [ "${1:-}" = --engines ]; then echo "usage: old"; exit 2; fi
echo "1..1"
echo "ok 1 engine ${IODIRTY_ENGINE:-unset}"
EOF

# The frames and each program's "ok" line, in order.
sub run_all
{
	my ($env, @opts) = @_;
	my $out = "$tmp/out";
	my $dir = $env->{TOP} // $top;
	unlink($out);
	local %ENV = %ENV;
	delete $ENV{IODIRTY_ENGINE};
	$ENV{$_} = $env->{$_} for grep { $_ ne 'TOP' } keys %$env;
	system($runner, '--state', "$tmp/state", '--out', $out, @opts, $dir,
	       $per, $once, $old) == 0 or return "run-programs failed: $?";
	open(my $fh, '<', $out) or return "no output: $!";
	my @lines = grep { /^(\@\@iodirty begin|ok )/ } <$fh>;
	close($fh);
	return join('', @lines);
}

is(run_all({}), <<'EOF', 'once per listed engine, in its order; others once');
@@iodirty begin dirty/e2e@mock
ok 1 engine mock
@@iodirty begin dirty/e2e@edu-poll
ok 1 engine edu-poll
@@iodirty begin dirty/writes
ok 1 engine unset
@@iodirty begin bench/old
ok 1 engine unset
EOF

is(run_all({}, '--engine', 'bogus'), <<'EOF', '--engine runs that engine only, even unknown');
@@iodirty begin dirty/e2e@bogus
ok 1 engine bogus
@@iodirty begin dirty/writes
ok 1 engine unset
@@iodirty begin bench/old
ok 1 engine unset
EOF

is(run_all({ IODIRTY_ENGINE => 'edu' }), <<'EOF', 'IODIRTY_ENGINE narrows and stays for the others');
@@iodirty begin dirty/e2e@edu
ok 1 engine edu
@@iodirty begin dirty/writes
ok 1 engine edu
@@iodirty begin bench/old
ok 1 engine edu
EOF

is(run_all({ TOP => "$tmp/top" }), run_all({}),
   'TOP without its trailing slash names the programs the same');

# The binder's messages go to a directory of the run's own, removed after.
make_path("$tmp/private");
run_all({ TMPDIR => "$tmp/private" });
opendir(my $dh, "$tmp/private") or die "$tmp/private: $!";
my @left = grep { !/^\.\.?$/ } readdir($dh);
closedir($dh);
is("@left", '', 'no temporary file is left behind');

# ---- a stuck program, with devices, through a fake binder ----

my $bin = "$tmp/bin";
make_path($bin);
my $log = "$tmp/bind.log";
open(my $bh, '>', "$bin/iodirty-bind") or die "$bin/iodirty-bind: $!";
print $bh <<'EOF';
#!/bin/sh
# A fake iodirty-bind: logs each call; a reset bumps the device's cdev
# number; FAKE_RESET_FAIL / FAKE_CHECK_FAIL name a BDF that fails.
cmd=$1; shift
state="" bdf=""
while [ $# -gt 0 ]; do
	case $1 in
	--state) state=$2; shift 2 ;;
	--allow) shift 2 ;;
	*) [ -n "$bdf" ] || bdf=$1; shift ;;
	esac
done
gen() { cat "$FAKE_DIR/gen.$bdf" 2>/dev/null || echo 0; }
echo "$cmd $bdf" >> "$FAKE_LOG"
case $cmd in
bind) echo "$bdf" >> "$state"; echo "/dev/vfio/devices/vfio-$bdf-$(gen)" ;;
cdev) echo "/dev/vfio/devices/vfio-$bdf-$(gen)" ;;
restore) rm -f "$state" ;;
reset)
	if [ "$bdf" = "${FAKE_RESET_FAIL:-}" ]; then
		echo "iodirty-bind: error: $bdf is still held open by 42 (stuck)" >&2
		exit 1
	fi
	echo $(($(gen) + 1)) > "$FAKE_DIR/gen.$bdf"
	echo "$bdf: reset by VFIO_DEVICE_RESET" ;;
check)
	if [ "$bdf" = "${FAKE_CHECK_FAIL:-}" ]; then
		echo "iodirty-bind: error: VFIO_DEVICE_BIND_IOMMUFD failed: Invalid argument" >&2
		exit 1
	fi
	echo "$bdf: bound to an iommufd and attached to a fresh IOAS" ;;
esac
exit 0
EOF
close($bh) or die;
chmod(0755, "$bin/iodirty-bind") or die;
# busybox timeout, as in the lab's guest: it kills the program only.
my $bb = "$tmp/busybox-bin";
make_path($bb);
my $busybox = -x '/bin/busybox' ? '/bin/busybox' : undef;
symlink($busybox, "$bb/timeout") if $busybox;

# Hangs, with a forked child in its session as the kselftest harness has.
my $hang = put_prog('lab/hang', <<'EOF');
[ "${1:-}" = --engines ] && exit 0
echo "1..1"
sleep 1000 &
echo $! > "$FAKE_DIR/hang.child"
sleep 1000
EOF
# Ends well, but leaves a child behind.
my $leaver = put_prog('lab/leaver', <<'EOF');
[ "${1:-}" = --engines ] && exit 0
sleep 1000 &
echo $! > "$FAKE_DIR/leaver.child"
echo "1..1"
echo "ok 1 left a child"
EOF
# Says which devices it was given.
my $after = put_prog('lab/after', <<'EOF');
[ "${1:-}" = --engines ] && exit 0
echo "1..1"
echo "ok 1 devices $IODIRTY_DEVICES cdev $IODIRTY_VFIO_CDEV"
EOF

my $devs = 'edu@0000:00:10.0,nvme@0000:00:11.0';

sub slurp
{
	open(my $fh, '<', $_[0]) or return '';
	local $/;
	my $t = <$fh>;
	close($fh);
	return $t // '';
}

# Run with the fake binder: (exit status, the frames' lines, the binder's
# calls other than cdev, the runner's stderr).
sub run_dev
{
	my ($env, $opts, @progs) = @_;
	my $out = "$tmp/dout";
	my $dir = "$tmp/fake";
	File::Path::remove_tree($dir);
	make_path($dir);
	unlink($out, $log, "$tmp/dstate");
	local %ENV = %ENV;
	delete $ENV{$_} for qw(IODIRTY_ENGINE IODIRTY_VFIO_CDEV FAKE_RESET_FAIL FAKE_CHECK_FAIL);
	$ENV{PATH} = ($env->{BUSYBOX} ? "$bb:" : '') . "$bin:$ENV{PATH}";
	$ENV{FAKE_LOG} = $log;
	$ENV{FAKE_DIR} = $dir;
	$ENV{$_} = $env->{$_} for grep { $_ ne 'BUSYBOX' } keys %$env;
	my $rc = system("$runner --devices $devs --state $tmp/dstate --timeout 2 --out $out @$opts $top @progs 2> $tmp/derr") >> 8;
	my $frames = join('', grep { /^(\@\@iodirty (begin|end)|ok |not ok )/ } split(/^/m, slurp($out)));
	my $calls = join('', grep { !/^cdev / } split(/^/m, slurp($log)));
	return ($rc, $frames, $calls, slurp("$tmp/derr"));
}

# Is the pid in FILE (a program's child) gone?
sub child_gone
{
	my ($file) = @_;
	my $pid = slurp($file);
	chomp($pid);
	return "no pid in $file" unless $pid;
	# Killed is gone, or a zombie its new parent has not reaped yet (on
	# a loaded machine that can take a moment).
	for (1 .. 50) {
		return 1 unless kill(0, $pid);
		my $stat = slurp("/proc/$pid/stat") // '';
		return 1 if $stat =~ /\) Z /;
		select(undef, undef, undef, 0.1);
	}
	return "pid $pid still runs";
}

for my $flavour ($busybox ? ('GNU', 'busybox') : ('GNU')) {
	my %bbenv = $flavour eq 'busybox' ? (BUSYBOX => 1) : ();
	my ($rc, $frames, $calls, $err) = run_dev({ %bbenv }, [], $hang, $after);
	is($rc, 0, "$flavour timeout: a hung program is killed and the run goes on") or diag($err);
	is($frames, <<'EOF', "$flavour timeout: the next program runs with the devices' new cdevs");
@@iodirty begin lab/hang
@@iodirty end lab/hang rc=137
@@iodirty begin lab/after
ok 1 devices edu=/dev/vfio/devices/vfio-0000:00:10.0-1 nvme=/dev/vfio/devices/vfio-0000:00:11.0-1 cdev /dev/vfio/devices/vfio-0000:00:10.0-1
@@iodirty end lab/after rc=0
EOF
	is($calls, <<'EOF', "$flavour timeout: every device reset and checked once, after the hang only");
bind 0000:00:10.0
bind 0000:00:11.0
reset 0000:00:10.0
check 0000:00:10.0
reset 0000:00:11.0
check 0000:00:11.0
restore 
EOF
	is(child_gone("$tmp/fake/hang.child"), 1, "$flavour timeout: the hung program's child is killed");
	like($err, qr/lab\/hang was ended by signal 9 \(rc=137\); edu: 0000:00:10.0: reset by VFIO_DEVICE_RESET and usable again/,
	     "$flavour timeout: the runner says what it did");

	($rc, $frames, $calls, $err) = run_dev({ %bbenv }, [], $once, $after);
	is($calls, "bind 0000:00:10.0\nbind 0000:00:11.0\nrestore \n",
	   "$flavour timeout: programs that end well reset nothing") or diag($err);
}

my ($rc, $frames, $calls, $err) = run_dev({}, [], $leaver, $after);
is($rc, 0, 'a program that leaves a child behind: the run goes on');
is(child_gone("$tmp/fake/leaver.child"), 1, 'the child it left is killed');
like($calls, qr/^reset 0000:00:10.0\ncheck 0000:00:10.0\n/m, 'and the devices are reset and checked');
like($err, qr/lab\/leaver left processes running: \d+\(sleep\)/, 'naming what it left');

($rc, $frames, $calls, $err) = run_dev({ FAKE_CHECK_FAIL => '0000:00:10.0' }, [], $hang, $after, $per);
is($rc, 3, 'a device that cannot be used again: exit 3');
is($frames, <<'EOF', 'its failing lab/device frame, then every remaining run failing as not run');
@@iodirty begin lab/hang
@@iodirty end lab/hang rc=137
@@iodirty begin lab/device-edu
not ok 1 device edu (0000:00:10.0) cannot be used again after lab/hang was ended by signal 9 (rc=137): 0000:00:10.0: reset by VFIO_DEVICE_RESET iodirty-bind: error: VFIO_DEVICE_BIND_IOMMUFD failed: Invalid argument 
@@iodirty end lab/device-edu rc=1
@@iodirty begin lab/after
not ok 1 not run: device edu (0000:00:10.0) cannot be used again since lab/hang was ended by signal 9 (rc=137)
@@iodirty end lab/after rc=1
@@iodirty begin dirty/e2e@mock
not ok 1 not run: device edu (0000:00:10.0) cannot be used again since lab/hang was ended by signal 9 (rc=137)
@@iodirty end dirty/e2e@mock rc=1
@@iodirty begin dirty/e2e@edu-poll
not ok 1 not run: device edu (0000:00:10.0) cannot be used again since lab/hang was ended by signal 9 (rc=137)
@@iodirty end dirty/e2e@edu-poll rc=1
EOF
like($calls, qr/^reset 0000:00:11.0\ncheck 0000:00:11.0\nrestore $/m,
     'the other device is still reset and checked, and all are restored');

($rc, $frames, $calls, $err) = run_dev({ FAKE_RESET_FAIL => '0000:00:11.0' },
				       ['--stop-on-unusable', '--frame-tag', '.boot1'], $hang, $after);
is($rc, 3, '--stop-on-unusable: exit 3');
is($frames, <<'EOF', '--stop-on-unusable: the tagged device frame, then nothing');
@@iodirty begin lab/hang
@@iodirty end lab/hang rc=137
@@iodirty begin lab/device-nvme.boot1
not ok 1 device nvme (0000:00:11.0) cannot be used again after lab/hang was ended by signal 9 (rc=137): iodirty-bind: error: 0000:00:11.0 is still held open by 42 (stuck) 
@@iodirty end lab/device-nvme.boot1 rc=1
EOF

open(my $sk, '>', "$tmp/skip") or die;
print $sk "lab/hang\ndirty/e2e\@mock\n";
close($sk);
($rc, $frames, $calls, $err) = run_dev({}, ['--skip', "$tmp/skip"], $hang, $per, $after);
is(join(' ', $frames =~ /^\@\@iodirty begin (\S+)$/mg), "dirty/e2e\@edu-poll lab/after",
   '--skip leaves the named runs out');

# --select gives a program the harness options its line names, and only
# that program; --scratch reaches every program as IODIRTY_SCRATCH=BDF,...
my $args = put_prog('alloc/args', <<'EOF');
[ "${1:-}" = --engines ] && exit 0
echo "1..1"
echo "ok 1 args [$*] scratch [${IODIRTY_SCRATCH-unset}]"
EOF
open(my $sel, '>', "$tmp/select") or die "$tmp/select: $!";
print $sel "$top" . "dirty/writes -r a.b -r c.d\n$args -r x.y.z\n";
close($sel) or die "$tmp/select: $!";
unlink("$tmp/out");
system($runner, '--state', "$tmp/state", '--out', "$tmp/out", '--select', "$tmp/select",
       '--scratch', 'nvme@0000:01:00.0,0000:02:00.0', $top, $args, $per) == 0
	or die "run-programs failed: $?";
open(my $fh, '<', "$tmp/out") or die "$tmp/out: $!";
my @got = grep { /^ok / } <$fh>;
close($fh);
is(join('', @got), <<'EOF', '--select options reach their program only; --scratch as BDFs');
ok 1 args [-r x.y.z] scratch [0000:01:00.0,0000:02:00.0]
ok 1 engine mock
ok 1 engine edu-poll
EOF
# --scratch names the devices whose storage may be written, as BDFs.
my $scr = put_prog('dirty/scratch', <<'EOF');
[ "${1:-}" = --engines ] && exit 0
echo "1..1"
echo "ok 1 scratch '${IODIRTY_SCRATCH-unset}'"
EOF
sub scratch_of
{
	my (@opts) = @_;
	my $out = "$tmp/out";
	unlink($out);
	local %ENV = %ENV;
	$ENV{IODIRTY_SCRATCH} = 'from-outside';
	system($runner, '--state', "$tmp/state", '--out', $out, @opts, $top,
	       $scr) == 0 or return "run-programs failed: $?";
	open(my $fh, '<', $out) or return "no output: $!";
	my ($line) = grep { /^ok / } <$fh>;
	close($fh);
	return $line // 'no ok line';
}
is(scratch_of('--scratch', 'nvme@0000:00:11.0,0000:00:12.0'),
   "ok 1 scratch '0000:00:11.0,0000:00:12.0'\n",
   '--scratch exports the BDFs it names');
is(scratch_of(), "ok 1 scratch ''\n",
   'without --scratch no device is scratch, whatever the caller had set');

done_testing();
