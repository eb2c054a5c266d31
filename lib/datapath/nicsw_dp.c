/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NIC switch stage of the emulated NIC switch (R-VP-7), on workers, before and apart
 * from the vSwitch stage, as a NIC's embedded switch sits before the host's vSwitch:
 *
 *   wire (PF rx) -> filters -> a VF VPort's VF, or the default VPort: the vSwitch stage
 *   VF rx        -> filters -> another VF; the vSwitch if a VM of it owns the MAC; the wire
 *   vSwitch tx to the uplink -> filters -> a VF, or the wire
 *
 * Broadcast and multicast reach every operational VF VPort with a filter on their VLAN, the
 * wire and the vSwitch, but never go back where they came from; what the vSwitch stage also
 * takes is copied for the others, since that stage rewrites tags in place. Frames keep their tags:
 * a VF gets them as the wire had them. Per-VPort counters (R-VP-8) are kept per worker: rx =
 * delivered to the VPort, tx = sent by it into the NIC switch; the default VPort's are the
 * vSwitch's side.
 */
#include <rte_ethdev.h>
#include <rte_ether.h>

#include "dp_priv.h"
#include "l2_dp.h"
#include "switch_dp.h"
#include "txbuf_dp.h"

static inline void
vport_count(uint64_t *packets, uint64_t *bytes, const struct rte_mbuf *m)
{
	vsw_counter_add(packets, 1);
	vsw_counter_add(bytes, rte_pktmbuf_pkt_len(m));
}

/* The VPort a frame is for: classified on its destination and outer tag. */
static inline uint16_t
classify(const struct vsw_dp_cfg *cfg, const struct rte_mbuf *m)
{
	uint16_t vid = 0;
	bool is_tagged;

	if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN))
		return VSW_VPORT_NONE;
	is_tagged = vsw_l2_tag(m, &vid);
	return vsw_nicsw_classify(&cfg->nicsw.ftable, rte_pktmbuf_mtod(m, const uint8_t *),
	                          is_tagged, vid);
}

/* Deliver @p m to VF VPort @p vport_id; false when it is no VF's (a PF VPort). */
static bool
to_vf(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t vport_id, struct rte_mbuf *m)
{
	const uint16_t port = cfg->nicsw.port_of_vport[vport_id];
	struct vsw_vport_stats *vs = &lc->vport_stats[vport_id];

	if (port == VSW_PORT_NONE)
		return false;
	if (unlikely(!cfg->ports[port].is_connected)) {
		vsw_counter_add(&vs->rx_drops, 1);
		rte_pktmbuf_free(m);
		return true;
	}
	vport_count(&vs->rx_packets, &vs->rx_bytes, m);
	vsw_txbuf_put(lc, cfg, port, m);
	return true;
}

/* Out of the PF's wire, as the NIC's physical port. */
static void
to_wire(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, struct rte_mbuf *m)
{
	const uint16_t uplink = cfg->nicsw.uplink_port;

	if (unlikely(!cfg->nicsw.is_wire_up)) {
		vsw_counter_add(&lc->stats[uplink].drop_port_down, 1);
		rte_pktmbuf_free(m);
		return;
	}
	vsw_txbuf_put(lc, cfg, uplink, m);
}

/* Does VPort @p vport_id take broadcasts of @p m's VLAN (it has a filter on that VLAN)? */
static inline bool
in_vlan_of(const struct vsw_dp_cfg *cfg, uint16_t vport_id, const struct rte_mbuf *m)
{
	uint16_t vid = 0;

	if (!vsw_l2_tag(m, &vid))
		vid = 0;
	for (uint8_t i = 0; i < cfg->nicsw.vport_vlans[vport_id].n; i++)
		if (cfg->nicsw.vport_vlans[vport_id].ids[i] == vid)
			return true;
	return false;
}

/*
 * @p m, or a private copy of it when @p is_copied: frames the vSwitch stage will also take
 * must not be shared, since it pops and pushes tags in place. NULL when no mbuf is left.
 */
static inline struct rte_mbuf *
share_or_copy(const struct vsw_dp_cfg *cfg, struct rte_mbuf *m, bool is_copied)
{
	if (is_copied)
		return rte_pktmbuf_copy(m, cfg->pool, 0, UINT32_MAX);
	rte_pktmbuf_refcnt_update(m, 1);
	return m;
}

/*
 * A broadcast or multicast for every connected VF but @p except_port whose VPort has a
 * filter on the frame's VLAN, as a NIC filters multicast per VLAN.
 */
static void
flood_vfs(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t except_port,
          struct rte_mbuf *m, bool is_copied)
{
	for (uint16_t i = 0; i < cfg->nicsw.ftable.n_flood_vports; i++) {
		const uint16_t vport_id = cfg->nicsw.ftable.flood_vports[i];
		const uint16_t port = cfg->nicsw.port_of_vport[vport_id];
		struct rte_mbuf *out;

		if (port == VSW_PORT_NONE || port == except_port ||
		    !cfg->ports[port].is_connected || !in_vlan_of(cfg, vport_id, m))
			continue;
		out = share_or_copy(cfg, m, is_copied);
		if (unlikely(out == NULL)) {
			vsw_counter_add(&lc->vport_stats[vport_id].rx_drops, 1);
			continue;
		}
		to_vf(lc, cfg, vport_id, out);
	}
}

void
vsw_dp_nicsw_to_vm(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t port,
                   struct rte_mbuf *m)
{
	const struct vsw_dp_port *p = &cfg->ports[port];
	const uint16_t vport_id = cfg->nicsw.vport_of_port[p->vm_vf_port];
	const bool is_vf_up = vport_id != VSW_VPORT_NONE && cfg->ports[p->vm_vf_port].is_connected;

	if (p->vm_steer == VSW_DP_STEER_BOTH) {
		/* Mid-change the guest takes one copy: the VF's is a bonus while that path is up.
		 */
		if (is_vf_up) {
			rte_pktmbuf_refcnt_update(m, 1);
			to_vf(lc, cfg, vport_id, m);
		}
		vsw_txbuf_put(lc, cfg, port, m);
		return;
	}
	if (unlikely(!is_vf_up)) {
		vsw_counter_add(&lc->stats[port].drop_port_down, 1);
		rte_pktmbuf_free(m);
		return;
	}
	to_vf(lc, cfg, vport_id, m);
}

void
vsw_dp_nicsw_from_vswitch(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, struct rte_mbuf *m)
{
	const uint16_t vport_id = classify(cfg, m);
	struct vsw_vport_stats *def = &lc->vport_stats[VSW_VPORT_DEFAULT];

	vport_count(&def->tx_packets, &def->tx_bytes, m);
	/* The vSwitch is done with the frame: VFs and the wire may share it. */
	if (vport_id == VSW_VPORT_FLOOD)
		flood_vfs(lc, cfg, VSW_PORT_NONE, m, false);
	else if (vport_id < VSW_NICSW_VPORTS_MAX && vport_id != VSW_VPORT_DEFAULT &&
	         to_vf(lc, cfg, vport_id, m))
		return;
	to_wire(lc, cfg, m);
}

/* Frames from the wire: the default VPort's go on to the vSwitch, in one batch. */
static void
from_wire(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, struct rte_mbuf **pkts, uint16_t n)
{
	struct vsw_vport_stats *def = &lc->vport_stats[VSW_VPORT_DEFAULT];
	uint16_t n_host = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint16_t vport_id = classify(cfg, m);

		if (vport_id == VSW_VPORT_FLOOD)
			flood_vfs(lc, cfg, VSW_PORT_NONE, m, true);
		else if (vport_id < VSW_NICSW_VPORTS_MAX && vport_id != VSW_VPORT_DEFAULT &&
		         to_vf(lc, cfg, vport_id, m))
			continue;
		vport_count(&def->rx_packets, &def->rx_bytes, m);
		pkts[n_host++] = m;
	}
	if (n_host != 0)
		vsw_dp_switch_frames(lc, cfg, cfg->nicsw.uplink_port, pkts, n_host);
}

/*
 * Frames a VF sent: another VF's, the vSwitch's when one of its VMs owns the MAC (the host's
 * MACs are filters of the default VPort on a real NIC), else the wire's.
 */
static void
from_vf(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t vf_port,
        struct rte_mbuf **pkts, uint16_t n)
{
	const uint16_t self = cfg->nicsw.vport_of_port[vf_port];
	struct vsw_vport_stats *def = &lc->vport_stats[VSW_VPORT_DEFAULT];
	uint16_t n_host = 0;

	if (unlikely(self == VSW_PORT_NONE)) {
		/* A VF with no VPort attached is not connected to the NIC switch. */
		rte_pktmbuf_free_bulk(pkts, n);
		return;
	}
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint16_t vport_id = classify(cfg, m);

		vport_count(&lc->vport_stats[self].tx_packets, &lc->vport_stats[self].tx_bytes, m);
		if (vport_id == VSW_VPORT_FLOOD) {
			struct rte_mbuf *wire = share_or_copy(cfg, m, true);

			flood_vfs(lc, cfg, vf_port, m, true);
			if (likely(wire != NULL))
				to_wire(lc, cfg, wire);
			else
				vsw_counter_add(&lc->vport_stats[self].tx_drops, 1);
		} else if (vport_id == self || vport_id == VSW_VPORT_NONE) {
			rte_pktmbuf_free(m); /* to itself, or a runt */
			continue;
		} else if (vport_id != VSW_VPORT_DEFAULT && to_vf(lc, cfg, vport_id, m)) {
			continue;
		} else if (vsw_fdb_lookup(&cfg->fdb, rte_pktmbuf_mtod(m, const uint8_t *)) ==
		           VSW_PORT_NONE) {
			to_wire(lc, cfg, m);
			continue;
		}
		vport_count(&def->rx_packets, &def->rx_bytes, m);
		pkts[n_host++] = m;
	}
	if (n_host != 0)
		vsw_dp_switch_frames(lc, cfg, cfg->nicsw.uplink_port, pkts, n_host);
}

/* Out of line: tests/bench counts its calls as bursts the NIC switch received. */
static __rte_noinline void
nicsw_received(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, const struct vsw_dp_rxq *q,
               struct rte_mbuf **pkts, uint16_t n)
{
	if (q->stage == VSW_DP_STAGE_NICSW_PF)
		from_wire(lc, cfg, pkts, n);
	else
		from_vf(lc, cfg, q->port, pkts, n);
}

uint16_t
vsw_dp_nicsw_burst(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, const struct vsw_dp_rxq *q)
{
	struct rte_mbuf *pkts[VSW_BURST_MAX];
	const uint16_t n = vsw_dp_rx(lc, cfg, q, pkts);

	if (n != 0)
		nicsw_received(lc, cfg, q, pkts, n);
	return n;
}
