/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vSwitch stage's burst in two halves (switch_dp.c), for the worker's pass: a burst is
 * received, classified and planned by vsw_dp_switch_burst(), and looked up in the learned table
 * and forwarded by vsw_dp_switch_finish(). The pass polls the next queue in between, so the
 * learned-table lines the plan fetched arrive while another burst is received.
 */
#ifndef VSW_SWITCH_DP_H
#define VSW_SWITCH_DP_H

#include "dp_priv.h"

/* Frames from start to the next run's start: one destination MAC, one VLAN, one decision. */
struct fwd_run {
	uint16_t start;
	uint16_t out; /* decide()'s */
	uint16_t vlan;
};

/*
 * What a burst asks of the learned table: the sources of a learning port, once per run of
 * equal (source, VLAN), and the destinations of the runs decide() left open, with those runs;
 * each key with its first bucket, fetched when the key was met (learn_burst() puts the second
 * there for a key the first did not hold).
 */
struct learn_ask {
	uint16_t n_src, n_open;
	uint64_t keys[VSW_BURST_MAX];
	uint32_t buckets[VSW_BURST_MAX];
	uint64_t open_keys[VSW_BURST_MAX];
	uint32_t open_buckets[VSW_BURST_MAX];
	uint16_t open_runs[VSW_BURST_MAX];
};
static_assert(VSW_BURST_MAX <= UINT8_MAX + 1, "learn_burst() indexes a burst's keys by uint8_t");

/*
 * How a burst is forwarded, planned frame by frame (plan_frame()) as each frame's header is
 * read: by runs of frames to one MAC in one VLAN, since a burst mostly goes to one MAC, so most
 * frames need no lookup and forward_runs() checks the destination once per run; with a learned
 * table, what learn_burst() looks up. The FDB is fixed for the burst; a MAC the control thread
 * learns meanwhile counts from the next burst on, as if it had been learned a moment later.
 */
struct burst_plan {
	const struct vsw_learn *learn; /* NULL: no learned table */
	bool is_learning;              /* the sources are asked for too */
	uint16_t n_runs;
	uint16_t prev_vlan;
	uint64_t prev_key, prev_src; /* match no frame at first: keys have their USED bit */
	struct learn_ask ask;
	struct fwd_run runs[VSW_BURST_MAX];
};

/* A burst between the stage's halves: its frames, kept ones compacted first, and their plan. */
struct vsw_dp_burst {
	uint16_t port;
	uint16_t n;             /* frames kept */
	bool is_plain;          /* forward_runs()'s: straight into tx buffers, unchecked */
	struct rte_mbuf **pkts; /* rx for a received burst, else the caller's */
	struct burst_plan plan;
	struct rte_mbuf *rx[VSW_BURST_MAX];
};

/* True when @p b's plan fetched learned-table lines, which its finish will read. */
static inline bool
vsw_dp_burst_asks(const struct vsw_dp_burst *b)
{
	return (b->plan.ask.n_src | b->plan.ask.n_open) != 0;
}

/* The vSwitch stage on frames already received on @p in_port (counted there), whole. */
void vsw_dp_switch_frames(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port,
                          struct rte_mbuf **pkts, uint16_t n);

/*
 * The first half on an rx burst of @p in_port in @p b->rx, which it counts as received there;
 * @p is_copied as vsw_dp_rx_uncounted() tells.
 */
void vsw_dp_switch_received(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port,
                            uint16_t n, bool is_copied, struct vsw_dp_burst *b);

/* Poll @p q into @p b and run the first half on what came. @return the frames received. */
uint16_t vsw_dp_switch_burst(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg,
                             const struct vsw_dp_rxq *q, struct vsw_dp_burst *b);

/* The second half of @p b: learned table, forwarding decisions, frames into tx buffers. */
void vsw_dp_switch_finish(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg,
                          struct vsw_dp_burst *b);

#endif /* VSW_SWITCH_DP_H */
