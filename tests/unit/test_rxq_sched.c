/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of a worker's active and quiet rx queue lists (lib/datapath/rxq_sched_dp.h): when
 * a queue turns quiet, when the quiet ones are due, how a quiet queue with frames comes back,
 * and a simulated worker whose queues get frames at random, which must take every frame in
 * order and within a gap of its arrival. No EAL: the lists are pure bookkeeping.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../lib/datapath/rxq_sched_dp.h"

#include <cmocka.h>

#define QUIET VSW_RXQ_EMPTY_POLLS_BEFORE_QUIET

static struct vsw_rxq_sched s;

static bool
is_in(const uint16_t *list, uint16_t n, uint16_t i)
{
	for (uint16_t j = 0; j < n; j++)
		if (list[j] == i)
			return true;
	return false;
}

/* Poll active[j] found @p n frames: @return the next position, as a pass would go on. */
static uint16_t
active(uint16_t j, uint16_t n, uint64_t due)
{
	return vsw_rxq_sched_active_polled(&s, j, n, due);
}

static void
test_reset_all_active(void **state)
{
	(void)state;
	s.n_quiet = 5;
	vsw_rxq_sched_reset(&s, 4);
	assert_int_equal(s.n_active, 4);
	assert_int_equal(s.n_quiet, 0);
	for (uint16_t i = 0; i < 4; i++)
		assert_int_equal(s.active[i], i);
	assert_false(vsw_rxq_sched_is_quiet_due(&s, UINT64_MAX - 1));
}

static void
test_quiet_after_empty_polls_in_a_row(void **state)
{
	(void)state;
	vsw_rxq_sched_reset(&s, 3);
	/* Frames reset the count: QUIET - 1 empty polls, frames, QUIET - 1 again: still active. */
	for (int k = 0; k < QUIET - 1; k++)
		assert_int_equal(active(1, 0, 100), 2);
	assert_int_equal(active(1, 5, 100), 2);
	for (int k = 0; k < QUIET - 1; k++)
		assert_int_equal(active(1, 0, 100), 2);
	assert_int_equal(s.n_quiet, 0);
	/* The next empty poll makes it quiet: the rest move down in order, the pass goes on at 1.
	 */
	assert_int_equal(active(1, 0, 1000), 1);
	assert_int_equal(s.n_active, 2);
	assert_int_equal(s.active[0], 0);
	assert_int_equal(s.active[1], 2);
	assert_int_equal(s.n_quiet, 1);
	assert_int_equal(s.quiet[0], 1);
	assert_false(vsw_rxq_sched_is_quiet_due(&s, 999));
	assert_true(vsw_rxq_sched_is_quiet_due(&s, 1000));
	/* A second queue turning quiet later keeps the earlier due time: never polled later. */
	for (int k = 0; k < QUIET; k++)
		active(1, 0, 5000);
	assert_int_equal(s.n_quiet, 2);
	assert_int_equal(s.quiet[1], 2);
	assert_true(vsw_rxq_sched_is_quiet_due(&s, 1000));
}

static void
test_sweep_brings_back_queues_with_frames(void **state)
{
	(void)state;
	vsw_rxq_sched_reset(&s, 4);
	for (int k = 0; k < QUIET; k++)
		for (uint16_t j = 0; j < s.n_active;)
			j = active(j, 0, 10);
	assert_int_equal(s.n_active, 0);
	assert_int_equal(s.n_quiet, 4);
	/* Sweep: quiet[1] (queue 1) and quiet[3] (queue 3) have frames. */
	assert_int_equal(vsw_rxq_sched_quiet_polled(&s, 0, 0), 1);
	assert_int_equal(vsw_rxq_sched_quiet_polled(&s, 1, 3), 1);
	assert_int_equal(vsw_rxq_sched_quiet_polled(&s, 1, 0), 2);
	assert_int_equal(vsw_rxq_sched_quiet_polled(&s, 2, 1), 2);
	assert_int_equal(s.n_quiet, 2);
	vsw_rxq_sched_swept(&s, 50);
	assert_int_equal(s.n_active, 2);
	assert_int_equal(s.active[0], 1);
	assert_int_equal(s.active[1], 3);
	assert_true(is_in(s.quiet, s.n_quiet, 0) && is_in(s.quiet, s.n_quiet, 2));
	assert_false(vsw_rxq_sched_is_quiet_due(&s, 49));
	assert_true(vsw_rxq_sched_is_quiet_due(&s, 50));
	/* Back from quiet with a fresh count: QUIET - 1 empty polls leave it active. */
	for (int k = 0; k < QUIET - 1; k++)
		assert_int_equal(active(0, 0, 60), 1);
	/* Once every queue has frames, none is due ever. */
	vsw_rxq_sched_quiet_polled(&s, 0, 1);
	vsw_rxq_sched_quiet_polled(&s, 0, 1);
	vsw_rxq_sched_swept(&s, 70);
	assert_int_equal(s.n_quiet, 0);
	assert_int_equal(s.n_active, 4);
	assert_false(vsw_rxq_sched_is_quiet_due(&s, UINT64_MAX - 1));
}

/*
 * A simulated worker as worker.c's poll_pass() drives the lists, over queues that get frames
 * at random (two often, the rest rarely): every frame is taken, and none waits longer than the
 * gap plus a pass. A list that never polled a quiet queue again, or lost one, fails here.
 */
#define SIM_QUEUES 64
#define SIM_PASSES 200000
#define SIM_GAP 50
#define SIM_BURST 32
#define ARRIVAL_SIZE 4096

struct sim_queue {
	uint32_t arrived, taken;        /* frames, numbered per queue */
	uint64_t arrival[ARRIVAL_SIZE]; /* time of frame k at [k % ARRIVAL_SIZE] */
	uint32_t polls;
};

static struct sim_queue q[SIM_QUEUES];
static uint64_t worst_wait;

static uint16_t
sim_poll(uint16_t i, uint64_t now)
{
	struct sim_queue *sq = &q[i];
	uint16_t n = 0;

	sq->polls++;
	while (sq->taken != sq->arrived && n < SIM_BURST) {
		const uint64_t wait = now - sq->arrival[sq->taken % ARRIVAL_SIZE];

		if (wait > worst_wait)
			worst_wait = wait;
		sq->taken++;
		n++;
	}
	return n;
}

static uint64_t
sim_pass(uint64_t now)
{
	for (uint16_t j = 0; j < s.n_active;)
		j = active(j, sim_poll(s.active[j], now), now + SIM_GAP);
	if (vsw_rxq_sched_is_quiet_due(&s, now)) {
		for (uint16_t j = 0; j < s.n_quiet;)
			j = vsw_rxq_sched_quiet_polled(&s, j, sim_poll(s.quiet[j], now));
		vsw_rxq_sched_swept(&s, now + SIM_GAP);
	}
	assert_int_equal(s.n_active + s.n_quiet, SIM_QUEUES);
	return now + 1 + (uint64_t)(rand() % 3); /* passes of uneven length */
}

static void
test_simulated_worker_loses_and_delays_nothing(void **state)
{
	uint64_t now = 0, end;

	(void)state;
	srand(7);
	memset(q, 0, sizeof(q));
	worst_wait = 0;
	vsw_rxq_sched_reset(&s, SIM_QUEUES);
	for (uint32_t pass = 0; pass < SIM_PASSES; pass++) {
		/* Queues 0-1 busy, the rest get a frame now and then, in bursts of quiet time. */
		for (uint16_t i = 0; i < SIM_QUEUES; i++) {
			const int one_in = i < 2 ? 2 : 5000;

			if (rand() % one_in == 0 && q[i].arrived - q[i].taken < ARRIVAL_SIZE) {
				q[i].arrival[q[i].arrived % ARRIVAL_SIZE] = now;
				q[i].arrived++;
			}
		}
		now = sim_pass(now);
	}
	/* No more frames: within a gap and a pass, every queue has given all of its own. */
	for (end = now + SIM_GAP + 3; now <= end;)
		now = sim_pass(now);
	for (uint16_t i = 0; i < SIM_QUEUES; i++) {
		assert_true(is_in(s.active, s.n_active, i) != is_in(s.quiet, s.n_quiet, i));
		assert_int_equal(q[i].taken, q[i].arrived);
	}
	print_message("worst wait %" PRIu64 " for a gap of %d\n", worst_wait, SIM_GAP);
	assert_true(worst_wait <= SIM_GAP + 3);
	/* The idle queues were polled about once per gap, the busy ones every pass. */
	assert_true(q[0].polls > SIM_PASSES * 9 / 10);
	for (uint16_t i = 2; i < SIM_QUEUES; i++)
		assert_true(q[i].polls < SIM_PASSES / 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_reset_all_active),
	        cmocka_unit_test(test_quiet_after_empty_polls_in_a_row),
	        cmocka_unit_test(test_sweep_brings_back_queues_with_frames),
	        cmocka_unit_test(test_simulated_worker_loses_and_delays_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
