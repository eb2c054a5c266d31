/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * What an extension's datapath hook sees (R-NIC-5). Hooks run on worker lcores, in stack
 * order, on bursts of ports whose NIC is connected: ingress hooks after VLAN classification
 * and before forwarding, egress hooks before transmission. A hook must not block, lock,
 * allocate other than mbufs, or call the control API; it reads the published configuration
 * through @c cfg and @c port, and decides with @c verdicts.
 */
#ifndef VSW_EXT_DP_H
#define VSW_EXT_DP_H

#include <stdint.h>

#include "vsw/datapath.h"

struct rte_mbuf;
struct vsw_lcore;

/** Verdict: let the packet go on (every verdict starts as this). */
#define VSW_EXT_PASS UINT16_MAX
/** Verdict: drop it, counted as drop_ext on the port. */
#define VSW_EXT_DROP (UINT16_MAX - 3)
/* Any other verdict below VSW_PORTS_MAX redirects the packet to that port index. */
/** Verdict of the built-in guards: drop it, already counted under the guard's own reason. */
#define VSW_EXT_DROP_COUNTED (UINT16_MAX - 4)
static_assert(VSW_EXT_DROP_COUNTED > VSW_PORTS_MAX, "verdicts must not collide with port indexes");

/** One burst offered to a hook. */
struct vsw_ext_dp_args {
	const struct vsw_dp_cfg *cfg;   /**< the configuration this pass runs on */
	const struct vsw_dp_port *port; /**< the port the burst is received on / sent to */
	uint16_t port_index;
	uint16_t n;
	/**
	 * Ingress hooks may modify these in place (each is the hook's alone); egress hooks must
	 * not: a flooded frame is one mbuf shared by every port it leaves through.
	 */
	struct rte_mbuf **pkts;
	uint16_t *verdicts;   /**< one per packet: PASS, DROP or a port index */
	struct vsw_lcore *lc; /**< the worker, for vsw_ext_dp_inject() */
};

/**
 * Send @p m out of port @p port (a copy, or a new packet): it is queued on the worker's tx
 * buffer for that port and consumed. Dropped and counted when the port is not connected.
 * Worker only, from inside a hook.
 */
void vsw_ext_dp_inject(struct vsw_ext_dp_args *args, uint16_t port, struct rte_mbuf *m);

#endif /* VSW_EXT_DP_H */
