// SPDX-License-Identifier: GPL-2.0
/* MSI and MSI-X vectors of a VFIO device routed to eventfds. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "uapi/vfio_irq.h"

int iod_vfio_irq_count(struct iod_vfio_dev *dev, unsigned int index,
		       uint32_t *count)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = index };

	if (ioctl(dev->fd, VFIO_DEVICE_GET_IRQ_INFO, &info))
		return -errno;
	*count = (info.flags & VFIO_IRQ_INFO_EVENTFD) ? info.count : 0;
	return 0;
}

static int set_irqs(struct iod_vfio_dev *dev, unsigned int index,
		    uint32_t count, const int *efds)
{
	size_t sz = sizeof(struct vfio_irq_set) + count * sizeof(int32_t);
	struct vfio_irq_set *set = calloc(1, sz);
	int rc = 0;

	if (!set)
		return -ENOMEM;
	set->argsz = sz;
	set->index = index;
	set->start = 0;
	set->count = count;
	if (efds) {
		set->flags = VFIO_IRQ_SET_DATA_EVENTFD |
			     VFIO_IRQ_SET_ACTION_TRIGGER;
		memcpy(set->data, efds, count * sizeof(int32_t));
	} else {
		set->flags = VFIO_IRQ_SET_DATA_NONE |
			     VFIO_IRQ_SET_ACTION_TRIGGER;
	}
	if (ioctl(dev->fd, VFIO_DEVICE_SET_IRQS, set))
		rc = -errno;
	free(set);
	return rc;
}

int iod_vfio_irq_enable(struct iod_vfio_dev *dev, unsigned int index,
			uint32_t count, int *efds)
{
	uint32_t avail, i;
	int rc = iod_vfio_irq_count(dev, index, &avail);

	if (rc)
		return rc;
	if (!count || count > avail)
		return -ENOSPC;
	for (i = 0; i < count; i++) {
		efds[i] = eventfd(0, EFD_CLOEXEC);
		if (efds[i] < 0) {
			rc = -errno;
			goto fail;
		}
	}
	rc = set_irqs(dev, index, count, efds);
	if (!rc)
		return 0;
fail:
	while (i--) {
		close(efds[i]);
		efds[i] = -1;
	}
	return rc;
}

void iod_vfio_irq_disable(struct iod_vfio_dev *dev, unsigned int index,
			  uint32_t count, int *efds)
{
	uint32_t i;

	set_irqs(dev, index, 0, NULL);
	for (i = 0; i < count; i++) {
		if (efds[i] >= 0)
			close(efds[i]);
		efds[i] = -1;
	}
}
