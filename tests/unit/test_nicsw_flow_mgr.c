/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the hardware NIC switch's rule management (include/vsw/nicsw_flow_mgr.h,
 * lib/nicsw/flow_mgr.c) against a fake NIC: which rules exist for which VPort and filter,
 * validate before create, their order, removal as the model changes, and the rollback of a
 * refused sync (nothing half-applied). The fake NIC keeps the set of live rules and the log
 * of calls; no EAL, no DPDK library.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_flow.h>

#include "vsw/nicsw.h"
#include "vsw/nicsw_flow.h"
#include "vsw/nicsw_flow_mgr.h"

#include <cmocka.h>

#define N_VFS 4
#define PF_ETH_PORT 0
#define CALLS_MAX 4096
#define LIVE_MAX 1024

/* The fake NIC: live rules by handle, every call in order, and refusals on demand. */
static struct {
	unsigned int next_handle;
	unsigned int n_live;
	uintptr_t live[LIVE_MAX];
	bool live_transfer[LIVE_MAX];
	unsigned int n_calls;
	char calls[CALLS_MAX]; /* 'V'alidate, 'C'reate, 'D'estroy */
	uintptr_t call_handle[CALLS_MAX];
	int refuse_validate_at; /* the n-th validate call (1-based) fails; 0: none */
	int refuse_create_at;
	int refuse_destroy_at;
	unsigned int n_validate, n_create, n_destroy;
	bool created_unvalidated; /* a create not right after the same rule's validate */
} nic;

static int
fake_validate(void *ctx, uint16_t eth_port_id, const struct vsw_flow_rule *r, char *why,
              size_t why_size)
{
	(void)ctx;
	(void)r;
	assert_int_equal(eth_port_id, PF_ETH_PORT);
	nic.calls[nic.n_calls++] = 'V';
	if ((int)++nic.n_validate == nic.refuse_validate_at) {
		snprintf(why, why_size, "fake: pattern not supported");
		return -ENOTSUP;
	}
	return 0;
}

static int
fake_create(void *ctx, uint16_t eth_port_id, const struct vsw_flow_rule *r, void **handle,
            char *why, size_t why_size)
{
	(void)ctx;
	assert_int_equal(eth_port_id, PF_ETH_PORT);
	if (nic.n_calls == 0 || nic.calls[nic.n_calls - 1] != 'V')
		nic.created_unvalidated = true;
	nic.calls[nic.n_calls] = 'C';
	if ((int)++nic.n_create == nic.refuse_create_at) {
		nic.n_calls++;
		snprintf(why, why_size, "fake: table full");
		return -ENOSPC;
	}
	nic.call_handle[nic.n_calls++] = ++nic.next_handle;
	assert_true(nic.n_live < LIVE_MAX);
	nic.live_transfer[nic.n_live] = r->attr.transfer != 0;
	nic.live[nic.n_live++] = nic.next_handle;
	*handle = (void *)(uintptr_t)nic.next_handle;
	return 0;
}

static int
fake_destroy(void *ctx, uint16_t eth_port_id, void *handle, char *why, size_t why_size)
{
	(void)ctx;
	assert_int_equal(eth_port_id, PF_ETH_PORT);
	nic.calls[nic.n_calls] = 'D';
	nic.call_handle[nic.n_calls++] = (uintptr_t)handle;
	if ((int)++nic.n_destroy == nic.refuse_destroy_at) {
		snprintf(why, why_size, "fake: busy");
		return -EBUSY;
	}
	for (unsigned int i = 0; i < nic.n_live; i++) {
		if (nic.live[i] == (uintptr_t)handle) {
			nic.live[i] = nic.live[nic.n_live - 1];
			nic.live_transfer[i] = nic.live_transfer[nic.n_live - 1];
			nic.n_live--;
			return 0;
		}
	}
	fail_msg("destroy of handle %lu, which is not live", (unsigned long)(uintptr_t)handle);
	return -ENOENT;
}

static const struct vsw_flow_ops fake_ops = {
        .validate = fake_validate, .create = fake_create, .destroy = fake_destroy};

static const uint8_t mac_a[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x0a};
static const uint8_t mac_b[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x0b};
static const uint8_t mac_c[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x0c};

struct fixture {
	struct vsw_nicsw *sw;
	struct vsw_flow_mgr *m;
	struct vsw_flow_switch fsw;
};

/* mlx5-like: PF ethdev 0, VF n's representor ethdev n + 1; 16 queue pairs, 2 default. */
static int
setup(void **state, enum vsw_flow_eswitch eswitch)
{
	static struct fixture f;
	struct vsw_nicsw_params p = {.name = "nic0",
	                             .num_vfs = N_VFS,
	                             .qp_total = 16,
	                             .qp_default = 2,
	                             .is_asymmetric = true};

	memset(&nic, 0, sizeof(nic));
	memset(&f, 0, sizeof(f));
	f.fsw.eswitch = eswitch;
	f.fsw.eth_port_id = PF_ETH_PORT;
	f.fsw.num_vfs = N_VFS;
	for (uint16_t vf = 0; vf < VSW_NICSW_VFS_MAX; vf++)
		f.fsw.vf_eth_port_ids[vf] = VSW_FLOW_ETH_PORT_NONE;
	for (uint16_t vf = eswitch == VSW_FLOW_ESWITCH_DCF ? 1 : 0; vf < N_VFS; vf++)
		f.fsw.vf_eth_port_ids[vf] = (uint16_t)(vf + 1);
	f.sw = vsw_nicsw_create(&p, NULL);
	assert_non_null(f.sw);
	/* PF queues: the default VPort's 2 and room for 4 more. */
	f.m = vsw_flow_mgr_create("nic0", &f.fsw, 6, &fake_ops, NULL);
	assert_non_null(f.m);
	*state = &f;
	return 0;
}

static int
setup_transfer(void **state)
{
	return setup(state, VSW_FLOW_ESWITCH_TRANSFER);
}

static int
setup_dcf(void **state)
{
	return setup(state, VSW_FLOW_ESWITCH_DCF);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	vsw_flow_mgr_destroy(f->m);
	vsw_nicsw_destroy(f->sw, NULL, NULL);
	assert_int_equal(nic.n_live, 0); /* every rule went with the manager */
	return 0;
}

static uint16_t
add_vport(struct fixture *f, enum vsw_vport_function fn, uint16_t vf, uint16_t n_qps)
{
	struct vsw_vport_params p = {.function = fn, .vf_index = vf, .n_qps = n_qps};
	uint16_t id;

	assert_int_equal(vsw_nicsw_vport_create(f->sw, &p, &id, NULL), 0);
	return id;
}

static uint32_t
add_filter(struct fixture *f, uint16_t vport, const uint8_t *mac, uint16_t vlan)
{
	uint32_t id;

	assert_int_equal(vsw_nicsw_filter_set(f->sw, vport, mac, vlan, &id, NULL), 0);
	return id;
}

static void
make_operational(struct fixture *f, uint16_t vport)
{
	struct vsw_vport_set set = {.fields = VSW_VPORT_SET_OPERATIONAL, .is_operational = true};

	assert_int_equal(vsw_nicsw_vport_set_params(f->sw, vport, &set, NULL), 0);
}

/* Rules held for (@p vport, @p filter_id), and the text of the last one into @p text. */
static unsigned int
count_rules(struct fixture *f, uint16_t vport, uint32_t filter_id, char *text, size_t size)
{
	struct vsw_flow_mgr_rule_info ri;
	uint32_t it = 0;
	unsigned int n = 0;

	while (vsw_flow_mgr_rule_next(f->m, &it, &ri)) {
		if (ri.vport_id != vport || ri.filter_id != filter_id)
			continue;
		n++;
		if (text != NULL)
			snprintf(text, size, "%s", ri.text);
	}
	return n;
}

/* Every create of the NIC came right after a validate, and the NIC holds what we hold. */
static void
assert_consistent(struct fixture *f)
{
	assert_false(nic.created_unvalidated);
	assert_int_equal(nic.n_live, vsw_flow_mgr_n_rules(f->m));
}

/* The default VPort alone: one catch-all, RSS over its 2 queues; validated before created. */
static void
test_default_catch_all(void **state)
{
	struct fixture *f = *state;
	char text[VSW_FLOW_RULE_STR_SIZE];

	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 1);
	assert_int_equal(count_rules(f, 0, 0, text, sizeof(text)), 1);
	assert_string_equal(text, "flow create 0 group 0 priority 1 ingress pattern eth / end "
	                          "actions rss types ip udp tcp end queues 0 1 end / end");
	assert_int_equal(nic.n_calls, 2);
	assert_memory_equal(nic.calls, "VC", 2);
	/* Syncing the same model again changes nothing on the NIC. */
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(nic.n_calls, 2);
	assert_consistent(f);
}

/*
 * A VF VPort's MAC-only filter: 2 rules (untagged, priority-tagged) from the wire and from each
 * of the 3 other VFs, all transfer rules; a VLAN filter: 1 rule per source.
 */
static void
test_vf_filter_rules(void **state)
{
	struct fixture *f = *state;
	const uint16_t vp = add_vport(f, VSW_VPORT_VF, 0, 1);
	const uint32_t fa = add_filter(f, vp, mac_a, 0);
	const uint32_t fb = add_filter(f, vp, mac_b, 7);
	char text[VSW_FLOW_RULE_STR_SIZE];

	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(count_rules(f, vp, fa, NULL, 0), 2 * 4);
	assert_int_equal(count_rules(f, vp, fb, text, sizeof(text)), 4);
	/* The last source is VF 3's representor (ethdev 4); the fate is VF 0's (ethdev 1). */
	assert_string_equal(text,
	                    "flow create 0 group 0 priority 0 transfer pattern represented_port "
	                    "ethdev_port_id spec 4 ethdev_port_id mask 0xffff / eth dst spec "
	                    "52:54:00:00:00:0b dst mask ff:ff:ff:ff:ff:ff has_vlan spec 1 has_vlan "
	                    "mask 1 / vlan tci spec 0x0007 tci mask 0x0fff / end actions "
	                    "represented_port ethdev_port_id 1 / end");
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 1 + 8 + 4);
	for (unsigned int i = 0; i < nic.n_live; i++)
		if (nic.live[i] != 1) /* handle 1: the catch-all, an ingress rule */
			assert_true(nic.live_transfer[i]);
	assert_consistent(f);
}

/* Clearing a filter removes its rules only; deleting the VPort removes the rest of its own. */
static void
test_clear_and_delete_remove_rules(void **state)
{
	struct fixture *f = *state;
	const uint16_t v0 = add_vport(f, VSW_VPORT_VF, 0, 1);
	const uint16_t v1 = add_vport(f, VSW_VPORT_VF, 1, 1);
	const uint32_t fa = add_filter(f, v0, mac_a, 5);
	const uint32_t fb = add_filter(f, v0, mac_b, 6);
	const uint32_t fc = add_filter(f, v1, mac_c, 0);

	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 1 + 4 + 4 + 8);
	assert_int_equal(vsw_nicsw_filter_clear(f->sw, v0, fa, NULL), 0);
	nic.n_calls = 0;
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(count_rules(f, v0, fa, NULL, 0), 0);
	assert_int_equal(count_rules(f, v0, fb, NULL, 0), 4);
	assert_int_equal(count_rules(f, v1, fc, NULL, 0), 8);
	assert_int_equal(nic.n_calls, 4); /* four destroys, nothing created */
	assert_memory_equal(nic.calls, "DDDD", 4);
	assert_int_equal(vsw_nicsw_vport_delete(f->sw, v1, NULL), 0);
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(count_rules(f, v1, fc, NULL, 0), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 1 + 4);
	assert_consistent(f);
}

/* A create refused half-way: every rule this sync created is destroyed, newest first. */
static void
test_create_refused_rolls_back(void **state)
{
	struct fixture *f = *state;
	const uint16_t v0 = add_vport(f, VSW_VPORT_VF, 0, 1);
	struct vsw_errmsg em = {0};
	uintptr_t created[16];
	unsigned int n_created = 0, n_destroyed = 0;

	add_filter(f, v0, mac_a, 5);
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 5);
	/* A MAC-only filter on VF 1: 8 rules; the 6th create of this sync is refused. */
	add_filter(f, add_vport(f, VSW_VPORT_VF, 1, 1), mac_c, 0);
	nic.n_calls = 0;
	nic.refuse_create_at = (int)nic.n_create + 6;
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, &em), -ENOSPC);
	assert_non_null(strstr(em.msg, "nic switch nic0: ethdev 0 refuses rule of vport 2 "
	                               "(create: fake: table full): flow create 0 "));
	assert_non_null(strstr(em.msg, "dst spec 52:54:00:00:00:0c"));
	for (unsigned int i = 0; i < nic.n_calls; i++) {
		if (nic.calls[i] == 'C' && nic.call_handle[i] != 0)
			created[n_created++] = nic.call_handle[i];
		if (nic.calls[i] == 'D') /* newest first */
			assert_int_equal(nic.call_handle[i],
			                 created[n_created - 1 - n_destroyed++]);
	}
	assert_int_equal(n_created, 5);
	assert_int_equal(n_destroyed, 5);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 5); /* as before the call */
	assert_consistent(f);
	/* Once the NIC has room, the same model goes in whole. */
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 5 + 8);
	assert_consistent(f);
}

/* A validate refused: the rule is never created, and the message names the driver's reason. */
static void
test_validate_refused(void **state)
{
	struct fixture *f = *state;
	struct vsw_errmsg em = {0};

	add_filter(f, add_vport(f, VSW_VPORT_VF, 2, 1), mac_a, 9);
	nic.refuse_validate_at = 3; /* catch-all, 1st filter rule, then this one */
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, &em), -ENOTSUP);
	assert_non_null(strstr(em.msg, "(validate: fake: pattern not supported)"));
	assert_int_equal(nic.n_create, 2);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 0);
	assert_int_equal(nic.n_live, 0);
	assert_consistent(f);
}

/*
 * PF VPorts: none while not operational (R-VP-3); then RSS over their own range of the PF's
 * queues after the default VPort's, first fit; a range freed by a deleted VPort is reused.
 */
static void
test_pf_vport_queues(void **state)
{
	struct fixture *f = *state;
	const uint16_t p1 = add_vport(f, VSW_VPORT_PF, 0, 2);
	const uint16_t p2 = add_vport(f, VSW_VPORT_PF, 0, 1);
	const uint32_t f1 = add_filter(f, p1, mac_a, 3);
	const uint32_t f2 = add_filter(f, p2, mac_b, 3);
	char text[VSW_FLOW_RULE_STR_SIZE];
	uint16_t p3;

	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 1);
	make_operational(f, p1);
	make_operational(f, p2);
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(count_rules(f, p1, f1, text, sizeof(text)), 1);
	assert_non_null(strstr(text, " ingress pattern eth dst spec 52:54:00:00:00:0a"));
	assert_non_null(strstr(text, "actions rss types ip udp tcp end queues 2 3 end / end"));
	assert_int_equal(count_rules(f, p2, f2, text, sizeof(text)), 1);
	assert_non_null(strstr(text, "queues 4 end"));
	/* p1 goes; a new 2-queue VPort takes its range back, not past p2's. */
	assert_int_equal(vsw_nicsw_vport_delete(f->sw, p1, NULL), 0);
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	p3 = add_vport(f, VSW_VPORT_PF, 0, 2);
	make_operational(f, p3);
	add_filter(f, p3, mac_c, 3);
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 3);
	{
		struct vsw_flow_mgr_rule_info ri;
		uint32_t it = 0;
		bool is_seen = false;

		while (vsw_flow_mgr_rule_next(f->m, &it, &ri))
			if (ri.vport_id == p3) {
				assert_non_null(strstr(ri.text, "queues 2 3 end"));
				is_seen = true;
			}
		assert_true(is_seen);
	}
	assert_consistent(f);
}

/* More PF queues than the PF has: refused, nothing of the sync left. */
static void
test_pf_queues_exhausted(void **state)
{
	struct fixture *f = *state;
	const uint16_t p1 = add_vport(f, VSW_VPORT_PF, 0, 3);
	const uint16_t p2 = add_vport(f, VSW_VPORT_PF, 0, 2);
	struct vsw_errmsg em = {0};

	add_filter(f, p1, mac_a, 0);
	add_filter(f, p2, mac_b, 0);
	make_operational(f, p1);
	make_operational(f, p2);
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, &em), -ENOSPC);
	assert_string_equal(em.msg,
	                    "nic switch nic0: vport 2 needs 2 queues of the pf, 1 are free");
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 0);
	assert_consistent(f);
	/* Without p2 the rest fits, from queue 2 on: the failed sync left no range behind. */
	assert_int_equal(vsw_nicsw_vport_delete(f->sw, p2, NULL), 0);
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 1 + 2);
	assert_consistent(f);
}

/* A rule that cannot be destroyed stays held, the error is returned, the next sync retries. */
static void
test_destroy_refused_kept(void **state)
{
	struct fixture *f = *state;
	const uint16_t v0 = add_vport(f, VSW_VPORT_VF, 0, 1);
	const uint32_t fa = add_filter(f, v0, mac_a, 4);
	struct vsw_errmsg em = {0};

	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(vsw_nicsw_filter_clear(f->sw, v0, fa, NULL), 0);
	nic.refuse_destroy_at = (int)nic.n_destroy + 2;
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, &em), -EBUSY);
	assert_non_null(strstr(em.msg, "cannot remove rule (fake: busy)"));
	assert_int_equal(count_rules(f, v0, fa, NULL, 0), 1);
	assert_consistent(f);
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(count_rules(f, v0, fa, NULL, 0), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 1);
	assert_consistent(f);
}

/* DCF (ice): no catch-all, ingress rules; VF 0 is the DCF and cannot hold a VPort's rules. */
static void
test_dcf(void **state)
{
	struct fixture *f = *state;
	const uint16_t v1 = add_vport(f, VSW_VPORT_VF, 1, 1);
	const uint32_t fa = add_filter(f, v1, mac_a, 0);
	struct vsw_errmsg em = {0};
	char text[VSW_FLOW_RULE_STR_SIZE];

	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, NULL), 0);
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 2); /* the wire only: no source items */
	assert_int_equal(count_rules(f, v1, fa, text, sizeof(text)), 2);
	assert_non_null(strstr(text, "priority 0 ingress pattern eth dst spec"));
	add_filter(f, add_vport(f, VSW_VPORT_VF, 0, 1), mac_b, 0);
	assert_int_equal(vsw_flow_mgr_sync(f->m, f->sw, &em), -EINVAL);
	assert_non_null(strstr(em.msg, "cannot be a rule"));
	assert_int_equal(vsw_flow_mgr_n_rules(f->m), 2);
	assert_consistent(f);
}

/* Bad arguments to create. */
static void
test_create_refused(void **state)
{
	struct vsw_flow_switch fsw = {.eswitch = VSW_FLOW_ESWITCH_TRANSFER, .num_vfs = 1};
	const struct vsw_flow_ops no_destroy = {.validate = fake_validate, .create = fake_create};

	(void)state;
	assert_null(vsw_flow_mgr_create("nic0", &fsw, 0, &fake_ops, NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(vsw_flow_mgr_create("nic0", &fsw, 4, &no_destroy, NULL));
	assert_int_equal(errno, EINVAL);
	vsw_flow_mgr_destroy(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_default_catch_all, setup_transfer, teardown),
	        cmocka_unit_test_setup_teardown(test_vf_filter_rules, setup_transfer, teardown),
	        cmocka_unit_test_setup_teardown(test_clear_and_delete_remove_rules, setup_transfer,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_create_refused_rolls_back, setup_transfer,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_validate_refused, setup_transfer, teardown),
	        cmocka_unit_test_setup_teardown(test_pf_vport_queues, setup_transfer, teardown),
	        cmocka_unit_test_setup_teardown(test_pf_queues_exhausted, setup_transfer, teardown),
	        cmocka_unit_test_setup_teardown(test_destroy_refused_kept, setup_transfer,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_dcf, setup_dcf, teardown),
	        cmocka_unit_test(test_create_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
