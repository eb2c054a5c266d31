/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control side of MAC learning (include/vsw/learn.h): the table's life, learn requests
 * from workers, aging, flushing a port, listing. Control thread only: the table's one writer.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "learn_dp.h"
#include "vsw/learn.h"

/* Requests applied per call: bounds the control loop's time when a flood of new MACs comes. */
#define LEARN_DRAIN_MAX 1024

/*
 * How the writer keeps lock-free readers right (lib/datapath/learn_dp.h reads):
 * - a slot is filled port first, key last (release), and emptied by clearing its key alone, so
 *   a reader that finds a key reads its port, and one that reads the key again after the port
 *   and still finds it read that key's port, whatever the slot held before;
 * - a key is in its first or its second bucket; to make room, an entry moves from its first
 *   bucket to its second only, copied before it is cleared, and readers look in the first
 *   bucket first, so none misses it on the way.
 * Buckets hold twice max_entries, so a bucket pair is rarely full; when both are, one entry of
 * either moves to its second bucket, which almost always has room.
 */

struct vsw_learn *
vsw_learn_create(uint32_t max_entries, uint32_t aging_s, struct vsw_errmsg *em)
{
	static unsigned int n_created; /* rte_ring names must be unique */
	char name[RTE_RING_NAMESIZE];
	struct vsw_learn *l;
	uint32_t n_buckets;

	if (max_entries < VSW_LEARN_ENTRIES_MIN || max_entries > VSW_LEARN_ENTRIES_MAX) {
		vsw_errmsg_set(em, "fdb: max_entries %u out of range %u..%u", max_entries,
		               VSW_LEARN_ENTRIES_MIN, VSW_LEARN_ENTRIES_MAX);
		return NULL;
	}
	n_buckets = rte_align32pow2(2 * max_entries / VSW_LEARN_BUCKET_SLOTS);
	l = rte_zmalloc("vsw_learn", sizeof(*l), RTE_CACHE_LINE_SIZE);
	if (l == NULL)
		goto err_nomem;
	snprintf(name, sizeof(name), "vsw_learn%u", n_created++);
	l->buckets = rte_zmalloc_socket("vsw_learn_buckets", sizeof(*l->buckets) * n_buckets,
	                                RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	l->requests = rte_ring_create_elem(name, sizeof(struct vsw_learn_req), VSW_LEARN_RING_SIZE,
	                                   (int)rte_socket_id(), RING_F_SC_DEQ);
	if (l->buckets == NULL || l->requests == NULL)
		goto err_free;
	l->bucket_mask = n_buckets - 1;
	l->aging_s = aging_s;
	l->max_entries = max_entries;
	l->tsc_hz = rte_get_tsc_hz();
	return l;

err_free:
	vsw_learn_free(l);
err_nomem:
	vsw_errmsg_set(em, "fdb: cannot create a table of %u entries: %s", max_entries,
	               rte_strerror(rte_errno != 0 ? rte_errno : ENOMEM));
	return NULL;
}

void
vsw_learn_free(struct vsw_learn *l)
{
	if (l == NULL)
		return;
	rte_ring_free(l->requests);
	rte_free(l->buckets);
	rte_free(l);
}

uint32_t
vsw_learn_now_s(const struct vsw_learn *l)
{
	return (uint32_t)(rte_rdtsc() / l->tsc_hz);
}

static void
slot_fill(struct vsw_learn_bucket *bk, unsigned int s, uint64_t key, uint16_t port, uint32_t seen_s)
{
	__atomic_store_n(&bk->last_seen_s[s], seen_s, __ATOMIC_RELAXED);
	__atomic_store_n(&bk->ports[s], port, __ATOMIC_RELEASE);
	__atomic_store_n(&bk->keys[s], key, __ATOMIC_RELEASE);
}

static void
slot_clear(struct vsw_learn *l, struct vsw_learn_bucket *bk, unsigned int s)
{
	__atomic_store_n(&bk->keys[s], 0, __ATOMIC_RELEASE);
	l->n_entries--;
}

/* A free slot of bucket @p b, or -1. */
static int
free_slot(const struct vsw_learn *l, uint32_t b)
{
	for (unsigned int s = 0; s < VSW_LEARN_BUCKET_SLOTS; s++)
		if (l->buckets[b].keys[s] == 0)
			return (int)s;
	return -1;
}

/*
 * Empty a slot of full bucket @p b by moving one of its entries that is in its first bucket
 * to its second, if that has room. @return the slot emptied, or -1.
 */
static int
make_room(struct vsw_learn *l, uint32_t b)
{
	struct vsw_learn_bucket *bk = &l->buckets[b];

	for (unsigned int s = 0; s < VSW_LEARN_BUCKET_SLOTS; s++) {
		const uint64_t key = bk->keys[s];
		uint32_t b2;
		int to;

		if (vsw_learn_bucket1(l, key) != b || (b2 = vsw_learn_bucket2(l, key)) == b ||
		    (to = free_slot(l, b2)) < 0)
			continue;
		slot_fill(&l->buckets[b2], (unsigned int)to, key, bk->ports[s],
		          __atomic_load_n(&bk->last_seen_s[s], __ATOMIC_RELAXED));
		__atomic_store_n(&bk->keys[s], 0, __ATOMIC_RELEASE);
		return (int)s;
	}
	return -1;
}

/* Put new @p key on @p port: in a free slot of either bucket, else in room made. @return 0,
 * or -ENOSPC. */
static int
insert(struct vsw_learn *l, uint64_t key, uint16_t port, uint32_t now_s)
{
	const uint32_t buckets[2] = {vsw_learn_bucket1(l, key), vsw_learn_bucket2(l, key)};

	if (l->n_entries >= l->max_entries)
		return -ENOSPC;
	for (unsigned int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < RTE_DIM(buckets); i++) {
			const int s =
			        pass == 0 ? free_slot(l, buckets[i]) : make_room(l, buckets[i]);

			if (s >= 0) {
				slot_fill(&l->buckets[buckets[i]], (unsigned int)s, key, port,
				          now_s);
				l->n_entries++;
				return 0;
			}
		}
	}
	return -ENOSPC;
}

static void
learn_one(struct vsw_learn *l, const struct vsw_learn_req *req, uint32_t now_s)
{
	const uintptr_t data = learn_data(l, req->key);

	if (data != 0) {
		struct vsw_learn_bucket *bk = vsw_learn_bucket_of(l, vsw_learn_data_slot(data));
		const unsigned int s = vsw_learn_data_slot(data) % VSW_LEARN_BUCKET_SLOTS;
		const uint16_t old_port = vsw_learn_data_port(data);

		if (old_port == req->port)
			return; /* several workers asked for the same entry */
		l->stats.moved++;
		DP_LOG(INFO, "fdb: mac %012" PRIx64 " vlan %u moved from port %u to port %u",
		       req->key & 0xffffffffffff, (unsigned int)vsw_learn_key_vlan(req->key),
		       (unsigned int)old_port, req->port);
		/* Readers see the old port or the new one. */
		__atomic_store_n(&bk->last_seen_s[s], now_s, __ATOMIC_RELAXED);
		__atomic_store_n(&bk->ports[s], req->port, __ATOMIC_RELEASE);
	} else if (insert(l, req->key, req->port, now_s) != 0) {
		l->stats.full++;
		return;
	}
	l->stats.learned++;
}

unsigned int
vsw_learn_drain(struct vsw_learn *l, const struct vsw_fdb *fdb)
{
	struct vsw_learn_req reqs[64];
	const uint32_t now_s = vsw_learn_now_s(l);
	unsigned int n, total = 0;

	while (total < LEARN_DRAIN_MAX &&
	       (n = rte_ring_sc_dequeue_burst_elem(l->requests, reqs, sizeof(reqs[0]),
	                                           RTE_DIM(reqs), NULL)) != 0) {
		for (unsigned int i = 0; i < n; i++) {
			const uint8_t *mac = (const uint8_t *)&reqs[i].key;

			/* Static MACs belong to their port; a copy of one elsewhere is not news. */
			if (vsw_fdb_lookup(fdb, mac) == VSW_PORT_NONE)
				learn_one(l, &reqs[i], now_s);
		}
		total += n;
	}
	return total;
}

/* Delete entries for which @p pred(l, bucket, slot, arg) holds; @return how many. */
static unsigned int
delete_if(struct vsw_learn *l,
          bool (*pred)(const struct vsw_learn *, const struct vsw_learn_bucket *, unsigned int,
                       uint32_t),
          uint32_t arg, uint64_t *counter)
{
	unsigned int n = 0;

	for (uint32_t b = 0; b <= l->bucket_mask; b++) {
		struct vsw_learn_bucket *bk = &l->buckets[b];

		for (unsigned int s = 0; s < VSW_LEARN_BUCKET_SLOTS; s++) {
			if (bk->keys[s] == 0 || !pred(l, bk, s, arg))
				continue;
			slot_clear(l, bk, s);
			n++;
		}
	}
	*counter += n;
	return n;
}

/* Idle seconds of an entry at @p now_s. */
static uint32_t
idle_s(const struct vsw_learn_bucket *bk, unsigned int s, uint32_t now_s)
{
	/* Workers stamp with their own pass's clock, which may be a second ahead of @p now_s. */
	const int32_t idle =
	        (int32_t)(now_s - __atomic_load_n(&bk->last_seen_s[s], __ATOMIC_RELAXED));

	return idle > 0 ? (uint32_t)idle : 0;
}

static bool
is_stale(const struct vsw_learn *l, const struct vsw_learn_bucket *bk, unsigned int s,
         uint32_t now_s)
{
	return idle_s(bk, s, now_s) >= l->aging_s;
}

static bool
is_on_port(const struct vsw_learn *l, const struct vsw_learn_bucket *bk, unsigned int s,
           uint32_t port)
{
	(void)l;
	return bk->ports[s] == port;
}

unsigned int
vsw_learn_age(struct vsw_learn *l)
{
	if (l->aging_s == 0)
		return 0;
	return delete_if(l, is_stale, vsw_learn_now_s(l), &l->stats.aged);
}

/*
 * Requests for @p port still in the ring were posted before the caller's grace period and
 * would bring its entries back once drained: drop them, keep the others (bounded by what is
 * queued now; the ring is MP, so the control thread may put requests back).
 */
static void
drop_requests_of(struct vsw_learn *l, uint16_t port)
{
	unsigned int n = rte_ring_count(l->requests);
	struct vsw_learn_req req;

	while (n-- > 0 && rte_ring_sc_dequeue_elem(l->requests, &req, sizeof(req)) == 0)
		if (req.port != port &&
		    rte_ring_mp_enqueue_elem(l->requests, &req, sizeof(req)) != 0)
			l->requests_dropped++;
}

unsigned int
vsw_learn_flush_port(struct vsw_learn *l, uint16_t port)
{
	drop_requests_of(l, port);
	return delete_if(l, is_on_port, port, &l->stats.flushed);
}

int
vsw_learn_next(const struct vsw_learn *l, uint32_t *iter, uint8_t mac[6], uint16_t *vlan,
               uint16_t *port, uint32_t *idle)
{
	const uint32_t n_slots = (l->bucket_mask + 1) * VSW_LEARN_BUCKET_SLOTS;

	for (; *iter < n_slots; (*iter)++) {
		const struct vsw_learn_bucket *bk = vsw_learn_bucket_of(l, *iter);
		const unsigned int s = *iter % VSW_LEARN_BUCKET_SLOTS;
		const uint64_t k = bk->keys[s];

		if (k == 0)
			continue;
		memcpy(mac, &k, 6);
		*vlan = vsw_learn_key_vlan(k);
		*port = bk->ports[s];
		*idle = idle_s(bk, s, vsw_learn_now_s(l));
		(*iter)++;
		return 0;
	}
	return -ENOENT;
}

void
vsw_learn_stats_get(const struct vsw_learn *l, struct vsw_learn_stats *out)
{
	*out = l->stats;
	out->n_entries = l->n_entries;
	out->requests_dropped = l->requests_dropped;
}
