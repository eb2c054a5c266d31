/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The workers' side of MAC learning (include/vsw/learn.h): look up a destination, and note
 * a source: refresh it when known on this port, otherwise ask the control thread to learn it.
 * Any worker, lock-free.
 */
#ifndef VSW_LEARN_DP_H
#define VSW_LEARN_DP_H

#include <rte_hash.h>
#include <rte_ring.h>

#include "vsw/learn.h"

/* Port index of (mac, vlan), or VSW_PORT_NONE. */
static inline uint16_t
vsw_learn_lookup(const struct vsw_learn *l, const uint8_t *mac, uint16_t vlan)
{
	const uint64_t key = vsw_learn_key(mac, vlan);
	void *data;

	if (rte_hash_lookup_data(l->hash, &key, &data) < 0)
		return VSW_PORT_NONE;
	return (uint16_t)((uintptr_t)data - 1);
}

/*
 * @p mac was seen arriving on @p port: refresh its entry, or ask the control thread to learn
 * it. A request the full ring refuses is counted in @p dropped, the worker's own counter.
 */
static inline void
vsw_learn_note_source(struct vsw_learn *l, const uint8_t *mac, uint16_t vlan, uint16_t port,
                      uint32_t now_s, uint64_t *dropped)
{
	const uint64_t key = vsw_learn_key(mac, vlan);
	struct vsw_learn_req req;
	void *data;
	int pos;

	pos = rte_hash_lookup_data(l->hash, &key, &data);
	if (likely(pos >= 0 && (uintptr_t)data == (uintptr_t)port + 1)) {
		/* Write only when the second changes: the line is shared by every worker. */
		if (__atomic_load_n(&l->last_seen_s[pos], __ATOMIC_RELAXED) != now_s)
			__atomic_store_n(&l->last_seen_s[pos], now_s, __ATOMIC_RELAXED);
		return;
	}
	req = (struct vsw_learn_req){.key = key, .port = port};
	if (rte_ring_mp_enqueue_elem(l->requests, &req, sizeof(req)) != 0)
		__atomic_store_n(dropped, __atomic_load_n(dropped, __ATOMIC_RELAXED) + 1,
		                 __ATOMIC_RELAXED);
}

#endif /* VSW_LEARN_DP_H */
