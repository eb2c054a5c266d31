/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NIC switch on the control thread: its model (lib/nicsw) built from the topology. The
 * emulated backend's VFs are vhost-user ports vswd serves at <vf_socket_dir>/<nic>-vf<n>.sock
 * (or kernel interfaces), and workers get what they need of it (filter table, which port is
 * which VF) in each published configuration. The hardware backend (nicsw_flow_ctl.c) has no
 * software stage: its filters are rte_flow rules, synced whenever a configuration is
 * published, which every model change is followed by. One NIC switch per daemon for now.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_log.h>

#include "ctl_priv.h"

static struct {
	struct vsw_nicsw *sw;
	char uplink[VSW_NAME_SIZE]; /* the external port bound to it: the PF's wire */
	uint16_t n_vfs;             /* VF ports created (emulated) */
	struct vsw_flow_mgr *flow;  /* backend flow: the NIC's rules */
} nic;

const struct vsw_nicsw *
vsw_ctl_nicsw(const char *name)
{
	struct vsw_nicsw_params p;

	if (nic.sw == NULL)
		return NULL;
	vsw_nicsw_params_get(nic.sw, &p);
	return name == NULL || strcmp(p.name, name) == 0 ? nic.sw : NULL;
}

struct vsw_nicsw *
vsw_ctl_nicsw_model(void)
{
	return nic.sw;
}

uint16_t
vsw_ctl_nicsw_vf_port(uint16_t vf)
{
	char name[VSW_NAME_SIZE];
	struct vsw_nicsw_params p;
	const struct vsw_port *port;

	if (nic.sw == NULL || vf >= nic.n_vfs)
		return VSW_PORT_NONE;
	vsw_nicsw_params_get(nic.sw, &p);
	snprintf(name, sizeof(name), "%.20s-vf%u", p.name, vf);
	port = vsw_ctl_port_find(name);
	return port != NULL ? port->index : VSW_PORT_NONE;
}

static int
create_vports(const struct vsw_topo_nicsw *t, struct vsw_errmsg *em)
{
	for (unsigned int i = 0; i < t->n_vports; i++) {
		const struct vsw_topo_vport *v = &t->vports[i];
		struct vsw_vport_params p = {.vport_id = v->vport_id,
		                             .function = v->function,
		                             .vf_index = v->vf_index,
		                             .n_qps = v->n_qps,
		                             .moderation = v->moderation};
		struct vsw_vport_set op = {.fields = VSW_VPORT_SET_OPERATIONAL,
		                           .is_operational = true};
		uint16_t id;
		uint32_t filter_id;
		int rc;

		rc = vsw_nicsw_vport_create(nic.sw, &p, &id, em);
		if (rc == 0 && v->is_operational)
			rc = vsw_nicsw_vport_set_params(nic.sw, id, &op, em);
		for (unsigned int f = 0; rc == 0 && f < v->n_filters; f++)
			rc = vsw_nicsw_filter_set(nic.sw, id, v->filters[f].mac, v->filters[f].vlan,
			                          &filter_id, em);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The kernel interface VF @p n is shown as, or NULL for a vhost-user socket. */
static const char *
vf_netdev(const struct vsw_topo_nicsw *t, uint16_t n)
{
	if (n < t->n_vf_netdevs)
		return t->vf_netdevs[n];
	for (unsigned int i = 0; i < t->n_vports; i++)
		if (t->vports[i].function == VSW_VPORT_VF && t->vports[i].vf_index == n &&
		    t->vports[i].vf_netdev[0] != '\0')
			return t->vports[i].vf_netdev;
	return NULL;
}

/*
 * VF n of the switch as a switch port of its own kind: a vhost-user server socket, or a
 * kernel interface that QEMU backs an emulated PCI NIC with (a net_failover primary).
 */
static int
create_vf_ports(const struct vsw_topo_nicsw *t, struct vsw_errmsg *em)
{
	for (uint16_t n = 0; n < t->num_vfs; n++) {
		const char *netdev = vf_netdev(t, n);
		struct vsw_topo_port tp;
		char name[VSW_NAME_SIZE];
		int rc = 0;

		snprintf(name, sizeof(name), "%.20s-vf%u", t->name, n);
		vsw_topo_port_init(&tp, name, VSW_PORT_VF, NULL);
		/* A VF's guest is guarded where its VM adapter is: on its synthetic port. */
		tp.security.has_mac_spoof_guard = false;
		tp.security.is_dhcp_server_allowed = true;
		tp.security.is_router_allowed = true;
		if (netdev != NULL)
			snprintf(tp.netdev, sizeof(tp.netdev), "%s", netdev);
		else
			rc = vsw_topo_vf_socket_path(t, n, tp.vhost_path, sizeof(tp.vhost_path));
		if (rc == 0)
			rc = vsw_ctl_port_add(&tp, em);
		if (rc < 0)
			return rc;
		nic.n_vfs = n + 1;
	}
	return 0;
}

static int
start_flow(const struct vsw_topo_nicsw *t, struct vsw_errmsg *em)
{
	const struct vsw_port *uplink = vsw_ctl_port_find(nic.uplink);

	if (uplink == NULL) {
		vsw_errmsg_set(em, "nic switch %s: no external port is bound to it", t->name);
		return -EINVAL;
	}
	return vsw_ctl_nicsw_flow_start(t, uplink, nic.sw, &nic.flow, em);
}

int
vsw_ctl_nicsw_create(const struct vsw_topo *topo, struct vsw_errmsg *em)
{
	const struct vsw_topo_nicsw *t = &topo->nicsws[0];
	struct vsw_nicsw_params params;
	int rc;

	if (topo->n_nicsws == 0)
		return 0;
	vsw_topo_nicsw_params(t, &params);
	nic.sw = vsw_nicsw_create(&params, em);
	if (nic.sw == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < topo->n_ports; i++)
		if (topo->ports[i].nicsw[0] != '\0')
			memcpy(nic.uplink, topo->ports[i].name, sizeof(nic.uplink));
	rc = create_vports(t, em);
	if (rc == 0 && t->backend == VSW_NICSW_BACKEND_FLOW)
		rc = start_flow(t, em);
	else if (rc == 0)
		rc = create_vf_ports(t, em);
	if (rc < 0)
		vsw_ctl_nicsw_destroy();
	return rc;
}

void
vsw_ctl_nicsw_destroy(void)
{
	char name[VSW_NAME_SIZE];
	struct vsw_nicsw_params p;

	if (nic.sw == NULL)
		return;
	vsw_nicsw_params_get(nic.sw, &p);
	for (uint16_t n = 0; n < nic.n_vfs; n++) {
		snprintf(name, sizeof(name), "%.20s-vf%u", p.name, n);
		(void)vsw_ctl_port_del(name, NULL);
	}
	vsw_ctl_nicsw_flow_stop(nic.flow);
	vsw_nicsw_destroy(nic.sw, NULL, NULL);
	memset(&nic, 0, sizeof(nic));
}

/* The VF index of VF port @p name of this switch, or -1. */
static int
vf_of_port(const struct vsw_port *port)
{
	struct vsw_nicsw_params p;
	unsigned int n;
	int len;

	if (port->type != VSW_PORT_VF)
		return -1;
	vsw_nicsw_params_get(nic.sw, &p);
	len = (int)strnlen(p.name, 20);
	if (strncmp(port->name, p.name, (size_t)len) != 0 ||
	    sscanf(port->name + len, "-vf%u", &n) != 1)
		return -1;
	return (int)n;
}

/* The NIC's rules after a model change; a refusal keeps the rules as they were. */
static void
sync_flow(void)
{
	struct vsw_errmsg em = {0};

	if (vsw_flow_mgr_sync(nic.flow, nic.sw, &em) < 0)
		CTL_LOG(ERR, "%s", em.msg);
}

/*
 * Interrupt moderation (R-VP-6) of the emulated backend, where it is applied: the workers'
 * tx bursts to a VF's device (worker.c). Each burst is what a NIC's rx interrupt is to the
 * guest: vhost-user kicks the guest's call eventfd after a burst when the guest asked for
 * interrupts, and a kernel VF interface wakes its reader once per burst. A VPort's moderation
 * spaces one worker's bursts to its VF by at least:
 * - off: nothing; every pass that queued frames sends them (one interrupt per event);
 * - rate r: 1/r s, so at most r bursts a second per worker;
 * - adaptive: VSW_ADAPTIVE_GAP_US. A quiet VF's first frame still leaves at once (the gap
 *   counts from the previous burst), so only a busy VF's frames wait and go in bigger bursts.
 * A full burst (VSW_BURST_MAX frames) always leaves at once, as a NIC's frame-count limit.
 */
#define VSW_ADAPTIVE_GAP_US 50

static uint64_t
moderation_gap_cycles(const struct vsw_vport_moderation *mod)
{
	switch (mod->mode) {
	case VSW_VPORT_MOD_RATE:
		return rte_get_tsc_hz() / RTE_MAX(mod->rate_per_s, 1u);
	case VSW_VPORT_MOD_ADAPTIVE:
		return rte_get_tsc_hz() / US_PER_S * VSW_ADAPTIVE_GAP_US;
	default:
		return 0;
	}
}

void
vsw_ctl_nicsw_fill(struct vsw_dp_cfg *cfg, uint16_t (*index_of)(const char *))
{
	struct vsw_dp_nicsw *dn = &cfg->nicsw;
	struct vsw_vport_info info;
	uint32_t iter = 0;

	for (uint16_t i = 0; i < VSW_NICSW_VPORTS_MAX; i++)
		dn->port_of_vport[i] = VSW_PORT_NONE;
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		dn->vport_of_port[i] = VSW_PORT_NONE;
	if (nic.flow != NULL) {
		sync_flow();
		return; /* the NIC switches in hardware: the uplink is a plain vSwitch port */
	}
	dn->uplink_port = nic.sw != NULL ? index_of(nic.uplink) : VSW_PORT_NONE;
	if (dn->uplink_port == VSW_PORT_NONE)
		return;
	dn->is_used = true;
	dn->is_wire_up = cfg->ports[dn->uplink_port].is_connected;
	if (!dn->is_wire_up) {
		cfg->ports[dn->uplink_port].is_connected = true;
		cfg->flood_ports[cfg->n_flood_ports++] = dn->uplink_port;
	}
	vsw_nicsw_ftable_build(nic.sw, &dn->ftable);
	while (vsw_nicsw_vport_next(nic.sw, &iter, &info)) {
		dn->vport_vlans[info.vport_id].n = (uint8_t)info.n_filters;
		for (uint16_t f = 0; f < info.n_filters; f++)
			dn->vport_vlans[info.vport_id].ids[f] = info.filters[f].vlan;
		for (uint16_t i = 0; info.function == VSW_VPORT_VF && i < VSW_PORTS_MAX; i++) {
			const struct vsw_port *port = vsw_ctl_port_get(i);

			if (port != NULL && vf_of_port(port) == info.vf_index) {
				dn->port_of_vport[info.vport_id] = i;
				dn->vport_of_port[i] = info.vport_id;
				cfg->ports[i].tx_gap_cycles =
				        moderation_gap_cycles(&info.moderation);
				if (cfg->ports[i].tx_gap_cycles != 0)
					cfg->tx_moderated |= UINT64_C(1) << i;
			}
		}
	}
}
