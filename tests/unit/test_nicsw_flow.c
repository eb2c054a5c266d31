/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the hardware NIC switch's translation layer (include/vsw/nicsw_flow.h,
 * lib/nicsw/flow_hw.c): the exact rte_flow items, spec and mask bytes, attributes and actions
 * each receive filter and the default VPort become under both embedded-switch models, the
 * 1-vs-2 rule split of MAC-only filters (checked against the model's own classifier,
 * vsw_nicsw_classify(), over a grid of frames), the representor devargs, the testpmd
 * rendering, and every refusal. No EAL, no NIC: the rules are inspected, never created.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_flow.h>

#include "vsw/nicsw.h"
#include "vsw/nicsw_flow.h"

#include <cmocka.h>

#define PF_ETH_PORT 0
#define DCF_ETH_PORT 7
#define N_VFS 4

static const uint8_t mac_a[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x5a};
static const uint8_t mac_b[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x5b};
static const uint8_t mac_mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_zero[6];
static const uint8_t mac_ff[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Large (an RSS queue array each): static, not on the stack. */
static struct vsw_flow_rule rules[VSW_FLOW_RULES_PER_FILTER_MAX + 1];

/* mlx5-like: PF ethdev 0, VF n's representor is ethdev n + 1. */
static void
switch_transfer(struct vsw_flow_switch *fsw)
{
	memset(fsw, 0, sizeof(*fsw));
	fsw->eswitch = VSW_FLOW_ESWITCH_TRANSFER;
	fsw->eth_port_id = PF_ETH_PORT;
	fsw->num_vfs = N_VFS;
	for (uint16_t vf = 0; vf < VSW_NICSW_VFS_MAX; vf++)
		fsw->vf_eth_port_ids[vf] = vf < N_VFS ? (uint16_t)(vf + 1) : VSW_FLOW_ETH_PORT_NONE;
}

/* ice DCF-like: DCF ethdev 7 (VF 0), VF n >= 1's representor is ethdev 10 + n. */
static void
switch_dcf(struct vsw_flow_switch *fsw)
{
	memset(fsw, 0, sizeof(*fsw));
	fsw->eswitch = VSW_FLOW_ESWITCH_DCF;
	fsw->eth_port_id = DCF_ETH_PORT;
	fsw->num_vfs = N_VFS;
	for (uint16_t vf = 0; vf < VSW_NICSW_VFS_MAX; vf++)
		fsw->vf_eth_port_ids[vf] =
		        vf >= 1 && vf < N_VFS ? (uint16_t)(10 + vf) : VSW_FLOW_ETH_PORT_NONE;
}

static void
vport_vf(struct vsw_vport_info *vp, uint16_t vf_index)
{
	memset(vp, 0, sizeof(*vp));
	vp->vport_id = (uint16_t)(vf_index + 1);
	vp->is_operational = true;
	vp->function = VSW_VPORT_VF;
	vp->vf_index = vf_index;
	vp->n_qps = 1;
}

static void
vport_pf(struct vsw_vport_info *vp, uint16_t n_qps)
{
	memset(vp, 0, sizeof(*vp));
	vp->vport_id = 20;
	vp->is_operational = true;
	vp->function = VSW_VPORT_PF;
	vp->n_qps = n_qps;
}

static void
filter_of(struct vsw_nicsw_filter *f, const uint8_t mac[6], uint16_t vlan)
{
	memset(f, 0, sizeof(*f));
	f->filter_id = 1;
	memcpy(f->mac, mac, 6);
	f->vlan = vlan;
}

static void
req_of(struct vsw_flow_filter_req *req, const struct vsw_vport_info *vp,
       const struct vsw_nicsw_filter *f)
{
	memset(req, 0, sizeof(*req));
	req->vport = vp;
	req->filter = f;
	req->src_eth_port_id = VSW_FLOW_ETH_PORT_NONE;
}

/* Build the rules of filter (@p mac, @p vlan) of @p vp on @p fsw. */
static int
build(const struct vsw_flow_switch *fsw, const struct vsw_vport_info *vp, const uint8_t mac[6],
      uint16_t vlan)
{
	struct vsw_flow_filter_req req;
	struct vsw_nicsw_filter f;

	filter_of(&f, mac, vlan);
	req_of(&req, vp, &f);
	return vsw_flow_filter_build(fsw, &req, rules, VSW_FLOW_RULES_PER_FILTER_MAX);
}

/* Whether @p p points into @p r (or is NULL): a rule must be self-contained. */
static bool
is_inside(const struct vsw_flow_rule *r, const void *p)
{
	const char *c = p;

	return p == NULL || (c >= (const char *)r && c < (const char *)(r + 1));
}

/* Invariants of every rule built: self-contained, no "last", END-terminated, group 0. */
static void
assert_rule_sane(const struct vsw_flow_rule *r)
{
	bool has_end = false;

	for (unsigned int i = 0; i < VSW_FLOW_ITEMS_MAX; i++) {
		assert_true(is_inside(r, r->pattern[i].spec));
		assert_true(is_inside(r, r->pattern[i].mask));
		assert_null(r->pattern[i].last);
		has_end |= r->pattern[i].type == RTE_FLOW_ITEM_TYPE_END;
	}
	assert_true(has_end);
	assert_int_equal(r->actions[VSW_FLOW_ACTIONS_MAX - 1].type, RTE_FLOW_ACTION_TYPE_END);
	for (unsigned int i = 0; i < VSW_FLOW_ACTIONS_MAX; i++)
		assert_true(is_inside(r, r->actions[i].conf));
	assert_int_equal(r->attr.group, VSW_FLOW_GROUP);
	assert_int_equal(r->attr.egress, 0);
	assert_int_equal(r->attr.reserved, 0);
	/* 22.11 refuses a direction on a transfer rule; a non-transfer rule needs ingress. */
	assert_int_equal(r->attr.transfer + r->attr.ingress, 1);
}

/* ETH item: dst = @p mac with an all-ones mask, has_vlan = @p has_vlan with mask 1. */
static void
assert_eth_item(const struct rte_flow_item *item, const uint8_t mac[6], unsigned int has_vlan)
{
	const struct rte_flow_item_eth *s = item->spec, *m = item->mask;

	assert_int_equal(item->type, RTE_FLOW_ITEM_TYPE_ETH);
	assert_non_null(s);
	assert_non_null(m);
	assert_memory_equal(s->hdr.dst_addr.addr_bytes, mac, 6);
	assert_memory_equal(m->hdr.dst_addr.addr_bytes, mac_ff, 6);
	assert_memory_equal(m->hdr.src_addr.addr_bytes, mac_zero, 6);
	assert_int_equal(m->hdr.ether_type, 0);
	assert_int_equal(s->has_vlan, has_vlan);
	assert_int_equal(m->has_vlan, 1);
	assert_int_equal(s->reserved, 0);
	assert_int_equal(m->reserved, 0);
}

/* VLAN item: TCI bytes on the wire (big-endian) @p hi @p lo, mask bytes 0f ff. */
static void
assert_vlan_item(const struct rte_flow_item *item, uint8_t hi, uint8_t lo)
{
	const struct rte_flow_item_vlan *s = item->spec, *m = item->mask;
	const uint8_t spec_bytes[2] = {hi, lo};
	const uint8_t mask_bytes[2] = {0x0f, 0xff};

	assert_int_equal(item->type, RTE_FLOW_ITEM_TYPE_VLAN);
	assert_non_null(s);
	assert_non_null(m);
	assert_memory_equal(&s->hdr.vlan_tci, spec_bytes, 2);
	assert_memory_equal(&m->hdr.vlan_tci, mask_bytes, 2);
	assert_int_equal(m->hdr.eth_proto, 0);
	assert_int_equal(m->has_more_vlan, 0);
}

static void
assert_port_action(const struct vsw_flow_rule *r, enum rte_flow_action_type type,
                   uint16_t eth_port_id)
{
	const struct rte_flow_action_ethdev *c = r->actions[0].conf;

	assert_int_equal(r->actions[0].type, type);
	assert_non_null(c);
	assert_int_equal(c->port_id, eth_port_id);
	assert_int_equal(r->actions[1].type, RTE_FLOW_ACTION_TYPE_END);
}

static void
assert_rss_action(const struct vsw_flow_rule *r, uint16_t qp_first, uint16_t n_qps)
{
	const struct rte_flow_action_rss *c = r->actions[0].conf;

	assert_int_equal(r->actions[0].type, RTE_FLOW_ACTION_TYPE_RSS);
	assert_non_null(c);
	assert_int_equal(c->func, RTE_ETH_HASH_FUNCTION_DEFAULT);
	assert_int_equal(c->level, 0);
	assert_int_equal(c->types, RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP);
	assert_null(c->key);
	assert_int_equal(c->key_len, 0);
	assert_int_equal(c->queue_num, n_qps);
	for (uint16_t i = 0; i < n_qps; i++)
		assert_int_equal(c->queue[i], qp_first + i);
	assert_int_equal(r->actions[1].type, RTE_FLOW_ACTION_TYPE_END);
}

/* R-VP-7, mlx5: (MAC, 10) of VF 2's VPort -> one transfer rule to VF 2's representor. */
static void
test_r_vp_7_vlan_filter_transfer_rule(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;
	const struct vsw_flow_rule *r = &rules[0];

	(void)state;
	switch_transfer(&fsw);
	vport_vf(&vp, 2);
	assert_int_equal(build(&fsw, &vp, mac_a, 10), 1);
	assert_rule_sane(r);
	assert_int_equal(r->attr.transfer, 1);
	assert_int_equal(r->attr.ingress, 0);
	assert_int_equal(r->attr.priority, VSW_FLOW_PRIO_FILTER);
	assert_eth_item(&r->pattern[0], mac_a, 1);
	assert_vlan_item(&r->pattern[1], 0x00, 0x0a);
	assert_int_equal(r->pattern[2].type, RTE_FLOW_ITEM_TYPE_END);
	assert_null(r->pattern[2].spec);
	assert_port_action(r, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, 3);
}

/* The TCI is big-endian on the wire whatever the host's byte order. */
static void
test_vlan_tci_is_big_endian(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;

	(void)state;
	switch_transfer(&fsw);
	vport_vf(&vp, 0);
	assert_int_equal(build(&fsw, &vp, mac_a, VSW_NICSW_VLAN_MAX), 1);
	assert_vlan_item(&rules[0].pattern[1], 0x0f, 0xfe);
	assert_int_equal(build(&fsw, &vp, mac_a, 0x123), 1);
	assert_vlan_item(&rules[0].pattern[1], 0x01, 0x23);
	assert_int_equal(build(&fsw, &vp, mac_a, 1), 1);
	assert_vlan_item(&rules[0].pattern[1], 0x00, 0x01);
}

/* R-VP-7: a MAC-only filter is two rules, untagged and priority-tagged, same fate. */
static void
test_r_vp_7_mac_only_filter_is_two_rules(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;

	(void)state;
	switch_transfer(&fsw);
	vport_vf(&vp, 1);
	assert_int_equal(build(&fsw, &vp, mac_b, 0), 2);
	for (unsigned int i = 0; i < 2; i++) {
		assert_rule_sane(&rules[i]);
		assert_int_equal(rules[i].attr.transfer, 1);
		assert_int_equal(rules[i].attr.priority, VSW_FLOW_PRIO_FILTER);
		assert_port_action(&rules[i], RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, 2);
	}
	/* Untagged: has_vlan 0 under mask 1, and no VLAN item. */
	assert_eth_item(&rules[0].pattern[0], mac_b, 0);
	assert_int_equal(rules[0].pattern[1].type, RTE_FLOW_ITEM_TYPE_END);
	/* Priority-tagged: has_vlan 1, VLAN id 0 under mask 0x0fff (any PCP and DEI). */
	assert_eth_item(&rules[1].pattern[0], mac_b, 1);
	assert_vlan_item(&rules[1].pattern[1], 0x00, 0x00);
	assert_int_equal(rules[1].pattern[2].type, RTE_FLOW_ITEM_TYPE_END);
}

/* The caller's buffer must hold every rule of the filter, or nothing is promised. */
static void
test_rule_buffer_too_small(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;
	struct vsw_flow_filter_req req;
	struct vsw_nicsw_filter f;

	(void)state;
	switch_transfer(&fsw);
	vport_vf(&vp, 1);
	filter_of(&f, mac_a, 0);
	req_of(&req, &vp, &f);
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 1), -ENOSPC);
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 0), -ENOSPC);
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 3), 2);
	f.vlan = 5;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 1), 1);
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 0), -ENOSPC);
}

/* A source item restricts a transfer rule to frames from one represented port. */
static void
test_transfer_rule_with_source_item(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;
	struct vsw_flow_filter_req req;
	struct vsw_nicsw_filter f;
	const struct rte_flow_item_ethdev *s, *m;

	(void)state;
	switch_transfer(&fsw);
	vport_vf(&vp, 3);
	filter_of(&f, mac_a, 100);
	req_of(&req, &vp, &f);
	req.src_eth_port_id = 2; /* frames sent by VF 1 */
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), 1);
	assert_rule_sane(&rules[0]);
	assert_int_equal(rules[0].pattern[0].type, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT);
	s = rules[0].pattern[0].spec;
	m = rules[0].pattern[0].mask;
	assert_int_equal(s->port_id, 2);
	assert_int_equal(m->port_id, 0xffff);
	assert_eth_item(&rules[0].pattern[1], mac_a, 1);
	assert_vlan_item(&rules[0].pattern[2], 0x00, 0x64);
	assert_int_equal(rules[0].pattern[3].type, RTE_FLOW_ITEM_TYPE_END);
	assert_port_action(&rules[0], RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, 4);

	/* MAC only: both rules carry the source item. */
	f.vlan = 0;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), 2);
	assert_int_equal(rules[0].pattern[0].type, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT);
	assert_eth_item(&rules[0].pattern[1], mac_a, 0);
	assert_int_equal(rules[0].pattern[2].type, RTE_FLOW_ITEM_TYPE_END);
	assert_int_equal(rules[1].pattern[0].type, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT);
	assert_vlan_item(&rules[1].pattern[2], 0x00, 0x00);
}

/* Only transfer rules of VF VPorts may have a source item. */
static void
test_source_item_refused_elsewhere(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;
	struct vsw_flow_filter_req req;
	struct vsw_nicsw_filter f;

	(void)state;
	filter_of(&f, mac_a, 5);
	switch_transfer(&fsw);
	vport_pf(&vp, 2);
	req_of(&req, &vp, &f);
	req.src_eth_port_id = 1;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), -ENOTSUP);
	switch_dcf(&fsw);
	vport_vf(&vp, 1);
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), -ENOTSUP);
	switch_transfer(&fsw);
	req.src_eth_port_id = RTE_MAX_ETHPORTS;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), -EINVAL);
}

/* mlx5: a PF VPort's filter is an ingress rule on the PF spreading over its queue range. */
static void
test_pf_vport_transfer_is_ingress_rss(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;
	struct vsw_flow_filter_req req;
	struct vsw_nicsw_filter f;

	(void)state;
	switch_transfer(&fsw);
	vport_pf(&vp, 3);
	filter_of(&f, mac_a, 42);
	req_of(&req, &vp, &f);
	req.qp_first = 4;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), 1);
	assert_rule_sane(&rules[0]);
	assert_int_equal(rules[0].attr.ingress, 1);
	assert_int_equal(rules[0].attr.transfer, 0);
	assert_int_equal(rules[0].attr.priority, VSW_FLOW_PRIO_FILTER);
	assert_eth_item(&rules[0].pattern[0], mac_a, 1);
	assert_vlan_item(&rules[0].pattern[1], 0x00, 0x2a);
	assert_rss_action(&rules[0], 4, 3);

	f.vlan = 0;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), 2);
	assert_rss_action(&rules[0], 4, 3);
	assert_rss_action(&rules[1], 4, 3);
	assert_int_equal(rules[1].attr.ingress, 1);
}

/* A PF VPort's queues must exist on an ethdev. */
static void
test_pf_vport_queue_range(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;
	struct vsw_flow_filter_req req;
	struct vsw_nicsw_filter f;

	(void)state;
	switch_transfer(&fsw);
	vport_pf(&vp, 8);
	filter_of(&f, mac_a, 9);
	req_of(&req, &vp, &f);
	req.qp_first = VSW_FLOW_RSS_QUEUES_MAX - 8;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), 1);
	assert_rss_action(&rules[0], VSW_FLOW_RSS_QUEUES_MAX - 8, 8);
	req.qp_first++;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), -EINVAL);
	req.qp_first = 0;
	vp.n_qps = 0;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), -EINVAL);
}

/* ice DCF: VF VPorts get ingress rules to their representor, never transfer rules. */
static void
test_dcf_vf_vport_rule(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;

	(void)state;
	switch_dcf(&fsw);
	vport_vf(&vp, 3);
	assert_int_equal(build(&fsw, &vp, mac_a, 7), 1);
	assert_rule_sane(&rules[0]);
	assert_int_equal(rules[0].attr.ingress, 1);
	assert_int_equal(rules[0].attr.transfer, 0);
	assert_int_equal(rules[0].attr.priority, VSW_FLOW_PRIO_FILTER);
	assert_eth_item(&rules[0].pattern[0], mac_a, 1);
	assert_vlan_item(&rules[0].pattern[1], 0x00, 0x07);
	assert_port_action(&rules[0], RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, 13);

	assert_int_equal(build(&fsw, &vp, mac_a, 0), 2);
	assert_int_equal(rules[1].attr.ingress, 1);
	assert_port_action(&rules[1], RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, 13);
}

/* ice DCF: PF VPorts go to the DCF port itself (PORT_REPRESENTOR), which has no RSS fate. */
static void
test_dcf_pf_vport_rule(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;

	(void)state;
	switch_dcf(&fsw);
	vport_pf(&vp, 4);
	assert_int_equal(build(&fsw, &vp, mac_b, 300), 1);
	assert_rule_sane(&rules[0]);
	assert_int_equal(rules[0].attr.ingress, 1);
	assert_vlan_item(&rules[0].pattern[1], 0x01, 0x2c);
	assert_port_action(&rules[0], RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR, DCF_ETH_PORT);
}

/* ice DCF: VF 0 is the DCF and holds no VPort. */
static void
test_dcf_vf0_refused(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;

	(void)state;
	switch_dcf(&fsw);
	vport_vf(&vp, 0);
	assert_int_equal(build(&fsw, &vp, mac_a, 7), -EINVAL);
	switch_transfer(&fsw);
	assert_int_equal(build(&fsw, &vp, mac_a, 7), 1);
	assert_port_action(&rules[0], RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, 1);
}

/* R-VP-7 filters are unicast: multicast, broadcast and zero MACs are refused. */
static void
test_non_unicast_mac_refused(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;

	(void)state;
	switch_transfer(&fsw);
	vport_vf(&vp, 0);
	assert_int_equal(build(&fsw, &vp, mac_mcast, 5), -EINVAL);
	assert_int_equal(build(&fsw, &vp, mac_bcast, 0), -EINVAL);
	assert_int_equal(build(&fsw, &vp, mac_zero, 5), -EINVAL);
}

/* VLAN ids 1..4094, or 0 for MAC only. */
static void
test_vlan_out_of_range_refused(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;

	(void)state;
	switch_transfer(&fsw);
	vport_vf(&vp, 0);
	assert_int_equal(build(&fsw, &vp, mac_a, VSW_NICSW_VLAN_MAX + 1), -EINVAL);
	assert_int_equal(build(&fsw, &vp, mac_a, 0x1000), -EINVAL);
	assert_int_equal(build(&fsw, &vp, mac_a, UINT16_MAX), -EINVAL);
	assert_int_equal(build(&fsw, &vp, mac_a, VSW_NICSW_VLAN_MAX), 1);
}

/* A VF index must name a VF of the PF that has a representor. */
static void
test_vf_index_out_of_range_refused(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;

	(void)state;
	switch_transfer(&fsw);
	vport_vf(&vp, N_VFS);
	assert_int_equal(build(&fsw, &vp, mac_a, 5), -EINVAL);
	vport_vf(&vp, VSW_NICSW_VFS_MAX);
	assert_int_equal(build(&fsw, &vp, mac_a, 5), -EINVAL);
	vport_vf(&vp, N_VFS - 1);
	assert_int_equal(build(&fsw, &vp, mac_a, 5), 1);
	fsw.vf_eth_port_ids[N_VFS - 1] = VSW_FLOW_ETH_PORT_NONE;
	assert_int_equal(build(&fsw, &vp, mac_a, 5), -ENODEV);
}

/* The switch description itself is checked. */
static void
test_bad_switch_refused(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;

	(void)state;
	vport_vf(&vp, 1);
	switch_transfer(&fsw);
	fsw.eswitch = (enum vsw_flow_eswitch)2;
	assert_int_equal(build(&fsw, &vp, mac_a, 5), -EINVAL);
	switch_transfer(&fsw);
	fsw.num_vfs = 0;
	assert_int_equal(build(&fsw, &vp, mac_a, 5), -EINVAL);
	switch_transfer(&fsw);
	fsw.num_vfs = VSW_NICSW_VFS_MAX + 1;
	assert_int_equal(build(&fsw, &vp, mac_a, 5), -EINVAL);
	switch_transfer(&fsw);
	fsw.eth_port_id = RTE_MAX_ETHPORTS;
	assert_int_equal(build(&fsw, &vp, mac_a, 5), -EINVAL);
	switch_transfer(&fsw);
	fsw.vf_eth_port_ids[3] = RTE_MAX_ETHPORTS; /* another VF's, but still wrong */
	assert_int_equal(build(&fsw, &vp, mac_a, 5), -EINVAL);
	switch_transfer(&fsw);
	vp.function = (enum vsw_vport_function)7;
	assert_int_equal(build(&fsw, &vp, mac_a, 5), -EINVAL);
}

/* R-VP-3: asking for the rules of a VPort that is not operational is a caller bug: abort. */
static void
test_r_vp_3_non_operational_vport_aborts(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;
	pid_t pid;
	int status;

	(void)state;
	switch_transfer(&fsw);
	vport_pf(&vp, 2);
	vp.is_operational = false;
	(void)fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child: the verification message would clutter the test log. */
		(void)freopen("/dev/null", "w", stderr);
		(void)build(&fsw, &vp, mac_a, 5);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* The default VPort: everything else, lowest priority, RSS over its queue pairs. */
static void
test_r_vp_2_default_rule(void **state)
{
	struct vsw_flow_switch fsw;
	const struct vsw_flow_rule *r = &rules[0];

	(void)state;
	switch_transfer(&fsw);
	assert_int_equal(vsw_flow_default_build(&fsw, 4, rules, 1), 1);
	assert_rule_sane(r);
	assert_int_equal(r->attr.ingress, 1);
	assert_int_equal(r->attr.transfer, 0);
	assert_int_equal(r->attr.priority, VSW_FLOW_PRIO_DEFAULT);
	assert_true(r->attr.priority > VSW_FLOW_PRIO_FILTER); /* larger = lower priority */
	assert_int_equal(r->pattern[0].type, RTE_FLOW_ITEM_TYPE_ETH);
	assert_null(r->pattern[0].spec); /* any frame */
	assert_null(r->pattern[0].mask);
	assert_int_equal(r->pattern[1].type, RTE_FLOW_ITEM_TYPE_END);
	assert_rss_action(r, 0, 4);

	assert_int_equal(vsw_flow_default_build(&fsw, 1, rules, 1), 1);
	assert_rss_action(r, 0, 1);
	assert_int_equal(vsw_flow_default_build(&fsw, VSW_FLOW_RSS_QUEUES_MAX, rules, 1), 1);
	assert_rss_action(r, 0, VSW_FLOW_RSS_QUEUES_MAX);
}

static void
test_default_rule_refusals(void **state)
{
	struct vsw_flow_switch fsw;

	(void)state;
	switch_transfer(&fsw);
	assert_int_equal(vsw_flow_default_build(&fsw, 0, rules, 1), -EINVAL);
	assert_int_equal(vsw_flow_default_build(&fsw, VSW_FLOW_RSS_QUEUES_MAX + 1, rules, 1),
	                 -EINVAL);
	assert_int_equal(vsw_flow_default_build(&fsw, 4, rules, 0), -ENOSPC);
	fsw.num_vfs = 0;
	assert_int_equal(vsw_flow_default_build(&fsw, 4, rules, 1), -EINVAL);
	switch_dcf(&fsw);
	assert_int_equal(vsw_flow_default_build(&fsw, 4, rules, 1), -ENOTSUP);
}

/* The frame a rule is matched against: destination MAC and an optional 802.1Q tag. */
struct frame {
	const uint8_t *dst;
	bool has_tag;
	uint16_t tci; /* host order; PCP and DEI included */
};

/* Whether @p r's pattern takes @p fr, read as a NIC would (source item ignored). */
static bool
rule_matches(const struct vsw_flow_rule *r, const struct frame *fr)
{
	for (unsigned int i = 0; r->pattern[i].type != RTE_FLOW_ITEM_TYPE_END; i++) {
		const struct rte_flow_item *it = &r->pattern[i];

		if (it->type == RTE_FLOW_ITEM_TYPE_ETH && it->spec != NULL) {
			const struct rte_flow_item_eth *s = it->spec, *m = it->mask;

			for (unsigned int b = 0; b < 6; b++) {
				if ((fr->dst[b] & m->hdr.dst_addr.addr_bytes[b]) !=
				    (s->hdr.dst_addr.addr_bytes[b] & m->hdr.dst_addr.addr_bytes[b]))
					return false;
			}
			if (m->has_vlan && s->has_vlan != fr->has_tag)
				return false;
		} else if (it->type == RTE_FLOW_ITEM_TYPE_VLAN) {
			const struct rte_flow_item_vlan *s = it->spec, *m = it->mask;
			const uint16_t mask = rte_be_to_cpu_16(m->hdr.vlan_tci);

			if (!fr->has_tag ||
			    (fr->tci & mask) != (rte_be_to_cpu_16(s->hdr.vlan_tci) & mask))
				return false;
		}
	}
	return true;
}

/*
 * R-VP-7 end to end: VPorts and filters set in the model, translated, and the hardware
 * rules must take exactly the frames the model's classifier gives those VPorts.
 */
static void
test_r_vp_7_rules_agree_with_classifier(void **state)
{
	static struct vsw_nicsw_ftable ftable;
	static struct vsw_flow_rule all[8][VSW_FLOW_RULES_PER_FILTER_MAX];
	const struct vsw_nicsw_params p = {.name = "pf0",
	                                   .num_vfs = N_VFS,
	                                   .qp_total = 8,
	                                   .qp_default = 4,
	                                   .is_asymmetric = true};
	const struct vsw_vport_params vpp = {.function = VSW_VPORT_VF, .vf_index = 1, .n_qps = 1};
	const uint8_t *macs[] = {mac_a, mac_b};
	const uint16_t tcis[] = {0x0000, 0xa000, 0x1000, 0x0005, 0x2005, 0x0006, 0x0fff};
	uint16_t vport_id, n_sets = 0, vport_of_set[8] = {0};
	int n_rules_of_set[8] = {0};
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vi;
	struct vsw_nicsw *sw;
	uint32_t filter_id;

	(void)state;
	sw = vsw_nicsw_create(&p, NULL);
	assert_non_null(sw);
	assert_int_equal(vsw_nicsw_vport_create(sw, &vpp, &vport_id, NULL), 0);
	assert_int_equal(vsw_nicsw_filter_set(sw, vport_id, mac_a, 0, &filter_id, NULL), 0);
	assert_int_equal(vsw_nicsw_filter_set(sw, vport_id, mac_a, 5, &filter_id, NULL), 0);
	assert_int_equal(vsw_nicsw_filter_set(sw, vport_id, mac_b, 6, &filter_id, NULL), 0);
	vsw_nicsw_ftable_build(sw, &ftable);
	switch_transfer(&fsw);

	assert_int_equal(vsw_nicsw_vport_get(sw, vport_id, &vi), 0);
	assert_true(vi.is_operational);
	assert_true(vi.n_filters <= 8);
	for (uint16_t i = 0; i < vi.n_filters; i++) {
		struct vsw_flow_filter_req req;

		req_of(&req, &vi, &vi.filters[i]);
		n_rules_of_set[n_sets] = vsw_flow_filter_build(&fsw, &req, all[n_sets], 2);
		assert_true(n_rules_of_set[n_sets] >= 1);
		vport_of_set[n_sets++] = vport_id;
	}
	assert_int_equal(n_sets, 3);
	assert_int_equal(n_rules_of_set[0], 2); /* (a, 0) */
	assert_int_equal(n_rules_of_set[1], 1); /* (a, 5) */

	for (unsigned int m = 0; m < 2; m++) {
		for (int t = -1; t < (int)(sizeof(tcis) / sizeof(tcis[0])); t++) {
			const struct frame fr = {macs[m], t >= 0, t >= 0 ? tcis[t] : 0};
			const uint16_t want =
			        vsw_nicsw_classify(&ftable, fr.dst, fr.has_tag, fr.tci);
			uint16_t got = VSW_VPORT_DEFAULT;
			unsigned int n_hits = 0;

			for (uint16_t s = 0; s < n_sets; s++) {
				for (int k = 0; k < n_rules_of_set[s]; k++) {
					if (rule_matches(&all[s][k], &fr)) {
						got = vport_of_set[s];
						n_hits++;
					}
				}
			}
			assert_true(n_hits <= 1); /* rules are disjoint */
			assert_int_equal(got, want);
		}
	}
	vsw_nicsw_destroy(sw, NULL, NULL);
}

/* mlx5: one representor per VF, PCI address normalized. */
static void
test_representor_devargs_transfer(void **state)
{
	char buf[VSW_DEVARGS_SIZE];

	(void)state;
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "0000:3b:00.0", 4,
	                                              buf, sizeof(buf)),
	                 0);
	assert_string_equal(buf, "0000:3b:00.0,representor=vf[0-3]");
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "3b:00.1", 8, buf,
	                                              sizeof(buf)),
	                 0);
	assert_string_equal(buf, "0000:3b:00.1,representor=vf[0-7]");
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "10AB:Af:1F.7", 1,
	                                              buf, sizeof(buf)),
	                 0);
	assert_string_equal(buf, "10ab:af:1f.7,representor=vf[0]");
	/* As many representors as fit next to the PF in this DPDK build's ethdev ids. */
	assert_int_equal(
	        vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "0000:81:00.0",
	                                     RTE_MIN(RTE_MAX_ETHPORTS - 1, VSW_NICSW_VFS_MAX), buf,
	                                     sizeof(buf)),
	        0);
}

/* ice DCF: the address is VF 0's, which is the DCF and gets no representor. */
static void
test_representor_devargs_dcf(void **state)
{
	char buf[VSW_DEVARGS_SIZE];

	(void)state;
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_DCF, "0000:18:01.0", 4, buf,
	                                              sizeof(buf)),
	                 0);
	assert_string_equal(buf, "0000:18:01.0,cap=dcf,representor=vf[1-3]");
	assert_int_equal(
	        vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_DCF, "18:01.0", 2, buf, sizeof(buf)),
	        0);
	assert_string_equal(buf, "0000:18:01.0,cap=dcf,representor=vf[1]");
	assert_int_equal(
	        vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_DCF, "18:01.0", 1, buf, sizeof(buf)),
	        -EINVAL);
	assert_string_equal(buf, "");
	/* The DCF's representors leave one more ethdev id free than the PF's. */
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_DCF, "18:01.0",
	                                              RTE_MAX_ETHPORTS, buf, sizeof(buf)),
	                 RTE_MAX_ETHPORTS <= VSW_NICSW_VFS_MAX ? 0 : -EINVAL);
}

static void
test_representor_devargs_bad_pci_address(void **state)
{
	static const char *const bad[] = {
	        "",              /* empty */
	        "3b:00",         /* no function */
	        "0000:3b:00.8",  /* function > 7 */
	        "0000:3b:20.0",  /* device > 0x1f */
	        "000:3b:00.0",   /* 3-digit domain */
	        "0000-3b:00.0",  /* wrong separator */
	        "0000:3b-00.0",  /* wrong separator */
	        "0000:3b:00:0",  /* wrong separator */
	        "0000:3g:00.0",  /* not hexadecimal */
	        "0000:3b:00.0 ", /* trailing garbage */
	        " 3b:00.0",      /* leading garbage */
	        "0000:3b:00.0,representor=vf[0]",
	};
	char buf[VSW_DEVARGS_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, bad[i], 4,
		                                              buf, sizeof(buf)),
		                 -EINVAL);
		assert_string_equal(buf, "");
	}
}

static void
test_representor_devargs_limits(void **state)
{
	const char *want = "0000:3b:00.0,representor=vf[0-3]";
	char buf[VSW_DEVARGS_SIZE];

	(void)state;
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "3b:00.0", 0, buf,
	                                              sizeof(buf)),
	                 -EINVAL);
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "3b:00.0",
	                                              VSW_NICSW_VFS_MAX + 1, buf, sizeof(buf)),
	                 -EINVAL);
	/* Representors and the PF all need an ethdev id. */
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "3b:00.0",
	                                              RTE_MAX_ETHPORTS, buf, sizeof(buf)),
	                 -EINVAL);
	assert_int_equal(vsw_flow_representor_devargs((enum vsw_flow_eswitch)9, "3b:00.0", 4, buf,
	                                              sizeof(buf)),
	                 -EINVAL);
	/* Exactly enough room, then one byte short. */
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "3b:00.0", 4, buf,
	                                              strlen(want) + 1),
	                 0);
	assert_string_equal(buf, want);
	assert_int_equal(vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "3b:00.0", 4, buf,
	                                              strlen(want)),
	                 -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(
	        vsw_flow_representor_devargs(VSW_FLOW_ESWITCH_TRANSFER, "3b:00.0", 4, NULL, 0),
	        -ENOSPC);
}

/* testpmd rendering, for logs and for trying a rule by hand on hardware. */
static void
test_rule_format_testpmd(void **state)
{
	struct vsw_flow_switch fsw;
	struct vsw_vport_info vp;
	struct vsw_flow_filter_req req;
	struct vsw_nicsw_filter f;
	char buf[VSW_FLOW_RULE_STR_SIZE];

	(void)state;
	switch_transfer(&fsw);
	vport_vf(&vp, 2);
	assert_int_equal(build(&fsw, &vp, mac_a, 10), 1);
	assert_int_equal(vsw_flow_rule_format(&rules[0], PF_ETH_PORT, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "flow create 0 group 0 priority 0 transfer pattern "
	                         "eth dst spec 52:54:00:12:34:5a dst mask ff:ff:ff:ff:ff:ff "
	                         "has_vlan spec 1 has_vlan mask 1 / "
	                         "vlan tci spec 0x000a tci mask 0x0fff / "
	                         "end actions represented_port ethdev_port_id 3 / end");

	filter_of(&f, mac_b, 0);
	req_of(&req, &vp, &f);
	req.src_eth_port_id = 1;
	assert_int_equal(vsw_flow_filter_build(&fsw, &req, rules, 2), 2);
	assert_int_equal(vsw_flow_rule_format(&rules[0], PF_ETH_PORT, buf, sizeof(buf)), 0);
	assert_string_equal(buf,
	                    "flow create 0 group 0 priority 0 transfer pattern "
	                    "represented_port ethdev_port_id spec 1 ethdev_port_id mask 0xffff / "
	                    "eth dst spec 52:54:00:12:34:5b dst mask ff:ff:ff:ff:ff:ff "
	                    "has_vlan spec 0 has_vlan mask 1 / "
	                    "end actions represented_port ethdev_port_id 3 / end");

	switch_dcf(&fsw);
	vport_pf(&vp, 1);
	assert_int_equal(build(&fsw, &vp, mac_a, 1), 1);
	assert_int_equal(vsw_flow_rule_format(&rules[0], DCF_ETH_PORT, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "flow create 7 group 0 priority 0 ingress pattern "
	                         "eth dst spec 52:54:00:12:34:5a dst mask ff:ff:ff:ff:ff:ff "
	                         "has_vlan spec 1 has_vlan mask 1 / "
	                         "vlan tci spec 0x0001 tci mask 0x0fff / "
	                         "end actions port_representor port_id 7 / end");
}

static void
test_rule_format_rss_and_limits(void **state)
{
	static const char want[] = "flow create 0 group 0 priority 1 ingress pattern eth / "
	                           "end actions rss types ip udp tcp end queues 0 1 2 end / end";
	struct vsw_flow_switch fsw;
	char buf[VSW_FLOW_RULE_STR_SIZE];
	struct vsw_flow_rule *r = &rules[0];

	(void)state;
	switch_transfer(&fsw);
	assert_int_equal(vsw_flow_default_build(&fsw, 3, rules, 1), 1);
	assert_int_equal(vsw_flow_rule_format(r, PF_ETH_PORT, buf, sizeof(buf)), 0);
	assert_string_equal(buf, want);
	assert_int_equal(vsw_flow_rule_format(r, PF_ETH_PORT, buf, sizeof(want)), 0);
	assert_int_equal(vsw_flow_rule_format(r, PF_ETH_PORT, buf, sizeof(want) - 1), -ENOSPC);
	assert_string_equal(buf, "");

	/* 64 queues of 4 digits fit the documented size. */
	assert_int_equal(vsw_flow_default_build(&fsw, 64, rules, 1), 1);
	for (uint16_t q = 0; q < 64; q++)
		r->rss_queues[q] = (uint16_t)(1000 + q);
	assert_int_equal(vsw_flow_rule_format(r, RTE_MAX_ETHPORTS - 1, buf, sizeof(buf)), 0);

	/* What this module never builds is not rendered. */
	assert_int_equal(vsw_flow_default_build(&fsw, 3, rules, 1), 1);
	r->rss_conf.types = RTE_ETH_RSS_IPV4;
	assert_int_equal(vsw_flow_rule_format(r, PF_ETH_PORT, buf, sizeof(buf)), -EINVAL);
	r->rss_conf.types = VSW_FLOW_RSS_TYPES;
	r->actions[0].type = RTE_FLOW_ACTION_TYPE_DROP;
	assert_int_equal(vsw_flow_rule_format(r, PF_ETH_PORT, buf, sizeof(buf)), -EINVAL);
	assert_string_equal(buf, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_r_vp_7_vlan_filter_transfer_rule),
	        cmocka_unit_test(test_vlan_tci_is_big_endian),
	        cmocka_unit_test(test_r_vp_7_mac_only_filter_is_two_rules),
	        cmocka_unit_test(test_rule_buffer_too_small),
	        cmocka_unit_test(test_transfer_rule_with_source_item),
	        cmocka_unit_test(test_source_item_refused_elsewhere),
	        cmocka_unit_test(test_pf_vport_transfer_is_ingress_rss),
	        cmocka_unit_test(test_pf_vport_queue_range),
	        cmocka_unit_test(test_dcf_vf_vport_rule),
	        cmocka_unit_test(test_dcf_pf_vport_rule),
	        cmocka_unit_test(test_dcf_vf0_refused),
	        cmocka_unit_test(test_non_unicast_mac_refused),
	        cmocka_unit_test(test_vlan_out_of_range_refused),
	        cmocka_unit_test(test_vf_index_out_of_range_refused),
	        cmocka_unit_test(test_bad_switch_refused),
	        cmocka_unit_test(test_r_vp_3_non_operational_vport_aborts),
	        cmocka_unit_test(test_r_vp_2_default_rule),
	        cmocka_unit_test(test_default_rule_refusals),
	        cmocka_unit_test(test_r_vp_7_rules_agree_with_classifier),
	        cmocka_unit_test(test_representor_devargs_transfer),
	        cmocka_unit_test(test_representor_devargs_dcf),
	        cmocka_unit_test(test_representor_devargs_bad_pci_address),
	        cmocka_unit_test(test_representor_devargs_limits),
	        cmocka_unit_test(test_rule_format_testpmd),
	        cmocka_unit_test(test_rule_format_rss_and_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
