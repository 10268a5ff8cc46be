# Target: QEMU 7.2 intel-iommu in scalable mode with the lab's second-stage
# Accessed/Dirty patch (runners/lab/qemu/intel-iommu-ssads.patch,
# x-ssads=on), edu and NVMe bound to vfio-pci, guest kernel 6.12.
#
# Registers: CAP as lab-intel (0x00d2008c22260286 with caching-mode=on;
# SLLPS = 3: 2 MiB and 1 GiB second-stage leaves), ECAP = 0x1480080f00f4a:
# lab-intel's plus SLADS (bit 45) and SMPWC (bit 48). ECAP.NEST (bit 26) is
# still 0.

name = lab-intel-dirty
description = QEMU 7.2 intel-iommu (scalable mode) with emulated second-stage A/D flags, edu and NVMe via vfio-pci

# iodirty detect picks this profile for the patched QEMU: SLADS and SMPWC
# set on a QEMU machine (intel-vtd states machine = other).
detect.iommu = intel
detect.dirty = yes
detect.machine = qemu

device = vfio-pci

# Two engines, each program that judges a bench's DMA runs with both
# (PROGRAM@edu, PROGRAM@nvme): edu (00:10.0, byte-granular, 4 KiB per
# command, run at once with the lab QEMU's x-dma-delay-ms=0) and the NVMe
# controller (00:11.0, whole 512-byte blocks, megabytes per command, its
# storage only read). A case whose writes are not whole blocks SKIPs under
# nvme and runs under edu.
dma.engine = edu
dma.extra_engines = nvme

hw_info.type = intel_vtd

# ssads_supported(): scalable mode (SMTS), SLADS and SMPWC are all set.
cap.dirty_tracking = required

alloc.plain = 0
alloc.dirty = 0

# intel/iommu.c intel_iommu_domain_alloc_user() (6.12):
# "if (nested_parent && !nested_supported(iommu)) return ERR_PTR(-EOPNOTSUPP);"
# nested_supported() = sm_supported() && ecap_nest(); ECAP bit 26 is 0 in QEMU.
alloc.nest_parent = EOPNOTSUPP
alloc.dirty_nest_parent = EOPNOTSUPP

# Every device of the lab sits behind the one dirty-capable intel-iommu:
# attach.dirty_to_incapable is not stated (there is no incapable device).
attach.dirty = 0

# --- nesting (suites/nested)
# intel/iommu.c:3611 and :3619: a child or a NEST_PARENT needs
# nested_supported() = sm_supported() && ecap_nest() (iommu.h:547, ECAP bit
# 26), which the patched QEMU leaves 0 (ECAP above): no nested HWPT.
nested.path = none
nested.child_data = none
# No nested HWPT (nested.path above): no child to attach through.
nested.attach_incapable_via_child = none
# nested.parent_readonly_map is not stated: no nest parent can be allocated.
# 6.12 drivers/iommu/iommufd/device.c:1293 iommufd_access_rw() copies with
# iopt_pages_rw_access() (pages.c:1832) through the IOAS's pinned pages,
# never through an iommu_domain: no IOPTE is walked, so an access write
# (an emulated device's, IOMMU_TEST_OP_ACCESS_RW) is never reported dirty.
# Core code: every IOMMU.
dirty.access_write = clean

# VT-d second-stage tables have a 4 KiB smallest page.
iova.alignment = 4096

kernel.min = 6.7

# The driver maps 4 KiB leaves and, where IOVA and memory are 2 MiB aligned,
# 2 MiB leaves (CAP.SLLPS = 3; the suites' huge buffers are 2 MiB pages).
# The patch sets D in whichever leaf the walk ends at, as the hardware does
# (VT-d 3.7.2), so one write dirties the whole 2 MiB leaf.
dirty.leaf = 4096
dirty.huge_leaf = 2097152

# intel_iommu_map(): a new second-stage PTE has A and D clear
# (DMA_PTE_READ/WRITE only); only a device access sets them.
dirty.new_mapping = clean
dirty.get_while_disabled = empty
dirty.hole = stops
dirty.set_reserved = ignored
dirty.unpinnable_bitmap@6.7-6.10 = enomem
dirty.unpinnable_bitmap@6.11- = dropped

# The core's harvest bugs of 6.12.117, as on intel-vtd (same core code).
known_bug.mid_leaf.dceb5304d726_half_to_leaf_end.start_inside_huge_leaf = unfixed: a range ending at the end of a dirty huge leaf it starts inside gets the leaf's bits written past the end of the user bitmap (6.12.117 iova_bitmap_set() does not clip to the bitmap)
known_bug.mid_leaf.dceb5304d726_half_next_leaf_only.start_inside_huge_leaf = unfixed: a range starting inside a clean huge leaf and ending inside the next, dirty, one never walks that leaf (the walk steps a whole leaf from the unaligned start): its dirty part of the range is not reported
known_bug.huge.mid_leaf_bits_stay_in_bitmap = unfixed: a harvest starting inside a dirty huge leaf gets the whole leaf recorded from the window start; iova_bitmap_set() does not clip, so bits land past the end of the user bitmap
known_bug.huge.mid_leaf_window_covers_next_leaf = unfixed: the walk steps a whole leaf from an unaligned window start, so the next huge leaf is recorded from its middle: its first part is not reported, yet it is cleared

# --- legacy VFIO dirty pages: as lab-intel (type1 tracks in software).
vfio.type1.migration_cap = reported
vfio.type1.dirty_pages = 0
vfio.type1.dirty_report = all_pinned
vfio.type1.unmap_dirty = 0
vfio.compat.migration_cap = absent
vfio.compat.dirty_pages = ENOTTY
vfio.compat.unmap_dirty = EINVAL

# --- nested HWPT invalidation (suites/nested/nested_invalidate.c)
# IOMMU_HWPT_INVALIDATE on an id that is not a nested HWPT (an IOAS, a
# device, a paging or nest-parent HWPT): a core rule, the same for every
# IOMMU. 6.7 has no such ioctl: IOMMU_HWPT_INVALIDATE (0x8d) arrived in 6.8
# ("iommufd: Add IOMMU_HWPT_INVALIDATE"), and main.c iommufd_fops_ioctl()
# answers a number without its op "if (op->ioctl_num != cmd) return
# -ENOIOCTLCMD;" (ENOTTY). 6.8-6.12: hw_pagetable.c iommufd_hwpt_invalidate()
# looks the id up with iommufd_get_hwpt_nested() (iommufd_private.h:
# iommufd_get_object(..., IOMMUFD_OBJ_HWPT_NESTED)), so an object of another
# type is ENOENT (6.12.117 hw_pagetable.c:442). From 6.13 the lookup is
# IOMMUFD_OBJ_ANY and an object that is neither IOMMUFD_OBJ_HWPT_NESTED nor
# IOMMUFD_OBJ_VIOMMU gets "rc = -EINVAL; goto out_put_pt;" (mainline
# hw_pagetable.c iommufd_hwpt_invalidate(), torvalds/linux 11534b4de2a1).
nested.invalidate_non_nested@6.7 = absent
nested.invalidate_non_nested@6.8-6.12 = enoent
nested.invalidate_non_nested@6.13- = einval
# 6.12.117 hw_pagetable.c:411 and 435-440 refuse entry_len > PAGE_SIZE and
# entry_num > IOMMU_HWPT_INVALIDATE_ENTRY_NUM_MAX (1U << 19) with EINVAL
# before the lookup ("Bound entry_num and entry_len so a single call cannot
# pin the CPU"). Mainline (torvalds/linux 11534b4de2a1) and 6.14.9 check
# only "!cmd->data_uptr || !cmd->entry_len": no cap. Which 6.12.y brought
# the cap is not known; 6.12.117 is the release it was read from.
nested.invalidate_entry_caps@6.12.117-6.12 = rejected
nested.invalidate_entry_caps = unbounded
# IOMMU_VIOMMU_ALLOC (0x90) and IOMMU_VDEVICE_ALLOC (0x91) arrived in 6.13
# (4db97c21ed07 "iommufd/viommu: Add IOMMU_VIOMMU_ALLOC ioctl", the vDEVICE
# in the same series; 13a750180fc8 lets HWPT_ALLOC's pt_id be a vIOMMU). A
# core rule for every IOMMU: the 6.12.117 main.c iommufd_fops_ioctl() has no
# op for either number ("if (op->ioctl_num != cmd) return -ENOIOCTLCMD;":
# ENOTTY), nested.md section 1 (6.12 lists no vIOMMU ioctl).
nested.viommu@-6.12 = absent
nested.viommu@6.13- = present
# NEST_PARENT is refused with or without DIRTY_TRACKING on this IOMMU
# (alloc.nest_parent and alloc.dirty_nest_parent above, with their source).
nested.dirty_parent = no_nesting

# --- stress (suites/stress/fail_nth.c)
# A GET_DIRTY_BITMAP that fails keeps every dirty bit for the next one:
# iommufd_hwpt_get_dirty_bitmap() fails on its copy-in and object lookup,
# iopt_read_and_clear_dirty_data() on iova_bitmap_alloc()
# (drivers/iommu/iommufd/io_pagetable.c:496, 6.12), all before the walk
# reads and clears the IOPTEs (io_pagetable.c:508).
dirty.failed_harvest = keeps
# A SET_DIRTY_TRACKING that fails changes nothing: its failures (copy-in,
# iommufd_get_object) come before iopt_set_dirty_tracking() clears the
# IOPTEs on enable (io_pagetable.c:607, 6.12).
dirty.failed_set_tracking = keeps
# SET_DIRTY_TRACKING(enable) on a HWPT already tracking clears every dirty
# bit, those written while a harvest is in flight too: iopt_set_dirty_tracking()
# runs iopt_clear_dirty_data() under iova_rwsem held for read, beside a
# running harvest (drivers/iommu/iommufd/io_pagetable.c:603-607, 6.12). The
# core does it before any driver's set_dirty_tracking, so every IOMMU does;
# measured on the mock (suites/stress/harvest_pause.c).
dirty.reenable_clears = all
# A harvest over an area whose IOAS_MAP is still pinning (area->pages NULL
# until iopt_map_pages() fills the domains, io_pagetable.c:369-390) stops
# there with rc 0: iommu_read_and_clear_dirty() ignores what
# iova_bitmap_for_each() returns (io_pagetable.c:508, 6.12.117); the areas
# after it are neither reported nor cleared, the next harvest has them. Core
# code, so every IOMMU; measured on the mock.
dirty.inflight_area = stops
# iova_bitmap_set() (drivers/iommu/iommufd/iova_bitmap.c:401) pins the user
# bitmap lazily since 7a7bba16244a (6.11) and returns nothing: when faulting
# in a bitmap page fails after the IOPTEs were read and cleared, their bits
# are lost and GET_DIRTY_BITMAP returns 0. Unfixed in 6.12.117.
known_bug.fail_nth.get_bitmap_untouched@6.11- = unfixed: a bitmap page that cannot be faulted in after read-and-clear loses its bits for good and GET_DIRTY_BITMAP returns 0 (iova_bitmap_set() is void since 7a7bba16244a)
# The bitmap page a harvest records into, unmapped while the harvest waits
# to fault it in (userfaultfd), then the harvest woken: iova_bitmap_set()
# pins lazily and returns nothing since 7a7bba16244a (6.11), so the bits it
# read and cleared are lost and GET_DIRTY_BITMAP returns 0. Unfixed in
# 6.12.117; core code (drivers/iommu/iommufd/iova_bitmap.c).
known_bug.harvest_pause.bitmap_unmapped@6.11- = unfixed: a bitmap page unmapped during a harvest loses the bits read and cleared for it and GET_DIRTY_BITMAP returns 0 (iova_bitmap_set() is void since 7a7bba16244a)
