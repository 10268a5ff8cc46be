// SPDX-License-Identifier: GPL-2.0
/*
 * edu as a DMA engine: registers from QEMU's docs/specs/edu.txt.
 * A DMA runs 100 ms of device time after the command is written; completion
 * is seen by polling the command register's run bit, or by the device's MSI
 * (raised at DMA end when the command asks for it) through a VFIO eventfd.
 *
 * Every wait has a deadline (IOD_EDU_TIMEOUT_MS): a DMA that does not
 * complete by then is -ETIMEDOUT, said on stderr, and the device's bus
 * mastering is turned off so a late DMA cannot land in memory its caller
 * is about to reuse. edu has no reset (no FLR, no PM reset), so the next
 * user's iod_edu_init() is what brings it back: it waits out a DMA still
 * running, acknowledges interrupts left raised and turns bus mastering on.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "clock.h"
#include "drivers/edu/edu.h"
#include "uapi/vfio_irq.h"

#define EDU_REG_IDENT	0x00
#define EDU_IDENT_MASK	0x0000ffff
#define EDU_IDENT	0x000000ed
#define EDU_REG_SRC	0x80
#define EDU_REG_DST	0x88
#define EDU_REG_CNT	0x90
#define EDU_REG_CMD	0x98
#define EDU_CMD_RUN	0x1
#define EDU_CMD_TO_RAM	0x2
#define EDU_CMD_IRQ	0x4
#define EDU_REG_IRQ_STATUS 0x24
#define EDU_REG_IRQ_ACK	0x64
#define EDU_IRQ_DMA	0x100
#define EDU_IRQ_ALL	0xffffffff

static volatile uint32_t *reg32(struct iod_vfio_dev *dev, unsigned int off)
{
	return (volatile uint32_t *)((volatile uint8_t *)dev->bar + off);
}

static volatile uint64_t *reg64(struct iod_vfio_dev *dev, unsigned int off)
{
	return (volatile uint64_t *)((volatile uint8_t *)dev->bar + off);
}

static void nap_5ms(void)
{
	nanosleep(&(struct timespec){ .tv_nsec = 5 * 1000 * 1000 }, NULL);
}

/* Is a DMA running? Poll up to ms for it to end; true if it still runs. */
static bool still_running(struct iod_vfio_dev *dev, unsigned int ms)
{
	uint64_t deadline = iod_now_ms() + ms;

	while (*reg64(dev, EDU_REG_CMD) & EDU_CMD_RUN) {
		if (iod_now_ms() > deadline)
			return true;
		nap_5ms();
	}
	return false;
}

int iod_edu_init(struct iod_vfio_dev *dev)
{
	int rc;

	if (!dev->bar) {
		rc = iod_vfio_map_bar(dev, 0);
		if (rc)
			return rc;
	}
	if ((*reg32(dev, EDU_REG_IDENT) & EDU_IDENT_MASK) != EDU_IDENT)
		return -ENODEV;
	/*
	 * What an earlier user may have left: a DMA still running (it was
	 * killed mid-DMA, or gave up on it) and interrupts never acknowledged.
	 */
	if (still_running(dev, IOD_EDU_TIMEOUT_MS)) {
		fprintf(stderr, "edu: a DMA left by an earlier user still runs after %d ms (command 0x%" PRIx64 "): the device is stuck\n",
			IOD_EDU_TIMEOUT_MS, *reg64(dev, EDU_REG_CMD));
		return -EBUSY;
	}
	*reg32(dev, EDU_REG_IRQ_ACK) = EDU_IRQ_ALL;
	return iod_vfio_bus_master(dev, 1);
}

int iod_edu_irq_on(struct iod_vfio_dev *dev, int *efd)
{
	return iod_vfio_irq_enable(dev, VFIO_PCI_MSI_IRQ_INDEX, 1, efd);
}

void iod_edu_irq_off(struct iod_vfio_dev *dev, int *efd)
{
	iod_vfio_irq_disable(dev, VFIO_PCI_MSI_IRQ_INDEX, 1, efd);
}

/*
 * A DMA missed its deadline: say so, and stop the device from mastering
 * the bus so a late completion writes nothing (iod_edu_init() turns it
 * back on for the next user).
 */
static int timed_out(struct iod_vfio_dev *dev, const char *how, uint64_t src,
		     uint64_t dst, uint32_t len)
{
	fprintf(stderr, "edu: a DMA of %u bytes from 0x%" PRIx64 " to 0x%" PRIx64 " did not complete within %d ms (waiting for %s; command 0x%" PRIx64 "): bus mastering turned off\n",
		len, src, dst, IOD_EDU_TIMEOUT_MS, how,
		*reg64(dev, EDU_REG_CMD));
	iod_vfio_bus_master(dev, 0);
	return -ETIMEDOUT;
}

/*
 * Wait for the DMA-done interrupt on efd until the deadline (a signal does
 * not restart the clock), then acknowledge it: 0, -ETIMEDOUT or -errno.
 */
static int wait_irq(struct iod_vfio_dev *dev, int efd, uint64_t deadline)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t count, now;
	int rc;

	do {
		now = iod_now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		rc = poll(&p, 1, (int)(deadline - now));
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (!rc)
		return -ETIMEDOUT;
	if (read(efd, &count, sizeof(count)) != sizeof(count))
		return -EIO;
	if (!(*reg32(dev, EDU_REG_IRQ_STATUS) & EDU_IRQ_DMA))
		return -EPROTO;		/* an interrupt, but not ours */
	*reg32(dev, EDU_REG_IRQ_ACK) = EDU_IRQ_DMA;
	/* The interrupt comes after the run bit clears. */
	return (*reg64(dev, EDU_REG_CMD) & EDU_CMD_RUN) ? -EPROTO : 0;
}

static int dma(struct iod_vfio_dev *dev, uint64_t src, uint64_t dst,
	       uint32_t len, uint32_t cmd, int efd)
{
	int rc;

	if (!len || len > IOD_EDU_MAX_XFER)
		return -EINVAL;
	if (*reg64(dev, EDU_REG_CMD) & EDU_CMD_RUN)
		return -EBUSY;
	*reg64(dev, EDU_REG_SRC) = src;
	*reg64(dev, EDU_REG_DST) = dst;
	*reg64(dev, EDU_REG_CNT) = len;
	if (efd >= 0) {
		*reg64(dev, EDU_REG_CMD) = cmd | EDU_CMD_RUN | EDU_CMD_IRQ;
		rc = wait_irq(dev, efd, iod_now_ms() + IOD_EDU_TIMEOUT_MS);
		if (rc == -ETIMEDOUT)
			return timed_out(dev, "its MSI", src, dst, len);
		return rc;
	}
	*reg64(dev, EDU_REG_CMD) = cmd | EDU_CMD_RUN;
	if (still_running(dev, IOD_EDU_TIMEOUT_MS))
		return timed_out(dev, "the run bit to clear", src, dst, len);
	return 0;
}

int iod_edu_dma(struct iod_vfio_dev *dev, int efd, bool to_ram, uint64_t iova,
		uint32_t len)
{
	if (to_ram)
		return dma(dev, IOD_EDU_BUF_ADDR, iova, len, EDU_CMD_TO_RAM,
			   efd);
	return dma(dev, iova, IOD_EDU_BUF_ADDR, len, 0, efd);
}

int iod_edu_write_to(struct iod_vfio_dev *dev, uint64_t iova, uint32_t len)
{
	return iod_edu_dma(dev, -1, true, iova, len);
}

int iod_edu_read_from(struct iod_vfio_dev *dev, uint64_t iova, uint32_t len)
{
	return iod_edu_dma(dev, -1, false, iova, len);
}
