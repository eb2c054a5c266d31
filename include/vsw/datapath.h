/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The datapath: worker lcores that poll their rx queues, decide each frame's destination and
 * transmit in bursts, run to completion, without locks or allocation.
 *
 * Thread-safety. Workers read exactly one shared object, the published struct vsw_dp_cfg, with
 * an acquire load at the top of every loop and never keep a pointer into it past their
 * quiescent-state report. The control thread is its only writer: it builds a complete new
 * version aside, publishes it with vsw_dp_publish() (a release store followed by an RCU QSBR
 * grace period), and only then frees the old one. Counters are written only by the worker
 * that owns them and summed by the control thread with relaxed loads.
 */
#ifndef VSW_DATAPATH_H
#define VSW_DATAPATH_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw/fdb.h"
#include "vsw/limits.h"

/** One switch port as the workers see it. */
struct vsw_dp_port {
	bool is_used;      /**< a port holds this index */
	bool is_connected; /**< link up: unicast and flooding may reach it */
	uint16_t eth_port_id;
	uint16_t txq_of_worker[VSW_WORKERS_MAX]; /**< each worker owns one tx queue per port */
};

/** An rx queue some worker polls. */
struct vsw_dp_rxq {
	uint16_t port; /**< switch port index */
	uint16_t eth_port_id;
	uint16_t queue_id;
};

/** What one worker polls. */
struct vsw_dp_worker_cfg {
	uint16_t n_rxqs;
	struct vsw_dp_rxq rxqs[VSW_PORTS_MAX];
};

/** One immutable version of everything the workers read. */
struct vsw_dp_cfg {
	uint64_t version;       /**< increases with each publication */
	uint16_t external_port; /**< uplink port index, or VSW_PORT_NONE */
	uint16_t n_flood_ports;
	uint16_t flood_ports[VSW_PORTS_MAX];     /**< connected ports, ascending */
	struct vsw_dp_port ports[VSW_PORTS_MAX]; /**< indexed by switch port index */
	struct vsw_fdb fdb;                      /**< unicast MAC -> port index */
	struct vsw_dp_worker_cfg workers[VSW_WORKERS_MAX];
};

/** Per-port counters; for one worker, or summed over all workers. */
struct vsw_port_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t drop_runt;      /**< rx: shorter than an Ethernet header */
	uint64_t drop_no_dest;   /**< rx: no port to send it to (hairpin, unknown, lone port) */
	uint64_t drop_port_down; /**< tx: destination not connected */
	uint64_t drop_tx_full;   /**< tx: the device took fewer frames than offered */
};

/** Sum of every drop counter of @p s. */
uint64_t vsw_port_stats_drops(const struct vsw_port_stats *s);

/**
 * Prepare the datapath for @p n_workers workers on @p lcore_ids (EAL worker lcores).
 * Control thread, after rte_eal_init().
 *
 * @return 0, -EINVAL (bad lcore: not enabled, the main lcore, or repeated), -ENOMEM.
 */
int vsw_dp_init(const unsigned int *lcore_ids, unsigned int n_workers);

/** Number of workers given to vsw_dp_init(). */
unsigned int vsw_dp_n_workers(void);

/** Launch the workers on their lcores. @return 0 or -EBUSY if an lcore is not idle. */
int vsw_dp_start(void);

/** Ask the workers to stop and wait until they have returned. Safe if never started. */
void vsw_dp_stop(void);

/** Free what vsw_dp_init() and publications allocated. Workers must be stopped. */
void vsw_dp_fini(void);

/** A zeroed configuration to fill and publish (external port none). NULL: -ENOMEM. */
struct vsw_dp_cfg *vsw_dp_cfg_alloc(void);

/** Free a configuration that was never published. */
void vsw_dp_cfg_free(struct vsw_dp_cfg *cfg);

/** The configuration workers see now (control thread: stable until it publishes). */
const struct vsw_dp_cfg *vsw_dp_cfg_current(void);

/**
 * Make @p cfg the one workers see, wait until no worker can still read the previous one,
 * then free it. Blocks the control thread for at most one worker loop; never blocks a worker.
 */
void vsw_dp_publish(struct vsw_dp_cfg *cfg);

/** Counters of switch port @p port summed over all workers (relaxed reads). */
void vsw_dp_port_stats(uint16_t port, struct vsw_port_stats *out);

#endif /* VSW_DATAPATH_H */
