/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The built-in ingress hooks at the top of the stack (port-stats, mirror, spoof-guard,
 * storm-control, dhcp-router-guard, in the order the switch registers them) judged frame by
 * frame, for ports whose mirror and storm limit are off (those two do nothing then). Five hooks
 * would each walk the burst and read every frame again: the vSwitch stage judges each frame by
 * them inside the loop that classifies the burst, before the hooks below them on the stack
 * see it. Per frame, in stack order: count its class; drop it if its source is
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

/* Key of the port's first MAC, 0 (which matches no key) when it has none. */
static inline uint64_t
vsw_builtin_first_mac(const struct vsw_dp_port *p)
{
	return p->n_macs != 0 ? vsw_fdb_key(p->macs[0]) : 0;
}

/*
 * The spoof guard's judgement: @p src is none of the port's MACs. Most ports have one MAC:
 * one compare of keys per frame, against @p first_mac (vsw_builtin_first_mac()).
 */
static inline bool
vsw_builtin_is_spoofed(const struct vsw_dp_port *p, uint64_t first_mac, const uint8_t *src)
{
	const uint64_t key = vsw_fdb_key(src);

	return unlikely(key != first_mac) && !vsw_builtin_is_other_own_mac(p, key);
}

/* Count a frame to @p dst in @p n_multi (multicast, broadcast included) and @p n_bcast. */
static inline void
vsw_builtin_count_class(const uint8_t *dst, uint64_t *n_multi, uint64_t *n_bcast)
{
	if (unlikely(dst[0] & 0x01)) {
		(*n_multi)++;
		*n_bcast += rte_is_broadcast_ether_addr((const struct rte_ether_addr *)dst);
	}
}

static inline void
vsw_builtin_rx_begin(struct vsw_builtin_rx *b, const struct vsw_dp_port *p)
{
	*b = (struct vsw_builtin_rx){.port = p,
	                             .first_mac = vsw_builtin_first_mac(p),
	                             .is_spoof_guarded = p->is_spoof_guarded,
	                             .is_dhcp_guarded = p->is_dhcp_guarded,
	                             .is_router_guarded = p->is_router_guarded};
}

/* @p m's verdict; @p dst is where its data starts (the caller has it at hand). */
static __rte_always_inline enum vsw_builtin_verdict
vsw_builtin_rx_frame(struct vsw_builtin_rx *b, const struct rte_mbuf *m, const uint8_t *dst)
{
	b->n_seen++;
	vsw_builtin_count_class(dst, &b->n_multi, &b->n_bcast);
	if (b->is_spoof_guarded &&
	    vsw_builtin_is_spoofed(b->port, b->first_mac, dst + RTE_ETHER_ADDR_LEN))
		return VSW_BUILTIN_SPOOFED;
	if (!b->is_dhcp_guarded && !b->is_router_guarded)
		return VSW_BUILTIN_PASS;
	switch (vsw_guard_judge(m, b->is_dhcp_guarded, b->is_router_guarded)) {
	case VSW_L3_PASS:
		return VSW_BUILTIN_PASS;
	case VSW_L3_DHCP_SERVER:
		b->dhcp_drops++;
		break;
	case VSW_L3_ROUTER:
		b->router_drops++;
		break;
	}
	return VSW_BUILTIN_GUARDED;
}

/* The burst's class and guard counts, on @p lc's counters of port @p port_index. */
void vsw_builtin_rx_end(const struct vsw_builtin_rx *b, struct vsw_lcore *lc, uint16_t port_index);

#endif /* VSW_EXT_BUILTIN_DP_H */
