/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of MAC learning (include/vsw/learn.h, lib/datapath/learn_dp.h): requests from
 * the datapath side, learning, refresh, moves, aging, the size limit, flushing a port, static
 * MACs never learned. Runs an EAL without hugepages or devices (rte_hash needs its memory).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_eal.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "../../lib/datapath/learn_dp.h"
#include "vsw/learn.h"

#include <cmocka.h>

#define ARG(text) ((char *)(uintptr_t)(text))

static struct rte_rcu_qsbr *qsv;
static struct vsw_fdb statics;
static uint64_t dropped; /* a worker's count of refused learn requests */

static const uint8_t mac_host[6] = {0x02, 0, 0, 0, 0xee, 0x01};
static const uint8_t mac_vm[6] = {0x52, 0x54, 0, 0, 0, 0x01};

enum { UPLINK = 0, VM = 1, TRUNK = 2 };

static struct vsw_learn *
new_table(uint32_t entries, uint32_t aging_s)
{
	struct vsw_errmsg em = {0};
	struct vsw_learn *l = vsw_learn_create(entries, aging_s, qsv, &em);

	assert_non_null(l);
	return l;
}

/* What a worker does with a frame from @p port, then what the control loop does. */
static void
see(struct vsw_learn *l, const uint8_t *mac, uint16_t vlan, uint16_t port)
{
	vsw_learn_note_source(l, mac, vlan, port, vsw_learn_now_s(l), &dropped);
	vsw_learn_drain(l, &statics);
}

static void
test_learn_then_lookup_per_vlan(void **state)
{
	struct vsw_learn *l = new_table(1024, 300);
	struct vsw_learn_stats st;

	(void)state;
	assert_int_equal(vsw_learn_lookup(l, mac_host, 10), VSW_PORT_NONE);
	see(l, mac_host, 10, UPLINK);
	assert_int_equal(vsw_learn_lookup(l, mac_host, 10), UPLINK);
	/* The same MAC in another VLAN is another host as far as the switch knows. */
	assert_int_equal(vsw_learn_lookup(l, mac_host, 20), VSW_PORT_NONE);
	see(l, mac_host, 10, UPLINK); /* known on the same port: a refresh, no request */
	vsw_learn_stats_get(l, &st);
	assert_int_equal(st.learned, 1);
	assert_int_equal(st.n_entries, 1);
	vsw_learn_free(l);
}

static void
test_move_to_another_port(void **state)
{
	struct vsw_learn *l = new_table(1024, 300);
	struct vsw_learn_stats st;

	(void)state;
	see(l, mac_host, 0, UPLINK);
	see(l, mac_host, 0, TRUNK);
	assert_int_equal(vsw_learn_lookup(l, mac_host, 0), TRUNK);
	vsw_learn_stats_get(l, &st);
	assert_int_equal(st.moved, 1);
	assert_int_equal(st.n_entries, 1);
	vsw_learn_free(l);
}

static void
test_static_mac_is_never_learned(void **state)
{
	struct vsw_learn *l = new_table(1024, 300);

	(void)state;
	see(l, mac_vm, 0, UPLINK); /* a VM's MAC seen on the uplink: a spoof, not news */
	assert_int_equal(vsw_learn_lookup(l, mac_vm, 0), VSW_PORT_NONE);
	vsw_learn_free(l);
}

/* Entries idle for aging_s go; the clock is warped by backdating the entry's last sighting. */
static void
test_aging(void **state)
{
	struct vsw_learn *l = new_table(1024, 5);
	const uint64_t key = vsw_learn_key(mac_host, 0);
	uint8_t mac2[6] = {0x02, 0, 0, 0, 0xee, 0x02};
	int pos;

	(void)state;
	see(l, mac_host, 0, UPLINK);
	see(l, mac2, 0, UPLINK);
	assert_int_equal(vsw_learn_age(l), 0);
	pos = rte_hash_lookup(l->hash, &key);
	assert_true(pos >= 0);
	l->last_seen_s[pos] = vsw_learn_now_s(l) - 5;
	assert_int_equal(vsw_learn_age(l), 1);
	assert_int_equal(vsw_learn_lookup(l, mac_host, 0), VSW_PORT_NONE);
	assert_int_equal(vsw_learn_lookup(l, mac2, 0), UPLINK);
	vsw_learn_free(l);
}

static void
test_aging_zero_never_ages(void **state)
{
	struct vsw_learn *l = new_table(1024, 0);
	const uint64_t key = vsw_learn_key(mac_host, 0);

	(void)state;
	see(l, mac_host, 0, UPLINK);
	l->last_seen_s[rte_hash_lookup(l->hash, &key)] = 0;
	assert_int_equal(vsw_learn_age(l), 0);
	assert_int_equal(vsw_learn_lookup(l, mac_host, 0), UPLINK);
	vsw_learn_free(l);
}

/* A full table refuses new entries, counts them, and keeps every entry it has. */
static void
test_full_table(void **state)
{
	struct vsw_learn *l = new_table(VSW_LEARN_ENTRIES_MIN, 300);
	struct vsw_learn_stats st;
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};
	unsigned int n = 0;

	(void)state;
	for (unsigned int i = 0; i < 4 * VSW_LEARN_ENTRIES_MIN; i++) {
		mac[5] = (uint8_t)i;
		see(l, mac, 0, UPLINK);
	}
	vsw_learn_stats_get(l, &st);
	assert_true(st.full > 0);
	assert_int_equal(st.n_entries, st.learned);
	assert_int_equal(st.learned + st.full, 4 * VSW_LEARN_ENTRIES_MIN);
	assert_true(st.n_entries >= VSW_LEARN_ENTRIES_MIN);
	for (unsigned int i = 0; i < 4 * VSW_LEARN_ENTRIES_MIN; i++) {
		mac[5] = (uint8_t)i;
		n += vsw_learn_lookup(l, mac, 0) == UPLINK;
	}
	assert_int_equal(n, st.n_entries);
	vsw_learn_free(l);
}

static void
test_flush_port(void **state)
{
	struct vsw_learn *l = new_table(1024, 300);
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};

	(void)state;
	for (uint8_t i = 0; i < 10; i++) {
		mac[5] = i;
		see(l, mac, 0, i % 2 ? UPLINK : TRUNK);
	}
	assert_int_equal(vsw_learn_flush_port(l, UPLINK), 5);
	for (uint8_t i = 0; i < 10; i++) {
		mac[5] = i;
		assert_int_equal(vsw_learn_lookup(l, mac, 0), i % 2 ? VSW_PORT_NONE : TRUNK);
	}
	vsw_learn_free(l);
}

/*
 * a worker refreshes an entry with its own clock, which may already be in the next
 * second when the control thread's aging pass read its `now`: the entry was seen 0 s ago and
 * must stay, but now_s - last_seen_s wraps to UINT32_MAX and ages it out.
 */
static void
test_aging_entry_refreshed_in_the_next_second(void **state)
{
	struct vsw_learn *l = new_table(1024, 300);
	const uint64_t key = vsw_learn_key(mac_host, 0);

	(void)state;
	see(l, mac_host, 0, UPLINK);
	/* What vsw_learn_note_source() stores from a worker whose pass started 1 s later. */
	l->last_seen_s[rte_hash_lookup(l->hash, &key)] = vsw_learn_now_s(l) + 1;
	assert_int_equal(vsw_learn_age(l), 0); /* the freshest entry stays */
	assert_int_equal(vsw_learn_lookup(l, mac_host, 0), UPLINK);
	vsw_learn_free(l);
}

/*
 * port delete / NIC disconnect (switch_ctl.c) publish, wait a grace period, then
 * flush the port's entries. A request a worker posted before the publication is still in the
 * ring and is applied by the next drain: the port's MAC comes back, pointing at a port that
 * no longer exists (or at the next port created with the same index).
 */
static void
test_flush_then_stale_request(void **state)
{
	struct vsw_learn *l = new_table(1024, 300);

	(void)state;
	/* A worker saw mac_host on TRUNK just before the control thread deleted TRUNK. */
	vsw_learn_note_source(l, mac_host, 0, TRUNK, vsw_learn_now_s(l), &dropped);
	vsw_learn_flush_port(l, TRUNK); /* vsw_ctl_port_del(), after its grace period */
	vsw_learn_drain(l, &statics);   /* next vsw_ctl_poll() */
	assert_int_equal(vsw_learn_lookup(l, mac_host, 0), VSW_PORT_NONE);
	vsw_learn_free(l);
}

static void
test_bad_size_refused(void **state)
{
	struct vsw_errmsg em = {0};

	(void)state;
	assert_null(vsw_learn_create(VSW_LEARN_ENTRIES_MIN - 1, 300, qsv, &em));
	assert_non_null(strstr(em.msg, "max_entries"));
	assert_null(vsw_learn_create(VSW_LEARN_ENTRIES_MAX + 1, 300, qsv, NULL));
}

int
main(int argc, char **argv)
{
	/* rte_eal_init() takes char *: the casts drop a const it never writes through. */
	char *eal[] = {
	        argv[0],   ARG("--no-huge"), ARG("--no-shconf"), ARG("--no-pci"),    ARG("-m"),
	        ARG("64"), ARG("-l"),        ARG("0"),           ARG("--log-level"), ARG("*:error"),
	        NULL};
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_learn_then_lookup_per_vlan),
	        cmocka_unit_test(test_move_to_another_port),
	        cmocka_unit_test(test_static_mac_is_never_learned),
	        cmocka_unit_test(test_aging),
	        cmocka_unit_test(test_aging_zero_never_ages),
	        cmocka_unit_test(test_full_table),
	        cmocka_unit_test(test_flush_port),
	        cmocka_unit_test(test_bad_size_refused),
	        cmocka_unit_test(test_flush_then_stale_request),
	        cmocka_unit_test(test_aging_entry_refreshed_in_the_next_second),
	};
	int rc;

	(void)argc;
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	qsv = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE), RTE_CACHE_LINE_SIZE);
	if (qsv == NULL || rte_rcu_qsbr_init(qsv, RTE_MAX_LCORE) != 0)
		return 1;
	vsw_fdb_init(&statics);
	vsw_fdb_add(&statics, mac_vm, VM);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_free(qsv);
	rte_eal_cleanup();
	return rc;
}
