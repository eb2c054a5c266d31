/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The difference between two topologies, for a live reload (`vswctl load`, SIGHUP): which
 * ports go, come, change in place or change their VF policy; whether the mirrors or the
 * workers' idle sleep change; which extensions are unloaded, loaded or get new params.
 * What a running vswd cannot change (the EAL, the worker lcores, the control socket, the FDB's
 * sizing, the NIC switches) is refused here, every such change named, before anything is
 * applied. Pure C, no DPDK: control thread and tests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "topo_priv.h"

/* "; "-joined reasons, each "<what>: changed, needs a restart of vswd". */
struct refusals {
	char text[VSW_ERRMSG_SIZE];
	size_t len;
	unsigned int n;
};

static void
refuse(struct refusals *r, const char *what)
{
	const int n =
	        snprintf(r->text + r->len, sizeof(r->text) - r->len,
	                 "%s%s: changed, needs a restart of vswd", r->n > 0 ? "; " : "", what);

	r->n++;
	if (n > 0)
		r->len = r->len + (size_t)n < sizeof(r->text) ? r->len + (size_t)n
		                                              : sizeof(r->text) - 1;
}

static bool
eal_equal(const struct vsw_topo *a, const struct vsw_topo *b)
{
	if (a->n_eal_args != b->n_eal_args)
		return false;
	for (unsigned int i = 0; i < a->n_eal_args; i++)
		if (strcmp(a->eal_args[i], b->eal_args[i]) != 0)
			return false;
	return true;
}

static bool
lcores_equal(const struct vsw_topo *a, const struct vsw_topo *b)
{
	return a->n_worker_lcores == b->n_worker_lcores &&
	       memcmp(a->worker_lcores, b->worker_lcores,
	              a->n_worker_lcores * sizeof(a->worker_lcores[0])) == 0;
}

/* Two NIC switches, their places in the file aside. */
static bool
nicsw_equal(const struct vsw_topo_nicsw *a, const struct vsw_topo_nicsw *b)
{
	static struct vsw_topo_nicsw x, y; /* large: not on the stack; control thread only */

	x = *a;
	y = *b;
	x.mark = y.mark = (struct vsw_topo_mark){0};
	for (unsigned int i = 0; i < VSW_TOPO_VPORTS_MAX; i++)
		x.vports[i].mark = y.vports[i].mark = (struct vsw_topo_mark){0};
	return memcmp(&x, &y, sizeof(x)) == 0;
}

static void
check_restart(const struct vsw_topo *old, const struct vsw_topo *new, struct refusals *r)
{
	if (!eal_equal(old, new))
		refuse(r, "eal.args");
	if (!lcores_equal(old, new))
		refuse(r, "workers.lcores");
	if (strcmp(old->control_socket, new->control_socket) != 0)
		refuse(r, "control.socket");
	if (old->n_socket_dirs != new->n_socket_dirs ||
	    memcmp(old->socket_dirs, new->socket_dirs, sizeof(old->socket_dirs)) != 0)
		refuse(r, "socket_dirs");
	if (memcmp(&old->vhost_sockets, &new->vhost_sockets, sizeof(old->vhost_sockets)) != 0)
		refuse(r, "vhost_sockets");
	if (old->fdb_aging_s != new->fdb_aging_s)
		refuse(r, "fdb.aging_s");
	if (old->fdb_entries_max != new->fdb_entries_max)
		refuse(r, "fdb.max_entries");
	if (old->n_nicsws != new->n_nicsws) {
		refuse(r, "nic_switches");
		return;
	}
	for (unsigned int i = 0; i < new->n_nicsws; i++) {
		char what[VSW_NAME_SIZE + 32];

		if (nicsw_equal(&old->nicsws[i], &new->nicsws[i]))
			continue;
		(void)snprintf(what, sizeof(what), "nic switch '%s'", new->nicsws[i].name);
		refuse(r, what);
	}
}

bool
vsw_topo_port_same_device(const struct vsw_topo_port *a, const struct vsw_topo_port *b)
{
	return strcmp(a->name, b->name) == 0 && a->type == b->type &&
	       strcmp(a->device, b->device) == 0 && strcmp(a->netdev, b->netdev) == 0 &&
	       strcmp(a->nicsw, b->nicsw) == 0 && strcmp(a->vhost_path, b->vhost_path) == 0 &&
	       a->vhost_mode == b->vhost_mode && a->has_vhost_ethdev == b->has_vhost_ethdev;
}

static bool
vlan_equal(const struct vsw_topo_vlan *a, const struct vsw_topo_vlan *b)
{
	return a->cfg.mode == b->cfg.mode && a->cfg.id == b->cfg.id &&
	       a->cfg.native == b->cfg.native &&
	       memcmp(a->cfg.allowed, b->cfg.allowed, sizeof(a->cfg.allowed)) == 0;
}

/* What a kept port changes in place: MACs, VLAN, security (guards, storm control), whether it
 * announces its VM on connect. */
static bool
port_settings_equal(const struct vsw_topo_port *a, const struct vsw_topo_port *b)
{
	return a->n_macs == b->n_macs && memcmp(a->macs, b->macs, a->n_macs * 6) == 0 &&
	       vlan_equal(&a->vlan, &b->vlan) &&
	       a->security.has_mac_spoof_guard == b->security.has_mac_spoof_guard &&
	       a->security.is_dhcp_server_allowed == b->security.is_dhcp_server_allowed &&
	       a->security.is_router_allowed == b->security.is_router_allowed &&
	       a->security.storm_pps == b->security.storm_pps &&
	       a->is_announced_on_connect == b->is_announced_on_connect;
}

static bool
port_vf_equal(const struct vsw_topo_port *a, const struct vsw_topo_port *b)
{
	return a->vf_mode == b->vf_mode && a->vf_index == b->vf_index &&
	       a->vf_priority == b->vf_priority;
}

static const struct vsw_topo_port *
port_named(const struct vsw_topo *t, const char *name)
{
	for (unsigned int i = 0; i < t->n_ports; i++)
		if (strcmp(t->ports[i].name, name) == 0)
			return &t->ports[i];
	return NULL;
}

static void
diff_ports(const struct vsw_topo *old, const struct vsw_topo *new, struct vsw_topo_diff *d)
{
	for (unsigned int i = 0; i < old->n_ports; i++) {
		const struct vsw_topo_port *n = port_named(new, old->ports[i].name);

		if (n == NULL || !vsw_topo_port_same_device(&old->ports[i], n))
			d->port_dels[d->n_port_dels++] = i;
	}
	for (unsigned int i = 0; i < new->n_ports; i++) {
		const struct vsw_topo_port *o = port_named(old, new->ports[i].name);

		if (o == NULL || !vsw_topo_port_same_device(o, &new->ports[i])) {
			d->port_adds[d->n_port_adds++] = i;
			continue;
		}
		if (!port_settings_equal(o, &new->ports[i]))
			d->port_updates[d->n_port_updates++] = i;
		if (!port_vf_equal(o, &new->ports[i]))
			d->port_vfs[d->n_port_vfs++] = i;
	}
}

static bool
mirrors_equal(const struct vsw_topo *a, const struct vsw_topo *b)
{
	if (a->n_mirrors != b->n_mirrors)
		return false;
	for (unsigned int i = 0; i < a->n_mirrors; i++) {
		const struct vsw_topo_mirror *x = &a->mirrors[i], *y = &b->mirrors[i];

		if (strcmp(x->name, y->name) != 0 || strcmp(x->source, y->source) != 0 ||
		    strcmp(x->destination, y->destination) != 0 || x->direction != y->direction)
			return false;
	}
	return true;
}

static const struct vsw_topo_ext *
ext_named(const struct vsw_topo *t, const char *name)
{
	for (unsigned int i = 0; i < t->n_exts; i++)
		if (strcmp(t->exts[i].name, name) == 0)
			return &t->exts[i];
	return NULL;
}

/* Same program at the same place; its params may still differ. */
static bool
ext_same_program(const struct vsw_topo_ext *a, const struct vsw_topo_ext *b)
{
	return strcmp(a->file, b->file) == 0 && strcmp(a->section, b->section) == 0 &&
	       strcmp(a->port, b->port) == 0 && a->is_egress == b->is_egress &&
	       a->position == b->position;
}

static void
diff_exts(const struct vsw_topo *old, const struct vsw_topo *new, struct vsw_topo_diff *d)
{
	for (unsigned int i = 0; i < old->n_exts; i++) {
		const struct vsw_topo_ext *n = ext_named(new, old->exts[i].name);

		if (n == NULL || !ext_same_program(&old->exts[i], n))
			d->ext_dels[d->n_ext_dels++] = i;
	}
	for (unsigned int i = 0; i < new->n_exts; i++) {
		const struct vsw_topo_ext *o = ext_named(old, new->exts[i].name);
		const struct vsw_topo_ext *n = &new->exts[i];

		if (o == NULL || !ext_same_program(o, n))
			d->ext_adds[d->n_ext_adds++] = i;
		else if (o->n_params != n->n_params ||
		         memcmp(o->params, n->params, n->n_params * sizeof(n->params[0])) != 0)
			d->ext_params[d->n_ext_params++] = i;
	}
}

int
vsw_topo_diff(const struct vsw_topo *old, const struct vsw_topo *new, struct vsw_topo_diff *d,
              struct vsw_errmsg *err)
{
	struct refusals r = {.len = 0};

	memset(d, 0, sizeof(*d));
	check_restart(old, new, &r);
	if (r.n > 0) {
		vsw_errmsg_set(err, "%s: %s", new->file, r.text);
		return -ENOTSUP;
	}
	diff_ports(old, new, d);
	d->has_mirrors_changed = !mirrors_equal(old, new);
	d->has_idle_sleep_changed = old->idle_sleep_us_max != new->idle_sleep_us_max ||
	                            old->idle_rxq_poll_us != new->idle_rxq_poll_us;
	diff_exts(old, new, d);
	return 0;
}

bool
vsw_topo_diff_is_empty(const struct vsw_topo_diff *d)
{
	return d->n_port_dels == 0 && d->n_port_adds == 0 && d->n_port_updates == 0 &&
	       d->n_port_vfs == 0 && !d->has_mirrors_changed && !d->has_idle_sleep_changed &&
	       d->n_ext_dels == 0 && d->n_ext_adds == 0 && d->n_ext_params == 0;
}
