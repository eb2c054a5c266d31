/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Drops frames of one ethertype, vsw_params[0] (e.g. `params: [0x88b5]`); passes the rest.
 * The ethertype is the one after any 802.1Q tag still on the frame (egress of a trunk), so the
 * same program works at ingress, where the switch has already taken the tag off, and egress.
 * Each dropped frame is also counted in vsw_counters[0].
 */
#include "vsw/bpf_abi.h"

#define ETH_HLEN 14
#define ETH_P_8021Q 0x8100
#define VLAN_HLEN 4

uint64_t
drop_ethertype(const struct vsw_bpf_pkt *pkt)
{
	const uint8_t *p = vsw_bpf_data(pkt);
	const uint16_t len = vsw_bpf_len(pkt);
	uint16_t type;

	if (len < ETH_HLEN)
		return VSW_BPF_PASS;
	type = vsw_bpf_be16(p + 12);
	if (type == ETH_P_8021Q && len >= ETH_HLEN + VLAN_HLEN)
		type = vsw_bpf_be16(p + 16);
	if (type != vsw_params[0])
		return VSW_BPF_PASS;
	vsw_counters[0] += 1;
	return VSW_BPF_DROP;
}
