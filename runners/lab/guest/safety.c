// SPDX-License-Identifier: GPL-2.0
/*
 * lab/safety: the promises the runner makes to a real machine, proven on
 * the lab's devices after the suites ran.
 *
 *  - Killing the runner (SIGTERM, Ctrl-C's SIGINT, a hangup) while a
 *    program has DMA in flight gives every device back to the driver it had
 *    before, leaves no program behind and no journal.
 *  - A program killed mid-DMA (SIGKILL, as a crash) does not stop the
 *    runner: it goes on and restores at the end.
 *  - A runner killed with SIGKILL cannot clean up: the next runner kills
 *    the program it left behind and restores the journal first.
 *  - A program stuck on its device (dma_hang: DMA in flight in a forked
 *    child that never ends, as a stuck kselftest case) is killed by the
 *    runner's timeout; the runner kills what it left, resets and checks
 *    every device, and the next program (dma_loop, verified DMA) passes.
 *  - The storage guard: iodirty-bind refuses an NVMe controller whose
 *    namespace is mounted, used as swap or open exclusively, leaving it
 *    untouched, and takes and gives back an idle one.
 *
 * The lab's /init sets:
 *   IODIRTY_SAFETY_BIND  NAME@BDF,...  the devices the runner binds
 *   IODIRTY_SAFETY_DISK  BDF           an NVMe controller the guest's own
 *                                      nvme driver drives
 * and the programs come from /iodirty/lab (override: IODIRTY_SAFETY_DIR).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "kselftest_harness.h"
#include "disk_guard.h"
#include "harness/kernel_caps.h"

#define MAX_DEVS 4
#define STATE "/run/iodirty-safety.state"
#define READY "/run/iodirty-safety.ready"
#define RUN_OUT "/run/iodirty-safety.out"
#define HANG_READY "/run/iodirty-safety.hang"
#define MNT "/run/iodirty-safety-mnt"

struct devs {
	int n;
	char name[MAX_DEVS][32];
	char bdf[MAX_DEVS][32];
	char orig[MAX_DEVS][64];
};

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Copy src into dst[len], cut if needed. */
static void copy_str(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* The driver bdf is bound to, "" for none. */
static const char *driver_of(const char *bdf, char *buf, size_t len)
{
	char link[256], target[256];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	buf[0] = '\0';
	if (n > 0) {
		target[n] = '\0';
		copy_str(buf, len, strrchr(target, '/') ?
			 strrchr(target, '/') + 1 : target);
	}
	return buf;
}

/* IODIRTY_SAFETY_BIND parsed, with each device's driver now. */
static int devs_load(struct devs *d)
{
	const char *env = getenv("IODIRTY_SAFETY_BIND");
	char buf[512], *tok, *save = NULL;

	memset(d, 0, sizeof(*d));
	if (!env || !*env)
		return 0;
	snprintf(buf, sizeof(buf), "%s", env);
	for (tok = strtok_r(buf, ",", &save); tok && d->n < MAX_DEVS;
	     tok = strtok_r(NULL, ",", &save)) {
		char *at = strchr(tok, '@');

		if (!at)
			continue;
		*at = '\0';
		snprintf(d->name[d->n], sizeof(d->name[0]), "%s", tok);
		snprintf(d->bdf[d->n], sizeof(d->bdf[0]), "%s", at + 1);
		driver_of(d->bdf[d->n], d->orig[d->n], sizeof(d->orig[0]));
		d->n++;
	}
	return d->n;
}

static bool devs_has(const struct devs *d, const char *name)
{
	int i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->name[i], name))
			return true;
	return false;
}

/* "name@bdf,..." of every device. */
static const char *devs_list(const struct devs *d, char *buf, size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < d->n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s@%s",
				 i ? "," : "", d->name[i], d->bdf[i]);
	return buf;
}

static const char *lab_dir(void)
{
	const char *s = getenv("IODIRTY_SAFETY_DIR");

	return s && *s ? s : "/iodirty/lab";
}

/*
 * Start a runner that binds every device and runs dma_loop with `engine`
 * (after dma_hang when `hang`, with a per-program timeout of `timeout`
 * seconds), in its own process group with default signal dispositions (as
 * a shell started from a terminal would), output to RUN_OUT. Its pid, or
 * -1.
 */
static pid_t spawn_runner_with(const struct devs *d, const char *engine,
			       bool hang, const char *timeout)
{
	char list[512], top[256], prog[256], hang_prog[256];
	sigset_t none;
	pid_t pid;
	int sig, fd;

	devs_list(d, list, sizeof(list));
	snprintf(top, sizeof(top), "%s/", lab_dir());
	snprintf(prog, sizeof(prog), "%s/dma_loop", lab_dir());
	snprintf(hang_prog, sizeof(hang_prog), "%s/dma_hang", lab_dir());
	unlink(READY);
	unlink(HANG_READY);
	unlink(RUN_OUT);
	pid = fork();
	if (pid)
		return pid;
	setpgid(0, 0);
	for (sig = 1; sig < 32; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open(RUN_OUT ".err", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	setenv("IODIRTY_ENGINE", engine, 1);
	setenv("IODIRTY_DMA_READY", READY, 1);
	setenv("IODIRTY_HANG_READY", HANG_READY, 1);
	if (hang) {
		/* after the hang, a short run of verified DMA */
		setenv("IODIRTY_DMA_SECONDS", "3", 1);
		execlp("run-programs", "run-programs", "--devices", list,
		       "--state", STATE, "--timeout", timeout, "--out",
		       RUN_OUT, top, hang_prog, prog, (char *)NULL);
	} else {
		execlp("run-programs", "run-programs", "--devices", list,
		       "--state", STATE, "--timeout", timeout, "--out",
		       RUN_OUT, top, prog, (char *)NULL);
	}
	_exit(127);
}

static pid_t spawn_runner(const struct devs *d, const char *engine)
{
	return spawn_runner_with(d, engine, false, "300");
}

/* The pid dma_loop wrote once its first DMA round landed; 0 on timeout. */
static pid_t wait_ready(pid_t runner, double seconds)
{
	double end = iod_now_s() + seconds;
	int pid = 0, status;

	while (iod_now_s() < end) {
		FILE *f = fopen(READY, "r");

		if (f) {
			if (fscanf(f, "%d", &pid) != 1)
				pid = 0;
			fclose(f);
			if (pid > 0)
				return pid;
		}
		if (waitpid(runner, &status, WNOHANG) == runner)
			return 0;	/* the runner ended before DMA began */
		nap_ms(20);
	}
	return 0;
}

/* Wait for pid; its wait status, or -1 after `seconds` (then killed). */
static int reap(pid_t pid, double seconds)
{
	double end = iod_now_s() + seconds;
	int status;

	while (iod_now_s() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		nap_ms(20);
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* How many live processes run a program whose command line has `name`. */
static int count_live(const char *name)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char path[300], cmd[256];
		ssize_t len;
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		if (len <= 0)
			continue;	/* a zombie or a kernel thread */
		cmd[len] = '\0';
		if (strstr(cmd, name))
			n++;
	}
	closedir(d);
	return n;
}

/* No dma_loop left, waiting up to 5 s for the last to die. */
static int orphans(void)
{
	double end = iod_now_s() + 5;
	int n;

	while ((n = count_live("dma_loop") + count_live("dma_hang")) > 0 &&
	       iod_now_s() < end)
		nap_ms(50);
	return n;
}

/*
 * A file's content on one line (newlines become " | "), fit for a TAP
 * comment: a runner's framing lines must never reach the output raw.
 */
/*
 * Does the file at path hold `needle` anywhere (slurp() keeps only its
 * start, and a program's output can be long)? Lines are matched as read.
 */
static bool file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	bool found = false;

	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) >= 0)
		found = strstr(line, needle) != NULL;
	free(line);
	fclose(f);
	return found;
}

static const char *slurp(const char *path, char *buf, size_t len)
{
	char raw[4096];
	size_t i, o = 0, want = len / 3 < sizeof(raw) ? len / 3 : sizeof(raw);
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, raw, want) : -1;

	if (fd >= 0)
		close(fd);
	for (i = 0; n > 0 && i < (size_t)n && o + 4 < len; i++) {
		if (raw[i] == '\n') {
			memcpy(buf + o, " | ", 3);
			o += 3;
		} else {
			buf[o++] = raw[i];
		}
	}
	buf[o] = '\0';
	return buf;
}

/* Run argv, stdout and stderr into out; the exit status, or -1. */
static int run(char *const argv[], char *out, size_t len)
{
	int status, fd;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		fd = open("/run/iodirty-safety.cmd", O_WRONLY | O_CREAT | O_TRUNC,
			  0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	slurp("/run/iodirty-safety.cmd", out, len);
	return WEXITSTATUS(status);
}

/* ---- killing the runner or the program while DMA is in flight ---- */

struct rig {
	struct devs d;
	pid_t runner;
};

/* The devices of the run, none of them on vfio-pci yet. */
static void rig_setup(struct __test_metadata *_metadata, struct rig *r,
		      const char *engine)
{
	char drv[64], why[384];
	int i;

	r->runner = 0;
	if (iod_iommufd_missing(why, sizeof(why)))
		SKIP(return, "%s: dma_loop drives the device through iommufd", why);
	if (!devs_load(&r->d))
		SKIP(return, "IODIRTY_SAFETY_BIND names no devices: this lab flavour has no DMA devices");
	if (!devs_has(&r->d, engine))
		SKIP(return, "no device named %s in IODIRTY_SAFETY_BIND", engine);
	ASSERT_NE(0, access(STATE, F_OK))
		TH_LOG("a journal %s is already there", STATE);
	for (i = 0; i < r->d.n; i++)
		ASSERT_STRNE("vfio-pci", driver_of(r->d.bdf[i], drv,
						   sizeof(drv)))
			TH_LOG("%s starts on vfio-pci: the suites' runner did not give it back",
			       r->d.bdf[i]);
}

static void rig_teardown(struct rig *r)
{
	if (r->runner > 0)
		reap(r->runner, 1);
	r->runner = 0;
}

/* Every device on the driver it had before, nothing left behind. */
static void assert_restored(struct __test_metadata *_metadata,
			    const struct rig *r)
{
	char drv[64], err[2048];
	int i;

	for (i = 0; i < r->d.n; i++)
		ASSERT_STREQ(r->d.orig[i], driver_of(r->d.bdf[i], drv,
						     sizeof(drv)))
			TH_LOG("%s (%s) is not back on '%s'; runner said: %s",
			       r->d.name[i], r->d.bdf[i], r->d.orig[i],
			       slurp(RUN_OUT ".err", err, sizeof(err)));
	ASSERT_EQ(0, orphans()) TH_LOG("a dma_loop outlived its runner");
	ASSERT_NE(0, access(STATE, F_OK)) TH_LOG("the journal %s is left", STATE);
	ASSERT_NE(0, access(STATE ".session", F_OK));
}

/* Start the runner; dma_loop's pid once DMA flows on bound devices, or 0. */
static pid_t start_dma(struct __test_metadata *_metadata, struct rig *r,
		       const char *engine)
{
	char drv[64], err[2048], out[2048];
	pid_t loop;
	int i;

	r->runner = spawn_runner(&r->d, engine);
	if (r->runner < 0)
		return 0;
	loop = wait_ready(r->runner, 120);
	if (!loop) {
		TH_LOG("dma_loop never reported its first DMA; runner: %s; output: %s",
		       slurp(RUN_OUT ".err", err, sizeof(err)),
		       slurp(RUN_OUT, out, sizeof(out)));
		return 0;
	}
	for (i = 0; i < r->d.n; i++)
		if (strcmp("vfio-pci", driver_of(r->d.bdf[i], drv,
						 sizeof(drv)))) {
			TH_LOG("%s is on '%s' while dma_loop runs", r->d.bdf[i],
			       drv);
			return 0;
		}
	/* let more operations start, so the signal lands mid-DMA */
	nap_ms(150);
	return loop;
}

FIXTURE(kill) {
	struct rig r;
};

FIXTURE_VARIANT(kill) {
	const char *engine;
	int sig;
	bool group;	/* to the runner's process group, as a terminal does */
};

FIXTURE_VARIANT_ADD(kill, sigterm_nvme) {
	.engine = "nvme", .sig = SIGTERM, .group = false,
};

FIXTURE_VARIANT_ADD(kill, sigint_nvme) {
	.engine = "nvme", .sig = SIGINT, .group = true,
};

FIXTURE_VARIANT_ADD(kill, sighup_edu) {
	.engine = "edu", .sig = SIGHUP, .group = true,
};

FIXTURE_VARIANT_ADD(kill, sigint_edu) {
	.engine = "edu", .sig = SIGINT, .group = true,
};

FIXTURE_SETUP(kill)
{
	rig_setup(_metadata, &self->r, variant->engine);
}

FIXTURE_TEARDOWN(kill)
{
	rig_teardown(&self->r);
}

TEST_F_TIMEOUT(kill, runner_mid_dma_restores_every_device, 300)
{
	char err[2048];
	int status;

	ASSERT_LT(0, start_dma(_metadata, &self->r, variant->engine));
	ASSERT_EQ(0, kill(variant->group ? -self->r.runner : self->r.runner,
			  variant->sig));
	status = reap(self->r.runner, 120);
	self->r.runner = 0;
	ASSERT_NE(-1, status) TH_LOG("the runner did not exit within 120 s of signal %d",
				     variant->sig);
	ASSERT_TRUE(WIFEXITED(status))
		TH_LOG("the runner died of signal %d instead of cleaning up",
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ASSERT_EQ(128 + variant->sig, WEXITSTATUS(status))
		TH_LOG("runner said: %s", slurp(RUN_OUT ".err", err, sizeof(err)));
	assert_restored(_metadata, &self->r);
}

FIXTURE(crash) {
	struct rig r;
};

FIXTURE_VARIANT(crash) {
	const char *engine;
};

FIXTURE_VARIANT_ADD(crash, nvme) {
	.engine = "nvme",
};

FIXTURE_VARIANT_ADD(crash, edu) {
	.engine = "edu",
};

FIXTURE_SETUP(crash)
{
	rig_setup(_metadata, &self->r, variant->engine);
}

FIXTURE_TEARDOWN(crash)
{
	rig_teardown(&self->r);
}

/* A program killed mid-DMA is a crash: the runner goes on and restores. */
TEST_F_TIMEOUT(crash, program_killed_mid_dma_runner_restores, 300)
{
	char out[4096], err[2048];
	pid_t loop;
	int status;

	loop = start_dma(_metadata, &self->r, variant->engine);
	ASSERT_LT(0, loop);
	ASSERT_EQ(0, kill(loop, SIGKILL));
	status = reap(self->r.runner, 120);
	self->r.runner = 0;
	ASSERT_NE(-1, status);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("runner said: %s", slurp(RUN_OUT ".err", err, sizeof(err)));
	ASSERT_NE(NULL, strstr(slurp(RUN_OUT, out, sizeof(out)),
			       "dma_loop rc=137"))
		TH_LOG("the runner did not report the killed program: %s", out);
	assert_restored(_metadata, &self->r);
}

/*
 * SIGKILL on the runner leaves the program running and the devices bound;
 * the next runner kills that program and restores before anything else.
 */
TEST_F_TIMEOUT(crash, runner_killed_next_run_restores, 300)
{
	char drv[64], out[2048], top[256];
	char *const next[] = { "run-programs", "--state", STATE, "--out",
			       RUN_OUT ".next", top, "/nonexistent", NULL };
	pid_t loop;
	int status, i;

	loop = start_dma(_metadata, &self->r, variant->engine);
	ASSERT_LT(0, loop);
	ASSERT_EQ(0, kill(self->r.runner, SIGKILL));
	status = reap(self->r.runner, 30);
	self->r.runner = 0;
	ASSERT_TRUE(WIFSIGNALED(status));
	/* what a dead runner leaves: the program, the devices, the journal */
	ASSERT_EQ(0, kill(loop, 0)) TH_LOG("dma_loop died with its runner");
	for (i = 0; i < self->r.d.n; i++)
		ASSERT_STREQ("vfio-pci", driver_of(self->r.d.bdf[i], drv,
						   sizeof(drv)));
	ASSERT_EQ(0, access(STATE, F_OK));

	snprintf(top, sizeof(top), "%s/", lab_dir());
	ASSERT_EQ(0, run(next, out, sizeof(out))) TH_LOG("next runner: %s", out);
	ASSERT_NE(NULL, strstr(out, "left running by an earlier run"))
		TH_LOG("next runner: %s", out);
	assert_restored(_metadata, &self->r);
}

/* ---- a program stuck on its device: the next one must pass ---- */

FIXTURE(hang) {
	struct rig r;
};

FIXTURE_VARIANT(hang) {
	const char *engine;
};

FIXTURE_VARIANT_ADD(hang, edu) {
	.engine = "edu",
};

FIXTURE_VARIANT_ADD(hang, nvme) {
	.engine = "nvme",
};

FIXTURE_SETUP(hang)
{
	rig_setup(_metadata, &self->r, variant->engine);
}

FIXTURE_TEARDOWN(hang)
{
	rig_teardown(&self->r);
}

/* The pid in path, or 0. */
static pid_t read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	int pid = 0;

	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return pid;
}

/*
 * dma_hang keeps DMA in flight in a forked child and never ends; the
 * runner's 20 s timeout kills it, the runner kills the child it left,
 * resets and checks every device; dma_loop, the next program, must then
 * bind the same device and land 3 s of verified DMA.
 */
TEST_F_TIMEOUT(hang, stuck_program_killed_next_program_passes, 300)
{
	char out[16384], err[16384], want[128];
	pid_t stuck;
	int status;

	self->r.runner = spawn_runner_with(&self->r.d, variant->engine, true,
					   "20");
	ASSERT_LT(0, self->r.runner);
	status = reap(self->r.runner, 240);
	self->r.runner = 0;
	slurp(RUN_OUT, out, sizeof(out));
	slurp(RUN_OUT ".err", err, sizeof(err));
	ASSERT_NE(-1, status) TH_LOG("the runner did not end within 240 s; output: %s; runner: %s",
				     out, err);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("output: %s; runner: %s", out, err);
	/* the hang was real: its child had DMA going, the timeout killed it */
	stuck = read_pid(HANG_READY);
	ASSERT_LT(0, stuck) TH_LOG("dma_hang never started its stuck DMA; output: %s; runner: %s",
				   out, err);
	ASSERT_TRUE(file_has(RUN_OUT, "@@iodirty end dma_hang rc=137"))
		TH_LOG("dma_hang was not killed by the timeout: %s", out);
	ASSERT_EQ(0, orphans()) TH_LOG("dma_hang's stuck child %d outlived its program",
				       (int)stuck);
	/* the runner reset the device and proved it usable */
	snprintf(want, sizeof(want), "%s: ", variant->engine);
	ASSERT_NE(NULL, strstr(err, "dma_hang was ended by signal 9"))
		TH_LOG("runner: %s", err);
	ASSERT_NE(NULL, strstr(err, "usable again")) TH_LOG("runner: %s", err);
	ASSERT_NE(NULL, strstr(err, want)) TH_LOG("runner: %s", err);
	ASSERT_FALSE(file_has(RUN_OUT, "lab/device-")) TH_LOG("output: %s", out);
	/* and the next program, on the same device, passed */
	ASSERT_TRUE(file_has(RUN_OUT, "@@iodirty end dma_loop rc=0"))
		TH_LOG("the program after the hang did not pass: %s; runner: %s",
		       out, err);
	TH_LOG("runner: %s", err);
	assert_restored(_metadata, &self->r);
}

/* ---- the storage guard on a controller the guest's nvme driver drives ---- */

FIXTURE(disk) {
	char bdf[32];
	char ns[IOD_DISK_NAME_MAX];
	char dev[96];
	bool mounted, swapped;
	int excl_fd;
};

/* The namespace's whole-disk block device (nvmeXnY), or "". */
static void find_namespace(const char *bdf, char *ns, size_t len)
{
	if (iod_disk_nvme_namespace(NULL, bdf, ns, len))
		ns[0] = '\0';
}

FIXTURE_SETUP(disk)
{
	const char *bdf = getenv("IODIRTY_SAFETY_DISK");
	char drv[64];

	self->excl_fd = -1;
	self->mounted = self->swapped = false;
	if (!bdf || !*bdf)
		SKIP(return, "IODIRTY_SAFETY_DISK names no NVMe controller: this lab flavour has none for the guest's nvme driver");
	snprintf(self->bdf, sizeof(self->bdf), "%s", bdf);
	if (strcmp("nvme", driver_of(bdf, drv, sizeof(drv))))
		SKIP(return, "%s is on '%s', not the kernel's nvme driver", bdf,
		     drv);
	find_namespace(bdf, self->ns, sizeof(self->ns));
	ASSERT_STRNE("", self->ns) TH_LOG("%s has no namespace block device", bdf);
	snprintf(self->dev, sizeof(self->dev), "/dev/%s", self->ns);
	ASSERT_EQ(0, access(self->dev, F_OK));
	ASSERT_NE(0, access(STATE, F_OK));
}

FIXTURE_TEARDOWN(disk)
{
	if (self->mounted)
		umount2(MNT, MNT_DETACH);
	if (self->swapped)
		swapoff(self->dev);
	if (self->excl_fd >= 0)
		close(self->excl_fd);
}

/* iodirty-bind bind on the controller must fail and leave it alone. */
static void assert_bind_refused(struct __test_metadata *_metadata,
				FIXTURE_DATA(disk) *self, const char *reason)
{
	char *const bind[] = { "iodirty-bind", "bind", "--allow", self->bdf,
			       "--state", STATE, self->bdf, NULL };
	char out[2048], drv[64];

	ASSERT_EQ(1, run(bind, out, sizeof(out))) TH_LOG("iodirty-bind said: %s", out);
	ASSERT_NE(NULL, strstr(out, reason)) TH_LOG("iodirty-bind said: %s", out);
	ASSERT_NE(NULL, strstr(out, "iodirty-bind: next:"));
	ASSERT_STREQ("nvme", driver_of(self->bdf, drv, sizeof(drv)));
	ASSERT_NE(0, access(STATE, F_OK)) TH_LOG("a refused bind journalled");
	ASSERT_EQ(0, access(self->dev, F_OK)) TH_LOG("the namespace went away");
}

TEST_F_TIMEOUT(disk, mounted_namespace_is_refused, 120)
{
	char *const mkfs[] = { "mke2fs", "-F", self->dev, NULL };
	char out[2048], reason[160];

	ASSERT_EQ(0, run(mkfs, out, sizeof(out))) TH_LOG("mke2fs: %s", out);
	ASSERT_EQ(0, mkdir(MNT, 0755) && errno != EEXIST ? -1 : 0);
	ASSERT_EQ(0, mount(self->dev, MNT, "ext2", 0, NULL))
		TH_LOG("mount %s: %s", self->dev, strerror(errno));
	self->mounted = true;
	snprintf(reason, sizeof(reason), "%s mounted at " MNT, self->ns);
	assert_bind_refused(_metadata, self, reason);
}

TEST_F_TIMEOUT(disk, swap_namespace_is_refused, 120)
{
	char *const mkswap[] = { "mkswap", self->dev, NULL };
	char out[2048], reason[160];

	ASSERT_EQ(0, run(mkswap, out, sizeof(out))) TH_LOG("mkswap: %s", out);
	ASSERT_EQ(0, swapon(self->dev, 0)) TH_LOG("swapon: %s", strerror(errno));
	self->swapped = true;
	snprintf(reason, sizeof(reason), "%s used as swap", self->ns);
	assert_bind_refused(_metadata, self, reason);
}

TEST_F_TIMEOUT(disk, exclusively_open_namespace_is_refused, 120)
{
	char reason[160];

	self->excl_fd = open(self->dev, O_RDONLY | O_EXCL);
	ASSERT_LE(0, self->excl_fd) TH_LOG("open O_EXCL: %s", strerror(errno));
	snprintf(reason, sizeof(reason), "%s open exclusively", self->ns);
	assert_bind_refused(_metadata, self, reason);
}

TEST_F_TIMEOUT(disk, idle_namespace_is_taken_and_given_back, 120)
{
	char *const bind[] = { "iodirty-bind", "bind", "--allow", self->bdf,
			       "--state", STATE, self->bdf, NULL };
	char *const restore[] = { "iodirty-bind", "restore", "--state", STATE,
				  NULL };
	char out[2048], drv[64], ns[IOD_DISK_NAME_MAX];
	double end;

	ASSERT_EQ(0, run(bind, out, sizeof(out))) TH_LOG("bind: %s", out);
	ASSERT_STREQ("vfio-pci", driver_of(self->bdf, drv, sizeof(drv)));
	ASSERT_EQ(0, iod_disk_list(NULL, self->bdf, NULL, 0));
	ASSERT_EQ(0, run(restore, out, sizeof(out))) TH_LOG("restore: %s", out);
	ASSERT_STREQ("nvme", driver_of(self->bdf, drv, sizeof(drv)));
	ASSERT_NE(0, access(STATE, F_OK));
	/* the driver scans namespaces asynchronously */
	end = iod_now_s() + 10;
	do {
		find_namespace(self->bdf, ns, sizeof(ns));
		if (*ns)
			break;
		nap_ms(50);
	} while (iod_now_s() < end);
	ASSERT_STRNE("", ns) TH_LOG("the namespace did not come back");
}

TEST_HARNESS_MAIN
