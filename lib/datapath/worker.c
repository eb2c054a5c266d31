/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop and its one stage: rx burst -> decide -> buffer per destination -> tx burst.
 * Runs on worker lcores only; reads the published struct vsw_dp_cfg and writes only its own
 * struct vsw_lcore. No locks, no allocation, no logs above DEBUG.
 *
 * Every poll pass ends with all tx buffers flushed, so a worker holds no mbuf and no pointer
 * into the configuration when it reports its quiescent state. Flushing per pass rather than
 * on a timer keeps the added latency to one pass, which is one burst per rx queue.
 */
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_lcore.h>
#include <rte_prefetch.h>

#include "dp_priv.h"

/* Prefetch this many frames ahead while reading headers (DPDK l3fwd uses 3). */
#define PREFETCH_AHEAD 3

static void
txbuf_flush(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t port)
{
	struct vsw_txbuf *tb = &lc->txbufs[port];
	const struct vsw_dp_port *p = &cfg->ports[port];
	struct vsw_port_stats *st = &lc->stats[port];
	uint64_t bytes = 0;
	uint16_t sent;

	/* Sent mbufs belong to the PMD once the burst returns: count their bytes before. */
	for (uint16_t i = 0; i < tb->n; i++)
		bytes += rte_pktmbuf_pkt_len(tb->pkts[i]);
	sent = rte_eth_tx_burst(p->eth_port_id, p->txq_of_worker[lc->worker_index], tb->pkts,
	                        tb->n);
	if (unlikely(sent < tb->n)) {
		for (uint16_t i = sent; i < tb->n; i++)
			bytes -= rte_pktmbuf_pkt_len(tb->pkts[i]);
		rte_pktmbuf_free_bulk(&tb->pkts[sent], tb->n - sent);
		vsw_counter_add(&st->drop_tx_full, tb->n - sent);
	}
	vsw_counter_add(&st->tx_packets, sent);
	vsw_counter_add(&st->tx_bytes, bytes);
	tb->n = 0;
	lc->txbuf_pending &= ~(UINT64_C(1) << port);
}

static void
txbuf_flush_all(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg)
{
	while (lc->txbuf_pending != 0)
		txbuf_flush(lc, cfg, (uint16_t)__builtin_ctzll(lc->txbuf_pending));
}

static inline void
txbuf_put(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t port, struct rte_mbuf *m)
{
	struct vsw_txbuf *tb = &lc->txbufs[port];

	RTE_ASSERT(port < VSW_PORTS_MAX && cfg->ports[port].is_used);
	tb->pkts[tb->n++] = m;
	lc->txbuf_pending |= UINT64_C(1) << port;
	if (tb->n == VSW_BURST_MAX)
		txbuf_flush(lc, cfg, port);
}

/* One copy for each connected port but the ingress one; the copies share the mbuf. */
static void
flood(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port, struct rte_mbuf *m)
{
	const uint16_t n_out = cfg->n_flood_ports - (cfg->ports[in_port].is_connected ? 1 : 0);

	if (n_out == 0) {
		vsw_counter_add(&lc->stats[in_port].drop_no_dest, 1);
		rte_pktmbuf_free(m);
		return;
	}
	/* Safe to share: no stage and no tx path in use here writes to a frame it sends. */
	rte_mbuf_refcnt_update(m, (int16_t)(n_out - 1));
	for (uint16_t i = 0; i < cfg->n_flood_ports; i++) {
		const uint16_t out = cfg->flood_ports[i];

		if (out != in_port)
			txbuf_put(lc, cfg, out, m);
	}
}

static void
dispatch(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port, struct rte_mbuf *m,
         uint16_t dst)
{
	if (likely(dst < VSW_PORTS_MAX)) {
		if (likely(cfg->ports[dst].is_connected)) {
			txbuf_put(lc, cfg, dst, m);
			return;
		}
		vsw_counter_add(&lc->stats[dst].drop_port_down, 1);
	} else if (dst == VSW_FWD_FLOOD) {
		flood(lc, cfg, in_port, m);
		return;
	} else {
		/* VSW_FWD_DROP or a runt; both were counted on the ingress port. */
	}
	rte_pktmbuf_free(m);
}

static void
poll_rxq(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, const struct vsw_dp_rxq *q)
{
	struct rte_mbuf *pkts[VSW_BURST_MAX];
	uint16_t dsts[VSW_BURST_MAX];
	struct vsw_port_stats *st = &lc->stats[q->port];
	uint64_t bytes = 0, runts = 0, no_dest = 0;
	uint16_t n;

	n = rte_eth_rx_burst(q->eth_port_id, q->queue_id, pkts, VSW_BURST_MAX);
	if (n == 0)
		return;
	for (uint16_t i = 0; i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		bytes += rte_pktmbuf_pkt_len(m);
		if (unlikely(rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN)) {
			dsts[i] = VSW_FWD_DROP;
			runts++;
			continue;
		}
		dsts[i] = vsw_fwd_decide(&cfg->fdb, cfg->external_port, q->port,
		                         rte_pktmbuf_mtod(m, const uint8_t *));
		no_dest += dsts[i] == VSW_FWD_DROP;
	}
	for (uint16_t i = 0; i < n; i++)
		dispatch(lc, cfg, q->port, pkts[i], dsts[i]);
	vsw_counter_add(&st->rx_packets, n);
	vsw_counter_add(&st->rx_bytes, bytes);
	if (unlikely(runts != 0))
		vsw_counter_add(&st->drop_runt, runts);
	if (no_dest != 0)
		vsw_counter_add(&st->drop_no_dest, no_dest);
}

int
vsw_dp_worker_main(void *arg)
{
	struct vsw_lcore *lc = arg;
	const unsigned int lcore_id = rte_lcore_id();

	RTE_VERIFY(lcore_id == lc->lcore_id);
	rte_rcu_qsbr_thread_register(vsw_dp.qsv, lcore_id);
	rte_rcu_qsbr_thread_online(vsw_dp.qsv, lcore_id);
	while (likely(!__atomic_load_n(&lc->is_stopping, __ATOMIC_RELAXED))) {
		const struct vsw_dp_cfg *cfg = __atomic_load_n(&vsw_dp.cfg, __ATOMIC_ACQUIRE);

		if (likely(cfg != NULL)) {
			const struct vsw_dp_worker_cfg *wc = &cfg->workers[lc->worker_index];

			for (uint16_t i = 0; i < wc->n_rxqs; i++)
				poll_rxq(lc, cfg, &wc->rxqs[i]);
			txbuf_flush_all(lc, cfg);
		}
		/* No mbuf and no pointer into cfg is held past this point. */
		rte_rcu_qsbr_quiescent(vsw_dp.qsv, lcore_id);
	}
	rte_rcu_qsbr_thread_offline(vsw_dp.qsv, lcore_id);
	rte_rcu_qsbr_thread_unregister(vsw_dp.qsv, lcore_id);
	return 0;
}
