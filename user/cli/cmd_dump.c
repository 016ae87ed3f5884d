// SPDX-License-Identifier: MIT
/*
 * mapdemo dump: write bytes of the device to stdout through a mapping.
 * As in mmap(2)'s example program, the offset may be any byte: the
 * mapping starts at the page boundary below it.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cli.h"

static void dump_help(void)
{
	puts("usage: mapdemo dump [--mode MODE] [--offset SIZE] [--length SIZE]\n\n"
	     "Map /dev/mapdemo read-only and shared, and write LENGTH bytes from\n"
	     "byte OFFSET to stdout (pipe it to od or xxd).  OFFSET may be any\n"
	     "byte: the mapping starts at the page boundary below it.\n\n"
	     "  --mode MODE     zero, sparse or dma (default: the module's)\n"
	     "  --offset SIZE   first byte, K/M/G suffixes (default 0)\n"
	     "  --length SIZE   bytes to write (default: to the buffer's end;\n"
	     "                  required in zero mode, which has no end)\n\n"
	     "exit status: 0 done, 1 the operation failed, 2 usage error");
}

struct dump_opts {
	int mode;
	uint64_t offset;
	uint64_t length;
	int have_length;
};

static int parse_opts(int argc, char **argv, struct dump_opts *o)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "offset", required_argument, NULL, 'o' },
		{ "length", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	int c, ret;

	*o = (struct dump_opts){ .mode = MAPDEMO_MODE_DEFAULT };
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		ret = EXIT_DONE;
		switch (c) {
		case 'm':
			ret = mode_arg("dump", optarg, &o->mode);
			break;
		case 'o':
			ret = offset_arg("dump", optarg, &o->offset);
			break;
		case 'l':
			ret = size_arg("dump", "--length", optarg, &o->length);
			o->have_length = 1;
			break;
		default:
			return bad_option("dump", c, argv);
		}
		if (ret)
			return ret;
	}
	if (optind < argc)
		return fail(EXIT_USAGE, "dump: unexpected argument '%s'", argv[optind]);
	return EXIT_DONE;
}

/* The buffer's size in @mode, or UINT64_MAX for zero mode (no end). */
static uint64_t buffer_end(const struct mapdemo_info *info)
{
	switch (info->mode) {
	case MAPDEMO_MODE_SPARSE:
		return info->sparse_size;
	case MAPDEMO_MODE_DMA:
		return info->dma_size;
	default:
		return UINT64_MAX;
	}
}

static int write_all(const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(STDOUT_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int dump_mapped(struct mapdemo_device *dev, const struct dump_opts *o,
		       uint64_t length)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t start = o->offset & ~(page - 1);	/* as mmap(2)'s example */
	struct mapdemo_mapping m;
	struct mapdemo_info info;
	int ret, rc = EXIT_DONE;

	if (length > SIZE_MAX - (o->offset - start))
		return fail(EXIT_USAGE, "dump: --length %" PRIu64 ": too large", length);
	ret = mapdemo_map(dev, &m, NULL, (size_t)(length + o->offset - start),
			  PROT_READ, MAP_SHARED, start);
	if (ret)
		return fail(EXIT_FAILED, "dump: mmap(length %" PRIu64 ", offset %" PRIu64 "): %s",
			    length + o->offset - start, start, strerror(-ret));
	/*
	 * The size was read before mapping; a buffer cannot be resized while
	 * mapped, so checking again now rules out a SIGBUS while writing.
	 */
	ret = mapdemo_info(dev, &info);
	if (ret)
		rc = fail(EXIT_FAILED, "dump: info: %s", strerror(-ret));
	else if (o->offset + length > buffer_end(&info))
		rc = fail(EXIT_FAILED, "dump: the buffer shrank to %" PRIu64 " bytes meanwhile",
			  buffer_end(&info));
	else if ((ret = write_all((char *)m.addr + (o->offset - start), (size_t)length)))
		rc = fail(EXIT_FAILED, "dump: write to stdout: %s", strerror(-ret));
	mapdemo_unmap(&m);
	return rc;
}

static int dump_run(int argc, char **argv)
{
	struct mapdemo_device dev;
	struct mapdemo_info info;
	struct dump_opts o;
	uint64_t end, length;
	int ret, rc;

	rc = parse_opts(argc, argv, &o);
	if (rc)
		return rc;
	rc = open_device("dump", &dev, O_RDONLY, o.mode);
	if (rc)
		return rc;
	ret = mapdemo_info(&dev, &info);
	if (ret) {
		mapdemo_device_close(&dev);
		return fail(EXIT_FAILED, "dump: info: %s", strerror(-ret));
	}
	end = buffer_end(&info);
	length = o.length;
	if (!o.have_length && end == UINT64_MAX)
		rc = fail(EXIT_USAGE, "dump: --length is required in %s mode (it has no end)",
			  mapdemo_mode_name((int)info.mode));
	else if (o.offset >= end)
		rc = fail(EXIT_FAILED, "dump: --offset %" PRIu64 " is past the end of the %" PRIu64
			  "-byte %s buffer", o.offset, end, mapdemo_mode_name((int)info.mode));
	else if (!o.have_length)
		length = end - o.offset;
	else if (length > end - o.offset)
		rc = fail(EXIT_FAILED, "dump: --length %" PRIu64 " runs past the end of the %" PRIu64
			  "-byte %s buffer", length, end, mapdemo_mode_name((int)info.mode));
	if (!rc && length)
		rc = dump_mapped(&dev, &o, length);
	mapdemo_device_close(&dev);
	return rc;
}

const struct command cmd_dump = {
	"dump", "write bytes at any offset to stdout", dump_run, dump_help
};
