/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The workers' side of MAC learning (include/vsw/learn.h): look up destinations, and note
 * sources: refresh one when known on this port, otherwise ask the control thread to learn it.
 * The vSwitch stage looks a whole burst's keys up at once (vsw_learn_lookup_bulk()); the
 * single lookups serve tests and callers with one frame. Any worker, lock-free.
 */
#ifndef VSW_LEARN_DP_H
#define VSW_LEARN_DP_H

#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ring.h>

#include "vsw/learn.h"

/* The table's hash of @p key (its hash_func calls this): one CRC32 instruction. */
static inline uint32_t
vsw_learn_hash(uint64_t key)
{
	return rte_hash_crc_8byte(key, 0);
}

/* Data word of @p key, 0 when it has no entry. */
static inline uintptr_t
learn_data(const struct vsw_learn *l, uint64_t key)
{
	void *data;

	if (rte_hash_lookup_data(l->hash, &key, &data) < 0)
		return 0;
	return (uintptr_t)data;
}

/* Port index of (mac, vlan), or VSW_PORT_NONE. */
static inline uint16_t
vsw_learn_lookup(const struct vsw_learn *l, const uint8_t *mac, uint16_t vlan)
{
	return vsw_learn_data_port(learn_data(l, vsw_learn_key(mac, vlan)));
}

/*
 * Data words of @p n keys (vsw_learn_key()), at most RTE_HASH_LOOKUP_BULK_MAX, into @p data:
 * 0 for a key without an entry. The library computes every key's hash and prefetches its
 * buckets before comparing any, so the misses of a large table overlap.
 */
static inline void
vsw_learn_lookup_bulk(const struct vsw_learn *l, const uint64_t *keys, unsigned int n,
                      uintptr_t *data)
{
	const void *key_ptrs[RTE_HASH_LOOKUP_BULK_MAX];
	hash_sig_t sigs[RTE_HASH_LOOKUP_BULK_MAX];

	RTE_ASSERT(n > 0 && n <= RTE_HASH_LOOKUP_BULK_MAX);
	for (unsigned int i = 0; i < n; i++) {
		key_ptrs[i] = &keys[i];
		/* Inline here, where the library would call the table's hash_func per key. */
		sigs[i] = vsw_learn_hash(keys[i]);
		data[i] = 0; /* the library writes hits only */
	}
	rte_hash_lookup_with_hash_bulk_data(l->hash, key_ptrs, sigs, n, &(uint64_t){0},
	                                    (void **)data);
}

/*
 * Source @p key, whose entry is @p data (0: none), was seen arriving on @p port: refresh its
 * entry, or ask the control thread to learn it. A request the full ring refuses is counted in
 * @p dropped, the worker's own counter.
 */
static inline void
vsw_learn_note_found(struct vsw_learn *l, uint64_t key, uintptr_t data, uint16_t port,
                     uint32_t now_s, uint64_t *dropped)
{
	struct vsw_learn_req req;

	if (likely(vsw_learn_data_port(data) == port)) {
		uint32_t *seen = &l->last_seen_s[vsw_learn_data_slot(data)];

		/* Write only when the second changes: the line is shared by every worker. */
		if (__atomic_load_n(seen, __ATOMIC_RELAXED) != now_s)
			__atomic_store_n(seen, now_s, __ATOMIC_RELAXED);
		return;
	}
	req = (struct vsw_learn_req){.key = key, .port = port};
	if (rte_ring_mp_enqueue_elem(l->requests, &req, sizeof(req)) != 0)
		__atomic_store_n(dropped, __atomic_load_n(dropped, __ATOMIC_RELAXED) + 1,
		                 __ATOMIC_RELAXED);
}

/* vsw_learn_note_found() for one frame's source @p mac in @p vlan. */
static inline void
vsw_learn_note_source(struct vsw_learn *l, const uint8_t *mac, uint16_t vlan, uint16_t port,
                      uint32_t now_s, uint64_t *dropped)
{
	const uint64_t key = vsw_learn_key(mac, vlan);

	vsw_learn_note_found(l, key, learn_data(l, key), port, now_s, dropped);
}

#endif /* VSW_LEARN_DP_H */
