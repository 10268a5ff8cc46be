# Target: QEMU 7.2 virtio-iommu-pci, edu device bound to vfio-pci and used
# through the VFIO cdev, guest kernel 6.12. Needs
# iommufd.allow_unsafe_interrupts=1 on the guest command line (no interrupt
# remapping).

name = lab-virtio
description = QEMU 7.2 virtio-iommu with an edu device via vfio-pci

# iodirty detect picks this profile for virtio-iommu under QEMU (the driver has no dirty tracking).
detect.iommu = virtio
detect.dirty = no
detect.machine = qemu

device = vfio-pci
dma.engine = edu

# virtio-iommu has no hw_info op: IOMMU_HW_INFO_TYPE_NONE (measured).
hw_info.type = none

# viommu_capable() only answers CACHE_COHERENCY and DEFERRED_FLUSH; virtio
# has map/unmap requests only and no dirty_ops.
cap.dirty_tracking = absent

# No flags: iommufd_hwpt_paging_alloc() falls back to
# iommu_paging_domain_alloc() -> viommu_domain_alloc(). It succeeds on an
# empty IOAS, but see the known bug below: with an empty aperture
# iopt_table_add_domain() reserves [1, ULONG_MAX], so on an IOAS that already
# has mappings the allocation fails with EADDRINUSE instead.
alloc.plain = 0

# 6.12 virtio-iommu has no domain_alloc_user, and hw_pagetable.c
# iommufd_hwpt_paging_alloc() starts with
# "if ((flags || user_data) && !ops->domain_alloc_user) return ERR_PTR(-EOPNOTSUPP);"
# so every non-zero flag set is refused before any other check.
alloc.dirty = EOPNOTSUPP
alloc.nest_parent = EOPNOTSUPP
alloc.dirty_nest_parent = EOPNOTSUPP

# attach.* not stated: no dirty HWPT can be allocated here.

# --- nesting (suites/nested)
# virtio-iommu.c has no domain_alloc_user in 6.12 (and no nesting in any
# release): iommufd_hwpt_paging_alloc() refuses NEST_PARENT (above).
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

# virtio-iommu's page size mask comes from the device; QEMU offers 4 KiB.
iova.alignment = 4096

# viommu_domain_alloc() leaves the geometry zeroed; viommu_domain_finalise()
# fills it in at the first attach. An explicitly allocated HWPT therefore has
# an empty aperture until it is attached.
# The explicit-HWPT aperture bug (lab measurement on 6.12): iommufd narrows the
# IOAS to the empty aperture, so every later IOAS_MAP fails (EINVAL with a
# fixed IOVA, ENOSPC with an allocated one), even for other devices; attaching
# a device straight to the IOAS (automatic domain) works. Upstream,
# 07107e74444b "iommu/virtio: Move to domain_alloc_paging()" (v6.16 iommu
# pull, part of "Convert virtio-iommu to domain_alloc_paging()") allocates
# paging domains per device and sets the geometry at allocation time; that is
# the change that removes the empty-aperture window. The attribution rests on
# the commit subject in the v6.16 iommu pull and on the later driver, whose
# viommu_domain_alloc_paging() fills domain.geometry; the commit's own diff
# has not been read. No 6.12.y backport known.
# The two cases that meet it: the IOAS aperture check after HWPT_ALLOC, and
# real DMA through an explicitly allocated HWPT.
known_bug.hwpt_alloc.keeps_ioas_aperture = 07107e74444b: an explicit HWPT has an empty aperture until its first attach (geometry set in viommu_domain_finalise()); iommufd narrows the IOAS to it, so every later IOAS_MAP fails
known_bug.dma.hwpt.lands_blocked_relands = 07107e74444b: an explicit HWPT has an empty aperture until its first attach (geometry set in viommu_domain_finalise()); iommufd narrows the IOAS to it, so every later IOAS_MAP fails

kernel.min = 6.7

# --- legacy VFIO dirty pages (suites/dirty/legacy_dirty_pages.c)
# Measured in the lab (virtio flavour, 6.12.117). virtio-iommu has no MSI
# isolation: vfio_iommu_type1_attach_group() refuses the group with EPERM
# unless vfio_iommu_type1.allow_unsafe_interrupts=1, and iommufd_device_bind()
# (compat, when the group opens the device) unless
# iommufd.allow_unsafe_interrupts=1; the lab's command line sets both.
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

# What QEMU 7.2's emulation gets wrong here (not the kernel):
# virtio_iommu_translate() (hw/virtio/virtio-iommu.c) looks the IOVA up in
# the domain's mapping tree with the interval [addr, addr + 1], and
# interval_cmp() calls two intervals equal when they overlap. At the last
# byte of a mapping whose next IOVA page is another mapping, the key matches
# both, and the tree returns whichever is nearer its root: through the next
# mapping, translated_addr = addr - next.low + next.phys = next.phys - 1,
# the last byte of the physical page below the next page's. The same holds
# when addr's own page is unmapped: that byte is written instead of blocked.
# edu moves at most 4095 bytes per DMA (drivers/edu/edu.h), so a 4096-byte
# write at a page-aligned IOVA ends with a 1-byte DMA at the page's last
# byte: that byte may miss its page, and a blocked write to the unmapped
# page below a buffer writes its last byte below the buffer's first page.
# NVMe's DMAs start 4-byte aligned, never at a page's last byte. The lab sets
# IODIRTY_GUARD_PAGES=1 (runners/lab/flavours/virtio.conf) so the dirty
# bench owns the page below each of its pages: below the first one, its
# last one, where the byte from the unmapped page is then always seen.
lab_defect.e2e.whole_pages_land.edu = QEMU 7.2 virtio-iommu: a DMA starting at an IOVA page's last byte (a 4096-byte edu write ends with one) may be translated through the next page's mapping, its byte written below that page's physical page
lab_defect.e2e.unmapped_write_blocked.edu = QEMU 7.2 virtio-iommu: a DMA starting at the last byte of an unmapped IOVA page is translated through the next page's mapping, not blocked; its byte lands below that page's physical page (the bench's last page)

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
