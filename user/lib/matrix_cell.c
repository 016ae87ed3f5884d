// SPDX-License-Identifier: MIT
/* The behaviour matrix: a cell's outcomes and the checks consumers share. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "libmapdemo.h"
#include "internal.h"
#include "matrix.h"

void cell_errno(struct mapdemo_cell *cell, int err)
{
	memset(cell, 0, sizeof(*cell));
	cell->outcome = MAPDEMO_CELL_ERRNO;
	cell->error = err > 0 ? err : EIO;
}

void cell_fail(struct mapdemo_cell *cell)
{
	cell_errno(cell, errno);
}

void cell_signal(struct mapdemo_cell *cell, int signo, int code)
{
	memset(cell, 0, sizeof(*cell));
	cell->outcome = MAPDEMO_CELL_SIGNAL;
	cell->signo = signo;
	cell->code = code;
}

void cell_bytes(struct mapdemo_cell *cell)
{
	memset(cell, 0, sizeof(*cell));
	cell->outcome = MAPDEMO_CELL_BYTES;
}

void cell_skipped(struct mapdemo_cell *cell)
{
	memset(cell, 0, sizeof(*cell));
	cell->outcome = MAPDEMO_CELL_SKIPPED;
}

bool cell_probe(struct mapdemo_cell *cell, void *p, int access)
{
	struct mapdemo_probe_result r;
	long page_size = sysconf(_SC_PAGESIZE);
	int ret;

	ret = mapdemo_probe(p, (size_t)page_size, access, &r, 1);
	if (ret < 0) {
		cell_errno(cell, -ret);
		return false;
	}
	if (r.outcome == MAPDEMO_OK)
		return true;
	cell_signal(cell, r.outcome == MAPDEMO_SIGBUS ? SIGBUS : SIGSEGV,
		    r.code);
	return false;
}

bool cell_expect(struct mapdemo_cell *cell, void *p, const uint8_t *pattern)
{
	if (!cell_probe(cell, p, MAPDEMO_ACCESS_READ))
		return false;
	if (memcmp(p, pattern, MATRIX_PATTERN_LEN)) {
		cell_bytes(cell);
		return false;
	}
	return true;
}

void matrix_pattern(uint8_t *out, unsigned int seed)
{
	unsigned int x = seed * 2654435761U + 1;
	size_t i;

	for (i = 0; i < MATRIX_PATTERN_LEN; i++) {
		x = x * 1103515245U + 12345U;
		out[i] = (uint8_t)(x >> 16) | 1;	/* never 0: not a fresh page */
	}
}
