/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Switch ports and the DPDK devices behind them (R-NIC-1).
 *
 * A synthetic port is a vhost-user socket served by DPDK's vhost library directly, without an
 * ethdev (lib/port/vhost_port.c), unless its topology asks for the vhost PMD's ethdev
 * (`vhost.ethdev: true`, for dpdk-dumpcap); an emulated VF on a vhost-user socket has the
 * PMD's. Workers burst on the library either way (lib/datapath/vhost_ctl.c). An external port is
 * any DPDK device string (a PCI address, net_af_xdp, net_af_packet, net_tap). Control thread only.
 */
#ifndef VSW_PORT_H
#define VSW_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_spinlock.h>

#include "vsw/datapath.h"
#include "vsw/errmsg.h"
#include "vsw/ext_builtin.h"
#include "vsw/lifecycle.h"
#include "vsw/topo.h"

struct rte_mempool;
struct rte_ring;

/** A switch port. Owned by the control thread; workers see only struct vsw_dp_port. */
struct vsw_port {
	char name[VSW_NAME_SIZE];
	enum vsw_port_type type;
	uint16_t index;       /**< switch port index, 0..VSW_PORTS_MAX-1 */
	uint16_t eth_port_id; /**< DPDK ethdev, or VSW_ETH_PORT_NONE (vhost-user without one) */
	uint16_t worker;      /**< index of the worker polling its rx queue */
	bool has_mac;
	uint8_t mac[6];
	char devargs[VSW_DEVARGS_SIZE];    /**< what was probed */
	char vhost_path[VSW_PATH_SIZE];    /**< synthetic only */
	char netdev[VSW_TOPO_NETDEV_SIZE]; /**< internal, emulated: the kernel interface */
	/** af_packet, af_xdp: the kernel interface whose carrier is the port's link, else "" */
	char carrier_if[VSW_TOPO_NETDEV_SIZE];
	enum vsw_vhost_mode vhost_mode;
	bool has_vhost_ethdev;  /**< vhost-user through the vhost PMD's ethdev */
	bool is_link_up;        /**< last link state seen by the control thread */
	bool is_learning;       /**< learns source MACs (external, trunk ports) */
	bool is_spoof_guarded;  /**< frames must come from one of macs[] */
	bool is_dhcp_guarded;   /**< DHCP server messages from it are dropped */
	bool is_router_guarded; /**< router advertisements and redirects from it are dropped */
	uint32_t storm_pps;     /**< broadcast+multicast frames/s it may send; 0: no limit */
	bool is_announced_on_connect; /**< RARP from its MACs whenever its NIC connects */
	uint8_t n_macs;               /**< the VM adapter's MACs, mac[] first */
	uint8_t macs[VSW_PORT_MACS_MAX][6];
	struct vsw_vlan_cfg vlan;         /**< access or trunk */
	char mirror_rx_to[VSW_NAME_SIZE]; /**< port that gets a copy of rx, or "" */
	char mirror_tx_to[VSW_NAME_SIZE]; /**< port that gets a copy of tx, or "" */
	uint16_t n_rxqs;                  /**< rx queues: all polled by the port's worker */
	uint16_t n_rxqs_want;             /**< asked for before opening; 0: one per worker */
	uint32_t gen;                     /**< unique per port created (struct vsw_dp_port) */
	uint16_t n_txqs;                  /**< tx queues configured: one per worker */
	uint16_t n_txqs_usable;           /**< of those, the ones the peer serves (vhost) */
	rte_spinlock_t txq_locks[VSW_WORKERS_MAX]; /**< taken only when workers share a queue */
	struct vsw_lifecycle lc;                   /**< port and NIC states (R-NIC-2..4) */
	struct vsw_port_class_stats class_base;    /**< port-stats extension at creation */
	struct vsw_port_stats stats_base;          /**< worker counters when the port was created */
};

/**
 * Create the device of @p port (name, type, mac and vhost or devargs already filled) and start
 * it with one rx queue and @p n_txqs tx queues drawing from @p pool.
 *
 * A server-mode vhost socket path that another process listens on is refused (-EADDRINUSE);
 * a stale socket file left by a killed process is removed; any other file is left alone
 * (-EEXIST). The socket's directory is created when missing.
 *
 * @return 0 and port->eth_port_id set; a negative errno and @p em explained, nothing left
 *   behind.
 */
int vsw_port_open(struct vsw_port *port, uint16_t n_txqs, struct rte_mempool *pool,
                  struct vsw_errmsg *em);

/** Stop and remove the device of @p port; server sockets it created are unlinked. */
void vsw_port_close(struct vsw_port *port);

/**
 * Tx queues of @p port its peer serves now: a vhost-user guest may enable fewer queue pairs
 * than vsw configured (one per worker); other devices serve all of port->n_txqs.
 */
uint16_t vsw_port_usable_txqs(const struct vsw_port *port);

/** A link change a device reported, as queued for the control thread. */
struct vsw_port_link_ev {
	uint16_t eth_port_id; /**< the ethdev's; VSW_ETH_PORT_NONE: a port without one */
	uint16_t port;        /**< without an ethdev: the switch port index ... */
	uint32_t gen;         /**< ... and which port held it (struct vsw_port.gen) */
	bool is_up;           /**< the link as the device saw it when it reported the change */
};

/**
 * Queue every link change of @p port's device (a vhost-user device becoming ready or going
 * away, a NIC losing carrier) on @p ring, an MP/SC ring of struct vsw_port_link_ev, in the
 * order they happen: a guest that resets faster than the control loop polls is still seen
 * going down and up. Runs in the device's event thread; a full ring drops the event (the
 * control loop's periodic check catches up). @return 0 or the ethdev's negative errno.
 */
int vsw_port_watch_link(const struct vsw_port *port, struct rte_ring *ring);

/** Link state of @p port now (vhost: the guest's virtio device is ready; af_packet, af_xdp:
 *  the device runs and its kernel interface is up with carrier). Polled every control loop. */
bool vsw_port_link_up(const struct vsw_port *port);

#endif /* VSW_PORT_H */
