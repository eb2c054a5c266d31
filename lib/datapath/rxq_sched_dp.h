/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which of a worker's rx queues a pass polls (worker.c's poll_pass()): the active ones every
 * pass, the quiet ones all together once their due time has come. A queue that found nothing
 * VSW_RXQ_EMPTY_POLLS_BEFORE_QUIET polls in a row turns quiet; a quiet queue whose poll finds
 * frames is active again from the next pass on.
 *
 * Why lists and not a flag per queue: a poll of an empty vhost-user queue costs ~150
 * instructions inside the vhost library, and even skipping it by a flag costs a few per queue
 * and pass; with dozens of idle VMs beside two busy ones, both outweigh the frames' own cost.
 * With the lists a pass walks the active queues only, and the quiet ones cost one compare
 * until they are due.
 *
 * Entries are indexes into the worker's rxqs[] of one configuration: the worker resets the
 * lists whenever it sees a new one (all active, so a change never delays a queue). Pure
 * bookkeeping, no DPDK call (tests/unit/test_rxq_sched.c). Worker lcores only, each on its own
 * struct.
 */
#ifndef VSW_RXQ_SCHED_DP_H
#define VSW_RXQ_SCHED_DP_H

#include <assert.h> /* static_assert */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vsw/limits.h"

/* Polls in a row that found nothing before a queue is polled only once per gap. */
#define VSW_RXQ_EMPTY_POLLS_BEFORE_QUIET 8

/* A worker's rx queues at most: every queue of every port (struct vsw_dp_worker_cfg). */
#define VSW_RXQ_SCHED_MAX (VSW_PORTS_MAX * VSW_WORKERS_MAX)

static_assert(VSW_RXQ_SCHED_MAX <= UINT16_MAX, "queue indexes are uint16_t");

struct vsw_rxq_sched {
	uint16_t n_active;
	uint16_t n_quiet;
	/* The quiet queues are polled at the first pass from this TSC on; UINT64_MAX if none. */
	uint64_t quiet_due;
	uint16_t active[VSW_RXQ_SCHED_MAX];     /* polled every pass */
	uint16_t quiet[VSW_RXQ_SCHED_MAX];      /* polled once quiet_due has come */
	uint8_t empty_polls[VSW_RXQ_SCHED_MAX]; /* of an active queue, in a row; by rxqs[] index */
};

/* All @p n_rxqs queues (at most VSW_RXQ_SCHED_MAX) active, in configuration order. */
static inline void
vsw_rxq_sched_reset(struct vsw_rxq_sched *s, uint16_t n_rxqs)
{
	s->n_active = n_rxqs;
	s->n_quiet = 0;
	s->quiet_due = UINT64_MAX;
	for (uint16_t i = 0; i < n_rxqs; i++)
		s->active[i] = i;
	memset(s->empty_polls, 0, n_rxqs * sizeof(s->empty_polls[0]));
}

/*
 * active[@p j] was polled and gave @p n frames; @p due is when a queue turning quiet now must be
 * polled again (now + gap). @return the position of the next active queue to poll: @p j again
 * when this one left the list (the rest moved down, keeping their order).
 *
 * A queue joining a non-empty quiet list keeps the list's due time, earlier than its own: it
 * is polled a little sooner than the gap, never later, and the quiet queues stay one batch.
 */
static inline uint16_t
vsw_rxq_sched_active_polled(struct vsw_rxq_sched *s, uint16_t j, uint16_t n, uint64_t due)
{
	const uint16_t i = s->active[j];

	if (n != 0) {
		s->empty_polls[i] = 0;
		return j + 1;
	}
	if (++s->empty_polls[i] < VSW_RXQ_EMPTY_POLLS_BEFORE_QUIET)
		return j + 1;
	if (s->n_quiet == 0)
		s->quiet_due = due;
	s->quiet[s->n_quiet++] = i;
	s->n_active--;
	memmove(&s->active[j], &s->active[j + 1], (s->n_active - j) * sizeof(s->active[0]));
	return j;
}

/* One compare per pass: are the quiet queues to be polled at TSC @p now? */
static inline bool
vsw_rxq_sched_is_quiet_due(const struct vsw_rxq_sched *s, uint64_t now)
{
	return now >= s->quiet_due;
}

/*
 * quiet[@p j] was polled and gave @p n frames. @return the position of the next quiet queue to
 * poll: @p j again when this one went back to the active list (at its end).
 */
static inline uint16_t
vsw_rxq_sched_quiet_polled(struct vsw_rxq_sched *s, uint16_t j, uint16_t n)
{
	const uint16_t i = s->quiet[j];

	if (n == 0)
		return j + 1;
	s->empty_polls[i] = 0;
	s->active[s->n_active++] = i;
	s->n_quiet--;
	memmove(&s->quiet[j], &s->quiet[j + 1], (s->n_quiet - j) * sizeof(s->quiet[0]));
	return j;
}

/* Every quiet queue was polled; those still quiet are due again at @p due (now + gap). */
static inline void
vsw_rxq_sched_swept(struct vsw_rxq_sched *s, uint64_t due)
{
	s->quiet_due = s->n_quiet != 0 ? due : UINT64_MAX;
}

#endif /* VSW_RXQ_SCHED_DP_H */
