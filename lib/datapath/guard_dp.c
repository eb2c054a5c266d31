/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-port guards against what a guest should never send, as built-in extensions on the
 * extension stack (include/vsw/ext_builtin.h), so that a port with every guard off costs one
 * flag test per burst:
 *
 *  - storm control: broadcast and multicast frames a port sends into the switch are limited to
 *    storm_pps per second by an srTCM meter (rte_meter) counting one "byte" per frame;
 *  - DHCP guard: IPv4 UDP from source port 67 (a DHCP server or relay answering);
 *  - router guard: ICMPv6 router advertisements (134) and redirects (137), ICMPv4 redirects (5).
 *
 * Workers only. Each drop is counted under its own reason in the worker's struct
 * vsw_port_stats and handed back as VSW_EXT_DROP_COUNTED, so drop_ext does not count it again.
 *
 * Why one meter per (worker, port) and no shared bucket: a port's rx queues are all polled by
 * one worker (struct vsw_port.worker), so exactly one worker meters a port's frames and its
 * bucket is the port's bucket: the limit is exact with plain loads and stores, where a bucket
 * shared by workers would need an atomic read-modify-write per frame. Frames the control
 * thread injects on a port (vsw_dp_inject_rx) are switched by worker 0 and metered by its
 * own bucket for that port; they are a handful of announcements, not a storm.
 */
#include "guard_dp.h"

#include <string.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_meter.h>
#include <rte_udp.h>

#include "dp_priv.h"
#include "vsw/ext_builtin.h"
#include "vsw/ext_dp.h"

#define ICMP6_ROUTER_ADVERT 134
#define ICMP6_REDIRECT 137
/* IPv6 extension headers walked to find the upper layer; a longer chain is dropped by the
 * router guard rather than passed unread (RFC 7113: RA guard evasion by header chains). */
#define IP6_EXT_HDRS_MAX 4

/*
 * A worker's meter for one port. The worker re-arms it from the published profile when the
 * port index holds another port (gen) or another limit (pps) than when it was armed.
 */
struct storm_meter {
	struct rte_meter_srtcm m;
	struct rte_meter_srtcm_profile profile; /* a copy: rte_meter takes it non-const */
	uint32_t gen;
	uint32_t pps;
} __rte_cache_aligned;

static struct storm_meter storm_meters[VSW_WORKERS_MAX][VSW_PORTS_MAX];

static void
storm_ingress(void *ctx, struct vsw_ext_dp_args *a)
{
	const struct vsw_dp_port *p = a->port;
	struct storm_meter *sm;
	uint64_t now, drops = 0;

	RTE_SET_USED(ctx);
	if (likely(p->storm_pps == 0))
		return;
	sm = &storm_meters[a->lc->worker_index][a->port_index];
	if (unlikely(sm->gen != p->gen || sm->pps != p->storm_pps)) {
		sm->profile = p->storm_profile;
		(void)rte_meter_srtcm_config(&sm->m, &sm->profile);
		sm->gen = p->gen;
		sm->pps = p->storm_pps;
	}
	now = rte_rdtsc();
	for (uint16_t i = 0; i < a->n; i++) {
		const uint8_t *dst = rte_pktmbuf_mtod(a->pkts[i], const uint8_t *);

		if (!(dst[0] & 0x01))
			continue;
		if (rte_meter_srtcm_color_blind_check(&sm->m, &sm->profile, now, 1) !=
		    RTE_COLOR_GREEN) {
			a->verdicts[i] = VSW_EXT_DROP_COUNTED;
			drops++;
		}
	}
	if (drops != 0)
		vsw_counter_add(&a->lc->stats[a->port_index].drop_storm, drops);
}

/* @p len bytes at @p off of @p m, in @p buf if they span segments; NULL past the end. */
static inline const void *
hdr_at(const struct rte_mbuf *m, uint32_t off, uint32_t len, void *buf)
{
	return rte_pktmbuf_read(m, off, len, buf);
}

static enum vsw_l3_verdict
classify_ipv4(const struct rte_mbuf *m, uint32_t off)
{
	union {
		struct rte_ipv4_hdr ip;
		struct rte_udp_hdr udp;
		struct rte_icmp_hdr icmp;
	} buf;
	const struct rte_ipv4_hdr *ip = hdr_at(m, off, sizeof(*ip), &buf);
	const struct rte_udp_hdr *udp;
	const struct rte_icmp_hdr *icmp;

	if (ip == NULL)
		return VSW_L3_PASS;
	/* Later fragments carry no transport header: what they belong to was judged whole. */
	if ((rte_be_to_cpu_16(ip->fragment_offset) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return VSW_L3_PASS;
	off += (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	switch (ip->next_proto_id) {
	case IPPROTO_UDP:
		udp = hdr_at(m, off, sizeof(*udp), &buf);
		if (udp != NULL && udp->src_port == rte_cpu_to_be_16(DHCP_SERVER_PORT))
			return VSW_L3_DHCP_SERVER;
		break;
	case IPPROTO_ICMP:
		icmp = hdr_at(m, off, sizeof(*icmp), &buf);
		if (icmp != NULL && icmp->icmp_type == ICMP4_REDIRECT)
			return VSW_L3_ROUTER;
		break;
	default:
		break;
	}
	return VSW_L3_PASS;
}

static enum vsw_l3_verdict
classify_ipv6(const struct rte_mbuf *m, uint32_t off)
{
	union {
		struct rte_ipv6_hdr ip;
		uint8_t ext[4];
	} buf;
	const struct rte_ipv6_hdr *ip = hdr_at(m, off, sizeof(*ip), &buf);
	const uint8_t *ext;
	uint8_t next;

	if (ip == NULL)
		return VSW_L3_PASS;
	next = ip->proto;
	off += sizeof(*ip);
	for (unsigned int i = 0; i <= IP6_EXT_HDRS_MAX; i++) {
		switch (next) {
		case IPPROTO_ICMPV6:
			ext = hdr_at(m, off, 1, &buf);
			if (ext != NULL &&
			    (ext[0] == ICMP6_ROUTER_ADVERT || ext[0] == ICMP6_REDIRECT))
				return VSW_L3_ROUTER;
			return VSW_L3_PASS;
		case IPPROTO_FRAGMENT:
			ext = hdr_at(m, off, 4, &buf);
			/* Only the first fragment (offset 0) holds the upper-layer header. */
			if (ext == NULL || (((ext[2] << 8) | ext[3]) & 0xfff8) != 0)
				return VSW_L3_PASS;
			next = ext[0];
			off += 8;
			break;
		case IPPROTO_HOPOPTS:
		case IPPROTO_ROUTING:
		case IPPROTO_DSTOPTS:
			ext = hdr_at(m, off, 2, &buf);
			if (ext == NULL)
				return VSW_L3_PASS;
			next = ext[0];
			off += 8u * (1u + ext[1]);
			break;
		default:
			return VSW_L3_PASS;
		}
	}
	return VSW_L3_ROUTER;
}

enum vsw_l3_verdict
vsw_guard_classify_l3_slow(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint16_t type = eh->ether_type;
	uint32_t off = sizeof(*eh);
	struct rte_vlan_hdr vbuf;
	const struct rte_vlan_hdr *vh;

	/* A second tag left inside (QinQ from a trunk) must not hide what it carries. */
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) ||
	    type == rte_cpu_to_be_16(RTE_ETHER_TYPE_QINQ)) {
		vh = hdr_at(m, off, sizeof(*vh), &vbuf);
		if (vh == NULL)
			return VSW_L3_PASS;
		type = vh->eth_proto;
		off += sizeof(*vh);
	}
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4))
		return classify_ipv4(m, off);
	if (type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6))
		return classify_ipv6(m, off);
	return VSW_L3_PASS;
}

static void
l3_guard_ingress(void *ctx, struct vsw_ext_dp_args *a)
{
	const struct vsw_dp_port *p = a->port;
	uint64_t dhcp_drops = 0, router_drops = 0;

	RTE_SET_USED(ctx);
	if (likely(!p->is_dhcp_guarded && !p->is_router_guarded))
		return;
	for (uint16_t i = 0; i < a->n; i++) {
		switch (vsw_guard_judge(a->pkts[i], p->is_dhcp_guarded, p->is_router_guarded)) {
		case VSW_L3_PASS:
			continue;
		case VSW_L3_DHCP_SERVER:
			dhcp_drops++;
			break;
		case VSW_L3_ROUTER:
			router_drops++;
			break;
		}
		a->verdicts[i] = VSW_EXT_DROP_COUNTED;
	}
	if (dhcp_drops != 0)
		vsw_counter_add(&a->lc->stats[a->port_index].drop_dhcp_guard, dhcp_drops);
	if (router_drops != 0)
		vsw_counter_add(&a->lc->stats[a->port_index].drop_router_guard, router_drops);
}

const struct vsw_ext_ops vsw_ext_storm_control = {
        .name = "storm-control",
        .ingress = storm_ingress,
};

const struct vsw_ext_ops vsw_ext_l3_guard = {
        .name = "dhcp-router-guard",
        .ingress = l3_guard_ingress,
};
