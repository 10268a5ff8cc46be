#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# The iodirty-probe command line: what detect and doctor print and how they
# exit on fake machine trees (--root), and one clear error with its exit
# status for each bad input.
#
#	IODIRTY_PROBE_BIN=build/bin/iodirty-probe prove tests/probe.t
use strict;
use warnings;

use File::Path qw(make_path);
use File::Spec;
use File::Temp qw(tempdir);
use FindBin;
use Test::More;

my $bin = $ENV{IODIRTY_PROBE_BIN};
plan skip_all => 'IODIRTY_PROBE_BIN is not set' unless $bin;
plan skip_all => "$bin is not executable" unless -x $bin;

my $profiles = File::Spec->catdir($FindBin::Bin, '..', 'profiles');
my $tmp = tempdir('iodirty-probe-XXXXXX', TMPDIR => 1, CLEANUP => 1);

sub put
{
	my ($root, $rel, $text) = @_;
	my $path = "$root/$rel";
	(my $dir = $path) =~ s{/[^/]*$}{};
	make_path($dir);
	open(my $f, '>', $path) or die "$path: $!";
	print $f $text;
	close($f);
}

# Run the probe; returns (exit status, stdout, stderr).
sub probe
{
	my @args = @_;
	my $out = "$tmp/out";
	my $err = "$tmp/err";
	my $pid = fork() // die "fork: $!";
	if (!$pid) {
		open(STDOUT, '>', $out) or die;
		open(STDERR, '>', $err) or die;
		exec($bin, @args) or exit(127);
	}
	waitpid($pid, 0);
	my $rc = $? >> 8;
	local $/;
	open(my $o, '<', $out) or die;
	open(my $e, '<', $err) or die;
	return ($rc, scalar <$o>, scalar <$e>);
}

# The lab's intel machine: QEMU intel-iommu (ECAP read in the lab guest),
# no DMI, QEMU's host bridge, an NVMe controller whose namespace is mounted.
my $qemu = "$tmp/qemu";
put($qemu, 'proc/sys/kernel/osrelease', "6.12.117\n");
put($qemu, 'proc/cmdline', "intel_iommu=on,sm_on\n");
put($qemu, 'sys/class/iommu/dmar0/intel-iommu/cap', "d2008c22260286\n");
put($qemu, 'sys/class/iommu/dmar0/intel-iommu/ecap', "480080f00f4a\n");
put($qemu, 'sys/devices/pci0000:00/0000:00:00.0/subsystem_vendor', "0x1af4\n");
put($qemu, 'sys/devices/pci0000:00/0000:00:12.0/class', "0x010802\n");
put($qemu, 'sys/devices/pci0000:00/0000:00:12.0/nvme/nvme1/nvme1n1/dev', "259:1\n");
put($qemu, 'proc/self/mountinfo',
    "22 1 0:21 / / rw - tmpfs rootfs rw\n30 22 259:1 / /mnt rw - ext4 /dev/nvme1n1 rw\n");
make_path("$qemu/sys/bus/pci/devices", "$qemu/sys/class/block",
	  "$qemu/sys/kernel/iommu_groups/4/devices");
symlink('../../../devices/pci0000:00/0000:00:00.0', "$qemu/sys/bus/pci/devices/0000:00:00.0");
symlink('../../../devices/pci0000:00/0000:00:12.0', "$qemu/sys/bus/pci/devices/0000:00:12.0");
symlink('../../../kernel/iommu_groups/4', "$qemu/sys/devices/pci0000:00/0000:00:12.0/iommu_group");
symlink('../../../../devices/pci0000:00/0000:00:12.0', "$qemu/sys/kernel/iommu_groups/4/devices/0000:00:12.0");
symlink('../../devices/pci0000:00/0000:00:12.0/nvme/nvme1/nvme1n1', "$qemu/sys/class/block/nvme1n1");

my $empty = "$tmp/empty";
put($empty, 'proc/sys/kernel/osrelease', "6.12.117\n");

my ($rc, $out, $err) = probe('detect', '--root', $qemu, '--profiles', $profiles,
			     '--profile-name');
is($rc, 0, 'detect --profile-name on the QEMU intel tree exits 0') or diag($err);
is($out, "lab-intel\n", '... and prints only lab-intel');

($rc, $out, $err) = probe('detect', '--root', $qemu, '--profiles', $profiles);
is($rc, 0, 'detect exits 0');
like($out, qr/^iommu: intel\ndirty: no\n/m, '... says iommu intel, dirty no');
like($out, qr/^unit\.dmar0\.ecap: 0x480080f00f4a$/m, '... and the ECAP it read');
like($out, qr/^profile: lab-intel$/m, '... and the profile');

($rc, $out, $err) = probe('detect', '--root', $qemu, '--profiles', $profiles, '--json');
is($rc, 0, 'detect --json exits 0');
like($out, qr/\A\{\n.*"profile": "lab-intel",\n.*\}\n\z/s, '... one JSON object');

($rc, $out, $err) = probe('detect', '--root', $empty, '--profiles', $profiles);
is($rc, 1, 'unknown hardware: detect exits 1');
like($out, qr/^profile: none$/m, '... prints profile: none');
like($err, qr/\Aiodirty: error: no profile describes this machine \(detected iommu=none .*amd-vi.*arm-smmuv3.*intel-vtd.*lab-amd.*lab-intel.*lab-virtio.*mock.*riscv.*\niodirty: next: pass --profile NAME/s,
     '... one error listing every profile, and how to pass --profile');

($rc, $out, $err) = probe('doctor', '--root', $qemu, '--only', 'devices',
			  '--devices', 'disk@00:12.0');
is($rc, 1, 'doctor --only devices on a mounted namespace exits 1');
like($out, qr/^FAIL disk\@0000:00:12\.0 storage: 0000:00:12\.0 holds storage in use: nvme1n1 mounted at \/mnt.*\n  fix: unmount it/m,
     '... naming the mounted namespace, with a fix') or diag($out);
unlike($out, qr/^ok privileges/m, '... and runs only the device checks');

($rc, $out, $err) = probe('doctor', '--root', $qemu, '--profiles', $profiles,
			  '--profile', 'nope');
is($rc, 2, 'unknown profile: exit 2');
like($err, qr/\Aiodirty: error: unknown profile 'nope': there is no .*nope\.profile\niodirty: next: /,
     '... one error naming it');

($rc, $out, $err) = probe('detect', '--root', $qemu, '--profiles', $profiles,
			  '--devices', 'nvme');
is($rc, 2, 'a device without @BDF: exit 2');
like($err, qr/\Aiodirty: error: 'nvme' is not NAME\@BDF.*\niodirty: next: /, '... one error');

($rc, $out, $err) = probe('doctor', '--only', 'disks', '--devices', 'a@00:01.0');
is($rc, 2, '--only with anything but devices: exit 2');
like($err, qr/^iodirty: error: --only takes 'devices', not 'disks'$/m, '... one error');

($rc, $out, $err) = probe('doctor', '--only', 'devices');
is($rc, 2, '--only devices without a device: exit 2');

($rc, $out, $err) = probe('frobnicate');
is($rc, 2, 'unknown command: exit 2');
like($err, qr/^iodirty: error: unknown command 'frobnicate'/m, '... one error');

done_testing();
