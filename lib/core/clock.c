/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The warpable monotonic clock (include/vsw/clock.h). Any thread; no DPDK, so the pure-C
 * modules (lifecycle, queue-pair pool) and their unit tests share it. The warp is a single
 * atomic offset: a reader sees either the old or the new warp, never a torn value.
 */
#include "vsw/clock.h"

#include <time.h>

#define NS_PER_S INT64_C(1000000000)

/* Sum of every vsw_clock_warp_ns() so far. Written by tests, read by any thread. */
static int64_t warp_ns;

uint64_t
vsw_clock_ns(void)
{
	struct timespec ts;
	int64_t now_ns;

	/* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer; zero is a safe fallback. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	now_ns = (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
	now_ns += __atomic_load_n(&warp_ns, __ATOMIC_RELAXED);
	return now_ns < 0 ? 0 : (uint64_t)now_ns;
}

void
vsw_clock_warp_ns(int64_t delta_ns)
{
	(void)__atomic_fetch_add(&warp_ns, delta_ns, __ATOMIC_RELAXED);
}
