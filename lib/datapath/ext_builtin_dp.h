/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in ingress hooks at the top of the stack (port-stats, mirror, spoof-guard,
 * storm-control, dhcp-router-guard, in the order the switch registers them) judged frame by
 * frame, for ports whose mirror and storm limit are off (those two do nothing then). Five hooks
 * would each walk the burst and read every frame again: vsw_ext_builtin_ingress() runs them as
 * one hook, and the vSwitch stage, when nothing else is on the stack, inside the loop that
 * classifies the burst. Per frame, in stack order: count its class; drop it if its source is
 * not the port's (the guards below do not see it then); drop it if it is a DHCP server message,
 * or a router advertisement or redirect, that the port may not send. Workers only.
 */
#ifndef VSW_EXT_BUILTIN_DP_H
#define VSW_EXT_BUILTIN_DP_H

#include <rte_ether.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "guard_dp.h"
#include "vsw/fdb.h"

/* One burst's state and counts. */
struct vsw_builtin_rx {
	const struct vsw_dp_port *port;
	uint64_t first_mac; /* key of macs[0] (0 matches no key): most ports have one MAC */
	bool is_spoof_guarded, is_dhcp_guarded, is_router_guarded;
	uint64_t n_seen, n_multi, n_bcast, dhcp_drops, router_drops;
};

enum vsw_builtin_verdict {
	VSW_BUILTIN_PASS,
	VSW_BUILTIN_SPOOFED, /* counted as drop_ext, as the spoof guard's DROP verdict is */
	VSW_BUILTIN_GUARDED, /* counted under its guard's reason by vsw_builtin_rx_end() */
};

/* True when the built-ins can be judged frame by frame on @p p (see the top of the file). */
static inline bool
vsw_builtin_rx_applies(const struct vsw_dp_cfg *cfg, const struct vsw_dp_port *p)
{
	return cfg->n_fused_hooks != 0 && p->mirror_rx_port == VSW_PORT_NONE && p->storm_pps == 0;
}

/* Whether @p key (vsw_fdb_key()) is one of the port's MACs past the first. */
bool vsw_builtin_is_other_own_mac(const struct vsw_dp_port *p, uint64_t key);

static inline void
vsw_builtin_rx_begin(struct vsw_builtin_rx *b, const struct vsw_dp_port *p)
{
	*b = (struct vsw_builtin_rx){.port = p,
	                             .first_mac = p->n_macs != 0 ? vsw_fdb_key(p->macs[0]) : 0,
	                             .is_spoof_guarded = p->is_spoof_guarded,
	                             .is_dhcp_guarded = p->is_dhcp_guarded,
	                             .is_router_guarded = p->is_router_guarded};
}

/* @p m's verdict; @p dst is where its data starts (the caller has it at hand). */
static __rte_always_inline enum vsw_builtin_verdict
vsw_builtin_rx_frame(struct vsw_builtin_rx *b, const struct rte_mbuf *m, const uint8_t *dst)
{
	b->n_seen++;
	if (unlikely(dst[0] & 0x01)) {
		b->n_multi++;
		b->n_bcast += rte_is_broadcast_ether_addr((const struct rte_ether_addr *)dst);
	}
	if (b->is_spoof_guarded) {
		const uint64_t src_key = vsw_fdb_key(dst + RTE_ETHER_ADDR_LEN);

		if (unlikely(src_key != b->first_mac) &&
		    !vsw_builtin_is_other_own_mac(b->port, src_key))
			return VSW_BUILTIN_SPOOFED;
	}
	if (!b->is_dhcp_guarded && !b->is_router_guarded)
		return VSW_BUILTIN_PASS;
	switch (vsw_guard_classify_l3(m)) {
	case VSW_L3_PASS:
		break;
	case VSW_L3_DHCP_SERVER:
		if (b->is_dhcp_guarded) {
			b->dhcp_drops++;
			return VSW_BUILTIN_GUARDED;
		}
		break;
	case VSW_L3_ROUTER:
		if (b->is_router_guarded) {
			b->router_drops++;
			return VSW_BUILTIN_GUARDED;
		}
		break;
	}
	return VSW_BUILTIN_PASS;
}

/* The burst's class and guard counts, on @p lc's counters of port @p port_index. */
void vsw_builtin_rx_end(const struct vsw_builtin_rx *b, struct vsw_lcore *lc, uint16_t port_index);

#endif /* VSW_EXT_BUILTIN_DP_H */
