/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Receive filters of the NIC switch (R-VP-7, include/vsw/nicsw.h): RECEIVE_FILTER_SET_FILTER
 * and CLEAR_FILTER on the model, and the build of the filter table workers classify frames
 * with. Control thread only; pure C, no EAL.
 *
 * The model keeps each VPort's filters in set order; the table is a fresh open-addressing copy
 * of the filters of the operational VPorts, built into a configuration that no worker sees
 * yet and published whole. The lookup itself is inline in the header, for workers.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nicsw_priv.h"

/* "xx:xx:xx:xx:xx:xx" and its NUL. */
#define MAC_STR_SIZE 18

static const char *
mac_str(char *buf, const uint8_t mac[6])
{
	(void)snprintf(buf, MAC_STR_SIZE, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
	               mac[3], mac[4], mac[5]);
	return buf;
}

/* The VPort holding filter (@p mac, @p vlan), or VSW_VPORT_NONE. */
static uint16_t
filter_owner(const struct vsw_nicsw *sw, const uint8_t mac[6], uint16_t vlan)
{
	for (uint16_t id = 0; id < VSW_NICSW_VPORTS_MAX; id++) {
		const struct vsw_vport_info *vi = &sw->vports[id].info;

		if (!sw->vports[id].is_used)
			continue;
		for (uint16_t i = 0; i < vi->n_filters; i++) {
			if (vi->filters[i].vlan == vlan && memcmp(vi->filters[i].mac, mac, 6) == 0)
				return id;
		}
	}
	return VSW_VPORT_NONE;
}

static bool
filter_id_is_used(const struct vsw_nicsw *sw, uint32_t filter_id)
{
	for (uint16_t id = 0; id < VSW_NICSW_VPORTS_MAX; id++) {
		const struct vsw_vport_info *vi = &sw->vports[id].info;

		if (!sw->vports[id].is_used)
			continue;
		for (uint16_t i = 0; i < vi->n_filters; i++) {
			if (vi->filters[i].filter_id == filter_id)
				return true;
		}
	}
	return false;
}

/*
 * The next filter id. Ids increase so that a stale id held by a client (a CLI script, a
 * guest's driver) does not name a newer filter; after 2^32 - 1 ids they wrap, skipping 0 and
 * ids still in use. Bounded: at most VSW_NICSW_FILTERS_MAX ids are in use.
 */
static uint32_t
filter_id_next(struct vsw_nicsw *sw)
{
	do {
		sw->last_filter_id++;
		if (sw->last_filter_id == 0)
			sw->last_filter_id = 1;
	} while (filter_id_is_used(sw, sw->last_filter_id));
	return sw->last_filter_id;
}

static int
check_filter(const struct vsw_nicsw *sw, uint16_t vport_id, const uint8_t mac[6], uint16_t vlan,
             struct vsw_errmsg *em)
{
	static const uint8_t zero[6];
	const char *sw_name = sw->params.name;
	char buf[MAC_STR_SIZE];
	uint16_t owner;

	if (!nicsw_vport_exists(sw, vport_id)) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: no such vport", sw_name, vport_id);
		return -ENOENT;
	}
	if ((mac[0] & 0x01) || memcmp(mac, zero, sizeof(zero)) == 0) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: filter mac %s is not a unicast address",
		               sw_name, vport_id, mac_str(buf, mac));
		return -EINVAL;
	}
	if (vlan > VSW_NICSW_VLAN_MAX) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: filter vlan %u, expected 0..%u", sw_name,
		               vport_id, vlan, VSW_NICSW_VLAN_MAX);
		return -EINVAL;
	}
	/* One owner per (MAC, VLAN), or a frame would have two destinations. */
	owner = filter_owner(sw, mac, vlan);
	if (owner != VSW_VPORT_NONE) {
		vsw_errmsg_set(em,
		               "nicsw %s: vport %u: filter mac %s vlan %u already set on vport %u",
		               sw_name, vport_id, mac_str(buf, mac), vlan, owner);
		return -EEXIST;
	}
	if (sw->vports[vport_id].info.n_filters >= VSW_NICSW_FILTERS_PER_VPORT_MAX) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: already %u filters, the most a vport has",
		               sw_name, vport_id, VSW_NICSW_FILTERS_PER_VPORT_MAX);
		return -ENOSPC;
	}
	return 0;
}

int
vsw_nicsw_filter_set(struct vsw_nicsw *sw, uint16_t vport_id, const uint8_t mac[6], uint16_t vlan,
                     uint32_t *filter_id, struct vsw_errmsg *em)
{
	struct vsw_vport_info *vi;
	struct vsw_nicsw_filter *f;
	int rc;

	assert(sw != NULL && mac != NULL && filter_id != NULL);
	rc = check_filter(sw, vport_id, mac, vlan, em);
	if (rc < 0)
		return rc;
	/* A non-operational PF VPort may hold filters: the table skips them until it is
	 * operational (R-VP-3). */
	vi = &sw->vports[vport_id].info;
	f = &vi->filters[vi->n_filters++];
	f->filter_id = filter_id_next(sw);
	memcpy(f->mac, mac, sizeof(f->mac));
	f->vlan = vlan;
	*filter_id = f->filter_id;
	return 0;
}

int
vsw_nicsw_filter_clear(struct vsw_nicsw *sw, uint16_t vport_id, uint32_t filter_id,
                       struct vsw_errmsg *em)
{
	struct vsw_vport_info *vi;

	assert(sw != NULL);
	if (!nicsw_vport_exists(sw, vport_id)) {
		vsw_errmsg_set(em, "nicsw %s: vport %u: no such vport", sw->params.name, vport_id);
		return -ENOENT;
	}
	vi = &sw->vports[vport_id].info;
	for (uint16_t i = 0; i < vi->n_filters; i++) {
		if (vi->filters[i].filter_id != filter_id)
			continue;
		/* Keep set order, and zero the freed slot so copies of the model compare equal. */
		memmove(&vi->filters[i], &vi->filters[i + 1],
		        (size_t)(vi->n_filters - i - 1) * sizeof(vi->filters[0]));
		vi->n_filters--;
		memset(&vi->filters[vi->n_filters], 0, sizeof(vi->filters[0]));
		return 0;
	}
	vsw_errmsg_set(em, "nicsw %s: vport %u: no filter %u", sw->params.name, vport_id,
	               filter_id);
	return -ENOENT;
}

static void
ftable_insert(struct vsw_nicsw_ftable *t, uint64_t key, uint16_t vport_id)
{
	uint32_t slot = vsw_nicsw_ftable_slot(key);

	/* The model holds at most VSW_NICSW_FILTERS_MAX filters, each (MAC, VLAN) once. */
	assert(t->n_entries < VSW_NICSW_FILTERS_MAX);
	while (t->keys[slot] != 0) {
		assert(t->keys[slot] != key);
		slot = (slot + 1) & (VSW_NICSW_FTABLE_SLOTS - 1);
	}
	t->keys[slot] = key;
	t->vport_ids[slot] = vport_id;
	t->n_entries++;
}

void
vsw_nicsw_ftable_build(const struct vsw_nicsw *sw, struct vsw_nicsw_ftable *out)
{
	assert(sw != NULL && out != NULL);
	memset(out, 0, sizeof(*out));
	for (uint16_t id = 0; id < VSW_NICSW_VPORTS_MAX; id++) {
		const struct vsw_vport_info *vi = &sw->vports[id].info;

		/* R-VP-3: a PF VPort receives nothing before VPORT_PARAMETERS makes it operational.
		 */
		if (!sw->vports[id].is_used || !vi->is_operational)
			continue;
		out->flood_vports[out->n_flood_vports++] = id;
		for (uint16_t i = 0; i < vi->n_filters; i++)
			ftable_insert(out,
			              vsw_nicsw_ftable_key(vi->filters[i].mac, vi->filters[i].vlan),
			              id);
	}
	assert(out->n_flood_vports >= 1 && out->flood_vports[0] == VSW_VPORT_DEFAULT);
}
