/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The forwarding database and the forwarding decision.
 *
 * A struct vsw_fdb maps a unicast MAC to a switch port index. It is a small open-addressing
 * table embedded in each published datapath configuration: the control thread fills a fresh
 * copy and publishes it whole, workers only look up, so there is no concurrent writer and no
 * lock (see include/vsw/datapath.h). Pure C, no DPDK: unit-tested directly.
 */
#ifndef VSW_FDB_H
#define VSW_FDB_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "vsw/limits.h"

/** No port: an empty slot, or no external port configured. */
#define VSW_PORT_NONE UINT16_MAX
/** Decision: deliver to every connected port but the ingress one. */
#define VSW_FWD_FLOOD (UINT16_MAX - 1)
/** Decision: nowhere to send it (hairpin, or unknown unicast with no external port). */
#define VSW_FWD_DROP (UINT16_MAX - 2)

/** Slots: a power of two, twice the entries it may hold so probe chains stay short. */
#define VSW_FDB_SLOTS (2 * VSW_PORTS_MAX)
#define VSW_FDB_ENTRIES_MAX VSW_PORTS_MAX

static_assert((VSW_FDB_SLOTS & (VSW_FDB_SLOTS - 1)) == 0, "fdb slots must be a power of two");
static_assert(VSW_FWD_DROP > VSW_PORTS_MAX, "decision codes must not collide with port indexes");

/** Bit set in every used key, so that the all-zero key marks an empty slot. */
#define VSW_FDB_KEY_USED (UINT64_C(1) << 48)

/** MAC to port index. Writer: the control thread, before publication. Readers: workers. */
struct vsw_fdb {
	uint32_t n_entries;
	/**
	 * Bit vsw_fdb_filter_bit() of every key held. A switch that learns looks up thousands of
	 * MACs that are not here for every few that are: a clear bit turns one away in a test.
	 */
	uint64_t filter;
	uint64_t keys[VSW_FDB_SLOTS];  /**< 48-bit MAC | VSW_FDB_KEY_USED, or 0 */
	uint16_t ports[VSW_FDB_SLOTS]; /**< port index of the same slot */
};

/** Empty @p fdb. */
void vsw_fdb_init(struct vsw_fdb *fdb);

/**
 * Map @p mac to @p port.
 *
 * @return 0; -EINVAL for a multicast/broadcast or all-zero MAC or a port index out of range;
 *   -EEXIST when @p mac is already mapped; -ENOSPC when the table holds VSW_FDB_ENTRIES_MAX.
 */
int vsw_fdb_add(struct vsw_fdb *fdb, const uint8_t mac[6], uint16_t port);

static inline uint64_t
vsw_fdb_key(const uint8_t *mac)
{
	uint32_t lo;
	uint16_t hi;

	/* Two loads in registers (6 bytes into a zeroed uint64_t went through the stack). Byte
	 * order does not matter: keys are only compared and hashed. */
	memcpy(&lo, mac, sizeof(lo));
	memcpy(&hi, mac + sizeof(lo), sizeof(hi));
	return ((uint64_t)hi << 32 | lo) | VSW_FDB_KEY_USED;
}

static inline uint32_t
vsw_fdb_slot(uint64_t key)
{
	/* Fibonacci hashing: the top bits of a multiply spread the OUI-heavy low bytes. */
	return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> 40) & (VSW_FDB_SLOTS - 1);
}

/* Which filter bit @p key has: six bits of the MAC's last byte, the one that varies most. */
static inline unsigned int
vsw_fdb_filter_index(uint64_t key)
{
	return (unsigned int)(key >> 40 & 63);
}

/* That bit as a mask, for the writer. */
static inline uint64_t
vsw_fdb_filter_bit(uint64_t key)
{
	return UINT64_C(1) << vsw_fdb_filter_index(key);
}

/** Port index of @p key (vsw_fdb_key()), or VSW_PORT_NONE. Any thread, lock-free. */
static inline uint16_t
vsw_fdb_lookup_key(const struct vsw_fdb *fdb, uint64_t key)
{
	uint32_t slot;

	/* The filter shifted, not a bit built: x86 tests a register's bit in one instruction. */
	if (!(fdb->filter >> vsw_fdb_filter_index(key) & 1))
		return VSW_PORT_NONE;
	slot = vsw_fdb_slot(key);
	/* Bounded: the table is never more than half full, so an empty slot ends every probe. */
	for (uint32_t i = 0; i < VSW_FDB_SLOTS; i++) {
		if (fdb->keys[slot] == key)
			return fdb->ports[slot];
		if (fdb->keys[slot] == 0)
			return VSW_PORT_NONE;
		slot = (slot + 1) & (VSW_FDB_SLOTS - 1);
	}
	return VSW_PORT_NONE;
}

/** Port index for unicast @p mac, or VSW_PORT_NONE. Any thread, lock-free. */
static inline uint16_t
vsw_fdb_lookup(const struct vsw_fdb *fdb, const uint8_t *mac)
{
	return vsw_fdb_lookup_key(fdb, vsw_fdb_key(mac));
}

/**
 * Where a frame to @p dst that came in on @p in_port goes: a port index, VSW_FWD_FLOOD for
 * broadcast and multicast, or VSW_FWD_DROP. Unicast to a MAC no port owns goes to
 * @p external_port (the uplink), unless it came from there.
 */
static inline uint16_t
vsw_fwd_decide(const struct vsw_fdb *fdb, uint16_t external_port, uint16_t in_port,
               const uint8_t *dst)
{
	uint16_t out;

	if (dst[0] & 0x01)
		return VSW_FWD_FLOOD;
	out = vsw_fdb_lookup(fdb, dst);
	if (out == VSW_PORT_NONE)
		out = external_port;
	if (out == VSW_PORT_NONE || out == in_port)
		return VSW_FWD_DROP;
	return out;
}

#endif /* VSW_FDB_H */
