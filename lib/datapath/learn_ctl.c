/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control side of MAC learning (include/vsw/learn.h): the table's life, learn requests
 * from workers, aging, flushing a port, listing. Control thread only: the table's one writer.
 */
#include <errno.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_priv.h"
#include "learn_dp.h"
#include "vsw/learn.h"

/* Requests applied per call: bounds the control loop's time when a flood of new MACs comes. */
#define LEARN_DRAIN_MAX 1024

/*
 * Hash and compare of the 8-byte keys, which rte_hash calls through pointers for every key a
 * worker looks up: its defaults take any length (a CRC loop, memcmp()), ~35 instructions each
 * per key in callgrind where one CRC32 instruction and one compare do.
 */
static uint32_t
key_hash(const void *key, uint32_t len, uint32_t init)
{
	uint64_t k;

	RTE_ASSERT(len == sizeof(k));
	(void)len;
	memcpy(&k, key, sizeof(k));
	RTE_ASSERT(init == 0);
	(void)init;
	return vsw_learn_hash(k);
}

static int
key_cmp(const void *a, const void *b, size_t len)
{
	uint64_t ka, kb;

	RTE_ASSERT(len == sizeof(ka));
	(void)len;
	memcpy(&ka, a, sizeof(ka));
	memcpy(&kb, b, sizeof(kb));
	return ka != kb;
}

struct vsw_learn *
vsw_learn_create(uint32_t max_entries, uint32_t aging_s, struct rte_rcu_qsbr *qsv,
                 struct vsw_errmsg *em)
{
	static unsigned int n_created; /* rte_hash and rte_ring names must be unique */
	char name[RTE_HASH_NAMESIZE];
	struct rte_hash_parameters hp = {
	        .name = name,
	        .entries = max_entries,
	        .key_len = sizeof(uint64_t),
	        .hash_func = key_hash,
	        .socket_id = (int)rte_socket_id(),
	        .extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash_rcu_config rcu = {.v = qsv, .mode = RTE_HASH_QSBR_MODE_DQ};
	struct vsw_learn *l;

	if (max_entries < VSW_LEARN_ENTRIES_MIN || max_entries > VSW_LEARN_ENTRIES_MAX) {
		vsw_errmsg_set(em, "fdb: max_entries %u out of range %u..%u", max_entries,
		               VSW_LEARN_ENTRIES_MIN, VSW_LEARN_ENTRIES_MAX);
		return NULL;
	}
	l = rte_zmalloc("vsw_learn", sizeof(*l), RTE_CACHE_LINE_SIZE);
	if (l == NULL)
		goto err_nomem;
	snprintf(name, sizeof(name), "vsw_learn%u", n_created++);
	l->hash = rte_hash_create(&hp);
	/* Slots are positions of the hash, which has a few more than entries (bucket rounding). */
	l->last_seen_s = rte_zmalloc("vsw_learn_seen", sizeof(uint32_t) * (max_entries + 64) * 2,
	                             RTE_CACHE_LINE_SIZE);
	l->requests = rte_ring_create_elem(name, sizeof(struct vsw_learn_req), VSW_LEARN_RING_SIZE,
	                                   (int)rte_socket_id(), RING_F_SC_DEQ);
	if (l->hash == NULL || l->last_seen_s == NULL || l->requests == NULL)
		goto err_free;
	rte_hash_set_cmp_func(l->hash, key_cmp);
	if (rte_hash_rcu_qsbr_add(l->hash, &rcu) != 0)
		goto err_free;
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
	rte_hash_free(l->hash);
	rte_ring_free(l->requests);
	rte_free(l->last_seen_s);
	rte_free(l);
}

uint32_t
vsw_learn_now_s(const struct vsw_learn *l)
{
	return (uint32_t)(rte_rdtsc() / l->tsc_hz);
}

/* Data word of the entry at hash position @p pos for @p port (include/vsw/learn.h). */
static inline void *
entry_data(int pos, uint16_t port)
{
	return (void *)((uintptr_t)(uint32_t)pos << 32 | ((uintptr_t)port + 1));
}

static void
learn_one(struct vsw_learn *l, const struct vsw_learn_req *req, uint32_t now_s)
{
	void *old;
	int pos;

	pos = rte_hash_lookup_data(l->hash, &req->key, &old);
	if (pos >= 0) {
		const uint16_t old_port = vsw_learn_data_port((uintptr_t)old);

		if (old_port == req->port)
			return; /* several workers asked for the same entry */
		l->stats.moved++;
		DP_LOG(INFO, "fdb: mac %012" PRIx64 " vlan %u moved from port %u to port %u",
		       req->key & 0xffffffffffff, (unsigned int)(req->key >> 48),
		       (unsigned int)old_port, req->port);
	} else {
		/*
		 * Data holds the position, known only once the key is in: until the update below,
		 * workers find the key with no port, which they take for an unknown MAC.
		 */
		pos = rte_hash_add_key(l->hash, &req->key);
		if (pos < 0) {
			l->stats.full += pos == -ENOSPC;
			return;
		}
	}
	__atomic_store_n(&l->last_seen_s[pos], now_s, __ATOMIC_RELAXED);
	/* Adding an existing key replaces its data atomically, in place: readers see old or new
	 * port, and the position stays. */
	rte_hash_add_key_data(l->hash, &req->key, entry_data(pos, req->port));
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

/* Delete entries matching @p pred(l, key, port, pos, arg). */
static unsigned int
delete_if(struct vsw_learn *l, bool (*pred)(const struct vsw_learn *, uint16_t, int, uint32_t),
          uint32_t arg, uint64_t *counter)
{
	const void *key;
	void *data;
	uint32_t iter = 0;
	unsigned int n = 0;
	int pos;

	while ((pos = rte_hash_iterate(l->hash, &key, &data, &iter)) >= 0) {
		const uint64_t k = *(const uint64_t *)key;

		if (!pred(l, vsw_learn_data_port((uintptr_t)data), pos, arg))
			continue;
		/* Deleting during iterate is allowed: the slot is reclaimed after a grace period.
		 */
		if (rte_hash_del_key(l->hash, &k) >= 0)
			n++;
	}
	*counter += n;
	return n;
}

static bool
is_stale(const struct vsw_learn *l, uint16_t port, int pos, uint32_t now_s)
{
	/* Workers stamp with their own pass's clock, which may be a second ahead of @p now_s. */
	const int32_t idle_s =
	        (int32_t)(now_s - __atomic_load_n(&l->last_seen_s[pos], __ATOMIC_RELAXED));

	(void)port;
	return idle_s >= 0 && (uint32_t)idle_s >= l->aging_s;
}

static bool
is_on_port(const struct vsw_learn *l, uint16_t port, int pos, uint32_t target)
{
	(void)l;
	(void)pos;
	return port == target;
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
               uint16_t *port, uint32_t *idle_s)
{
	const void *key;
	void *data;
	int pos = rte_hash_iterate(l->hash, &key, &data, iter);
	uint64_t k;

	if (pos < 0)
		return -ENOENT;
	k = *(const uint64_t *)key;
	memcpy(mac, &k, 6);
	*vlan = (uint16_t)(k >> 48);
	*port = vsw_learn_data_port((uintptr_t)data);
	*idle_s = vsw_learn_now_s(l) - __atomic_load_n(&l->last_seen_s[pos], __ATOMIC_RELAXED);
	return 0;
}

void
vsw_learn_stats_get(const struct vsw_learn *l, struct vsw_learn_stats *out)
{
	*out = l->stats;
	out->n_entries = (uint64_t)rte_hash_count(l->hash);
	out->requests_dropped = l->requests_dropped;
}
