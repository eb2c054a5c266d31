/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The one clock of vsw's control plane: monotonic nanoseconds that tests can warp (OVS
 * `time/warp`), so timestamps of lifecycle transitions, failover durations and timeouts are
 * tested without sleeping. Pure C, no DPDK: any thread, any test.
 */
#ifndef VSW_CLOCK_H
#define VSW_CLOCK_H

#include <stdint.h>

/**
 * Now, in nanoseconds of CLOCK_MONOTONIC (an arbitrary origin, never going back) plus every
 * warp so far. Never negative: a warp below the origin reads as 0.
 *
 * Any thread; lock-free (one relaxed atomic load and a vDSO call).
 */
uint64_t vsw_clock_ns(void);

/**
 * Move the clock by @p delta_ns for every later vsw_clock_ns() call. Tests only (and a future
 * CLI `time warp`); a negative delta makes the clock go back, which production code never does.
 *
 * @param delta_ns
 *   Nanoseconds to add; the warps accumulate.
 */
void vsw_clock_warp_ns(int64_t delta_ns);

#endif /* VSW_CLOCK_H */
