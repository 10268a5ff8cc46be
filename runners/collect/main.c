// SPDX-License-Identifier: GPL-2.0
/*
 * iodirty-collect: turn what a guest run left behind into TAP for prove.
 *
 *	iodirty-collect split --stream S --console C --out DIR
 *	iodirty-collect judge DIR/SUITE/PROGRAM.tap
 *	iodirty-collect report RUN_DIR
 *	iodirty-collect compare [--flavour A=B]... [--json] RUN_A RUN_B
 *
 * See stream.h (the stream, the split layout), judge.h (the judge),
 * sentinel.h (kernel splats in the console log), report.h (the run
 * report: results.json, summary.txt) and compare.h (two runs' diff).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "judge.h"
#include "report.h"
#include "stream.h"

static const char usage[] =
	"usage: iodirty-collect split --stream FILE --console FILE --out DIR\n"
	"       iodirty-collect judge DIR/SUITE/PROGRAM.tap\n"
	"       iodirty-collect report RUN_DIR\n"
	"       iodirty-collect compare [--flavour A=B]... [--json] RUN_A RUN_B\n"
	"\n"
	"split  cut the guest's result stream into DIR/SUITE/PROGRAM.{tap,status}\n"
	"       and attribute kernel splats in the console log (.sentinel files);\n"
	"       also writes DIR/programs and DIR/guest.status\n"
	"judge  print PROGRAM.tap for prove, with failing test points added for\n"
	"       kernel splats, programs that did not finish and timeouts\n"
	"report classify every test point of every flavour directory of RUN_DIR,\n"
	"       write RUN_DIR/results.json and RUN_DIR/summary.txt, print the\n"
	"       summary; exits 0 whatever the tests did\n"
	"compare what changed between two runs' results.json: new failures,\n"
	"       new skips, disappeared, fixes, other changes, appeared; exits 1\n"
	"       when something regressed, 2 on bad input\n";

static int cmd_split(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stream", required_argument, NULL, 's' },
		{ "console", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *stream = NULL, *console = NULL, *out = NULL;
	char err[1024];
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			stream = optarg;
			break;
		case 'c':
			console = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc || !stream || !console || !out) {
		fprintf(stderr,
			"iodirty-collect split: --stream, --console and --out are required\n%s",
			usage);
		return 2;
	}
	if (iod_split(stream, console, out, err, sizeof(err))) {
		fprintf(stderr, "iodirty-collect: error: %s\n", err);
		return 1;
	}
	return 0;
}

static int cmd_judge(int argc, char **argv)
{
	char err[1024];

	if (argc != 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (iod_judge(argv[1], stdout, err, sizeof(err))) {
		fprintf(stderr, "iodirty-collect: error: %s\n", err);
		return 1;
	}
	return 0;
}

static int cmd_report(int argc, char **argv)
{
	struct iod_report_err e;

	if (argc != 2) {
		fputs(usage, stderr);
		return 2;
	}
	if (iod_report(argv[1], &e)) {
		fprintf(stderr, "iodirty: error: %s\niodirty: next: %s\n",
			e.msg, e.next);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "split"))
		return cmd_split(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "judge"))
		return cmd_judge(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "report"))
		return cmd_report(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "compare"))
		return iod_compare_cmd(argc - 1, argv + 1, stdout, stderr);
	if (argc == 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	fputs(usage, stderr);
	return 2;
}
