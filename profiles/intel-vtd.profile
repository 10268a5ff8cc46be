# Target: real Intel VT-d hardware with second-stage dirty tracking, a PCI
# device bound to vfio-pci, kernel 6.12.
#
# Claims assume an IOMMU whose ECAP has SMTS (43), SLADS (45), SMPWC (48) and
# NEST (26), running in scalable mode (intel_iommu=sm_on or
# CONFIG_INTEL_IOMMU_SCALABLE_MODE_DEFAULT_ON). Cross-check with the
# cap_reg/ecap_reg that IOMMU_GET_HW_INFO returns before trusting a failure.
# Not yet run on hardware.

name = intel-vtd
description = Intel VT-d with SSADS (second-stage A/D) in scalable mode, device via vfio-pci

# iodirty detect picks this profile for VT-d with SMTS, SLADS and SMPWC in scalable mode, on
# a machine that is not QEMU (QEMU's emulated SLADS, the lab's x-ssads, is lab-intel-dirty).
detect.iommu = intel
detect.dirty = yes
detect.machine = other

device = vfio-pci

# No DMA engine driver yet; end-to-end dirty cases skip.
dma.engine = none

hw_info.type = intel_vtd

# ssads_supported() = sm_supported() && ecap_slads() && ecap_smpwc(); the SMPWC
# condition comes from 57f55048e564 (in 6.12.y). Hardware with SLADS but
# without SMPWC reports no capability and belongs in another profile.
cap.dirty_tracking = required

alloc.plain = 0

# 6.12 user domains are always second stage, the only stage with dirty bits.
alloc.dirty = 0

# intel_iommu_domain_alloc_user(): NEST_PARENT needs nested_supported()
# (ECAP.NEST). Without it this is EOPNOTSUPP.
alloc.nest_parent = 0

# 6.12 intel_iommu_domain_alloc_user() accepts NEST_PARENT | DIRTY_TRACKING;
# enabling tracking on the parent also sets SSADE for the devices of its
# nested children (f1e1610950ea, 1f0198fce683).
alloc.dirty_nest_parent = 0

# prepare_domain_attach_device(): "if (domain->dirty_ops &&
# !ssads_supported(iommu)) return -EINVAL;" -- only reachable on a machine
# with a second IOMMU unit that lacks SSADS; the case skips otherwise.
attach.dirty_to_incapable = EINVAL
attach.dirty = 0

# --- nesting (suites/nested)
# intel/iommu.c:3611 intel_iommu_domain_alloc_user(): a parent (NEST_PARENT
# HWPT as pt_id, iommufd/hw_pagetable.c:310) allocates a nested domain when
# nested_supported() (ECAP.NEST, assumed as alloc.nest_parent above).
nested.path = hwpt
# intel/nested.c:148: "if (user_data->type != IOMMU_HWPT_DATA_VTD_S1) return
# ERR_PTR(-EOPNOTSUPP);" (struct iommu_hwpt_vtd_s1: a first-stage table).
nested.child_data = vtd_s1
# intel/nested.c:42 intel_nested_attach_dev() checks the parent with
# prepare_domain_attach_device(s2_domain), whose iommu.c:3670 "if
# (domain->dirty_ops && !ssads_supported(iommu)) return -EINVAL;" refuses a
# device whose IOMMU cannot track dirty pages, as on the parent itself.
nested.attach_incapable_via_child = refused
# intel/iommu.c:1824 __domain_mapping(): "if (!(prot & DMA_PTE_WRITE) &&
# domain->nested_parent) ... return -EINVAL;" (ERRATA_772415_SPR17), for a
# map into the parent and for filling a new parent from the IOAS.
nested.parent_readonly_map = EINVAL
# 6.12 drivers/iommu/iommufd/device.c:1293 iommufd_access_rw() copies with
# iopt_pages_rw_access() (pages.c:1832) through the IOAS's pinned pages,
# never through an iommu_domain: no IOPTE is walked, so an access write
# (an emulated device's, IOMMU_TEST_OP_ACCESS_RW) is never reported dirty.
# Core code: every IOMMU.
dirty.access_write = clean
# Read from the 6.12 source, not measured on this target: iommufd_hwpt_alloc()
# never reads __reserved2 (core code, every IOMMU).
known_bug.nested_reserved2.parent.refused = unfixed: iommufd_hwpt_alloc() should refuse a non-zero __reserved2 (EOPNOTSUPP, as it does __reserved); 6.12 ignores it, so the field can never be given a meaning
known_bug.nested_reserved2.child.refused = unfixed: iommufd_hwpt_alloc() should refuse a non-zero __reserved2 (EOPNOTSUPP, as it does __reserved); 6.12 ignores it, so the field can never be given a meaning

# Second-stage smallest page is 4 KiB (pgsize_bitmap SZ_4K plus superpages).
iova.alignment = 4096

# Intel dirty tracking (f35f22cc760e) landed in 6.7.
kernel.min = 6.7

# --- dirty tracking: base 4 KiB IOPTEs; a 2 MiB leaf is reported whole.
dirty.leaf = 4096
dirty.huge_leaf = 2097152
# intel_iommu_map() builds second-stage PTEs from DMA_PTE_READ/WRITE (and
# SNP); DMA_SL_PTE_DIRTY (bit 9) is set only by the hardware (6.12
# intel/iommu.c): a new mapping is clean.
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
# "iommu/vt-d: Block PASID attachment to nested domain with dirty tracking"
# (v2, March 2026) is not merged: a nested HWPT whose parent tracks dirty
# pages still attaches to a PASID, whose entry never gets SSADE.
known_bug.vtd_pasid.pending_block_pasid_nested_dirty = unfixed: a nested HWPT under a dirty-tracking parent attaches to a PASID (the blocking patch is pending); writes through that PASID are not tracked
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
# 6.12 intel_iommu_domain_alloc_user() takes NEST_PARENT | DIRTY_TRACKING
# (alloc.dirty_nest_parent above): the stage-2 parent keeps its dirty bits.
nested.dirty_parent@6.7- = accepted
# The stage-1 data (struct iommu_hwpt_vtd_s1) as 6.12.117 reads it:
# intel/nested.c intel_nested_domain_alloc() only copies it
# (iommu_copy_struct_from_user(..., __reserved)), checking nothing; the
# checks are at attach, intel/pasid.c intel_pasid_setup_nested(): an
# addr_width other than ADDR_WIDTH_4LEVEL (48) or ADDR_WIDTH_5LEVEL (57,
# and that only with cap_fl5lp_support()) is -EINVAL, IOMMU_VTD_S1_SRE
# without ecap_srs() and IOMMU_VTD_S1_EAFE without ecap_eafs() are -EINVAL.
# Flags past IOMMU_VTD_S1_WPE are never looked at, and pgtbl_addr goes to
# pasid_set_flptr(), which keeps bits 63:12 only (VTD_PAGE_MASK).
# Not read from a later tree: silent past 6.12.
nested.vtd_s1.addr_width@6.7-6.12 = attach
nested.vtd_s1.flag_without_cap@6.7-6.12 = attach
# Unknown flag bits are a gap, not a rule: a field documented as a
# combination of enum iommu_hwpt_vtd_s1_flags should refuse the bits the
# enum does not define (EINVAL at allocation, as the core refuses unknown
# HWPT_ALLOC flags), or a later bit can never be given a meaning.
nested.vtd_s1.unknown_flags@6.7-6.12 = alloc
known_bug.nested_hw_vtd_s1.unknown_flags.rule = unfixed: intel_nested_domain_alloc() should refuse flags bits past IOMMU_VTD_S1_WPE (EINVAL); 6.12 never looks at them, so they can never be given a meaning
nested.vtd_s1.pgtbl_low_bits@6.7-6.12 = accepted

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
