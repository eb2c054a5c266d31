/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The MAC pairs of the benchmark's FDB-scale loop, shared by vsw-loopgen (the VMs' side) and
 * vsw-stagebench (the stage alone), so that both spread the switch's lookups alike: frames of
 * direction d carry pair k of N in turn, source 02:a0|b0:00:k>>16:k>>8:k on side d, the
 * destination on the other side, so each MAC stays behind one port.
 */
#ifndef VSW_LOOP_PAIRS_H
#define VSW_LOOP_PAIRS_H

#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>

struct loop_dir {
	uint32_t next; /* the pair this direction's next frame gets */
};

/* MAC k of side @p side (0: a, 1: b). */
static inline void
loop_mac(uint8_t *out, unsigned int side, uint32_t k)
{
	out[0] = 0x02;
	out[1] = side == 0 ? 0xa0 : 0xb0;
	out[2] = 0;
	out[3] = (uint8_t)(k >> 16);
	out[4] = (uint8_t)(k >> 8);
	out[5] = (uint8_t)k;
}

/* @p m gets direction @p dir's next pair of @p n_pairs: source on side dir. */
static inline void
loop_stamp(struct rte_mbuf *m, struct loop_dir *d, unsigned int dir, uint32_t n_pairs)
{
	uint8_t *h = rte_pktmbuf_mtod(m, uint8_t *);
	const uint32_t k = d->next;

	d->next = k + 1 >= n_pairs ? 0 : k + 1;
	loop_mac(h, !dir, k);
	loop_mac(h + RTE_ETHER_ADDR_LEN, dir, k);
}

#endif /* VSW_LOOP_PAIRS_H */
