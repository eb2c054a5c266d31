/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The running state as a struct vsw_topo: what `vswctl dump` writes and what a reload
 * (reload_ctl.c) computes its difference against. Ports, mirrors and extensions come from the
 * live control state, so that ports created or deleted at run time and extension params set
 * at run time are in it; what only a restart changes (EAL, workers, control socket, FDB, NIC
 * switches) and the names of things the switch does not keep (mirrors, VF policies) come from
 * the running topology: the file vswd started with, or the last one loaded. Control thread.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_priv.h"
#include "vsw/bpf_ext.h"
#include "vsw/ext.h"
#include "vsw/vm.h"

static struct vsw_ctl_state *const ctl = &vsw_ctl_state;

/* The running topology; NULL until vsw_ctl_apply_topo() succeeded. */
static struct vsw_topo *running;

int
vsw_ctl_reload_record(const struct vsw_topo *topo)
{
	if (running == NULL)
		running = malloc(sizeof(*running));
	if (running == NULL)
		return -ENOMEM;
	*running = *topo;
	return 0;
}

void
vsw_ctl_reload_forget(void)
{
	free(running);
	running = NULL;
}

static const struct vsw_topo_port *
running_port(const char *name)
{
	for (unsigned int i = 0; i < running->n_ports; i++)
		if (strcmp(running->ports[i].name, name) == 0)
			return &running->ports[i];
	return NULL;
}

static bool
vlan_is_all(const struct vsw_vlan_cfg *v)
{
	for (uint16_t id = 1; id <= VSW_VLAN_ID_MAX; id++)
		if (!vsw_vlan_is_allowed(v, id))
			return false;
	return true;
}

static void
snapshot_port(const struct vsw_port *p, const struct vsw_topo *t, struct vsw_topo_port *tp)
{
	const struct vsw_topo_port *was = running_port(p->name);
	const struct vsw_vm_adapter *ad = vsw_ctl_vm_get(p->index, NULL);

	memset(tp, 0, sizeof(*tp));
	memcpy(tp->name, p->name, sizeof(tp->name));
	tp->type = p->type;
	/* An uplink on a NIC switch runs on the PF's devargs; the file names the switch. */
	for (unsigned int s = 0; s < t->n_nicsws && p->type == VSW_PORT_EXTERNAL; s++)
		if (strcmp(t->nicsws[s].pf, p->devargs) == 0) {
			memcpy(tp->nicsw, t->nicsws[s].name, sizeof(tp->nicsw));
			tp->nicsw_index = s;
		}
	/* Other ports' devargs are made by vsw from their netdev or socket. */
	if (p->type == VSW_PORT_EXTERNAL && p->netdev[0] == '\0' && tp->nicsw[0] == '\0')
		memcpy(tp->device, p->devargs, sizeof(tp->device));
	memcpy(tp->netdev, p->netdev, sizeof(tp->netdev));
	tp->n_macs = p->n_macs;
	tp->has_mac = p->n_macs > 0;
	memcpy(tp->macs, p->macs, (size_t)p->n_macs * 6);
	memcpy(tp->mac, p->macs[0], sizeof(tp->mac));
	if (p->type == VSW_PORT_SYNTHETIC) {
		memcpy(tp->vhost_path, p->vhost_path, sizeof(tp->vhost_path));
		tp->vhost_mode = p->vhost_mode;
		tp->has_vhost_ethdev = p->has_vhost_ethdev;
	}
	tp->vlan.cfg = p->vlan;
	tp->vlan.is_all = p->vlan.mode == VSW_VLAN_TRUNK && vlan_is_all(&p->vlan);
	tp->security.has_mac_spoof_guard = p->is_spoof_guarded;
	tp->security.is_dhcp_server_allowed = !p->is_dhcp_guarded;
	tp->security.is_router_allowed = !p->is_router_guarded;
	tp->security.storm_pps = p->storm_pps;
	tp->is_announced_on_connect = p->is_announced_on_connect;
	if (was != NULL && was->type == VSW_PORT_SYNTHETIC && p->type == VSW_PORT_SYNTHETIC) {
		tp->vf_mode = was->vf_mode;
		tp->vf_index = was->vf_index;
	}
	if (ad != NULL)
		tp->vf_priority = ad->priority;
}

static unsigned int
port_index_in(const struct vsw_topo *t, const char *name)
{
	for (unsigned int i = 0; i < t->n_ports; i++)
		if (strcmp(t->ports[i].name, name) == 0)
			return i;
	return UINT32_MAX;
}

/* One mirror of @p src in @p dir to @p dst, named as the running topology named it. */
static void
add_mirror(struct vsw_topo *t, const char *src, const char *dst, enum vsw_mirror_direction dir)
{
	struct vsw_topo_mirror *m;

	if (t->n_mirrors == VSW_TOPO_MIRRORS_MAX)
		return; /* more than a file can give: the rest were made at run time */
	m = &t->mirrors[t->n_mirrors++];
	memset(m, 0, sizeof(*m));
	(void)snprintf(m->name, sizeof(m->name), "%.*s-%s", VSW_NAME_SIZE - 6, src,
	               vsw_mirror_direction_name(dir));
	for (unsigned int i = 0; i < running->n_mirrors; i++) {
		const struct vsw_topo_mirror *r = &running->mirrors[i];

		if (strcmp(r->source, src) == 0 && strcmp(r->destination, dst) == 0 &&
		    r->direction == dir)
			memcpy(m->name, r->name, sizeof(m->name));
	}
	memcpy(m->source, src, sizeof(m->source));
	memcpy(m->destination, dst, sizeof(m->destination));
	m->direction = dir;
	m->source_index = port_index_in(t, src);
	m->destination_index = port_index_in(t, dst);
}

/* Mirrors as the ports hold them, in the running topology's order where it has them. */
static void
snapshot_mirrors(struct vsw_topo *t)
{
	bool is_done[VSW_PORTS_MAX] = {false};

	t->n_mirrors = 0;
	for (unsigned int pass = 0; pass < 2; pass++) {
		for (unsigned int k = 0; k < (pass == 0 ? running->n_mirrors : 1); k++) {
			for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
				const struct vsw_port *p = ctl->ports[i];
				const char *rx, *tx;

				if (p == NULL || p->type == VSW_PORT_VF || is_done[i])
					continue;
				if (pass == 0 && strcmp(running->mirrors[k].source, p->name) != 0)
					continue;
				is_done[i] = true;
				rx = p->mirror_rx_to;
				tx = p->mirror_tx_to;
				if (rx[0] != '\0' && strcmp(rx, tx) == 0) {
					add_mirror(t, p->name, rx, VSW_MIRROR_BOTH);
					continue;
				}
				if (rx[0] != '\0')
					add_mirror(t, p->name, rx, VSW_MIRROR_RX);
				if (tx[0] != '\0')
					add_mirror(t, p->name, tx, VSW_MIRROR_TX);
			}
		}
	}
}

static void
snapshot_ext(const struct vsw_bpf_ext *b, struct vsw_topo_ext *te)
{
	unsigned int n_params = 0;

	memset(te, 0, sizeof(*te));
	memcpy(te->name, b->name, sizeof(te->name));
	memcpy(te->file, b->file, sizeof(te->file));
	memcpy(te->port, b->port_name, sizeof(te->port));
	te->is_egress = b->is_egress;
	te->position = -1;
	if (strcmp(b->section, VSW_BPF_SECTION_DEFAULT) != 0)
		memcpy(te->section, b->section, sizeof(te->section));
	for (unsigned int i = 0; i < running->n_exts; i++) {
		const struct vsw_topo_ext *r = &running->exts[i];

		if (strcmp(r->name, b->name) != 0 || strcmp(r->file, b->file) != 0)
			continue;
		memcpy(te->section, r->section, sizeof(te->section));
		te->position = r->position;
		n_params = r->n_params;
	}
	/* Params set at run time past the file's count are kept too. */
	for (unsigned int k = 0; k < VSW_TOPO_EXT_PARAMS_MAX; k++)
		if (b->params[k] != 0 && k >= n_params)
			n_params = k + 1;
	te->n_params = n_params;
	memcpy(te->params, b->params, n_params * sizeof(te->params[0]));
}

static void
snapshot_exts(struct vsw_topo *t)
{
	const struct vsw_ext_ops *ops;

	t->n_exts = 0;
	for (unsigned int e = 0; (ops = vsw_ext_get(e, NULL)) != NULL; e++) {
		const struct vsw_bpf_ext *b = vsw_bpf_ext_find(ops->name);

		if (b != NULL && t->n_exts < VSW_TOPO_EXTS_MAX)
			snapshot_ext(b, &t->exts[t->n_exts++]);
	}
}

int
vsw_ctl_snapshot(struct vsw_topo *out, struct vsw_errmsg *em)
{
	if (running == NULL) {
		vsw_errmsg_set(em, "no topology applied yet");
		return -ENOENT;
	}
	*out = *running;
	out->n_ports = 0;
	memset(out->ports, 0, sizeof(out->ports));
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = ctl->ports[i];

		/* VF ports belong to the NIC switch, which makes them. */
		if (p != NULL && p->type != VSW_PORT_VF)
			snapshot_port(p, out, &out->ports[out->n_ports++]);
	}
	snapshot_mirrors(out);
	snapshot_exts(out);
	return 0;
}
