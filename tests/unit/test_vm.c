/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the VM adapter model (include/vsw/vm.h): every path change of R-DP-2..5, the VF
 * pool's priorities, and each refusal checked to leave the whole pool unchanged. No EAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vsw/vm.h"

#include <cmocka.h>

#define MS (1000ull * 1000)

static struct vsw_vm_pool pool;

/* A pool of @p num_vfs VFs with adapters 0..n-1 of the given priorities. */
static void
setup_pool(uint16_t num_vfs, unsigned int n, const uint16_t *priorities)
{
	char name[8];

	vsw_vm_pool_init(&pool, num_vfs);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "vm%u", i);
		assert_int_equal(vsw_vm_add(&pool, (uint16_t)i, name, priorities[i], NULL), 0);
	}
}

/* Refused with @p rc, naming @p words, and nothing changed. */
#define assert_refused(call, rc, words)                                                            \
	do {                                                                                       \
		struct vsw_vm_pool before_ = pool;                                                 \
		struct vsw_errmsg em_ = {0};                                                       \
		struct vsw_errmsg *em = &em_;                                                      \
		assert_int_equal((call), (rc));                                                    \
		assert_non_null(strstr(em_.msg, (words)));                                         \
		assert_memory_equal(&before_, &pool, sizeof(pool));                                \
	} while (0)

static const uint16_t prio_same[] = {0, 0, 0};

static void
test_add_refusals(void **state)
{
	(void)state;
	setup_pool(2, 1, prio_same);
	assert_refused(vsw_vm_add(&pool, 0, "again", 0, em), -EEXIST, "already has one");
	assert_refused(vsw_vm_add(&pool, VSW_VM_ADAPTERS_MAX, "x", 0, em), -EINVAL, "range");
	assert_refused(vsw_vm_add(&pool, 1, "", 0, em), -EINVAL, "range");
	assert_refused(vsw_vm_add(&pool, 1, "x", VSW_VM_PRIORITY_MAX + 1, em), -EINVAL, "range");
	assert_refused(vsw_vm_set_priority(&pool, 1, 3, em), -EINVAL, "no such adapter");
	assert_refused(vsw_vm_set_priority(&pool, 0, VSW_VM_PRIORITY_MAX + 1, em), -EINVAL,
	               "priority");
	assert_int_equal(pool.adapters[0].path, VSW_VM_PATH_SYNTHETIC);
	assert_int_equal(pool.adapters[0].vf, VSW_VM_VF_NONE);
}

/* R-DP-2: attach takes a free VF, both paths carry frames until the guest sends on the VF. */
static void
test_attach_completes_when_guest_uses_vf(void **state)
{
	struct vsw_vm_adapter *a = &pool.adapters[0];

	(void)state;
	setup_pool(2, 1, prio_same);
	assert_int_equal(vsw_vm_attach(&pool, 0, VSW_VM_VF_ANY, 100 * MS, NULL), 0);
	assert_int_equal(a->path, VSW_VM_PATH_ATTACHING);
	assert_int_equal(a->vf, 0);
	assert_int_equal(pool.owner[0], 0);
	/* Frames on the synthetic port do not complete it: the guest has not bound the VF. */
	vsw_vm_guest_sent(&pool, 0, false, 150 * MS);
	assert_int_equal(a->path, VSW_VM_PATH_ATTACHING);
	vsw_vm_guest_sent(&pool, 0, true, 350 * MS);
	assert_int_equal(a->path, VSW_VM_PATH_VF);
	assert_int_equal(a->stats.attaches, 1);
	assert_int_equal(a->stats.last_change, VSW_VM_CHANGE_ATTACH);
	assert_int_equal(a->stats.last_change_ns, 250 * MS);
	assert_int_equal(a->change, VSW_VM_CHANGE_NONE);
}

static void
test_attach_refusals(void **state)
{
	(void)state;
	setup_pool(0, 1, prio_same);
	assert_refused(vsw_vm_attach(&pool, 0, VSW_VM_VF_ANY, 0, em), -ENODEV, "no VF");
	setup_pool(2, 2, prio_same);
	assert_refused(vsw_vm_attach(&pool, 5, VSW_VM_VF_ANY, 0, em), -EINVAL, "no such");
	assert_refused(vsw_vm_attach(&pool, 0, 2, 0, em), -EINVAL, "VFs 0..1");
	assert_int_equal(vsw_vm_attach(&pool, 0, 1, 0, NULL), 0);
	assert_refused(vsw_vm_attach(&pool, 0, 0, 0, em), -EALREADY, "already attaching");
	/* Equal priority never takes a VF away. */
	assert_refused(vsw_vm_attach(&pool, 1, 1, 0, em), -EBUSY, "held by vm0");
	assert_int_equal(vsw_vm_attach(&pool, 1, VSW_VM_VF_ANY, 0, NULL), 0);
	assert_int_equal(pool.adapters[1].vf, 0);
	vsw_vm_add(&pool, 2, "vm2", 0, NULL);
	assert_refused(vsw_vm_attach(&pool, 2, VSW_VM_VF_ANY, 0, em), -ENOSPC, "no VF free");
}

/* R-DP-3 planned: both paths until the guest sends on the synthetic one, then the VF is free. */
static void
test_planned_detach(void **state)
{
	struct vsw_vm_adapter *a = &pool.adapters[0];

	(void)state;
	setup_pool(1, 1, prio_same);
	vsw_vm_attach(&pool, 0, 0, 0, NULL);
	vsw_vm_guest_sent(&pool, 0, true, 10 * MS);
	assert_int_equal(vsw_vm_detach(&pool, 0, 1000 * MS, NULL), 0);
	assert_int_equal(a->path, VSW_VM_PATH_DETACHING);
	assert_int_equal(a->vf, 0);
	assert_refused(vsw_vm_detach(&pool, 0, 1001 * MS, em), -EALREADY, "already detaching");
	/* The guest still sending on the VF does not end it. */
	vsw_vm_guest_sent(&pool, 0, true, 1100 * MS);
	assert_int_equal(a->path, VSW_VM_PATH_DETACHING);
	vsw_vm_guest_sent(&pool, 0, false, 1400 * MS);
	assert_int_equal(a->path, VSW_VM_PATH_SYNTHETIC);
	assert_int_equal(a->vf, VSW_VM_VF_NONE);
	assert_int_equal(pool.owner[0], VSW_VM_VF_NONE);
	assert_int_equal(a->stats.detaches, 1);
	assert_int_equal(a->stats.failovers, 0);
	assert_int_equal(a->stats.last_change, VSW_VM_CHANGE_DETACH);
	assert_int_equal(a->stats.last_change_ns, 400 * MS);
	assert_refused(vsw_vm_detach(&pool, 0, 1500 * MS, em), -EALREADY, "already synthetic");
	assert_refused(vsw_vm_detach(&pool, 9, 1500 * MS, em), -EINVAL, "no such");
}

/* Detaching an attach the guest has not completed still waits for it: it may be binding. */
static void
test_detach_while_attaching(void **state)
{
	(void)state;
	setup_pool(1, 1, prio_same);
	vsw_vm_attach(&pool, 0, 0, 0, NULL);
	assert_int_equal(vsw_vm_detach(&pool, 0, 5 * MS, NULL), 0);
	assert_int_equal(pool.adapters[0].path, VSW_VM_PATH_DETACHING);
	vsw_vm_guest_sent(&pool, 0, false, 6 * MS);
	assert_int_equal(pool.adapters[0].path, VSW_VM_PATH_SYNTHETIC);
	assert_int_equal(pool.adapters[0].stats.attaches, 0);
}

/* R-DP-3 surprise: the guest's frames show up on the synthetic port while on the VF path. */
static void
test_surprise_failover_by_guest_traffic(void **state)
{
	struct vsw_vm_adapter *a = &pool.adapters[0];

	(void)state;
	setup_pool(1, 1, prio_same);
	vsw_vm_attach(&pool, 0, 0, 0, NULL);
	vsw_vm_guest_sent(&pool, 0, true, 1 * MS);
	vsw_vm_guest_sent(&pool, 0, true, 2 * MS); /* more VF traffic: nothing changes */
	assert_int_equal(a->stats.attaches, 1);
	vsw_vm_guest_sent(&pool, 0, false, 900 * MS);
	assert_int_equal(a->path, VSW_VM_PATH_SYNTHETIC);
	assert_int_equal(a->stats.failovers, 1);
	assert_int_equal(a->stats.last_change, VSW_VM_CHANGE_FAILOVER);
	assert_int_equal(a->stats.last_change_ns, 0); /* starts when seen */
	assert_int_equal(pool.owner[0], VSW_VM_VF_NONE);
}

static void
test_vf_lost(void **state)
{
	struct vsw_vm_adapter *a = &pool.adapters[0];

	(void)state;
	setup_pool(1, 1, prio_same);
	vsw_vm_vf_lost(&pool, 0, 0); /* synthetic: nothing to do */
	assert_int_equal(a->stats.failovers, 0);
	vsw_vm_attach(&pool, 0, 0, 0, NULL);
	vsw_vm_guest_sent(&pool, 0, true, 1 * MS);
	vsw_vm_vf_lost(&pool, 0, 2 * MS);
	assert_int_equal(a->path, VSW_VM_PATH_SYNTHETIC);
	assert_int_equal(a->stats.failovers, 1);
	/* A VF that goes while a planned detach waits completes the detach. */
	vsw_vm_attach(&pool, 0, 0, 3 * MS, NULL);
	vsw_vm_guest_sent(&pool, 0, true, 4 * MS);
	vsw_vm_detach(&pool, 0, 5 * MS, NULL);
	vsw_vm_vf_lost(&pool, 0, 7 * MS);
	assert_int_equal(a->path, VSW_VM_PATH_SYNTHETIC);
	assert_int_equal(a->stats.detaches, 1);
	assert_int_equal(a->stats.failovers, 1);
	assert_int_equal(a->stats.last_change_ns, 2 * MS);
	/* While attaching, the VF's link comes and goes as its device is plugged in: no change. */
	vsw_vm_attach(&pool, 0, 0, 8 * MS, NULL);
	vsw_vm_vf_lost(&pool, 0, 9 * MS);
	assert_int_equal(a->path, VSW_VM_PATH_ATTACHING);
	assert_int_equal(a->vf, 0);
	assert_int_equal(a->stats.failovers, 1);
	vsw_vm_guest_sent(&pool, 0, true, 10 * MS);
	assert_int_equal(a->path, VSW_VM_PATH_VF);
	assert_int_equal(a->stats.attaches, 3);
}

/* A guest that never moves back: the detach is forced after the timeout, and counted. */
static void
test_detach_timeout(void **state)
{
	struct vsw_vm_adapter *a = &pool.adapters[0];

	(void)state;
	setup_pool(1, 1, prio_same);
	vsw_vm_attach(&pool, 0, 0, 0, NULL);
	vsw_vm_guest_sent(&pool, 0, true, 1 * MS);
	vsw_vm_detach(&pool, 0, 10 * MS, NULL);
	vsw_vm_tick(&pool, 10 * MS + VSW_VM_DETACH_TIMEOUT_NS - 1);
	assert_int_equal(a->path, VSW_VM_PATH_DETACHING);
	vsw_vm_tick(&pool, 10 * MS + VSW_VM_DETACH_TIMEOUT_NS);
	assert_int_equal(a->path, VSW_VM_PATH_SYNTHETIC);
	assert_int_equal(a->stats.forced, 1);
	assert_int_equal(a->stats.detaches, 1);
	assert_int_equal(pool.owner[0], VSW_VM_VF_NONE);
}

/* The VF pool: a higher priority takes the lowest holder's VF once that guest has moved back. */
static void
test_pool_preempts_lowest_priority(void **state)
{
	static const uint16_t prios[] = {5, 1, 10, 3};
	struct vsw_vm_adapter *low = &pool.adapters[1], *high = &pool.adapters[2];

	(void)state;
	setup_pool(2, 4, prios);
	vsw_vm_attach(&pool, 0, VSW_VM_VF_ANY, 0, NULL);
	vsw_vm_attach(&pool, 1, VSW_VM_VF_ANY, 0, NULL);
	vsw_vm_guest_sent(&pool, 0, true, 1 * MS);
	vsw_vm_guest_sent(&pool, 1, true, 1 * MS);
	assert_int_equal(low->vf, 1);
	/* Priority 3 beats 1 too, but 10 asks first and gets the lowest holder's VF. */
	assert_int_equal(vsw_vm_attach(&pool, 2, VSW_VM_VF_ANY, 100 * MS, NULL), 0);
	assert_int_equal(high->path, VSW_VM_PATH_SYNTHETIC);
	assert_int_equal(high->waiting_vf, 1);
	assert_int_equal(low->path, VSW_VM_PATH_DETACHING);
	assert_int_equal(pool.adapters[0].path, VSW_VM_PATH_VF);
	assert_refused(vsw_vm_attach(&pool, 2, VSW_VM_VF_ANY, 101 * MS, em), -EALREADY,
	               "waiting for a VF");
	/* Until the holder's guest is back on synthetic, the VF stays its own. */
	assert_int_equal(pool.owner[1], 1);
	vsw_vm_guest_sent(&pool, 1, false, 300 * MS);
	assert_int_equal(low->path, VSW_VM_PATH_SYNTHETIC);
	assert_int_equal(low->stats.detaches, 1);
	assert_int_equal(pool.owner[1], 2);
	assert_int_equal(high->path, VSW_VM_PATH_ATTACHING);
	assert_int_equal(high->vf, 1);
	assert_int_equal(high->waiting_vf, VSW_VM_VF_NONE);
	vsw_vm_guest_sent(&pool, 2, true, 500 * MS);
	assert_int_equal(high->path, VSW_VM_PATH_VF);
	assert_int_equal(high->stats.last_change_ns, 200 * MS);
	/* Nobody below 3 holds a VF now (5 and 10 do). */
	assert_refused(vsw_vm_attach(&pool, 3, VSW_VM_VF_ANY, 600 * MS, em), -ENOSPC,
	               "none held below priority 3");
}

/* A named VF held by a lower priority is taken; a cancelled wait leaves the VF free. */
static void
test_pool_named_vf_and_cancel(void **state)
{
	static const uint16_t prios[] = {1, 7};

	(void)state;
	setup_pool(1, 2, prios);
	vsw_vm_attach(&pool, 0, 0, 0, NULL);
	assert_int_equal(vsw_vm_attach(&pool, 1, 0, 1 * MS, NULL), 0);
	assert_int_equal(pool.adapters[1].waiting_vf, 0);
	assert_int_equal(pool.adapters[0].path, VSW_VM_PATH_DETACHING);
	assert_int_equal(vsw_vm_detach(&pool, 1, 2 * MS, NULL), 0); /* cancels the wait */
	assert_int_equal(pool.adapters[1].waiting_vf, VSW_VM_VF_NONE);
	vsw_vm_guest_sent(&pool, 0, false, 3 * MS);
	assert_int_equal(pool.owner[0], VSW_VM_VF_NONE);
	assert_int_equal(pool.adapters[1].path, VSW_VM_PATH_SYNTHETIC);
}

/* An adapter whose port goes away hands its VF to the one waiting. */
static void
test_remove_releases_vf(void **state)
{
	static const uint16_t prios[] = {1, 7};

	(void)state;
	setup_pool(1, 2, prios);
	vsw_vm_attach(&pool, 0, 0, 0, NULL);
	vsw_vm_attach(&pool, 1, VSW_VM_VF_ANY, 0, NULL);
	vsw_vm_remove(&pool, 0, 5 * MS);
	assert_false(pool.adapters[0].is_used);
	assert_int_equal(pool.owner[0], 1);
	assert_int_equal(pool.adapters[1].path, VSW_VM_PATH_ATTACHING);
	vsw_vm_remove(&pool, 0, 6 * MS); /* twice: nothing */
	assert_int_equal(vsw_vm_set_priority(&pool, 1, 2, NULL), 0);
	assert_int_equal(pool.adapters[1].priority, 2);
}

/* A VF with a VPort of its own in the topology is never handed out, nor taken. */
static void
test_reserved_vf(void **state)
{
	static const uint16_t prios[] = {VSW_VM_PRIORITY_MAX};

	(void)state;
	setup_pool(2, 1, prios);
	assert_int_equal(vsw_vm_reserve_vf(&pool, 0), 0);
	assert_int_equal(vsw_vm_reserve_vf(&pool, 0), 0);
	assert_int_equal(vsw_vm_reserve_vf(&pool, 2), -EINVAL);
	assert_refused(vsw_vm_attach(&pool, 0, 0, 0, em), -EBUSY, "VPort of its own");
	assert_int_equal(vsw_vm_attach(&pool, 0, VSW_VM_VF_ANY, 0, NULL), 0);
	assert_int_equal(pool.adapters[0].vf, 1);
	assert_int_equal(vsw_vm_reserve_vf(&pool, 1), -EBUSY);
	/* Full but for the reserved one: nothing to take. */
	assert_int_equal(vsw_vm_add(&pool, 1, "vm1", VSW_VM_PRIORITY_MAX, NULL), 0);
	assert_refused(vsw_vm_attach(&pool, 1, VSW_VM_VF_ANY, 0, em), -ENOSPC, "no VF free");
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(vsw_vm_path_name(VSW_VM_PATH_SYNTHETIC), "synthetic");
	assert_string_equal(vsw_vm_path_name(VSW_VM_PATH_ATTACHING), "attaching");
	assert_string_equal(vsw_vm_path_name(VSW_VM_PATH_VF), "vf");
	assert_string_equal(vsw_vm_path_name(VSW_VM_PATH_DETACHING), "detaching");
	assert_string_equal(vsw_vm_change_name(VSW_VM_CHANGE_NONE), "none");
	assert_string_equal(vsw_vm_change_name(VSW_VM_CHANGE_ATTACH), "attach");
	assert_string_equal(vsw_vm_change_name(VSW_VM_CHANGE_DETACH), "detach");
	assert_string_equal(vsw_vm_change_name(VSW_VM_CHANGE_FAILOVER), "failover");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_add_refusals),
	        cmocka_unit_test(test_attach_completes_when_guest_uses_vf),
	        cmocka_unit_test(test_attach_refusals),
	        cmocka_unit_test(test_planned_detach),
	        cmocka_unit_test(test_detach_while_attaching),
	        cmocka_unit_test(test_surprise_failover_by_guest_traffic),
	        cmocka_unit_test(test_vf_lost),
	        cmocka_unit_test(test_detach_timeout),
	        cmocka_unit_test(test_pool_preempts_lowest_priority),
	        cmocka_unit_test(test_pool_named_vf_and_cancel),
	        cmocka_unit_test(test_remove_releases_vf),
	        cmocka_unit_test(test_reserved_vf),
	        cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
