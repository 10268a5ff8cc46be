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
# nested.parent_readonly_map is not stated: no nest parent can be allocated.

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
