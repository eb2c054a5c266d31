/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness of the NIC switch model and its filter table (lib/nicsw, R-VP-*): bytes
 * become CREATE_SWITCH parameters, then a program of CREATE_VPORT, VPORT_PARAMETERS,
 * DELETE_VPORT, SET_FILTER, CLEAR_FILTER and frame lookups. After every step the table built
 * from the model must classify exactly as a plain scan of the model does, and the model must
 * keep its own rules (queue pairs add up, a (MAC, VLAN) belongs to one VPort, a VF has at
 * most one VPort). Pure C, no EAL.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_eal.h"
#include "vsw/nicsw.h"

/* Steps per input: programs longer than this explore nothing the table cannot hold. */
#define STEPS_MAX 256

struct reader {
	const uint8_t *p;
	size_t n;
};

static uint8_t
u8(struct reader *r)
{
	uint8_t v;

	if (r->n == 0)
		return 0;
	v = *r->p++;
	r->n--;
	return v;
}

static uint16_t
u16(struct reader *r)
{
	return (uint16_t)(u8(r) << 8 | u8(r));
}

/* A few MACs collide on purpose (same MAC, other VLAN; same VLAN, other VPort); any other
 * MAC the input spells out. */
static void
mac(struct reader *r, uint8_t out[6])
{
	const uint8_t sel = u8(r);

	if (sel & 0x80) {
		for (int i = 0; i < 6; i++)
			out[i] = u8(r);
		return;
	}
	memcpy(out, (const uint8_t[6]){0x52, 0x54, 0, 0, 0, 0}, 6);
	out[5] = sel & 0x07;
	if (sel & 0x40)
		out[0] |= 0x01; /* multicast: refused as a filter, flooded as a destination */
}

static struct vsw_nicsw_ftable table;

/* What the table must answer, from the model alone. */
static uint16_t
reference(const struct vsw_nicsw *sw, const uint8_t dst[6], bool is_tagged, uint16_t vid)
{
	const uint16_t want = is_tagged ? (vid & VSW_NICSW_VID_MASK) : 0;
	struct vsw_vport_info vi;
	uint32_t it = 0;

	if (dst[0] & 0x01)
		return VSW_VPORT_FLOOD;
	while (vsw_nicsw_vport_next(sw, &it, &vi)) {
		if (!vi.is_operational)
			continue;
		for (uint16_t f = 0; f < vi.n_filters; f++)
			if (vi.filters[f].vlan == want && memcmp(vi.filters[f].mac, dst, 6) == 0)
				return vi.vport_id;
	}
	return VSW_VPORT_DEFAULT;
}

/* The model's rules and the table against the model. */
static void
check(const struct vsw_nicsw *sw)
{
	bool vf_has_vport[VSW_NICSW_VFS_MAX] = {false};
	struct vsw_nicsw_params np;
	struct vsw_nicsw_pool pool;
	struct vsw_vport_info vi;
	uint32_t it = 0, n_filters = 0;
	uint16_t n_operational = 0, qps = 0;

	vsw_nicsw_params_get(sw, &np);
	vsw_nicsw_pool_get(sw, &pool);
	FUZZ_CHECK(pool.qp_total == pool.qp_default + pool.qp_used + pool.qp_free,
	           "pool %u != %u + %u + %u", pool.qp_total, pool.qp_default, pool.qp_used,
	           pool.qp_free);
	vsw_nicsw_ftable_build(sw, &table);
	while (vsw_nicsw_vport_next(sw, &it, &vi)) {
		if (vi.is_default)
			FUZZ_CHECK(vi.is_operational && vi.function == VSW_VPORT_PF,
			           "default vport not an operational PF vport");
		else
			qps += vi.n_qps;
		if (vi.function == VSW_VPORT_VF) {
			FUZZ_CHECK(vi.vf_index < np.num_vfs && !vf_has_vport[vi.vf_index],
			           "vf %u: second vport %u", vi.vf_index, vi.vport_id);
			vf_has_vport[vi.vf_index] = true;
		}
		if (vi.is_operational)
			FUZZ_CHECK(table.flood_vports[n_operational++] == vi.vport_id,
			           "flood list misses vport %u", vi.vport_id);
		for (uint16_t f = 0; f < vi.n_filters; f++) {
			const struct vsw_nicsw_filter *fl = &vi.filters[f];
			const uint16_t got =
			        vsw_nicsw_classify(&table, fl->mac, fl->vlan != 0, fl->vlan);

			FUZZ_CHECK(!(fl->mac[0] & 1) && fl->vlan <= VSW_NICSW_VLAN_MAX,
			           "bad filter kept");
			FUZZ_CHECK(got == reference(sw, fl->mac, fl->vlan != 0, fl->vlan),
			           "filter of vport %u: table says %u", vi.vport_id, got);
			if (vi.is_operational)
				n_filters++;
		}
	}
	FUZZ_CHECK(qps == pool.qp_used, "vports hold %u queue pairs, pool says %u", qps,
	           pool.qp_used);
	FUZZ_CHECK(table.n_flood_vports == n_operational, "flood list of %u, %u operational",
	           table.n_flood_vports, n_operational);
	FUZZ_CHECK(table.n_entries >= n_filters, "%u entries for %u filters", table.n_entries,
	           n_filters);
}

static void
step(struct vsw_nicsw *sw, struct reader *r)
{
	const uint8_t op = u8(r) % 6;
	const uint16_t id = u8(r) % (VSW_NICSW_VPORTS_MAX + 2);
	struct vsw_vport_params vp = {0};
	struct vsw_vport_set set = {0};
	uint8_t m[6];
	uint32_t filter_id;
	uint16_t new_id, vid;
	bool is_tagged;

	switch (op) {
	case 0:
		vp.vport_id = id;
		vp.function = (enum vsw_vport_function)(u8(r) & 1);
		vp.vf_index = u8(r) % (VSW_NICSW_VFS_MAX + 2);
		vp.n_qps = u8(r) % 8;
		vp.moderation.mode = (enum vsw_vport_moderation_mode)(u8(r) % 4);
		vp.moderation.rate_per_s = u16(r);
		(void)vsw_nicsw_vport_create(sw, &vp, &new_id, NULL);
		break;
	case 1:
		set.fields = u8(r) & 0x3f;
		set.is_operational = u8(r) & 1;
		set.moderation.mode = (enum vsw_vport_moderation_mode)(u8(r) % 4);
		set.moderation.rate_per_s = u16(r);
		set.function = (enum vsw_vport_function)(u8(r) & 1);
		set.vf_index = u8(r) % (VSW_NICSW_VFS_MAX + 2);
		set.n_qps = u8(r) % 8;
		memcpy(set.name, "v", 2);
		(void)vsw_nicsw_vport_set_params(sw, id, &set, NULL);
		break;
	case 2:
		(void)vsw_nicsw_vport_delete(sw, id, NULL);
		break;
	case 3:
		mac(r, m);
		(void)vsw_nicsw_filter_set(sw, id, m, u16(r) % (VSW_NICSW_VLAN_MAX + 3), &filter_id,
		                           NULL);
		break;
	case 4:
		(void)vsw_nicsw_filter_clear(sw, id, u8(r) % 40, NULL);
		break;
	default:
		mac(r, m);
		is_tagged = u8(r) & 1;
		vid = u16(r); /* priority and DEI bits too: the lookup must ignore them */
		vsw_nicsw_ftable_build(sw, &table);
		FUZZ_CHECK(vsw_nicsw_classify(&table, m, is_tagged, vid) ==
		                   reference(sw, m, is_tagged, vid),
		           "lookup disagrees with the model");
		return;
	}
	check(sw);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = {data, size};
	struct vsw_nicsw_params np = {.name = "nic0"};
	struct vsw_nicsw *sw;

	np.num_vfs = u8(&r) % (VSW_NICSW_VFS_MAX + 2);
	np.qp_total = u16(&r) % (VSW_NICSW_QPS_MAX + 2);
	np.qp_default = u8(&r);
	np.is_asymmetric = u8(&r) & 1;
	np.qp_per_vport = u8(&r) % 8;
	sw = vsw_nicsw_create(&np, NULL);
	if (sw == NULL)
		return 0;
	check(sw);
	for (int i = 0; i < STEPS_MAX && r.n > 0; i++)
		step(sw, &r);
	vsw_nicsw_destroy(sw, NULL, NULL);
	return 0;
}
