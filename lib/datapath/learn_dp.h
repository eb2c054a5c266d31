/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The workers' side of MAC learning (include/vsw/learn.h): look up destinations, and note
 * sources: refresh one when known on this port, otherwise ask the control thread to learn it.
 * The vSwitch stage fetches each key's first bucket as it meets the key (vsw_learn_fetch())
 * and reads them all after (vsw_learn_slot_find()); vsw_learn_lookup_bulk() does both for a
 * set of keys, and the single lookups serve tests and callers with one frame. Any worker,
 * lock-free.
 */
#ifndef VSW_LEARN_DP_H
#define VSW_LEARN_DP_H

#include <rte_branch_prediction.h>
#include <rte_debug.h>
#include <rte_hash_crc.h>
#include <rte_prefetch.h>
#include <rte_ring.h>
#ifdef __SSE4_2__
#include <nmmintrin.h>
#endif

#include "vsw/learn.h"

/* Keys looked up by one bulk call, at most. */
#define VSW_LEARN_BULK_MAX 64

/*
 * First and second bucket of @p key: a CRC32 instruction, and a multiplication. Not a second
 * CRC with another seed: CRC is linear, so that would be the first bucket XOR a constant, and
 * every key of a bucket would share its second bucket, leaving no room to move entries into.
 * The high half is folded in before multiplying: a product's bits depend only on the factor's
 * lower ones, and the VLAN would not reach a small table's bucket bits.
 */
static inline uint32_t
vsw_learn_bucket1(const struct vsw_learn *l, uint64_t key)
{
#ifdef __SSE4_2__
	/* rte_hash_crc_8byte() would ask, for every key, which CRC unit the CPU has. */
	return (uint32_t)_mm_crc32_u64(0, key) & l->bucket_mask;
#else
	return rte_hash_crc_8byte(key, 0) & l->bucket_mask;
#endif
}

static inline uint32_t
vsw_learn_bucket2(const struct vsw_learn *l, uint64_t key)
{
	return (uint32_t)(((key ^ key >> 29) * UINT64_C(0x9e3779b97f4a7c15)) >> 32) &
	       l->bucket_mask;
}

/*
 * Slot of @p key in @p bk with its port in @p port, or -1 (@p port untouched) when it is not
 * there. The port is read between two reads of the key: a slot the writer emptied and filled
 * again meanwhile shows another key the second time, and is a miss, not another key's port
 * (the writer fills the port before the key).
 */
static __rte_always_inline int
vsw_learn_slot_find(const struct vsw_learn_bucket *bk, uint64_t key, uint16_t *port)
{
	/* Unrolled: a key in a later slot costs no loop counter. */
#pragma GCC unroll 4
	for (int s = 0; s < VSW_LEARN_BUCKET_SLOTS; s++) {
		uint16_t found;

		if (__atomic_load_n(&bk->keys[s], __ATOMIC_ACQUIRE) != key)
			continue;
		found = __atomic_load_n(&bk->ports[s], __ATOMIC_ACQUIRE);
		if (unlikely(__atomic_load_n(&bk->keys[s], __ATOMIC_RELAXED) != key))
			return -1;
		*port = found;
		return s;
	}
	return -1;
}

/* Data word of @p key in bucket @p b, 0 when not there. */
static inline uintptr_t
vsw_learn_bucket_find(const struct vsw_learn *l, uint32_t b, uint64_t key)
{
	uint16_t port = VSW_PORT_NONE;
	const int s = vsw_learn_slot_find(&l->buckets[b], key, &port);

	if (s < 0)
		return 0;
	return (uintptr_t)(b * VSW_LEARN_BUCKET_SLOTS + (unsigned int)s) << 32 |
	       ((uintptr_t)port + 1);
}

/*
 * Data word of @p key, 0 when it has no entry. The first bucket first: the writer only ever
 * moves an entry from its first bucket to its second, copying before it clears, so a key that
 * stays in the table is in one of the two whenever each is read.
 */
static inline uintptr_t
learn_data(const struct vsw_learn *l, uint64_t key)
{
	const uintptr_t data = vsw_learn_bucket_find(l, vsw_learn_bucket1(l, key), key);

	return data != 0 ? data : vsw_learn_bucket_find(l, vsw_learn_bucket2(l, key), key);
}

/* Port index of (mac, vlan), or VSW_PORT_NONE. */
static inline uint16_t
vsw_learn_lookup(const struct vsw_learn *l, const uint8_t *mac, uint16_t vlan)
{
	return vsw_learn_data_port(learn_data(l, vsw_learn_key(mac, vlan)));
}

/* First bucket of @p key, its line prefetched for a lookup to come (vsw_learn_bucket_find()). */
static inline uint32_t
vsw_learn_fetch(const struct vsw_learn *l, uint64_t key)
{
	const uint32_t b = vsw_learn_bucket1(l, key);

	rte_prefetch0(&l->buckets[b]);
	return b;
}

/* Second bucket of @p key, prefetched: its first did not hold it. */
static inline uint32_t
vsw_learn_fetch2(const struct vsw_learn *l, uint64_t key)
{
	const uint32_t b = vsw_learn_bucket2(l, key);

	rte_prefetch0(&l->buckets[b]);
	return b;
}

/*
 * Data words of @p n keys (vsw_learn_key()), at most VSW_LEARN_BULK_MAX, into @p data: 0 for
 * a key without an entry. Every first bucket is fetched before any is read, then the second
 * buckets of the keys not found, so the misses of a large table overlap. The stage does the
 * same in steps of its own (switch_dp.c: learn_burst()), fetching as it classifies.
 */
static inline void
vsw_learn_lookup_bulk(const struct vsw_learn *l, const uint64_t *keys, unsigned int n,
                      uintptr_t *data)
{
	uint32_t buckets[VSW_LEARN_BULK_MAX];
	uint8_t second[VSW_LEARN_BULK_MAX];
	unsigned int n_second = 0;

	RTE_ASSERT(n > 0 && n <= VSW_LEARN_BULK_MAX);
	for (unsigned int i = 0; i < n; i++)
		buckets[i] = vsw_learn_fetch(l, keys[i]);
	for (unsigned int i = 0; i < n; i++) {
		data[i] = vsw_learn_bucket_find(l, buckets[i], keys[i]);
		if (unlikely(data[i] == 0)) {
			buckets[i] = vsw_learn_fetch2(l, keys[i]);
			second[n_second++] = (uint8_t)i;
		}
	}
	for (unsigned int j = 0; j < n_second; j++) {
		const unsigned int i = second[j];

		data[i] = vsw_learn_bucket_find(l, buckets[i], keys[i]);
	}
}

/*
 * Ask the control thread to learn @p key on @p port. A request the full ring refuses is
 * counted in @p dropped, the worker's own counter. Out of line: a new or moved source is rare.
 */
static __rte_noinline __rte_cold __rte_unused void
vsw_learn_ask(struct vsw_learn *l, uint64_t key, uint16_t port, uint64_t *dropped)
{
	struct vsw_learn_req req = {.key = key, .port = port};

	if (rte_ring_mp_enqueue_elem(l->requests, &req, sizeof(req)) != 0)
		__atomic_store_n(dropped, __atomic_load_n(dropped, __ATOMIC_RELAXED) + 1,
		                 __ATOMIC_RELAXED);
}

/* A source seen again on its port: stamp @p seen, the entry's last-seen word, with @p now_s. */
static __rte_always_inline void
vsw_learn_refresh(uint32_t *seen, uint32_t now_s)
{
	/* Write only when the second changes: the line is shared by every worker. */
	if (__atomic_load_n(seen, __ATOMIC_RELAXED) != now_s)
		__atomic_store_n(seen, now_s, __ATOMIC_RELAXED);
}

/*
 * Source @p key, whose entry is @p data (0: none), was seen arriving on @p port: refresh its
 * entry, or ask the control thread to learn it (vsw_learn_ask()).
 */
static inline void
vsw_learn_note_found(struct vsw_learn *l, uint64_t key, uintptr_t data, uint16_t port,
                     uint32_t now_s, uint64_t *dropped)
{
	if (likely(vsw_learn_data_port(data) == port))
		vsw_learn_refresh(vsw_learn_seen_word(l, vsw_learn_data_slot(data)), now_s);
	else
		vsw_learn_ask(l, key, port, dropped);
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
