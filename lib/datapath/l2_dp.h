/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * 802.1Q on the workers: read a frame's outer tag, pop it on ingress, push one on egress.
 * Inside the switch a frame is untagged and its VLAN rides in mbuf->vlan_tci (include/vsw/
 * vlan.h). Any worker, lock-free.
 */
#ifndef VSW_L2_DP_H
#define VSW_L2_DP_H

#include <string.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

/* Outer 802.1Q tag of @p m: false when untagged; truncated tags count as untagged runts. */
static inline bool
vsw_l2_tag(const struct rte_mbuf *m, uint16_t *vid)
{
	const struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_vlan_hdr *vh;

	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
		*vid = m->vlan_tci & 0xfff;
		return true;
	}
	if (eh->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN) ||
	    rte_pktmbuf_data_len(m) < RTE_ETHER_HDR_LEN + sizeof(*vh))
		return false;
	vh = (const struct rte_vlan_hdr *)(eh + 1);
	*vid = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
	return true;
}

/* Remove the outer tag found by vsw_l2_tag(). */
static inline void
vsw_l2_pop(struct rte_mbuf *m)
{
	if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
		m->ol_flags &= ~(RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_VLAN);
		return;
	}
	/* Slide the two MACs over the tag: 12 bytes moved instead of the whole frame. */
	memmove(rte_pktmbuf_mtod_offset(m, char *, sizeof(struct rte_vlan_hdr)),
	        rte_pktmbuf_mtod(m, char *), 2 * RTE_ETHER_ADDR_LEN);
	rte_pktmbuf_adj(m, sizeof(struct rte_vlan_hdr));
}

/* Insert a tag with @p vid (priority 0). @return 0, or -1 without headroom or when shared. */
static inline int
vsw_l2_push(struct rte_mbuf *m, uint16_t vid)
{
	struct rte_ether_hdr *eh;
	struct rte_vlan_hdr *vh;

	if (rte_mbuf_refcnt_read(m) > 1 || !RTE_MBUF_DIRECT(m))
		return -1;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*vh));
	if (eh == NULL)
		return -1;
	memmove(eh, (char *)eh + sizeof(*vh), 2 * RTE_ETHER_ADDR_LEN);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN);
	vh = (struct rte_vlan_hdr *)(eh + 1);
	vh->vlan_tci = rte_cpu_to_be_16(vid);
	return 0;
}

#endif /* VSW_L2_DP_H */
