// SPDX-License-Identifier: MIT
/*
 * The behaviour matrix's core dump consumers: a grandchild holding the
 * mapping (as fork left it) dumps core, and the dump's segment for the
 * mapping must hold the pattern, or must not, as asked.  The dump goes to
 * a directory of its own, so only a kernel whose core_pattern writes a
 * plain file in the dumping task's directory ("core", with
 * core_uses_pid or not) runs the cells; with any other pattern (a pipe
 * to systemd-coredump, an absolute path) they are skipped.  The default
 * coredump_filter (0x33: anonymous private and shared memory, ELF
 * headers, hugetlb private) is the one dumped with.
 */
#define _FILE_OFFSET_BITS 64
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmapdemo.h"
#include "internal.h"
#include "matrix.h"

#define KERNEL_COREDUMP_FILTER	"0x33"

/* A one-line /proc/sys file's first line; false if unreadable. */
static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/* Does the kernel write "core" into the dumping task's directory? */
static bool plain_core_pattern(bool *uses_pid)
{
	char pattern[256], pid[16];

	if (!read_line("/proc/sys/kernel/core_pattern", pattern, sizeof(pattern)) ||
	    strcmp(pattern, "core"))
		return false;
	*uses_pid = read_line("/proc/sys/kernel/core_uses_pid", pid, sizeof(pid)) &&
		    strcmp(pid, "0");
	return true;
}

/* The grandchild: dump core in @dir with the kernel's default filter. */
static void dump_core(const char *dir)
{
	struct rlimit unlimited = { RLIM_INFINITY, RLIM_INFINITY };
	int fd;

	if (chdir(dir))
		_exit(2);
	fd = open("/proc/self/coredump_filter", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, KERNEL_COREDUMP_FILTER, 4) != 4)
		_exit(2);
	close(fd);
	if (setrlimit(RLIMIT_CORE, &unlimited) ||
	    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		_exit(2);
	signal(SIGABRT, SIG_DFL);
	raise(SIGABRT);
	_exit(3);
}

/*
 * In the ELF core at @path, the MATRIX_PATTERN_LEN bytes at @addr, in the
 * PT_LOAD segment that holds @addr: 1 if they are @pattern, 0 if the
 * segment holds no bytes there or others, -errno if the core cannot be
 * read.  The segment may start below @addr: a dump has one segment a
 * VMA, and an anonymous mapping merges with an anonymous neighbour of
 * the same flags (which neighbour depends on the C library's layout).
 */
static int core_holds(const char *path, const void *addr, const uint8_t *pattern)
{
	uint8_t got[MATRIX_PATTERN_LEN];
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	uint64_t at;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;
	unsigned int i;

	if (fd < 0)
		return neg_errno();
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_type != ET_CORE || eh.e_phentsize != sizeof(ph)) {
		close(fd);
		return -ENOEXEC;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) !=
		    (ssize_t)sizeof(ph)) {
			ret = -EIO;
			break;
		}
		if (ph.p_type != PT_LOAD || (uintptr_t)addr < ph.p_vaddr ||
		    (uintptr_t)addr - ph.p_vaddr >= ph.p_memsz)
			continue;
		at = (uintptr_t)addr - ph.p_vaddr;
		ret = ph.p_filesz >= at + sizeof(got) &&
		      pread(fd, got, sizeof(got), (off_t)(ph.p_offset + at)) ==
			      (ssize_t)sizeof(got) &&
		      !memcmp(got, pattern, sizeof(got));
		break;
	}
	close(fd);
	return ret;
}

/*
 * Dump core with the mapping as it is (arg 0), after MADV_DONTDUMP
 * (arg MADV_DONTDUMP: ok when the bytes are absent), or after
 * MADV_DONTDUMP and MADV_DODUMP (arg MADV_DODUMP: ok when present).
 */
void matrix_core_dump(struct matrix_ctx *ctx, struct mapdemo_cell *cell)
{
	char dir[] = "/tmp/mapdemo-core.XXXXXX", core[64];
	bool uses_pid, want = ctx->arg != MADV_DONTDUMP;
	int status, held;
	pid_t pid;

	if (!plain_core_pattern(&uses_pid)) {
		cell_skipped(cell);
		return;
	}
	if (ctx->arg && (madvise(ctx->addr, ctx->length, MADV_DONTDUMP) ||
			 (ctx->arg == MADV_DODUMP &&
			  madvise(ctx->addr, ctx->length, MADV_DODUMP)))) {
		cell_fail(cell);
		return;
	}
	if (!mkdtemp(dir)) {
		cell_fail(cell);
		return;
	}
	pid = fork();
	if (pid == 0)
		dump_core(dir);
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		cell_fail(cell);
		rmdir(dir);
		return;
	}
	if (uses_pid)
		snprintf(core, sizeof(core), "%s/core.%d", dir, (int)pid);
	else
		snprintf(core, sizeof(core), "%s/core", dir);
	if (!WIFSIGNALED(status) || !WCOREDUMP(status))
		held = -ENOENT;		/* no dump was written */
	else
		held = core_holds(core, ctx->addr, ctx->pattern);
	unlink(core);
	rmdir(dir);
	if (held < 0)
		cell_errno(cell, -held);
	else if (held != (want && ctx->writable))
		cell_bytes(cell);
}
