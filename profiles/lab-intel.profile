# Target: QEMU 7.2 intel-iommu in scalable mode (x-scalable-mode=on), edu device
# bound to vfio-pci and used through the VFIO cdev, guest kernel 6.12.
#
# Measured registers (QEMU 7.2): CAP = 0x00d2008c22260206,
# ECAP = 0x480080f00f4a (SRS bit 31, SMTS bit 43, SLTS bit 46). ECAP.NEST
# (bit 26), SLADS (bit 45) and SMPWC (bit 48) are all 0; no QEMU release
# emulates second-stage dirty bits.

name = lab-intel
description = QEMU 7.2 intel-iommu (scalable mode) with an edu device via vfio-pci

device = vfio-pci

# edu (1234:11e8): one write-DMA of at most 4095 bytes per command, ~100 ms
# each; start QEMU with -device edu,dma_mask=0xffffffffffffffff.
dma.engine = edu

# intel_iommu hw_info returns IOMMU_HW_INFO_TYPE_INTEL_VTD with cap/ecap
# (measured on 6.12 in the lab).
hw_info.type = intel_vtd

# ssads_supported() needs SMTS, SLADS and SMPWC; SLADS = SMPWC = 0 here.
cap.dirty_tracking = absent

alloc.plain = 0

# hw_pagetable.c iommufd_hwpt_paging_alloc(): DIRTY_TRACKING without
# IOMMU_CAP_DIRTY_TRACKING -> -EOPNOTSUPP, before the driver is called.
alloc.dirty = EOPNOTSUPP

# intel/iommu.c intel_iommu_domain_alloc_user() (6.12):
# "if (nested_parent && !nested_supported(iommu)) return ERR_PTR(-EOPNOTSUPP);"
# nested_supported() = sm_supported() && ecap_nest(); ECAP bit 26 is 0 in QEMU.
alloc.nest_parent = EOPNOTSUPP

# The core capability check above rejects DIRTY_TRACKING first; the driver's
# nest check would give the same errno.
alloc.dirty_nest_parent = EOPNOTSUPP

# attach.dirty and attach.dirty_to_incapable are not stated: no dirty HWPT can
# be allocated on this target.

# VT-d second-stage tables have a 4 KiB smallest page (pgsize_bitmap SZ_4K
# plus superpages).
iova.alignment = 4096

kernel.min = 6.7
