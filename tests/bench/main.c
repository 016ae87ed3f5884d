// SPDX-License-Identifier: MIT
/*
 * mapdemo-bench: the benchmarks of `make bench`, run inside the guest
 * with the module loaded.  Prints the tables and the targets, writes the
 * JSON results and the gnuplot data of the cost-per-page sweep.
 *
 * usage: mapdemo-bench [--quick] [--reps N] [--only SECTION,...]
 *                      [--accel NAME] [--clock wall|icount]
 *                      [--host-cpu TEXT] [--json FILE] [--plot FILE]
 *        mapdemo-bench --workload BACKING:SHARING:ACCESS [--size MIB]
 *                      [--reps N]
 * The second form runs one access pattern untimed, for a profiler
 * (workload.c).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "bench.h"

struct bench_config cfg = {
	.reps = 7,
	.touch_len = 8 * MiB,
	.fault_len = 16 * MiB,
	.huge_len = 64 * MiB,
	.populate_len = 64 * MiB,
	.bw_len = 16 * MiB,
	.call_iters = 2000,
	.sweep_max = 256 * MiB,
	.accel = "unknown",
	.clock = "wall",
	.host_cpu = "unknown",
};

size_t page_size, pmd_size;
static const char *only;	/* comma list of sections to run, or all */
static int reps_given;
static const char *workload;	/* --workload's spec, or NULL */
static size_t workload_len = 64 * MiB;

static void quick(void)
{
	cfg.reps = 3;
	cfg.touch_len = 2 * MiB;
	cfg.fault_len = 4 * MiB;
	cfg.bw_len = 4 * MiB;
	cfg.call_iters = 300;
	cfg.sweep_max = 16 * MiB;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: mapdemo-bench [--quick] [--reps N] [--only SECTION,...] [--accel NAME]\n"
		     "                     [--clock wall|icount] [--host-cpu TEXT] [--json FILE] [--plot FILE]\n"
		     "       mapdemo-bench --workload BACKING:SHARING:ACCESS [--size MIB] [--reps N]\n"
		     "sections: first_touch faults populate bandwidth callrate sweep\n");
}

static void parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "reps", required_argument, NULL, 'r' },
		{ "only", required_argument, NULL, 'o' },
		{ "accel", required_argument, NULL, 'a' },
		{ "clock", required_argument, NULL, 'k' },
		{ "host-cpu", required_argument, NULL, 'c' },
		{ "json", required_argument, NULL, 'j' },
		{ "plot", required_argument, NULL, 'p' },
		{ "workload", required_argument, NULL, 'w' },
		{ "size", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	long mib;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'q': quick(); break;
		case 'r':
			cfg.reps = atoi(optarg);
			reps_given = 1;
			if (cfg.reps < 1 || cfg.reps > MAX_REPS) {
				fprintf(stderr, "mapdemo-bench: --reps %s: not 1..%d\n",
					optarg, MAX_REPS);
				exit(2);
			}
			break;
		case 'o': only = optarg; break;
		case 'a': cfg.accel = optarg; break;
		case 'k': cfg.clock = optarg; break;
		case 'c': cfg.host_cpu = optarg; break;
		case 'j': cfg.json_path = optarg; break;
		case 'p': cfg.plot_path = optarg; break;
		case 'w': workload = optarg; break;
		case 's':
			mib = strtol(optarg, &end, 10);
			if (*end || mib < 1 || mib > 4096) {
				fprintf(stderr, "mapdemo-bench: --size %s: not 1..4096 (MiB)\n",
					optarg);
				exit(2);
			}
			workload_len = (size_t)mib * MiB;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
}

static const char *knob(const char *path)
{
	char buf[256];

	return knob_read(path, buf, sizeof(buf)) ? "unknown" : reason("%s", buf);
}

static void write_json(const char *path)
{
	struct utsname u;
	struct sysinfo si;
	FILE *out = fopen(path, "w");
	int bk;

	if (!out) {
		perror(path);
		return;
	}
	uname(&u);
	sysinfo(&si);
	fprintf(out, "{\n  \"benchmark\": \"mapdemo\",\n");
	fprintf(out, "  \"accelerator\": \"%s\",\n", cfg.accel);
	fprintf(out, "  \"clock\": \"%s\",\n", !strcmp(cfg.clock, "icount") ?
		"icount: guest time counts guest instructions, 1 ns each" :
		"wall");
	fprintf(out, "  \"timings_meaningful\": %s,\n",
		strcmp(cfg.accel, "kvm") ? "false" : "true");
	fprintf(out, "  \"machine\": {\"host_cpu\": \"%s\", \"guest_cpus\": %ld, \"guest_mem_mib\": %lu, \"clocksource\": \"%s\"},\n",
		cfg.host_cpu, sysconf(_SC_NPROCESSORS_ONLN),
		(unsigned long)(si.totalram * si.mem_unit / MiB),
		knob("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
	fprintf(out, "  \"architecture\": \"%s\",\n", u.machine);
	fprintf(out, "  \"page_size\": %zu,\n", page_size);
	fprintf(out, "  \"pmd_size\": %zu,\n", pmd_size);
	fprintf(out, "  \"kernel\": \"%s %s\",\n", u.release, u.version);
	fprintf(out, "  \"kernel_cmdline\": \"%s\",\n", knob("/proc/cmdline"));
	fprintf(out, "  \"thp\": \"%s\",\n", knob("/sys/kernel/mm/transparent_hugepage/enabled"));
	fprintf(out, "  \"fault_around_bytes\": \"%s\",\n", knob("/sys/kernel/debug/fault_around_bytes"));
	fprintf(out, "  \"config\": {\"reps\": %d, \"touch_len\": %zu, \"fault_len\": %zu, \"huge_len\": %zu, \"populate_len\": %zu, \"bw_len\": %zu, \"call_iters\": %d, \"sweep_max\": %zu},\n",
		cfg.reps, cfg.touch_len, cfg.fault_len, cfg.huge_len,
		cfg.populate_len, cfg.bw_len, cfg.call_iters, cfg.sweep_max);
	fprintf(out, "  \"modes\": {");
	for (bk = BK_ZERO; bk < BK_NR; bk++) {
		const char *na = backing_na(bk, 1, page_size);

		fprintf(out, "%s\"%s\": \"%s\"", bk == BK_ZERO ? "" : ", ",
			backing_name(bk), na ? na : "available");
	}
	fprintf(out, "},\n");
	figures_json(out);
	fprintf(out, ",\n");
	targets_json(out);
	fprintf(out, "\n}\n");
	fclose(out);
}

static int wanted(const char *id)
{
	size_t n = strlen(id);
	const char *p;

	if (!only)
		return 1;
	for (p = only; (p = strstr(p, id)); p += n)
		if ((p == only || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return 1;
	return 0;
}

static void section(const char *id, const char *name, void (*fn)(void))
{
	uint64_t t0 = now_ns();

	if (!wanted(id))
		return;
	fprintf(stderr, "bench: %s...", name);
	fn();
	fprintf(stderr, " %.1fs\n", (double)(now_ns() - t0) / 1e9);
}

static void run_sweep(void)
{
	FILE *plot = NULL;
	uint64_t t0;

	if (cfg.plot_path) {
		plot = fopen(cfg.plot_path, "w");
		if (!plot)
			perror(cfg.plot_path);
	}
	t0 = now_ns();
	fprintf(stderr, "bench: cost per page against size...");
	bench_sweep(plot);
	fprintf(stderr, " %.1fs\n", (double)(now_ns() - t0) / 1e9);
	if (plot)
		fclose(plot);
}

int main(int argc, char **argv)
{
	size_t sparse_want;

	parse(argc, argv);
	/* instruction counts repeat to within a percent: 3 runs show that */
	if (!strcmp(cfg.clock, "icount") && !reps_given && cfg.reps > 3)
		cfg.reps = 3;
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	pmd_size = page_size / 8 * page_size;
	setvbuf(stdout, NULL, _IOLBF, 0);
	pin_to_cpu0();
	if (workload) {
		backing_probe(workload_len);
		return workload_run(workload, workload_len,
				    reps_given ? cfg.reps : 1);
	}
	sparse_want = cfg.sweep_max > cfg.populate_len ? cfg.sweep_max :
							 cfg.populate_len;
	backing_probe(sparse_want);

	section("first_touch", "first touch", bench_first_touch);
	section("faults", "faults", bench_faults);
	section("populate", "MAP_POPULATE", bench_populate);
	section("bandwidth", "bandwidth", bench_bandwidth);
	section("callrate", "mmap+munmap", bench_callrate);
	if (wanted("sweep"))
		run_sweep();
	printf("\naccelerator: %s, clock: %s\n", cfg.accel, cfg.clock);
	if (!strcmp(cfg.clock, "icount"))
		printf("  times are guest instructions executed (1 ns each), reproducible run to run: ratios compare path lengths\n");
	else if (strcmp(cfg.accel, "kvm"))
		printf("  emulated CPU on wall time: only fault counts and ratios carry meaning, and those with their spread\n");
	figures_print(stdout);
	if (wanted("sweep"))
		sweep_print(stdout);
	targets_eval();
	targets_print(stdout);
	if (cfg.json_path)
		write_json(cfg.json_path);
	return 0;
}
