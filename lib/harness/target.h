/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The device under test, whichever the profile names: an iommufd mock
 * device, or a PCI device through its VFIO cdev. A target owns an iommufd,
 * one IOAS, and the device bound to that iommufd.
 */
#ifndef IODIRTY_TARGET_H
#define IODIRTY_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uapi/mock.h"
#include "uapi/vfio_cdev.h"

struct iod_target {
	int fd;			/* iommufd */
	uint32_t ioas_id;
	uint32_t dev_id;	/* iommufd device id of the device */
	bool mock;
	struct iod_mock_dev md;	/* mock: attached to the IOAS at open */
	struct iod_vfio_dev vdev; /* vfio-pci: bound, not attached at open */
	uint32_t pt_id;		/* what the device is attached to, 0 if none */
	/*
	 * pt_id is a nested (stage-1) HWPT: its nest parent, the paging HWPT
	 * whose IOPTEs the IOMMU walks last and marks dirty; 0 otherwise.
	 * Set by iod_nested_attach() (harness/nested.h), cleared by every
	 * attach.
	 */
	uint32_t parent_id;
	bool peer;		/* fd belongs to another target */
};

struct iod_target_opts {
	uint32_t mock_flags;	/* MOCK_FLAGS_DEVICE_* for a mock device */
	bool account_mm;	/* IOMMU_OPTION_RLIMIT_MODE=1: pins in VmPin */
};

/*
 * Open /dev/iommu, allocate an IOAS and bring up the environment's device
 * (mock_flags apply to a mock device). 0, or -errno with `why` saying what
 * failed and what to do next.
 */
int iod_target_open(struct iod_target *t, uint32_t mock_flags, char *why,
		    size_t len);
int iod_target_open_opts(struct iod_target *t,
			 const struct iod_target_opts *opts, char *why,
			 size_t len);
/*
 * A second device in t's iommufd and IOAS, for cases with two devices on
 * one HWPT: another mock device on a mock target, else the VFIO device at
 * cdev, bound to t's iommufd (not attached). Closing the peer leaves t's
 * iommufd open. 0, or -errno with `why`.
 */
int iod_target_open_peer(struct iod_target *peer, const struct iod_target *t,
			 const char *cdev, char *why, size_t len);
/*
 * The same with mock_flags (MOCK_FLAGS_DEVICE_*) for a mock peer, e.g. a
 * device whose IOMMU cannot track dirty pages; ignored for a VFIO peer.
 */
int iod_target_open_peer_flags(struct iod_target *peer,
			       const struct iod_target *t, const char *cdev,
			       uint32_t mock_flags, char *why, size_t len);
/* Attach (or re-attach, i.e. replace) to an IOAS or HWPT id. */
int iod_target_attach(struct iod_target *t, uint32_t pt_id);
/*
 * The paging HWPT that translates the device's DMA last and holds its
 * dirty bits: the nest parent when the device is on a nested HWPT, else
 * what it is attached to.
 */
static inline uint32_t iod_target_paging_id(const struct iod_target *t)
{
	return t->parent_id ? t->parent_id : t->pt_id;
}
/*
 * Detach: the VFIO cdev detaches; a mock device cannot be detached, it is
 * re-attached to the target's IOAS instead.
 */
int iod_target_detach(struct iod_target *t);
void iod_target_close(struct iod_target *t);

#endif
