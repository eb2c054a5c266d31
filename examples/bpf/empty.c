/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The empty extension: passes every frame. Measures what running a program costs the switch
 * (the hook, the call into the JIT-compiled code, the verdict), nothing else.
 */
#include "vsw/bpf_abi.h"

uint64_t
empty(const struct vsw_bpf_pkt *pkt)
{
	(void)pkt;
	return VSW_BPF_PASS;
}
