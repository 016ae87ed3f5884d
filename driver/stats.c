// SPDX-License-Identifier: GPL-2.0
/*
 * Event counters, per device and per open file.
 *
 * The counters are per-CPU so that the fault path never bounces a shared
 * cache line between CPUs; readers sum them, which is cheap and rare.
 * A sum taken while faults run is a snapshot, not an atomic view.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "mapdemo.h"

static struct mapdemo_counters __percpu *device_stats;

struct mapdemo_counters __percpu *mapdemo_device_stats(void)
{
	return device_stats;
}

void mapdemo_count_add(struct mapdemo_file *mf, enum mapdemo_stat stat,
		       unsigned long n)
{
	this_cpu_add(device_stats->v[stat], n);
	if (mf)
		this_cpu_add(mf->stats->v[stat], n);
}

void mapdemo_count(struct mapdemo_file *mf, enum mapdemo_stat stat)
{
	mapdemo_count_add(mf, stat, 1);
}

static void stats_sum(struct mapdemo_counters __percpu *stats, u64 *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * MD_STAT_NR);
	for_each_possible_cpu(cpu) {
		struct mapdemo_counters *c = per_cpu_ptr(stats, cpu);

		for (i = 0; i < MD_STAT_NR; i++)
			sum[i] += READ_ONCE(c->v[i]);
	}
}

void mapdemo_stats_fill(struct mapdemo_counters __percpu *stats,
			struct mapdemo_stats *out)
{
	u64 s[MD_STAT_NR];

	stats_sum(stats, s);
	out->mmaps = s[MD_STAT_MMAPS];
	out->faults = s[MD_STAT_FAULTS];
	out->fault_around = s[MD_STAT_FAULT_AROUND];
	out->huge_faults = s[MD_STAT_HUGE_FAULTS];
	out->cow = s[MD_STAT_COW];
	out->mkwrite = s[MD_STAT_MKWRITE];
	out->pages_alloc = s[MD_STAT_PAGES_ALLOC];
	out->pages_freed = s[MD_STAT_PAGES_FREED];
	out->pages_live = s[MD_STAT_PAGES_ALLOC] - s[MD_STAT_PAGES_FREED];
	out->sigbus = s[MD_STAT_SIGBUS];
	out->oom = s[MD_STAT_OOM];
	out->vmas_live = s[MD_STAT_VMA_OPEN] - s[MD_STAT_VMA_CLOSE];
}

/*
 * sysfs: /sys/class/misc/mapdemo/stats/<counter>, one value a file.  The
 * attributes are built from this table at init so that adding a counter
 * to struct mapdemo_stats takes one line here.
 */
struct stat_attr {
	struct device_attribute dattr;
	size_t offset;		/* of the u64 in struct mapdemo_stats */
};

static const struct {
	const char *name;
	size_t offset;
} stat_files[] = {
	{ "mmaps", offsetof(struct mapdemo_stats, mmaps) },
	{ "faults", offsetof(struct mapdemo_stats, faults) },
	{ "fault_around", offsetof(struct mapdemo_stats, fault_around) },
	{ "huge_faults", offsetof(struct mapdemo_stats, huge_faults) },
	{ "cow", offsetof(struct mapdemo_stats, cow) },
	{ "mkwrite", offsetof(struct mapdemo_stats, mkwrite) },
	{ "pages_alloc", offsetof(struct mapdemo_stats, pages_alloc) },
	{ "pages_freed", offsetof(struct mapdemo_stats, pages_freed) },
	{ "pages_live", offsetof(struct mapdemo_stats, pages_live) },
	{ "sigbus", offsetof(struct mapdemo_stats, sigbus) },
	{ "oom", offsetof(struct mapdemo_stats, oom) },
	{ "vmas_live", offsetof(struct mapdemo_stats, vmas_live) },
};

static struct stat_attr stat_attrs[ARRAY_SIZE(stat_files)];
static struct attribute *mapdemo_stats_attrs[ARRAY_SIZE(stat_files) + 1];

static ssize_t stat_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct stat_attr *sa = container_of(attr, struct stat_attr, dattr);
	struct mapdemo_stats st;
	u64 v;

	mapdemo_stats_fill(device_stats, &st);
	memcpy(&v, (char *)&st + sa->offset, sizeof(v));
	return sysfs_emit(buf, "%llu\n", v);
}

static void stats_attrs_init(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(stat_files); i++) {
		struct stat_attr *sa = &stat_attrs[i];

		sysfs_attr_init(&sa->dattr.attr);
		sa->dattr.attr.name = stat_files[i].name;
		sa->dattr.attr.mode = 0444;
		sa->dattr.show = stat_show;
		sa->offset = stat_files[i].offset;
		mapdemo_stats_attrs[i] = &sa->dattr.attr;
	}
}

static const struct attribute_group mapdemo_stats_group = {
	.name = "stats",
	.attrs = mapdemo_stats_attrs,
};

const struct attribute_group *mapdemo_groups[] = {
	&mapdemo_stats_group,
	NULL
};

int mapdemo_stats_init(void)
{
	stats_attrs_init();
	device_stats = alloc_percpu(struct mapdemo_counters);
	return device_stats ? 0 : -ENOMEM;
}

void mapdemo_stats_exit(void)
{
	free_percpu(device_stats);
}
