/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-worker tx buffers: frames wait per destination port and leave in bursts through the
 * worker's own tx queue of that port, after the port's egress extension hooks. Workers only.
 */
#ifndef VSW_TXBUF_DP_H
#define VSW_TXBUF_DP_H

#include "dp_priv.h"

/* Send what waits for @p port: egress hooks, then one tx burst; count and free the rest. */
void vsw_txbuf_flush(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t port);

/*
 * End of a pass: send what waits, except for ports under interrupt moderation whose next
 * burst is not due yet (vsw_txbuf_flush_moderated(), worker.c).
 */
void vsw_txbuf_flush_moderated(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg);

static inline void
vsw_txbuf_flush_all(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg)
{
	/* Egress hooks may inject into other buffers: loop until every one is empty. */
	while ((lc->txbuf_pending & ~cfg->tx_moderated) != 0)
		vsw_txbuf_flush(lc, cfg,
		                (uint16_t)__builtin_ctzll(lc->txbuf_pending & ~cfg->tx_moderated));
	if (unlikely((lc->txbuf_pending & cfg->tx_moderated) != 0))
		vsw_txbuf_flush_moderated(lc, cfg);
}

/*
 * A tx buffer is plain while it holds only mbufs the vhost library has just filled from the
 * switch's pool: direct, unshared, one segment each. Once sent, such a buffer goes back to
 * the pool without a look at each mbuf (vsw_txbuf_flush()). Frames queued one by one (floods'
 * shared mbufs, copies, redirects, frames of other pools) make it unplain until it is sent.
 */

/* Queue @p m for @p port, which must be connected. */
static inline void
vsw_txbuf_put(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t port, struct rte_mbuf *m)
{
	struct vsw_txbuf *tb = &lc->txbufs[port];

	RTE_ASSERT(port < VSW_PORTS_MAX && cfg->ports[port].is_connected);
	if (tb->n == 0)
		lc->txbuf_gen[port] = cfg->ports[port].gen;
	tb->pkts[tb->n++] = m;
	lc->txbuf_pending |= UINT64_C(1) << port;
	lc->txbuf_unplain |= UINT64_C(1) << port;
	if (tb->n == VSW_BURST_MAX)
		vsw_txbuf_flush(lc, cfg, port);
}

/*
 * vsw_txbuf_put() for @p n frames in a row, all for @p port, which must be connected;
 * @p is_plain when they are fresh rx mbufs of the vhost library (see above).
 */
static inline void
vsw_txbuf_put_run(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t port,
                  struct rte_mbuf *const *pkts, uint16_t n, bool is_plain)
{
	struct vsw_txbuf *tb = &lc->txbufs[port];

	RTE_ASSERT(port < VSW_PORTS_MAX && cfg->ports[port].is_connected);
	while (n != 0) {
		/* Re-read after each flush: egress hooks may have injected into this buffer. */
		const uint16_t k = RTE_MIN(n, (uint16_t)(VSW_BURST_MAX - tb->n));

		if (tb->n == 0)
			lc->txbuf_gen[port] = cfg->ports[port].gen;
		memcpy(&tb->pkts[tb->n], pkts, k * sizeof(pkts[0]));
		tb->n += k;
		pkts += k;
		n -= k;
		lc->txbuf_pending |= UINT64_C(1) << port;
		/* After each flush too: a flush leaves the buffer plain. */
		if (!is_plain)
			lc->txbuf_unplain |= UINT64_C(1) << port;
		if (tb->n == VSW_BURST_MAX)
			vsw_txbuf_flush(lc, cfg, port);
	}
}

#endif /* VSW_TXBUF_DP_H */
