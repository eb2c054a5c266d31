/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Datapath hooks of the built-in extensions (include/vsw/ext_builtin.h). Workers only, through
 * the same struct vsw_ext_dp_args any extension gets: nothing here reaches into the switch.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "dp_priv.h"
#include "guard_dp.h"
#include "l2_dp.h"
#include "vsw/ext_builtin.h"
#include "vsw/ext_dp.h"
#include "vsw/fdb.h"

/* Per worker and port: one writer each, summed by the control thread. */
static struct vsw_port_class_stats class_stats[VSW_WORKERS_MAX][VSW_PORTS_MAX];

static void
count_classes(struct vsw_ext_dp_args *a, uint64_t *unicast, uint64_t *multicast,
              uint64_t *broadcast)
{
	uint64_t n_multi = 0, n_bcast = 0;

	for (uint16_t i = 0; i < a->n; i++) {
		const uint8_t *dst = rte_pktmbuf_mtod(a->pkts[i], const uint8_t *);

		if (dst[0] & 0x01) {
			n_multi++;
			n_bcast += rte_is_broadcast_ether_addr((const struct rte_ether_addr *)dst);
		}
	}
	vsw_counter_add(unicast, a->n - n_multi);
	vsw_counter_add(multicast, n_multi - n_bcast);
	vsw_counter_add(broadcast, n_bcast);
}

static void
port_stats_ingress(void *ctx, struct vsw_ext_dp_args *a)
{
	struct vsw_port_class_stats *s = &class_stats[a->lc->worker_index][a->port_index];

	RTE_SET_USED(ctx);
	count_classes(a, &s->rx_unicast, &s->rx_multicast, &s->rx_broadcast);
}

static void
port_stats_egress(void *ctx, struct vsw_ext_dp_args *a)
{
	struct vsw_port_class_stats *s = &class_stats[a->lc->worker_index][a->port_index];

	RTE_SET_USED(ctx);
	count_classes(a, &s->tx_unicast, &s->tx_multicast, &s->tx_broadcast);
}

void
vsw_ext_port_stats_read(uint16_t port, struct vsw_port_class_stats *out)
{
	uint64_t *sum = (uint64_t *)out;

	memset(out, 0, sizeof(*out));
	for (unsigned int w = 0; w < VSW_WORKERS_MAX; w++) {
		const uint64_t *c = (const uint64_t *)&class_stats[w][port];

		for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
			sum[i] += __atomic_load_n(&c[i], __ATOMIC_RELAXED);
	}
}

static bool
is_own_mac(const struct vsw_dp_port *p, uint64_t key)
{
	for (uint8_t k = 0; k < p->n_macs; k++)
		if (key == vsw_fdb_key(p->macs[k]))
			return true;
	return false;
}

static void
spoof_guard_ingress(void *ctx, struct vsw_ext_dp_args *a)
{
	const struct vsw_dp_port *p = a->port;
	uint64_t first;

	RTE_SET_USED(ctx);
	if (!p->is_spoof_guarded)
		return;
	/* Most ports have one MAC: one compare of 48-bit keys per frame. 0 matches no key. */
	first = p->n_macs != 0 ? vsw_fdb_key(p->macs[0]) : 0;
	for (uint16_t i = 0; i < a->n; i++) {
		const uint64_t key = vsw_fdb_key(
		        rte_pktmbuf_mtod_offset(a->pkts[i], const uint8_t *, RTE_ETHER_ADDR_LEN));

		if (likely(key == first))
			continue;
		if (!is_own_mac(p, key))
			a->verdicts[i] = VSW_EXT_DROP;
	}
}

/*
 * A copy of every frame of the burst to @p to. Received frames had their tag popped: with
 * @p is_retagged the copy gets it back where the source port's wire carries it tagged.
 */
static void
mirror_burst(struct vsw_ext_dp_args *a, uint16_t to, bool is_retagged)
{
	for (uint16_t i = 0; i < a->n; i++) {
		struct rte_mbuf *copy = rte_pktmbuf_copy(a->pkts[i], a->cfg->pool, 0, UINT32_MAX);

		if (unlikely(copy == NULL))
			continue; /* a mirror is best effort: the original goes on */
		if (is_retagged &&
		    vsw_vlan_egress(&a->port->vlan, a->pkts[i]->vlan_tci) ==
		            VSW_VLAN_EGRESS_TAGGED &&
		    vsw_l2_push(copy, a->pkts[i]->vlan_tci) != 0) {
			rte_pktmbuf_free(copy);
			continue;
		}
		vsw_ext_dp_inject(a, to, copy);
	}
}

static void
mirror_ingress(void *ctx, struct vsw_ext_dp_args *a)
{
	RTE_SET_USED(ctx);
	/* Received frames have had their tag popped: put it back where the wire had one. */
	if (a->port->mirror_rx_port != VSW_PORT_NONE)
		mirror_burst(a, a->port->mirror_rx_port, true);
}

static void
mirror_egress(void *ctx, struct vsw_ext_dp_args *a)
{
	RTE_SET_USED(ctx);
	/* Frames about to be sent are exactly as they leave, tag included. */
	if (a->port->mirror_tx_port != VSW_PORT_NONE)
		mirror_burst(a, a->port->mirror_tx_port, false);
}

uint16_t
vsw_ext_builtin_fused_hooks(const struct vsw_dp_hook *hooks, uint16_t n)
{
	const vsw_ext_dp_fn builtins[] = {vsw_ext_port_stats.ingress, vsw_ext_mirror.ingress,
	                                  vsw_ext_spoof_guard.ingress,
	                                  vsw_ext_storm_control.ingress, vsw_ext_l3_guard.ingress};

	if (n < RTE_DIM(builtins))
		return 0;
	for (unsigned int h = 0; h < RTE_DIM(builtins); h++)
		if (hooks[h].ingress != builtins[h])
			return 0;
	return RTE_DIM(builtins);
}

/*
 * Five hooks would each walk the burst and read every frame again; one pass reads each frame
 * once. Per frame, in stack order: count its class; drop it if its source is not the port's
 * (the later guards do not see it then); drop it if it is a DHCP server message or a router
 * advertisement or redirect the port may not send. Mirror and storm control are off on the
 * ports this runs for.
 */
void
vsw_ext_builtin_ingress(struct vsw_ext_dp_args *a)
{
	const struct vsw_dp_port *p = a->port;
	struct vsw_port_class_stats *s = &class_stats[a->lc->worker_index][a->port_index];
	const bool is_spoof_guarded = p->is_spoof_guarded;
	const bool is_dhcp_guarded = p->is_dhcp_guarded, is_router_guarded = p->is_router_guarded;
	/* Most ports have one MAC: one compare of 48-bit keys per frame. 0 matches no key. */
	const uint64_t first = p->n_macs != 0 ? vsw_fdb_key(p->macs[0]) : 0;
	uint64_t n_multi = 0, n_bcast = 0, dhcp_drops = 0, router_drops = 0;

	RTE_ASSERT(p->mirror_rx_port == VSW_PORT_NONE && p->storm_pps == 0);
	for (uint16_t i = 0; i < a->n; i++) {
		const struct rte_mbuf *m = a->pkts[i];
		const uint8_t *dst = rte_pktmbuf_mtod(m, const uint8_t *);
		uint64_t src_key;

		if (unlikely(dst[0] & 0x01)) {
			n_multi++;
			n_bcast += rte_is_broadcast_ether_addr((const struct rte_ether_addr *)dst);
		}
		if (is_spoof_guarded) {
			src_key = vsw_fdb_key(dst + RTE_ETHER_ADDR_LEN);
			if (unlikely(src_key != first) && !is_own_mac(p, src_key)) {
				a->verdicts[i] = VSW_EXT_DROP;
				continue;
			}
		}
		if (!is_dhcp_guarded && !is_router_guarded)
			continue;
		switch (vsw_guard_classify_l3(m)) {
		case VSW_L3_PASS:
			break;
		case VSW_L3_DHCP_SERVER:
			if (is_dhcp_guarded) {
				a->verdicts[i] = VSW_EXT_DROP_COUNTED;
				dhcp_drops++;
			}
			break;
		case VSW_L3_ROUTER:
			if (is_router_guarded) {
				a->verdicts[i] = VSW_EXT_DROP_COUNTED;
				router_drops++;
			}
			break;
		}
	}
	vsw_counter_add(&s->rx_unicast, a->n - n_multi);
	vsw_counter_add(&s->rx_multicast, n_multi - n_bcast);
	vsw_counter_add(&s->rx_broadcast, n_bcast);
	if (unlikely(dhcp_drops != 0))
		vsw_counter_add(&a->lc->stats[a->port_index].drop_dhcp_guard, dhcp_drops);
	if (unlikely(router_drops != 0))
		vsw_counter_add(&a->lc->stats[a->port_index].drop_router_guard, router_drops);
}

const struct vsw_ext_ops vsw_ext_port_stats = {
        .name = "port-stats",
        .ingress = port_stats_ingress,
        .egress = port_stats_egress,
};

const struct vsw_ext_ops vsw_ext_spoof_guard = {
        .name = "spoof-guard",
        .ingress = spoof_guard_ingress,
};

const struct vsw_ext_ops vsw_ext_mirror = {
        .name = "mirror",
        .ingress = mirror_ingress,
        .egress = mirror_egress,
};
