/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the NIC switch model (include/vsw/nicsw.h, lib/nicsw): one test per rule of
 * SPEC R-VP-2..8 and per refusal, each refusal checked to leave the whole observable state
 * unchanged, and the filter table checked against the exact R-VP-7 matching rule. No EAL.
 *
 * Linked with -Wl,--wrap=calloc, the allocation failure of CREATE_SWITCH is tested too;
 * without it that one test is skipped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsw/nicsw.h"

#include <cmocka.h>

/* Allocation faults: with --wrap=calloc the module's calloc() comes here. */
void *__real_calloc(size_t n, size_t size) __attribute__((weak));
void *__wrap_calloc(size_t n, size_t size);

static int calloc_fail_countdown = -1; /* fail the call after this many; -1: never */

void *
__wrap_calloc(size_t n, size_t size)
{
	if (calloc_fail_countdown == 0) {
		calloc_fail_countdown = -1;
		return NULL;
	}
	if (calloc_fail_countdown > 0)
		calloc_fail_countdown--;
	return __real_calloc(n, size);
}

static const struct vsw_nicsw_params params_asym = {
        .name = "pf0",
        .num_vfs = 4,
        .qp_total = 16,
        .qp_default = 4,
        .is_asymmetric = true,
};

static const struct vsw_nicsw_params params_sym = {
        .name = "pf0",
        .num_vfs = 4,
        .qp_total = 16,
        .qp_default = 4,
        .qp_per_vport = 2,
};

/* Room for every VPort and every filter a switch may hold, and one queue pair more. */
static const struct vsw_nicsw_params params_big = {
        .name = "pf0",
        .num_vfs = VSW_NICSW_VFS_MAX,
        .qp_total = VSW_NICSW_VPORTS_MAX + 1,
        .qp_default = 1,
        .is_asymmetric = true,
};

static const uint8_t mac_a[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x0a};
static const uint8_t mac_b[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x0b};
static const uint8_t mac_unknown[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x99};
static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t mac_zero[6];

/* Large: static, not on the stack. */
static struct vsw_nicsw_ftable ftable;

static int
setup_sw(void **state, const struct vsw_nicsw_params *p)
{
	struct vsw_errmsg em = {{0}};
	struct vsw_nicsw *sw = vsw_nicsw_create(p, &em);

	assert_non_null(sw);
	assert_string_equal(em.msg, "");
	*state = sw;
	return 0;
}

static int
setup_asym(void **state)
{
	return setup_sw(state, &params_asym);
}

static int
setup_sym(void **state)
{
	return setup_sw(state, &params_sym);
}

static int
setup_big(void **state)
{
	return setup_sw(state, &params_big);
}

static int
teardown_sw(void **state)
{
	vsw_nicsw_destroy(*state, NULL, NULL);
	return 0;
}

static struct vsw_vport_params
vf_params(uint16_t vf_index, uint16_t n_qps)
{
	struct vsw_vport_params p = {
	        .function = VSW_VPORT_VF,
	        .vf_index = vf_index,
	        .n_qps = n_qps,
	};

	(void)snprintf(p.name, sizeof(p.name), "vm%u", vf_index);
	return p;
}

static struct vsw_vport_params
pf_params(uint16_t n_qps)
{
	struct vsw_vport_params p = {.function = VSW_VPORT_PF, .n_qps = n_qps};

	return p;
}

static uint16_t
create_ok(struct vsw_nicsw *sw, struct vsw_vport_params p)
{
	uint16_t id = VSW_VPORT_NONE;

	assert_int_equal(vsw_nicsw_vport_create(sw, &p, &id, NULL), 0);
	assert_int_not_equal(id, VSW_VPORT_NONE);
	return id;
}

static void
make_operational(struct vsw_nicsw *sw, uint16_t id)
{
	const struct vsw_vport_set set = {
	        .fields = VSW_VPORT_SET_OPERATIONAL,
	        .is_operational = true,
	};

	assert_int_equal(vsw_nicsw_vport_set_params(sw, id, &set, NULL), 0);
}

static uint32_t
filter_ok(struct vsw_nicsw *sw, uint16_t id, const uint8_t mac[6], uint16_t vlan)
{
	uint32_t filter_id = 0;

	assert_int_equal(vsw_nicsw_filter_set(sw, id, mac, vlan, &filter_id, NULL), 0);
	assert_int_not_equal(filter_id, 0);
	return filter_id;
}

static struct vsw_vport_info
vport(const struct vsw_nicsw *sw, uint16_t id)
{
	struct vsw_vport_info vi;

	assert_int_equal(vsw_nicsw_vport_get(sw, id, &vi), 0);
	assert_int_equal(vi.vport_id, id);
	return vi;
}

static struct vsw_nicsw_pool
pool(const struct vsw_nicsw *sw)
{
	struct vsw_nicsw_pool p;

	vsw_nicsw_pool_get(sw, &p);
	assert_int_equal(p.qp_total, p.qp_default + p.qp_used + p.qp_free);
	return p;
}

/* Where a frame goes with the table the control thread would publish now. */
static uint16_t
classify(const struct vsw_nicsw *sw, const uint8_t *dst, bool has_vlan_tag, uint16_t vlan_id)
{
	vsw_nicsw_ftable_build(sw, &ftable);
	return vsw_nicsw_classify(&ftable, dst, has_vlan_tag, vlan_id);
}

static bool
floods_to(const struct vsw_nicsw *sw, uint16_t id)
{
	vsw_nicsw_ftable_build(sw, &ftable);
	for (uint16_t i = 0; i < ftable.n_flood_vports; i++) {
		if (ftable.flood_vports[i] == id)
			return true;
	}
	return false;
}

/* Everything a caller can observe of a switch. */
struct snapshot {
	struct vsw_nicsw_params params;
	struct vsw_nicsw_pool pool;
	uint16_t n_vports;
	struct vsw_vport_info vports[VSW_NICSW_VPORTS_MAX];
	struct vsw_nicsw_ftable ftable;
};

static struct snapshot snap_before, snap_after;

static void
snapshot_take(const struct vsw_nicsw *sw, struct snapshot *s)
{
	struct vsw_vport_info vi;
	uint32_t it = 0;
	uint16_t n = 0;

	memset(s, 0, sizeof(*s));
	vsw_nicsw_params_get(sw, &s->params);
	vsw_nicsw_pool_get(sw, &s->pool);
	s->n_vports = vsw_nicsw_n_vports(sw);
	while (vsw_nicsw_vport_next(sw, &it, &vi))
		s->vports[n++] = vi;
	assert_int_equal(n, s->n_vports);
	vsw_nicsw_ftable_build(sw, &s->ftable);
}

/* A refusal: the expected error, an explanation, and no change at all. */
#define assert_refused(sw, expected_rc, call)                                                      \
	do {                                                                                       \
		struct vsw_errmsg em_ = {{0}};                                                     \
		struct vsw_errmsg *em = &em_;                                                      \
                                                                                                   \
		snapshot_take((sw), &snap_before);                                                 \
		assert_int_equal((call), (expected_rc));                                           \
		assert_true(em_.msg[0] != '\0');                                                   \
		assert_non_null(strstr(em_.msg, "nicsw pf0: "));                                   \
		snapshot_take((sw), &snap_after);                                                  \
		assert_memory_equal(&snap_before, &snap_after, sizeof(snap_before));               \
	} while (0)

/* R-VP-2 */

static void
test_r_vp_2_default_vport_created_with_switch(void **state)
{
	const struct vsw_nicsw *sw = *state;
	const struct vsw_vport_info def = vport(sw, VSW_VPORT_DEFAULT);
	const struct vsw_nicsw_pool p = pool(sw);

	assert_true(def.is_default);
	assert_true(def.is_operational);
	assert_int_equal(def.function, VSW_VPORT_PF);
	assert_int_equal(def.n_qps, params_asym.qp_default);
	assert_int_equal(def.moderation.mode, VSW_VPORT_MOD_ADAPTIVE);
	assert_int_equal(def.n_filters, 0);
	assert_string_equal(def.name, "default");
	assert_int_equal(vsw_nicsw_n_vports(sw), 1);
	assert_int_equal(p.qp_total, 16);
	assert_int_equal(p.qp_default, 4);
	assert_int_equal(p.qp_used, 0);
	assert_int_equal(p.qp_free, 12);
	vsw_nicsw_ftable_build(sw, &ftable);
	assert_int_equal(ftable.n_flood_vports, 1);
	assert_int_equal(ftable.flood_vports[0], VSW_VPORT_DEFAULT);
	assert_int_equal(ftable.n_entries, 0);
}

static void
test_r_vp_2_default_vport_undeletable(void **state)
{
	struct vsw_nicsw *sw = *state;

	assert_refused(sw, -EPERM, vsw_nicsw_vport_delete(sw, VSW_VPORT_DEFAULT, em));
	assert_true(vport(sw, VSW_VPORT_DEFAULT).is_operational);
}

static void
test_r_vp_2_default_vport_always_operational(void **state)
{
	struct vsw_nicsw *sw = *state;
	const struct vsw_vport_set off = {.fields = VSW_VPORT_SET_OPERATIONAL};

	assert_refused(sw, -EPERM, vsw_nicsw_vport_set_params(sw, VSW_VPORT_DEFAULT, &off, em));
	make_operational(sw, VSW_VPORT_DEFAULT); /* already: accepted, no change */
	assert_true(vport(sw, VSW_VPORT_DEFAULT).is_operational);
}

static void
test_r_vp_2_create_switch_bad_params_refused(void **state)
{
	struct vsw_nicsw_params bad[8];

	(void)state;
	for (size_t i = 0; i < 8; i++)
		bad[i] = params_sym;
	bad[0].num_vfs = VSW_NICSW_VFS_MAX + 1;
	bad[1].qp_default = 0;
	bad[2].qp_default = bad[2].qp_total + 1;
	bad[3].qp_per_vport = 0;     /* symmetric needs a count */
	bad[4].is_asymmetric = true; /* ... asymmetric takes none */
	bad[5].name[0] = '\0';
	memset(bad[6].name, 'x', sizeof(bad[6].name));
	bad[7].qp_total = VSW_NICSW_QPS_MAX + 1;
	for (size_t i = 0; i < 8; i++) {
		struct vsw_errmsg em = {{0}};

		errno = 0;
		assert_null(vsw_nicsw_create(&bad[i], &em));
		assert_int_equal(errno, EINVAL);
		assert_non_null(strstr(em.msg, "nicsw"));
	}
	errno = 0;
	assert_null(vsw_nicsw_create(&bad[0], NULL)); /* no errmsg: still refused */
	assert_int_equal(errno, EINVAL);
}

static void
test_r_vp_2_create_switch_no_memory(void **state)
{
	struct vsw_errmsg em = {{0}};
	struct vsw_nicsw *sw;

	(void)state;
	if (__real_calloc == NULL)
		skip(); /* not linked with -Wl,--wrap=calloc */
	calloc_fail_countdown = 0;
	errno = 0;
	assert_null(vsw_nicsw_create(&params_asym, &em));
	assert_int_equal(errno, ENOMEM);
	assert_string_equal(em.msg, "nicsw pf0: out of memory");
	/* The next attempt succeeds: nothing leaked or half-built behind. */
	sw = vsw_nicsw_create(&params_asym, NULL);
	assert_non_null(sw);
	vsw_nicsw_destroy(sw, NULL, NULL);
}

static void
test_r_vp_2_vport_ids_unique(void **state)
{
	struct vsw_nicsw *sw = *state;
	struct vsw_vport_params p = pf_params(1);
	uint16_t id;

	p.vport_id = 5;
	assert_int_equal(create_ok(sw, p), 5);
	assert_refused(sw, -EEXIST, vsw_nicsw_vport_create(sw, &p, &id, em));
	p.vport_id = VSW_NICSW_VPORTS_MAX;
	assert_refused(sw, -EINVAL, vsw_nicsw_vport_create(sw, &p, &id, em));
	/* 0: the lowest free id >= 1. */
	assert_int_equal(create_ok(sw, pf_params(1)), 1);
	assert_int_equal(create_ok(sw, pf_params(1)), 2);
	assert_int_equal(vsw_nicsw_vport_delete(sw, 1, NULL), 0);
	assert_int_equal(create_ok(sw, pf_params(1)), 1);
	assert_int_equal(vsw_nicsw_n_vports(sw), 4);
}

static void
test_r_vp_2_vport_ids_exhausted(void **state)
{
	struct vsw_nicsw *sw = *state;
	const struct vsw_vport_params p = pf_params(1);
	uint16_t id;

	/* params_big has a queue pair more than ids: ids run out before queue pairs do. */
	for (uint16_t i = 1; i < VSW_NICSW_VPORTS_MAX; i++)
		assert_int_equal(create_ok(sw, p), i);
	assert_int_equal(vsw_nicsw_n_vports(sw), VSW_NICSW_VPORTS_MAX);
	assert_refused(sw, -ENOSPC, vsw_nicsw_vport_create(sw, &p, &id, em));
	assert_int_equal(pool(sw).qp_free, 1);
}

/* R-VP-3 */

static void
test_r_vp_3_second_vport_on_vf_refused(void **state)
{
	struct vsw_nicsw *sw = *state;
	const struct vsw_vport_params p = vf_params(1, 1);
	struct vsw_errmsg msg = {{0}};
	uint16_t id;

	create_ok(sw, p);
	assert_refused(sw, -EEXIST, vsw_nicsw_vport_create(sw, &p, &id, em));
	assert_int_equal(vsw_nicsw_vport_create(sw, &p, &id, &msg), -EEXIST);
	assert_non_null(strstr(msg.msg, "vf1 already has a non-default vport"));
	create_ok(sw, vf_params(2, 1)); /* another VF is free */
	/* Several PF VPorts are fine. */
	create_ok(sw, pf_params(1));
	create_ok(sw, pf_params(1));
}

static void
test_r_vp_3_bad_function_refused(void **state)
{
	struct vsw_nicsw *sw = *state;
	struct vsw_vport_params p = vf_params(params_asym.num_vfs, 1);
	uint16_t id;

	assert_refused(sw, -EINVAL, vsw_nicsw_vport_create(sw, &p, &id, em)); /* no such VF */
	p = pf_params(1);
	p.vf_index = 1;
	assert_refused(sw, -EINVAL, vsw_nicsw_vport_create(sw, &p, &id, em)); /* PF with VF */
	p = pf_params(1);
	p.function = (enum vsw_vport_function)7;
	assert_refused(sw, -EINVAL, vsw_nicsw_vport_create(sw, &p, &id, em));
	p = pf_params(1);
	memset(p.name, 'x', sizeof(p.name));
	assert_refused(sw, -EINVAL, vsw_nicsw_vport_create(sw, &p, &id, em));
}

static void
test_r_vp_3_vf_vport_operational_at_once(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 2));
	const struct vsw_vport_info vi = vport(sw, id);

	assert_true(vi.is_operational);
	assert_false(vi.is_default);
	assert_int_equal(vi.function, VSW_VPORT_VF);
	assert_int_equal(vi.vf_index, 0);
	assert_string_equal(vi.name, "vm0");
	assert_true(floods_to(sw, id));
	filter_ok(sw, id, mac_a, 0);
	assert_int_equal(classify(sw, mac_a, false, 0), id);
}

static void
test_r_vp_3_pf_vports_created_non_operational(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t a = create_ok(sw, pf_params(1));
	const uint16_t b = create_ok(sw, pf_params(2));

	assert_false(vport(sw, a).is_operational);
	assert_false(vport(sw, b).is_operational);
	assert_int_equal(vport(sw, a).function, VSW_VPORT_PF);
	assert_false(floods_to(sw, a));
	assert_false(floods_to(sw, b));
}

static void
test_r_vp_3_pf_vport_made_operational(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, pf_params(1));

	filter_ok(sw, id, mac_a, 0);
	make_operational(sw, id);
	assert_true(vport(sw, id).is_operational);
	assert_true(floods_to(sw, id));
	assert_int_equal(classify(sw, mac_a, false, 0), id);
	make_operational(sw, id); /* again: accepted, no change */
	assert_true(vport(sw, id).is_operational);
}

static void
test_r_vp_3_vf_free_again_after_delete(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(3, 1));

	assert_int_equal(vsw_nicsw_vport_delete(sw, id, NULL), 0);
	assert_int_equal(vport(sw, create_ok(sw, vf_params(3, 1))).vf_index, 3);
}

/* R-VP-4 */

static void
test_r_vp_4_operational_never_back(void **state)
{
	struct vsw_nicsw *sw = *state;
	const struct vsw_vport_set off = {.fields = VSW_VPORT_SET_OPERATIONAL};
	const uint16_t vf = create_ok(sw, vf_params(0, 1));
	const uint16_t pf = create_ok(sw, pf_params(1));

	assert_refused(sw, -EPERM, vsw_nicsw_vport_set_params(sw, vf, &off, em));
	/* Not yet operational: "false" changes nothing and is accepted. */
	assert_int_equal(vsw_nicsw_vport_set_params(sw, pf, &off, NULL), 0);
	assert_false(vport(sw, pf).is_operational);
	make_operational(sw, pf);
	assert_refused(sw, -EPERM, vsw_nicsw_vport_set_params(sw, pf, &off, em));
	assert_true(vport(sw, pf).is_operational);
}

static void
test_r_vp_4_only_deletion_ends_operational(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 1));

	filter_ok(sw, id, mac_a, 0);
	assert_int_equal(classify(sw, mac_a, false, 0), id);
	assert_int_equal(vsw_nicsw_vport_delete(sw, id, NULL), 0);
	assert_int_equal(vsw_nicsw_n_vports(sw), 1);
	assert_false(floods_to(sw, id));
	assert_int_equal(classify(sw, mac_a, false, 0), VSW_VPORT_DEFAULT);
	assert_refused(sw, -ENOENT, vsw_nicsw_vport_delete(sw, id, em));
}

static void
test_r_vp_4_function_cannot_change(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(1, 1));
	struct vsw_vport_set set = {
	        .fields = VSW_VPORT_SET_FUNCTION,
	        .function = VSW_VPORT_PF,
	};

	assert_refused(sw, -EPERM, vsw_nicsw_vport_set_params(sw, id, &set, em));
	set.function = VSW_VPORT_VF;
	set.vf_index = 2;
	assert_refused(sw, -EPERM, vsw_nicsw_vport_set_params(sw, id, &set, em));
	/* Together with an allowed change: all or nothing. */
	set.fields |= VSW_VPORT_SET_MODERATION;
	set.moderation.mode = VSW_VPORT_MOD_OFF;
	assert_refused(sw, -EPERM, vsw_nicsw_vport_set_params(sw, id, &set, em));
	/* The same function is no change. */
	set.vf_index = 1;
	assert_int_equal(vsw_nicsw_vport_set_params(sw, id, &set, NULL), 0);
	assert_int_equal(vport(sw, id).moderation.mode, VSW_VPORT_MOD_OFF);
	/* The default VPort stays on the PF too. */
	set.fields = VSW_VPORT_SET_FUNCTION;
	assert_refused(sw, -EPERM, vsw_nicsw_vport_set_params(sw, VSW_VPORT_DEFAULT, &set, em));
}

static void
test_r_vp_4_qps_cannot_change(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, pf_params(2));
	struct vsw_vport_set set = {.fields = VSW_VPORT_SET_QPS, .n_qps = 3};

	assert_refused(sw, -EPERM, vsw_nicsw_vport_set_params(sw, id, &set, em));
	set.n_qps = 2;
	assert_int_equal(vsw_nicsw_vport_set_params(sw, id, &set, NULL), 0);
	assert_int_equal(pool(sw).qp_used, 2);
}

static void
test_r_vp_4_unknown_vport_refused(void **state)
{
	struct vsw_nicsw *sw = *state;
	const struct vsw_vport_set set = {.fields = VSW_VPORT_SET_NAME, .name = "x"};
	struct vsw_vport_info vi;
	uint32_t filter_id;

	assert_refused(sw, -ENOENT, vsw_nicsw_vport_delete(sw, 9, em));
	assert_refused(sw, -ENOENT, vsw_nicsw_vport_delete(sw, VSW_VPORT_NONE, em));
	assert_refused(sw, -ENOENT, vsw_nicsw_vport_set_params(sw, 9, &set, em));
	assert_refused(sw, -ENOENT, vsw_nicsw_filter_set(sw, 9, mac_a, 0, &filter_id, em));
	assert_refused(sw, -ENOENT, vsw_nicsw_filter_clear(sw, 9, 1, em));
	assert_int_equal(vsw_nicsw_vport_get(sw, 9, &vi), -ENOENT);
	assert_int_equal(vsw_nicsw_vport_get(sw, VSW_VPORT_NONE, &vi), -ENOENT);
}

static void
test_set_params_bad_fields_refused(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, pf_params(1));
	struct vsw_vport_set set = {.fields = 1u << 20};

	assert_refused(sw, -EINVAL, vsw_nicsw_vport_set_params(sw, id, &set, em));
	set.fields = VSW_VPORT_SET_NAME;
	memset(set.name, 'x', sizeof(set.name));
	assert_refused(sw, -EINVAL, vsw_nicsw_vport_set_params(sw, id, &set, em));
	(void)snprintf(set.name, sizeof(set.name), "host-mgmt");
	assert_int_equal(vsw_nicsw_vport_set_params(sw, id, &set, NULL), 0);
	assert_string_equal(vport(sw, id).name, "host-mgmt");
	set.fields = 0; /* nothing asked, nothing done */
	assert_int_equal(vsw_nicsw_vport_set_params(sw, id, &set, NULL), 0);
}

/* R-VP-5 */

static void
test_r_vp_5_pool_exhausted(void **state)
{
	struct vsw_nicsw *sw = *state;
	const struct vsw_vport_params five = pf_params(5);
	uint16_t id;

	create_ok(sw, pf_params(8));
	assert_refused(sw, -ENOSPC, vsw_nicsw_vport_create(sw, &five, &id, em));
	create_ok(sw, vf_params(0, 4));
	assert_int_equal(pool(sw).qp_free, 0);
	assert_refused(sw, -ENOSPC, vsw_nicsw_vport_create(sw, &five, &id, em));
	id = 0;
	assert_int_equal(vsw_nicsw_vport_create(sw, &five, &id, NULL), -ENOSPC);
	assert_int_equal(id, 0); /* out parameter untouched on refusal */
}

static void
test_r_vp_5_zero_qps_refused(void **state)
{
	struct vsw_nicsw *sw = *state;
	const struct vsw_vport_params p = vf_params(0, 0);
	uint16_t id;

	assert_refused(sw, -EINVAL, vsw_nicsw_vport_create(sw, &p, &id, em));
}

static void
test_r_vp_5_symmetric_unequal_refused(void **state)
{
	struct vsw_nicsw *sw = *state;
	const struct vsw_vport_params one = vf_params(0, 1);
	const struct vsw_vport_params three = pf_params(3);
	uint16_t id;

	assert_refused(sw, -EINVAL, vsw_nicsw_vport_create(sw, &one, &id, em));
	assert_refused(sw, -EINVAL, vsw_nicsw_vport_create(sw, &three, &id, em));
	/* Exactly qp_per_vport, until the pool of 12 holds no more. */
	for (uint16_t i = 0; i < 6; i++)
		assert_int_equal(vport(sw, create_ok(sw, pf_params(2))).n_qps, 2);
	assert_int_equal(pool(sw).qp_free, 0);
	assert_refused(sw, -ENOSPC,
	               vsw_nicsw_vport_create(sw,
	                                      &(struct vsw_vport_params){
	                                              .function = VSW_VPORT_PF,
	                                              .n_qps = 2,
	                                      },
	                                      &id, em));
}

static void
test_r_vp_5_asymmetric_counts(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t a = create_ok(sw, vf_params(0, 1));
	const uint16_t b = create_ok(sw, vf_params(1, 3));
	const uint16_t c = create_ok(sw, pf_params(5));
	const struct vsw_nicsw_pool p = pool(sw);

	assert_int_equal(vport(sw, a).n_qps, 1);
	assert_int_equal(vport(sw, b).n_qps, 3);
	assert_int_equal(vport(sw, c).n_qps, 5);
	assert_int_equal(p.qp_default, 4);
	assert_int_equal(p.qp_used, 9);
	assert_int_equal(p.qp_free, 3);
}

static void
test_r_vp_5_qps_released_on_delete(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, pf_params(12));

	assert_int_equal(pool(sw).qp_free, 0);
	assert_int_equal(vsw_nicsw_vport_delete(sw, id, NULL), 0);
	assert_int_equal(pool(sw).qp_free, 12);
	assert_int_equal(pool(sw).qp_used, 0);
	create_ok(sw, vf_params(0, 12));
}

/* R-VP-6 */

static void
test_r_vp_6_moderation_at_creation(void **state)
{
	struct vsw_nicsw *sw = *state;
	struct vsw_vport_params p = vf_params(0, 1);
	struct vsw_vport_info vi;

	p.moderation.mode = VSW_VPORT_MOD_RATE;
	p.moderation.rate_per_s = 8000;
	vi = vport(sw, create_ok(sw, p));
	assert_int_equal(vi.moderation.mode, VSW_VPORT_MOD_RATE);
	assert_int_equal(vi.moderation.rate_per_s, 8000);
}

static void
test_r_vp_6_moderation_reconfigurable(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t ids[2] = {VSW_VPORT_DEFAULT, create_ok(sw, vf_params(0, 1))};
	const struct vsw_vport_moderation steps[] = {
	        {.mode = VSW_VPORT_MOD_OFF},
	        {.mode = VSW_VPORT_MOD_RATE, .rate_per_s = 20000},
	        {.mode = VSW_VPORT_MOD_RATE, .rate_per_s = VSW_NICSW_INTR_RATE_MAX},
	        {.mode = VSW_VPORT_MOD_ADAPTIVE},
	};

	for (size_t i = 0; i < 2; i++) {
		for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
			const struct vsw_vport_set set = {
			        .fields = VSW_VPORT_SET_MODERATION,
			        .moderation = steps[s],
			};
			struct vsw_vport_info vi;

			assert_int_equal(vsw_nicsw_vport_set_params(sw, ids[i], &set, NULL), 0);
			vi = vport(sw, ids[i]);
			assert_int_equal(vi.moderation.mode, steps[s].mode);
			assert_int_equal(vi.moderation.rate_per_s, steps[s].rate_per_s);
			assert_true(vi.is_operational); /* nothing else moved */
		}
	}
}

static void
test_r_vp_6_bad_moderation_refused(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 1));
	const struct vsw_vport_moderation bad[] = {
	        {.mode = VSW_VPORT_MOD_RATE, .rate_per_s = 0},
	        {.mode = VSW_VPORT_MOD_RATE, .rate_per_s = VSW_NICSW_INTR_RATE_MAX + 1},
	        {.mode = VSW_VPORT_MOD_OFF, .rate_per_s = 1000},
	        {.mode = VSW_VPORT_MOD_ADAPTIVE, .rate_per_s = 1000},
	        {.mode = (enum vsw_vport_moderation_mode)9},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vsw_vport_params p = pf_params(1);
		const struct vsw_vport_set set = {
		        .fields = VSW_VPORT_SET_MODERATION,
		        .moderation = bad[i],
		};
		uint16_t new_id;

		p.moderation = bad[i];
		assert_refused(sw, -EINVAL, vsw_nicsw_vport_create(sw, &p, &new_id, em));
		assert_refused(sw, -EINVAL, vsw_nicsw_vport_set_params(sw, id, &set, em));
	}
}

/* R-VP-7 */

static void
test_r_vp_7_untagged_matches_mac_only_filter(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 1));

	filter_ok(sw, id, mac_a, 0);
	assert_int_equal(classify(sw, mac_a, false, 0), id);
	assert_int_equal(classify(sw, mac_a, false, 42), id); /* no tag: vlan_id unused */
}

static void
test_r_vp_7_priority_tagged_matches_mac_only_filter(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 1));

	filter_ok(sw, id, mac_a, 0);
	assert_int_equal(classify(sw, mac_a, true, 0), id);
	/* A priority tag carries PCP bits in the TCI: only the 12-bit VLAN id counts. */
	assert_int_equal(classify(sw, mac_a, true, 0xe000), id);
}

static void
test_r_vp_7_other_vlan_does_not_match_mac_only_filter(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 1));

	filter_ok(sw, id, mac_a, 0);
	assert_int_equal(classify(sw, mac_a, true, 10), VSW_VPORT_DEFAULT);
	assert_int_equal(classify(sw, mac_a, true, 1), VSW_VPORT_DEFAULT);
	assert_int_equal(classify(sw, mac_a, true, 4095), VSW_VPORT_DEFAULT);
}

static void
test_r_vp_7_mac_vlan_filter(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 1));

	filter_ok(sw, id, mac_a, 10);
	assert_int_equal(classify(sw, mac_a, true, 10), id);
	assert_int_equal(classify(sw, mac_a, true, 0x200a), id); /* PCP 1, VLAN 10 */
	assert_int_equal(classify(sw, mac_a, true, 11), VSW_VPORT_DEFAULT);
	/* A VLAN filter is not a MAC-only filter: untagged and priority-tagged miss it. */
	assert_int_equal(classify(sw, mac_a, false, 0), VSW_VPORT_DEFAULT);
	assert_int_equal(classify(sw, mac_a, true, 0), VSW_VPORT_DEFAULT);
	filter_ok(sw, id, mac_a, VSW_NICSW_VLAN_MAX);
	assert_int_equal(classify(sw, mac_a, true, VSW_NICSW_VLAN_MAX), id);
}

static void
test_r_vp_7_same_mac_other_vlan_on_other_vport(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t a = create_ok(sw, vf_params(0, 1));
	const uint16_t b = create_ok(sw, vf_params(1, 1));

	filter_ok(sw, a, mac_a, 0);
	filter_ok(sw, b, mac_a, 20);
	assert_int_equal(classify(sw, mac_a, false, 0), a);
	assert_int_equal(classify(sw, mac_a, true, 0), a);
	assert_int_equal(classify(sw, mac_a, true, 20), b);
	assert_int_equal(classify(sw, mac_a, true, 30), VSW_VPORT_DEFAULT);
}

static void
test_r_vp_7_unknown_mac_goes_to_default(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 1));

	filter_ok(sw, id, mac_a, 0);
	assert_int_equal(classify(sw, mac_unknown, false, 0), VSW_VPORT_DEFAULT);
	assert_int_equal(classify(sw, mac_unknown, true, 10), VSW_VPORT_DEFAULT);
	assert_int_equal(classify(sw, mac_b, false, 0), VSW_VPORT_DEFAULT);
}

static void
test_r_vp_7_broadcast_and_multicast_flood(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t vf = create_ok(sw, vf_params(0, 1));
	const uint16_t pf_on = create_ok(sw, pf_params(1));
	const uint16_t pf_off = create_ok(sw, pf_params(1));

	make_operational(sw, pf_on);
	assert_int_equal(classify(sw, mac_bcast, false, 0), VSW_VPORT_FLOOD);
	assert_int_equal(classify(sw, mac_mcast, true, 10), VSW_VPORT_FLOOD);
	/* Every operational VPort and the default one, ascending. */
	assert_int_equal(ftable.n_flood_vports, 3);
	assert_int_equal(ftable.flood_vports[0], VSW_VPORT_DEFAULT);
	assert_int_equal(ftable.flood_vports[1], vf);
	assert_int_equal(ftable.flood_vports[2], pf_on);
	assert_false(floods_to(sw, pf_off));
}

static void
test_r_vp_7_non_operational_pf_vport_gets_nothing(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, pf_params(1));

	/* Allowed before it is operational, but it delivers nothing yet. */
	filter_ok(sw, id, mac_a, 0);
	filter_ok(sw, id, mac_b, 7);
	assert_int_equal(vport(sw, id).n_filters, 2);
	assert_int_equal(classify(sw, mac_a, false, 0), VSW_VPORT_DEFAULT);
	assert_int_equal(classify(sw, mac_b, true, 7), VSW_VPORT_DEFAULT);
	assert_int_equal(ftable.n_entries, 0);
	make_operational(sw, id);
	assert_int_equal(classify(sw, mac_a, false, 0), id);
	assert_int_equal(classify(sw, mac_b, true, 7), id);
}

static void
test_r_vp_7_duplicate_filter_refused(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t a = create_ok(sw, vf_params(0, 1));
	const uint16_t b = create_ok(sw, pf_params(1));
	struct vsw_errmsg msg = {{0}};
	uint32_t filter_id;

	filter_ok(sw, a, mac_a, 5);
	assert_refused(sw, -EEXIST, vsw_nicsw_filter_set(sw, a, mac_a, 5, &filter_id, em));
	assert_refused(sw, -EEXIST, vsw_nicsw_filter_set(sw, b, mac_a, 5, &filter_id, em));
	assert_int_equal(vsw_nicsw_filter_set(sw, b, mac_a, 5, &filter_id, &msg), -EEXIST);
	assert_non_null(strstr(msg.msg, "52:54:00:00:00:0a vlan 5 already set on vport 1"));
	/* Owned by a VPort that is not operational yet: still owned. */
	filter_ok(sw, b, mac_b, 0);
	assert_refused(sw, -EEXIST, vsw_nicsw_filter_set(sw, a, mac_b, 0, &filter_id, em));
	/* The default VPort may claim a MAC too, and then owns it. */
	filter_ok(sw, VSW_VPORT_DEFAULT, mac_unknown, 0);
	assert_refused(sw, -EEXIST, vsw_nicsw_filter_set(sw, a, mac_unknown, 0, &filter_id, em));
}

static void
test_r_vp_7_bad_filter_refused(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 1));
	uint32_t filter_id;

	assert_refused(sw, -EINVAL, vsw_nicsw_filter_set(sw, id, mac_bcast, 0, &filter_id, em));
	assert_refused(sw, -EINVAL, vsw_nicsw_filter_set(sw, id, mac_mcast, 0, &filter_id, em));
	assert_refused(sw, -EINVAL, vsw_nicsw_filter_set(sw, id, mac_zero, 0, &filter_id, em));
	assert_refused(sw, -EINVAL, vsw_nicsw_filter_set(sw, id, mac_a, 4095, &filter_id, em));
	assert_refused(sw, -EINVAL, vsw_nicsw_filter_set(sw, id, mac_a, 0xffff, &filter_id, em));
}

static void
test_r_vp_7_filters_per_vport_limit(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t id = create_ok(sw, vf_params(0, 1));
	uint32_t filter_id;

	for (uint16_t v = 1; v <= VSW_NICSW_FILTERS_PER_VPORT_MAX; v++)
		filter_ok(sw, id, mac_a, v);
	assert_refused(sw, -ENOSPC, vsw_nicsw_filter_set(sw, id, mac_b, 0, &filter_id, em));
	filter_ok(sw, VSW_VPORT_DEFAULT, mac_b, 0); /* the limit is per VPort */
}

static void
test_r_vp_7_clear_filter(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t a = create_ok(sw, vf_params(0, 1));
	const uint16_t b = create_ok(sw, vf_params(1, 1));
	const uint32_t fa = filter_ok(sw, a, mac_a, 0);
	const uint32_t fb = filter_ok(sw, a, mac_b, 3);
	struct vsw_vport_info vi;

	/* Only the VPort that holds it clears a filter. */
	assert_refused(sw, -ENOENT, vsw_nicsw_filter_clear(sw, b, fa, em));
	assert_refused(sw, -ENOENT, vsw_nicsw_filter_clear(sw, a, 12345, em));
	assert_int_equal(vsw_nicsw_filter_clear(sw, a, fa, NULL), 0);
	assert_int_equal(classify(sw, mac_a, false, 0), VSW_VPORT_DEFAULT);
	assert_int_equal(classify(sw, mac_b, true, 3), a);
	vi = vport(sw, a);
	assert_int_equal(vi.n_filters, 1);
	assert_int_equal(vi.filters[0].filter_id, fb);
	assert_refused(sw, -ENOENT, vsw_nicsw_filter_clear(sw, a, fa, em)); /* twice */
	/* The (MAC, VLAN) is free for another VPort now. */
	filter_ok(sw, b, mac_a, 0);
	assert_int_equal(classify(sw, mac_a, false, 0), b);
}

static void
test_r_vp_7_filter_ids_unique(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t a = create_ok(sw, vf_params(0, 1));
	const uint16_t b = create_ok(sw, vf_params(1, 1));
	const uint32_t f1 = filter_ok(sw, a, mac_a, 0);
	const uint32_t f2 = filter_ok(sw, b, mac_b, 0);
	uint32_t f3;

	assert_int_not_equal(f1, f2);
	assert_int_equal(vsw_nicsw_filter_clear(sw, a, f1, NULL), 0);
	f3 = filter_ok(sw, a, mac_a, 0);
	/* Not reused: a stale id must not name the new filter. */
	assert_int_not_equal(f3, f1);
	assert_int_not_equal(f3, f2);
	assert_int_equal(vport(sw, a).filters[0].filter_id, f3);
	assert_int_equal(vport(sw, a).filters[0].vlan, 0);
	assert_memory_equal(vport(sw, a).filters[0].mac, mac_a, 6);
}

static void
test_r_vp_7_delete_releases_filters(void **state)
{
	struct vsw_nicsw *sw = *state;
	const uint16_t a = create_ok(sw, vf_params(0, 1));
	const uint16_t b = create_ok(sw, pf_params(1));

	filter_ok(sw, a, mac_a, 0);
	assert_int_equal(vsw_nicsw_vport_delete(sw, a, NULL), 0);
	assert_int_equal(classify(sw, mac_a, false, 0), VSW_VPORT_DEFAULT);
	make_operational(sw, b);
	filter_ok(sw, b, mac_a, 0);
	assert_int_equal(classify(sw, mac_a, false, 0), b);
	/* A new VPort on the same id starts without filters. */
	assert_int_equal(create_ok(sw, vf_params(0, 1)), a);
	assert_int_equal(vport(sw, a).n_filters, 0);
}

static void
test_r_vp_7_full_table(void **state)
{
	struct vsw_nicsw *sw = *state;
	uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x00};

	/* Every VPort id, each with every filter it may hold: the table is half full. */
	for (uint16_t i = 1; i < VSW_NICSW_VPORTS_MAX; i++) {
		const bool is_vf = i <= VSW_NICSW_VFS_MAX;
		const uint16_t id = create_ok(sw, is_vf ? vf_params(i - 1, 1) : pf_params(1));

		if (!is_vf)
			make_operational(sw, id);
	}
	for (uint16_t id = 0; id < VSW_NICSW_VPORTS_MAX; id++) {
		for (uint16_t f = 0; f < VSW_NICSW_FILTERS_PER_VPORT_MAX; f++) {
			mac[4] = (uint8_t)id;
			filter_ok(sw, id, mac, f); /* MAC-only, then VLANs 1..15 */
		}
	}
	vsw_nicsw_ftable_build(sw, &ftable);
	assert_int_equal(ftable.n_entries, VSW_NICSW_FILTERS_MAX);
	assert_int_equal(ftable.n_flood_vports, VSW_NICSW_VPORTS_MAX);
	for (uint16_t id = 0; id < VSW_NICSW_VPORTS_MAX; id++) {
		mac[4] = (uint8_t)id;
		assert_int_equal(vsw_nicsw_classify(&ftable, mac, false, 0), id);
		for (uint16_t f = 1; f < VSW_NICSW_FILTERS_PER_VPORT_MAX; f++)
			assert_int_equal(vsw_nicsw_classify(&ftable, mac, true, f), id);
		assert_int_equal(vsw_nicsw_classify(&ftable, mac, true, 100), VSW_VPORT_DEFAULT);
	}
	mac[3] = 1;
	assert_int_equal(vsw_nicsw_classify(&ftable, mac, false, 0), VSW_VPORT_DEFAULT);
}

/* R-VP-8 */

static void
test_r_vp_8_stats_aggregation(void **state)
{
	const struct vsw_vport_stats w0 = {1, 100, 2, 3, 300, 4};
	const struct vsw_vport_stats w1 = {10, 1000, 20, 30, 3000, 40};
	const struct vsw_vport_stats *per_worker[3] = {&w0, NULL, &w1};
	struct vsw_vport_stats sum;

	(void)state;
	memset(&sum, 0xa5, sizeof(sum)); /* the sum starts from zero, whatever was there */
	vsw_vport_stats_sum(&sum, per_worker, 3);
	assert_int_equal(sum.rx_packets, 11);
	assert_int_equal(sum.rx_bytes, 1100);
	assert_int_equal(sum.rx_drops, 22);
	assert_int_equal(sum.tx_packets, 33);
	assert_int_equal(sum.tx_bytes, 3300);
	assert_int_equal(sum.tx_drops, 44);
	vsw_vport_stats_add(&sum, &w0);
	assert_int_equal(sum.rx_packets, 12);
	assert_int_equal(sum.tx_drops, 48);
	vsw_vport_stats_sum(&sum, per_worker, 0);
	assert_int_equal(sum.rx_bytes, 0);
	assert_int_equal(sum.tx_bytes, 0);
}

/* DELETE_SWITCH and the model as a whole */

struct delete_log {
	unsigned int n;
	uint16_t ids[VSW_NICSW_VPORTS_MAX];
	bool was_operational[VSW_NICSW_VPORTS_MAX];
};

static void
log_delete(void *arg, const struct vsw_vport_info *vi)
{
	struct delete_log *log = arg;

	log->was_operational[log->n] = vi->is_operational;
	log->ids[log->n++] = vi->vport_id;
}

static void
test_r_vp_2_delete_switch_order(void **state)
{
	struct vsw_nicsw *sw = *state;
	struct delete_log log = {0};
	struct vsw_vport_params p = vf_params(2, 1);

	p.vport_id = 7;
	create_ok(sw, p);
	create_ok(sw, pf_params(1));    /* 1 */
	create_ok(sw, vf_params(0, 1)); /* 2 */
	filter_ok(sw, 2, mac_a, 0);
	vsw_nicsw_destroy(sw, log_delete, &log);
	*state = NULL;
	/* Non-default VPorts first, then the default one, each while still intact. */
	assert_int_equal(log.n, 4);
	assert_int_equal(log.ids[0], 1);
	assert_int_equal(log.ids[1], 2);
	assert_int_equal(log.ids[2], 7);
	assert_int_equal(log.ids[3], VSW_VPORT_DEFAULT);
	assert_false(log.was_operational[0]);
	assert_true(log.was_operational[1]);
	assert_true(log.was_operational[3]);
	vsw_nicsw_destroy(NULL, log_delete, &log); /* NULL: nothing */
	assert_int_equal(log.n, 4);
}

static void
test_vport_iteration(void **state)
{
	struct vsw_nicsw *sw = *state;
	struct vsw_vport_params p = pf_params(1);
	struct vsw_vport_info vi;
	uint16_t seen[4] = {0};
	uint32_t it = 0;
	unsigned int n = 0;

	p.vport_id = VSW_NICSW_VPORTS_MAX - 1;
	create_ok(sw, p);
	create_ok(sw, vf_params(0, 1));
	create_ok(sw, vf_params(1, 1));
	assert_int_equal(vsw_nicsw_vport_delete(sw, 2, NULL), 0);
	while (vsw_nicsw_vport_next(sw, &it, &vi) && n < 4)
		seen[n++] = vi.vport_id;
	assert_int_equal(n, 3);
	assert_int_equal(seen[0], VSW_VPORT_DEFAULT);
	assert_int_equal(seen[1], 1);
	assert_int_equal(seen[2], VSW_NICSW_VPORTS_MAX - 1);
	assert_false(vsw_nicsw_vport_next(sw, &it, &vi)); /* stays at the end */
}

static void
test_params_get_copies_creation_params(void **state)
{
	struct vsw_nicsw_params got;

	vsw_nicsw_params_get(*state, &got);
	assert_string_equal(got.name, params_sym.name);
	assert_int_equal(got.num_vfs, params_sym.num_vfs);
	assert_int_equal(got.qp_total, params_sym.qp_total);
	assert_int_equal(got.qp_default, params_sym.qp_default);
	assert_false(got.is_asymmetric);
	assert_int_equal(got.qp_per_vport, params_sym.qp_per_vport);
}

/* The model's invariants, from the outside. */
static void
check_invariants(const struct vsw_nicsw *sw)
{
	const struct vsw_nicsw_pool p = pool(sw);
	bool vf_taken[VSW_NICSW_VFS_MAX] = {false};
	struct vsw_vport_info vi;
	unsigned int qps = 0, n = 0;
	uint32_t it = 0;

	vsw_nicsw_ftable_build(sw, &ftable);
	while (vsw_nicsw_vport_next(sw, &it, &vi)) {
		n++;
		if (!vi.is_default)
			qps += vi.n_qps;
		if (vi.function == VSW_VPORT_VF) {
			assert_false(vf_taken[vi.vf_index]);
			vf_taken[vi.vf_index] = true;
			assert_true(vi.is_operational);
		}
		for (uint16_t f = 0; f < vi.n_filters; f++) {
			const struct vsw_nicsw_filter *flt = &vi.filters[f];
			const uint16_t want = vi.is_operational ? vi.vport_id : VSW_VPORT_DEFAULT;

			assert_int_equal(
			        vsw_nicsw_classify(&ftable, flt->mac, flt->vlan != 0, flt->vlan),
			        want);
		}
	}
	assert_int_equal(n, vsw_nicsw_n_vports(sw));
	assert_int_equal(qps, p.qp_used);
	assert_true(vport(sw, VSW_VPORT_DEFAULT).is_operational);
}

static void
test_invariants_hold_under_churn(void **state)
{
	struct vsw_nicsw *sw = *state;
	uint32_t rnd = 12345;

	/* A fixed pseudo-random walk of accepted and refused changes. */
	for (unsigned int step = 0; step < 5000; step++) {
		uint8_t mac[6] = {0x52, 0x54, 0, 0, 0, 0};
		uint32_t filter_id;
		uint16_t id;

		rnd = rnd * 1103515245 + 12345;
		id = (uint16_t)((rnd >> 8) % 12);
		mac[5] = (uint8_t)((rnd >> 16) % 8);
		switch ((rnd >> 24) % 6) {
		case 0:
			(void)vsw_nicsw_vport_create(sw, &(struct vsw_vport_params){0}, &id, NULL);
			break;
		case 1: {
			struct vsw_vport_params p = vf_params(id % 6, (uint16_t)(1 + id % 3));

			p.function = id & 1 ? VSW_VPORT_VF : VSW_VPORT_PF;
			p.vf_index = id & 1 ? id % 6 : 0;
			(void)vsw_nicsw_vport_create(sw, &p, &id, NULL);
			break;
		}
		case 2:
			(void)vsw_nicsw_vport_delete(sw, id, NULL);
			break;
		case 3:
			(void)vsw_nicsw_filter_set(sw, id, mac, (uint16_t)(rnd % 3), &filter_id,
			                           NULL);
			break;
		case 4: {
			struct vsw_vport_info vi;

			/* Mostly a filter the VPort holds, sometimes one it does not. */
			filter_id = rnd % 64;
			if (vsw_nicsw_vport_get(sw, id, &vi) == 0 && vi.n_filters > 0 && (rnd & 1))
				filter_id = vi.filters[rnd % vi.n_filters].filter_id;
			(void)vsw_nicsw_filter_clear(sw, id, filter_id, NULL);
			break;
		}
		default:
			(void)vsw_nicsw_vport_set_params(
			        sw, id,
			        &(struct vsw_vport_set){.fields = VSW_VPORT_SET_OPERATIONAL,
			                                .is_operational = true},
			        NULL);
			break;
		}
		check_invariants(sw);
	}
}

int
main(void)
{
#define T_ASYM(f) cmocka_unit_test_setup_teardown(f, setup_asym, teardown_sw)
#define T_SYM(f) cmocka_unit_test_setup_teardown(f, setup_sym, teardown_sw)
#define T_BIG(f) cmocka_unit_test_setup_teardown(f, setup_big, teardown_sw)
	const struct CMUnitTest tests[] = {
	        T_ASYM(test_r_vp_2_default_vport_created_with_switch),
	        T_ASYM(test_r_vp_2_default_vport_undeletable),
	        T_ASYM(test_r_vp_2_default_vport_always_operational),
	        cmocka_unit_test(test_r_vp_2_create_switch_bad_params_refused),
	        cmocka_unit_test(test_r_vp_2_create_switch_no_memory),
	        T_ASYM(test_r_vp_2_vport_ids_unique),
	        T_BIG(test_r_vp_2_vport_ids_exhausted),
	        T_ASYM(test_r_vp_2_delete_switch_order),
	        T_ASYM(test_r_vp_3_second_vport_on_vf_refused),
	        T_ASYM(test_r_vp_3_bad_function_refused),
	        T_ASYM(test_r_vp_3_vf_vport_operational_at_once),
	        T_ASYM(test_r_vp_3_pf_vports_created_non_operational),
	        T_ASYM(test_r_vp_3_pf_vport_made_operational),
	        T_ASYM(test_r_vp_3_vf_free_again_after_delete),
	        T_ASYM(test_r_vp_4_operational_never_back),
	        T_ASYM(test_r_vp_4_only_deletion_ends_operational),
	        T_ASYM(test_r_vp_4_function_cannot_change),
	        T_ASYM(test_r_vp_4_qps_cannot_change),
	        T_ASYM(test_r_vp_4_unknown_vport_refused),
	        T_ASYM(test_set_params_bad_fields_refused),
	        T_ASYM(test_r_vp_5_pool_exhausted),
	        T_ASYM(test_r_vp_5_zero_qps_refused),
	        T_SYM(test_r_vp_5_symmetric_unequal_refused),
	        T_ASYM(test_r_vp_5_asymmetric_counts),
	        T_ASYM(test_r_vp_5_qps_released_on_delete),
	        T_ASYM(test_r_vp_6_moderation_at_creation),
	        T_ASYM(test_r_vp_6_moderation_reconfigurable),
	        T_ASYM(test_r_vp_6_bad_moderation_refused),
	        T_ASYM(test_r_vp_7_untagged_matches_mac_only_filter),
	        T_ASYM(test_r_vp_7_priority_tagged_matches_mac_only_filter),
	        T_ASYM(test_r_vp_7_other_vlan_does_not_match_mac_only_filter),
	        T_ASYM(test_r_vp_7_mac_vlan_filter),
	        T_ASYM(test_r_vp_7_same_mac_other_vlan_on_other_vport),
	        T_ASYM(test_r_vp_7_unknown_mac_goes_to_default),
	        T_ASYM(test_r_vp_7_broadcast_and_multicast_flood),
	        T_ASYM(test_r_vp_7_non_operational_pf_vport_gets_nothing),
	        T_ASYM(test_r_vp_7_duplicate_filter_refused),
	        T_ASYM(test_r_vp_7_bad_filter_refused),
	        T_ASYM(test_r_vp_7_filters_per_vport_limit),
	        T_ASYM(test_r_vp_7_clear_filter),
	        T_ASYM(test_r_vp_7_filter_ids_unique),
	        T_ASYM(test_r_vp_7_delete_releases_filters),
	        T_BIG(test_r_vp_7_full_table),
	        cmocka_unit_test(test_r_vp_8_stats_aggregation),
	        T_ASYM(test_vport_iteration),
	        T_SYM(test_params_get_copies_creation_params),
	        T_ASYM(test_invariants_hold_under_churn),
	};
#undef T_ASYM
#undef T_SYM
#undef T_BIG

	return cmocka_run_group_tests(tests, NULL, NULL);
}
