/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the port module's files share: port_ctl.c (devices from devargs), kernel_if.c
 * (uplinks on kernel interfaces) and vhost_port.c (vhost-user ports without an ethdev).
 * Control thread only.
 */
#ifndef VSW_PORT_PRIV_H
#define VSW_PORT_PRIV_H

#include <rte_log.h>

#include "vsw/port.h"

extern int vsw_port_logtype;
#define PORT_LOG(lvl, fmt, ...)                                                                    \
	rte_log(RTE_LOG_##lvl, vsw_port_logtype, "port: " fmt "\n", ##__VA_ARGS__)

/* Probe port->devargs and start it with @p n_txqs tx queues; nothing left on failure. */
int vsw_port_open_devargs(struct vsw_port *port, uint16_t n_txqs, struct rte_mempool *pool,
                          struct vsw_errmsg *em);

/* An external port on kernel interface port->netdev: af_xdp, else af_packet (kernel_if.c). */
int vsw_port_open_kernel_if(struct vsw_port *port, uint16_t n_txqs, struct rte_mempool *pool,
                            struct vsw_errmsg *em);

/* vhost_port.c: a vhost-user port served by the vhost library, port->eth_port_id set to
 * VSW_ETH_PORT_NONE; the socket claimed, registered and started, or nothing left. */
int vsw_port_open_vhost(struct vsw_port *port, uint16_t n_txqs, struct vsw_errmsg *em);
/* Unregister its socket (destroying a device still up), after the workers let go of it. */
void vsw_port_close_vhost(struct vsw_port *port);
/* Post its device's arrivals and departures on @p ring (struct vsw_port_link_ev). */
void vsw_port_watch_vhost(const struct vsw_port *port, struct rte_ring *ring);
/* Its guest's device is ready. */
bool vsw_port_vhost_is_up(const struct vsw_port *port);
/* Queue pairs its guest's device has, up to port->n_txqs; port->n_txqs with no device. */
uint16_t vsw_port_vhost_usable_txqs(const struct vsw_port *port);

#endif /* VSW_PORT_PRIV_H */
