// SPDX-License-Identifier: GPL-2.0
/* Harvest bitmap memory at a chosen place, with guard bytes around it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/bitmap_buf.h"

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static size_t round_up(size_t x, size_t to)
{
	return (x + to - 1) / to * to;
}

int iod_bitmap_buf_alloc(struct iod_bitmap_buf *b, size_t bytes, size_t offset,
			 unsigned int flags)
{
	size_t ps = page_size(), data_off;

	memset(b, 0, sizeof(*b));
	if (!bytes || offset >= ps)
		return -EINVAL;
	if (flags & IOD_BM_END_AT_VMA) {
		/* Guard, bitmap, then one PROT_NONE page. */
		b->map_len = round_up(IOD_BM_GUARD + bytes, ps) + ps;
		data_off = b->map_len - ps - bytes;
	} else {
		/* A page in front holds the leading guard. */
		b->map_len = round_up(ps + offset + bytes + IOD_BM_GUARD, ps);
		data_off = ps + offset;
	}
	b->map = mmap(NULL, b->map_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		return -errno;
	}
	if (flags & IOD_BM_END_AT_VMA &&
	    mprotect((char *)b->map + b->map_len - ps, ps, PROT_NONE)) {
		int err = -errno;

		munmap(b->map, b->map_len);
		b->map = NULL;
		return err;
	}
	b->data = (uint8_t *)b->map + data_off;
	b->bytes = bytes;
	b->offset = data_off % ps;
	b->flags = flags;
	iod_bitmap_buf_zero(b);
	return 0;
}

void iod_bitmap_buf_free(struct iod_bitmap_buf *b)
{
	if (b->map)
		munmap(b->map, b->map_len);
	memset(b, 0, sizeof(*b));
}

static size_t guard_after(const struct iod_bitmap_buf *b)
{
	return b->flags & IOD_BM_END_AT_VMA ? 0 : IOD_BM_GUARD;
}

void iod_bitmap_buf_fill(struct iod_bitmap_buf *b, uint8_t byte)
{
	memset(b->data - IOD_BM_GUARD, IOD_BM_GUARD_BYTE, IOD_BM_GUARD);
	memset(b->data, byte, b->bytes);
	memset(b->data + b->bytes, IOD_BM_GUARD_BYTE, guard_after(b));
}

void iod_bitmap_buf_zero(struct iod_bitmap_buf *b)
{
	iod_bitmap_buf_fill(b, 0);
}

uint64_t iod_bitmap_buf_count(const struct iod_bitmap_buf *b, uint64_t from,
			      uint64_t to)
{
	uint64_t i, n = 0;

	for (i = from; i < to && i < (uint64_t)b->bytes * 8; i++)
		n += b->data[i / 8] >> (i % 8) & 1;
	return n;
}

static bool guard_ok(const uint8_t *g, size_t n, const char *where,
		     char *why, size_t len)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (g[i] == IOD_BM_GUARD_BYTE)
			continue;
		if (why && len)
			snprintf(why, len,
				 "the kernel wrote 0x%02x into the guard %s the bitmap (byte %zu of %zu)",
				 g[i], where, i, n);
		return false;
	}
	return true;
}

bool iod_bitmap_buf_guards_ok(const struct iod_bitmap_buf *b, char *why,
			      size_t len)
{
	return guard_ok(b->data - IOD_BM_GUARD, IOD_BM_GUARD, "before", why,
			len) &&
	       guard_ok(b->data + b->bytes, guard_after(b), "after", why, len);
}
