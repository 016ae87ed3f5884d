// SPDX-License-Identifier: MIT
/*
 * The behaviour matrix: one cell is one kind of mapping met by one
 * consumer, run in a child process of its own so that nothing the
 * consumer does (a seal, a lock, a tracee, a signal) reaches the caller.
 * The child reports through a shared anonymous page.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmapdemo.h"
#include "internal.h"
#include "matrix.h"

/* A cell that hangs is ended by this alarm, and reads "SIGALRM". */
#define CELL_SECONDS	20

struct cell_report {
	int ret;		/* 0, or why the mapping could not be made */
	struct mapdemo_cell cell;
};

int mapdemo_matrix_kinds(void)
{
	return (int)matrix_nkinds;
}

const char *mapdemo_matrix_kind_name(int kind)
{
	if (kind < 0 || (size_t)kind >= matrix_nkinds)
		return NULL;
	return matrix_kinds[kind].name;
}

int mapdemo_matrix_parse_kind(const char *name)
{
	size_t i;

	for (i = 0; name && i < matrix_nkinds; i++)
		if (!strcasecmp(name, matrix_kinds[i].name))
			return (int)i;
	return -EINVAL;
}

int mapdemo_matrix_consumers(void)
{
	return (int)matrix_nconsumers;
}

const char *mapdemo_matrix_consumer_name(int consumer)
{
	if (consumer < 0 || (size_t)consumer >= matrix_nconsumers)
		return NULL;
	return matrix_consumers[consumer].name;
}

int mapdemo_matrix_parse_consumer(const char *name)
{
	size_t i;

	for (i = 0; name && i < matrix_nconsumers; i++)
		if (!strcasecmp(name, matrix_consumers[i].name))
			return (int)i;
	return -EINVAL;
}

int mapdemo_cell_format(const struct mapdemo_cell *cell, char *buf,
			size_t size)
{
	const char *name = NULL, *code = NULL;
	char num[24];
	int n;

	if (!cell || !buf)
		return -EINVAL;
	switch (cell->outcome) {
	case MAPDEMO_CELL_OK:
		name = "ok";
		break;
	case MAPDEMO_CELL_ERRNO:
		name = strerrorname_np(cell->error);
		if (!name) {
			snprintf(num, sizeof(num), "errno%d", cell->error);
			name = num;
		}
		break;
	case MAPDEMO_CELL_SIGNAL:
		name = sigabbrev_np(cell->signo);
		if (!name) {
			snprintf(num, sizeof(num), "signal%d", cell->signo);
			name = num;
		}
		if (cell->signo == SIGSEGV)
			code = mapdemo_code_name(MAPDEMO_SIGSEGV, cell->code);
		else if (cell->signo == SIGBUS)
			code = mapdemo_code_name(MAPDEMO_SIGBUS, cell->code);
		break;
	case MAPDEMO_CELL_BYTES:
		name = "bytes";
		break;
	case MAPDEMO_CELL_SKIPPED:
		name = "-";
		break;
	default:
		return -EINVAL;
	}
	if (cell->outcome == MAPDEMO_CELL_SIGNAL)
		n = snprintf(buf, size, "SIG%s%s%s", name, code ? "/" : "",
			     code ? code : "");
	else
		n = snprintf(buf, size, "%s", name);
	if (n < 0 || (size_t)n >= size) {
		if (size)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}

static bool config_valid(const struct mapdemo_matrix_config *config)
{
	size_t i;

	if (!config)
		return true;
	if (config->flags & ~MAPDEMO_MATRIX_OFFLINE || config->pad)
		return false;
	for (i = 0; i < sizeof(config->reserved) / sizeof(config->reserved[0]); i++)
		if (config->reserved[i])
			return false;
	return true;
}

/* The child: make the mapping, run the consumer, report. */
static void cell_child(const struct mapdemo_matrix_config *config,
		       const struct matrix_kind *kind,
		       const struct matrix_consumer *consumer,
		       struct cell_report *report)
{
	static const int defaults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
					SIGTRAP, SIGCHLD, SIGALRM };
	struct matrix_ctx ctx;
	sigset_t none;
	size_t i;

	/* the caller's handlers and mask are not the cell's */
	for (i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		signal(defaults[i], SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	alarm(CELL_SECONDS);

	memset(&ctx, 0, sizeof(ctx));
	ctx.fd = -1;
	ctx.config = config;
	ctx.kind = kind;
	ctx.page_size = (size_t)sysconf(_SC_PAGESIZE);
	report->ret = matrix_map(&ctx, 0);
	if (report->ret)
		_exit(0);
	/* the pattern goes in where a write works (not past the end) */
	matrix_pattern(ctx.pattern, 1);
	if (cell_probe(&report->cell, ctx.addr, MAPDEMO_ACCESS_WRITE)) {
		memcpy(ctx.addr, ctx.pattern, sizeof(ctx.pattern));
		ctx.writable = true;
	}
	memset(&report->cell, 0, sizeof(report->cell));
	ctx.arg = consumer->arg;
	consumer->run(&ctx, &report->cell);
	_exit(0);
}

int mapdemo_matrix_cell(const struct mapdemo_matrix_config *config,
			int kind, int consumer, struct mapdemo_cell *cell)
{
	struct cell_report *report;
	int status, ret;
	pid_t pid;

	if (!cell)
		return -EINVAL;
	memset(cell, 0, sizeof(*cell));
	if (kind < 0 || (size_t)kind >= matrix_nkinds ||
	    consumer < 0 || (size_t)consumer >= matrix_nconsumers ||
	    !config_valid(config))
		return -EINVAL;

	report = mmap(NULL, sizeof(*report), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (report == MAP_FAILED)
		return neg_errno();
	memset(report, 0, sizeof(*report));
	report->ret = -ECHILD;	/* what it stays if the child never reports */

	pid = fork();
	if (pid < 0) {
		ret = neg_errno();
		munmap(report, sizeof(*report));
		return ret;
	}
	if (pid == 0)
		cell_child(config, &matrix_kinds[kind],
			   &matrix_consumers[consumer], report);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ret = neg_errno();
			munmap(report, sizeof(*report));
			return ret;
		}
	}
	ret = report->ret;
	if (WIFSIGNALED(status)) {
		/* killed outside a probe: the signal without its si_code */
		ret = 0;
		cell_signal(&report->cell, WTERMSIG(status), 0);
	}
	*cell = report->cell;
	munmap(report, sizeof(*report));
	return ret;
}
