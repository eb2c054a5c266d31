/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Sends one class of traffic to a monitoring port instead of switching it: frames of
 * ethertype vsw_params[1], or, when that is 0, every broadcast and multicast frame. The
 * monitoring port is switch port id vsw_params[0] (the ID column of `show port`). Ingress
 * only: at egress a redirect is refused and the frame dropped. vsw_counters[0] counts them.
 */
#include "vsw/bpf_abi.h"

#define ETH_HLEN 14

uint64_t
redirect_monitor(const struct vsw_bpf_pkt *pkt)
{
	const uint8_t *p = vsw_bpf_data(pkt);
	const uint64_t type = vsw_params[1];

	if (vsw_bpf_len(pkt) < ETH_HLEN)
		return VSW_BPF_PASS;
	if (type != 0 ? vsw_bpf_be16(p + 12) != type : (p[0] & 1) == 0)
		return VSW_BPF_PASS;
	vsw_counters[0] += 1;
	return VSW_BPF_REDIRECT(vsw_params[0]);
}
