// SPDX-License-Identifier: MIT
/*
 * mapdemo matrix: every consumer against every kind of mapping on the
 * running kernel, as a table (a row per consumer, a column per kind) or
 * as JSON.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli.h"

static void matrix_help(void)
{
	puts("usage: mapdemo matrix [--json] [--kind NAME] [--consumer NAME]\n"
	     "                      [--block-device PATH] [--offline]\n\n"
	     "Map each kind of mapping (the device's, and MAP_ANONYMOUS,\n"
	     "/dev/zero and a memfd for reference), apply each consumer to it\n"
	     "and print what happened: ok, the errno's name, SIGNAL/si_code,\n"
	     "'bytes' (the calls worked, the bytes were wrong) or '-' (not run).\n"
	     "The sparse and dma buffers' first pages are overwritten.\n\n"
	     "  --json                one JSON object: kernel, kinds, consumers, cells\n"
	     "  --kind NAME           only this kind (zero-private, dma-pfn-2m, ...)\n"
	     "  --consumer NAME       only this consumer (odirect-read, fork, ...)\n"
	     "  --block-device PATH   for the O_DIRECT cells, which overwrite its\n"
	     "                        first 32 KiB (without it: not run)\n"
	     "  --offline             run madvise-soft-offline, which retires a\n"
	     "                        physical page for good, and madvise-hwpoison,\n"
	     "                        which poisons one and takes it back through\n"
	     "                        hwpoison_inject (a test box only)\n"
	     "rdma-reg-mr needs libibverbs and an RDMA device (soft-RoCE: rdma\n"
	     "link add rxe0 type rxe netdev IF); without them it is not run.\n\n"
	     "exit status: 0 done, 1 a kind could not be mapped, 2 usage error");
}

struct matrix_opts {
	int json, kind, consumer;
	struct mapdemo_matrix_config config;
};

static int parse_opts(int argc, char **argv, struct matrix_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "kind", required_argument, NULL, 'k' },
		{ "consumer", required_argument, NULL, 'c' },
		{ "block-device", required_argument, NULL, 'b' },
		{ "offline", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->kind = o->consumer = -1;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = 1;
			break;
		case 'k':
			o->kind = mapdemo_matrix_parse_kind(optarg);
			if (o->kind < 0)
				return fail(EXIT_USAGE, "matrix: --kind '%s': no such kind (mapdemo matrix --help)",
					    optarg);
			break;
		case 'c':
			o->consumer = mapdemo_matrix_parse_consumer(optarg);
			if (o->consumer < 0)
				return fail(EXIT_USAGE, "matrix: --consumer '%s': no such consumer (mapdemo matrix --help)",
					    optarg);
			break;
		case 'b':
			if (!*optarg)
				return fail(EXIT_USAGE, "matrix: --block-device: empty path");
			o->config.block_device = optarg;
			break;
		case 'o':
			o->config.flags |= MAPDEMO_MATRIX_OFFLINE;
			break;
		default:
			return bad_option("matrix", c, argv);
		}
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "matrix: unexpected argument '%s'", argv[optind]);
	return EXIT_DONE;
}

/* The selected range of kinds or consumers: [*first, *end). */
static void selection(int only, int count, int *first, int *end)
{
	*first = only >= 0 ? only : 0;
	*end = only >= 0 ? only + 1 : count;
}

static int matrix_run(int argc, char **argv)
{
	int k0, k1, c0, c1, k, c, ret, nk, width = 0;
	struct matrix_opts o;
	struct utsname u;
	char (*cells)[MAPDEMO_CELL_NAME_MAX];

	ret = parse_opts(argc, argv, &o);
	if (ret)
		return ret;
	selection(o.kind, mapdemo_matrix_kinds(), &k0, &k1);
	selection(o.consumer, mapdemo_matrix_consumers(), &c0, &c1);
	nk = k1 - k0;
	cells = calloc((size_t)nk * (size_t)(c1 - c0), sizeof(*cells));
	if (!cells)
		return fail(EXIT_FAILED, "matrix: %s", strerror(ENOMEM));
	for (c = c0; c < c1; c++) {
		for (k = k0; k < k1; k++) {
			struct mapdemo_cell cell;
			char *out = cells[(c - c0) * nk + (k - k0)];

			ret = mapdemo_matrix_cell(&o.config, k, c, &cell);
			if (ret) {
				free(cells);
				if (ret == -ENOENT)
					return fail(EXIT_FAILED, "matrix: %s: %s (is the module loaded?)",
						    mapdemo_matrix_kind_name(k), strerror(-ret));
				return fail(EXIT_FAILED, "matrix: %s: %s",
					    mapdemo_matrix_kind_name(k), strerror(-ret));
			}
			mapdemo_cell_format(&cell, out, MAPDEMO_CELL_NAME_MAX);
		}
	}
	uname(&u);
	if (o.json) {
		printf("{\"kernel\": \"%s\", \"kinds\": [", u.release);
		for (k = k0; k < k1; k++)
			printf("%s\"%s\"", k > k0 ? ", " : "", mapdemo_matrix_kind_name(k));
		printf("], \"consumers\": [");
		for (c = c0; c < c1; c++)
			printf("%s\"%s\"", c > c0 ? ", " : "", mapdemo_matrix_consumer_name(c));
		printf("], \"cells\": {");
		for (c = c0; c < c1; c++) {
			printf("%s\n  \"%s\": {", c > c0 ? "," : "",
			       mapdemo_matrix_consumer_name(c));
			for (k = k0; k < k1; k++)
				printf("%s\"%s\": \"%s\"", k > k0 ? ", " : "",
				       mapdemo_matrix_kind_name(k),
				       cells[(c - c0) * nk + (k - k0)]);
			printf("}");
		}
		printf("\n}}\n");
	} else {
		for (c = c0; c < c1; c++)
			if ((int)strlen(mapdemo_matrix_consumer_name(c)) > width)
				width = (int)strlen(mapdemo_matrix_consumer_name(c));
		printf("# kernel %s\n%-*s", u.release, width, "consumer");
		for (k = k0; k < k1; k++)
			printf(" %-17s", mapdemo_matrix_kind_name(k));
		printf("\n");
		for (c = c0; c < c1; c++) {
			printf("%-*s", width, mapdemo_matrix_consumer_name(c));
			for (k = k0; k < k1; k++)
				printf(" %-17s", cells[(c - c0) * nk + (k - k0)]);
			printf("\n");
		}
	}
	free(cells);
	return EXIT_DONE;
}

const struct command cmd_matrix = {
	.name = "matrix",
	.summary = "what every consumer does with every kind of mapping",
	.run = matrix_run,
	.help = matrix_help,
};
