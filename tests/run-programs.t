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
