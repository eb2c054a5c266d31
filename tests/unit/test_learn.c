/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of MAC learning (include/vsw/learn.h, lib/datapath/learn_dp.h): requests from
 * the datapath side, learning, refresh, moves, aging, the size limit, flushing a port, static
 * MACs never learned, a table filled to its size, lookups while the control thread churns it.
 * Runs an EAL without hugepages or devices (the table lives in rte_malloc memory).
 */
#define _GNU_SOURCE /* pthread_setaffinity_np() */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "../../lib/datapath/learn_dp.h"
#include "vsw/learn.h"

#include <cmocka.h>

#define ARG(text) ((char *)(uintptr_t)(text))

static struct vsw_fdb statics;
static uint64_t dropped; /* a worker's count of refused learn requests */

static const uint8_t mac_host[6] = {0x02, 0, 0, 0, 0xee, 0x01};
static const uint8_t mac_vm[6] = {0x52, 0x54, 0, 0, 0, 0x01};

enum { UPLINK = 0, VM = 1, TRUNK = 2 };

static struct vsw_learn *
new_table(uint32_t entries, uint32_t aging_s)
{
	struct vsw_errmsg em = {0};
	struct vsw_learn *l = vsw_learn_create(entries, aging_s, &em);

	assert_non_null(l);
	return l;
}

/* The last-seen word of @p key's entry, which must exist. */
static uint32_t *
seen_word(struct vsw_learn *l, uint64_t key)
{
	const uintptr_t data = learn_data(l, key);

	assert_true(data != 0);
	return vsw_learn_seen_word(l, vsw_learn_data_slot(data));
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

	(void)state;
	see(l, mac_host, 0, UPLINK);
	see(l, mac2, 0, UPLINK);
	assert_int_equal(vsw_learn_age(l), 0);
	*seen_word(l, key) = vsw_learn_now_s(l) - 5;
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
	*seen_word(l, key) = 0;
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
	*seen_word(l, key) = vsw_learn_now_s(l) + 1;
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
	assert_null(vsw_learn_create(VSW_LEARN_ENTRIES_MIN - 1, 300, &em));
	assert_non_null(strstr(em.msg, "max_entries"));
	assert_null(vsw_learn_create(VSW_LEARN_ENTRIES_MAX + 1, 300, NULL));
}

/* MAC 0 in VLAN 0 is a key like any other, not a free slot (VSW_LEARN_KEY_USED). */
static void
test_mac_zero_is_an_entry_like_any(void **state)
{
	static const uint8_t zero[6];
	struct vsw_learn *l = new_table(VSW_LEARN_ENTRIES_MIN, 300);
	uint64_t key = vsw_learn_key(zero, 0);
	uintptr_t data;

	(void)state;
	vsw_learn_lookup_bulk(l, &key, 1, &data);
	assert_int_equal(data, 0); /* an empty table finds nothing, not an empty slot */
	see(l, zero, 0, TRUNK);
	assert_int_equal(vsw_learn_lookup(l, zero, 0), TRUNK);
	assert_int_equal(vsw_learn_flush_port(l, TRUNK), 1);
	assert_int_equal(vsw_learn_lookup(l, zero, 0), VSW_PORT_NONE);
	vsw_learn_free(l);
}

/* A random MAC, locally administered unicast. */
static void
random_mac(uint8_t mac[6])
{
	const uint64_t r = rte_rand();

	memcpy(mac, &r, 6);
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
}

/*
 * The stage makes a frame's keys from its static-FDB keys (vsw_learn_key_of_fdb()); the
 * control thread, the CLI and the tests from the MAC (vsw_learn_key()): both are the layout
 * learn.h gives, built here by hand (the MAC in the low six bytes, USED, the VLAN above).
 */
static void
test_key_of_fdb_key_is_the_key(void **state)
{
	static const uint16_t vlans[] = {0, 1, 10, 2047, 4094, 4095};
	uint8_t mac[6];

	(void)state;
	for (unsigned int i = 0; i < 64; i++) {
		const uint16_t vlan = vlans[i % RTE_DIM(vlans)];
		uint64_t key, want = 0;

		random_mac(mac);
		memcpy(&want, mac, 6);
		want |= UINT64_C(1) << 48 | (uint64_t)(vlan & 0xfff) << 49;
		key = vsw_learn_key_of_fdb(vsw_fdb_key(mac), vlan);
		assert_int_equal(key, want);
		assert_int_equal(vsw_learn_key(mac, vlan), want);
		assert_int_equal(vsw_learn_key_vlan(key), vlan);
		assert_memory_equal(&key, mac, 6); /* the MAC as vsw_learn_next() reads it */
	}
	/* VLANs apart, MACs apart: no two of these keys are one. */
	memset(mac, 0, sizeof(mac));
	assert_int_not_equal(vsw_learn_key(mac, 0), vsw_learn_key(mac, 4095));
	mac[5] = 1;
	assert_int_not_equal(vsw_learn_key(mac, 1), vsw_learn_key((const uint8_t[6]){0}, 1));
}

/*
 * max_entries random MACs all fit (the table makes room by moving entries to their second
 * bucket when both of a key's buckets are full: without that, a full 64K table refuses
 * hundreds), every one is found on its port by single and bulk lookups, and the next is refused.
 */
static void
test_fills_to_max_entries(void **state)
{
	enum { N = 65536 };
	struct vsw_learn *l = new_table(N, 300);
	static uint64_t keys[N];
	struct vsw_learn_stats st;
	uint8_t mac[6];

	(void)state;
	for (unsigned int i = 0; i < N; i++) {
		random_mac(mac);
		keys[i] = vsw_learn_key(mac, (uint16_t)(i % 7));
		vsw_learn_note_found(l, keys[i], 0, (uint16_t)(i % 5), vsw_learn_now_s(l),
		                     &dropped);
		if (i % 1024 == 1023)
			vsw_learn_drain(l, &statics);
	}
	vsw_learn_stats_get(l, &st);
	assert_int_equal(st.full, 0);
	/* Random MACs may repeat: those were learned twice and count once. */
	assert_true(st.n_entries >= N - 2 && st.n_entries <= N);
	for (unsigned int i = 0; i < N; i += VSW_LEARN_BULK_MAX) {
		uintptr_t data[VSW_LEARN_BULK_MAX];

		vsw_learn_lookup_bulk(l, &keys[i], VSW_LEARN_BULK_MAX, data);
		for (unsigned int j = 0; j < VSW_LEARN_BULK_MAX; j++) {
			assert_int_equal(vsw_learn_data_port(data[j]), (i + j) % 5);
			assert_int_equal(data[j], learn_data(l, keys[i + j]));
		}
	}
	while (st.n_entries < N) { /* top up what repeats left */
		random_mac(mac);
		see(l, mac, 0, UPLINK);
		vsw_learn_stats_get(l, &st);
	}
	random_mac(mac);
	see(l, mac, 0, UPLINK);
	vsw_learn_stats_get(l, &st);
	assert_int_equal(st.full, 1);
	assert_int_equal(vsw_learn_lookup(l, mac, 0), VSW_PORT_NONE);
	vsw_learn_free(l);
}

/* A worker's view: keys that stay in the table, looked up in bursts until told to stop. */
struct churn_reader {
	const struct vsw_learn *l;
	const uint64_t *keys;
	unsigned int n_keys;
	bool stop;
	uint64_t lookups, wrong;
};

static void *
churn_read(void *arg)
{
	struct churn_reader *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		for (unsigned int i = 0; i + VSW_LEARN_BULK_MAX <= r->n_keys;
		     i += VSW_LEARN_BULK_MAX) {
			uintptr_t data[VSW_LEARN_BULK_MAX];

			vsw_learn_lookup_bulk(r->l, &r->keys[i], VSW_LEARN_BULK_MAX, data);
			for (unsigned int j = 0; j < VSW_LEARN_BULK_MAX; j++)
				r->wrong += vsw_learn_data_port(data[j]) != UPLINK;
			r->lookups += VSW_LEARN_BULK_MAX;
		}
	}
	return NULL;
}

/*
 * A reader thread looks up keys that stay in the table, on UPLINK, while the control thread
 * fills the rest of the table with keys on TRUNK and flushes them, round after round: slots are
 * emptied and filled again and entries move to make room under the reader, which must find
 * every one of its keys on UPLINK every time.
 */
static void
test_lookups_while_the_table_churns(void **state)
{
	enum { N = 4096, ROUNDS = 300 };
	struct vsw_learn *l = new_table(N, 300);
	static uint64_t stay[N / 2];
	struct churn_reader r = {.keys = stay, .n_keys = N / 2};
	struct vsw_learn_stats st;
	pthread_t reader;
	uint8_t mac[6];

	(void)state;
	for (unsigned int i = 0; i < N / 2; i++) {
		random_mac(mac);
		stay[i] = vsw_learn_key(mac, 0);
		see(l, mac, 0, UPLINK);
	}
	r.l = l;
	assert_int_equal(pthread_create(&reader, NULL, churn_read, &r), 0);
	/* Beside the EAL's thread on CPU 0, not taking turns with it there. */
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		cpu_set_t cpus;

		CPU_ZERO(&cpus);
		CPU_SET(1, &cpus);
		assert_int_equal(pthread_setaffinity_np(reader, sizeof(cpus), &cpus), 0);
	}
	for (unsigned int round = 0; round < ROUNDS; round++) {
		for (unsigned int i = 0; i < N / 2; i++) {
			random_mac(mac);
			vsw_learn_note_source(l, mac, 1, TRUNK, vsw_learn_now_s(l), &dropped);
			if (i % 1024 == 1023)
				vsw_learn_drain(l, &statics);
		}
		vsw_learn_flush_port(l, TRUNK);
	}
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	pthread_join(reader, NULL);
	vsw_learn_stats_get(l, &st);
	print_message("churn: %" PRIu64 " lookups, %" PRIu64 " learned, %" PRIu64 " refused\n",
	              r.lookups, st.learned, st.full);
	assert_true(st.learned > ROUNDS * (N / 4));
	assert_true(r.lookups > 0);
	assert_int_equal(r.wrong, 0);
	vsw_learn_free(l);
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
	        cmocka_unit_test(test_key_of_fdb_key_is_the_key),
	        cmocka_unit_test(test_move_to_another_port),
	        cmocka_unit_test(test_static_mac_is_never_learned),
	        cmocka_unit_test(test_aging),
	        cmocka_unit_test(test_aging_zero_never_ages),
	        cmocka_unit_test(test_full_table),
	        cmocka_unit_test(test_flush_port),
	        cmocka_unit_test(test_bad_size_refused),
	        cmocka_unit_test(test_flush_then_stale_request),
	        cmocka_unit_test(test_aging_entry_refreshed_in_the_next_second),
	        cmocka_unit_test(test_mac_zero_is_an_entry_like_any),
	        cmocka_unit_test(test_fills_to_max_entries),
	        cmocka_unit_test(test_lookups_while_the_table_churns),
	};
	int rc;

	(void)argc;
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	vsw_fdb_init(&statics);
	vsw_fdb_add(&statics, mac_vm, VM);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
