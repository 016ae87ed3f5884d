/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the reliability tests (stress, fuzzing, security, fault
 * injection): how long or how often to run, a seeded generator, and which
 * modes this driver offers.
 */
#ifndef MAPDEMO_TEST_RELIAB_H
#define MAPDEMO_TEST_RELIAB_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A count or a duration: the environment variable @name if set (make
 * check-debug sets them on the kernel command line, which hands them to
 * the guest's init), else @dflt, which is sized for make check under TCG.
 */
unsigned long tier_count(const char *name, unsigned long dflt);

/* xorshift64*: small, fast and reproducible from its seed. */
struct rng {
	uint64_t s;
};

/*
 * Seed from MAPDEMO_SEED or the clock, and print the seed as a TAP
 * comment so that a failing run can be replayed.
 */
uint64_t rng_seed(struct rng *r, const char *what);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* True with probability 1/n. */
bool rng_one_in(struct rng *r, uint64_t n);

/*
 * Whether the driver offers @mode: SET_MODE answers -EOPNOTSUPP for a mode
 * this build leaves out, so the tests follow the driver as modes land.
 */
bool mode_available(int mode);

/*
 * A line for the run's log ("# " is prepended): Criterion swallows a
 * test's own stdout and stderr under --tap, so notes go to NOTES_FILE,
 * which tests/guest-check.sh prints after each test binary.
 */
#define NOTES_FILE "/tmp/mapdemo-notes"
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Drop the sparse buffer's pages (they live until reset or unload), so
 * that pages_live counts what a test leaves behind and not what the
 * buffer keeps.  Nothing may map the buffer.
 */
void sparse_reset(void);

/* Seconds on CLOCK_MONOTONIC. */
double now(void);

#endif
