# Target: real AMD-Vi hardware with EFR.HDSup, a PCI device bound to vfio-pci,
# kernel 6.12. Not yet run on hardware.
#
# Later kernels change two answers here: IOMMU_HW_INFO_TYPE_AMD (efr/efr2)
# arrives with drivers/iommu/amd/iommufd.c (mainline, late 2025), and the AMD
# nested-translation work lets NEST_PARENT through on hardware with GT, GIOSup
# and GCR3TRPMode. This profile states the 6.12 behaviour.

name = amd-vi
description = AMD-Vi with HDSup (host dirty bits), device via vfio-pci, kernel 6.12

# iodirty detect picks this profile for AMD-Vi whose EFR has HDSup, on any machine.
detect.iommu = amd
detect.dirty = yes

device = vfio-pci

# No DMA engine driver yet; end-to-end dirty cases skip.
dma.engine = none

# No hw_info op in the 6.12 AMD driver: IOMMU_HW_INFO_TYPE_NONE.
hw_info.type = none

# amd_iommu_capable(IOMMU_CAP_DIRTY_TRACKING) = amd_iommu_hd_support() (EFR
# bit 52). HASup (bit 49) is not required.
cap.dirty_tracking = required

alloc.plain = 0

# 6.12 forces user (UNMANAGED) domains to the v1 table, which has the dirty op.
alloc.dirty = 0

# amd_iommu_domain_alloc_user() (6.12) accepts DIRTY_TRACKING only:
# "if ((flags & ~IOMMU_HWPT_ALLOC_DIRTY_TRACKING) || parent || user_data)
#  return ERR_PTR(-EOPNOTSUPP);"
alloc.nest_parent = EOPNOTSUPP
alloc.dirty_nest_parent = EOPNOTSUPP

# AMD attach: "if (dom->dirty_ops && !amd_iommu_hd_support(iommu))
# return -EINVAL;" -- only reachable with a second IOMMU without HDSup.
attach.dirty_to_incapable = EINVAL
attach.dirty = 0

# --- nesting (suites/nested)
# 6.12 amd/iommu.c:2683 amd_iommu_domain_alloc_user(): "if ((flags &
# ~IOMMU_HWPT_ALLOC_DIRTY_TRACKING) || parent || user_data) return
# ERR_PTR(-EOPNOTSUPP);": no NEST_PARENT, no child. The AMD nested-translation
# work (see the top of this file) changes this for later kernels.
nested.path = none
nested.child_data = none
# No NEST_PARENT (nested.path above): no child to attach through.
nested.attach_incapable_via_child = none
# nested.parent_readonly_map is not stated: no nest parent can be allocated.
# 6.12 drivers/iommu/iommufd/device.c:1293 iommufd_access_rw() copies with
# iopt_pages_rw_access() (pages.c:1832) through the IOAS's pinned pages,
# never through an iommu_domain: no IOPTE is walked, so an access write
# (an emulated device's, IOMMU_TEST_OP_ACCESS_RW) is never reported dirty.
# Core code: every IOMMU.
dirty.access_write = clean

# AMD_IOMMU_PGSIZES: every power of two from 4 KiB (except 512 GiB).
iova.alignment = 4096

# AMD dirty tracking (421a511a293f) landed in 6.7.
kernel.min = 6.7

# --- dirty tracking: base 4 KiB IOPTEs; a 2 MiB leaf is reported whole.
dirty.leaf = 4096
dirty.huge_leaf = 2097152
# iommu_v1_map_pages() writes PR | FC | IR | IW (6.12 amd/io_pgtable.c);
# IOMMU_PTE_HD (bit 6) is set only by the hardware: a new mapping is clean.
dirty.new_mapping = clean
# The driver refuses a bitmap read while tracking is off (-EINVAL) and
# iommu_read_and_clear_dirty() drops the error: rc 0, nothing set.
dirty.get_while_disabled = empty
# The core stops at the first hole and drops that error too.
dirty.hole = stops
dirty.set_reserved = ignored
# Since 6.11 iova_bitmap pins the user bitmap lazily in iova_bitmap_set(),
# which returns nothing: a bitmap it cannot pin for writing loses its bits
# and GET_DIRTY_BITMAP still returns 0, with the IOPTE dirty bits cleared.
# (6.7-6.10 pinned up front in iova_bitmap_alloc(): ENOMEM.)
dirty.unpinnable_bitmap@6.7-6.10 = enomem
dirty.unpinnable_bitmap@6.11- = dropped

# --- regressions (suites/dirty/regress_*.c; see README.md "Regression cases")
# Harvests that start inside a huge leaf. Read from the 6.12.117 sources,
# not measured on this hardware; measured on the mock, whose walk is the
# same. The driver records (walked iova, leaf size) and steps by the leaf
# size from the unaligned start (intel/iommu.c
# intel_iommu_read_and_clear_dirty(), amd/io_pgtable.c
# iommu_v1_read_and_clear_dirty(), io-pgtable-arm.c io_pgtable_visit_dirty()),
# and iova_bitmap_set() never clips to the bitmap's length.
known_bug.mid_leaf.dceb5304d726_half_to_leaf_end.start_inside_huge_leaf = unfixed: a range ending at the end of a dirty huge leaf it starts inside gets the leaf's bits written past the end of the user bitmap (6.12.117 iova_bitmap_set() does not clip to the bitmap)
known_bug.mid_leaf.dceb5304d726_half_next_leaf_only.start_inside_huge_leaf = unfixed: a range starting inside a clean huge leaf and ending inside the next, dirty, one never walks that leaf (the walk steps a whole leaf from the unaligned start): its dirty part of the range is not reported
# The same two bugs as seen by suites/dirty/huge.c (read from the 6.12 driver walk, not measured on hardware).
known_bug.huge.mid_leaf_bits_stay_in_bitmap = unfixed: a harvest starting inside a dirty huge leaf gets the whole leaf recorded from the window start; iova_bitmap_set() does not clip, so bits land past the end of the user bitmap
known_bug.huge.mid_leaf_window_covers_next_leaf = unfixed: the walk steps a whole leaf from an unaligned window start, so the next huge leaf is recorded from its middle: its first part is not reported, yet it is cleared

# --- legacy VFIO dirty pages (suites/dirty/legacy_dirty_pages.c)
# Read from the 6.12 source, not measured on this hardware.
# The type1 container (/dev/vfio/vfio with CONFIG_VFIO_CONTAINER) tracks in
# software only (drivers/vfio/vfio_iommu_type1.c); it never reads the IOMMU's
# dirty bits, so these lines hold whatever the IOMMU can do.
# vfio_iommu_type1_get_info() always adds vfio_iommu_migration_build_caps():
# pgsize_bitmap = the smallest IOMMU page only, max_dirty_bitmap_size =
# DIRTY_BITMAP_SIZE_MAX.
vfio.type1.migration_cap = reported
# vfio_iommu_type1_dirty_pages() START on a type1v2 container allocates one
# bitmap per mapping and succeeds.
vfio.type1.dirty_pages = 0
# update_user_bitmap(): "if (iommu->num_non_pinned_groups &&
# dma->iommu_mapped) bitmap_set(dma->bitmap, 0, nbits)". A group with an
# IOMMU (vfio-pci) raises num_non_pinned_groups in
# vfio_iommu_type1_attach_group() and never pins pages, so every page of every
# mapping reads dirty in every report (GET_BITMAP, again and again, and the
# unmap bitmap), written by the device or not.
vfio.type1.dirty_report = all_pinned
# vfio_dma_do_unmap(): the bitmap is filled while tracking is started and
# bitmap.pgsize is the smallest IOMMU page.
vfio.type1.unmap_dirty = 0
# iommufd's vfio-compat container (/dev/iommu set into the group),
# drivers/iommu/iommufd/vfio_compat.c: iommufd_vfio_iommu_get_info() fills
# only the DMA_AVAIL and IOVA_RANGE capabilities.
vfio.compat.migration_cap = absent
# iommufd_vfio_ioctl(): "case VFIO_IOMMU_DIRTY_PAGES: default: return
# -ENOIOCTLCMD;", which vfs_ioctl() (fs/ioctl.c) turns into ENOTTY, before
# any argument is looked at.
vfio.compat.dirty_pages = ENOTTY
# iommufd_vfio_unmap_dma(): supported_flags = VFIO_DMA_UNMAP_FLAG_ALL, so
# VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP is "unmap.flags & ~supported_flags":
# EINVAL, nothing unmapped.
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
