/* SPDX-License-Identifier: GPL-2.0 */
/*
 * QEMU's educational PCI device (edu, 1234:11e8) as a DMA engine, driven
 * through its BAR0 from userspace. One DMA moves at most IOD_EDU_MAX_XFER
 * bytes between host memory (at an IOVA) and the device's 4 KiB buffer.
 */
#ifndef IODIRTY_EDU_H
#define IODIRTY_EDU_H

#include <stdbool.h>
#include <stdint.h>
#include "uapi/vfio_cdev.h"

#define IOD_EDU_VENDOR		0x1234
#define IOD_EDU_DEVICE		0x11e8
#define IOD_EDU_BUF_ADDR	0x40000
/*
 * The buffer is 4096 bytes, but QEMU 7.2's bounds check is off by one and a
 * 4096-byte transfer aborts the whole machine: stay one byte short.
 */
#define IOD_EDU_MAX_XFER	4095
/* The deadline of every wait for one DMA (100 ms of device time). */
#define IOD_EDU_TIMEOUT_MS	5000

/*
 * Map BAR0, check the identification register, bring the device back from
 * what an earlier user left (wait up to IOD_EDU_TIMEOUT_MS for a DMA still
 * running, else -EBUSY; acknowledge every interrupt), enable bus mastering.
 */
int iod_edu_init(struct iod_vfio_dev *dev);
/* Route the device's MSI to a new eventfd (*efd): 0 or -errno. */
int iod_edu_irq_on(struct iod_vfio_dev *dev, int *efd);
void iod_edu_irq_off(struct iod_vfio_dev *dev, int *efd);
/*
 * One DMA between host memory at iova and the device's buffer: to_ram, the
 * device writes host memory. Completion by the MSI on efd, or by polling
 * when efd < 0, each within IOD_EDU_TIMEOUT_MS. 0 or -errno (-ETIMEDOUT:
 * said on stderr, and bus mastering is turned off until the next
 * iod_edu_init(); -EBUSY: a DMA still runs; -EPROTO: interrupt without a
 * finished DMA).
 */
int iod_edu_dma(struct iod_vfio_dev *dev, int efd, bool to_ram, uint64_t iova,
		uint32_t len);
/* Device writes len bytes of its buffer to host memory at iova (polled). */
int iod_edu_write_to(struct iod_vfio_dev *dev, uint64_t iova, uint32_t len);
/* Device reads len bytes of host memory at iova into its buffer (polled). */
int iod_edu_read_from(struct iod_vfio_dev *dev, uint64_t iova, uint32_t len);

#endif
