/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Learned MAC addresses: the (MAC, VLAN) -> port entries the switch learns from frames that
 * arrive on learning ports (external and trunk ports), with aging and move detection.
 * Static entries (the VMs' configured MACs) live in the published struct vsw_fdb instead and
 * always win: a static MAC is never learned.
 *
 * Thread-safety. One writer, the control thread; workers read without locks or retries. The
 * table is vsw's own: buckets of four (key, port, last seen) slots, one cache line each, and
 * two candidate buckets per key, so that a lookup reads one line (two for the few keys in
 * their second bucket) and a worker can prefetch a burst's lines before comparing any. The
 * writer orders its stores so that a reader never sees a key with another key's port and never
 * misses a key that stays in the table (lib/datapath/learn_ctl.c tells how). Workers look up
 * and refresh an entry's last-seen time (a relaxed store to the entry's own word; any worker's
 * recent time is as good as another's). A worker that sees an unknown or moved source posts a
 * learn request on an MP/SC ring; the control thread applies requests, ages entries and
 * flushes a port's entries when its NIC goes away. A full ring drops the request and counts
 * it.
 */
#ifndef VSW_LEARN_H
#define VSW_LEARN_H

#include <assert.h>
#include <stdalign.h>
#include <stdint.h>

#include "vsw/errmsg.h"
#include "vsw/fdb.h"

struct rte_ring;

/** Learn requests waiting for the control thread; beyond this they are dropped and counted. */
#define VSW_LEARN_RING_SIZE 4096
/** Table size bounds (topology `fdb.max_entries`). */
#define VSW_LEARN_ENTRIES_MIN 16
#define VSW_LEARN_ENTRIES_MAX (1u << 20)

/** A request from a worker: @c key (see vsw_learn_key()) was seen arriving on @c port. */
struct vsw_learn_req {
	uint64_t key;
	uint16_t port;
};

/** Counters of the table, written by the control thread. */
struct vsw_learn_stats {
	uint64_t n_entries;
	uint64_t learned;
	uint64_t moved;
	uint64_t aged;
	uint64_t flushed;
	uint64_t full; /**< requests refused: table at max_entries, or the key's buckets full */
	uint64_t requests_dropped; /**< requests lost (workers' and the control thread's) */
};

/** Entries of one bucket. */
#define VSW_LEARN_BUCKET_SLOTS 4

/*
 * One cache line: a key (vsw_learn_key(); 0: free), the port it was learned on and when a
 * worker last saw it as a source. The writer fills a slot's port before its key and empties
 * it by clearing the key alone.
 */
struct vsw_learn_bucket {
	alignas(64) uint64_t keys[VSW_LEARN_BUCKET_SLOTS];
	uint16_t ports[VSW_LEARN_BUCKET_SLOTS];
	uint32_t last_seen_s[VSW_LEARN_BUCKET_SLOTS]; /**< vsw_learn_now_s() units */
};
static_assert(sizeof(struct vsw_learn_bucket) == 64, "a bucket is one cache line");

/*
 * What a lookup gives for a key: 0 when it has no entry; else the port index + 1 in the low 16
 * bits and the entry's slot (bucket * VSW_LEARN_BUCKET_SLOTS + index) in the high 32, so that
 * a worker refreshes the entry it found without a second lookup.
 */
static_assert(sizeof(uintptr_t) == sizeof(uint64_t), "an entry's data word packs two fields");

/** Port index of an entry's data word, or VSW_PORT_NONE (no entry). */
static inline uint16_t
vsw_learn_data_port(uintptr_t data)
{
	return (uint16_t)((data & 0xffff) - 1);
}

/** Slot of an entry's data word (with a port). */
static inline uint32_t
vsw_learn_data_slot(uintptr_t data)
{
	return (uint32_t)(data >> 32);
}

struct vsw_learn {
	struct vsw_learn_bucket *buckets;
	uint32_t bucket_mask; /**< buckets - 1, a power of two */
	uint32_t n_entries;
	uint32_t max_entries;
	uint32_t aging_s; /**< 0: never age */
	struct rte_ring *requests;
	uint64_t tsc_hz;
	uint64_t requests_dropped; /**< control thread only: requests it could not put back */
	struct vsw_learn_stats stats;
};

/** Bucket of @p slot (vsw_learn_data_slot()); its index there is slot % VSW_LEARN_BUCKET_SLOTS. */
static inline struct vsw_learn_bucket *
vsw_learn_bucket_of(const struct vsw_learn *l, uint32_t slot)
{
	return &l->buckets[slot / VSW_LEARN_BUCKET_SLOTS];
}

/** The last-seen word of @p slot. */
static inline uint32_t *
vsw_learn_seen_word(const struct vsw_learn *l, uint32_t slot)
{
	return &vsw_learn_bucket_of(l, slot)->last_seen_s[slot % VSW_LEARN_BUCKET_SLOTS];
}

/*
 * Set in every key, so that 0 marks a free slot (vsw_learn_bucket) even for MAC 0 in VLAN 0.
 * The static FDB's bit: a static-FDB key is a learned-table key once its VLAN is OR-ed in.
 */
#define VSW_LEARN_KEY_USED VSW_FDB_KEY_USED
#define VSW_LEARN_KEY_VLAN_SHIFT 49
static_assert(VSW_LEARN_KEY_USED == UINT64_C(1) << 48, "the VLAN sits above the USED bit");

/*
 * Key of the MAC in static-FDB key @p fdb_key (vsw_fdb_key()) in @p vlan: the 48-bit MAC,
 * VSW_LEARN_KEY_USED, the 12-bit VLAN id above it. The stage has a frame's static-FDB keys at
 * hand; one OR makes each a learned-table key.
 */
static inline uint64_t
vsw_learn_key_of_fdb(uint64_t fdb_key, uint16_t vlan)
{
	return fdb_key | (uint64_t)(vlan & 0xfff) << VSW_LEARN_KEY_VLAN_SHIFT;
}

/** Key of (@p mac, @p vlan). */
static inline uint64_t
vsw_learn_key(const uint8_t *mac, uint16_t vlan)
{
	return vsw_learn_key_of_fdb(vsw_fdb_key(mac), vlan);
}

/** VLAN id of key @p key. */
static inline uint16_t
vsw_learn_key_vlan(uint64_t key)
{
	return (uint16_t)(key >> VSW_LEARN_KEY_VLAN_SHIFT & 0xfff);
}

/**
 * Create an empty table of @p max_entries that ages entries not seen for @p aging_s seconds
 * (0 = never). Control thread. @return the table, or NULL with @p em explained.
 */
struct vsw_learn *vsw_learn_create(uint32_t max_entries, uint32_t aging_s, struct vsw_errmsg *em);

/** Free the table. No worker may use it any more. */
void vsw_learn_free(struct vsw_learn *l);

/** Apply pending learn requests; @p fdb's static MACs are never learned. @return applied. */
unsigned int vsw_learn_drain(struct vsw_learn *l, const struct vsw_fdb *fdb);

/** Delete entries not seen for aging_s seconds. @return entries deleted. */
unsigned int vsw_learn_age(struct vsw_learn *l);

/** Delete every entry that points to @p port (its NIC went away). @return entries deleted. */
unsigned int vsw_learn_flush_port(struct vsw_learn *l, uint16_t port);

/** Seconds on the clock workers stamp entries with. */
uint32_t vsw_learn_now_s(const struct vsw_learn *l);

/**
 * Walk the entries: start with *iter = 0; each call fills one entry.
 * @return 0 with the entry, -ENOENT at the end.
 */
int vsw_learn_next(const struct vsw_learn *l, uint32_t *iter, uint8_t mac[6], uint16_t *vlan,
                   uint16_t *port, uint32_t *idle_s);

/** Counters, with n_entries and requests_dropped read now. */
void vsw_learn_stats_get(const struct vsw_learn *l, struct vsw_learn_stats *out);

#endif /* VSW_LEARN_H */
