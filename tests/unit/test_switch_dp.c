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
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_meter.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "../../lib/datapath/dp_priv.h"
#include "../../lib/datapath/learn_dp.h"
#include "../../lib/datapath/switch_dp.h"
#include "../../lib/datapath/txbuf_dp.h"
#include "../common/ring_port.h"
#include "vsw/ext_builtin.h"
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
static struct rte_rcu_qsbr *qsv;

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

	/* Also tells gcc -O3 (release builds) that p is not NULL: -Warray-bounds otherwise. */
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

/* One poll of @p q through both halves of the stage, as a worker's pass runs them. */
static uint16_t
switch_burst(const struct vsw_dp_rxq *q)
{
	struct vsw_dp_burst b;
	const uint16_t n = vsw_dp_switch_burst(lc, cfg, q, &b);

	if (n != 0)
		vsw_dp_switch_finish(lc, cfg, &b);
	return n;
}

static void
receive(uint16_t port, struct rte_mbuf *m)
{
	const struct vsw_dp_rxq q = {.port = port, .eth_port_id = eth_ids[port]};

	assert_int_equal(rte_ring_enqueue(rx_rings[port], m), 0);
	switch_burst(&q);
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
	switch_burst(&q);
	vsw_txbuf_flush_all(lc, cfg);
	assert_int_equal(lc->stats[ACCESS10].drop_ext, 1);
	expect_sent(ACCESS20, -1);  /* redirected past the VLAN rules, as the hook decided */
	expect_sent(ACCESS10B, -1); /* the passed frame, forwarded as usual */
	expect_sent(TRUNK, -1);     /* the injected copy, sent as the hook built it */
}

/* Frame @p marker of a test burst: its last byte, which tags never move. */
static struct rte_mbuf *
marked(const uint8_t *dst, const uint8_t *src, int vlan, uint8_t marker)
{
	struct rte_mbuf *m = frame(dst, src, vlan);

	rte_pktmbuf_mtod(m, uint8_t *)[59] = marker;
	return m;
}

static uint8_t
marker_of(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, const uint8_t *)[rte_pktmbuf_data_len(m) - 1];
}

/* @p n frames received on @p port as one rx burst, switched, and every tx buffer flushed. */
static void
receive_burst(uint16_t port, struct rte_mbuf **pkts, unsigned int n)
{
	const struct vsw_dp_rxq q = {.port = port, .eth_port_id = eth_ids[port]};

	assert_int_equal(rte_ring_enqueue_bulk(rx_rings[port], (void **)pkts, n, NULL), n);
	assert_int_equal(switch_burst(&q), n);
	vsw_txbuf_flush_all(lc, cfg);
}

/*
 * Every frame @p port sent, freed: their markers in @p markers, in order, as a string of
 * digits ('0' + marker), and whether each was tagged with @p vlan (-1: untagged).
 */
static void
expect_markers(uint16_t port, int vlan, const char *markers)
{
	char got[2 * VSW_BURST_MAX + 1] = "";
	size_t n = 0;
	struct rte_mbuf *m;

	while (n < 2 * VSW_BURST_MAX && rte_ring_dequeue(tx_rings[port], (void **)&m) == 0) {
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
		const int tag = p[12] == 0x81 && p[13] == 0 ? ((p[14] & 0x0f) << 8 | p[15]) : -1;

		assert_int_equal(tag, vlan);
		got[n++] = (char)('0' + marker_of(m));
		rte_pktmbuf_free(m);
	}
	got[n] = '\0';
	assert_string_equal(got, markers);
}

/* Markers the ingress hooks below the first saw, in order; each starts with every verdict PASS. */
static char seen_b[VSW_BURST_MAX + 1], seen_c[VSW_BURST_MAX + 1], seen_e[VSW_BURST_MAX + 1];

static void
seen_add(char *seen, const struct vsw_ext_dp_args *a)
{
	size_t len = strlen(seen);

	for (uint16_t i = 0; i < a->n; i++) {
		assert_int_equal(a->verdicts[i], VSW_EXT_PASS);
		seen[len++] = (char)('0' + marker_of(a->pkts[i]));
	}
	seen[len] = '\0';
}

/* Drops 0 (counted as drop_ext), redirects 1 to ACCESS20, drops 2 as a guard (counted there). */
static void
hook_a(void *ctx, struct vsw_ext_dp_args *a)
{
	static const uint16_t verdict_of[] = {VSW_EXT_DROP, ACCESS20, VSW_EXT_DROP_COUNTED};

	(void)ctx;
	for (uint16_t i = 0; i < a->n; i++)
		if (marker_of(a->pkts[i]) < RTE_DIM(verdict_of))
			a->verdicts[i] = verdict_of[marker_of(a->pkts[i])];
}

/* Sees what A passed; drops the last of the burst, 7. */
static void
hook_b(void *ctx, struct vsw_ext_dp_args *a)
{
	(void)ctx;
	seen_add(seen_b, a);
	for (uint16_t i = 0; i < a->n; i++)
		if (marker_of(a->pkts[i]) == 7)
			a->verdicts[i] = VSW_EXT_DROP;
}

static void
hook_c(void *ctx, struct vsw_ext_dp_args *a)
{
	(void)ctx;
	seen_add(seen_c, a);
}

/* Egress: drops 3 on ACCESS10B; E, below it, must then see the rest with verdicts reset. */
static void
hook_d(void *ctx, struct vsw_ext_dp_args *a)
{
	(void)ctx;
	for (uint16_t i = 0; i < a->n; i++)
		if (a->port_index == ACCESS10B && marker_of(a->pkts[i]) == 3)
			a->verdicts[i] = VSW_EXT_DROP;
}

static void
hook_e(void *ctx, struct vsw_ext_dp_args *a)
{
	(void)ctx;
	if (a->port_index == ACCESS10B)
		seen_add(seen_e, a);
}

/*
 * A stack of hooks where the upper ones decide: each hook below sees only what the ones above
 * passed, compacted, with every verdict PASS again (verdicts are reset once per burst and after
 * a compaction only), and every decision on frames at any position of the burst is kept.
 */
static void
test_hook_stack_compacts_between_hooks(void **state)
{
	struct rte_mbuf *pkts[8];

	(void)state;
	seen_b[0] = seen_c[0] = seen_e[0] = '\0';
	cfg->hooks[0] = (struct vsw_dp_hook){.ingress = hook_a};
	cfg->hooks[1] = (struct vsw_dp_hook){.ingress = hook_b, .egress = hook_d};
	cfg->hooks[2] = (struct vsw_dp_hook){.ingress = hook_c, .egress = hook_e};
	cfg->n_hooks = 3;
	for (uint8_t i = 0; i < RTE_DIM(pkts); i++)
		pkts[i] = marked(mac[ACCESS10B], mac[ACCESS10], -1, i);
	receive_burst(ACCESS10, pkts, RTE_DIM(pkts));
	assert_string_equal(seen_b, "34567");
	assert_string_equal(seen_c, "3456");
	assert_string_equal(seen_e, "456");
	expect_markers(ACCESS10B, -1, "456");
	expect_markers(ACCESS20, -1, "1");
	assert_int_equal(lc->stats[ACCESS10].drop_ext, 2);  /* 0 and 7; 2 counted by its guard */
	assert_int_equal(lc->stats[ACCESS10B].drop_ext, 1); /* 3, on egress */
}

/*
 * One burst with runs of destinations and VLANs: frames to the same port in another VLAN,
 * to a port that went down, to a trunk (tagged), and to a VM port steered to its VF each take
 * the path one frame alone would take, in the middle of runs to a plain destination.
 */
static void
test_burst_runs_keep_every_check(void **state)
{
	struct rte_mbuf *pkts[9];

	(void)state;
	/* ACCESS10B went down (and so left the flood list); mac_far sits behind the trunk. */
	cfg->ports[ACCESS10B].is_connected = false;
	cfg->n_flood_ports = 0;
	cfg->flood_ports[cfg->n_flood_ports++] = ACCESS10;
	cfg->flood_ports[cfg->n_flood_ports++] = ACCESS20;
	cfg->flood_ports[cfg->n_flood_ports++] = TRUNK;
	assert_int_equal(vsw_fdb_add(&cfg->fdb, mac_far, TRUNK), 0);
	pkts[0] = marked(mac[ACCESS10], mac_far, 10, 0);
	pkts[1] = marked(mac[ACCESS10], mac_far, 10, 1);
	pkts[2] = marked(mac[ACCESS10], mac_far, 20, 2); /* not in VLAN 20: flooded there */
	pkts[3] = marked(mac[ACCESS10], mac_far, 10, 3);
	pkts[4] = marked(mac[ACCESS10B], mac_far, 10, 4); /* down */
	pkts[5] = marked(mac[ACCESS10], mac_far, 10, 5);
	pkts[6] = marked(mac[ACCESS20], mac_far, 20, 6);
	pkts[7] = marked(mac[ACCESS20], mac_far, 10, 7); /* ACCESS20 not in VLAN 10: flooded */
	pkts[8] = marked(mac[ACCESS20], mac_far, 20, 8);
	receive_burst(TRUNK, pkts, RTE_DIM(pkts));
	expect_markers(ACCESS10, -1, "01357");
	expect_markers(ACCESS20, -1, "268");
	assert_int_equal(lc->stats[ACCESS10B].drop_port_down, 1);

	/* From an access port to the trunk: tagged, one run after another. */
	for (uint8_t i = 0; i < 3; i++)
		pkts[i] = marked(i == 1 ? mac[ACCESS20] : mac_far, mac[ACCESS10], -1, i);
	receive_burst(ACCESS10, pkts, 3);
	expect_markers(TRUNK, 10, "012"); /* 1: known in VLAN 20 only, flooded in 10 */

	/* ACCESS20's VM is steered to its VF, whose VPort is gone: nothing on its own port. */
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		cfg->nicsw.vport_of_port[i] = VSW_VPORT_NONE;
	cfg->ports[ACCESS20].vm_steer = VSW_DP_STEER_VF;
	cfg->ports[ACCESS20].vm_vf_port = ACCESS10B;
	pkts[0] = marked(mac[ACCESS10], mac_far, 10, 0);
	pkts[1] = marked(mac[ACCESS20], mac_far, 20, 1);
	pkts[2] = marked(mac[ACCESS20], mac_far, 20, 2);
	receive_burst(TRUNK, pkts, 3);
	expect_markers(ACCESS10, -1, "0");
	expect_markers(ACCESS20, -1, "");
	assert_int_equal(lc->stats[ACCESS20].drop_port_down, 2);
}

/*
 * Two rx bursts of 20 frames for one port before the pass ends: the second run fills the tx
 * buffer, which leaves as a full burst, and the rest waits for the end of the pass. All 40
 * leave, in order.
 */
static void
test_run_fills_the_tx_buffer(void **state)
{
	const struct vsw_dp_rxq q = {.port = ACCESS10, .eth_port_id = eth_ids[ACCESS10]};
	char want[41];

	(void)state;
	for (uint8_t burst = 0; burst < 2; burst++) {
		struct rte_mbuf *pkts[20];

		for (uint8_t i = 0; i < RTE_DIM(pkts); i++)
			pkts[i] = marked(mac[ACCESS10B], mac[ACCESS10], -1, 20 * burst + i);
		assert_int_equal(rte_ring_enqueue_bulk(rx_rings[ACCESS10], (void **)pkts, 20, NULL),
		                 20);
		assert_int_equal(switch_burst(&q), 20);
	}
	assert_int_equal(rte_ring_count(tx_rings[ACCESS10B]), VSW_BURST_MAX);
	assert_int_equal(lc->txbufs[ACCESS10B].n, 40 - VSW_BURST_MAX);
	vsw_txbuf_flush_all(lc, cfg);
	for (int i = 0; i < 40; i++)
		want[i] = (char)('0' + i);
	want[40] = '\0';
	expect_markers(ACCESS10B, -1, want);
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
 * (learning) trunk, also between frames that pass. A frame exactly at the limit still passes.
 */
static void
test_hostile_frames_counted_by_reason(void **state)
{
	static const uint8_t zero[6], mcast[6] = {0x01, 0, 0x5e, 0, 0, 1};
	struct rte_mbuf *big = raw_frame(bcast, mac[ACCESS10], 1500), *seg2;
	struct rte_mbuf *cut_tag = raw_frame(mac_far, mac[ACCESS10], 16);
	struct rte_mbuf *pkts[6];

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

	/* In one burst, each frame from a VM's MAC is a loop, after a loop or a passed frame. */
	for (uint8_t i = 0; i < RTE_DIM(pkts); i++)
		pkts[i] = marked(mac[ACCESS20],
		                 i == 2 || i == 3 || i == 5 ? mac[ACCESS10] : mac_far, 20, i);
	receive_burst(TRUNK, pkts, RTE_DIM(pkts));
	expect_markers(ACCESS20, -1, "014");
	assert_int_equal(lc->stats[TRUNK].drop_loop, 1 + 3);
}

/* Host @p i of the learning tests: 02:00:00:00:ab:i. */
static const uint8_t *
host(uint8_t i)
{
	static uint8_t macs[2 * VSW_BURST_MAX][6];

	macs[i][0] = 0x02;
	macs[i][4] = 0xab;
	macs[i][5] = i;
	return macs[i];
}

/* What the control loop does between passes: apply the learn requests. @return them. */
static unsigned int
drain(void)
{
	return vsw_learn_drain(cfg->learn, &cfg->fdb);
}

/* A learned table, learning on TRUNK and ACCESS10B, the worker's clock on its. */
static void
learn_on_trunk_and_access10b(void)
{
	cfg->learn = vsw_learn_create(1024, 300, NULL);
	assert_non_null(cfg->learn);
	cfg->ports[TRUNK].is_learning = true;
	cfg->ports[ACCESS10B].is_learning = true;
	lc->now_s = vsw_learn_now_s(cfg->learn);
}

/*
 * The learned table's part of a burst, looked up in one bulk call: known and unknown sources
 * (a request per run of equal ones, none for a source known on its port, a move for one known
 * elsewhere) and known, unknown and hairpin destinations, per VLAN, in one burst each.
 */
static void
test_learning_burst_sources_and_destinations(void **state)
{
	struct vsw_learn_stats st;
	struct rte_mbuf *pkts[6];
	uint64_t key;

	(void)state;
	learn_on_trunk_and_access10b();

	/* Unknown sources: one request per run of equal (MAC, VLAN); unknown destinations flood. */
	pkts[0] = marked(mac[ACCESS10], host(1), 10, 0);
	pkts[1] = marked(mac[ACCESS10], host(1), 10, 1);
	pkts[2] = marked(host(9), host(2), 20, 2);       /* unknown: flooded in VLAN 20 */
	pkts[3] = marked(mac[ACCESS20], host(1), 20, 3); /* host 1 in VLAN 20: another host */
	pkts[4] = marked(mac[ACCESS10], host(1), 10, 4);
	receive_burst(TRUNK, pkts, 5);
	expect_markers(ACCESS10, -1, "014");
	expect_markers(ACCESS20, -1, "23");
	assert_int_equal(rte_ring_count(cfg->learn->requests), 4);
	assert_int_equal(drain(), 4);
	vsw_learn_stats_get(cfg->learn, &st);
	assert_int_equal(st.n_entries, 3);
	assert_int_equal(vsw_learn_lookup(cfg->learn, host(1), 10), TRUNK);
	assert_int_equal(vsw_learn_lookup(cfg->learn, host(1), 20), TRUNK);
	assert_int_equal(vsw_learn_lookup(cfg->learn, host(2), 20), TRUNK);

	/* Known sources on their port: refreshed, no request. A backdated entry is seen now. */
	key = vsw_learn_key(host(2), 20);
	*vsw_learn_seen_word(cfg->learn, vsw_learn_data_slot(learn_data(cfg->learn, key))) =
	        lc->now_s - 100;
	pkts[0] = marked(mac[ACCESS10], host(1), 10, 0);
	pkts[1] = marked(mac[ACCESS20], host(2), 20, 1);
	receive_burst(TRUNK, pkts, 2);
	expect_markers(ACCESS10, -1, "0");
	expect_markers(ACCESS20, -1, "1");
	assert_int_equal(rte_ring_count(cfg->learn->requests), 0);
	assert_int_equal(
	        *vsw_learn_seen_word(cfg->learn, vsw_learn_data_slot(learn_data(cfg->learn, key))),
	        lc->now_s);

	/* Learned destinations per VLAN, from a port that does not learn: host 1 and 2 are behind
	 * the trunk in VLAN 20, host 2 unknown in VLAN 10 (flooded to ACCESS10B and the trunk). */
	pkts[0] = marked(host(1), mac[ACCESS20], -1, 0);
	pkts[1] = marked(host(2), mac[ACCESS20], -1, 1);
	pkts[2] = marked(host(1), mac[ACCESS20], -1, 2);
	receive_burst(ACCESS20, pkts, 3);
	expect_markers(TRUNK, 20, "012");
	pkts[0] = marked(host(2), mac[ACCESS10], -1, 0);
	pkts[1] = marked(host(1), mac[ACCESS10], -1, 1);
	receive_burst(ACCESS10, pkts, 2);
	expect_markers(ACCESS10B, -1, "0");
	expect_markers(TRUNK, 10, "01");
	assert_int_equal(rte_ring_count(cfg->learn->requests), 0);

	/*
	 * Host 1 moves to ACCESS10B (VLAN 10) while host 3 shows up there; in the same burst a
	 * frame to host 1 still goes to the trunk (the move counts from the next burst on), and
	 * one to host 3 floods. From the trunk, a frame to host 2 in VLAN 20 is a hairpin.
	 */
	pkts[0] = marked(host(1), host(3), -1, 0);
	pkts[1] = marked(mac[ACCESS10], host(1), -1, 1);
	pkts[2] = marked(host(3), host(1), -1, 2);
	receive_burst(ACCESS10B, pkts, 3);
	expect_markers(TRUNK, 10, "02");
	expect_markers(ACCESS10, -1, "12");
	assert_int_equal(drain(), 2); /* host 1 twice in a row: one request */
	vsw_learn_stats_get(cfg->learn, &st);
	assert_int_equal(st.moved, 1);
	assert_int_equal(vsw_learn_lookup(cfg->learn, host(1), 10), ACCESS10B);
	assert_int_equal(vsw_learn_lookup(cfg->learn, host(3), 10), ACCESS10B);
	assert_int_equal(vsw_learn_lookup(cfg->learn, host(1), 20), TRUNK);
	pkts[0] = marked(host(1), host(2), 10, 0);
	pkts[1] = marked(host(2), host(1), 20, 1);
	receive_burst(TRUNK, pkts, 2);
	expect_markers(ACCESS10B, -1, "0");
	assert_int_equal(lc->stats[TRUNK].drop_no_dest, 1);
	assert_int_equal(drain(), 1); /* host 2 in VLAN 10 */
	vsw_learn_free(cfg->learn);
	cfg->learn = NULL;
}

/*
 * A full burst of distinct sources and destinations, the most one bulk lookup takes (32 + 32
 * keys): every even destination learned behind ACCESS10B, every odd one unknown.
 */
static void
test_learning_full_burst_of_distinct_macs(void **state)
{
	struct rte_mbuf *pkts[VSW_BURST_MAX];
	char unicast_and_flood[VSW_BURST_MAX + 1], flood[VSW_BURST_MAX / 2 + 1];
	struct vsw_learn_stats st;

	(void)state;
	learn_on_trunk_and_access10b();
	for (uint8_t i = 0; i < VSW_BURST_MAX; i += 2)
		vsw_learn_note_source(cfg->learn, host(VSW_BURST_MAX + i), 10, ACCESS10B, lc->now_s,
		                      &lc->wstats.learn_requests_dropped);
	assert_int_equal(drain(), VSW_BURST_MAX / 2);
	for (uint8_t i = 0; i < VSW_BURST_MAX; i++) {
		pkts[i] = marked(host(VSW_BURST_MAX + i), host(i), 10, i);
		unicast_and_flood[i] = (char)('0' + i);
		if (i % 2)
			flood[i / 2] = (char)('0' + i);
	}
	unicast_and_flood[VSW_BURST_MAX] = flood[VSW_BURST_MAX / 2] = '\0';
	receive_burst(TRUNK, pkts, VSW_BURST_MAX);
	expect_markers(ACCESS10B, -1, unicast_and_flood);
	expect_markers(ACCESS10, -1, flood);
	assert_int_equal(drain(), VSW_BURST_MAX);
	vsw_learn_stats_get(cfg->learn, &st);
	assert_int_equal(st.n_entries, VSW_BURST_MAX + VSW_BURST_MAX / 2);
	for (uint8_t i = 0; i < VSW_BURST_MAX; i++)
		assert_int_equal(vsw_learn_lookup(cfg->learn, host(i), 10), TRUNK);
	vsw_learn_free(cfg->learn);
	cfg->learn = NULL;
}

/*
 * Keys that live in their second bucket, through the stage: twelve MACs that share a first
 * bucket, six learned behind TRUNK and six behind ACCESS10B, so that eight have to live in
 * their second (an entry goes there only when its first is full). A burst on TRUNK from each
 * of the first six to each of the others: every frame goes to ACCESS10B, every source is
 * refreshed where it was found, and nothing is asked of the control thread.
 */
static void
test_learning_second_buckets(void **state)
{
	enum { N_SHARED = 12, N_PAIRS = N_SHARED / 2 };
	uint8_t macs[N_SHARED][6];
	struct rte_mbuf *pkts[N_PAIRS];
	unsigned int n = 0, in_second = 0;
	uint32_t first = 0;

	(void)state;
	cfg->learn = vsw_learn_create(64, 300, NULL);
	assert_non_null(cfg->learn);
	cfg->ports[TRUNK].is_learning = true;
	lc->now_s = vsw_learn_now_s(cfg->learn);
	for (unsigned int k = 0; k < 4096 && n < N_SHARED; k++) {
		const uint8_t mac_k[6] = {0x02, 0, 0, 0xcd, (uint8_t)(k >> 8), (uint8_t)k};
		const uint32_t b = vsw_learn_bucket1(cfg->learn, vsw_learn_key(mac_k, 10));

		if (n == 0)
			first = b;
		if (b == first)
			memcpy(macs[n++], mac_k, sizeof(mac_k));
	}
	assert_int_equal(n, N_SHARED);
	for (unsigned int i = 0; i < N_SHARED; i++)
		vsw_learn_note_source(cfg->learn, macs[i], 10, i < N_PAIRS ? TRUNK : ACCESS10B,
		                      lc->now_s, &lc->wstats.learn_requests_dropped);
	assert_int_equal(drain(), N_SHARED);
	for (unsigned int i = 0; i < N_SHARED; i++) {
		const uintptr_t data = learn_data(cfg->learn, vsw_learn_key(macs[i], 10));

		assert_int_not_equal(data, 0);
		in_second += vsw_learn_data_slot(data) / VSW_LEARN_BUCKET_SLOTS != first;
		/* Backdated: the burst must refresh the sources. */
		*vsw_learn_seen_word(cfg->learn, vsw_learn_data_slot(data)) = lc->now_s - 100;
	}
	assert_int_equal(in_second, N_SHARED - VSW_LEARN_BUCKET_SLOTS);
	for (unsigned int i = 0; i < N_PAIRS; i++)
		pkts[i] = marked(macs[N_PAIRS + i], macs[i], 10, (uint8_t)i);
	receive_burst(TRUNK, pkts, N_PAIRS);
	expect_markers(ACCESS10B, -1, "012345");
	assert_int_equal(drain(), 0);
	for (unsigned int i = 0; i < N_SHARED; i++) {
		const uintptr_t data = learn_data(cfg->learn, vsw_learn_key(macs[i], 10));

		assert_int_equal(*vsw_learn_seen_word(cfg->learn, vsw_learn_data_slot(data)),
		                 i < N_PAIRS ? lc->now_s : lc->now_s - 100);
	}
	vsw_learn_free(cfg->learn);
	cfg->learn = NULL;
}

/* An extension that readdresses every frame: to host 1, from host 6. */
static void
hook_readdress(void *ctx, struct vsw_ext_dp_args *a)
{
	(void)ctx;
	for (uint16_t i = 0; i < a->n; i++) {
		uint8_t *p = rte_pktmbuf_mtod(a->pkts[i], uint8_t *);

		memcpy(p, host(1), RTE_ETHER_ADDR_LEN);
		memcpy(p + RTE_ETHER_ADDR_LEN, host(6), RTE_ETHER_ADDR_LEN);
	}
}

/*
 * With an ingress hook that can rewrite frames, the burst is planned after it: frames from
 * host 5 to host 9 (unknown: a flood) that the hook readdresses to host 1, learned behind
 * ACCESS10B, go there alone, and the source learned is host 6, not host 5.
 */
static void
test_learning_plans_after_a_rewriting_hook(void **state)
{
	struct rte_mbuf *pkts[3];

	(void)state;
	learn_on_trunk_and_access10b();
	vsw_learn_note_source(cfg->learn, host(1), 10, ACCESS10B, lc->now_s,
	                      &lc->wstats.learn_requests_dropped);
	assert_int_equal(drain(), 1);
	cfg->hooks[0] = (struct vsw_dp_hook){.ingress = hook_readdress};
	cfg->n_hooks = 1;
	for (uint8_t i = 0; i < 3; i++)
		pkts[i] = marked(host(9), host(5), 10, i);
	receive_burst(TRUNK, pkts, 3);
	expect_markers(ACCESS10B, -1, "012");
	expect_nothing(ACCESS10);
	assert_int_equal(drain(), 1);
	assert_int_equal(vsw_learn_lookup(cfg->learn, host(6), 10), TRUNK);
	assert_int_equal(vsw_learn_lookup(cfg->learn, host(5), 10), VSW_PORT_NONE);
	vsw_learn_free(cfg->learn);
	cfg->learn = NULL;
}

/*
 * Frames to different hosts behind one port share a run once their decisions are known, but
 * only within one VLAN: host 4's entry points at ACCESS10B in VLAN 20, where ACCESS10B is not,
 * so that frame floods in VLAN 20 while its neighbours go to ACCESS10B.
 */
static void
test_learning_runs_merge_per_vlan(void **state)
{
	struct rte_mbuf *pkts[5];

	(void)state;
	cfg->learn = vsw_learn_create(1024, 300, NULL);
	assert_non_null(cfg->learn);
	lc->now_s = vsw_learn_now_s(cfg->learn);
	for (uint8_t i = 1; i <= 4; i++)
		vsw_learn_note_source(cfg->learn, host(i), i == 4 ? 20 : 10, ACCESS10B, lc->now_s,
		                      &lc->wstats.learn_requests_dropped);
	assert_int_equal(drain(), 4);
	pkts[0] = marked(host(1), host(9), 10, 0);
	pkts[1] = marked(host(2), host(9), 10, 1);
	pkts[2] = marked(host(4), host(9), 20, 2);
	pkts[3] = marked(host(3), host(9), 10, 3);
	pkts[4] = marked(host(1), host(9), 10, 4);
	receive_burst(TRUNK, pkts, 5);
	expect_markers(ACCESS10B, -1, "0134");
	expect_markers(ACCESS20, -1, "2");
	vsw_learn_free(cfg->learn);
	cfg->learn = NULL;
}

/* What the built-in guards tell apart; each kind is one frame from ACCESS10. */
enum guard_kind {
	GK_PLAIN,         /* IPv4 UDP from its first MAC */
	GK_SECOND_MAC,    /* the same from its second MAC */
	GK_SPOOFED,       /* from a MAC not its own */
	GK_DHCP_SERVER,   /* IPv4 UDP from port 67 */
	GK_ICMP_REDIRECT, /* ICMPv4 type 5 */
	GK_RA,            /* ICMPv6 router advertisement: the slow path */
	GK_BROADCAST,
	GK_MULTICAST,
	GK_DHCP_OPTIONS, /* DHCP server behind IPv4 options: the slow path */
	GK_SPOOFED_DHCP, /* both: the spoof guard, above, drops it */
	GK_N,
};

static const uint8_t mac_second[6] = {0x02, 0, 0, 0, 0x10, 0x1a};
static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x09};

static struct rte_mbuf *
guard_frame(enum guard_kind kind, uint8_t marker)
{
	const uint8_t *dst = kind == GK_BROADCAST   ? bcast
	                     : kind == GK_MULTICAST ? mcast
	                                            : mac[ACCESS10B];
	const uint8_t *src = kind == GK_SECOND_MAC                           ? mac_second
	                     : kind == GK_SPOOFED || kind == GK_SPOOFED_DHCP ? mac_far
	                                                                     : mac[ACCESS10];
	struct rte_mbuf *m = marked(dst, src, -1, marker);
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *l4 = p + 34;

	if (kind == GK_RA) {
		p[12] = 0x86, p[13] = 0xdd, p[14] = 0x60, p[20] = 58; /* IPv6, next header ICMPv6 */
		p[54] = 134;
		return m;
	}
	p[12] = 0x08, p[13] = 0x00, p[14] = 0x45, p[23] = 17; /* IPv4, UDP */
	if (kind == GK_DHCP_OPTIONS)
		p[14] = 0x46, l4 += 4;
	l4[1] = 99; /* source port 99 */
	if (kind == GK_DHCP_SERVER || kind == GK_DHCP_OPTIONS || kind == GK_SPOOFED_DHCP)
		l4[1] = 67;
	if (kind == GK_ICMP_REDIRECT)
		p[23] = 1, l4[0] = 5;
	return m;
}

/* Every frame each port sent since the last call, as "port:markers" strings, freed. */
static void
drain_all(char *out, size_t size)
{
	size_t len = 0;
	struct rte_mbuf *m;

	out[0] = '\0';
	for (uint16_t port = 0; port < N_PORTS; port++) {
		len += (size_t)snprintf(out + len, size - len, "%u:", port);
		while (rte_ring_dequeue(tx_rings[port], (void **)&m) == 0) {
			len += (size_t)snprintf(
			        out + len, size - len, "%02x%s,", marker_of(m),
			        rte_pktmbuf_mtod(m, const uint8_t *)[12] == 0x81 ? "t" : "");
			rte_pktmbuf_free(m);
		}
		len += (size_t)snprintf(out + len, size - len, " ");
	}
}

/* What one burst through the built-in hooks left behind. */
struct guard_outcome {
	char sent[1024];
	uint64_t drop_ext, drop_dhcp, drop_router;
	struct vsw_port_class_stats classes;
	unsigned int below_seen; /* frames the hook below the built-ins was shown */
};

static unsigned int hook_pass_seen;

/* A hook below the built-ins that passes everything and counts what it is shown. */
static void
hook_pass(void *ctx, struct vsw_ext_dp_args *a)
{
	(void)ctx;
	hook_pass_seen += a->n;
}

/*
 * How the built-in ingress hooks run: one by one (in the stack, above hook_pass()), inside
 * classification with hook_pass() below them, or inside classification with nothing below.
 */
enum builtin_mode { BUILTINS_STACKED, BUILTINS_INLINE_ABOVE_HOOK, BUILTINS_INLINE };

static void
guard_burst(const enum guard_kind *kinds, unsigned int n, enum builtin_mode mode,
            struct guard_outcome *out)
{
	struct rte_mbuf *pkts[VSW_BURST_MAX];
	struct vsw_port_class_stats before;
	const struct vsw_port_stats *st = &lc->stats[ACCESS10];
	const uint64_t ext = st->drop_ext, dhcp = st->drop_dhcp_guard,
	               router = st->drop_router_guard;

	cfg->hooks[5] = (struct vsw_dp_hook){.ingress = hook_pass};
	cfg->n_hooks = mode == BUILTINS_INLINE ? 5 : 6;
	cfg->n_fused_hooks = vsw_ext_builtin_fused_hooks(cfg->hooks, cfg->n_hooks);
	assert_int_equal(cfg->n_fused_hooks, 5);
	if (mode == BUILTINS_STACKED)
		cfg->n_fused_hooks = 0;
	vsw_ext_port_stats_read(ACCESS10, &before);
	for (unsigned int i = 0; i < n; i++)
		pkts[i] = guard_frame(kinds[i], (uint8_t)i);
	hook_pass_seen = 0;
	receive_burst(ACCESS10, pkts, n);
	out->below_seen = hook_pass_seen;
	drain_all(out->sent, sizeof(out->sent));
	out->drop_ext = st->drop_ext - ext;
	out->drop_dhcp = st->drop_dhcp_guard - dhcp;
	out->drop_router = st->drop_router_guard - router;
	vsw_ext_port_stats_read(ACCESS10, &out->classes);
	out->classes.rx_unicast -= before.rx_unicast;
	out->classes.rx_multicast -= before.rx_multicast;
	out->classes.rx_broadcast -= before.rx_broadcast;
	out->classes.tx_unicast = out->classes.tx_multicast = out->classes.tx_broadcast = 0;
}

/*
 * The built-in ingress hooks judged inside classification, with a hook below them and with
 * none, against the five hooks one after the other: random bursts of every kind of frame the
 * guards tell apart, with every combination of the port's guards, give the same frames out,
 * the same drops under the same reasons and the same class counts, and the hook below is shown
 * the frames the built-ins pass. A fixed burst checks what the fused pass decided.
 */
static void
test_fused_builtin_hooks_match_the_stack(void **state)
{
	const struct vsw_ext_ops *stack[] = {&vsw_ext_port_stats, &vsw_ext_mirror,
	                                     &vsw_ext_spoof_guard, &vsw_ext_storm_control,
	                                     &vsw_ext_l3_guard};
	struct vsw_dp_port *p = &cfg->ports[ACCESS10];
	uint64_t rng = 88172645463325252ULL;

	(void)state;
	for (unsigned int h = 0; h < RTE_DIM(stack); h++)
		cfg->hooks[h] = (struct vsw_dp_hook){.ingress = stack[h]->ingress,
		                                     .egress = stack[h]->egress};
	p->n_macs = 2;
	memcpy(p->macs[0], mac[ACCESS10], 6);
	memcpy(p->macs[1], mac_second, 6);
	for (unsigned int round = 0; round < 400; round++) {
		enum guard_kind kinds[VSW_BURST_MAX];
		struct guard_outcome stacked, above_hook, inline_;
		unsigned int n;

		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		p->is_spoof_guarded = rng & 1;
		p->is_dhcp_guarded = (rng >> 1) & 1;
		p->is_router_guarded = (rng >> 2) & 1;
		n = 1 + (unsigned int)((rng >> 3) % VSW_BURST_MAX);
		for (unsigned int i = 0; i < n; i++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			kinds[i] = (enum guard_kind)(rng % GK_N);
		}
		guard_burst(kinds, n, BUILTINS_STACKED, &stacked);
		guard_burst(kinds, n, BUILTINS_INLINE_ABOVE_HOOK, &above_hook);
		guard_burst(kinds, n, BUILTINS_INLINE, &inline_);
		assert_int_equal(above_hook.below_seen, stacked.below_seen);
		assert_int_equal(inline_.below_seen, 0);
		for (const struct guard_outcome *o = &above_hook; o != NULL;
		     o = o == &above_hook ? &inline_ : NULL) {
			assert_string_equal(o->sent, stacked.sent);
			assert_int_equal(o->drop_ext, stacked.drop_ext);
			assert_int_equal(o->drop_dhcp, stacked.drop_dhcp);
			assert_int_equal(o->drop_router, stacked.drop_router);
			assert_memory_equal(&o->classes, &stacked.classes, sizeof(o->classes));
		}
	}

	/* Every guard on, one frame of each kind. */
	{
		const enum guard_kind all[] = {
		        GK_PLAIN, GK_SECOND_MAC, GK_SPOOFED,   GK_DHCP_SERVER,  GK_ICMP_REDIRECT,
		        GK_RA,    GK_BROADCAST,  GK_MULTICAST, GK_DHCP_OPTIONS, GK_SPOOFED_DHCP};
		struct guard_outcome out;

		p->is_spoof_guarded = p->is_dhcp_guarded = p->is_router_guarded = true;
		for (enum builtin_mode mode = BUILTINS_INLINE_ABOVE_HOOK; mode <= BUILTINS_INLINE;
		     mode++) {
			guard_burst(all, RTE_DIM(all), mode, &out);
			assert_string_equal(out.sent, "0: 1:00,01,06,07, 2: 3:06t,07t, ");
			assert_int_equal(out.drop_ext, 2);
			assert_int_equal(out.drop_dhcp, 2);
			assert_int_equal(out.drop_router, 2);
			assert_int_equal(out.classes.rx_unicast, 8);
			assert_int_equal(out.classes.rx_multicast, 1);
			assert_int_equal(out.classes.rx_broadcast, 1);
			assert_int_equal(out.below_seen, mode == BUILTINS_INLINE ? 0 : 4);
		}
	}
	/* One L3 guard on: the frames only the other one drops pass, in every mode. */
	{
		const enum guard_kind l3[] = {GK_DHCP_SERVER, GK_ICMP_REDIRECT, GK_RA,
		                              GK_DHCP_OPTIONS};
		struct guard_outcome out;

		p->is_spoof_guarded = false;
		for (enum builtin_mode mode = BUILTINS_STACKED; mode <= BUILTINS_INLINE; mode++) {
			p->is_dhcp_guarded = true;
			p->is_router_guarded = false;
			guard_burst(l3, RTE_DIM(l3), mode, &out);
			assert_int_equal(out.drop_dhcp, 2);
			assert_int_equal(out.drop_router, 0);
			p->is_dhcp_guarded = false;
			p->is_router_guarded = true;
			guard_burst(l3, RTE_DIM(l3), mode, &out);
			assert_int_equal(out.drop_dhcp, 0);
			assert_int_equal(out.drop_router, 2);
		}
	}
	/* A storm limit on the port (the fused pass has none): the hooks one by one. */
	{
		struct rte_meter_srtcm_params limit = {.cir = 1, .cbs = 2, .ebs = 0};
		const enum guard_kind floods[] = {GK_BROADCAST, GK_BROADCAST, GK_MULTICAST,
		                                  GK_MULTICAST};
		struct guard_outcome out;

		assert_int_equal(rte_meter_srtcm_profile_config(&p->storm_profile, &limit), 0);
		p->storm_pps = 1;
		guard_burst(floods, RTE_DIM(floods), BUILTINS_INLINE, &out);
		assert_int_equal(lc->stats[ACCESS10].drop_storm, 2);
		assert_int_equal(out.classes.rx_broadcast, 2);
		p->storm_pps = 0;
	}
	/* Another hook in the built-ins' place: nothing is fused. */
	cfg->n_hooks = 5;
	cfg->hooks[2].ingress = hook_a;
	assert_int_equal(vsw_ext_builtin_fused_hooks(cfg->hooks, cfg->n_hooks), 0);
	assert_int_equal(vsw_ext_builtin_fused_hooks(cfg->hooks, 3), 0);
}

/*
 * A tx buffer is plain (sent mbufs go back to the pool unchecked) only while every frame in it
 * came in a plain run: a frame put alone, or a run that is not plain, marks it until it is
 * sent, also when the run fills the buffer and the rest starts a new one.
 */
static void
test_txbuf_plain_until_sent(void **state)
{
	const uint64_t bit = UINT64_C(1) << ACCESS10B;
	struct rte_mbuf *pkts[40];

	(void)state;
	for (uint8_t i = 0; i < 3; i++)
		pkts[i] = marked(mac[ACCESS10B], mac[ACCESS10], -1, i);
	vsw_txbuf_put_run(lc, cfg, ACCESS10B, pkts, 3, true);
	assert_int_equal(lc->txbuf_unplain & bit, 0);
	vsw_txbuf_put(lc, cfg, ACCESS10B, marked(mac[ACCESS10B], mac[ACCESS10], -1, 3));
	assert_int_equal(lc->txbuf_unplain & bit, bit);
	vsw_txbuf_flush_all(lc, cfg);
	assert_int_equal(lc->txbuf_unplain & bit, 0);
	expect_markers(ACCESS10B, -1, "0123");

	/* 40 frames not plain: 32 leave at once, the 8 left keep the buffer marked. */
	for (uint8_t i = 0; i < RTE_DIM(pkts); i++)
		pkts[i] = marked(mac[ACCESS10B], mac[ACCESS10], -1, i % 10);
	vsw_txbuf_put_run(lc, cfg, ACCESS10B, pkts, RTE_DIM(pkts), false);
	assert_int_equal(lc->txbufs[ACCESS10B].n, 8);
	assert_int_equal(lc->txbuf_unplain & bit, bit);
	vsw_txbuf_flush_all(lc, cfg);
	assert_int_equal(lc->txbuf_unplain & bit, 0);
	expect_markers(ACCESS10B, -1, "0123456789012345678901234567890123456789");
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
	        cmocka_unit_test_setup_teardown(test_hook_stack_compacts_between_hooks, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_burst_runs_keep_every_check, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_run_fills_the_tx_buffer, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_multiseg_shared_with_a_vf, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_multiseg_flood_shares_every_segment, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_hostile_frames_counted_by_reason, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_fused_builtin_hooks_match_the_stack, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_txbuf_plain_until_sent, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_learning_burst_sources_and_destinations, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_learning_full_burst_of_distinct_macs, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_learning_runs_merge_per_vlan, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_learning_second_buckets, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_learning_plans_after_a_rewriting_hook, setup,
	                                        teardown),
	};
	int rc;

	(void)argc;
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	pool = rte_pktmbuf_pool_create("test_mbufs", 1023, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	for (unsigned int i = 0; i < N_PORTS && pool != NULL; i++) {
		rc = vsw_test_ring_port("t", i, RING_SIZE, pool, &rx_rings[i], &tx_rings[i]);
		if (rc < 0)
			return 1;
		eth_ids[i] = (uint16_t)rc;
	}
	if (pool == NULL)
		return 1;
	qsv = rte_zmalloc(NULL, rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE), RTE_CACHE_LINE_SIZE);
	if (qsv == NULL || rte_rcu_qsbr_init(qsv, RTE_MAX_LCORE) != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rte_free(qsv);
	rte_eal_cleanup();
	return rc;
}
