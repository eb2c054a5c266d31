/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counts frames per VLAN: vsw_counters[v] is the number of frames of VLAN v (0: untagged)
 * the program saw; `extension show NAME` prints the non-zero ones. Passes every frame.
 *
 * librte_bpf has no maps. Each worker runs its own instance of the program bound to its own
 * counter array, so the increment below is a plain add with a single writer; vswd sums the
 * workers' arrays when the CLI asks.
 */
#include "vsw/bpf_abi.h"

uint64_t
vlan_count(const struct vsw_bpf_pkt *pkt)
{
	vsw_counters[vsw_bpf_vlan(pkt)] += 1;
	return VSW_BPF_PASS;
}
