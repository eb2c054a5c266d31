/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Live reload (`vswctl load FILE`, SIGHUP): bring the running switch to a new topology, all of
 * it or nothing. The difference against the running state (snapshot_ctl.c, vsw_topo_diff())
 * is applied in steps, each through the control API and each publishing a complete datapath
 * configuration, so workers never stop and ports the difference does not name keep
 * forwarding. Steps run in an order where each one's preconditions hold (a port whose MAC
 * moves to another is gone or changed before the other takes it); a step that fails undoes
 * the ones before it, in reverse. Control thread only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "ctl_priv.h"
#include "vsw/bpf_ext.h"
#include "vsw/vm.h"

static struct vsw_ctl_state *const ctl = &vsw_ctl_state;

/* How far a reload got: what to undo. */
struct progress {
	unsigned int n_ext_dels;
	unsigned int n_port_dels;
	bool has_settings;
	unsigned int n_port_adds;
	unsigned int n_ext_adds;
	unsigned int n_ext_params;
};

static struct vsw_port *
port_named(const char *name)
{
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		if (ctl->ports[i] != NULL && strcmp(ctl->ports[i]->name, name) == 0)
			return ctl->ports[i];
	return NULL;
}

static const struct vsw_topo_port *
topo_port(const struct vsw_topo *t, const char *name)
{
	for (unsigned int i = 0; i < t->n_ports; i++)
		if (strcmp(t->ports[i].name, name) == 0)
			return &t->ports[i];
	return NULL;
}

/* A port bound to a NIC switch is opened on the switch's PF (as vsw_ctl_apply_topo() does). */
static int
port_add(const struct vsw_topo *t, const struct vsw_topo_port *tp, struct vsw_errmsg *em)
{
	struct vsw_topo_port copy = *tp;

	if (copy.nicsw[0] != '\0')
		memcpy(copy.device, t->nicsws[copy.nicsw_index].pf, sizeof(copy.device));
	return vsw_ctl_port_add(&copy, em);
}

/*
 * A port holding a VF has filters for its MACs and VLAN in the NIC switch: changing those in
 * place would leave the VF's traffic behind, so the operator detaches it first.
 */
static int
check_vf_holders(const struct vsw_topo *t, const struct vsw_topo_diff *d, struct vsw_errmsg *em)
{
	for (unsigned int i = 0; i < d->n_port_updates; i++) {
		const struct vsw_topo_port *tp = &t->ports[d->port_updates[i]];
		const struct vsw_port *p = port_named(tp->name);
		const struct vsw_vm_adapter *ad = p != NULL ? vsw_ctl_vm_get(p->index, NULL) : NULL;

		if (ad != NULL && ad->vf != VSW_VM_VF_NONE) {
			vsw_errmsg_set(em,
			               "%s:%u:%u: port '%s' holds vf %u: its macs and vlan cannot "
			               "change, detach it first (vm detach-vf %s)",
			               t->file, tp->mark.line, tp->mark.column, tp->name, ad->vf,
			               tp->name);
			return -EBUSY;
		}
	}
	return 0;
}

/*
 * Give every port of @p t that exists its MACs, VLAN, guards and mirrors from @p t, all
 * in one configuration: MACs may move between ports, and no worker sees a half-moved one.
 */
static int
apply_settings(const struct vsw_topo *t, struct vsw_errmsg *em)
{
	struct vsw_dp_cfg *cfg = vsw_ctl_cfg_reserve(em);
	bool is_vlan_changed[VSW_PORTS_MAX] = {false};

	if (cfg == NULL)
		return -ENOMEM;
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		struct vsw_port *p = ctl->ports[i];
		const struct vsw_topo_port *tp = p != NULL ? topo_port(t, p->name) : NULL;

		if (tp == NULL || p->type == VSW_PORT_VF)
			continue;
		is_vlan_changed[i] = memcmp(&p->vlan, &tp->vlan.cfg, sizeof(p->vlan)) != 0;
		p->has_mac = tp->n_macs > 0;
		p->n_macs = (uint8_t)RTE_MIN(tp->n_macs, (unsigned int)VSW_PORT_MACS_MAX);
		memcpy(p->macs, tp->macs, sizeof(p->macs[0]) * p->n_macs);
		memcpy(p->mac, tp->macs[0], sizeof(p->mac));
		p->vlan = tp->vlan.cfg;
		p->is_spoof_guarded = tp->security.has_mac_spoof_guard && p->n_macs > 0;
		p->is_dhcp_guarded = !tp->security.is_dhcp_server_allowed;
		p->is_router_guarded = !tp->security.is_router_allowed;
		p->storm_pps = tp->security.storm_pps;
		p->is_announced_on_connect = tp->is_announced_on_connect;
		p->is_learning = p->type == VSW_PORT_EXTERNAL || p->vlan.mode == VSW_VLAN_TRUNK;
		p->mirror_rx_to[0] = '\0';
		p->mirror_tx_to[0] = '\0';
	}
	for (unsigned int m = 0; m < t->n_mirrors; m++) {
		const struct vsw_topo_mirror *mi = &t->mirrors[m];
		struct vsw_port *src = port_named(mi->source);

		if (src == NULL)
			continue; /* a port added later: its mirrors come with the next step */
		if (mi->direction & VSW_MIRROR_RX)
			memcpy(src->mirror_rx_to, mi->destination, sizeof(src->mirror_rx_to));
		if (mi->direction & VSW_MIRROR_TX)
			memcpy(src->mirror_tx_to, mi->destination, sizeof(src->mirror_tx_to));
	}
	vsw_ctl_cfg_publish(cfg);
	/* Hosts learned in a VLAN the port has left are not behind it any more. */
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		if (is_vlan_changed[i])
			vsw_learn_flush_port(ctl->learn, i);
	return 0;
}

/* Ports added by the reload get their mirrors: apply_settings() ran before they existed. */
static int
apply_mirrors_of_added(const struct vsw_topo *t, const struct vsw_topo_diff *d,
                       struct vsw_errmsg *em)
{
	return d->n_port_adds > 0 && t->n_mirrors > 0 ? apply_settings(t, em) : 0;
}

/* VF policies never fail a reload: too few VFs is normal, the VM stays synthetic. */
static void
apply_vf(const struct vsw_topo_port *was, const struct vsw_topo_port *tp)
{
	struct vsw_errmsg em = {0};

	if (was == NULL || was->vf_priority != tp->vf_priority)
		(void)vsw_ctl_vm_set_priority(tp->name, tp->vf_priority, &em);
	if (was != NULL && was->vf_mode == tp->vf_mode && was->vf_index == tp->vf_index)
		return;
	if (was != NULL && was->vf_mode != VSW_TOPO_VF_NONE)
		(void)vsw_ctl_vm_detach(tp->name, NULL);
	if (tp->vf_mode != VSW_TOPO_VF_NONE &&
	    vsw_ctl_vm_attach(tp->name,
	                      tp->vf_mode == VSW_TOPO_VF_AUTO ? VSW_VM_VF_ANY : tp->vf_index,
	                      &em) < 0)
		CTL_LOG(WARNING, "%s", em.msg);
}

static void
apply_vfs(const struct vsw_topo *old, const struct vsw_topo *t, const struct vsw_topo_diff *d)
{
	for (unsigned int i = 0; i < d->n_port_vfs; i++) {
		const struct vsw_topo_port *tp = &t->ports[d->port_vfs[i]];

		apply_vf(topo_port(old, tp->name), tp);
	}
	for (unsigned int i = 0; i < d->n_port_adds; i++) {
		const struct vsw_topo_port *tp = &t->ports[d->port_adds[i]];

		if (tp->type == VSW_PORT_SYNTHETIC && tp->vf_mode != VSW_TOPO_VF_NONE)
			apply_vf(NULL, tp);
	}
}

static int
set_params(const struct vsw_topo_ext *te, struct vsw_errmsg *em)
{
	for (unsigned int k = 0; k < VSW_TOPO_EXT_PARAMS_MAX; k++) {
		const int rc = vsw_bpf_ext_set_param(te->name, k,
		                                     k < te->n_params ? te->params[k] : 0, em);

		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Undo, newest first, what @p pr says was done; each undo is logged, none can be refused. */
static void
undo(const struct vsw_topo *old, const struct vsw_topo *t, const struct vsw_topo_diff *d,
     const struct progress *pr)
{
	struct vsw_errmsg em = {0};

	for (unsigned int i = pr->n_ext_params; i-- > 0;) {
		const struct vsw_topo_ext *te = &t->exts[d->ext_params[i]];

		for (unsigned int k = 0; k < old->n_exts; k++)
			if (strcmp(old->exts[k].name, te->name) == 0)
				(void)set_params(&old->exts[k], NULL);
	}
	for (unsigned int i = pr->n_ext_adds; i-- > 0;)
		(void)vsw_bpf_ext_unload(t->exts[d->ext_adds[i]].name, NULL);
	for (unsigned int i = pr->n_port_adds; i-- > 0;)
		(void)vsw_ctl_port_del(t->ports[d->port_adds[i]].name, NULL);
	if (pr->has_settings && apply_settings(old, &em) < 0)
		CTL_LOG(ERR, "reload: undo: %s", em.msg);
	for (unsigned int i = pr->n_port_dels; i-- > 0;)
		if (port_add(old, &old->ports[d->port_dels[i]], &em) < 0)
			CTL_LOG(ERR, "reload: undo: %s", em.msg);
	if (pr->n_port_dels > 0 && old->n_mirrors > 0)
		(void)apply_settings(old, NULL);
	for (unsigned int i = pr->n_ext_dels; i-- > 0;)
		if (vsw_ctl_bpf_load_topo_ext(&old->exts[d->ext_dels[i]], &em) < 0)
			CTL_LOG(ERR, "reload: undo: %s", em.msg);
}

static int
run_steps(const struct vsw_topo *old, const struct vsw_topo *t, const struct vsw_topo_diff *d,
          struct progress *pr, struct vsw_errmsg *em)
{
	int rc = 0;

	for (; pr->n_ext_dels < d->n_ext_dels && rc == 0; pr->n_ext_dels++)
		rc = vsw_bpf_ext_unload(old->exts[d->ext_dels[pr->n_ext_dels]].name, em);
	for (; pr->n_port_dels < d->n_port_dels && rc == 0; pr->n_port_dels++)
		rc = vsw_ctl_port_del(old->ports[d->port_dels[pr->n_port_dels]].name, em);
	if (rc < 0)
		return rc;
	rc = apply_settings(t, em);
	if (rc < 0)
		return rc;
	pr->has_settings = true;
	for (; pr->n_port_adds < d->n_port_adds; pr->n_port_adds++) {
		rc = port_add(t, &t->ports[d->port_adds[pr->n_port_adds]], em);
		if (rc < 0)
			return rc;
	}
	rc = apply_mirrors_of_added(t, d, em);
	for (; pr->n_ext_adds < d->n_ext_adds && rc == 0; pr->n_ext_adds++)
		rc = vsw_ctl_bpf_load_topo_ext(&t->exts[d->ext_adds[pr->n_ext_adds]], em);
	for (; pr->n_ext_params < d->n_ext_params && rc == 0; pr->n_ext_params++)
		rc = set_params(&t->exts[d->ext_params[pr->n_ext_params]], em);
	return rc;
}

static void
summarize(const struct vsw_topo_diff *d, char *summary, size_t size)
{
	if (summary == NULL || size == 0)
		return;
	(void)snprintf(summary, size,
	               "%u ports added, %u removed, %u changed, %u vf policies, mirrors %s, "
	               "%u extensions loaded, %u unloaded, %u with new params",
	               d->n_port_adds, d->n_port_dels, d->n_port_updates, d->n_port_vfs,
	               d->has_mirrors_changed ? "changed" : "unchanged", d->n_ext_adds,
	               d->n_ext_dels, d->n_ext_params);
}

int
vsw_ctl_reload(const struct vsw_topo *topo, char *summary, size_t size, struct vsw_errmsg *out)
{
	struct vsw_errmsg local = {0}, *em = &local;
	struct vsw_topo *old = malloc(sizeof(*old));
	struct vsw_topo_diff *d = malloc(sizeof(*d));
	struct progress pr = {0};
	int rc = -ENOMEM;

	if (old == NULL || d == NULL) {
		vsw_errmsg_set(em, "out of memory for a reload");
		goto out;
	}
	rc = vsw_ctl_snapshot(old, em);
	if (rc == 0)
		rc = vsw_topo_diff(old, topo, d, em);
	if (rc == 0)
		rc = check_vf_holders(topo, d, em);
	if (rc < 0)
		goto out;
	rc = run_steps(old, topo, d, &pr, em);
	if (rc < 0) {
		CTL_LOG(ERR, "reload of %s failed, undoing: %s", topo->file, em->msg);
		undo(old, topo, d, &pr);
		goto out;
	}
	apply_vfs(old, topo, d);
	if (d->has_idle_sleep_changed) {
		vsw_dp_set_idle_sleep_max(topo->idle_sleep_us_max);
		vsw_dp_set_idle_rxq_poll(topo->idle_rxq_poll_us);
	}
	(void)vsw_ctl_reload_record(topo); /* allocated already: cannot fail */
	summarize(d, summary, size);
	CTL_LOG(NOTICE, "reloaded %s: %s", topo->file,
	        summary != NULL && size > 0 ? summary : "done");
out:
	if (rc < 0 && out != NULL)
		*out = local;
	free(d);
	free(old);
	return rc;
}
