/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vSwitch stage, per rx burst of a connected port, run to completion on a worker:
 *
 *   rx -> classify (runts, oversize, bad or looped sources, 802.1Q admission, tag popped)
 *      -> ingress extension hooks
 *      -> learn sources (learning ports) -> decide by (destination MAC, VLAN)
 *      -> per destination: VLAN egress (drop, as is, or tagged) -> tx buffers
 *
 * Unicast to a MAC the switch knows (a VM's configured MAC, or one it learned) goes to that
 * port if the port is in the frame's VLAN; broadcast, multicast and unknown unicast flood to
 * every other connected port of the VLAN. Reads the published configuration only; writes its
 * own struct vsw_lcore. No locks; mbufs are allocated only for tagged copies of floods.
 */
#include "switch_dp.h"

#include <string.h>

#include <rte_ethdev.h>
#include <rte_prefetch.h>

#include "dp_priv.h"
#include "ext_builtin_dp.h"
#include "l2_dp.h"
#include "learn_dp.h"
#include "txbuf_dp.h"
#include "vsw/ext_dp.h"

/* Prefetch this many frames ahead while reading headers (DPDK l3fwd uses 3). */
#define PREFETCH_AHEAD 3

/* Why classify() refuses a frame: each reason has its own counter in struct vsw_port_stats. */
enum rx_drop {
	RX_KEEP,
	RX_RUNT,     /* shorter than its headers */
	RX_OVERSIZE, /* longer than the port's MTU allows */
	RX_BAD_SRC,  /* no station sends from a multicast or all-zero MAC */
	RX_LOOP,     /* from a learning port, with the MAC of another port of this switch */
	RX_N_DROPS,
};

/* What classify() reads of the ingress port for every frame, loaded once per burst. */
struct rx_port {
	uint32_t len_max; /* UINT32_MAX: no limit */
	bool is_learning;
};

/*
 * @p is_tpid: the frame's EtherType is 802.1Q (read once by the caller, which needs it too).
 * @p passed_src: the last source that passed the loop check in this burst (0: none yet), so
 * that a run of frames from one station probes the FDB once, as it is looked up for learning.
 * On a learning port, @p src_key gets a kept frame's source as vsw_fdb_key() gives it.
 */
static inline enum rx_drop
rx_check(const struct vsw_dp_cfg *cfg, uint16_t in_port, const struct rx_port *in,
         const struct rte_mbuf *m, bool is_tpid, uint64_t *passed_src, uint64_t *src_key)
{
	const uint8_t *src = rte_pktmbuf_mtod_offset(m, const uint8_t *, RTE_ETHER_ADDR_LEN);
	const uint16_t data_len = rte_pktmbuf_data_len(m);
	uint32_t src_lo;
	uint16_t src_hi, owner;

	/* An 802.1Q TPID without room for its tag is a runt, not an untagged frame. */
	if (unlikely(data_len < RTE_ETHER_HDR_LEN ||
	             (is_tpid && data_len < RTE_ETHER_HDR_LEN + sizeof(struct rte_vlan_hdr))))
		return RX_RUNT;
	if (unlikely(rte_pktmbuf_pkt_len(m) > in->len_max))
		return RX_OVERSIZE;
	memcpy(&src_lo, src, sizeof(src_lo));
	memcpy(&src_hi, src + sizeof(src_lo), sizeof(src_hi));
	if (unlikely((src[0] & 0x01) || (src_lo | src_hi) == 0))
		return RX_BAD_SRC;
	/*
	 * A VM's own frame coming back from the wire means a loop outside (or someone using its
	 * MAC): flooding it would show the VM its own broadcasts. Ports that do not learn are VM
	 * ports, where the spoof guard decides.
	 */
	if (in->is_learning) {
		/* vsw_fdb_key(), from the halves at hand */
		*src_key = ((uint64_t)src_hi << 32 | src_lo) | VSW_FDB_KEY_USED;
		if (*src_key == *passed_src)
			return RX_KEEP;
		owner = vsw_fdb_lookup_key(&cfg->fdb, *src_key);
		if (unlikely(owner != VSW_PORT_NONE && owner != in_port))
			return RX_LOOP;
		*passed_src = *src_key;
	}
	return RX_KEEP;
}

/* A unicast destination's owner (VSW_PORT_NONE: unknown) as a decision for @p in_port. */
static inline uint16_t
unicast_decision(uint16_t out, uint16_t in_port)
{
	if (out == VSW_PORT_NONE)
		return VSW_FWD_FLOOD; /* unknown unicast: flooded in its VLAN, as a bridge does */
	return out == in_port ? VSW_FWD_DROP : out;
}

/*
 * The destination of a frame from @p in_port to @p dst, whose key is @p key (vsw_fdb_key()):
 * a port index, VSW_FWD_FLOOD or VSW_FWD_DROP; or VSW_PORT_NONE for a unicast MAC that is not
 * static when there is a learned table: learn_burst() looks those up for the whole burst.
 */
static inline uint16_t
decide(const struct vsw_dp_cfg *cfg, uint16_t in_port, const uint8_t *dst, uint64_t key)
{
	uint16_t out;

	if (dst[0] & 0x01)
		return VSW_FWD_FLOOD;
	out = vsw_fdb_lookup_key(&cfg->fdb, key);
	if (out == VSW_PORT_NONE && cfg->learn != NULL)
		return VSW_PORT_NONE;
	return unicast_decision(out, in_port);
}

static inline void
plan_begin(struct burst_plan *plan, const struct vsw_dp_cfg *cfg, const struct vsw_dp_port *in)
{
	plan->learn = cfg->learn;
	plan->is_learning = cfg->learn != NULL && in->is_learning;
	plan->n_runs = plan->prev_vlan = 0;
	plan->prev_key = plan->prev_src = 0;
	plan->ask.n_src = plan->ask.n_open = 0;
}

/*
 * Frame @p i of the burst, its Ethernet header at @p eth, in @p vlan, from @p src_key
 * (vsw_fdb_key(); 0: no source to learn). Each key the learned table is asked for is hashed
 * and its line fetched here: with more MACs than the caches hold each is a miss, and the rest
 * of the burst's classification runs while it is served.
 */
static __rte_always_inline void
plan_frame(struct burst_plan *plan, const struct vsw_dp_cfg *cfg, uint16_t in_port,
           const uint8_t *eth, uint64_t src_key, uint16_t vlan, uint16_t i)
{
	struct learn_ask *ask = &plan->ask;
	const uint64_t key = vsw_fdb_key(eth);
	uint16_t out;

	if (plan->is_learning && likely(src_key != 0)) {
		const uint64_t learn_key = vsw_learn_key_of_fdb(src_key, vlan);

		if (learn_key != plan->prev_src) {
			ask->buckets[ask->n_src] = vsw_learn_fetch(plan->learn, learn_key);
			ask->keys[ask->n_src++] = plan->prev_src = learn_key;
		}
	}
	if (likely(key == plan->prev_key && vlan == plan->prev_vlan))
		return;
	plan->prev_key = key;
	plan->prev_vlan = vlan;
	out = decide(cfg, in_port, eth, key);
	if (out == VSW_PORT_NONE) { /* only with a learned table */
		const uint64_t open_key = vsw_learn_key_of_fdb(key, vlan);

		ask->open_buckets[ask->n_open] = vsw_learn_fetch(plan->learn, open_key);
		ask->open_keys[ask->n_open] = open_key;
		ask->open_runs[ask->n_open++] = plan->n_runs;
	}
	plan->runs[plan->n_runs++] = (struct fwd_run){.start = i, .out = out, .vlan = vlan};
}

/* The plan of @p n frames that ingress hooks have seen since classify(). */
static void
plan_burst(struct burst_plan *plan, const struct vsw_dp_cfg *cfg, uint16_t in_port,
           struct rte_mbuf *const *pkts, uint16_t n)
{
	const bool is_learning = plan->is_learning;

	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *eth = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
		const uint8_t *src = eth + RTE_ETHER_ADDR_LEN;
		uint64_t src_key = 0; /* only a learning port's sources are learned */

		/* An extension may have rewritten a source since classify() checked it. */
		if (is_learning && !(src[0] & 0x01))
			src_key = vsw_fdb_key(src);
		plan_frame(plan, cfg, in_port, eth, src_key, pkts[i]->vlan_tci, i);
	}
}

/*
 * Drop hostile frames (runts, oversize, bad or looped sources) and frames of VLANs the port
 * does not admit, pop tags, and record each frame's VLAN in vlan_tci. With @p is_rx the frames
 * come straight from an rx burst: each gets the port's ethdev id as its input port, as a PMD
 * would set it (hooks read it), and the burst is counted as received, in the loop that reads
 * each mbuf anyway. Unless @p is_copied each frame's first line is prefetched a few frames
 * ahead; frames the vhost library has just copied are in the cache already. @p is_linear
 * tells whether every frame of the burst has a single segment. With @p builtins
 * the built-in ingress hooks judge each frame kept (ext_builtin_dp.h). @p plan is given only
 * when no hook runs after classification: each frame kept is planned (plan_frame()) while its
 * header is at hand. @return the frames kept, compacted at the front of @p pkts.
 */
static __rte_always_inline uint16_t
classify(const struct vsw_dp_cfg *cfg, uint16_t in_port, struct vsw_port_stats *st,
         struct rte_mbuf **pkts, uint16_t n, const bool is_rx, bool is_copied,
         struct vsw_builtin_rx *builtins, struct burst_plan *plan, bool *is_linear)
{
	const bool is_prefetched = !is_copied;
	bool is_chained = false;
	const struct vsw_dp_port *p = &cfg->ports[in_port];
	/* Stores to mbufs may alias the configuration for the compiler: read it once. */
	const struct rx_port in = {.len_max = p->frame_len_max != 0 ? p->frame_len_max : UINT32_MAX,
	                           .is_learning = p->is_learning};
	const uint16_t eth_port_id = p->eth_port_id;
	const struct vsw_vlan_cfg *vlan_cfg = &p->vlan;
	const uint16_t untagged_vlan = vsw_vlan_ingress(vlan_cfg, false, 0);
	uint64_t drops[RX_N_DROPS] = {0}, vlan_drops = 0, spoof_drops = 0, rx_bytes = 0;
	uint64_t passed_src = 0, src_key = 0; /* vsw_fdb_key() never gives 0 */
	uint16_t kept = 0;

	for (uint16_t i = 0; is_prefetched && i < n && i < PREFETCH_AHEAD; i++)
		rte_prefetch0(rte_pktmbuf_mtod(pkts[i], void *));
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
		const bool is_tpid = ((const struct rte_ether_hdr *)data)->ether_type ==
		                     rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
		enum rx_drop why;
		uint16_t tag = 0, vlan = untagged_vlan;
		bool is_tagged = false;

		if (is_prefetched && i + PREFETCH_AHEAD < n)
			rte_prefetch0(rte_pktmbuf_mtod(pkts[i + PREFETCH_AHEAD], void *));
		is_chained |= m->nb_segs != 1;
		if (is_rx) {
			m->port = eth_port_id;
			rx_bytes += rte_pktmbuf_pkt_len(m);
		}
		why = rx_check(cfg, in_port, &in, m, is_tpid, &passed_src, &src_key);
		if (unlikely(why != RX_KEEP)) {
			drops[why]++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* Untagged, the common case, needs nothing more of the frame. */
		if (unlikely(is_tpid || (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED))) {
			is_tagged = vsw_l2_tag(m, &tag);
			if (is_tagged)
				vlan = vsw_vlan_ingress(vlan_cfg, true, tag);
		}
		if (unlikely(vlan == VSW_VLAN_NONE)) {
			vlan_drops++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (unlikely(is_tagged)) {
			vsw_l2_pop(m);
			data = rte_pktmbuf_mtod(m, const uint8_t *);
		}
		m->vlan_tci = vlan;
		if (builtins != NULL) {
			const enum vsw_builtin_verdict v = vsw_builtin_rx_frame(builtins, m, data);

			if (unlikely(v != VSW_BUILTIN_PASS)) {
				spoof_drops += v == VSW_BUILTIN_SPOOFED;
				rte_pktmbuf_free(m);
				continue;
			}
		}
		if (plan != NULL)
			plan_frame(plan, cfg, in_port, data, src_key, vlan, kept);
		pkts[kept++] = m;
	}
	if (is_rx) {
		vsw_counter_add(&st->rx_packets, n);
		vsw_counter_add(&st->rx_bytes, rx_bytes);
	}
	if (unlikely(kept != n)) {
		vsw_counter_add(&st->drop_runt, drops[RX_RUNT]);
		vsw_counter_add(&st->drop_oversize, drops[RX_OVERSIZE]);
		vsw_counter_add(&st->drop_bad_src, drops[RX_BAD_SRC]);
		vsw_counter_add(&st->drop_loop, drops[RX_LOOP]);
		vsw_counter_add(&st->drop_vlan, vlan_drops);
		vsw_counter_add(&st->drop_ext, spoof_drops);
	}
	*is_linear = !is_chained;
	return kept;
}

/*
 * Queue @p m for @p out. The uplink of a NIC switch is the switch's default VPort: what the
 * vSwitch sends there is classified by the NIC switch's filters first (R-VP-7). A VM port whose
 * adapter is on its VF path hands its frames to the VF (R-DP-2).
 */
static inline void
port_put(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t out, struct rte_mbuf *m)
{
	if (unlikely(cfg->ports[out].vm_steer != VSW_DP_STEER_SYNTHETIC))
		vsw_dp_nicsw_to_vm(lc, cfg, out, m);
	else if (unlikely(cfg->nicsw.is_used && out == cfg->nicsw.uplink_port))
		vsw_dp_nicsw_from_vswitch(lc, cfg, m);
	else
		vsw_txbuf_put(lc, cfg, out, m);
}

/* Send @p m out of @p out as its VLAN requires there; false when the port is not in it. */
static bool
egress(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t out, struct rte_mbuf *m)
{
	const struct vsw_dp_port *p = &cfg->ports[out];

	switch (vsw_vlan_egress(&p->vlan, m->vlan_tci)) {
	case VSW_VLAN_EGRESS_DROP:
		return false;
	case VSW_VLAN_EGRESS_TAGGED:
		if (unlikely(vsw_l2_push(m, m->vlan_tci) != 0)) {
			vsw_counter_add(&lc->stats[out].drop_no_mbuf, 1);
			rte_pktmbuf_free(m);
			return true;
		}
		break;
	case VSW_VLAN_EGRESS_UNTAGGED:
		break;
	}
	port_put(lc, cfg, out, m);
	return true;
}

/*
 * Every connected port of the frame's VLAN but @p in_port gets it: untagged receivers share
 * the mbuf (no stage writes to a frame it sends untagged), tagged ones get a copy each.
 */
static void
flood(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port, struct rte_mbuf *m)
{
	uint16_t untagged[VSW_PORTS_MAX];
	uint16_t n_untagged = 0, n_sent = 0;

	for (uint16_t i = 0; i < cfg->n_flood_ports; i++) {
		const uint16_t out = cfg->flood_ports[i];
		struct rte_mbuf *copy;

		if (out == in_port)
			continue;
		switch (vsw_vlan_egress(&cfg->ports[out].vlan, m->vlan_tci)) {
		case VSW_VLAN_EGRESS_DROP:
			break;
		case VSW_VLAN_EGRESS_UNTAGGED:
			untagged[n_untagged++] = out;
			break;
		case VSW_VLAN_EGRESS_TAGGED:
			copy = rte_pktmbuf_copy(m, cfg->pool, 0, UINT32_MAX);
			if (unlikely(copy == NULL)) {
				vsw_counter_add(&lc->stats[out].drop_no_mbuf, 1);
				break;
			}
			copy->vlan_tci = m->vlan_tci;
			egress(lc, cfg, out, copy);
			n_sent++;
			break;
		}
	}
	if (n_untagged == 0) {
		if (n_sent == 0)
			vsw_counter_add(&lc->stats[in_port].drop_no_dest, 1);
		rte_pktmbuf_free(m);
		return;
	}
	rte_pktmbuf_refcnt_update(m, (int16_t)(n_untagged - 1));
	for (uint16_t i = 0; i < n_untagged; i++)
		port_put(lc, cfg, untagged[i], m);
}

/*
 * Source @p key, looked for in bucket @p b, arrived on @p in_port: refresh its entry there, or
 * ask for the move when it is there on another port. @return false when @p b does not hold it.
 */
static __rte_always_inline bool
note_source(struct vsw_lcore *lc, struct vsw_learn *l, uint32_t b, uint64_t key, uint16_t in_port)
{
	struct vsw_learn_bucket *bk = &l->buckets[b];
	uint16_t port = VSW_PORT_NONE;
	const int s = vsw_learn_slot_find(bk, key, &port);

	if (s < 0)
		return false;
	if (likely(port == in_port))
		vsw_learn_refresh(&bk->last_seen_s[s], lc->now_s);
	else
		vsw_learn_ask(l, key, in_port, &lc->wstats.learn_requests_dropped);
	return true;
}

/*
 * The learned table's part of a burst, in one pass over what the plan asked, whose first
 * buckets were fetched as it was made: refresh or learn the sources, decide the open runs.
 * The keys not in their first bucket are looked up in their second after all first ones, so
 * those misses overlap too. Learning only asks the control thread, so no decision depends on
 * the sources.
 */
static void
learn_burst(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port,
            struct burst_plan *plan)
{
	struct learn_ask *ask = &plan->ask;
	struct vsw_learn *l = cfg->learn;
	uint8_t second_src[VSW_BURST_MAX], second_open[VSW_BURST_MAX];
	uint16_t n_second_src = 0, n_second_open = 0;

	for (uint16_t i = 0; i < ask->n_src; i++)
		if (unlikely(!note_source(lc, l, ask->buckets[i], ask->keys[i], in_port)))
			second_src[n_second_src++] = (uint8_t)i;
	for (uint16_t i = 0; i < ask->n_open; i++) {
		uint16_t port = VSW_PORT_NONE;

		if (likely(vsw_learn_slot_find(&l->buckets[ask->open_buckets[i]], ask->open_keys[i],
		                               &port) >= 0))
			plan->runs[ask->open_runs[i]].out = unicast_decision(port, in_port);
		else
			second_open[n_second_open++] = (uint8_t)i;
	}
	if (likely(n_second_src + n_second_open == 0))
		return;
	for (uint16_t j = 0; j < n_second_src; j++)
		ask->buckets[second_src[j]] = vsw_learn_fetch2(l, ask->keys[second_src[j]]);
	for (uint16_t j = 0; j < n_second_open; j++)
		ask->open_buckets[second_open[j]] =
		        vsw_learn_fetch2(l, ask->open_keys[second_open[j]]);
	for (uint16_t j = 0; j < n_second_src; j++) {
		const uint16_t i = second_src[j];

		if (!note_source(lc, l, ask->buckets[i], ask->keys[i], in_port))
			vsw_learn_ask(l, ask->keys[i], in_port, &lc->wstats.learn_requests_dropped);
	}
	for (uint16_t j = 0; j < n_second_open; j++) {
		const uint16_t i = second_open[j];
		uint16_t port = VSW_PORT_NONE; /* stays so when the key is in neither bucket */

		vsw_learn_slot_find(&l->buckets[ask->open_buckets[i]], ask->open_keys[i], &port);
		plan->runs[ask->open_runs[i]].out = unicast_decision(port, in_port);
	}
}

static void
forward(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port, struct rte_mbuf *m,
        uint16_t out)
{
	if (likely(out < VSW_PORTS_MAX)) {
		if (unlikely(!cfg->ports[out].is_connected)) {
			vsw_counter_add(&lc->stats[out].drop_port_down, 1);
			rte_pktmbuf_free(m);
			return;
		}
		/* A known MAC on a port outside the frame's VLAN is unknown in that VLAN. */
		if (likely(egress(lc, cfg, out, m)))
			return;
		out = VSW_FWD_FLOOD;
	}
	if (out == VSW_FWD_FLOOD) {
		flood(lc, cfg, in_port, m);
		return;
	}
	vsw_counter_add(&lc->stats[in_port].drop_no_dest, 1);
	rte_pktmbuf_free(m);
}

/*
 * True when a frame of @p vlan goes to @p out as it is, straight into the tx buffer: the
 * port is connected, carries the VLAN untagged, and is neither a VF-steered VM port nor the
 * NIC switch's uplink. What forward() would conclude, asked once per run of frames.
 */
static inline bool
is_plain_dest(const struct vsw_dp_cfg *cfg, uint16_t out, uint16_t vlan)
{
	const struct vsw_dp_port *p;

	if (out >= VSW_PORTS_MAX)
		return false;
	p = &cfg->ports[out];
	return p->is_connected && p->vm_steer == VSW_DP_STEER_SYNTHETIC &&
	       !(cfg->nicsw.is_used && out == cfg->nicsw.uplink_port) &&
	       vsw_vlan_egress(&p->vlan, vlan) == VSW_VLAN_EGRESS_UNTAGGED;
}

/*
 * forward() for a burst's runs (struct burst_plan). Adjacent runs with one decision in one VLAN
 * are taken as one: the plan starts a run at every new destination MAC, but what happens
 * to a run depends only on where it goes and in which VLAN, so frames to many hosts behind
 * one port reach its tx buffer in one copy, as frames to one host do. A run to a plain
 * destination goes there after the checks forward() makes per frame made once; any other run
 * takes forward() frame by frame.
 */
static void
forward_runs(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port,
             struct rte_mbuf **pkts, uint16_t n, const struct fwd_run *runs, uint16_t n_runs,
             bool is_plain)
{
	uint16_t next;

	for (uint16_t r = 0; r < n_runs; r = next) {
		const uint16_t out = runs[r].out, vlan = runs[r].vlan;
		struct rte_mbuf **run = &pkts[runs[r].start];
		uint16_t len;

		for (next = r + 1; next < n_runs; next++)
			if (runs[next].out != out || runs[next].vlan != vlan)
				break;
		len = (next < n_runs ? runs[next].start : n) - runs[r].start;
		if (likely(is_plain_dest(cfg, out, vlan))) {
			vsw_txbuf_put_run(lc, cfg, out, run, len, is_plain);
			continue;
		}
		for (uint16_t i = 0; i < len; i++)
			forward(lc, cfg, in_port, run[i], out);
	}
}

/*
 * An extension sent @p m to @p out: its decision stands over forwarding and VLAN membership;
 * the frame leaves tagged only where @p out carries its VLAN tagged.
 */
static void
redirect(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t out, struct rte_mbuf *m)
{
	if (unlikely(!cfg->ports[out].is_connected)) {
		vsw_counter_add(&lc->stats[out].drop_port_down, 1);
		rte_pktmbuf_free(m);
		return;
	}
	if (vsw_vlan_egress(&cfg->ports[out].vlan, m->vlan_tci) == VSW_VLAN_EGRESS_TAGGED &&
	    unlikely(vsw_l2_push(m, m->vlan_tci) != 0)) {
		vsw_counter_add(&lc->stats[out].drop_no_mbuf, 1);
		rte_pktmbuf_free(m);
		return;
	}
	port_put(lc, cfg, out, m);
}

/*
 * After a hook ran: send, drop or keep each frame by its verdict and reset the verdicts of the
 * kept ones to PASS. @return the kept frames, compacted.
 */
static uint16_t
apply_verdicts(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port,
               struct rte_mbuf **pkts, uint16_t *verdicts, uint16_t n)
{
	uint16_t kept = 0, drops = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (likely(verdicts[i] == VSW_EXT_PASS)) {
			pkts[kept] = pkts[i];
			verdicts[kept++] = VSW_EXT_PASS;
		} else if (verdicts[i] < VSW_PORTS_MAX && cfg->ports[verdicts[i]].is_used) {
			redirect(lc, cfg, verdicts[i], pkts[i]);
		} else {
			rte_pktmbuf_free(pkts[i]);
			drops += verdicts[i] != VSW_EXT_DROP_COUNTED;
		}
	}
	/* Past the kept ones, too: has_verdict() reads every verdict of the array. */
	memset(&verdicts[kept], 0xff, (n - kept) * sizeof(verdicts[0]));
	if (drops != 0)
		vsw_counter_add(&lc->stats[in_port].drop_ext, drops);
	return kept;
}

/*
 * Ingress hooks in stack order from @p first (hooks above it judged the frames inside
 * classify()). A packet dropped or redirected by one extension is not shown to the ones below
 * it. Most hooks pass every frame (counters, a guard on a clean port): the verdicts are set to
 * PASS once and the burst is only compacted after a hook that decided something. @return the
 * packets that pass every hook, compacted.
 */
static uint16_t
run_ingress_hooks(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port,
                  struct rte_mbuf **pkts, uint16_t n, uint16_t first)
{
	uint16_t verdicts[VSW_BURST_MAX];
	struct vsw_ext_dp_args args = {.cfg = cfg,
	                               .port = &cfg->ports[in_port],
	                               .port_index = in_port,
	                               .pkts = pkts,
	                               .verdicts = verdicts,
	                               .lc = lc};

	memset(verdicts, 0xff, sizeof(verdicts));
	for (uint16_t h = first; h < cfg->n_hooks && n > 0; h++) {
		if (cfg->hooks[h].ingress == NULL)
			continue;
		args.n = n;
		cfg->hooks[h].ingress(cfg->hooks[h].ctx, &args);
		if (unlikely(has_verdict(verdicts)))
			n = apply_verdicts(lc, cfg, in_port, pkts, verdicts, n);
	}
	return n;
}

/*
 * The first half of the stage on @p n frames of @p in_port in @p b->pkts: classification,
 * hooks, the plan. When the built-in hooks at the top of the stack apply to the port
 * (ext_builtin_dp.h) they judge each frame inside classification's loop, ahead of the hooks
 * below them; when no hook is left, each frame is planned there too. Each case has its own
 * instance of classify(), which is specialised on what it is given.
 */
static __rte_always_inline void
switch_begin(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port,
             struct vsw_dp_burst *b, uint16_t n, const bool is_rx, bool is_copied)
{
	const struct vsw_dp_port *p = &cfg->ports[in_port];
	const bool is_builtin_inline = vsw_builtin_rx_applies(cfg, p);
	const uint16_t first_hook = is_builtin_inline ? cfg->n_fused_hooks : 0;
	const bool has_hooks = cfg->n_hooks > first_hook;
	struct vsw_port_stats *st = &lc->stats[in_port];
	struct rte_mbuf **pkts = b->pkts;
	struct vsw_builtin_rx builtins;
	bool is_linear;

	plan_begin(&b->plan, cfg, p);
	if (is_builtin_inline) {
		vsw_builtin_rx_begin(&builtins, p);
		if (has_hooks)
			n = classify(cfg, in_port, st, pkts, n, is_rx, is_copied, &builtins, NULL,
			             &is_linear);
		else
			n = classify(cfg, in_port, st, pkts, n, is_rx, is_copied, &builtins,
			             &b->plan, &is_linear);
		vsw_builtin_rx_end(&builtins, lc, in_port);
	} else if (has_hooks) {
		n = classify(cfg, in_port, st, pkts, n, is_rx, is_copied, NULL, NULL, &is_linear);
	} else {
		n = classify(cfg, in_port, st, pkts, n, is_rx, is_copied, NULL, &b->plan,
		             &is_linear);
	}
	if (has_hooks) {
		n = run_ingress_hooks(lc, cfg, in_port, pkts, n, first_hook);
		plan_burst(&b->plan, cfg, in_port, pkts, n);
	}
	b->port = in_port;
	b->n = n;
	/*
	 * Fresh from the vhost library (the switch's pool, direct, unshared), one segment each,
	 * and seen by no hook that could have changed that: plain (txbuf_dp.h).
	 */
	b->is_plain = is_rx && is_copied && is_linear && !has_hooks;
}

void
vsw_dp_switch_finish(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, struct vsw_dp_burst *b)
{
	if (cfg->learn != NULL)
		learn_burst(lc, cfg, b->port, &b->plan);
	forward_runs(lc, cfg, b->port, b->pkts, b->n, b->plan.runs, b->plan.n_runs, b->is_plain);
}

void
vsw_dp_switch_frames(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port,
                     struct rte_mbuf **pkts, uint16_t n)
{
	struct vsw_dp_burst b = {.pkts = pkts};

	switch_begin(lc, cfg, in_port, &b, n, false, false);
	vsw_dp_switch_finish(lc, cfg, &b);
}

/* Not inlined into vsw_dp_switch_burst(): tests/bench counts its calls as switched bursts. */
__rte_noinline void
vsw_dp_switch_received(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t in_port,
                       uint16_t n, bool is_copied, struct vsw_dp_burst *b)
{
	b->pkts = b->rx;
	switch_begin(lc, cfg, in_port, b, n, true, is_copied);
}

uint16_t
vsw_dp_switch_burst(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, const struct vsw_dp_rxq *q,
                    struct vsw_dp_burst *b)
{
	bool is_copied;
	const uint16_t n_rx = vsw_dp_rx_uncounted(cfg, q, b->rx, &is_copied);

	if (n_rx != 0)
		vsw_dp_switch_received(lc, cfg, q->port, n_rx, is_copied, b);
	return n_rx;
}
