/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * State shared by the datapath's control side (dp_ctl.c) and its workers (worker.c).
 *
 * Rules: struct vsw_lcore is written by its worker only, except `is_stopping`, which the
 * control thread sets once. `cfg` in struct vsw_dp_state is written by the control thread only
 * (release store) and read by workers (acquire load). Counters are single-writer uint64_t:
 * the owner does a relaxed load and store, readers relaxed loads.
 */
#ifndef VSW_DP_PRIV_H
#define VSW_DP_PRIV_H

#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_vhost.h>

#include "rxq_sched_dp.h"
#include "vsw/datapath.h"
#include "vsw/ext_dp.h"

extern int vsw_dp_logtype;
#define DP_LOG(lvl, fmt, ...)                                                                      \
	rte_log(RTE_LOG_##lvl, vsw_dp_logtype, "datapath: " fmt "\n", ##__VA_ARGS__)

/* Frames waiting for one (port, tx queue) of one worker. */
struct vsw_txbuf {
	uint16_t n;
	struct rte_mbuf *pkts[VSW_BURST_MAX];
};

static_assert(VSW_PORTS_MAX <= 64, "a worker tracks ports with pending tx in one uint64_t");

struct vsw_lcore {
	unsigned int lcore_id;
	unsigned int worker_index;
	bool is_stopping;       /* set by control, read by the worker */
	uint32_t now_s;         /* learning clock, read once per pass */
	uint32_t idle_passes;   /* passes in a row that received nothing */
	uint32_t sleep_us;      /* current idle back-off step */
	uint64_t txbuf_pending; /* bit n: txbufs[n] holds frames */
	/* Bit n: txbufs[n] may hold mbufs other than fresh rx ones (txbuf_dp.h) */
	uint64_t txbuf_unplain;
	uint64_t cfg_version;    /* of the configuration its held frames were checked against */
	struct rte_ring *inject; /* frames the control thread enters as received; worker 0 only */
	struct vsw_txbuf txbufs[VSW_PORTS_MAX];
	uint32_t txbuf_gen[VSW_PORTS_MAX];   /* ports[n].gen when txbufs[n] got its first frame */
	uint64_t tx_next_tsc[VSW_PORTS_MAX]; /* moderated ports: no burst before this TSC */
	struct vsw_port_stats stats[VSW_PORTS_MAX];
	struct vsw_worker_stats wstats;
	struct vsw_vport_stats vport_stats[VSW_NICSW_VPORTS_MAX];
	/* Active and quiet rx queues of the configuration of cfg_version (rxq_sched_dp.h). */
	struct vsw_rxq_sched rxq_sched;
} __rte_cache_aligned;

struct vsw_dp_state {
	struct vsw_dp_cfg *cfg;     /* published; NULL until the first publication */
	uint32_t idle_sleep_max_us; /* 0: never sleep */
	uint64_t
	        idle_rxq_gap_cycles; /* vsw_dp_set_idle_rxq_poll(); 0: poll every queue each pass */
	struct rte_rcu_qsbr *qsv;
	unsigned int n_workers;
	bool is_running;
	struct vsw_lcore *lcores; /* n_workers entries */
	struct rte_ring *inject;  /* control thread -> worker 0: vsw_dp_inject_rx() */
};

extern struct vsw_dp_state vsw_dp;

/* Worker entry point for rte_eal_remote_launch(); arg is its struct vsw_lcore. */
int vsw_dp_worker_main(void *arg);

/*
 * How many hooks at the top of @p hooks the vSwitch stage may judge frames by inside its
 * classification (ext_builtin_dp.h): those of the built-in extensions, when they are there in
 * the order the switch registers them; else 0.
 */
uint16_t vsw_ext_builtin_fused_hooks(const struct vsw_dp_hook *hooks, uint16_t n);

/* The NIC switch stage on an rx burst of the PF's wire or of a VF (nicsw_dp.c). */
uint16_t vsw_dp_nicsw_burst(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg,
                            const struct vsw_dp_rxq *q);

/* A frame the vSwitch sends to the NIC switch's uplink: to a VF or out of the wire. */
void vsw_dp_nicsw_from_vswitch(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg,
                               struct rte_mbuf *m);

/* A frame the vSwitch sends to VM port @p port whose adapter is steered to its VF, or to both
 * its paths during a change (enum vsw_dp_vm_steer). */
void vsw_dp_nicsw_to_vm(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, uint16_t port,
                        struct rte_mbuf *m);

static inline void
vsw_counter_add(uint64_t *counter, uint64_t n)
{
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/*
 * vhost-user ports are served by the vhost library directly (vhost_ctl.c): vsw_dp_vhost_vids[]
 * holds, per switch port, the vhost device id while the device is up and -1 otherwise. A port
 * without an ethdev (eth_port_id VSW_ETH_PORT_NONE) has no other path. One with the vhost
 * PMD's ethdev (the PMD's own bursts free every mbuf one by one through its shared object's TLS
 * lookup) keeps it as the path for captures and while no device is up.
 */
extern int vsw_dp_vhost_vids[VSW_PORTS_MAX];

/* The vring a worker dequeues from for rx queue @p q (the guest's tx ring) and the one it
 * enqueues to for tx queue @p q (the guest's rx ring), as the virtio-net layout pairs them. */
#define VSW_VHOST_RING_OF_RXQ(q) ((uint16_t)((q)*2 + 1))
#define VSW_VHOST_RING_OF_TXQ(q) ((uint16_t)((q)*2))

/* A capture (pdump) hooks callbacks into the ethdev's bursts: then the ethdev path is taken. */
static inline bool
vsw_dp_has_callbacks(uint16_t eth_port_id, uint16_t queue_id, bool is_rx)
{
#ifdef RTE_ETHDEV_RXTX_CALLBACKS
	const struct rte_eth_fp_ops *ops = &rte_eth_fp_ops[eth_port_id];
	void **cbs = is_rx ? ops->rxq.clbk : ops->txq.clbk;

	return __atomic_load_n(&cbs[queue_id], __ATOMIC_RELAXED) != NULL;
#else
	RTE_SET_USED(eth_port_id);
	RTE_SET_USED(queue_id);
	RTE_SET_USED(is_rx);
	return false;
#endif
}

/* The vhost device of switch port @p port for a direct burst on @p queue_id, or -1. */
static inline int
vsw_dp_vhost_vid(uint16_t port, uint16_t eth_port_id, uint16_t queue_id, bool is_rx)
{
	const int vid = __atomic_load_n(&vsw_dp_vhost_vids[port], __ATOMIC_ACQUIRE);

	if (vid < 0 || eth_port_id == VSW_ETH_PORT_NONE)
		return vid;
	if (unlikely(vsw_dp_has_callbacks(eth_port_id, queue_id, is_rx)))
		return -1;
	return vid;
}

/*
 * One rx burst of @p q into @p pkts, neither counted nor marked with the input port: the
 * vSwitch stage does both in its first loop over the frames. @p is_copied tells whether the
 * vhost library copied them just now (they are in the cache). @return frames received.
 */
static inline uint16_t
vsw_dp_rx_uncounted(const struct vsw_dp_cfg *cfg, const struct vsw_dp_rxq *q,
                    struct rte_mbuf **pkts, bool *is_copied)
{
	const int vid = vsw_dp_vhost_vid(q->port, q->eth_port_id, q->queue_id, true);

	*is_copied = vid >= 0;
	if (vid >= 0)
		return rte_vhost_dequeue_burst(vid, VSW_VHOST_RING_OF_RXQ(q->queue_id), cfg->pool,
		                               pkts, VSW_BURST_MAX);
	if (q->eth_port_id == VSW_ETH_PORT_NONE)
		return 0; /* a vhost-user port whose guest is not there */
	return rte_eth_rx_burst(q->eth_port_id, q->queue_id, pkts, VSW_BURST_MAX);
}

/* One rx burst of @p q into @p pkts, counted on its port. @return frames received. */
static inline uint16_t
vsw_dp_rx(struct vsw_lcore *lc, const struct vsw_dp_cfg *cfg, const struct vsw_dp_rxq *q,
          struct rte_mbuf **pkts)
{
	bool is_copied;
	const uint16_t n = vsw_dp_rx_uncounted(cfg, q, pkts, &is_copied);
	uint64_t bytes = 0;

	if (n == 0)
		return 0;
	/* The input port, as a PMD sets it (the vhost library does not): hooks read it. */
	for (uint16_t i = 0; i < n; i++) {
		pkts[i]->port = q->eth_port_id;
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	}
	vsw_counter_add(&lc->stats[q->port].rx_packets, n);
	vsw_counter_add(&lc->stats[q->port].rx_bytes, bytes);
	return n;
}

/*
 * True when some verdict is not PASS. The whole array is scanned, four verdicts per 64-bit
 * word, in a loop of fixed length the compiler unrolls: verdicts past the burst stay PASS
 * (reset once per burst, and after every compaction).
 */
static inline bool
has_verdict(const uint16_t verdicts[VSW_BURST_MAX])
{
	uint64_t and4 = UINT64_MAX, w;

	static_assert(VSW_EXT_PASS == UINT16_MAX, "PASS is all ones: scanned 64 bits at a time");
	static_assert(VSW_BURST_MAX % 4 == 0, "whole 64-bit words of verdicts");
	for (unsigned int i = 0; i < VSW_BURST_MAX; i += 4) {
		memcpy(&w, &verdicts[i], sizeof(w));
		and4 &= w;
	}
	return and4 != UINT64_MAX;
}

#endif /* VSW_DP_PRIV_H */
