/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the port module's files share: port_ctl.c (devices from devargs) and kernel_if.c
 * (uplinks on kernel interfaces). Control thread only.
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

#endif /* VSW_PORT_PRIV_H */
