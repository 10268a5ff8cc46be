/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VFIO device's interrupts routed to eventfds: MSI or MSI-X vectors
 * through VFIO_DEVICE_SET_IRQS. Each vector's eventfd counts interrupts;
 * reading it (8 bytes) takes the count and resets it.
 */
#ifndef IODIRTY_VFIO_IRQ_H
#define IODIRTY_VFIO_IRQ_H

#include <stdint.h>

#include "uapi/vfio_cdev.h"

/* How many vectors the device offers at `index`: 0 or -errno. */
int iod_vfio_irq_count(struct iod_vfio_dev *dev, unsigned int index,
		       uint32_t *count);

/*
 * Route vectors 0..count-1 of `index` (VFIO_PCI_MSI_IRQ_INDEX or
 * VFIO_PCI_MSIX_IRQ_INDEX) to new (blocking) eventfds, stored in efds.
 * 0 or -errno (nothing left enabled or open on failure).
 */
int iod_vfio_irq_enable(struct iod_vfio_dev *dev, unsigned int index,
			uint32_t count, int *efds);

/* Stop the vectors of `index` and close the count eventfds. */
void iod_vfio_irq_disable(struct iod_vfio_dev *dev, unsigned int index,
			  uint32_t count, int *efds);

#endif
