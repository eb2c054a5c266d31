/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness of the frame path: arbitrary bytes become bursts of arbitrary frames
 * (runts, truncated and stacked 802.1Q tags, any MACs, any length, split into segments of any
 * size, with any headroom, with or without a tag stripped by the NIC) received on one port of a
 * switch with access, trunk and NIC-switch VF ports; they go through the NIC switch stage and
 * the vSwitch stage exactly as on a worker (lib/datapath/nicsw_dp.c, switch_dp.c).
 *
 * Checked after every input: each frame sent is a well-formed mbuf chain at least an Ethernet
 * header long, and every mbuf is back in the pool (a frame neither sent nor freed is a leak
 * that ASan cannot see, since mbufs live in a mempool).
 *
 * The built-in guards (storm control, DHCP and router guards, lib/datapath/guard_dp.c) are on
 * the extension stack and read the IPv4/IPv6 headers of whatever arrives.
 *
 * Input: byte 0 picks the ingress port, byte 1 holds flags (bit 0: the NIC switch's wire is
 * up; bit 1: the ingress port's DHCP and router guards and storm control are on); then frames, each
 * a 5-byte header (control byte, stripped TCI, length, both big-endian) followed by its bytes.
 * Control byte: bits 0-2 segment size, bit 3 "tag stripped by the NIC", bits 4-5 headroom.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../../lib/datapath/dp_priv.h"
#include "../../lib/datapath/switch_dp.h"
#include "../../lib/datapath/txbuf_dp.h"
#include "../common/ring_port.h"
#include "fuzz_eal.h"
#include "vsw/ext_builtin.h"
#include "vsw/nicsw.h"

#define RING_SIZE 1024
/* Frames per input: enough for several bursts, few enough to stay fast. */
#define FRAMES_MAX 96
/* Frames longer than a jumbo frame teach nothing new and slow the harness down. */
#define FRAME_LEN_MAX 9216
/* ... and so do long chains of tiny segments, which also empty the pool. */
#define FRAME_LEN_TINY_SEGS_MAX 512

enum { UPLINK, VM10, VM0, VF0, VF1, TRUNK_ALL, N_PORTS };

static const uint8_t port_macs[N_PORTS][6] = {[VM10] = {0x52, 0x54, 0, 0, 0, 0x10},
                                              [VM0] = {0x52, 0x54, 0, 0, 0, 0x01},
                                              [VF0] = {0x52, 0x54, 0, 0, 0xf0, 0x00},
                                              [VF1] = {0x52, 0x54, 0, 0, 0xf1, 0x00},
                                              [TRUNK_ALL] = {0x52, 0x54, 0, 0, 0, 0xaa}};

static struct rte_mempool *pool;
static struct rte_ring *rx_rings[N_PORTS], *tx_rings[N_PORTS];
static struct vsw_dp_cfg *cfg;
static struct vsw_lcore *lc;

/* The NIC switch: VF0's VPort takes its MAC untagged, VF1's its MAC on VLAN 10. */
static void
nicsw_setup(void)
{
	const struct vsw_nicsw_params np = {.name = "nic0",
	                                    .num_vfs = 2,
	                                    .qp_total = 8,
	                                    .qp_default = 2,
	                                    .is_asymmetric = true};
	struct vsw_nicsw *sw = vsw_nicsw_create(&np, NULL);
	struct vsw_dp_nicsw *dn = &cfg->nicsw;
	const uint16_t vf_ports[2] = {VF0, VF1}, vlans[2] = {0, 10};

	FUZZ_CHECK(sw != NULL, "nic switch");
	for (uint16_t i = 0; i < VSW_NICSW_VPORTS_MAX; i++)
		dn->port_of_vport[i] = VSW_PORT_NONE;
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		dn->vport_of_port[i] = VSW_PORT_NONE;
	for (uint16_t vf = 0; vf < 2; vf++) {
		const struct vsw_vport_params vp = {
		        .function = VSW_VPORT_VF, .vf_index = vf, .n_qps = 1};
		uint16_t id;
		uint32_t filter_id;

		FUZZ_CHECK(vsw_nicsw_vport_create(sw, &vp, &id, NULL) == 0, "vport of vf%u", vf);
		FUZZ_CHECK(vsw_nicsw_filter_set(sw, id, port_macs[vf_ports[vf]], vlans[vf],
		                                &filter_id, NULL) == 0,
		           "filter of vf%u", vf);
		dn->port_of_vport[id] = vf_ports[vf];
		dn->vport_of_port[vf_ports[vf]] = id;
		dn->vport_vlans[id].n = 1;
		dn->vport_vlans[id].ids[0] = vlans[vf];
	}
	dn->is_used = true;
	dn->uplink_port = UPLINK;
	vsw_nicsw_ftable_build(sw, &dn->ftable);
	vsw_nicsw_destroy(sw, NULL, NULL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	fuzz_eal_init((*argv)[0], "0", "64");
	pool = rte_pktmbuf_pool_create("fuzz_mbufs", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	cfg = vsw_dp_cfg_alloc();
	lc = rte_zmalloc(NULL, sizeof(*lc), RTE_CACHE_LINE_SIZE);
	FUZZ_CHECK(pool != NULL && cfg != NULL && lc != NULL, "memory");
	cfg->pool = pool;
	for (int i = 0; i < N_PORTS; i++) {
		struct vsw_dp_port *p = &cfg->ports[i];
		const int id = vsw_test_ring_port("f", (unsigned int)i, RING_SIZE, pool,
		                                  &rx_rings[i], &tx_rings[i]);

		FUZZ_CHECK(id >= 0, "ring port %d", i);
		p->is_used = p->is_connected = true;
		p->eth_port_id = (uint16_t)id;
		p->mirror_rx_port = p->mirror_tx_port = VSW_PORT_NONE;
		p->frame_len_max = RTE_ETHER_MTU + RTE_ETHER_HDR_LEN + 8; /* as publish_ctl.c */
		cfg->flood_ports[cfg->n_flood_ports++] = (uint16_t)i;
		if (i != UPLINK)
			FUZZ_CHECK(vsw_fdb_add(&cfg->fdb, port_macs[i], (uint16_t)i) == 0, "fdb");
	}
	cfg->ports[UPLINK].is_learning = true; /* the loop check; no learn table, though */
	vsw_vlan_cfg_trunk(&cfg->ports[UPLINK].vlan, 0);
	vsw_vlan_cfg_allow(&cfg->ports[UPLINK].vlan, 10);
	vsw_vlan_cfg_allow(&cfg->ports[UPLINK].vlan, 20);
	vsw_vlan_cfg_access(&cfg->ports[VM10].vlan, 10);
	vsw_vlan_cfg_access(&cfg->ports[VM0].vlan, 0);
	vsw_vlan_cfg_trunk_all(&cfg->ports[TRUNK_ALL].vlan);
	cfg->external_port = UPLINK;
	/* A low limit, so that inputs with many broadcasts reach the meter's drop branch. */
	FUZZ_CHECK(rte_meter_srtcm_profile_config(
	                   &cfg->ports[0].storm_profile,
	                   &(struct rte_meter_srtcm_params){.cir = 1000, .cbs = 32, .ebs = 0}) == 0,
	           "meter");
	for (int i = 1; i < N_PORTS; i++)
		cfg->ports[i].storm_profile = cfg->ports[0].storm_profile;
	cfg->hooks[cfg->n_hooks++] = (struct vsw_dp_hook){.ingress = vsw_ext_storm_control.ingress};
	cfg->hooks[cfg->n_hooks++] = (struct vsw_dp_hook){.ingress = vsw_ext_l3_guard.ingress};
	nicsw_setup();
	return 0;
}

/* Segment sizes worth trying: whole buffers, single bytes, around the headers' ends. */
static const uint16_t seg_sizes[8] = {0, 1, 6, 13, 14, 17, 18, 60};
static const uint16_t headrooms[4] = {RTE_PKTMBUF_HEADROOM, 0, 2, 4};

/* One frame of @p len bytes from @p bytes, as a chain; NULL when the pool is empty. */
static struct rte_mbuf *
build_frame(const uint8_t *bytes, uint16_t len, uint8_t ctl, uint16_t tci)
{
	const uint16_t seg = seg_sizes[ctl & 7];
	struct rte_mbuf *head = NULL;
	uint16_t off = 0;

	do {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		uint16_t room, n;
		char *p;

		if (m == NULL)
			break;
		if (head == NULL)
			m->data_off = headrooms[(ctl >> 4) & 3];
		room = rte_pktmbuf_tailroom(m);
		n = RTE_MIN((uint16_t)(len - off), seg != 0 ? RTE_MIN(seg, room) : room);
		p = rte_pktmbuf_append(m, n);
		FUZZ_CHECK(p != NULL, "append %u", n);
		memcpy(p, bytes + off, n);
		off += n;
		if (head == NULL) {
			head = m;
		} else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			break; /* too many segments: the frame is cut, still a frame */
		}
	} while (off < len);
	if (head != NULL && (ctl & 0x08)) {
		head->ol_flags |= RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_VLAN_STRIPPED;
		head->vlan_tci = tci;
	}
	return head;
}

/* One poll of @p q through its stage; a vSwitch burst through both halves at once. */
static uint16_t
poll_once(const struct vsw_dp_rxq *q)
{
	struct vsw_dp_burst b;
	uint16_t n;

	if (q->stage != VSW_DP_STAGE_VSWITCH)
		return vsw_dp_nicsw_burst(lc, cfg, q);
	n = vsw_dp_switch_burst(lc, cfg, q, &b);
	if (n != 0)
		vsw_dp_switch_finish(lc, cfg, &b);
	return n;
}

static void
run_port(uint16_t port)
{
	const struct vsw_dp_rxq q = {.port = port,
	                             .eth_port_id = cfg->ports[port].eth_port_id,
	                             .stage = port == UPLINK               ? VSW_DP_STAGE_NICSW_PF
	                                      : port == VF0 || port == VF1 ? VSW_DP_STAGE_NICSW_VF
	                                                                   : VSW_DP_STAGE_VSWITCH};

	while (poll_once(&q) != 0)
		vsw_txbuf_flush_all(lc, cfg);
	vsw_txbuf_flush_all(lc, cfg);
}

/* Free what every port sent, checking each frame. */
static void
drain_tx(void)
{
	struct rte_mbuf *m;
	const char *reason;

	for (int i = 0; i < N_PORTS; i++)
		while (rte_ring_dequeue(tx_rings[i], (void **)&m) == 0) {
			FUZZ_CHECK(rte_mbuf_check(m, 1, &reason) == 0,
			           "port %d sent a bad mbuf: %s", i, reason);
			FUZZ_CHECK(rte_pktmbuf_pkt_len(m) >= RTE_ETHER_HDR_LEN,
			           "port %d sent a %u-byte frame", i, rte_pktmbuf_pkt_len(m));
			rte_pktmbuf_free(m);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t in_port;
	size_t off = 2;

	if (size < 2)
		return -1;
	in_port = data[0] % N_PORTS;
	cfg->nicsw.is_wire_up = data[1] & 1;
	for (int i = 0; i < N_PORTS; i++) {
		const bool is_guarded = i == in_port && (data[1] & 2);

		cfg->ports[i].is_dhcp_guarded = cfg->ports[i].is_router_guarded = is_guarded;
		cfg->ports[i].storm_pps = is_guarded ? 1000 : 0;
		cfg->ports[i].gen = 1;
	}
	for (int n = 0; n < FRAMES_MAX && off + 5 <= size; n++) {
		const uint8_t ctl = data[off];
		const uint16_t tci = (uint16_t)(data[off + 1] << 8 | data[off + 2]);
		uint16_t len = (uint16_t)(data[off + 3] << 8 | data[off + 4]);
		struct rte_mbuf *m;

		off += 5;
		len = RTE_MIN(len, seg_sizes[ctl & 7] == 0 || seg_sizes[ctl & 7] >= 60
		                           ? FRAME_LEN_MAX
		                           : FRAME_LEN_TINY_SEGS_MAX);
		len = (uint16_t)RTE_MIN((size_t)len, size - off);
		m = build_frame(data + off, len, ctl, tci);
		off += len;
		if (m == NULL)
			break;
		if (rte_ring_enqueue(rx_rings[in_port], m) != 0) {
			rte_pktmbuf_free(m);
			break;
		}
	}
	run_port(in_port);
	drain_tx();
	FUZZ_CHECK(lc->txbuf_pending == 0, "tx buffers left pending");
	FUZZ_CHECK(rte_mempool_in_use_count(pool) == 0, "%u mbufs leaked",
	           rte_mempool_in_use_count(pool));
	return 0;
}
