/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building and publishing the datapath configuration from the control state: every port's
 * view for the workers, the flood list, the static FDB, the NIC switch, the extensions'
 * hooks and each worker's rx queues; and moving rx queues between workers. Control thread.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_log.h>

#include "ctl_priv.h"
#include "vsw/ext.h"

static struct vsw_ctl_state *const ctl = &vsw_ctl_state;

/*
 * A configuration is reserved before a change and published after it, so that running out of
 * memory can only refuse a change before it starts, never leave one half done.
 */
struct vsw_dp_cfg *
vsw_ctl_cfg_reserve(struct vsw_errmsg *em)
{
	struct vsw_dp_cfg *cfg = vsw_dp_cfg_alloc();

	if (cfg == NULL)
		vsw_errmsg_set(em, "out of memory for a datapath configuration");
	return cfg;
}

/* Index of the port named @p name, or VSW_PORT_NONE (also for ""). */
static uint16_t
index_of(const char *name)
{
	for (uint16_t i = 0; name[0] != '\0' && i < VSW_PORTS_MAX; i++)
		if (ctl->ports[i] != NULL && strcmp(ctl->ports[i]->name, name) == 0)
			return i;
	return VSW_PORT_NONE;
}

/*
 * The longest frame @p p may receive: its device's MTU plus an Ethernet header and two tags
 * (QinQ on a trunk). Devices without an MTU get the Ethernet default.
 */
static uint32_t
frame_len_max(const struct vsw_port *p)
{
	uint16_t mtu = RTE_ETHER_MTU;

	if (p->eth_port_id == VSW_ETH_PORT_NONE || rte_eth_dev_get_mtu(p->eth_port_id, &mtu) != 0)
		mtu = RTE_ETHER_MTU;
	return (uint32_t)mtu + RTE_ETHER_HDR_LEN + 2 * sizeof(struct rte_vlan_hdr);
}

/*
 * Storm control's meter: one token per frame, storm_pps tokens a second, and a bucket of 50 ms
 * of them (at least a full rx burst) so that a sender's bursts pass while its rate stays
 * within the limit. No excess bucket: what the committed one refuses is dropped.
 */
static void
fill_storm(struct vsw_dp_port *dp, const struct vsw_port *p)
{
	struct rte_meter_srtcm_params params = {
	        .cir = p->storm_pps,
	        .cbs = RTE_MAX((uint64_t)VSW_BURST_MAX, (uint64_t)p->storm_pps / 20),
	        .ebs = 0,
	};

	dp->storm_pps = 0;
	if (p->storm_pps == 0)
		return;
	if (rte_meter_srtcm_profile_config(&dp->storm_profile, &params) != 0) {
		/* Cannot happen with cir and cbs > 0: say so rather than limit wrongly. */
		CTL_LOG(ERR, "port %s: storm control of %" PRIu32 " pps refused by rte_meter",
		        p->name, p->storm_pps);
		return;
	}
	dp->storm_pps = p->storm_pps;
}

static void
fill_dp_port(struct vsw_dp_port *dp, const struct vsw_port *p)
{
	dp->is_used = true;
	/* Packets flow only while the NIC is connected (R-NIC-2 step 3, R-NIC-3 step 1). */
	dp->is_connected = vsw_lifecycle_is_connected(&p->lc);
	dp->is_learning = p->is_learning;
	dp->is_spoof_guarded = p->is_spoof_guarded;
	dp->is_dhcp_guarded = p->is_dhcp_guarded;
	dp->is_router_guarded = p->is_router_guarded;
	fill_storm(dp, p);
	dp->eth_port_id = p->eth_port_id;
	dp->is_txq_shared = p->n_txqs_usable < vsw_dp_n_workers();
	for (uint16_t w = 0; w < VSW_WORKERS_MAX; w++)
		dp->txq_of_worker[w] = w % RTE_MAX(p->n_txqs_usable, 1);
	dp->txq_locks = (rte_spinlock_t *)(uintptr_t)p->txq_locks;
	dp->mirror_rx_port = index_of(p->mirror_rx_to);
	dp->mirror_tx_port = index_of(p->mirror_tx_to);
	dp->n_macs = p->n_macs;
	memcpy(dp->macs, p->macs, sizeof(dp->macs));
	dp->vlan = p->vlan;
	dp->frame_len_max = frame_len_max(p);
	dp->gen = p->gen;
}

/* Fill @p cfg from the ports, publish it and wait until no worker sees the previous one. */
void
vsw_ctl_cfg_publish(struct vsw_dp_cfg *cfg)
{
	cfg->pool = ctl->pool;
	cfg->learn = ctl->learn;
	for (unsigned int e = 0; e < vsw_ext_count() && e < VSW_EXT_MAX; e++) {
		const struct vsw_ext_ops *ops = vsw_ext_get(e, NULL);

		if (ops->ingress == NULL && ops->egress == NULL)
			continue;
		cfg->hooks[cfg->n_hooks++] = (struct vsw_dp_hook){
		        .ingress = ops->ingress, .egress = ops->egress, .ctx = vsw_ext_ctx(e)};
	}
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = ctl->ports[i];

		if (p == NULL)
			continue;
		fill_dp_port(&cfg->ports[i], p);
		/* A VF belongs to the NIC switch: the vSwitch neither floods nor learns it. */
		if (cfg->ports[i].is_connected && p->type != VSW_PORT_VF)
			cfg->flood_ports[cfg->n_flood_ports++] = i;
		if (p->type == VSW_PORT_EXTERNAL)
			cfg->external_port = i;
		for (uint8_t k = 0; k < p->n_macs; k++)
			RTE_VERIFY(vsw_fdb_add(&cfg->fdb, p->macs[k], i) ==
			           0); /* unique: checked */
	}
	vsw_ctl_nicsw_fill(cfg, index_of);
	vsw_ctl_vm_fill(cfg);
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = ctl->ports[i];
		struct vsw_dp_worker_cfg *wc;

		/*
		 * Only a connected NIC's frames enter the switch (R-NIC-2 step 3); a VM's frames
		 * before NIC_CONNECT wait in its ring. A moving queue has no worker for a moment.
		 */
		if (p == NULL || !cfg->ports[i].is_connected || p->worker == WORKER_NONE)
			continue;
		wc = &cfg->workers[p->worker];
		for (uint16_t q = 0; q < p->n_rxqs; q++)
			wc->rxqs[wc->n_rxqs++] = (struct vsw_dp_rxq){
			        .port = i,
			        .stage = p->type == VSW_PORT_VF        ? VSW_DP_STAGE_NICSW_VF
			                 : i == cfg->nicsw.uplink_port ? VSW_DP_STAGE_NICSW_PF
			                                               : VSW_DP_STAGE_VSWITCH,
			        .eth_port_id = p->eth_port_id,
			        .queue_id = q};
	}
	vsw_dp_publish(cfg);
}

int
vsw_ctl_publish(void)
{
	struct vsw_dp_cfg *cfg = vsw_ctl_cfg_reserve(NULL);

	if (cfg == NULL)
		return -ENOMEM;
	vsw_ctl_cfg_publish(cfg);
	return 0;
}

/*
 * Even out the rx queues per worker after a port went away, one move at a time. A queue
 * must never be polled by two workers: publish it with no worker, wait out the grace period,
 * then publish it with its new one. Workers not involved keep forwarding throughout.
 */
void
vsw_ctl_rebalance(void)
{
	for (;;) {
		unsigned int load[VSW_WORKERS_MAX] = {0};
		uint16_t most = 0, least = 0;
		struct vsw_port *moving = NULL;
		struct vsw_dp_cfg *first, *second;

		for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
			if (ctl->ports[i] != NULL)
				load[ctl->ports[i]->worker]++;
		for (uint16_t w = 1; w < vsw_dp_n_workers(); w++) {
			most = load[w] > load[most] ? w : most;
			least = load[w] < load[least] ? w : least;
		}
		if (load[most] <= load[least] + 1)
			return;
		for (uint16_t i = 0; i < VSW_PORTS_MAX && moving == NULL; i++)
			if (ctl->ports[i] != NULL && ctl->ports[i]->worker == most)
				moving = ctl->ports[i];
		first = vsw_ctl_cfg_reserve(NULL);
		second = vsw_ctl_cfg_reserve(NULL);
		if (first == NULL || second == NULL) {
			vsw_dp_cfg_free(first);
			vsw_dp_cfg_free(second);
			return; /* out of memory: stay unbalanced, which is still correct */
		}
		moving->worker = WORKER_NONE;
		vsw_ctl_cfg_publish(first);
		moving->worker = least;
		vsw_ctl_cfg_publish(second);
		CTL_LOG(INFO, "port %s: rx queue moved from worker %u to worker %u", moving->name,
		        most, least);
	}
}
