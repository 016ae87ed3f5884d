// SPDX-License-Identifier: MIT
/*
 * Every figure of a run: its median and spread, its ratios to the
 * references taken repetition by repetition, and the table and JSON they
 * are written as.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MAX_FIGURES 512

static struct figure figures[MAX_FIGURES];
static int nfigures;

static const char *const ref_names[REF_NR] = {
	[REF_ANON] = "MAP_ANONYMOUS",
	[REF_DEVZERO] = "/dev/zero",
	[REF_ANON_SHARED] = "MAP_SHARED|MAP_ANONYMOUS",
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void summarize(const double *v, int n, struct summary *s)
{
	double sorted[MAX_REPS];

	memset(s, 0, sizeof(*s));
	if (n <= 0)
		return;
	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), cmp_double);
	s->n = n;
	s->min = sorted[0];
	s->max = sorted[n - 1];
	s->med = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

struct figure *figure_add(const char *section, const char *unit,
			  int higher_better, const char *fmt, ...)
{
	struct figure *f;
	va_list ap;
	int r;

	if (nfigures == MAX_FIGURES) {
		fprintf(stderr, "bench: more than %d figures\n", MAX_FIGURES);
		exit(1);
	}
	f = &figures[nfigures++];
	memset(f, 0, sizeof(*f));
	f->section = section;
	f->unit = unit;
	f->higher_better = higher_better;
	va_start(ap, fmt);
	vsnprintf(f->name, sizeof(f->name), fmt, ap);
	va_end(ap);
	for (r = 0; r < REF_NR; r++)
		f->ratio[r].na = "-";
	return f;
}

struct figure *figure_find(const char *section, const char *name)
{
	int i;

	for (i = 0; i < nfigures; i++)
		if (!strcmp(figures[i].section, section) &&
		    !strcmp(figures[i].name, name))
			return &figures[i];
	return NULL;
}

void figure_fill(struct figure *f, const char *na, const double *v,
		 const double *const ref[REF_NR], int n)
{
	double ratio[MAX_REPS];
	int r, i;

	f->value.na = na;
	if (na)
		return;
	summarize(v, n, &f->value.s);
	for (r = 0; r < REF_NR; r++) {
		if (!ref[r])
			continue;
		for (i = 0; i < n; i++)
			ratio[i] = ref[r][i] > 0 ? v[i] / ref[r][i] : NAN;
		summarize(ratio, n, &f->ratio[r].s);
		f->ratio[r].na = isnan(f->ratio[r].s.med) ? "n/a: reference 0" : NULL;
	}
}

/* "12.3k" style, so that ns, MB/s and calls/s all fit one column. */
static void fmt_num(char *buf, size_t size, double x)
{
	if (x >= 1e7)
		snprintf(buf, size, "%.1fM", x / 1e6);
	else if (x >= 1e4)
		snprintf(buf, size, "%.1fk", x / 1e3);
	else if (x >= 100)
		snprintf(buf, size, "%.0f", x);
	else
		snprintf(buf, size, "%.3g", x);
}

static void fmt_value(char *buf, size_t size, const struct cell *c)
{
	char num[16];

	if (c->na) {
		snprintf(buf, size, "%s", c->na);
		return;
	}
	fmt_num(num, sizeof(num), c->s.med);
	if (c->s.med > 0 && c->s.n > 1)
		snprintf(buf, size, "%s ±%.0f%%", num,
			 50 * (c->s.max - c->s.min) / c->s.med);
	else
		snprintf(buf, size, "%s", num);
}

static void fmt_ratio(char *buf, size_t size, const struct cell *c)
{
	if (c->na)
		snprintf(buf, size, "%s", c->na);
	else if (c->s.n > 1)
		snprintf(buf, size, "%.2fx [%.2f-%.2f]", c->s.med, c->s.min,
			 c->s.max);
	else
		snprintf(buf, size, "%.2fx", c->s.med);
}

static const char *section_title(const char *section)
{
	static const struct { const char *id, *title; } titles[] = {
		{ "first_touch", "first touch" },
		{ "faults", "faults per MiB touched (getrusage minflt; driver counts in the note)" },
		{ "populate", "MAP_POPULATE" },
		{ "bandwidth", "sequential bandwidth through the mapping" },
		{ "callrate", "mmap+munmap call rate" },
	};
	size_t i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (!strcmp(titles[i].id, section))
			return titles[i].title;
	return section;
}

void figures_print(FILE *out)
{
	const char *section = NULL;
	char v[48], r[REF_NR][48];
	int i, k;

	for (i = 0; i < nfigures; i++) {
		const struct figure *f = &figures[i];

		if (!strcmp(f->section, "sweep"))
			continue;
		if (!section || strcmp(section, f->section)) {
			section = f->section;
			fprintf(out, "\n== %s, %s (%s is better); ratios: median [min-max] of per-run ratios ==\n",
				section_title(section), f->unit,
				f->higher_better ? "higher" : "lower");
			fprintf(out, "%-44s %-22s %-22s %-22s %-22s %s\n",
				"figure", "value ±half-spread", ref_names[0],
				ref_names[1], "MAP_SHARED|ANON", "note");
		}
		fmt_value(v, sizeof(v), &f->value);
		for (k = 0; k < REF_NR; k++)
			fmt_ratio(r[k], sizeof(r[k]),
				  f->value.na ? &(struct cell){ .na = "-" } :
						&f->ratio[k]);
		fprintf(out, "%-44s %-22s %-22s %-22s %-22s %s\n", f->name, v,
			r[0], r[1], r[2], f->note);
	}
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s >= 0x20)
			fputc(*s, out);
	}
	fputc('"', out);
}

static void json_cell(FILE *out, const struct cell *c)
{
	if (c->na) {
		fputs("{\"na\": ", out);
		json_str(out, c->na);
		fputc('}', out);
		return;
	}
	fprintf(out, "{\"median\": %.6g, \"min\": %.6g, \"max\": %.6g, \"n\": %d}",
		c->s.med, c->s.min, c->s.max, c->s.n);
}

void figures_json(FILE *out)
{
	int i, k;

	fputs("  \"figures\": [\n", out);
	for (i = 0; i < nfigures; i++) {
		const struct figure *f = &figures[i];

		fputs("    {\"section\": ", out);
		json_str(out, f->section);
		fputs(", \"name\": ", out);
		json_str(out, f->name);
		fputs(", \"unit\": ", out);
		json_str(out, f->unit);
		fprintf(out, ", \"higher_is_better\": %s,\n     \"value\": ",
			f->higher_better ? "true" : "false");
		json_cell(out, &f->value);
		fputs(",\n     \"ratio\": {", out);
		for (k = 0; k < REF_NR; k++) {
			if (k)
				fputs(", ", out);
			json_str(out, ref_names[k]);
			fputs(": ", out);
			if (f->value.na || (f->ratio[k].na && !strcmp(f->ratio[k].na, "-")))
				fputs("null", out);
			else
				json_cell(out, &f->ratio[k]);
		}
		fputs("}", out);
		if (f->note[0]) {
			fputs(", \"note\": ", out);
			json_str(out, f->note);
		}
		fprintf(out, "}%s\n", i + 1 < nfigures ? "," : "");
	}
	fputs("  ]", out);
}
