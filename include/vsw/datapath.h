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
#include <stddef.h>
#include <stdint.h>

#include <rte_meter.h>
#include <rte_spinlock.h>

#include "vsw/ext.h"
#include "vsw/fdb.h"
#include "vsw/limits.h"
#include "vsw/nicsw.h"
#include "vsw/vlan.h"

struct rte_mbuf;
struct rte_mempool;
struct vsw_learn;

/** MACs a port may send from (its VM adapter's addresses), for the spoof guard. */
#define VSW_PORT_MACS_MAX 8

/**
 * Where the vSwitch stage sends frames for a VM port (R-DP-2, R-DP-3). While a VM adapter moves
 * between its paths they get both: the guest takes the copy on the path it uses at that
 * moment, so the move loses nothing whenever the guest makes it.
 */
enum vsw_dp_vm_steer {
	VSW_DP_STEER_SYNTHETIC = 0, /**< the port itself: vhost-user */
	VSW_DP_STEER_VF,            /**< the adapter's VF, through its VPort */
	VSW_DP_STEER_BOTH,          /**< both, during a change */
};

/** eth_port_id of a port without an ethdev: a vhost-user port served by the vhost library. */
#define VSW_ETH_PORT_NONE UINT16_MAX

/** One switch port as the workers see it. */
struct vsw_dp_port {
	bool is_used;           /**< a port holds this index */
	bool is_connected;      /**< NIC connected: the only state in which frames flow */
	bool is_learning;       /**< learn source MACs arriving here (external and trunk ports) */
	bool is_spoof_guarded;  /**< drop frames whose source is none of macs[] */
	bool is_dhcp_guarded;   /**< drop DHCP server messages it sends (IPv4, UDP from 67) */
	bool is_router_guarded; /**< drop router advertisements and redirects it sends */
	uint32_t storm_pps;     /**< broadcast+multicast frames/s it may send; 0: no limit */
	/** storm_pps as an srTCM profile (one token per frame), when storm_pps != 0 */
	struct rte_meter_srtcm_profile storm_profile;
	uint16_t eth_port_id;
	bool is_txq_shared; /**< fewer usable tx queues than workers: take txq_locks */
	uint16_t txq_of_worker[VSW_WORKERS_MAX]; /**< each worker owns one tx queue per port */
	rte_spinlock_t *txq_locks; /**< per tx queue; owned by the port, outlives this config */
	uint16_t mirror_rx_port;   /**< port that gets a copy of what this one receives, or NONE */
	uint16_t mirror_tx_port;   /**< port that gets a copy of what this one sends, or NONE */
	uint8_t n_macs;
	uint8_t macs[VSW_PORT_MACS_MAX][6];
	struct vsw_vlan_cfg vlan;
	uint8_t vm_steer;       /**< enum vsw_dp_vm_steer: where frames for this VM port go */
	uint16_t vm_vf_port;    /**< its VM adapter's VF port, unless vm_steer is SYNTHETIC */
	uint32_t frame_len_max; /**< longer received frames are dropped (oversize); 0: no limit */
	/** Differs for every port ever created: frames a worker holds for this index across
	 *  passes are sent only if the port holding it now is the one they were queued for. */
	uint32_t gen;
	/** Interrupt moderation of a VF's VPort (R-VP-6): TSC cycles at least between two tx
	 *  bursts of one worker to it (frames wait in the worker's tx buffer meanwhile, up to a
	 *  full burst); 0: a burst at the end of every pass that queued frames. */
	uint64_t tx_gap_cycles;
};

/** Datapath hooks of one extension, in stack order (R-NIC-5). */
struct vsw_dp_hook {
	vsw_ext_dp_fn ingress; /**< after VLAN classification, before forwarding; or NULL */
	vsw_ext_dp_fn egress;  /**< before transmission; or NULL */
	void *ctx;
};

/** Which stage takes the frames of an rx queue. */
enum vsw_dp_stage {
	VSW_DP_STAGE_VSWITCH,  /**< a vSwitch port: VMs, uplinks not bound to a NIC switch */
	VSW_DP_STAGE_NICSW_PF, /**< the wire of a NIC switch's PF: classified by filters first */
	VSW_DP_STAGE_NICSW_VF, /**< a VF of a NIC switch */
};

/** An rx queue some worker polls. */
struct vsw_dp_rxq {
	uint16_t port; /**< switch port index */
	uint8_t stage; /**< enum vsw_dp_stage */
	uint16_t eth_port_id;
	uint16_t queue_id;
};

/** What one worker polls. */
struct vsw_dp_worker_cfg {
	uint16_t n_rxqs;
	struct vsw_dp_rxq rxqs[VSW_PORTS_MAX * VSW_WORKERS_MAX]; /**< every queue of its ports */
};

/**
 * The emulated NIC switch as workers see it (R-VP-7): its filter table, and which switch
 * port is the PF's wire (also the vSwitch's uplink, i.e. the default VPort) and each VF.
 */
struct vsw_dp_nicsw {
	bool is_used;
	/** The wire's link. The default VPort is always operational (R-VP-2): the vSwitch
	 *  reaches VFs through the uplink port whatever the wire does. */
	bool is_wire_up;
	uint16_t uplink_port;                         /**< the PF's wire, a vSwitch port */
	uint16_t port_of_vport[VSW_NICSW_VPORTS_MAX]; /**< VF port of a VF VPort, or NONE */
	uint16_t vport_of_port[VSW_PORTS_MAX];        /**< VPort of a VF port, or NONE */
	/** VLANs (0: untagged) each VPort has a filter on: where its broadcasts come from. */
	struct {
		uint8_t n;
		uint16_t ids[VSW_NICSW_FILTERS_PER_VPORT_MAX];
	} vport_vlans[VSW_NICSW_VPORTS_MAX];
	struct vsw_nicsw_ftable ftable;
};

/** One immutable version of everything the workers read. */
struct vsw_dp_cfg {
	uint64_t version;         /**< increases with each publication */
	struct rte_mempool *pool; /**< for copies: mirrors, tagged floods */
	struct vsw_learn *learn;  /**< learned MACs (one table across versions), or NULL */
	uint16_t external_port;   /**< uplink port index, or VSW_PORT_NONE */
	uint16_t n_hooks;
	struct vsw_dp_hook hooks[VSW_EXT_MAX]; /**< extensions' datapath hooks, stack order */
	/** Ingress hooks at the top of the stack that are the built-in ones, which one fused pass
	 *  runs where it can (vsw_dp_publish() sets it); 0: hook by hook. */
	uint16_t n_fused_hooks;
	uint16_t n_flood_ports;
	uint16_t flood_ports[VSW_PORTS_MAX];     /**< connected ports, ascending */
	uint64_t tx_moderated;                   /**< bit n: ports[n].tx_gap_cycles != 0 */
	struct vsw_dp_port ports[VSW_PORTS_MAX]; /**< indexed by switch port index */
	struct vsw_fdb fdb;                      /**< static unicast MAC -> port index */
	struct vsw_dp_nicsw nicsw;
	struct vsw_dp_worker_cfg workers[VSW_WORKERS_MAX];
};

/** Per-port counters; for one worker, or summed over all workers. */
struct vsw_port_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t drop_runt;         /**< rx: shorter than an Ethernet header, or a cut 802.1Q tag */
	uint64_t drop_oversize;     /**< rx: longer than the port's MTU with two tags allows */
	uint64_t drop_bad_src;      /**< rx: source MAC multicast, broadcast or all zeros */
	uint64_t drop_loop;         /**< rx: on a learning port, from another port's static MAC */
	uint64_t drop_vlan;         /**< rx: VLAN not admitted by the port */
	uint64_t drop_ext;          /**< rx or tx: an extension's verdict */
	uint64_t drop_no_dest;      /**< rx: no port to send it to (hairpin, unknown, lone port) */
	uint64_t drop_port_down;    /**< tx: destination not connected */
	uint64_t drop_no_mbuf;      /**< tx: no mbuf for a copy (tagged flood, mirror) */
	uint64_t drop_tx_full;      /**< tx: the device took fewer frames than offered */
	uint64_t drop_dhcp_guard;   /**< rx: a DHCP server message from a port not allowed one */
	uint64_t drop_router_guard; /**< rx: a router advertisement or redirect, not allowed */
	uint64_t drop_storm;        /**< rx: broadcast/multicast over the port's storm_pps */
};

/**
 * Counters of one worker, in its own cache-aligned struct vsw_lcore. Each loop pass reads the
 * TSC once: the cycles since the previous read go to busy_cycles when the pass received a
 * frame, else to idle_cycles (idle sleeps included), so busy + idle is the worker's run time.
 */
struct vsw_worker_stats {
	uint64_t busy_passes; /**< passes that received at least one frame */
	uint64_t idle_passes; /**< passes that received nothing */
	uint64_t sleeps;      /**< idle back-off sleeps */
	uint64_t slept_ns;    /**< time given back to the host while idle */
	uint64_t busy_cycles; /**< TSC cycles of passes that received frames */
	uint64_t rx_packets;  /**< frames received on all its queues, for cycles/packet */
	uint64_t learn_requests_dropped; /**< learn requests the full ring refused */
	uint64_t idle_cycles;            /**< TSC cycles of passes that received nothing */
	/** Frames it transmitted on all ports; not counted by the worker but summed from its
	 *  per-port tx counters when read, so it costs the loop nothing. */
	uint64_t tx_packets;
};

/** One counter of struct vsw_port_stats: its name (as its field) and where it is. */
struct vsw_port_stats_field {
	const char *name;
	size_t offset;
};

/**
 * Every counter of struct vsw_port_stats in field order, then {NULL, 0}: the one list the CLI,
 * its JSON and telemetry print from (a counter missing here does not build).
 */
extern const struct vsw_port_stats_field vsw_port_stats_fields[];

/** Counter @p f of @p s. */
static inline uint64_t
vsw_port_stats_get(const struct vsw_port_stats *s, const struct vsw_port_stats_field *f)
{
	return *(const uint64_t *)(const void *)((const char *)s + f->offset);
}

/** Sum of every drop counter of @p s. */
uint64_t vsw_port_stats_drops(const struct vsw_port_stats *s);

/**
 * Prepare the datapath for @p n_workers workers on @p lcore_ids (EAL worker lcores).
 * Control thread, after rte_eal_init().
 *
 * @return 0, -EINVAL (bad lcore: not enabled, the main lcore, or repeated), -ENOMEM.
 */
int vsw_dp_init(const unsigned int *lcore_ids, unsigned int n_workers);

/** The QSBR variable workers report to (for tables that reclaim after a grace period). */
struct rte_rcu_qsbr *vsw_dp_qsv(void);

/** Number of workers given to vsw_dp_init(). */
unsigned int vsw_dp_n_workers(void);

/**
 * Idle back-off: a worker whose passes receive nothing sleeps in growing steps up to
 * @p max_us microseconds (0: pure polling, for dedicated cores), and polls at full speed again
 * as soon as a pass receives a frame. Control thread; takes effect at the next idle pass.
 */
void vsw_dp_set_idle_sleep_max(uint32_t max_us);

/**
 * An rx queue whose last polls all found nothing is polled at most once per @p poll_us until
 * it has frames again (0: every pass): many idle ports cost a worker little (R-IF-1's
 * hosts with more VMs than are busy), at the price of up to @p poll_us for the first frame
 * of a port that was quiet. Any thread; workers see it on their next pass.
 */
void vsw_dp_set_idle_rxq_poll(uint32_t poll_us);

/** Counters of worker @p worker since it started (relaxed reads); zeroes when out of range. */
void vsw_dp_worker_stats(unsigned int worker, struct vsw_worker_stats *out);

/** EAL lcore of worker @p worker, or RTE_MAX_LCORE when out of range. */
unsigned int vsw_dp_worker_lcore(unsigned int worker);

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

/**
 * Let workers burst on vhost device @p vid for switch port @p port directly, with the vhost
 * library; -1: no device. Taking a device away returns after a grace period, when no worker
 * bursts on it any more: call it from the library's destroy_device() callback, before the
 * library frees the device. Control thread or the vhost event thread.
 */
void vsw_dp_vhost_set(uint16_t port, int vid);

/**
 * For a port with the vhost PMD's ethdev @p eth_port_id: follow its device with
 * vsw_dp_vhost_set() on the PMD's link events. Control thread.
 * @return 0, or a negative errno (no link events: the ethdev's own bursts are used).
 */
int vsw_dp_vhost_watch(uint16_t port, uint16_t eth_port_id);

/**
 * Stop vsw_dp_vhost_watch() (@p eth_port_id VSW_ETH_PORT_NONE: a port without an ethdev) and
 * forget the device: returns after a grace period. Control thread, before the port closes.
 */
void vsw_dp_vhost_unwatch(uint16_t port, uint16_t eth_port_id);

/**
 * The vhost device whose rings workers use for switch port @p port, or -1 (none, or the port's
 * ethdev bursts are used). Any thread.
 */
int vsw_dp_vhost_device(uint16_t port);

/**
 * Enter @p m into the switch as if port @p port had received it (e.g. an announcement of a VM's
 * MAC): a worker takes it on its next pass and forwards it like any frame from that port, or
 * frees it if the port is not connected by then. Control thread. Consumes @p m either way.
 * @return 0, or -ENOBUFS (too many frames waiting: dropped).
 */
int vsw_dp_inject_rx(uint16_t port, struct rte_mbuf *m);

/** Counters of NIC switch VPort @p vport_id summed over all workers (relaxed reads). */
void vsw_dp_vport_stats(uint16_t vport_id, struct vsw_vport_stats *out);

/** Counters of switch port @p port summed over all workers (relaxed reads). */
void vsw_dp_port_stats(uint16_t port, struct vsw_port_stats *out);

#endif /* VSW_DATAPATH_H */
