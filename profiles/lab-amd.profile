# Target: QEMU 7.2 amd-iommu (q35), edu device bound to vfio-pci and used
# through the VFIO cdev, guest kernel 6.12.
#
# Measured EFR (QEMU 7.2) = 0x29d3: HDSup (bit 52) and HASup (bit 49) are 0;
# QEMU's AMDVI_DEFAULT_EXT_FEATURES still leaves them out.

name = lab-amd
description = QEMU 7.2 amd-iommu with an edu device via vfio-pci

device = vfio-pci

# edu: write-DMA of at most 4095 bytes per command; widen dma_mask in QEMU.
dma.engine = edu

# The 6.12 AMD driver has no hw_info op, so GET_HW_INFO reports
# IOMMU_HW_INFO_TYPE_NONE (measured in the lab). IOMMU_HW_INFO_TYPE_AMD (4)
# only exists in much later kernels (drivers/iommu/amd/iommufd.c).
hw_info.type = none

# amd_iommu_capable(IOMMU_CAP_DIRTY_TRACKING) needs EFR.HDSup, which is 0.
cap.dirty_tracking = absent

alloc.plain = 0

# hw_pagetable.c: DIRTY_TRACKING without the capability -> -EOPNOTSUPP.
alloc.dirty = EOPNOTSUPP

# amd/iommu.c amd_iommu_domain_alloc_user() (6.12):
# "if ((flags & ~IOMMU_HWPT_ALLOC_DIRTY_TRACKING) || parent || user_data)
#  return ERR_PTR(-EOPNOTSUPP);" -- NEST_PARENT is never accepted on 6.12.
alloc.nest_parent = EOPNOTSUPP

# Refused by the core capability check first, and by the driver anyway.
alloc.dirty_nest_parent = EOPNOTSUPP

# attach.* not stated: no dirty HWPT can be allocated here.

# AMD v1 page sizes start at 4 KiB (AMD_IOMMU_PGSIZES).
iova.alignment = 4096

kernel.min = 6.7
