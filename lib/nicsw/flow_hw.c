/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hardware ("flow") backend of the NIC switch, translation layer (include/vsw/nicsw_flow.h):
 * receive filters and the default VPort to rte_flow rules, the representor devargs, and a
 * testpmd rendering of a rule. Control thread only; pure C on DPDK's rte_flow and rte_ether
 * structs and inline helpers, no EAL call, no allocation, so it is unit-tested without a NIC.
 *
 * The caller (the backend's control code) validates and creates the rules on the switch's
 * ethdev and destroys them when the filter is cleared or its VPort deleted. Which embedded
 * switch gets which attributes and fates, and why, is in the header.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_flow.h>

#include "vsw/nicsw_flow.h"

/*
 * A caller bug, checked in every build (RTE_VERIFY() without EAL): this module must not
 * depend on rte_panic(). Never used for user input, which gets a negative errno.
 */
#define FLOW_VERIFY(cond)                                                                          \
	do {                                                                                       \
		if (!(cond))                                                                       \
			verify_failed(__FILE__, __LINE__, #cond);                                  \
	} while (0)

static_assert(VSW_NICSW_VFS_MAX <= UINT16_MAX, "vf indexes are uint16_t");
static_assert(VSW_FLOW_RSS_QUEUES_MAX <= UINT16_MAX + 1, "rss queue indexes are uint16_t");
static_assert(VSW_NICSW_VLAN_MAX <= VSW_NICSW_VID_MASK, "a vlan id fits the 12 bits of a tci");

static void verify_failed(const char *file, int line, const char *cond) __attribute__((noreturn));

static void
verify_failed(const char *file, int line, const char *cond)
{
	(void)fprintf(stderr, "%s:%d: verification failed: %s\n", file, line, cond);
	abort();
}

static bool
eth_port_is_valid(uint16_t eth_port_id)
{
	return eth_port_id < RTE_MAX_ETHPORTS;
}

static int
check_switch(const struct vsw_flow_switch *fsw)
{
	if (fsw->eswitch != VSW_FLOW_ESWITCH_TRANSFER && fsw->eswitch != VSW_FLOW_ESWITCH_DCF)
		return -EINVAL;
	if (!eth_port_is_valid(fsw->eth_port_id))
		return -EINVAL;
	if (fsw->num_vfs == 0 || fsw->num_vfs > VSW_NICSW_VFS_MAX)
		return -EINVAL;
	for (uint16_t vf = 0; vf < fsw->num_vfs; vf++) {
		const uint16_t id = fsw->vf_eth_port_ids[vf];

		if (id != VSW_FLOW_ETH_PORT_NONE && !eth_port_is_valid(id))
			return -EINVAL;
	}
	return 0;
}

/* A filter as R-VP-7 and vsw_nicsw_filter_set() allow it: unicast non-zero MAC, VLAN 0..4094. */
static int
check_filter(const struct vsw_nicsw_filter *f)
{
	struct rte_ether_addr mac;

	memcpy(mac.addr_bytes, f->mac, RTE_ETHER_ADDR_LEN);
	if (!rte_is_valid_assigned_ether_addr(&mac))
		return -EINVAL;
	if (f->vlan > VSW_NICSW_VLAN_MAX)
		return -EINVAL;
	return 0;
}

/* Whether @p req's rules are E-Switch "transfer" rules rather than ingress rules. */
static bool
is_transfer_rule(const struct vsw_flow_switch *fsw, const struct vsw_flow_filter_req *req)
{
	return fsw->eswitch == VSW_FLOW_ESWITCH_TRANSFER && req->vport->function == VSW_VPORT_VF;
}

static int
check_vport(const struct vsw_flow_switch *fsw, const struct vsw_flow_filter_req *req)
{
	const struct vsw_vport_info *vp = req->vport;

	switch (vp->function) {
	case VSW_VPORT_VF:
		if (vp->vf_index >= fsw->num_vfs)
			return -EINVAL;
		/* Under DCF, VF 0 is the DCF itself: ice refuses a representor of it. */
		if (fsw->eswitch == VSW_FLOW_ESWITCH_DCF && vp->vf_index == 0)
			return -EINVAL;
		if (fsw->vf_eth_port_ids[vp->vf_index] == VSW_FLOW_ETH_PORT_NONE)
			return -ENODEV;
		break;
	case VSW_VPORT_PF:
		if (fsw->eswitch == VSW_FLOW_ESWITCH_DCF)
			break;
		if (vp->n_qps == 0 || (uint32_t)req->qp_first + vp->n_qps > VSW_FLOW_RSS_QUEUES_MAX)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (req->src_eth_port_id != VSW_FLOW_ETH_PORT_NONE) {
		if (!is_transfer_rule(fsw, req))
			return -ENOTSUP;
		if (!eth_port_is_valid(req->src_eth_port_id))
			return -EINVAL;
	}
	return 0;
}

/* Zero @p r (every pointer NULL, every unused item and action END) and set its attributes. */
static void
rule_init(struct vsw_flow_rule *r, uint32_t priority, bool is_transfer)
{
	memset(r, 0, sizeof(*r));
	r->attr.group = VSW_FLOW_GROUP;
	r->attr.priority = priority;
	/* 22.11's rte_flow_validate() refuses a direction on a transfer rule. */
	r->attr.transfer = is_transfer ? 1 : 0;
	r->attr.ingress = is_transfer ? 0 : 1;
	r->attr.egress = 0;
}

/*
 * Pattern of a filter rule: [REPRESENTED_PORT /] ETH (dst = @p mac, has_vlan) [/ VLAN (id
 * @p vid)] / END. The TCI mask keeps the VLAN id only: PCP and DEI are no part of a filter,
 * so VLAN id 0 with any PCP is a priority tag. Source MAC and EtherType stay unmatched.
 */
static void
rule_pattern(struct vsw_flow_rule *r, uint16_t src_eth_port_id, const uint8_t mac[6], bool has_vlan,
             uint16_t vid)
{
	unsigned int i = 0;

	if (src_eth_port_id != VSW_FLOW_ETH_PORT_NONE) {
		r->src_spec.port_id = src_eth_port_id;
		r->src_mask = rte_flow_item_ethdev_mask;
		r->pattern[i].type = RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT;
		r->pattern[i].spec = &r->src_spec;
		r->pattern[i].mask = &r->src_mask;
		i++;
	}
	memcpy(r->eth_spec.hdr.dst_addr.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	memset(r->eth_mask.hdr.dst_addr.addr_bytes, 0xff, RTE_ETHER_ADDR_LEN);
	r->eth_spec.has_vlan = has_vlan ? 1 : 0;
	r->eth_mask.has_vlan = 1;
	r->pattern[i].type = RTE_FLOW_ITEM_TYPE_ETH;
	r->pattern[i].spec = &r->eth_spec;
	r->pattern[i].mask = &r->eth_mask;
	i++;
	if (has_vlan) {
		r->vlan_spec.hdr.vlan_tci = rte_cpu_to_be_16(vid);
		r->vlan_mask.hdr.vlan_tci = RTE_BE16(VSW_NICSW_VID_MASK);
		r->pattern[i].type = RTE_FLOW_ITEM_TYPE_VLAN;
		r->pattern[i].spec = &r->vlan_spec;
		r->pattern[i].mask = &r->vlan_mask;
		i++;
	}
	r->pattern[i].type = RTE_FLOW_ITEM_TYPE_END;
}

/* Fate: RSS over Rx queues [@p qp_first, @p qp_first + @p n_qps) of the rule's ethdev. */
static void
rule_fate_rss(struct vsw_flow_rule *r, uint16_t qp_first, uint16_t n_qps)
{
	for (uint16_t q = 0; q < n_qps; q++)
		r->rss_queues[q] = (uint16_t)(qp_first + q);
	r->rss_conf.func = RTE_ETH_HASH_FUNCTION_DEFAULT;
	r->rss_conf.level = 0; /* the PMD's default: the outermost headers on mlx5 */
	r->rss_conf.types = VSW_FLOW_RSS_TYPES;
	r->rss_conf.key_len = 0; /* with key NULL: the PMD's default key */
	r->rss_conf.key = NULL;
	r->rss_conf.queue_num = n_qps;
	r->rss_conf.queue = r->rss_queues;
	r->actions[0].type = RTE_FLOW_ACTION_TYPE_RSS;
	r->actions[0].conf = &r->rss_conf;
	r->actions[1].type = RTE_FLOW_ACTION_TYPE_END;
}

/* Fate: REPRESENTED_PORT or PORT_REPRESENTOR of ethdev @p eth_port_id. */
static void
rule_fate_port(struct vsw_flow_rule *r, enum rte_flow_action_type type, uint16_t eth_port_id)
{
	r->port_conf.port_id = eth_port_id;
	r->actions[0].type = type;
	r->actions[0].conf = &r->port_conf;
	r->actions[1].type = RTE_FLOW_ACTION_TYPE_END;
}

/* The whole fate of @p req's rules (the table in the header). */
static void
rule_fate(struct vsw_flow_rule *r, const struct vsw_flow_switch *fsw,
          const struct vsw_flow_filter_req *req)
{
	const struct vsw_vport_info *vp = req->vport;

	if (vp->function == VSW_VPORT_VF)
		rule_fate_port(r, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT,
		               fsw->vf_eth_port_ids[vp->vf_index]);
	else if (fsw->eswitch == VSW_FLOW_ESWITCH_DCF)
		rule_fate_port(r, RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR, fsw->eth_port_id);
	else
		rule_fate_rss(r, req->qp_first, vp->n_qps);
}

int
vsw_flow_filter_build(const struct vsw_flow_switch *fsw, const struct vsw_flow_filter_req *req,
                      struct vsw_flow_rule *rules, unsigned int n_rules_max)
{
	unsigned int n_rules;
	bool is_transfer;
	int ret;

	FLOW_VERIFY(fsw != NULL && req != NULL && rules != NULL);
	FLOW_VERIFY(req->vport != NULL && req->filter != NULL);
	/* Only operational VPorts get rules (R-VP-3): the caller must not ask for others. */
	FLOW_VERIFY(req->vport->is_operational);

	ret = check_switch(fsw);
	if (ret == 0)
		ret = check_filter(req->filter);
	if (ret == 0)
		ret = check_vport(fsw, req);
	if (ret != 0)
		return ret;
	/* MAC only: untagged and priority-tagged frames, two disjoint patterns (header). */
	n_rules = req->filter->vlan == 0 ? 2 : 1;
	if (n_rules > n_rules_max)
		return -ENOSPC;

	is_transfer = is_transfer_rule(fsw, req);
	for (unsigned int i = 0; i < n_rules; i++) {
		/* Rule 0 of a MAC-only filter takes untagged frames, rule 1 priority tags. */
		const bool has_vlan = req->filter->vlan != 0 || i == 1;

		rule_init(&rules[i], VSW_FLOW_PRIO_FILTER, is_transfer);
		rule_pattern(&rules[i], req->src_eth_port_id, req->filter->mac, has_vlan,
		             req->filter->vlan);
		rule_fate(&rules[i], fsw, req);
	}
	return (int)n_rules;
}

int
vsw_flow_default_build(const struct vsw_flow_switch *fsw, uint16_t qp_default,
                       struct vsw_flow_rule *rules, unsigned int n_rules_max)
{
	struct vsw_flow_rule *r = rules;
	int ret;

	FLOW_VERIFY(fsw != NULL && rules != NULL);

	ret = check_switch(fsw);
	if (ret != 0)
		return ret;
	if (fsw->eswitch == VSW_FLOW_ESWITCH_DCF)
		return -ENOTSUP;
	if (qp_default == 0 || qp_default > VSW_FLOW_RSS_QUEUES_MAX)
		return -EINVAL;
	if (n_rules_max < 1)
		return -ENOSPC;

	/* Not a transfer rule: the E-Switch has no RSS fate, and what no E-Switch rule takes
	 * from the wire reaches the PF ethdev, where this rule spreads it. */
	rule_init(r, VSW_FLOW_PRIO_DEFAULT, false);
	r->pattern[0].type = RTE_FLOW_ITEM_TYPE_ETH; /* spec and mask NULL: any frame */
	r->pattern[1].type = RTE_FLOW_ITEM_TYPE_END;
	rule_fate_rss(r, 0, qp_default);
	return 1;
}

/* Parse @p n hexadecimal digits of @p s, none more, none fewer. */
static bool
parse_hex(const char *s, unsigned int n, unsigned int *out)
{
	unsigned int v = 0;

	for (unsigned int i = 0; i < n; i++) {
		const char c = s[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/* "DDDD:BB:DD.F" or "BB:DD.F" (domain 0) into its four numbers; device <= 0x1f, fn <= 7. */
static bool
parse_pci_addr(const char *s, unsigned int *domain, unsigned int *bus, unsigned int *dev,
               unsigned int *fn)
{
	const size_t len = strnlen(s, sizeof("dddd:bb:dd.f"));

	*domain = 0;
	if (len == sizeof("dddd:bb:dd.f") - 1) {
		if (!parse_hex(s, 4, domain) || s[4] != ':')
			return false;
		s += 5;
	} else if (len != sizeof("bb:dd.f") - 1) {
		return false;
	}
	if (!parse_hex(s, 2, bus) || s[2] != ':' || !parse_hex(s + 3, 2, dev) || s[5] != '.' ||
	    !parse_hex(s + 6, 1, fn))
		return false;
	return *dev <= 0x1f && *fn <= 7;
}

int
vsw_flow_representor_devargs(enum vsw_flow_eswitch eswitch, const char *pci_addr, uint16_t num_vfs,
                             char *buf, size_t size)
{
	/* DCF: VF 0 is the DCF port itself and has no representor. */
	const unsigned int first = eswitch == VSW_FLOW_ESWITCH_DCF ? 1 : 0;
	const char *cap = eswitch == VSW_FLOW_ESWITCH_DCF ? ",cap=dcf" : "";
	unsigned int domain, bus, dev, fn;
	char range[sizeof("[65535-65535]")];
	int len;

	FLOW_VERIFY(pci_addr != NULL && (buf != NULL || size == 0));

	if (size > 0)
		buf[0] = '\0';
	if (eswitch != VSW_FLOW_ESWITCH_TRANSFER && eswitch != VSW_FLOW_ESWITCH_DCF)
		return -EINVAL;
	if (!parse_pci_addr(pci_addr, &domain, &bus, &dev, &fn))
		return -EINVAL;
	/* Representors first..num_vfs-1, and the port itself, each take an ethdev id. */
	if (num_vfs <= first || num_vfs > VSW_NICSW_VFS_MAX ||
	    num_vfs - first + 1u > RTE_MAX_ETHPORTS)
		return -EINVAL;

	if (num_vfs - 1u == first)
		(void)snprintf(range, sizeof(range), "[%u]", first);
	else
		(void)snprintf(range, sizeof(range), "[%u-%u]", first, num_vfs - 1u);
	len = snprintf(buf, size, "%04x:%02x:%02x.%x%s,representor=vf%s", domain, bus, dev, fn, cap,
	               range);
	if (len < 0 || (size_t)len >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return 0;
}

/* An output string that remembers whether it overflowed. */
struct strbuf {
	char *buf;
	size_t size;
	size_t len;
	bool is_truncated;
};

static void strbuf_add(struct strbuf *sb, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
strbuf_add(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->is_truncated)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->size - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sb->size - sb->len)
		sb->is_truncated = true;
	else
		sb->len += (size_t)n;
}

static void
strbuf_add_mac(struct strbuf *sb, const char *field, const struct rte_ether_addr *spec,
               const struct rte_ether_addr *mask)
{
	const uint8_t *s = spec->addr_bytes;
	const uint8_t *m = mask->addr_bytes;

	strbuf_add(sb, " %s spec %02x:%02x:%02x:%02x:%02x:%02x", field, s[0], s[1], s[2], s[3],
	           s[4], s[5]);
	strbuf_add(sb, " %s mask %02x:%02x:%02x:%02x:%02x:%02x", field, m[0], m[1], m[2], m[3],
	           m[4], m[5]);
}

/* One pattern item in testpmd syntax; -EINVAL for what this module never builds. */
static int
format_item(struct strbuf *sb, const struct rte_flow_item *item)
{
	static const struct rte_ether_addr zero_mac;

	switch (item->type) {
	case RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT: {
		const struct rte_flow_item_ethdev *s = item->spec, *m = item->mask;

		if (s == NULL || m == NULL)
			return -EINVAL;
		strbuf_add(sb, "represented_port ethdev_port_id spec %u ethdev_port_id mask 0x%04x",
		           s->port_id, m->port_id);
		return 0;
	}
	case RTE_FLOW_ITEM_TYPE_ETH: {
		const struct rte_flow_item_eth *s = item->spec, *m = item->mask;

		strbuf_add(sb, "eth");
		if (s == NULL && m == NULL)
			return 0;
		if (s == NULL || m == NULL)
			return -EINVAL;
		if (m->hdr.ether_type != 0 || !rte_is_same_ether_addr(&m->hdr.src_addr, &zero_mac))
			return -EINVAL;
		if (!rte_is_same_ether_addr(&m->hdr.dst_addr, &zero_mac))
			strbuf_add_mac(sb, "dst", &s->hdr.dst_addr, &m->hdr.dst_addr);
		if (m->has_vlan)
			strbuf_add(sb, " has_vlan spec %u has_vlan mask 1",
			           (unsigned int)s->has_vlan);
		return 0;
	}
	case RTE_FLOW_ITEM_TYPE_VLAN: {
		const struct rte_flow_item_vlan *s = item->spec, *m = item->mask;

		if (s == NULL || m == NULL || m->hdr.eth_proto != 0 || m->has_more_vlan)
			return -EINVAL;
		strbuf_add(sb, "vlan tci spec 0x%04x tci mask 0x%04x",
		           rte_be_to_cpu_16(s->hdr.vlan_tci), rte_be_to_cpu_16(m->hdr.vlan_tci));
		return 0;
	}
	default:
		return -EINVAL;
	}
}

/* One fate action in testpmd syntax; -EINVAL for what this module never builds. */
static int
format_action(struct strbuf *sb, const struct rte_flow_action *action)
{
	switch (action->type) {
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT: {
		const struct rte_flow_action_ethdev *c = action->conf;

		if (c == NULL)
			return -EINVAL;
		strbuf_add(sb, "represented_port ethdev_port_id %u", c->port_id);
		return 0;
	}
	case RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR: {
		const struct rte_flow_action_ethdev *c = action->conf;

		if (c == NULL)
			return -EINVAL;
		strbuf_add(sb, "port_representor port_id %u", c->port_id);
		return 0;
	}
	case RTE_FLOW_ACTION_TYPE_RSS: {
		const struct rte_flow_action_rss *c = action->conf;

		if (c == NULL || c->func != RTE_ETH_HASH_FUNCTION_DEFAULT || c->level != 0 ||
		    c->types != VSW_FLOW_RSS_TYPES || c->key != NULL)
			return -EINVAL;
		strbuf_add(sb, "rss types ip udp tcp end queues");
		for (uint32_t i = 0; i < c->queue_num; i++)
			strbuf_add(sb, " %u", c->queue[i]);
		strbuf_add(sb, " end");
		return 0;
	}
	default:
		return -EINVAL;
	}
}

int
vsw_flow_rule_format(const struct vsw_flow_rule *r, uint16_t eth_port_id, char *buf, size_t size)
{
	struct strbuf sb = {.buf = buf, .size = size};
	int ret = 0;

	FLOW_VERIFY(r != NULL && buf != NULL && size > 0);

	buf[0] = '\0';
	strbuf_add(&sb, "flow create %u group %u priority %u%s%s pattern", eth_port_id,
	           r->attr.group, r->attr.priority, r->attr.ingress ? " ingress" : "",
	           r->attr.transfer ? " transfer" : "");
	/* Bounded by the arrays: a rule built here always ends with END within them. */
	for (unsigned int i = 0;
	     ret == 0 && i < VSW_FLOW_ITEMS_MAX && r->pattern[i].type != RTE_FLOW_ITEM_TYPE_END;
	     i++) {
		strbuf_add(&sb, " ");
		ret = format_item(&sb, &r->pattern[i]);
		strbuf_add(&sb, " /");
	}
	strbuf_add(&sb, " end actions");
	for (unsigned int i = 0;
	     ret == 0 && i < VSW_FLOW_ACTIONS_MAX && r->actions[i].type != RTE_FLOW_ACTION_TYPE_END;
	     i++) {
		strbuf_add(&sb, " ");
		ret = format_action(&sb, &r->actions[i]);
		strbuf_add(&sb, " /");
	}
	strbuf_add(&sb, " end");
	if (ret == 0 && sb.is_truncated)
		ret = -ENOSPC;
	if (ret != 0)
		buf[0] = '\0';
	return ret;
}
