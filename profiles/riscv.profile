# Target: a RISC-V IOMMU (drivers/iommu/riscv, mainline since 6.13), a PCI
# device bound to vfio-pci. Not yet run on hardware or in QEMU (the
# riscv-iommu device model needs QEMU 9.2 or later).

name = riscv
description = RISC-V IOMMU (no dirty tracking in the driver), device via vfio-pci

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

# iova.alignment is not stated: not measured on any RISC-V target.

kernel.min = 6.13
