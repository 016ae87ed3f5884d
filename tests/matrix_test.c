// SPDX-License-Identifier: MIT
/*
 * The behaviour matrix on the running kernel against tests/matrix.expected,
 * the one data file that says what every supported kernel answers: every
 * cell that differs is named.  The file is built into the test (.incbin)
 * so that the guest needs nothing beside it.
 *
 * The file's lines (# starts a comment):
 *   kinds KIND...                 the columns of the rows below
 *   CONSUMER VALUE...             6.1's answer for each kind
 *   since X.Y CONSUMER KIND VALUE -- REASON
 *                                 from kernel X.Y on (the change named)
 *   without FEATURE CONSUMER KIND VALUE -- REASON
 *                                 where the kernel lacks FEATURE: thp,
 *                                 ksm, memory-failure, userfaultfd or
 *                                 rdma-rxe (its flavour's configuration)
 * KIND may be * for every kind.  Overrides apply in the file's order.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <rdma/rdma_netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "helpers.h"

__asm__(".section .rodata\n"
	".global matrix_expected\n"
	"matrix_expected:\n"
	".incbin \"tests/matrix.expected\"\n"
	".byte 0\n"
	".previous\n");
extern const char matrix_expected[];

#define MAX_KINDS	32
#define MAX_CONSUMERS	128
#define ERRORS_MAX	16384

struct table {
	char cell[MAX_CONSUMERS][MAX_KINDS][MAPDEMO_CELL_NAME_MAX];
	int nkinds, nconsumers;
	char errors[ERRORS_MAX];
	size_t errlen;
};

static struct table t;

static void error(int line, const char *fmt, const char *arg)
{
	t.errlen += (size_t)snprintf(t.errors + t.errlen,
				     t.errlen < ERRORS_MAX ? ERRORS_MAX - t.errlen : 0,
				     "tests/matrix.expected:%d: %s '%s'\n", line, fmt, arg);
	if (t.errlen > ERRORS_MAX)
		t.errlen = ERRORS_MAX;
}

/*
 * Was the running kernel built with module (or built-in) @ko, by the
 * modules.order and modules.builtin of its /lib/modules?  What the
 * kernel was configured with, not what happens to be loaded: a kernel
 * built with rdma_rxe whose module cannot be loaded fails the test.
 */
static bool kernel_built(const char *ko)
{
	static const char *const lists[] = { "modules.order", "modules.builtin" };
	struct utsname u;
	char path[512], line[512];
	bool found = false;
	size_t i;

	if (uname(&u))
		return false;
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]) && !found; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "/lib/modules/%s/%s", u.release, lists[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (!found && fgets(line, sizeof(line), f)) {
			char *base = strrchr(line, '/');

			line[strcspn(line, "\n")] = '\0';
			found = !strcmp(base ? base + 1 : line, ko);
		}
		fclose(f);
	}
	return found;
}

static bool feature(const char *name, bool *known)
{
	*known = true;
	if (!strcmp(name, "thp"))
		return !access("/sys/kernel/mm/transparent_hugepage", F_OK);
	if (!strcmp(name, "ksm"))
		return !access("/sys/kernel/mm/ksm", F_OK);
	if (!strcmp(name, "memory-failure"))
		return !access("/proc/sys/vm/memory_failure_recovery", F_OK);
	/* the sysctl exists exactly where the system call does */
	if (!strcmp(name, "userfaultfd"))
		return !access("/proc/sys/vm/unprivileged_userfaultfd", F_OK);
	if (!strcmp(name, "rdma-rxe"))
		return kernel_built("rdma_rxe.ko");
	*known = false;
	return false;
}

/* Set @consumer's cell of @kind ("*": every kind) to @value. */
static void set_cell(int line, const char *consumer, const char *kind,
		     const char *value)
{
	int c = mapdemo_matrix_parse_consumer(consumer);
	int k = kind && strcmp(kind, "*") ? mapdemo_matrix_parse_kind(kind) : -1;
	int i;

	if (c < 0)
		return error(line, "no such consumer", consumer);
	if (!kind || (k < 0 && strcmp(kind, "*")))
		return error(line, "no such kind", kind ? kind : "");
	for (i = 0; i < t.nkinds; i++)
		if (k < 0 || i == k)
			snprintf(t.cell[c][i], MAPDEMO_CELL_NAME_MAX, "%s", value);
}

#define MAX_WORDS	(MAX_KINDS + 2)

/* Read the data file into the table this kernel should show. */
static void load_expected(void)
{
	char *text = strdup(matrix_expected), *next, *l;
	int cols[MAX_KINDS], ncols = 0, line = 0, c, k;

	cr_assert_not_null(text);
	memset(&t, 0, sizeof(t));
	t.nkinds = mapdemo_matrix_kinds();
	t.nconsumers = mapdemo_matrix_consumers();
	cr_assert(t.nkinds <= MAX_KINDS && t.nconsumers <= MAX_CONSUMERS);
	for (l = text; l; l = next) {
		char *nl = strchr(l, '\n'), *w[MAX_WORDS], *s = NULL, *cut;
		int n = 0;

		next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		line++;
		cut = strchr(l, '#');
		if (cut)
			*cut = '\0';
		cut = strstr(l, " -- ");	/* the reason is for people */
		if (cut)
			*cut = '\0';
		for (w[n] = strtok_r(l, " \t", &s); w[n] && n < MAX_WORDS - 1;
		     w[++n] = strtok_r(NULL, " \t", &s))
			;
		if (!n)
			continue;
		if (!strcmp(w[0], "kinds")) {
			for (ncols = 0; ncols + 1 < n; ncols++) {
				cols[ncols] = mapdemo_matrix_parse_kind(w[ncols + 1]);
				if (cols[ncols] < 0)
					error(line, "no such kind", w[ncols + 1]);
			}
		} else if (strcmp(w[0], "since") && strcmp(w[0], "without")) {
			c = mapdemo_matrix_parse_consumer(w[0]);
			if (c < 0) {
				error(line, "no such consumer", w[0]);
				continue;
			}
			if (n != ncols + 1) {
				error(line, "not one cell a kind for", w[0]);
				continue;
			}
			for (k = 0; k < ncols; k++)
				if (cols[k] >= 0)
					snprintf(t.cell[c][cols[k]],
						 MAPDEMO_CELL_NAME_MAX, "%s",
						 w[k + 1]);
		} else if (n != 5) {
			error(line, "not WORD SERIES-OR-FEATURE CONSUMER KIND VALUE:",
			      w[0]);
		} else if (!strcmp(w[0], "since")) {
			unsigned int ma, mi;

			if (sscanf(w[1], "%u.%u", &ma, &mi) != 2)
				error(line, "not a kernel series", w[1]);
			else if (kernel_at_least(ma, mi))
				set_cell(line, w[2], w[3], w[4]);
		} else {
			bool known, has = feature(w[1], &known);

			if (!known)
				error(line, "no such feature", w[1]);
			else if (!has)
				set_cell(line, w[2], w[3], w[4]);
		}
	}
	free(text);
	for (c = 0; c < t.nconsumers; c++)
		for (k = 0; k < t.nkinds; k++)
			if (!t.cell[c][k][0])
				t.errlen += (size_t)snprintf(t.errors + t.errlen,
					t.errlen < ERRORS_MAX ? ERRORS_MAX - t.errlen : 0,
					"tests/matrix.expected: no cell for %s x %s\n",
					mapdemo_matrix_consumer_name(c),
					mapdemo_matrix_kind_name(k));
	if (t.errlen > ERRORS_MAX)
		t.errlen = ERRORS_MAX;
}

/* brd, a RAM disk, for the O_DIRECT cells (as the dma tests use it). */
static const char *ramdisk(void)
{
	int ret = mapdemo_module_load("brd", "rd_nr=1 rd_size=8192");

	cr_assert(ret == 0 || ret == -EEXIST, "load brd: %s", strerror(-ret));
	return "/dev/ram0";
}

/* Load @name; 0 when it is in (now or before), else -errno. */
static int load(const char *name, const char *params)
{
	int ret = mapdemo_module_load(name, params);

	return ret == -EEXIST ? 0 : ret;
}

/* A netlink attribute (string) appended at @buf + *@len. */
static void nl_string(char *buf, size_t *len, unsigned short type, const char *s)
{
	struct nlattr *a = (struct nlattr *)(buf + *len);

	a->nla_type = type;
	a->nla_len = (unsigned short)(NLA_HDRLEN + strlen(s) + 1);
	memcpy((char *)a + NLA_HDRLEN, s, strlen(s) + 1);
	*len += NLA_ALIGN(a->nla_len);
}

/*
 * `rdma link add @name type rxe netdev @ndev`, as iproute2's rdma tool
 * sends it (RDMA_NLDEV_CMD_NEWLINK): 0, or the kernel's -errno (-EEXIST
 * counts as done).
 */
static int rxe_link_add(const char *name, const char *ndev)
{
	char buf[256] __attribute__((aligned(4))) = { 0 };
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	size_t len = NLMSG_HDRLEN;
	ssize_t got;
	int fd, ret;

	nl_string(buf, &len, RDMA_NLDEV_ATTR_DEV_NAME, name);
	nl_string(buf, &len, RDMA_NLDEV_ATTR_LINK_TYPE, "rxe");
	nl_string(buf, &len, RDMA_NLDEV_ATTR_NDEV_NAME, ndev);
	h->nlmsg_len = (unsigned int)len;
	h->nlmsg_type = RDMA_NL_GET_TYPE(RDMA_NL_NLDEV, RDMA_NLDEV_CMD_NEWLINK);
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	h->nlmsg_seq = 1;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_RDMA);
	if (fd < 0)
		return -errno;
	if (sendto(fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	got = recv(fd, buf, sizeof(buf), 0);
	ret = got < 0 ? -errno : -EPROTO;
	if (got >= (ssize_t)(NLMSG_HDRLEN + sizeof(struct nlmsgerr)) &&
	    h->nlmsg_type == NLMSG_ERROR)
		ret = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	close(fd);
	return ret == -EEXIST ? 0 : ret;
}

/* Bring network interface @name up (SIOCSIFFLAGS); 0 or -errno. */
static int link_up(const char *name)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		ret = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!ret && ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * Soft-RoCE for the rdma-reg-mr cells, where the kernel has rdma_rxe:
 * its modules (libkmod's insert does not follow dependencies: they go in
 * first, each where the kernel has it; ib_uverbs_support is 7.x's,
 * crc32_generic 6.x's), a
 * dummy netdev and an rxe device bound to it.  Once made, rxe0 stays for
 * the rest of the guest's run (on a test box, until reboot or "rdma link
 * delete rxe0").
 */
static void soft_roce(void)
{
	static const char *const deps[] = {
		"udp_tunnel", "ip6_udp_tunnel", "ib_core", "ib_uverbs_support",
		"ib_uverbs",
		/*
		 * rxe's ICRC before the crc32 library took over (7.x): it
		 * asks the crypto API for "crc32", whose module the guest's
		 * kernel cannot load on demand (no /sbin/modprobe), and
		 * without it "rdma_rxe: failed to init crc32 algorithm"
		 * fails the link (6.1, 6.12)
		 */
		"crc32_generic",
	};
	size_t i;
	int ret;

	if (!kernel_built("rdma_rxe.ko"))
		return;
	for (i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
		ret = load(deps[i], NULL);
		cr_assert(ret == 0 || ret == -ENOENT, "load %s: %s", deps[i], strerror(-ret));
	}
	ret = load("rdma_rxe", NULL);
	cr_assert_eq(ret, 0, "load rdma_rxe: %s", strerror(-ret));
	ret = load("dummy", "numdummies=1");
	cr_assert_eq(ret, 0, "load dummy: %s", strerror(-ret));
	ret = link_up("dummy0");
	cr_assert_eq(ret, 0, "dummy0 up: %s", strerror(-ret));
	/* a second run in one boot (a test box) finds its own rxe0 */
	ret = rxe_link_add("rxe0", "dummy0");
	cr_assert(ret == 0 || ret == -EEXIST,
		  "rdma link add rxe0 type rxe netdev dummy0: %s", strerror(-ret));
}

/*
 * hwpoison_inject, whose unpoison-pfn takes back the madvise-hwpoison
 * cells' poison (the cells are not run without it); a kernel without
 * CONFIG_MEMORY_FAILURE has neither.
 */
static void hwpoison_inject(void)
{
	bool known;
	int ret;

	if (!feature("memory-failure", &known))
		return;
	ret = load("hwpoison_inject", NULL);
	cr_assert_eq(ret, 0, "load hwpoison_inject: %s", strerror(-ret));
	cr_assert_eq(access("/sys/kernel/debug/hwpoison/unpoison-pfn", W_OK), 0,
		     "no debugfs hwpoison/unpoison-pfn: %s", strerror(errno));
}

Test(matrix, the_data_file_names_every_cell_the_library_runs)
{
	load_expected();
	cr_assert_eq(t.errlen, 0, "%s", t.errors);
}

Test(matrix, every_cell_is_what_this_kernel_answers, .timeout = 600)
{
	struct mapdemo_matrix_config config = {
		.block_device = ramdisk(),
		.flags = MAPDEMO_MATRIX_OFFLINE,
	};
	char got[MAPDEMO_CELL_NAME_MAX];
	int c, k, ret, wrong = 0;

	load_expected();
	cr_assert_eq(t.errlen, 0, "%s", t.errors);
	soft_roce();
	hwpoison_inject();
	for (c = 0; c < t.nconsumers; c++) {
		for (k = 0; k < t.nkinds; k++) {
			struct mapdemo_cell cell;

			ret = mapdemo_matrix_cell(&config, k, c, &cell);
			cr_assert_eq(ret, 0, "%s x %s: %s",
				     mapdemo_matrix_consumer_name(c),
				     mapdemo_matrix_kind_name(k), strerror(-ret));
			cr_assert_gt(mapdemo_cell_format(&cell, got, sizeof(got)), 0);
			if (!strcmp(got, t.cell[c][k]))
				continue;
			wrong++;
			t.errlen += (size_t)snprintf(t.errors + t.errlen,
				t.errlen < ERRORS_MAX ? ERRORS_MAX - t.errlen : 0,
				"%s x %s: %s, expected %s\n",
				mapdemo_matrix_consumer_name(c),
				mapdemo_matrix_kind_name(k), got, t.cell[c][k]);
			if (t.errlen > ERRORS_MAX)
				t.errlen = ERRORS_MAX;
		}
	}
	cr_assert_eq(wrong, 0, "%d cells differ from tests/matrix.expected:\n%s",
		     wrong, t.errors);
	cr_assert_eq(device_stats().vmas_live, 0);
}
