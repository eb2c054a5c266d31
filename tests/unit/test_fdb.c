/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the forwarding database and the forwarding decision (include/vsw/fdb.h):
 * the rules every worker applies to every frame. No EAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "vsw/fdb.h"

#include <cmocka.h>

enum { UPLINK = 0, VM1 = 1, VM2 = 2 };

static const uint8_t mac_vm1[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x01};
static const uint8_t mac_vm2[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x02};
static const uint8_t mac_other[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x99};
static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t mac_zero[6];

static struct vsw_fdb fdb;

static int
setup_two_vms(void **state)
{
	(void)state;
	vsw_fdb_init(&fdb);
	assert_int_equal(vsw_fdb_add(&fdb, mac_vm1, VM1), 0);
	assert_int_equal(vsw_fdb_add(&fdb, mac_vm2, VM2), 0);
	return 0;
}

static void
test_unicast_to_known_mac_goes_to_its_port(void **state)
{
	(void)state;
	assert_int_equal(vsw_fwd_decide(&fdb, UPLINK, VM1, mac_vm2), VM2);
	assert_int_equal(vsw_fwd_decide(&fdb, UPLINK, VM2, mac_vm1), VM1);
	assert_int_equal(vsw_fwd_decide(&fdb, UPLINK, UPLINK, mac_vm1), VM1);
}

static void
test_unknown_unicast_goes_to_external(void **state)
{
	(void)state;
	assert_int_equal(vsw_fwd_decide(&fdb, UPLINK, VM1, mac_other), UPLINK);
	/* ... but never back out of the uplink it came in on. */
	assert_int_equal(vsw_fwd_decide(&fdb, UPLINK, UPLINK, mac_other), VSW_FWD_DROP);
	/* ... and nowhere when there is no uplink. */
	assert_int_equal(vsw_fwd_decide(&fdb, VSW_PORT_NONE, VM1, mac_other), VSW_FWD_DROP);
}

static void
test_hairpin_is_dropped(void **state)
{
	(void)state;
	assert_int_equal(vsw_fwd_decide(&fdb, UPLINK, VM1, mac_vm1), VSW_FWD_DROP);
}

static void
test_broadcast_and_multicast_flood(void **state)
{
	(void)state;
	assert_int_equal(vsw_fwd_decide(&fdb, UPLINK, VM1, mac_bcast), VSW_FWD_FLOOD);
	assert_int_equal(vsw_fwd_decide(&fdb, UPLINK, UPLINK, mac_mcast), VSW_FWD_FLOOD);
}

static void
test_add_refuses_bad_entries(void **state)
{
	(void)state;
	assert_int_equal(vsw_fdb_add(&fdb, mac_vm1, 5), -EEXIST);
	assert_int_equal(vsw_fdb_add(&fdb, mac_bcast, 5), -EINVAL);
	assert_int_equal(vsw_fdb_add(&fdb, mac_mcast, 5), -EINVAL);
	assert_int_equal(vsw_fdb_add(&fdb, mac_zero, 5), -EINVAL);
	assert_int_equal(vsw_fdb_add(&fdb, mac_other, VSW_PORTS_MAX), -EINVAL);
	assert_int_equal(fdb.n_entries, 2);
	assert_int_equal(vsw_fdb_lookup(&fdb, mac_vm1), VM1);
}

/* A full table still finds every entry (probe chains wrap) and refuses one more. */
static void
test_full_table(void **state)
{
	uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0};

	(void)state;
	vsw_fdb_init(&fdb);
	for (unsigned int i = 0; i < VSW_FDB_ENTRIES_MAX; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_int_equal(vsw_fdb_add(&fdb, mac, (uint16_t)(i % VSW_PORTS_MAX)), 0);
	}
	mac[4] = 0xff;
	assert_int_equal(vsw_fdb_add(&fdb, mac, 1), -ENOSPC);
	assert_int_equal(vsw_fdb_lookup(&fdb, mac), VSW_PORT_NONE);
	for (unsigned int i = 0; i < VSW_FDB_ENTRIES_MAX; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		assert_int_equal(vsw_fdb_lookup(&fdb, mac), i % VSW_PORTS_MAX);
	}
}

/*
 * The filter only turns keys away: MACs that share an entry's filter bit but not its MAC, and
 * MACs whose bit no entry has, are both unknown; the entries stay found.
 */
static void
test_filter_turns_away_only_unknown_macs(void **state)
{
	uint8_t mac[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x01};

	(void)state;
	mac[5] = 0x41; /* mac_vm1's bit, another MAC */
	assert_int_equal(vsw_fdb_lookup(&fdb, mac), VSW_PORT_NONE);
	mac[5] = 0x01;
	mac[4] = 0x01; /* mac_vm1's last byte, another MAC */
	assert_int_equal(vsw_fdb_lookup(&fdb, mac), VSW_PORT_NONE);
	mac[4] = 0x00;
	mac[5] = 0x03; /* no entry's bit */
	assert_int_equal(vsw_fdb_lookup(&fdb, mac), VSW_PORT_NONE);
	assert_int_equal(fdb.filter, UINT64_C(1) << 1 | UINT64_C(1) << 2);
	assert_int_equal(vsw_fdb_lookup(&fdb, mac_vm1), VM1);
	assert_int_equal(vsw_fdb_lookup(&fdb, mac_vm2), VM2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_unicast_to_known_mac_goes_to_its_port, setup_two_vms),
	        cmocka_unit_test_setup(test_unknown_unicast_goes_to_external, setup_two_vms),
	        cmocka_unit_test_setup(test_hairpin_is_dropped, setup_two_vms),
	        cmocka_unit_test_setup(test_broadcast_and_multicast_flood, setup_two_vms),
	        cmocka_unit_test_setup(test_add_refuses_bad_entries, setup_two_vms),
	        cmocka_unit_test(test_full_table),
	        cmocka_unit_test_setup(test_filter_turns_away_only_unknown_macs, setup_two_vms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
