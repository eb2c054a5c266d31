/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The switch's own policies, built as extensions on the public extension API (R-NIC-5) to
 * prove it carries real features: per-port statistics by frame class, the MAC spoof guard,
 * storm control, the DHCP and router guards, port mirroring and a lifecycle trace. Each
 * reads its per-port settings from the published struct vsw_dp_port (is_spoof_guarded and macs[],
 * storm_pps, is_dhcp_guarded, is_router_guarded, mirror_rx_port and mirror_tx_port); the
 * control thread registers them all at start.
 */
#ifndef VSW_EXT_BUILTIN_H
#define VSW_EXT_BUILTIN_H

#include <stdint.h>

#include "vsw/ext.h"

/** Drops frames from a guarded port whose source MAC is none of the port's MACs. */
extern const struct vsw_ext_ops vsw_ext_spoof_guard;

/** Limits the broadcast and multicast frames a port sends to its storm_pps per second. */
extern const struct vsw_ext_ops vsw_ext_storm_control;

/** Drops DHCP server messages and router advertisements/redirects from guarded ports. */
extern const struct vsw_ext_ops vsw_ext_l3_guard;

/** Copies what a port receives and/or sends to its mirror port. */
extern const struct vsw_ext_ops vsw_ext_mirror;

/** Counts each port's frames by destination class (unicast, multicast, broadcast). */
extern const struct vsw_ext_ops vsw_ext_port_stats;

/** Frames of one port by class, as the port-stats extension counts them. */
struct vsw_port_class_stats {
	uint64_t rx_unicast;
	uint64_t rx_multicast;
	uint64_t rx_broadcast;
	uint64_t tx_unicast;
	uint64_t tx_multicast;
	uint64_t tx_broadcast;
};

/** Totals of switch port index @p port over all workers (relaxed reads). Control thread. */
void vsw_ext_port_stats_read(uint16_t port, struct vsw_port_class_stats *out);

/** Logs every lifecycle notification it receives, in the order it receives them. */
extern const struct vsw_ext_ops vsw_ext_trace;

#endif /* VSW_EXT_BUILTIN_H */
