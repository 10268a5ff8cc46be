# Target: a RISC-V IOMMU (drivers/iommu/riscv, mainline since 6.13), a PCI
# device bound to vfio-pci. Not yet run on hardware or in QEMU (the
# riscv-iommu device model needs QEMU 9.2 or later).

name = riscv
description = RISC-V IOMMU (no dirty tracking in the driver), device via vfio-pci

# iodirty detect picks this profile for a RISC-V IOMMU (the driver never tracks dirty pages, whatever the hardware has).
detect.iommu = riscv

device = vfio-pci

# No DMA engine driver yet; end-to-end cases skip.
dma.engine = none

# The driver has no hw_info op in the sources read: IOMMU_HW_INFO_TYPE_NONE.
hw_info.type = none

# No dirty_ops and IOMMU_CAP_DIRTY_TRACKING is false, even when the hardware
# advertises AMO_HWAD (capability bit 24); the dirty-tracking RFC is not merged.
cap.dirty_tracking = absent

alloc.plain = 0

# Core capability check in iommufd_hwpt_paging_alloc() -> EOPNOTSUPP.
alloc.dirty = EOPNOTSUPP

# The driver only implements domain_alloc_paging (no flags-taking allocator in
# the sources read), so iommufd refuses any HWPT_ALLOC flag with EOPNOTSUPP.
# Re-check if the driver gains domain_alloc_paging_flags.
alloc.nest_parent = EOPNOTSUPP
alloc.dirty_nest_parent = EOPNOTSUPP

# attach.* not stated: no dirty HWPT can be allocated.

# --- nesting (suites/nested)
# The RISC-V IOMMU driver has no nesting (only a paging allocator, above;
# second-stage nesting is an RFC).
nested.path = none
nested.child_data = none
# No nesting (nested.path above): no child to attach through.
nested.attach_incapable_via_child = none
# nested.parent_readonly_map is not stated: no nest parent can be allocated.
# 6.12 drivers/iommu/iommufd/device.c:1293 iommufd_access_rw() copies with
# iopt_pages_rw_access() (pages.c:1832) through the IOAS's pinned pages,
# never through an iommu_domain: no IOPTE is walked, so an access write
# (an emulated device's, IOMMU_TEST_OP_ACCESS_RW) is never reported dirty.
# Core code: every IOMMU.
dirty.access_write = clean

# iova.alignment is not stated: not measured on any RISC-V target.

kernel.min = 6.13

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
