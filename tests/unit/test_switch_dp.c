/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the vSwitch stage (lib/datapath/switch_dp.c) on ring-backed ethdevs: 802.1Q
 * admission, pop and push on real mbufs, tagged copies of floods, and the verdicts of
 * extension hooks (pass, drop, redirect, inject). One burst at a time, run on the test's
 * thread as a worker would; an EAL without hugepages or devices provides mbufs and ethdevs.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../../lib/datapath/dp_priv.h"
#include "../../lib/datapath/txbuf_dp.h"
#include "vsw/ext_dp.h"

#include <cmocka.h>

#define ARG(text) ((char *)(uintptr_t)(text))
#define RING_SIZE 256

enum { ACCESS10, ACCESS10B, ACCESS20, TRUNK, N_PORTS };

static struct rte_mempool *pool;
static struct rte_ring *rx_rings[N_PORTS], *tx_rings[N_PORTS];
static uint16_t eth_ids[N_PORTS];
static struct vsw_dp_cfg *cfg;
static struct vsw_lcore *lc;

static const uint8_t mac[N_PORTS][6] = {
        {0x02, 0, 0, 0, 0x10, 0x0a}, {0x02, 0, 0, 0, 0x10, 0x0b}, {0x02, 0, 0, 0, 0x20, 0x01}};
static const uint8_t mac_far[6] = {0x02, 0, 0, 0, 0xee, 0x01};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* A 60-byte frame, tagged with @p vlan when it is >= 0 (0: priority-tagged). */
static struct rte_mbuf *
frame(const uint8_t *dst, const uint8_t *src, int vlan)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, 60);

	/* Also tells an optimising compiler p is a 60-byte area (-Warray-bounds at -O3). */
	RTE_VERIFY(p != NULL);
	memset(p, 0, 60);
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	if (vlan >= 0) {
		p[12] = 0x81;
		p[14] = (uint8_t)(vlan >> 8);
		p[15] = (uint8_t)vlan;
		p[16] = 0x88;
		p[17] = 0xb5;
	} else {
		p[12] = 0x88;
		p[13] = 0xb5;
	}
	return m;
}

static void
receive(uint16_t port, struct rte_mbuf *m)
{
	const struct vsw_dp_rxq q = {.port = port, .eth_port_id = eth_ids[port]};

	assert_int_equal(rte_ring_enqueue(rx_rings[port], m), 0);
	vsw_dp_switch_burst(lc, cfg, &q);
	vsw_txbuf_flush_all(lc, cfg);
}

/* The one frame port @p port sent, or NULL; -1: untagged, else its VLAN id. */
static struct rte_mbuf *
sent(uint16_t port, int *vlan)
{
	struct rte_mbuf *m = NULL;
	const uint8_t *p;

	if (rte_ring_dequeue(tx_rings[port], (void **)&m) != 0)
		return NULL;
	assert_int_equal(rte_ring_count(tx_rings[port]), 0);
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	*vlan = p[12] == 0x81 && p[13] == 0 ? ((p[14] & 0x0f) << 8 | p[15]) : -1;
	assert_int_equal(p[*vlan >= 0 ? 16 : 12], 0x88); /* payload intact after the tag */
	return m;
}

static void
expect_sent(uint16_t port, int vlan)
{
	int got;
	struct rte_mbuf *m = sent(port, &got);

	assert_non_null(m);
	assert_int_equal(got, vlan);
	rte_pktmbuf_free(m);
}

static void
expect_nothing(uint16_t port)
{
	assert_int_equal(rte_ring_count(tx_rings[port]), 0);
}

static int
setup(void **state)
{
	(void)state;
	cfg = vsw_dp_cfg_alloc();
	lc = rte_zmalloc(NULL, sizeof(*lc), RTE_CACHE_LINE_SIZE);
	assert_non_null(cfg);
	assert_non_null(lc);
	cfg->pool = pool;
	for (uint16_t i = 0; i < N_PORTS; i++) {
		struct vsw_dp_port *p = &cfg->ports[i];

		p->is_used = p->is_connected = true;
		p->eth_port_id = eth_ids[i];
		p->mirror_rx_port = p->mirror_tx_port = VSW_PORT_NONE;
		cfg->flood_ports[cfg->n_flood_ports++] = i;
		if (i != TRUNK)
			assert_int_equal(vsw_fdb_add(&cfg->fdb, mac[i], i), 0);
	}
	vsw_vlan_cfg_access(&cfg->ports[ACCESS10].vlan, 10);
	vsw_vlan_cfg_access(&cfg->ports[ACCESS10B].vlan, 10);
	vsw_vlan_cfg_access(&cfg->ports[ACCESS20].vlan, 20);
	vsw_vlan_cfg_trunk(&cfg->ports[TRUNK].vlan, 0);
	vsw_vlan_cfg_allow(&cfg->ports[TRUNK].vlan, 10);
	vsw_vlan_cfg_allow(&cfg->ports[TRUNK].vlan, 20);
	cfg->external_port = TRUNK;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (uint16_t i = 0; i < N_PORTS; i++)
		expect_nothing(i);
	assert_int_equal(rte_mempool_in_use_count(pool), 0); /* no mbuf leaked */
	vsw_dp_cfg_free(cfg);
	rte_free(lc);
	return 0;
}

static void
test_access_to_trunk_is_tagged(void **state)
{
	(void)state;
	receive(ACCESS20, frame(mac_far, mac[ACCESS20], -1)); /* unknown: flooded in VLAN 20 */
	expect_sent(TRUNK, 20);
	expect_nothing(ACCESS10);
}

static void
test_trunk_to_access_is_untagged(void **state)
{
	(void)state;
	receive(TRUNK, frame(mac[ACCESS10], mac_far, 10));
	expect_sent(ACCESS10, -1);
}

static void
test_priority_tagged_is_untagged_traffic(void **state)
{
	(void)state;
	receive(ACCESS10, frame(mac[ACCESS10B], mac[ACCESS10], 0));
	expect_sent(ACCESS10B, -1);
}

static void
test_foreign_vlan_dropped_at_the_door(void **state)
{
	(void)state;
	receive(ACCESS10, frame(mac[ACCESS10B], mac[ACCESS10], 10)); /* access ports: untagged */
	receive(TRUNK, frame(mac[ACCESS10], mac_far, 30));           /* not on the trunk */
	assert_int_equal(lc->stats[ACCESS10].drop_vlan, 1);
	assert_int_equal(lc->stats[TRUNK].drop_vlan, 1);
}

static void
test_unicast_never_crosses_vlans(void **state)
{
	(void)state;
	receive(ACCESS10, frame(mac[ACCESS20], mac[ACCESS10], -1));
	expect_nothing(ACCESS20);
	expect_sent(ACCESS10B, -1); /* unknown in VLAN 10: flooded there */
	expect_sent(TRUNK, 10);
}

/* One broadcast: the untagged receiver shares the mbuf, the trunk gets a tagged copy. */
static void
test_broadcast_untagged_and_tagged_copies(void **state)
{
	int vlan_b, vlan_t;
	struct rte_mbuf *b, *t;

	(void)state;
	receive(ACCESS10, frame(bcast, mac[ACCESS10], -1));
	b = sent(ACCESS10B, &vlan_b);
	t = sent(TRUNK, &vlan_t);
	assert_non_null(b);
	assert_non_null(t);
	assert_int_equal(vlan_b, -1);
	assert_int_equal(vlan_t, 10);
	assert_ptr_not_equal(b, t);
	expect_nothing(ACCESS20);
	expect_nothing(ACCESS10);
	rte_pktmbuf_free(b);
	rte_pktmbuf_free(t);
}

/* A hook that drops frame 0, redirects frame 1 to ACCESS20 and injects a copy of frame 2. */
static void
hook_ingress(void *ctx, struct vsw_ext_dp_args *a)
{
	(void)ctx;
	for (uint16_t i = 0; i < a->n; i++) {
		const uint8_t last = rte_pktmbuf_mtod(a->pkts[i], const uint8_t *)[59];

		if (last == 0)
			a->verdicts[i] = VSW_EXT_DROP;
		else if (last == 1)
			a->verdicts[i] = ACCESS20;
		else
			vsw_ext_dp_inject(a, TRUNK, rte_pktmbuf_copy(a->pkts[i], pool, 0, 60));
	}
}

static void
test_hook_verdicts(void **state)
{
	const struct vsw_dp_rxq q = {.port = ACCESS10, .eth_port_id = eth_ids[ACCESS10]};

	(void)state;
	cfg->hooks[0] = (struct vsw_dp_hook){.ingress = hook_ingress};
	cfg->n_hooks = 1;
	for (uint8_t i = 0; i < 3; i++) {
		struct rte_mbuf *m = frame(mac[ACCESS10B], mac[ACCESS10], -1);

		rte_pktmbuf_mtod(m, uint8_t *)[59] = i;
		assert_int_equal(rte_ring_enqueue(rx_rings[ACCESS10], m), 0);
	}
	vsw_dp_switch_burst(lc, cfg, &q);
	vsw_txbuf_flush_all(lc, cfg);
	assert_int_equal(lc->stats[ACCESS10].drop_ext, 1);
	expect_sent(ACCESS20, -1);  /* redirected past the VLAN rules, as the hook decided */
	expect_sent(ACCESS10B, -1); /* the passed frame, forwarded as usual */
	expect_sent(TRUNK, -1);     /* the injected copy, sent as the hook built it */
}

/*
 * a two-segment broadcast flooded to two untagged receivers. Both receivers hold
 * the same head mbuf; its second segment must stay alive until both have been freed.
 */
static void
test_multiseg_flood_shares_every_segment(void **state)
{
	struct rte_mbuf *m = frame(bcast, mac_far, 10), *seg2 = rte_pktmbuf_alloc(pool);
	struct rte_mbuf *a, *b;
	int vlan;

	(void)state;
	assert_non_null(rte_pktmbuf_append(seg2, 100));
	const unsigned int base = rte_mempool_in_use_count(pool) - 2;

	assert_int_equal(rte_pktmbuf_chain(m, seg2), 0);
	receive(TRUNK, m); /* VLAN 10: ACCESS10 and ACCESS10B untagged, sharing the mbuf */
	a = sent(ACCESS10, &vlan);
	b = sent(ACCESS10B, &vlan);
	assert_non_null(a);
	assert_non_null(b);
	assert_ptr_equal(a, b);
	assert_int_equal(rte_mempool_in_use_count(pool) - base, 2);
	rte_pktmbuf_free(a); /* the first receiver (its PMD) is done with it */
	/* b still references both segments: neither may be back in the pool. */
	assert_int_equal(rte_mempool_in_use_count(pool) - base, 2);
	rte_pktmbuf_free(b);
}

/*
 * the same with the NIC switch: a two-segment broadcast from a VM leaves the vSwitch
 * through the uplink (the default VPort); the NIC switch shares it with a VF
 * (share_or_copy(), is_copied false). Head refcount 2, second segment 1.
 */
static void
test_multiseg_shared_with_a_vf(void **state)
{
	struct vsw_dp_nicsw *dn = &cfg->nicsw;
	struct rte_mbuf *m = frame(bcast, mac[ACCESS10], -1), *seg2 = rte_pktmbuf_alloc(pool);
	struct rte_mbuf *wire, *vf;
	int vlan;

	(void)state;
	/* ACCESS10B is the uplink (PF wire), ACCESS20 plays VF VPort 1's VF. */
	for (uint16_t i = 0; i < VSW_NICSW_VPORTS_MAX; i++)
		dn->port_of_vport[i] = VSW_PORT_NONE;
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		dn->vport_of_port[i] = VSW_PORT_NONE;
	dn->is_used = true;
	dn->is_wire_up = true;
	dn->uplink_port = ACCESS10B;
	dn->port_of_vport[1] = ACCESS20;
	dn->vport_of_port[ACCESS20] = 1;
	dn->vport_vlans[1].n = 1;
	dn->vport_vlans[1].ids[0] = 0; /* untagged broadcasts */
	dn->ftable.n_flood_vports = 2;
	dn->ftable.flood_vports[0] = VSW_VPORT_DEFAULT;
	dn->ftable.flood_vports[1] = 1;
	cfg->n_flood_ports = 0;
	cfg->flood_ports[cfg->n_flood_ports++] = ACCESS10;
	cfg->flood_ports[cfg->n_flood_ports++] = ACCESS10B;

	const unsigned int base = rte_mempool_in_use_count(pool) - 2;

	assert_non_null(rte_pktmbuf_append(seg2, 100));
	assert_int_equal(rte_pktmbuf_chain(m, seg2), 0);
	receive(ACCESS10, m);
	wire = sent(ACCESS10B, &vlan);
	vf = sent(ACCESS20, &vlan);
	assert_non_null(wire);
	assert_ptr_equal(wire, vf);
	rte_pktmbuf_free(wire);
	assert_int_equal(rte_mempool_in_use_count(pool) - base, 2); /* seg2 still held */
	rte_pktmbuf_free(vf);
}

/* A frame of @p len bytes (at least 12) to @p dst from @p src, ethertype 0x88b5 if it fits. */
static struct rte_mbuf *
raw_frame(const uint8_t *dst, const uint8_t *src, uint16_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, len);

	memset(p, 0, len);
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	if (len >= RTE_ETHER_HDR_LEN) {
		p[12] = 0x88;
		p[13] = 0xb5;
	}
	return m;
}

/*
 * Hostile frames, each dropped on ingress and counted by its reason on the port it came in,
 * before any hook, learning or forwarding sees it: runts and cut tags, a two-segment frame
 * over the MTU, multicast/broadcast/zero sources, and a VM's own MAC coming back from the
 * (learning) trunk. A frame exactly at the limit still passes.
 */
static void
test_hostile_frames_counted_by_reason(void **state)
{
	static const uint8_t zero[6], mcast[6] = {0x01, 0, 0x5e, 0, 0, 1};
	struct rte_mbuf *big = raw_frame(bcast, mac[ACCESS10], 1500), *seg2;
	struct rte_mbuf *cut_tag = raw_frame(mac_far, mac[ACCESS10], 16);

	(void)state;
	for (uint16_t i = 0; i < N_PORTS; i++)
		cfg->ports[i].frame_len_max = 1522;
	cfg->ports[TRUNK].is_learning = true;
	receive(ACCESS10, raw_frame(mac_far, mac[ACCESS10], 13));
	rte_pktmbuf_mtod(cut_tag, uint8_t *)[12] = 0x81; /* TPID, then 2 of the tag's 4 bytes */
	rte_pktmbuf_mtod(cut_tag, uint8_t *)[13] = 0x00;
	receive(ACCESS10, cut_tag);
	seg2 = rte_pktmbuf_alloc(pool);
	assert_non_null(rte_pktmbuf_append(seg2, 23)); /* 1523 bytes in two segments */
	assert_int_equal(rte_pktmbuf_chain(big, seg2), 0);
	receive(ACCESS10, big);
	receive(ACCESS10, raw_frame(mac_far, bcast, 60));
	receive(ACCESS10, raw_frame(mac_far, mcast, 60));
	receive(ACCESS10, raw_frame(mac_far, zero, 60));
	receive(TRUNK, frame(bcast, mac[ACCESS10], 10)); /* ACCESS10's broadcast, looped back */
	receive(TRUNK, frame(mac[ACCESS20], mac_far, 20));
	expect_sent(ACCESS20, -1); /* the trunk still forwards what is not looped */
	receive(ACCESS10, raw_frame(mac[ACCESS10B], mac[ACCESS10], 1522));
	expect_sent(ACCESS10B, -1);
	assert_int_equal(lc->stats[ACCESS10].drop_runt, 2);
	assert_int_equal(lc->stats[ACCESS10].drop_oversize, 1);
	assert_int_equal(lc->stats[ACCESS10].drop_bad_src, 3);
	assert_int_equal(lc->stats[TRUNK].drop_loop, 1);
	assert_int_equal(vsw_port_stats_drops(&lc->stats[ACCESS10]), 6);
	assert_int_equal(vsw_port_stats_drops(&lc->stats[TRUNK]), 1);
}

/* A ring ethdev is ready for bursts once configured with its one queue pair and started. */
static int
start_port(uint16_t id)
{
	const struct rte_eth_conf conf = {0};
	int rc = rte_eth_dev_configure(id, 1, 1, &conf);

	if (rc == 0)
		rc = rte_eth_rx_queue_setup(id, 0, RING_SIZE, 0, NULL, pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(id, 0, RING_SIZE, 0, NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(id);
	if (rc != 0)
		fprintf(stderr, "ethdev %u: %s\n", id, rte_strerror(-rc));
	return rc;
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
	        cmocka_unit_test_setup_teardown(test_access_to_trunk_is_tagged, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_trunk_to_access_is_untagged, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_priority_tagged_is_untagged_traffic, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_foreign_vlan_dropped_at_the_door, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_unicast_never_crosses_vlans, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_broadcast_untagged_and_tagged_copies, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_hook_verdicts, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_multiseg_shared_with_a_vf, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_multiseg_flood_shares_every_segment, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_hostile_frames_counted_by_reason, setup,
	                                        teardown),
	};
	char name[RTE_RING_NAMESIZE];
	int rc;

	(void)argc;
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("test_mbufs", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	for (int i = 0; i < N_PORTS && pool != NULL; i++) {
		snprintf(name, sizeof(name), "rx%d", i);
		rx_rings[i] = rte_ring_create(name, RING_SIZE, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "tx%d", i);
		tx_rings[i] = rte_ring_create(name, RING_SIZE, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "net_ring_t%d", i);
		rc = rte_eth_from_rings(name, &rx_rings[i], 1, &tx_rings[i], 1, 0);
		if (rc < 0)
			return 1;
		eth_ids[i] = (uint16_t)rc;
		if (start_port(eth_ids[i]) != 0)
			return 1;
	}
	if (pool == NULL)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return rc;
}
