/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule management of the hardware NIC switch (include/vsw/nicsw_flow_mgr.h): which rte_flow
 * rules the NIC holds for which VPort and filter, synced with the model all-or-nothing.
 * Control thread only; the NIC is reached through struct vsw_flow_ops only, so the unit
 * tests run this file against a fake NIC.
 *
 * Each held rule keeps what it was built from (not the built rule: an RSS queue array is
 * 2 KiB), so it can be compared with the model and rendered again for show commands.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsw/nicsw_flow_mgr.h"

/* The VPort and filter a held rule was built from, and its handle on the NIC. */
struct mgr_rule {
	uint16_t vport_id;
	uint32_t filter_id; /* 0: the catch-all */
	uint16_t src_eth_port_id;
	uint8_t part;
	enum vsw_vport_function function;
	uint16_t vf_index;
	uint16_t n_qps;
	uint16_t qp_first;
	uint8_t mac[6];
	uint16_t vlan;
	void *handle;
};

struct vsw_flow_mgr {
	char nic[VSW_NAME_SIZE];
	struct vsw_flow_switch fsw;
	const struct vsw_flow_ops *ops;
	void *ctx;
	uint16_t qp_pf;
	uint16_t qp_default; /* of the last sync: the catch-all's queues */
	/* PF VPorts' ranges of PF queues (TRANSFER); n 0: none assigned. */
	struct {
		uint16_t first;
		uint16_t n;
	} qps[VSW_NICSW_VPORTS_MAX];
	unsigned int n_rules;
	struct mgr_rule rules[VSW_FLOW_MGR_RULES_MAX];             /* creation order */
	struct vsw_flow_rule built[VSW_FLOW_RULES_PER_FILTER_MAX]; /* scratch, 2 KiB each */
};

struct vsw_flow_mgr *
vsw_flow_mgr_create(const char *nic, const struct vsw_flow_switch *fsw, uint16_t qp_pf,
                    const struct vsw_flow_ops *ops, void *ctx)
{
	struct vsw_flow_mgr *m;

	if (nic == NULL || fsw == NULL || ops == NULL || ops->validate == NULL ||
	    ops->create == NULL || ops->destroy == NULL ||
	    (fsw->eswitch == VSW_FLOW_ESWITCH_TRANSFER && qp_pf == 0)) {
		errno = EINVAL;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	(void)snprintf(m->nic, sizeof(m->nic), "%s", nic);
	m->fsw = *fsw;
	m->ops = ops;
	m->ctx = ctx;
	m->qp_pf = qp_pf;
	return m;
}

static bool
is_catch_all(const struct mgr_rule *r)
{
	return r->filter_id == 0;
}

/* Build held rule @p r again into m->built; @return the rule, or NULL (cannot happen). */
static const struct vsw_flow_rule *
rebuild(struct vsw_flow_mgr *m, const struct mgr_rule *r)
{
	struct vsw_vport_info vp = {.vport_id = r->vport_id,
	                            .is_operational = true,
	                            .function = r->function,
	                            .vf_index = r->vf_index,
	                            .n_qps = r->n_qps};
	struct vsw_nicsw_filter f = {.filter_id = r->filter_id, .vlan = r->vlan};
	struct vsw_flow_filter_req req = {.vport = &vp,
	                                  .filter = &f,
	                                  .qp_first = r->qp_first,
	                                  .src_eth_port_id = r->src_eth_port_id};
	int n;

	if (is_catch_all(r))
		n = vsw_flow_default_build(&m->fsw, r->n_qps, m->built, 1);
	else {
		memcpy(f.mac, r->mac, sizeof(f.mac));
		n = vsw_flow_filter_build(&m->fsw, &req, m->built, VSW_FLOW_RULES_PER_FILTER_MAX);
	}
	return n > (int)r->part ? &m->built[r->part] : NULL;
}

static void
describe(struct vsw_flow_mgr *m, const struct mgr_rule *r, char *buf, size_t size)
{
	const struct vsw_flow_rule *fr = rebuild(m, r);

	if (fr == NULL || vsw_flow_rule_format(fr, m->fsw.eth_port_id, buf, size) != 0)
		(void)snprintf(buf, size, "(vport %u filter %u)", r->vport_id, r->filter_id);
}

/* Destroy held rule @p i and forget it, keeping the others in order. */
static int
destroy_rule(struct vsw_flow_mgr *m, unsigned int i, struct vsw_errmsg *em)
{
	char why[VSW_FLOW_WHY_SIZE] = "";
	char text[VSW_FLOW_RULE_STR_SIZE];
	int rc = m->ops->destroy(m->ctx, m->fsw.eth_port_id, m->rules[i].handle, why, sizeof(why));

	if (rc < 0) {
		describe(m, &m->rules[i], text, sizeof(text));
		vsw_errmsg_set(em, "nic switch %s: ethdev %u cannot remove rule (%s): %s", m->nic,
		               m->fsw.eth_port_id, why, text);
		return rc;
	}
	memmove(&m->rules[i], &m->rules[i + 1], (m->n_rules - i - 1) * sizeof(m->rules[0]));
	m->n_rules--;
	return 0;
}

/* Held rules from @p first on, newest first: what a failed sync had created. */
static void
roll_back(struct vsw_flow_mgr *m, unsigned int first)
{
	while (m->n_rules > first)
		(void)destroy_rule(m, m->n_rules - 1, NULL);
}

static bool
is_held(const struct vsw_flow_mgr *m, const struct mgr_rule *want)
{
	for (unsigned int i = 0; i < m->n_rules; i++) {
		const struct mgr_rule *r = &m->rules[i];

		if (r->vport_id == want->vport_id && r->filter_id == want->filter_id &&
		    r->src_eth_port_id == want->src_eth_port_id && r->part == want->part &&
		    r->function == want->function && r->vf_index == want->vf_index &&
		    r->n_qps == want->n_qps && r->qp_first == want->qp_first &&
		    r->vlan == want->vlan && memcmp(r->mac, want->mac, sizeof(r->mac)) == 0)
			return true;
	}
	return false;
}

/* Validate, then create, rule @p want (built in m->built[want->part]); held on success. */
static int
install(struct vsw_flow_mgr *m, const struct mgr_rule *want, struct vsw_errmsg *em)
{
	const struct vsw_flow_rule *fr = &m->built[want->part];
	char why[VSW_FLOW_WHY_SIZE] = "";
	char text[VSW_FLOW_RULE_STR_SIZE];
	const char *step = "validate";
	void *handle = NULL;
	int rc;

	if (is_held(m, want))
		return 0;
	if (m->n_rules == VSW_FLOW_MGR_RULES_MAX) {
		vsw_errmsg_set(em, "nic switch %s: more than %u rules", m->nic,
		               VSW_FLOW_MGR_RULES_MAX);
		return -ENOSPC;
	}
	rc = m->ops->validate(m->ctx, m->fsw.eth_port_id, fr, why, sizeof(why));
	if (rc == 0) {
		step = "create";
		rc = m->ops->create(m->ctx, m->fsw.eth_port_id, fr, &handle, why, sizeof(why));
	}
	if (rc < 0) {
		if (vsw_flow_rule_format(fr, m->fsw.eth_port_id, text, sizeof(text)) != 0)
			text[0] = '\0';
		vsw_errmsg_set(em, "nic switch %s: ethdev %u refuses rule of vport %u (%s: %s): %s",
		               m->nic, m->fsw.eth_port_id, want->vport_id, step, why, text);
		return rc;
	}
	m->rules[m->n_rules] = *want;
	m->rules[m->n_rules].handle = handle;
	m->n_rules++;
	return 0;
}

/* Sources a filter of @p vp needs rules for: the wire, and under TRANSFER each other VF. */
static unsigned int
sources(const struct vsw_flow_mgr *m, const struct vsw_vport_info *vp, uint16_t *src)
{
	unsigned int n = 0;

	src[n++] = VSW_FLOW_ETH_PORT_NONE;
	if (m->fsw.eswitch != VSW_FLOW_ESWITCH_TRANSFER || vp->function != VSW_VPORT_VF)
		return n;
	for (uint16_t vf = 0; vf < m->fsw.num_vfs; vf++)
		if (vf != vp->vf_index && m->fsw.vf_eth_port_ids[vf] != VSW_FLOW_ETH_PORT_NONE)
			src[n++] = m->fsw.vf_eth_port_ids[vf];
	return n;
}

/* First-fit range of @p n PF queues for PF VPort @p id, kept while it has rules. */
static int
assign_qps(struct vsw_flow_mgr *m, const struct vsw_vport_info *vp, struct vsw_errmsg *em)
{
	uint32_t first = m->qp_default;

	if (m->qps[vp->vport_id].n == vp->n_qps)
		return 0;
	for (uint16_t id = 1; id < VSW_NICSW_VPORTS_MAX; id++) {
		const uint32_t lo = m->qps[id].first, hi = lo + m->qps[id].n;

		if (m->qps[id].n != 0 && first < hi && lo < first + vp->n_qps) {
			first = hi;
			id = 0; /* moved past a range: check every range again */
		}
	}
	if (first + vp->n_qps > m->qp_pf) {
		vsw_errmsg_set(em, "nic switch %s: vport %u needs %u queues of the pf, %u are free",
		               m->nic, vp->vport_id, vp->n_qps,
		               m->qp_pf > first ? m->qp_pf - (unsigned int)first : 0);
		return -ENOSPC;
	}
	m->qps[vp->vport_id].first = (uint16_t)first;
	m->qps[vp->vport_id].n = vp->n_qps;
	return 0;
}

/* Install every rule of filter @p f of operational VPort @p vp. */
static int
install_filter(struct vsw_flow_mgr *m, const struct vsw_vport_info *vp,
               const struct vsw_nicsw_filter *f, struct vsw_errmsg *em)
{
	uint16_t src[VSW_NICSW_VFS_MAX + 1];
	const unsigned int n_src = sources(m, vp, src);
	const bool has_qps =
	        m->fsw.eswitch == VSW_FLOW_ESWITCH_TRANSFER && vp->function == VSW_VPORT_PF;
	int rc = has_qps ? assign_qps(m, vp, em) : 0;

	for (unsigned int s = 0; rc == 0 && s < n_src; s++) {
		struct mgr_rule want = {.vport_id = vp->vport_id,
		                        .filter_id = f->filter_id,
		                        .src_eth_port_id = src[s],
		                        .function = vp->function,
		                        .vf_index = vp->vf_index,
		                        .n_qps = vp->n_qps,
		                        .qp_first = has_qps ? m->qps[vp->vport_id].first : 0,
		                        .vlan = f->vlan};
		struct vsw_flow_filter_req req = {.vport = vp,
		                                  .filter = f,
		                                  .qp_first = want.qp_first,
		                                  .src_eth_port_id = src[s]};
		int n = vsw_flow_filter_build(&m->fsw, &req, m->built,
		                              VSW_FLOW_RULES_PER_FILTER_MAX);

		memcpy(want.mac, f->mac, sizeof(want.mac));
		if (n < 0) {
			vsw_errmsg_set(em, "nic switch %s: vport %u filter %u cannot be a rule: %s",
			               m->nic, vp->vport_id, f->filter_id, strerror(-n));
			return n;
		}
		for (int p = 0; rc == 0 && p < n; p++) {
			want.part = (uint8_t)p;
			rc = install(m, &want, em);
		}
	}
	return rc;
}

static int
install_all(struct vsw_flow_mgr *m, const struct vsw_nicsw *sw, struct vsw_errmsg *em)
{
	struct vsw_vport_info vp;
	uint32_t it = 0;
	int rc = 0;

	if (m->fsw.eswitch == VSW_FLOW_ESWITCH_TRANSFER) {
		struct mgr_rule want = {.vport_id = VSW_VPORT_DEFAULT,
		                        .src_eth_port_id = VSW_FLOW_ETH_PORT_NONE,
		                        .n_qps = m->qp_default};

		rc = vsw_flow_default_build(&m->fsw, m->qp_default, m->built, 1);
		if (rc < 0) {
			vsw_errmsg_set(em, "nic switch %s: no catch-all over %u queues: %s", m->nic,
			               m->qp_default, strerror(-rc));
			return rc;
		}
		rc = install(m, &want, em);
	}
	while (rc == 0 && vsw_nicsw_vport_next(sw, &it, &vp)) {
		if (!vp.is_operational)
			continue;
		for (uint16_t f = 0; rc == 0 && f < vp.n_filters; f++)
			rc = install_filter(m, &vp, &vp.filters[f], em);
	}
	return rc;
}

/* Does the model still ask for held rule @p r? */
static bool
is_wanted(const struct vsw_flow_mgr *m, const struct vsw_nicsw *sw, const struct mgr_rule *r)
{
	struct vsw_vport_info vp;

	if (is_catch_all(r))
		return m->fsw.eswitch == VSW_FLOW_ESWITCH_TRANSFER && r->n_qps == m->qp_default;
	if (vsw_nicsw_vport_get(sw, r->vport_id, &vp) != 0 || !vp.is_operational ||
	    vp.function != r->function || vp.vf_index != r->vf_index || vp.n_qps != r->n_qps)
		return false;
	for (uint16_t f = 0; f < vp.n_filters; f++)
		if (vp.filters[f].filter_id == r->filter_id)
			return true;
	return false;
}

/* Forget the queue ranges of PF VPorts that hold no rule any more. */
static void
release_qps(struct vsw_flow_mgr *m)
{
	bool is_used[VSW_NICSW_VPORTS_MAX] = {false};

	for (unsigned int i = 0; i < m->n_rules; i++)
		if (!is_catch_all(&m->rules[i]))
			is_used[m->rules[i].vport_id] = true;
	for (uint16_t id = 0; id < VSW_NICSW_VPORTS_MAX; id++)
		if (!is_used[id])
			m->qps[id].n = 0;
}

int
vsw_flow_mgr_sync(struct vsw_flow_mgr *m, const struct vsw_nicsw *sw, struct vsw_errmsg *em)
{
	const unsigned int first_new = m->n_rules;
	const uint16_t qp_default_before = m->qp_default;
	struct vsw_nicsw_pool pool;
	int rc, rc_remove = 0;

	vsw_nicsw_pool_get(sw, &pool);
	m->qp_default = pool.qp_default;
	rc = install_all(m, sw, em);
	if (rc < 0) {
		roll_back(m, first_new);
		m->qp_default = qp_default_before;
		release_qps(m);
		return rc;
	}
	for (unsigned int i = m->n_rules; i-- > 0;) {
		if (is_wanted(m, sw, &m->rules[i]))
			continue;
		rc = destroy_rule(m, i, em);
		if (rc < 0)
			rc_remove = rc; /* kept: the next sync tries again */
	}
	release_qps(m);
	return rc_remove;
}

void
vsw_flow_mgr_destroy(struct vsw_flow_mgr *m)
{
	if (m == NULL)
		return;
	for (unsigned int i = m->n_rules; i-- > 0;) {
		char why[VSW_FLOW_WHY_SIZE] = "";

		(void)m->ops->destroy(m->ctx, m->fsw.eth_port_id, m->rules[i].handle, why,
		                      sizeof(why));
	}
	free(m);
}

const struct vsw_flow_switch *
vsw_flow_mgr_switch(const struct vsw_flow_mgr *m)
{
	return &m->fsw;
}

unsigned int
vsw_flow_mgr_n_rules(const struct vsw_flow_mgr *m)
{
	return m->n_rules;
}

bool
vsw_flow_mgr_rule_next(struct vsw_flow_mgr *m, uint32_t *iter, struct vsw_flow_mgr_rule_info *out)
{
	const struct mgr_rule *r;

	if (*iter >= m->n_rules)
		return false;
	r = &m->rules[(*iter)++];
	out->vport_id = r->vport_id;
	out->filter_id = r->filter_id;
	out->src_eth_port_id = r->src_eth_port_id;
	out->part = r->part;
	describe(m, r, out->text, sizeof(out->text)); /* into the scratch rules */
	return true;
}
