// SPDX-License-Identifier: MIT
/*
 * The targets, each marked met, missed or n/a from the figures of this
 * run: the fault paths' goals (at least as cheap as anonymous memory,
 * fault-around and huge mappings where the kernel allows them) and the
 * earlier ones on sharing, bandwidth and MAP_POPULATE.  A missed target is printed like a met one: the benchmark
 * reports, it never fails.
 */
#include <string.h>

#include "bench.h"

#define MAX_TARGETS 32

struct target {
	char what[96];
	const char *na;
	double value, limit;
	int at_most;		/* met when value <= limit, else >= */
	int needs_kvm;		/* TCG cannot tell: judged n/a there */
};

static struct target targets[MAX_TARGETS];
static int ntargets;

static struct target *target_add(const char *what, double limit, int at_most)
{
	struct target *t = &targets[ntargets++];

	memset(t, 0, sizeof(*t));
	snprintf(t->what, sizeof(t->what), "%s", what);
	t->limit = limit;
	t->at_most = at_most;
	return t;
}

/* A target on one ratio (or, with @ref < 0, the value) of one figure. */
static void on_figure(const char *what, const char *section, const char *name,
		      int ref, double scale, double limit, int at_most)
{
	struct target *t = target_add(what, limit, at_most);
	const struct figure *f = figure_find(section, name);
	const struct cell *c;

	if (!f) {
		t->na = "n/a: not measured";
		return;
	}
	c = ref < 0 ? &f->value : &f->ratio[ref];
	if (f->value.na || c->na) {
		t->na = f->value.na ? f->value.na : c->na;
		return;
	}
	t->value = c->s.med * scale;
}

/* A target on the ratio of two figures' values. */
static void on_pair(const char *what, const char *section, const char *num,
		    const char *den, double limit, int at_most)
{
	struct target *t = target_add(what, limit, at_most);
	const struct figure *a = figure_find(section, num);
	const struct figure *b = figure_find(section, den);

	if (!a || !b) {
		t->na = "n/a: not measured";
	} else if (a->value.na || b->value.na) {
		t->na = a->value.na ? a->value.na : b->value.na;
	} else if (b->value.s.med <= 0) {
		t->na = "n/a: no faults with fault-around";
	} else {
		t->value = a->value.s.med / b->value.s.med;
	}
}

/*
 * A zero mode fault-count goal, for private (@shared 0) or shared
 * mappings: the goal "zero SHARING @what" on the row "zero SHARING @row".
 */
static void on_zero_faults(const char *what, const char *row, int shared,
			   double limit)
{
	const char *sharing = shared ? "shared" : "private";
	char goal[96], name[64];

	snprintf(goal, sizeof(goal), "zero %s %s", sharing, what);
	snprintf(name, sizeof(name), "zero %s %s", sharing, row);
	on_figure(goal, "faults", name, -1, 1, limit, 1);
}

void targets_eval(void)
{
	double huge_mib = (double)cfg.huge_len / MiB;
	const char *styles[] = { "dma-pfn", "dma-page" };
	char what[96], name[64];
	int i;

	on_figure("zero private write first touch <= 1.0x MAP_ANONYMOUS",
		  "first_touch", "zero private write", REF_ANON, 1, 1.0, 1);
	on_figure("MAP_POPULATE zero private <= 1.0x MAP_ANONYMOUS",
		  "populate", "zero private", REF_ANON, 1, 1.0, 1);
	on_figure("MAP_POPULATE sparse private <= 1.1x MAP_ANONYMOUS",
		  "populate", "sparse private", REF_ANON, 1, 1.1, 1);
	for (i = 0; i < 2; i++) {
		on_zero_faults("read <= 16 faults/MiB, fresh",
			       "read, fresh", i, 16);
		on_zero_faults("read <= 16 faults/MiB, refault",
			       "read, fault-around on", i, 16);
	}
	/* as a THP kernel's users get it: 2 MiB aligned, huge pages allowed */
	for (i = 0; i < 2; i++)
		on_zero_faults("read <= 16 faults/MiB, fresh, PMD aligned",
			       "read, huge", i, 16);
	on_figure("zero private read allocates 0 driver pages/MiB",
		  "faults", "zero private read, fresh, driver pages", -1, 1, 0, 1);
	for (i = 0; i < 2; i++)
		on_zero_faults("write, PMD aligned <= 0.5 faults/MiB",
			       "write, huge", i, 0.5);
	on_figure("zero shared write first touch <= 0.9x /dev/zero shared",
		  "first_touch", "zero shared write", REF_DEVZERO, 1, 0.9, 1);
	/* the kernel's default window, 64 KiB: 16 pages of 4 KiB, 4 of 16 KiB */
	snprintf(what, sizeof(what), "sparse read: >= %zux fewer faults with fault-around",
		 65536 / page_size);
	on_pair(what, "faults", "sparse shared read, fault-around off",
		"sparse shared read, fault-around on", (double)(65536 / page_size), 0);
	for (i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "%s %zu MiB with huge mappings <= %.0f faults",
			 styles[i], cfg.huge_len / MiB, 32 * huge_mib / 64);
		snprintf(name, sizeof(name), "%s shared write, huge", styles[i]);
		on_figure(what, "faults", name, -1, huge_mib, 32 * huge_mib / 64, 1);
	}
	for (i = 0; i < 4; i++) {
		snprintf(what, sizeof(what), "%s sequential %s >= 0.95x memcpy on anon",
			 styles[i / 2], i % 2 ? "write" : "read");
		snprintf(name, sizeof(name), "%s %s", styles[i / 2],
			 i % 2 ? "write" : "read");
		on_figure(what, "bandwidth", name, REF_ANON, 1, 0.95, 0);
		targets[ntargets - 1].needs_kvm = 1;
	}
	on_figure("MAP_POPULATE zero shared <= 1.1x MAP_SHARED|MAP_ANONYMOUS",
		  "populate", "zero shared", REF_ANON_SHARED, 1, 1.1, 1);
	on_figure("MAP_POPULATE sparse shared <= 1.1x MAP_SHARED|MAP_ANONYMOUS",
		  "populate", "sparse shared", REF_ANON_SHARED, 1, 1.1, 1);
	on_figure("MAP_POPULATE dma-page shared <= 1.1x MAP_SHARED|MAP_ANONYMOUS",
		  "populate", "dma-page shared", REF_ANON_SHARED, 1, 1.1, 1);
}

static const char *status(const struct target *t)
{
	if (t->na || (t->needs_kvm && strcmp(cfg.accel, "kvm")))
		return "n/a";
	if (t->at_most ? t->value <= t->limit : t->value >= t->limit)
		return "met";
	return "MISSED";
}

void targets_print(FILE *out)
{
	int i;

	fprintf(out, "\n== targets ==\n");
	for (i = 0; i < ntargets; i++) {
		const struct target *t = &targets[i];

		if (t->na)
			fprintf(out, "%-7s %-62s %s\n", status(t), t->what, t->na);
		else if (!strcmp(status(t), "n/a"))
			fprintf(out, "%-7s %-62s needs KVM (%.3g under %s)\n",
				status(t), t->what, t->value, cfg.accel);
		else
			fprintf(out, "%-7s %-62s measured %.3g\n", status(t),
				t->what, t->value);
	}
}

void targets_json(FILE *out)
{
	int i;

	fputs("  \"targets\": [\n", out);
	for (i = 0; i < ntargets; i++) {
		const struct target *t = &targets[i];

		const char *st = status(t);

		fprintf(out, "    {\"target\": \"%s\", \"status\": \"%s\", \"limit\": %g, \"at_most\": %s, ",
			t->what, !strcmp(st, "MISSED") ? "missed" : st, t->limit,
			t->at_most ? "true" : "false");
		if (t->na)
			fprintf(out, "\"na\": \"%s\"}", t->na);
		else if (!strcmp(st, "n/a"))
			fprintf(out, "\"na\": \"needs KVM\", \"measured\": %.6g}",
				t->value);
		else
			fprintf(out, "\"measured\": %.6g}", t->value);
		fprintf(out, "%s\n", i + 1 < ntargets ? "," : "");
	}
	fputs("  ]", out);
}
