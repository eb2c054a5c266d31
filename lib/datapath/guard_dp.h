/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the DHCP and router guards look for in a frame (guard_dp.c), shared with the fused
 * built-in ingress hook (ext_builtin_dp.c). Workers only.
 */
#ifndef VSW_GUARD_DP_H
#define VSW_GUARD_DP_H

#include <stdbool.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>

/* UDP source port of DHCP servers and relays (RFC 2131): clients send from 68. */
#define DHCP_SERVER_PORT 67
#define ICMP4_REDIRECT 5

/* What a frame (tag popped by classification) carries, as far as the guards care. */
enum vsw_l3_verdict { VSW_L3_PASS, VSW_L3_DHCP_SERVER, VSW_L3_ROUTER };

/* Any frame: QinQ, IPv4 options, IPv6 extension headers, headers across segments. */
enum vsw_l3_verdict vsw_guard_classify_l3_slow(const struct rte_mbuf *m);

/* Headers read in place by the fast path: Ethernet, IPv4 without options, UDP or ICMP. */
#define FAST_HDRS_LEN                                                                              \
	(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr))
#define IPV4_VHL_NO_OPTIONS 0x45

/*
 * Untagged IPv4 without options, headers in the first segment: nearly every frame, judged with
 * a few loads instead of a walk through rte_pktmbuf_read(). @return false when it is not such a
 * frame, for vsw_guard_classify_l3_slow() to judge.
 */
static inline bool
vsw_guard_classify_l3_fast(const struct rte_mbuf *m, enum vsw_l3_verdict *v)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eh + 1);
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(ip + 1);
	const struct rte_icmp_hdr *icmp = (const struct rte_icmp_hdr *)(ip + 1);

	if (rte_pktmbuf_data_len(m) < FAST_HDRS_LEN ||
	    eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ip->version_ihl != IPV4_VHL_NO_OPTIONS)
		return false;
	*v = VSW_L3_PASS;
	if ((ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) != 0)
		return true;
	if (ip->next_proto_id == IPPROTO_UDP && udp->src_port == rte_cpu_to_be_16(DHCP_SERVER_PORT))
		*v = VSW_L3_DHCP_SERVER;
	else if (ip->next_proto_id == IPPROTO_ICMP && icmp->icmp_type == ICMP4_REDIRECT)
		*v = VSW_L3_ROUTER;
	return true;
}

static inline enum vsw_l3_verdict
vsw_guard_classify_l3(const struct rte_mbuf *m)
{
	enum vsw_l3_verdict v;

	if (likely(vsw_guard_classify_l3_fast(m, &v)))
		return v;
	return vsw_guard_classify_l3_slow(m);
}

/*
 * The guard, of those a port has, that drops @p m: VSW_L3_DHCP_SERVER or VSW_L3_ROUTER, or
 * VSW_L3_PASS when none does. The one place that says which guard drops what, for the guard
 * hook (guard_dp.c) and the fused built-ins (ext_builtin_dp.h).
 */
static inline enum vsw_l3_verdict
vsw_guard_judge(const struct rte_mbuf *m, bool is_dhcp_guarded, bool is_router_guarded)
{
	const enum vsw_l3_verdict v = vsw_guard_classify_l3(m);

	if ((v == VSW_L3_DHCP_SERVER && is_dhcp_guarded) ||
	    (v == VSW_L3_ROUTER && is_router_guarded))
		return v;
	return VSW_L3_PASS;
}

#endif /* VSW_GUARD_DP_H */
