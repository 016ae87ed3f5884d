// SPDX-License-Identifier: MIT
/*
 * Protections, each mode: every combination of PROT_NONE, PROT_READ and
 * PROT_WRITE with MAP_PRIVATE and MAP_SHARED, checked by access (the
 * signal, si_code and si_addr of each refused one) and by the permission
 * string in /proc/self/maps; mprotect() transitions.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conformance.h"

struct expect {
	int prot;
	const char *perms;	/* /proc/self/maps, 'p' or 's' appended */
	int read_ok, write_ok;
};

/*
 * PROT_WRITE alone: maps says "-w-", as asked, but x86 page tables cannot
 * express write-only, so reads work too (mmap(2): "on some hardware
 * architectures ... PROT_WRITE may imply PROT_READ").
 */
static const struct expect expects[] = {
	{ PROT_NONE, "---", 0, 0 },
	{ PROT_READ, "r--", 1, 0 },
	{ PROT_WRITE, "-w-", 1, 1 },
	{ PROT_READ | PROT_WRITE, "rw-", 1, 1 },
};

static void check_access(char *p, const struct expect *e, int shared)
{
	struct mapdemo_probe_result r;
	char perms[5], want[5];

	maps_perms(p, perms);
	snprintf(want, sizeof(want), "%s%c", e->perms, shared ? 's' : 'p');
	cr_assert_str_eq(perms, want, "prot %#x", e->prot);

	r = probe_page(p, MAPDEMO_ACCESS_READ);
	if (e->read_ok) {
		cr_assert_eq(r.outcome, MAPDEMO_OK, "read, prot %#x", e->prot);
	} else {
		cr_assert_eq(r.outcome, MAPDEMO_SIGSEGV, "read, prot %#x", e->prot);
		cr_assert_eq(r.code, SEGV_ACCERR);
		cr_assert_eq(r.addr, p);
	}
	r = probe_page(p + page_size, MAPDEMO_ACCESS_WRITE);
	if (e->write_ok) {
		cr_assert_eq(r.outcome, MAPDEMO_OK, "write, prot %#x", e->prot);
	} else {
		cr_assert_eq(r.outcome, MAPDEMO_SIGSEGV, "write, prot %#x", e->prot);
		cr_assert_eq(r.code, SEGV_ACCERR);
		cr_assert_eq(r.addr, p + page_size);
	}
}

static void every_prot(int mode, int shared)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	size_t i;
	char *p;

	for (i = 0; i < sizeof(expects) / sizeof(expects[0]); i++) {
		p = conf_map(&dev, 2 * page_size, expects[i].prot,
			     shared ? MAP_SHARED : MAP_PRIVATE);
		check_access(p, &expects[i], shared);
		cr_assert_eq(munmap(p, 2 * page_size), 0);
	}
	mapdemo_device_close(&dev);
}

MODE_TEST(prot, every_prot_private)
{
	every_prot(mode, 0);
}

MODE_TEST(prot, every_prot_shared)
{
	every_prot(mode, 1);
}

static void transitions(int mode, int shared)
{
	static const int order[] = { 0, 1, 3, 2, 1, 0, 3 };
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, 2 * page_size, PROT_NONE,
			   shared ? MAP_SHARED : MAP_PRIVATE);
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct expect *e = &expects[order[i]];

		cr_assert_eq(mprotect(p, 2 * page_size, e->prot), 0, "%s", strerror(errno));
		check_access(p, e, shared);
	}
	munmap(p, 2 * page_size);
	mapdemo_device_close(&dev);
}

MODE_TEST(prot, mprotect_transitions_private)
{
	transitions(mode, 0);
}

MODE_TEST(prot, mprotect_transitions_shared)
{
	transitions(mode, 1);
}

MODE_TEST(prot, mprotect_write_needs_a_writable_fd_when_shared)
{
	struct mapdemo_device ro = conf_open(mode, O_RDONLY);
	char *s = conf_map(&ro, page_size, PROT_READ, MAP_SHARED);
	char *p = conf_map(&ro, page_size, PROT_READ, MAP_PRIVATE);
	char perms[5];

	cr_assert_eq(mprotect(s, page_size, PROT_READ | PROT_WRITE), -1);
	cr_assert_eq(errno, EACCES);
	maps_perms(s, perms);
	cr_assert_str_eq(perms, "r--s", "a refused mprotect changed the mapping");
	/* a private copy may be written whatever the fd */
	cr_assert_eq(mprotect(p, page_size, PROT_READ | PROT_WRITE), 0);
	p[0] = 1;
	cr_assert_eq(s[0], 0);
	munmap(s, page_size);
	munmap(p, page_size);
	mapdemo_device_close(&ro);
}

MODE_TEST(prot, mprotect_part_splits_the_mapping)
{
	struct mapdemo_device dev = conf_open(mode, O_RDWR);
	char *p = conf_map(&dev, 3 * page_size, PROT_READ | PROT_WRITE, MAP_SHARED);
	struct mapdemo_probe_result r;
	char perms[5];

	memset(p, 0x21, 3 * page_size);
	cr_assert_eq(mprotect(p + page_size, page_size, PROT_READ), 0);
	maps_perms(p, perms);
	cr_assert_str_eq(perms, "rw-s");
	maps_perms(p + page_size, perms);
	cr_assert_str_eq(perms, "r--s");
	r = probe_page(p + page_size, MAPDEMO_ACCESS_WRITE);
	cr_assert_eq(r.outcome, MAPDEMO_SIGSEGV);
	cr_assert_eq(r.addr, p + page_size);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 3);
	cr_assert_eq(count_not(p, 3 * page_size, 0x21), 0);
	munmap(p, 3 * page_size);
	cr_assert_eq(dev_stats(&dev, MAPDEMO_STATS_FILE).vmas_live, 0);
	mapdemo_device_close(&dev);
}
