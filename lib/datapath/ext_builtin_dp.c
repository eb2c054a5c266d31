/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Datapath hooks of the built-in extensions (include/vsw/ext_builtin.h). Workers only, through
 * the same struct vsw_ext_dp_args any extension gets: nothing here reaches into the switch.
 */
#include "ext_builtin_dp.h"

#include <string.h>

#include <rte_mbuf.h>

#include "dp_priv.h"
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

	for (uint16_t i = 0; i < a->n; i++)
		vsw_builtin_count_class(rte_pktmbuf_mtod(a->pkts[i], const uint8_t *), &n_multi,
		                        &n_bcast);
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

static void
spoof_guard_ingress(void *ctx, struct vsw_ext_dp_args *a)
{
	const struct vsw_dp_port *p = a->port;
	uint64_t first;

	RTE_SET_USED(ctx);
	if (!p->is_spoof_guarded)
		return;
	first = vsw_builtin_first_mac(p);
	for (uint16_t i = 0; i < a->n; i++)
		if (vsw_builtin_is_spoofed(p, first,
		                           rte_pktmbuf_mtod_offset(a->pkts[i], const uint8_t *,
		                                                   RTE_ETHER_ADDR_LEN)))
			a->verdicts[i] = VSW_EXT_DROP;
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

bool
vsw_builtin_is_other_own_mac(const struct vsw_dp_port *p, uint64_t key)
{
	for (uint8_t k = 1; k < p->n_macs; k++)
		if (key == vsw_fdb_key(p->macs[k]))
			return true;
	return false;
}

void
vsw_builtin_rx_end(const struct vsw_builtin_rx *b, struct vsw_lcore *lc, uint16_t port_index)
{
	struct vsw_port_class_stats *s = &class_stats[lc->worker_index][port_index];

	vsw_counter_add(&s->rx_unicast, b->n_seen - b->n_multi);
	vsw_counter_add(&s->rx_multicast, b->n_multi - b->n_bcast);
	vsw_counter_add(&s->rx_broadcast, b->n_bcast);
	if (unlikely(b->dhcp_drops != 0))
		vsw_counter_add(&lc->stats[port_index].drop_dhcp_guard, b->dhcp_drops);
	if (unlikely(b->router_drops != 0))
		vsw_counter_add(&lc->stats[port_index].drop_router_guard, b->router_drops);
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
