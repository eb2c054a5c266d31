/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Filling a forwarding database (include/vsw/fdb.h). Runs on the control thread while it
 * builds a datapath configuration that no worker sees yet; lookups are inline in the header.
 */
#include "vsw/fdb.h"

#include <errno.h>

void
vsw_fdb_init(struct vsw_fdb *fdb)
{
	memset(fdb, 0, sizeof(*fdb));
}

int
vsw_fdb_add(struct vsw_fdb *fdb, const uint8_t mac[6], uint16_t port)
{
	static const uint8_t zero[6];
	const uint64_t key = vsw_fdb_key(mac);
	uint32_t slot = vsw_fdb_slot(key);

	if ((mac[0] & 0x01) || memcmp(mac, zero, sizeof(zero)) == 0 || port >= VSW_PORTS_MAX)
		return -EINVAL;
	if (fdb->n_entries >= VSW_FDB_ENTRIES_MAX)
		return -ENOSPC;
	while (fdb->keys[slot] != 0) {
		if (fdb->keys[slot] == key)
			return -EEXIST;
		slot = (slot + 1) & (VSW_FDB_SLOTS - 1);
	}
	fdb->keys[slot] = key;
	fdb->ports[slot] = port;
	fdb->filter |= vsw_fdb_filter_bit(key);
	fdb->n_entries++;
	return 0;
}
