// SPDX-License-Identifier: GPL-2.0
/* The device under test: a mock device or a VFIO cdev, behind one API. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine/engine.h"
#include "harness/env.h"
#include "uapi/iommufd.h"
#include "harness/target.h"

int iod_target_open(struct iod_target *t, uint32_t mock_flags, char *why,
		    size_t len)
{
	struct iod_target_opts opts = { .mock_flags = mock_flags };

	return iod_target_open_opts(t, &opts, why, len);
}

int iod_target_open_opts(struct iod_target *t,
			 const struct iod_target_opts *opts, char *why,
			 size_t len)
{
	const char *cdev;
	int rc;

	memset(t, 0, sizeof(*t));
	t->vdev.fd = -1;
	t->mock = iod_env_is_mock();
	t->fd = iod_iommufd_open();
	if (t->fd < 0) {
		rc = t->fd;
		snprintf(why, len,
			 "cannot open /dev/iommu (%s): the kernel needs CONFIG_IOMMUFD=y",
			 strerror(-rc));
		return rc;
	}
	if (opts->account_mm) {
		rc = iod_option_set(t->fd, IOMMU_OPTION_RLIMIT_MODE, 0, 1);
		if (rc) {
			snprintf(why, len,
				 "IOMMU_OPTION_RLIMIT_MODE=1 failed: %s (needs CAP_SYS_RESOURCE)",
				 strerror(-rc));
			goto fail;
		}
	}
	rc = iod_ioas_alloc(t->fd, &t->ioas_id);
	if (rc) {
		snprintf(why, len, "IOMMU_IOAS_ALLOC failed: %s", strerror(-rc));
		goto fail;
	}
	if (t->mock) {
		rc = iod_mock_dev_create(t->fd, t->ioas_id, opts->mock_flags,
					 &t->md);
		if (rc) {
			snprintf(why, len,
				 "cannot create an iommufd mock device (%s): the kernel needs CONFIG_IOMMUFD_TEST=y and no intel/amd IOMMU active",
				 strerror(-rc));
			goto fail;
		}
		t->dev_id = t->md.idev_id;
		t->pt_id = t->md.hwpt_id;
		return 0;
	}
	cdev = iod_engine_cdev(iod_engine_name());
	rc = iod_vfio_open(&t->vdev, cdev);
	if (rc) {
		snprintf(why, len,
			 "cannot open %s (%s): is the device bound to vfio-pci with CONFIG_VFIO_DEVICE_CDEV=y?",
			 cdev, strerror(-rc));
		goto fail;
	}
	rc = iod_vfio_bind_iommufd(&t->vdev, t->fd);
	if (rc) {
		snprintf(why, len, "VFIO_DEVICE_BIND_IOMMUFD on %s failed: %s",
			 cdev, strerror(-rc));
		goto fail;
	}
	t->dev_id = t->vdev.dev_id;
	return 0;
fail:
	iod_target_close(t);
	return rc;
}

int iod_target_open_peer(struct iod_target *peer, const struct iod_target *t,
			 const char *cdev, char *why, size_t len)
{
	return iod_target_open_peer_flags(peer, t, cdev, 0, why, len);
}

int iod_target_open_peer_flags(struct iod_target *peer,
			       const struct iod_target *t, const char *cdev,
			       uint32_t mock_flags, char *why, size_t len)
{
	int rc;

	memset(peer, 0, sizeof(*peer));
	peer->vdev.fd = -1;
	peer->fd = t->fd;
	peer->ioas_id = t->ioas_id;
	peer->mock = t->mock;
	peer->peer = true;
	if (t->mock) {
		rc = iod_mock_dev_create(t->fd, t->ioas_id, mock_flags,
					 &peer->md);
		if (rc) {
			snprintf(why, len, "cannot create a second mock device: %s",
				 strerror(-rc));
			return rc;
		}
		peer->dev_id = peer->md.idev_id;
		peer->pt_id = peer->md.hwpt_id;
		return 0;
	}
	rc = iod_vfio_open(&peer->vdev, cdev);
	if (!rc)
		rc = iod_vfio_bind_iommufd(&peer->vdev, t->fd);
	if (rc) {
		snprintf(why, len, "cannot bring %s into the iommufd: %s",
			 cdev ? cdev : "(no cdev)", strerror(-rc));
		iod_target_close(peer);
		return rc;
	}
	peer->dev_id = peer->vdev.dev_id;
	return 0;
}

int iod_target_attach(struct iod_target *t, uint32_t pt_id)
{
	int rc;

	if (t->mock) {
		rc = iod_mock_dev_replace(t->fd, &t->md, pt_id);
		if (!rc) {
			t->pt_id = t->md.hwpt_id;
			t->parent_id = 0;
		}
		return rc;
	}
	rc = iod_vfio_attach(&t->vdev, &pt_id);
	if (!rc) {
		t->pt_id = pt_id;
		t->parent_id = 0;
	}
	return rc;
}

int iod_target_detach(struct iod_target *t)
{
	int rc;

	if (t->mock)
		return iod_target_attach(t, t->ioas_id);
	rc = iod_vfio_detach(&t->vdev);
	if (!rc) {
		t->pt_id = 0;
		t->parent_id = 0;
	}
	return rc;
}

void iod_target_close(struct iod_target *t)
{
	if (t->mock && t->md.stdev_id)
		iod_destroy(t->fd, t->md.stdev_id);
	if (t->vdev.fd >= 0)
		iod_vfio_close(&t->vdev);
	if (t->fd > 0 && !t->peer)
		close(t->fd);
	t->fd = -1;
	t->md.stdev_id = 0;
}
