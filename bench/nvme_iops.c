// SPDX-License-Identifier: GPL-2.0
/*
 * nvme_iops: 4 KiB random reads at queue depth 1 and 32 through the suite's
 * userspace NVMe driver (lib/drivers/nvme/nvme.h, over VFIO + iommufd), with MSI-X
 * completions reaped by io_uring and with polling, next to fio
 * (ioengine=io_uring, direct I/O) on the guest kernel's nvme driver driving
 * an identical controller in the same boot. Prints a table with both IOPS
 * and their ratio, and one "IODIRTY-BENCH {...}" record per measurement.
 *
 * The engine's controller is the device named "nvme" in IODIRTY_DEVICES;
 * the kernel's is the PCI device IODIRTY_BENCH_DISK (BDF), whose namespace
 * is found through sysfs. Without either, the program says why and exits 4
 * (skipped on this machine).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "disk_guard.h"
#include "harness/env.h"
#include "drivers/nvme/nvme.h"
#include "model/rand.h"
#include "harness/target.h"

#define JSON_PREFIX	"IODIRTY-BENCH "
#define BS		4096u
#define MAX_QD		32u
#define KSFT_SKIP	4

static const unsigned int depths[] = { 1, 32 };
#define NR_DEPTHS (sizeof(depths) / sizeof(depths[0]))

struct result {
	double iops;
	unsigned long long ios;
	double secs;
};

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("nvme_iops: error: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void __attribute__((noreturn)) skip(const char *why)
{
	printf("# SKIP %s\n", why);
	exit(KSFT_SKIP);
}

/* One run of random reads at depth qd for `secs` through the engine. */
static int engine_run(struct iod_nvme *n, unsigned int qd, double secs,
		      uint64_t seed, struct result *r)
{
	struct iod_nvme_io io[MAX_QD];
	struct iod_nvme_seg seg[MAX_QD];
	uint32_t nlb = BS / iod_nvme_lba_size(n);
	uint64_t blocks = iod_nvme_nlbas(n) / nlb, iova;
	struct iod_rand rnd;
	double t0, end;
	unsigned int i;
	uint8_t *buf;
	int rc;

	buf = iod_nvme_dma_alloc(n, (uint64_t)BS * qd, &iova);
	if (!buf)
		return -ENOMEM;
	iod_rand_init(&rnd, seed);
	memset(r, 0, sizeof(*r));
	for (i = 0; i < qd; i++) {
		seg[i] = (struct iod_nvme_seg){ iova + (uint64_t)i * BS, BS };
		io[i] = (struct iod_nvme_io){
			.opc = IOD_NVME_READ, .nlb = nlb, .seg = &seg[i],
			.nseg = 1, .done = true,
		};
	}
	t0 = iod_now_s();
	end = t0 + secs;
	for (;;) {
		bool more = iod_now_s() < end;

		for (i = 0; i < qd; i++) {
			if (!io[i].done)
				continue;
			if (io[i].result)
				return io[i].result;
			if (!more)
				continue;
			io[i].slba = iod_rand_below(&rnd, blocks) * nlb;
			io[i].done = false;
			rc = iod_nvme_submit(n, 0, &io[i]);
			if (rc)
				return rc;
		}
		if (!iod_nvme_inflight(n))
			break;
		rc = iod_nvme_reap(n, 1000);
		if (rc < 0)
			return rc;
		r->ios += rc;
	}
	r->secs = iod_now_s() - t0;
	r->iops = r->ios / r->secs;
	return 0;
}

/* The namespace block device (/dev/nvmeXnY) of the kernel-driven controller. */
static int find_namespace(const char *bdf, char *dev, size_t len)
{
	char name[IOD_DISK_NAME_MAX];
	int rc = iod_disk_nvme_namespace(NULL, bdf, name, sizeof(name));

	if (!rc)
		snprintf(dev, len, "/dev/%.60s", name);
	return rc;
}

/* fio's read IOPS from its JSON output, or -1. */
static double fio_iops(const char *json)
{
	const char *p = strstr(json, "\"read\"");

	p = p ? strstr(p, "\"iops\"") : NULL;
	p = p ? strchr(p, ':') : NULL;
	return p ? strtod(p + 1, NULL) : -1;
}

static int fio_run(const char *dev, unsigned int qd, double secs,
		   struct result *r, char *err, size_t errlen)
{
	char cmd[512], out[1 << 16];
	size_t used = 0;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd),
		 "fio --name=randread --filename=%s --ioengine=io_uring --direct=1 --rw=randread --bs=%u --iodepth=%u --runtime=%.0f --time_based=1 --norandommap=1 --randrepeat=0 --thread --output-format=json 2>&1",
		 dev, BS, qd, secs);
	p = popen(cmd, "r");
	if (!p) {
		snprintf(err, errlen, "cannot run fio: %s", strerror(errno));
		return -1;
	}
	while (used < sizeof(out) - 1) {
		size_t n = fread(out + used, 1, sizeof(out) - 1 - used, p);

		if (!n)
			break;
		used += n;
	}
	out[used] = '\0';
	st = pclose(p);
	memset(r, 0, sizeof(*r));
	r->iops = fio_iops(out);
	if (st || r->iops < 0) {
		snprintf(err, errlen, "fio exited %d: %.300s", WEXITSTATUS(st),
			 out);
		return -1;
	}
	r->secs = secs;
	r->ios = (unsigned long long)(r->iops * secs);
	return 0;
}

static void record(const char *flavour, const char *driver,
		   const char *mode, unsigned int qd, const struct result *r)
{
	printf(JSON_PREFIX "{\"bench\":\"nvme_iops\",\"flavour\":\"%s\",\"driver\":\"%s\",\"completion\":\"%s\",\"bs\":%u,\"qd\":%u,\"seconds\":%.2f,\"ios\":%llu,\"iops\":%.0f}\n",
	       flavour, driver, mode, BS, qd, r->secs, r->ios, r->iops);
}

static const char usage[] =
	"usage: nvme_iops [--seconds N]\n"
	"  4 KiB random reads at QD 1 and 32 for N seconds each (default 10)\n"
	"  through the userspace NVMe driver (irq and poll) and through fio\n"
	"  on the kernel's nvme driver. Needs IODIRTY_DEVICES with nvme=CDEV,\n"
	"  IODIRTY_PROFILE, and IODIRTY_BENCH_DISK=BDF of a controller the\n"
	"  kernel's nvme driver drives.\n";

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct result eng[2][NR_DEPTHS], fio[NR_DEPTHS];
	const char *disk = getenv("IODIRTY_BENCH_DISK");
	const char *flavour;
	double secs = 10;
	char why[512], dev[96], err[512];
	unsigned int m, i;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's') {
			secs = strtod(optarg, NULL);
			if (secs < 1 || secs > 600)
				die("--seconds wants 1 to 600, not '%s'", optarg);
		} else if (c == 'h') {
			fputs(usage, stdout);
			return 0;
		} else {
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!iod_env_device("nvme"))
		skip("no NVMe controller for the engine (IODIRTY_DEVICES has no nvme=CDEV)");
	if (!disk || !*disk)
		skip("no controller on the kernel's nvme driver to compare with (IODIRTY_BENCH_DISK is not set)");
	if (find_namespace(disk, dev, sizeof(dev)))
		die("%s has no namespace block device; is it on the kernel's nvme driver?",
		    disk);
	setenv("IODIRTY_ENGINE", "nvme", 1);
	iod_env_load(argc, argv);
	flavour = iod_env.flavour ? iod_env.flavour : "";

	for (m = 0; m < 2; m++) {
		struct iod_nvme_opts o = {
			.nr_queues = 1, .depth = 64, .poll = m == 1,
			.iova_floor = 1ull << 32,
		};
		struct iod_target t;
		struct iod_dma_map map;
		struct iod_nvme *n;

		rc = iod_target_open(&t, 0, why, sizeof(why));
		if (rc)
			die("opening the engine's controller: %s", why);
		rc = iod_target_attach(&t, t.ioas_id);
		if (rc)
			die("attaching it to its IOAS: %s", strerror(-rc));
		map = iod_dma_map_ioas(t.fd, t.ioas_id);
		rc = iod_nvme_open(&n, &t.vdev, &map, &o, why, sizeof(why));
		if (rc)
			die("bringing the controller up: %s", why);
		for (i = 0; i < NR_DEPTHS; i++) {
			printf("# engine %s QD%u: %.0f s of 4 KiB random reads\n",
			       m ? "poll" : "irq", depths[i], secs);
			fflush(stdout);
			rc = engine_run(n, depths[i], secs, 1 + i, &eng[m][i]);
			if (rc)
				die("engine %s QD%u: %s", m ? "poll" : "irq",
				    depths[i], strerror(-rc));
			record(flavour, "iodirty-nvme", m ? "poll" : "irq",
			       depths[i], &eng[m][i]);
		}
		iod_nvme_close(n);
		iod_target_close(&t);
	}
	for (i = 0; i < NR_DEPTHS; i++) {
		printf("# fio io_uring QD%u on %s: %.0f s\n", depths[i], dev,
		       secs);
		fflush(stdout);
		if (fio_run(dev, depths[i], secs, &fio[i], err, sizeof(err)))
			die("fio QD%u on %s: %s", depths[i], dev, err);
		record(flavour, "kernel-nvme+fio", "irq", depths[i], &fio[i]);
	}

	printf("\n4 KiB random read IOPS, %s, %.0f s each (engine: userspace NVMe over VFIO+iommufd; fio: io_uring, O_DIRECT, kernel nvme driver on %s)\n",
	       flavour, secs, dev);
	printf("%-4s %14s %14s %14s %12s %12s\n", "QD", "engine irq",
	       "engine poll", "fio io_uring", "irq/fio", "poll/fio");
	for (i = 0; i < NR_DEPTHS; i++)
		printf("%-4u %14.0f %14.0f %14.0f %12.2f %12.2f\n", depths[i],
		       eng[0][i].iops, eng[1][i].iops, fio[i].iops,
		       eng[0][i].iops / fio[i].iops,
		       eng[1][i].iops / fio[i].iops);
	return 0;
}
