# Target: real Arm SMMUv3 with HTTU (IDR0.HTTU == 2, FEAT_HD) and coherent
# table walks (IDR0.COHACC), a PCI device bound to vfio-pci. Not yet run on
# hardware; QEMU's smmuv3 never sets IDR0.HTTU and cannot stand in for it.

name = arm-smmuv3
description = Arm SMMUv3 with HTTU dirty-bit management (stage 1), device via vfio-pci

# iodirty detect picks this profile for an SMMUv3 whose IDR0.HTTU has dirty (read through IOMMU_GET_HW_INFO with a named device).
detect.iommu = smmuv3
detect.dirty = yes

device = vfio-pci

# No DMA engine driver yet; end-to-end dirty cases skip.
dma.engine = none

# arm_smmu_hw_info (IOMMU_HW_INFO_TYPE_ARM_SMMUV3, IDR0-5/IIDR/AIDR) exists
# from about 6.13; 6.12 reports IOMMU_HW_INFO_TYPE_NONE. Hence kernel.min.
hw_info.type = arm_smmuv3
kernel.min = 6.13

# arm_smmu_dbm_capable() needs both FEAT_HD and FEAT_COHERENCY.
cap.dirty_tracking = required

alloc.plain = 0

# Dirty tracking is stage 1 only (io-pgtable HD quirk, DBM bit 51); assumes
# the SMMU implements stage 1. The SMMU is always tracking
# (set_dirty_tracking is a no-op); new mappings: dirty.new_mapping below.
alloc.dirty = 0

# From 6.13 NEST_PARENT allocates an S2 domain, refused with EOPNOTSUPP unless
# the SMMU has ARM_SMMU_FEAT_NESTING (stage 1 and stage 2 both implemented).
# Assumes such an SMMU; an S1-only part needs EOPNOTSUPP here.
alloc.nest_parent = 0

# Nest parents are S2 and S2 domains have no dirty tracking:
# arm_smmu_domain_finalise() returns -EOPNOTSUPP for DIRTY on S2 (>= 6.13).
alloc.dirty_nest_parent = EOPNOTSUPP

# There is no attach-time capability re-check (a domain is tied to one SMMU),
# so attach.dirty_to_incapable is not stated.
attach.dirty = 0

# --- nesting (suites/nested)
# From 6.13 SMMUv3 nesting goes through a vIOMMU object (IOMMU_VIOMMU_ALLOC,
# arm-smmu-v3-iommufd.c arm_smmu_viommu_alloc() of the 6.13 release; not in
# the 6.12 tree read for the other lines): a child's pt_id is the vIOMMU, not
# the NEST_PARENT HWPT, and its data is IOMMU_HWPT_DATA_ARM_SMMUV3 (the STE).
nested.path = viommu
nested.child_data = arm_smmuv3
# alloc.dirty_nest_parent = EOPNOTSUPP above (arm_smmu_domain_finalise(): a
# nest parent is S2, which has no dirty tracking): there is no
# dirty-tracking parent whose child an incapable device could join.
nested.attach_incapable_via_child = none
# nested.parent_readonly_map is not stated: not read from a 6.13+ tree yet.
# 6.12 drivers/iommu/iommufd/device.c:1293 iommufd_access_rw() copies with
# iopt_pages_rw_access() (pages.c:1832) through the IOAS's pinned pages,
# never through an iommu_domain: no IOPTE is walked, so an access write
# (an emulated device's, IOMMU_TEST_OP_ACCESS_RW) is never reported dirty.
# Core code: every IOMMU.
dirty.access_write = clean

# iova.alignment is not stated: the smallest page follows the translation
# granule (4 KiB, 16 KiB or 64 KiB) of the kernel and SMMU.
# arm_lpae_restrict_pgsizes() picks the kernel's PAGE_SIZE as granule when
# the SMMU supports it. dirty.leaf is that base page (see README.md): for a
# 16 KiB or 64 KiB kernel, a copy of this profile states 16384 / 65536 and
# the block of that granule (32 MiB / 512 MiB) as dirty.huge_leaf.

# --- dirty tracking: 4 KiB granule; a 2 MiB block is reported whole.
dirty.leaf = 4096
dirty.huge_leaf = 2097152
# A writable stage-1 PTE of a dirty HWPT (IO_PGTABLE_QUIRK_ARM_HD) is
# created with DBM (bit 51) set and AP[2] (ARM_LPAE_PTE_AP_RDONLY) clear:
# arm_lpae_prot_to_pte(), 6.12 io-pgtable-arm.c:454-456. That is the
# "writable-dirty" state iopte_writeable_dirty() (:147) tests, so every leaf
# of a new mapping reads dirty on its first harvest, which sets AP[2]
# (writable-clean, iopte_set_writeable_clean()). Enabling tracking clears
# every mapped leaf first (iopt_set_dirty_tracking() ->
# iopt_clear_dirty_data(), iommufd/io_pagetable.c): only mappings made
# after the last enable read dirty.
dirty.new_mapping = dirty
# Hardware dirty (DBM) is always on: arm_smmu_set_dirty_tracking() is a
# no-op, so a harvest after "disable" still reports.
dirty.get_while_disabled = reports
dirty.hole = stops
dirty.set_reserved = ignored
# Since 6.11 iova_bitmap pins the user bitmap lazily in iova_bitmap_set(),
# which returns nothing: a bitmap it cannot pin for writing loses its bits
# and GET_DIRTY_BITMAP still returns 0, with the IOPTE dirty bits cleared.
# (6.7-6.10 pinned up front in iova_bitmap_alloc(): ENOMEM.)
dirty.unpinnable_bitmap = dropped

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
# Read from the 6.12 source (unchanged in the 6.13+ this profile needs), not
# measured on this hardware.
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
# SMMUv3 has no nesting before 6.13 (nested.md section 7): NEST_PARENT is
# refused with or without DIRTY_TRACKING. From 6.13 a NEST_PARENT is a stage 2
# domain, and arm_smmu_domain_finalise() refuses DIRTY on stage 2 with
# -EOPNOTSUPP (nesting excludes HTTU), while DIRTY alone (stage 1) is
# accepted: alloc.nest_parent, alloc.dirty and alloc.dirty_nest_parent above.
nested.dirty_parent@-6.12 = no_nesting
nested.dirty_parent@6.13- = stage2_only

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
