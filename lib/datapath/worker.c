/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker loop: poll every rx queue the published configuration gives this worker (the
 * vSwitch stage, switch_dp.c), flush the tx buffers, report a quiescent state, and back off
 * when idle. Also the tx buffers' flush with the egress extension hooks, and injection for
 * hooks. Worker lcores only; writes only its own struct vsw_lcore.
 *
 * Every pass ends with the tx buffers flushed, so the added latency is one pass, which is one
 * burst per rx queue; a worker keeps no pointer into the configuration past its quiescent
 * report. The exception is interrupt moderation (R-VP-6) of a VF's VPort: the tx buffer of
 * such a port is sent at most once per tx_gap_cycles (include/vsw/datapath.h), so its
 * frames may wait across passes and quiescent reports, i.e. across publications after which
 * the control thread closes devices. Held frames are mbufs only, never a device reference:
 * on the first pass that sees a new configuration, the worker drops the frames of any port
 * that is gone, disconnected, or is now another port on the same index (its gen differs),
 * before it could send anything, so it never transmits on a closed device.
 */
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "switch_dp.h"
#include "txbuf_dp.h"
#include "vsw/ext_dp.h"

/* Idle passes before the first sleep: a few microseconds of polling absorb short gaps. */
#define IDLE_PASSES_BEFORE_SLEEP 64
/* First sleep; each further idle sleep doubles it up to the configured maximum. */
#define IDLE_SLEEP_MIN_US 1

/*
 * Egress hooks in stack order; @return the frames that pass all of them, compacted. Verdicts
 * are set to PASS once; the burst is compacted only after a hook that dropped something.
 */
static uint16_t
run_egress_hooks(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t port,
                 struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t verdicts[VSW_BURST_MAX];
	struct vsw_ext_dp_args args = {.cfg = cfg,
	                               .port = &cfg->ports[port],
	                               .port_index = port,
	                               .pkts = pkts,
	                               .verdicts = verdicts,
	                               .lc = lc};
	uint16_t drops = 0;

	memset(verdicts, 0xff, sizeof(verdicts));
	for (uint16_t h = 0; h < cfg->n_hooks && n > 0; h++) {
		uint16_t kept = 0;

		if (cfg->hooks[h].egress == NULL)
			continue;
		args.n = n;
		cfg->hooks[h].egress(cfg->hooks[h].ctx, &args);
		if (likely(!has_verdict(verdicts)))
			continue;
		/* Egress may pass or drop; it cannot send a frame elsewhere (inject a copy). */
		for (uint16_t i = 0; i < n; i++) {
			if (likely(verdicts[i] == VSW_EXT_PASS)) {
				pkts[kept++] = pkts[i];
			} else {
				rte_pktmbuf_free(pkts[i]);
				drops++;
			}
		}
		n = kept;
		memset(verdicts, 0xff, sizeof(verdicts));
	}
	if (drops != 0)
		vsw_counter_add(&lc->stats[port].drop_ext, drops);
	return n;
}

/*
 * Free @p n mbufs the vhost library copied out and @return their bytes. They nearly always are
 * what the rx bursts took from the pool: single-segment, direct, not shared, so they go back to
 * its per-lcore cache in one call (what NICs call fast free), without rte_pktmbuf_free_bulk()'s
 * per-mbuf bookkeeping. A burst holding anything else (a flood's shared mbuf, a chain) takes
 * the general path. One loop both counts and checks; a plain tx buffer (txbuf_dp.h) needs
 * no check.
 */
static inline uint64_t
free_copied(struct rte_mbuf **pkts, uint16_t n, bool is_known_plain)
{
	struct rte_mempool *pool;
	uint64_t bytes = 0;
	bool is_plain = true;

	if (n == 0)
		return 0;
	pool = pkts[0]->pool;
	if (is_known_plain) {
		for (uint16_t i = 0; i < n; i++) {
			RTE_ASSERT(pkts[i]->pool == pool && rte_mbuf_refcnt_read(pkts[i]) == 1 &&
			           pkts[i]->next == NULL && RTE_MBUF_DIRECT(pkts[i]));
			bytes += rte_pktmbuf_pkt_len(pkts[i]);
		}
		rte_mempool_put_bulk(pool, (void **)pkts, n);
		return bytes;
	}
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];

		bytes += rte_pktmbuf_pkt_len(m);
		is_plain &= m->pool == pool && rte_mbuf_refcnt_read(m) == 1 && m->next == NULL &&
		            RTE_MBUF_DIRECT(m);
	}
	if (likely(is_plain))
		rte_mempool_put_bulk(pool, (void **)pkts, n);
	else
		rte_pktmbuf_free_bulk(pkts, n);
	return bytes;
}

static inline uint64_t
bytes_of(struct rte_mbuf *const *pkts, uint16_t n)
{
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	return bytes;
}

/*
 * Send @p pkts on one tx queue. @return how many left, and their bytes in @p sent_bytes; the
 * caller owns the rest. The vhost library copies frames into the guest's buffers, so the sent
 * mbufs are freed here.
 */
static inline uint16_t
tx_burst(uint16_t port, uint16_t eth_port_id, uint16_t txq, struct rte_mbuf **pkts, uint16_t n,
         bool is_plain, uint64_t *sent_bytes)
{
	const int vid = vsw_dp_vhost_vid(port, eth_port_id, txq, false);
	uint64_t bytes;
	uint16_t sent;

	if (vid >= 0) {
		sent = rte_vhost_enqueue_burst(vid, VSW_VHOST_RING_OF_TXQ(txq), pkts, n);
		*sent_bytes = free_copied(pkts, sent, is_plain);
		return sent;
	}
	if (eth_port_id == VSW_ETH_PORT_NONE) {
		*sent_bytes = 0;
		return 0;
	}
	/* Sent mbufs belong to the PMD once the burst returns: count their bytes before. */
	bytes = bytes_of(pkts, n);
	sent = rte_eth_tx_burst(eth_port_id, txq, pkts, n);
	*sent_bytes = bytes - bytes_of(&pkts[sent], n - sent);
	return sent;
}

void
vsw_txbuf_flush(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t port)
{
	struct vsw_txbuf *tb = &lc->txbufs[port];
	const struct vsw_dp_port *p = &cfg->ports[port];
	struct vsw_port_stats *st = &lc->stats[port];
	struct rte_mbuf *pkts[VSW_BURST_MAX];
	const bool is_plain = !(lc->txbuf_unplain & (UINT64_C(1) << port));
	uint64_t bytes;
	uint16_t n = tb->n, sent, txq;

	/* Take the buffer first: hooks may inject into it again while it is being sent. */
	memcpy(pkts, tb->pkts, n * sizeof(pkts[0]));
	tb->n = 0;
	lc->txbuf_pending &= ~(UINT64_C(1) << port);
	lc->txbuf_unplain &= ~(UINT64_C(1) << port);
	if (cfg->n_hooks != 0)
		n = run_egress_hooks(lc, cfg, port, pkts, n);
	txq = p->txq_of_worker[lc->worker_index];
	/*
	 * The one lock of the datapath, and only where a vhost-user guest serves fewer queues
	 * than there are workers: the workers mapped to one queue take turns on it.
	 */
	if (unlikely(p->is_txq_shared))
		rte_spinlock_lock(&p->txq_locks[txq]);
	sent = tx_burst(port, p->eth_port_id, txq, pkts, n, is_plain, &bytes);
	if (unlikely(p->is_txq_shared))
		rte_spinlock_unlock(&p->txq_locks[txq]);
	if (unlikely(sent < n)) {
		rte_pktmbuf_free_bulk(&pkts[sent], n - sent);
		vsw_counter_add(&st->drop_tx_full, n - sent);
	}
	vsw_counter_add(&st->tx_packets, sent);
	vsw_counter_add(&st->tx_bytes, bytes);
	/* What moderation bounds: deliveries to a VF, each a guest interrupt (R-VP-6). */
	if (sent != 0 && cfg->nicsw.is_used && cfg->nicsw.vport_of_port[port] != VSW_VPORT_NONE)
		vsw_counter_add(&lc->vport_stats[cfg->nicsw.vport_of_port[port]].rx_bursts, 1);
}

void
vsw_txbuf_flush_moderated(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg)
{
	const uint64_t now = rte_rdtsc();
	uint64_t due = 0;

	for (uint64_t held = lc->txbuf_pending & cfg->tx_moderated; held != 0; held &= held - 1)
		if (now >= lc->tx_next_tsc[__builtin_ctzll(held)])
			due |= held & -held;
	for (; due != 0; due &= due - 1) {
		const uint16_t port = (uint16_t)__builtin_ctzll(due);

		if ((lc->txbuf_pending & (UINT64_C(1) << port)) == 0)
			continue;
		vsw_txbuf_flush(lc, cfg, port);
		lc->tx_next_tsc[port] = now + cfg->ports[port].tx_gap_cycles;
	}
	/* Egress hooks of those bursts may have queued frames for unmoderated ports. */
	while ((lc->txbuf_pending & ~cfg->tx_moderated) != 0)
		vsw_txbuf_flush(lc, cfg,
		                (uint16_t)__builtin_ctzll(lc->txbuf_pending & ~cfg->tx_moderated));
}

/* Drop the held frames of @p port (moderation): it is gone, or no longer the same port. */
static void
drop_held(struct vsw_lcore *lc, uint16_t port)
{
	struct vsw_txbuf *tb = &lc->txbufs[port];

	rte_pktmbuf_free_bulk(tb->pkts, tb->n);
	vsw_counter_add(&lc->stats[port].drop_port_down, tb->n);
	tb->n = 0;
	lc->txbuf_pending &= ~(UINT64_C(1) << port);
}

/*
 * A new configuration: keep held frames only for the very ports they were queued for, and
 * start the rx queue lists afresh.
 */
static void
adopt_cfg(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg)
{
	for (uint64_t held = lc->txbuf_pending; held != 0; held &= held - 1) {
		const uint16_t port = (uint16_t)__builtin_ctzll(held);
		const struct vsw_dp_port *p = &cfg->ports[port];

		if (!p->is_used || !p->is_connected || p->gen != lc->txbuf_gen[port])
			drop_held(lc, port);
	}
	static_assert(RTE_DIM(cfg->workers[0].rxqs) <= VSW_RXQ_SCHED_MAX, "every rx queue fits");
	/* Its rx queues are other ones: all active until found empty again. */
	vsw_rxq_sched_reset(&lc->rxq_sched, cfg->workers[lc->worker_index].n_rxqs);
	lc->cfg_version = cfg->version;
}

void
vsw_ext_dp_inject(struct vsw_ext_dp_args *args, uint16_t port, struct rte_mbuf *m)
{
	const struct vsw_dp_cfg *cfg = args->cfg;

	if (unlikely(port >= VSW_PORTS_MAX || !cfg->ports[port].is_connected || m == NULL)) {
		/* A hook's failed rte_pktmbuf_copy() lands here as NULL: count it, free nothing. */
		if (port < VSW_PORTS_MAX)
			vsw_counter_add(m == NULL ? &args->lc->stats[port].drop_no_mbuf
			                          : &args->lc->stats[port].drop_port_down,
			                1);
		rte_pktmbuf_free(m);
		return;
	}
	vsw_txbuf_put(args->lc, cfg, port, m);
}

/*
 * Give the core back while there is nothing to do; go offline so grace periods go on.
 * @p now is the TSC at the end of the idle pass; @return the TSC after the sleep, so that the
 * sleep counts as idle time and the next pass starts its own accounting there.
 */
static uint64_t
idle_sleep(struct vsw_lcore *lc, uint32_t max_us, uint64_t now)
{
	struct timespec ts;
	uint64_t end;

	lc->sleep_us = lc->sleep_us == 0 ? IDLE_SLEEP_MIN_US : RTE_MIN(lc->sleep_us * 2, max_us);
	ts = (struct timespec){.tv_nsec = (long)lc->sleep_us * 1000};
	rte_rcu_qsbr_thread_offline(vsw_dp.qsv, lc->lcore_id);
	nanosleep(&ts, NULL);
	end = rte_rdtsc();
	vsw_counter_add(&lc->wstats.slept_ns, (end - now) * 1000000000 / rte_get_tsc_hz());
	vsw_counter_add(&lc->wstats.sleeps, 1);
	vsw_counter_add(&lc->wstats.idle_cycles, end - now);
	rte_rcu_qsbr_thread_online(vsw_dp.qsv, lc->lcore_id);
	return end;
}

/* Frames the control thread entered as received on a port (vsw_dp_inject_rx()). */
static uint16_t
take_injected(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg)
{
	struct rte_mbuf *pkts[VSW_BURST_MAX];
	const unsigned int n =
	        rte_ring_sc_dequeue_burst(lc->inject, (void **)pkts, VSW_BURST_MAX, NULL);

	for (unsigned int i = 0; i < n; i++) {
		const uint16_t port = pkts[i]->port;

		if (port < VSW_PORTS_MAX && cfg->ports[port].is_connected &&
		    cfg->ports[port].vm_steer == VSW_DP_STEER_SYNTHETIC)
			vsw_dp_switch_frames(lc, cfg, port, &pkts[i], 1);
		else
			rte_pktmbuf_free(pkts[i]);
	}
	return (uint16_t)n;
}

/*
 * A pass's vSwitch bursts in two steps (switch_dp.h): one burst is finished after the next
 * queue's has been received and planned, so that the learned-table lines its plan fetched
 * come while the vhost library copies the next frames in. Frames of one queue keep their
 * order; those of two queues never had one.
 */
struct pass_bursts {
	struct vsw_dp_burst bursts[2];
	struct vsw_dp_burst *held; /* planned, not yet finished; NULL: none */
};

static inline void
finish_held(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, struct pass_bursts *pb)
{
	if (pb->held != NULL) {
		vsw_dp_switch_finish(lc, cfg, pb->held);
		pb->held = NULL;
	}
}

static inline uint16_t
poll_rxq(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, const struct vsw_dp_rxq *q,
         struct pass_bursts *pb)
{
	struct vsw_dp_burst *b;
	uint16_t n;

	if (unlikely(q->stage != VSW_DP_STAGE_VSWITCH)) {
		finish_held(lc, cfg, pb);
		return vsw_dp_nicsw_burst(lc, cfg, q);
	}
	b = pb->held == &pb->bursts[0] ? &pb->bursts[1] : &pb->bursts[0];
	n = vsw_dp_switch_burst(lc, cfg, q, b);
	finish_held(lc, cfg, pb);
	if (n == 0)
		return 0;
	/*
	 * Held only when it waits for learned-table lines: a burst held for nothing leaves its
	 * frames' data to be evicted by the next burst's before the copy to the guest reads it
	 * (large frames: 32 of 1518 B fill an L1 data cache).
	 */
	if (vsw_dp_burst_asks(b))
		pb->held = b;
	else
		vsw_dp_switch_finish(lc, cfg, b);
	return n;
}

/*
 * One pass over the worker's rx queues, at TSC @p now. @return frames received.
 *
 * The active queues are polled every pass; the quiet ones, which found nothing a few polls in
 * a row, together once per idle_rxq_gap_cycles (rxq_sched_dp.h), after the active ones. A
 * quiet queue's frames wait in the guest's ring meanwhile, which holds far more than a gap's
 * worth: nothing is lost or reordered, and the first frame waits at most the gap.
 *
 * No cheaper "anything there?" test before the poll of a quiet vhost queue: the ring's index
 * can only be read safely under the queue's access_lock, which the library holds while the
 * guest's memory table is replaced (the old regions are unmapped then), and taking it is most
 * of what an empty rte_vhost_dequeue_burst() costs; rte_vhost_rx_queue_count() even spins on
 * it. Reading the ring through rte_vhost_get_vhost_vring()'s pointers without the lock could
 * touch an unmapped region.
 *
 * Out of line: callgrind counts passes by its calls (tests/bench/vswbench/ipp.py).
 */
static __rte_noinline uint64_t
poll_pass(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint64_t now)
{
	const struct vsw_dp_worker_cfg *wc = &cfg->workers[lc->worker_index];
	struct vsw_rxq_sched *rs = &lc->rxq_sched;
	/* When a queue turning quiet in this pass, or still quiet after it, is polled again. */
	const uint64_t due = now + __atomic_load_n(&vsw_dp.idle_rxq_gap_cycles, __ATOMIC_RELAXED);
	struct pass_bursts pb;
	uint64_t n_rx = 0;

	pb.held = NULL;
	for (uint16_t j = 0; j < rs->n_active;) {
		const uint16_t n = poll_rxq(lc, cfg, &wc->rxqs[rs->active[j]], &pb);

		n_rx += n;
		j = vsw_rxq_sched_active_polled(rs, j, n, due);
	}
	if (unlikely(vsw_rxq_sched_is_quiet_due(rs, now))) {
		for (uint16_t j = 0; j < rs->n_quiet;) {
			const uint16_t n = poll_rxq(lc, cfg, &wc->rxqs[rs->quiet[j]], &pb);

			n_rx += n;
			j = vsw_rxq_sched_quiet_polled(rs, j, n);
		}
		vsw_rxq_sched_swept(rs, due);
	}
	finish_held(lc, cfg, &pb);
	if (unlikely(lc->inject != NULL))
		n_rx += take_injected(lc, cfg);
	vsw_txbuf_flush_all(lc, cfg);
	return n_rx;
}

/*
 * Cycle accounting reads the TSC once per pass, at its end: the cycles since the previous
 * read belong to this pass, busy if it received frames, else idle (OVS's pmd-stats-show
 * split). The counters live in the worker's own struct vsw_lcore: plain relaxed stores.
 */
int
vsw_dp_worker_main(void *arg)
{
	struct vsw_lcore *lc = arg;
	const unsigned int lcore_id = rte_lcore_id();
	const uint64_t tsc_hz = rte_get_tsc_hz();
	uint64_t last = rte_rdtsc();

	RTE_VERIFY(lcore_id == lc->lcore_id);
	rte_rcu_qsbr_thread_register(vsw_dp.qsv, lcore_id);
	rte_rcu_qsbr_thread_online(vsw_dp.qsv, lcore_id);
	while (likely(!__atomic_load_n(&lc->is_stopping, __ATOMIC_RELAXED))) {
		const struct vsw_dp_cfg *cfg = __atomic_load_n(&vsw_dp.cfg, __ATOMIC_ACQUIRE);
		uint64_t n_rx = 0, now;
		uint32_t max_us;

		lc->now_s = (uint32_t)(last / tsc_hz);
		if (likely(cfg != NULL)) {
			if (unlikely(cfg->version != lc->cfg_version))
				adopt_cfg(lc, cfg);
			n_rx = poll_pass(lc, cfg, last);
		}
		/* No pointer into cfg is held past this point, and mbufs only as adopt_cfg()
		 * allows. */
		rte_rcu_qsbr_quiescent(vsw_dp.qsv, lcore_id);
		now = rte_rdtsc();
		if (n_rx != 0) {
			vsw_counter_add(&lc->wstats.busy_passes, 1);
			vsw_counter_add(&lc->wstats.busy_cycles, now - last);
			vsw_counter_add(&lc->wstats.rx_packets, n_rx);
			lc->idle_passes = 0;
			lc->sleep_us = 0;
			last = now;
			continue;
		}
		vsw_counter_add(&lc->wstats.idle_passes, 1);
		vsw_counter_add(&lc->wstats.idle_cycles, now - last);
		last = now;
		max_us = __atomic_load_n(&vsw_dp.idle_sleep_max_us, __ATOMIC_RELAXED);
		/* Frames held by moderation are sent on time: no sleep while there are some. */
		if (max_us != 0 && lc->txbuf_pending == 0 &&
		    ++lc->idle_passes > IDLE_PASSES_BEFORE_SLEEP)
			last = idle_sleep(lc, max_us, now);
	}
	for (uint64_t held = lc->txbuf_pending; held != 0; held &= held - 1)
		drop_held(lc, (uint16_t)__builtin_ctzll(held));
	rte_rcu_qsbr_thread_offline(vsw_dp.qsv, lcore_id);
	rte_rcu_qsbr_thread_unregister(vsw_dp.qsv, lcore_id);
	return 0;
}
