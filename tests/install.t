#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# The installable tree (make install) and its tarball (make dist): exactly
# the programs of build/guest/suites.list, static tools, the profiles, a
# VERSION; the tarball has one top directory, and bin/iodirty works from it
# (busybox sh too), wherever it is moved: `iodirty version`, `iodirty list`.
#
#	IODIRTY_BUILD=build prove tests/install.t
use strict;
use warnings;

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
my $install = "$top/runners/install";
my $tmp = tempdir('iodirty-install-XXXXXX', TMPDIR => 1, CLEANUP => 1);
local $ENV{IODIRTY_BUILD} = $build;

sub lines
{
	my ($cmd) = @_;
	my @l = map { chomp; $_ } `$cmd`;
	return @l;
}

sub files_under
{
	my ($dir) = @_;
	return sort(lines("cd '$dir' && find . -type f | sed 's|^\\./||'"));
}

# make install's tree.
my $tree = "$tmp/tree";
is(system($install, $tree, 'v-test') >> 8, 0, 'install lays out the tree');
my @want_suites = sort(map { s|^suites/||r } lines("cat '$build/guest/suites.list'"));
my @suites = sort(map { s|^suites/||r } grep { m|^suites/| } files_under($tree));
is_deeply(\@suites, \@want_suites, 'suites/ holds exactly build/guest/suites.list');
my @profiles = sort(grep { m|^profiles/| } files_under($tree));
my @want_profiles = sort(map { s|^.*/profiles/|profiles/|r } glob("$top/profiles/*.profile"));
is_deeply(\@profiles, \@want_profiles, 'profiles/ holds every profile');
my @tools = map { s|^.*/runners/(\w+)/main\.c$|bin/iodirty-$1|r } glob("$top/runners/*/main.c");
for my $f ('bin/iodirty', 'bin/run-programs', @tools) {
	ok(-x "$tree/$f", "$f is installed and executable");
}
for my $f (@tools, map { "suites/$_" } @want_suites) {
	my $interp = grep { /INTERP/ } lines("readelf -lW '$tree/$f' 2>&1");
	is($interp, 0, "$f is static");
}
is((lines("cat '$tree/VERSION'"))[0], 'v-test', 'VERSION holds the version');
is(join('', lines("'$tree/bin/iodirty' version")), 'iodirty v-test', 'iodirty version');

# A second install over the first leaves no program the build lost.
system("mkdir -p '$tree/suites/gone' && touch '$tree/suites/gone/old'");
system($install, $tree, 'v-test');
ok(!-e "$tree/suites/gone/old", 'a reinstall drops programs no longer built');

# make dist's tarball: one top directory named after it.
my $tarball = "$tmp/iodirty-v-test-x86_64.tar.gz";
is(system($install, '--tarball', $tarball, 'v-test') >> 8, 0, 'dist packs the tarball');
my @tops = sort(lines("tar tzf '$tarball' | cut -d/ -f1 | sort -u"));
is_deeply(\@tops, ['iodirty-v-test-x86_64'], 'one top directory, the tarball\'s name');
mkdir("$tmp/unpacked");
is(system('tar', '-C', "$tmp/unpacked", '-xzf', $tarball), 0, 'the tarball unpacks');
# Relocatable: moved after unpacking, run through a symlink.
rename("$tmp/unpacked/iodirty-v-test-x86_64", "$tmp/moved") or die "rename: $!";
symlink("$tmp/moved/bin/iodirty", "$tmp/iodirty-link") or die "symlink: $!";
my $unpacked = "$tmp/moved";
is_deeply([files_under($unpacked)], [files_under($tree)], 'the tarball holds the installed tree');
is(join('', lines("'$tmp/iodirty-link' version")), 'iodirty v-test', 'iodirty version through a symlink to a moved tree');

# iodirty list: every case of every program, SUITE/PROGRAM:CASE, unique.
my @ids = lines("'$unpacked/bin/iodirty' list");
my $expect = 0;
$expect += scalar(lines("'$unpacked/bin/iodirty-profile' cases '$unpacked/suites/$_'"))
	for @want_suites;
ok($expect > 0, "the programs run $expect cases");
is(scalar(@ids), $expect, 'iodirty list prints every case once');
is(scalar(grep { !m{^\w+/\w+:[\w.]+$} } @ids), 0, 'each id is SUITE/PROGRAM:CASE');
my %seen;
is(scalar(grep { $seen{$_}++ } @ids), 0, 'no id twice');
SKIP: {
	my $bb = (grep { -x } map { "$_/busybox" } split(/:/, $ENV{PATH}))[0] // '';
	chomp($bb);
	skip('busybox is not installed', 1) unless $bb;
	my @bb = lines("'$bb' sh '$unpacked/bin/iodirty' list");
	is_deeply(\@bb, \@ids, 'busybox sh lists the same cases');
}
my @state = lines("'$unpacked/bin/iodirty' list --suite dirty --program state --case '*.enable_again_wipes'");
ok(@state > 1 && !grep({ !m{^dirty/state:state\.[^.]+\.enable_again_wipes$} } @state),
   'filters narrow the list: ' . scalar(@state) . ' cases');

done_testing();
