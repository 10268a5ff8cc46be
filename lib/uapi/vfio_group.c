// SPDX-License-Identifier: GPL-2.0
/* The legacy VFIO group/container path: sysfs lookups and type1 ioctls. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "uapi/vfio_group.h"

/* ioctl() keeping its non-negative value, or -errno (errno kept). */
static int vioctl(int fd, unsigned long cmd, unsigned long arg)
{
	int rc = ioctl(fd, cmd, arg);

	return rc < 0 ? -errno : rc;
}

static int fail(int rc)
{
	errno = -rc;
	return rc;
}

/* The last path component a sysfs symlink points to. */
static int link_base(const char *link, char *out, size_t len)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= len)
		return fail(-ENAMETOOLONG);
	strcpy(out, base);
	return 0;
}

int iod_vfio_cdev_bdf(const char *cdev, char *bdf, size_t len)
{
	const char *name = strrchr(cdev, '/');
	char link[PATH_MAX];

	if (!name && strchr(cdev, ':')) {
		if (strlen(cdev) >= len)
			return fail(-ENAMETOOLONG);
		strcpy(bdf, cdev);
		return 0;
	}
	name = name ? name + 1 : cdev;
	if (strncmp(name, "vfio", 4) || !name[4])
		return fail(-EINVAL);
	if ((size_t)snprintf(link, sizeof(link),
			     "/sys/class/vfio-dev/%s/device", name) >=
	    sizeof(link))
		return fail(-ENAMETOOLONG);
	return link_base(link, bdf, len);
}

int iod_vfio_fd_bdf(int fd, char *bdf, size_t len)
{
	char link[PATH_MAX];
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISCHR(st.st_mode))
		return fail(-ENOTTY);
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	return link_base(link, bdf, len);
}

int iod_vfio_bdf_group(const char *bdf, int *group)
{
	char link[PATH_MAX], base[32], *end;
	long v;
	int rc;

	if ((size_t)snprintf(link, sizeof(link),
			     "/sys/bus/pci/devices/%s/iommu_group", bdf) >=
	    sizeof(link))
		return fail(-ENAMETOOLONG);
	rc = link_base(link, base, sizeof(base));
	if (rc)
		return rc;
	errno = 0;
	v = strtol(base, &end, 10);
	if (errno || *end || end == base || v < 0 || v > INT_MAX)
		return fail(-EINVAL);
	*group = (int)v;
	return 0;
}

int iod_vfio_group_open(int group)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int iod_vfio_group_status(int group_fd, uint32_t *flags)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int rc = vioctl(group_fd, VFIO_GROUP_GET_STATUS, (unsigned long)&st);

	if (rc < 0)
		return rc;
	*flags = st.flags;
	return 0;
}

int iod_vfio_group_set_container(int group_fd, int container_fd)
{
	int rc = vioctl(group_fd, VFIO_GROUP_SET_CONTAINER,
			(unsigned long)&container_fd);

	return rc < 0 ? rc : 0;
}

int iod_vfio_group_unset_container(int group_fd)
{
	int rc = vioctl(group_fd, VFIO_GROUP_UNSET_CONTAINER, 0);

	return rc < 0 ? rc : 0;
}

int iod_vfio_group_device(int group_fd, const char *name,
			  struct iod_vfio_dev *dev)
{
	int fd;

	memset(dev, 0, sizeof(*dev));
	fd = vioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, (unsigned long)name);
	dev->fd = fd < 0 ? -1 : fd;
	return fd < 0 ? fd : 0;
}

int iod_vfio_container_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int iod_vfio_check_extension(int container_fd, unsigned long ext)
{
	return vioctl(container_fd, VFIO_CHECK_EXTENSION, ext);
}

int iod_vfio_set_iommu(int container_fd, unsigned long type)
{
	int rc = vioctl(container_fd, VFIO_SET_IOMMU, type);

	return rc < 0 ? rc : 0;
}

int iod_vfio_map_dma(int container_fd, void *vaddr, uint64_t iova,
		     uint64_t size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)vaddr,
		.iova = iova,
		.size = size,
	};
	int rc = vioctl(container_fd, VFIO_IOMMU_MAP_DMA, (unsigned long)&map);

	return rc < 0 ? rc : 0;
}

int iod_vfio_unmap_dma(int container_fd, uint64_t iova, uint64_t size,
		       uint32_t flags, uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = flags,
		.iova = iova,
		.size = size,
	};
	int rc = vioctl(container_fd, VFIO_IOMMU_UNMAP_DMA,
			(unsigned long)&unmap);

	if (rc < 0)
		return rc;
	if (unmapped)
		*unmapped = unmap.size;
	return 0;
}

int iod_vfio_unmap_dma_dirty(int container_fd, uint64_t iova, uint64_t size,
			     uint32_t extra_flags, uint64_t pgsize,
			     uint64_t *bitmap, uint64_t bitmap_size,
			     uint64_t *unmapped)
{
	struct {
		struct vfio_iommu_type1_dma_unmap unmap;
		struct vfio_bitmap bitmap;
	} arg = {
		.unmap = {
			.argsz = sizeof(arg),
			.flags = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP |
				 extra_flags,
			.iova = iova,
			.size = size,
		},
		.bitmap = {
			.pgsize = pgsize,
			.size = bitmap_size,
			.data = (void *)bitmap,
		},
	};
	int rc = vioctl(container_fd, VFIO_IOMMU_UNMAP_DMA,
			(unsigned long)&arg);

	if (rc < 0)
		return rc;
	if (unmapped)
		*unmapped = arg.unmap.size;
	return 0;
}

int iod_vfio_dirty_pages(int container_fd, uint32_t flags)
{
	struct vfio_iommu_type1_dirty_bitmap d = {
		.argsz = sizeof(d),
		.flags = flags,
	};
	int rc = vioctl(container_fd, VFIO_IOMMU_DIRTY_PAGES, (unsigned long)&d);

	return rc < 0 ? rc : 0;
}

int iod_vfio_dirty_start(int container_fd)
{
	return iod_vfio_dirty_pages(container_fd,
				    VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
}

int iod_vfio_dirty_stop(int container_fd)
{
	return iod_vfio_dirty_pages(container_fd,
				    VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
}

int iod_vfio_dirty_get_raw(int container_fd, uint32_t argsz, uint32_t flags,
			   const struct vfio_iommu_type1_dirty_bitmap_get *r)
{
	struct {
		struct vfio_iommu_type1_dirty_bitmap hdr;
		struct vfio_iommu_type1_dirty_bitmap_get range;
	} arg = {
		.hdr = { .argsz = argsz, .flags = flags },
		.range = *r,
	};
	int rc = vioctl(container_fd, VFIO_IOMMU_DIRTY_PAGES,
			(unsigned long)&arg);

	return rc < 0 ? rc : 0;
}

int iod_vfio_dirty_get(int container_fd, uint64_t iova, uint64_t size,
		       uint64_t pgsize, uint64_t *bitmap, uint64_t bitmap_size)
{
	struct vfio_iommu_type1_dirty_bitmap_get r = {
		.iova = iova,
		.size = size,
		.bitmap = {
			.pgsize = pgsize,
			.size = bitmap_size,
			.data = (void *)bitmap,
		},
	};

	return iod_vfio_dirty_get_raw(container_fd,
			sizeof(struct vfio_iommu_type1_dirty_bitmap) +
			sizeof(r), VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP, &r);
}

static void walk_caps(const uint8_t *buf, uint32_t len,
		      struct iod_vfio_iommu_info *info)
{
	uint32_t off = ((const struct vfio_iommu_type1_info *)buf)->cap_offset;
	unsigned int hops = 0;

	while (off && off + sizeof(struct vfio_info_cap_header) <= len &&
	       hops++ < 64) {
		const struct vfio_info_cap_header *h = (const void *)(buf + off);

		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION &&
		    off + sizeof(struct vfio_iommu_type1_info_cap_migration) <=
		    len) {
			const struct vfio_iommu_type1_info_cap_migration *m =
				(const void *)h;

			info->has_migration = true;
			info->mig_flags = m->flags;
			info->mig_pgsize_bitmap = m->pgsize_bitmap;
			info->mig_max_dirty_bitmap_size =
				m->max_dirty_bitmap_size;
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL &&
			   off + sizeof(struct vfio_iommu_type1_info_dma_avail)
			   <= len) {
			const struct vfio_iommu_type1_info_dma_avail *a =
				(const void *)h;

			info->has_dma_avail = true;
			info->dma_avail = a->avail;
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE &&
			   off + sizeof(struct
				vfio_iommu_type1_info_cap_iova_range) <= len) {
			const struct vfio_iommu_type1_info_cap_iova_range *r =
				(const void *)h;
			uint32_t i;

			for (i = 0; i < r->nr_iovas &&
			     i < IOD_VFIO_MAX_RANGES &&
			     off + sizeof(*r) + (i + 1) *
			     sizeof(r->iova_ranges[0]) <= len; i++)
				info->iova_ranges[i] = r->iova_ranges[i];
			info->nr_iova_ranges = i;
		}
		off = h->next;
	}
}

int iod_vfio_iommu_info(int container_fd, struct iod_vfio_iommu_info *info)
{
	struct vfio_iommu_type1_info hdr = { .argsz = sizeof(hdr) };
	uint32_t len;
	uint8_t *buf;
	int rc;

	memset(info, 0, sizeof(*info));
	rc = vioctl(container_fd, VFIO_IOMMU_GET_INFO, (unsigned long)&hdr);
	if (rc < 0)
		return rc;
	len = hdr.argsz > sizeof(hdr) ? hdr.argsz : sizeof(hdr);
	buf = calloc(1, len);
	if (!buf)
		return fail(-ENOMEM);
	((struct vfio_iommu_type1_info *)buf)->argsz = len;
	rc = vioctl(container_fd, VFIO_IOMMU_GET_INFO, (unsigned long)buf);
	if (rc >= 0) {
		const struct vfio_iommu_type1_info *i = (const void *)buf;

		info->flags = i->flags;
		info->iova_pgsizes = i->iova_pgsizes;
		if (i->flags & VFIO_IOMMU_INFO_CAPS)
			walk_caps(buf, len, info);
		rc = 0;
	}
	free(buf);
	return rc < 0 ? fail(rc) : 0;
}

int iod_vfio_pick_iova(const struct iod_vfio_iommu_info *info, uint64_t len,
		       uint64_t floor, uint64_t align, uint64_t *iova)
{
	uint64_t best = UINT64_MAX;
	uint32_t i;

	if (!info->nr_iova_ranges) {
		*iova = (floor + align - 1) & ~(align - 1);
		return 0;
	}
	for (i = 0; i < info->nr_iova_ranges; i++) {
		const struct vfio_iova_range *r = &info->iova_ranges[i];
		uint64_t start = r->start > floor ? r->start : floor;

		start = (start + align - 1) & ~(align - 1);
		if (start < r->start || start > r->end ||
		    r->end - start < len - 1)
			continue;
		if (start < best)
			best = start;
	}
	if (best == UINT64_MAX)
		return fail(-ENOSPC);
	*iova = best;
	return 0;
}
