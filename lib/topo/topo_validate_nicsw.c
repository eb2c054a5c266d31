/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology checks on NIC switches, once every value is read: each switch on its own (names,
 * PFs, VF sockets), its VPorts against each other and against the switch (the rules of the NIC
 * switch model, include/vsw/nicsw.h, checked before anything is created: ids, one VPort per VF,
 * the queue-pair pool, symmetric counts, (mac, vlan) filters), then what ports ask of switches.
 * Refusals point at the marks the parser recorded. Also what a checked switch gives the NIC
 * switch model: its VF socket paths and CREATE_SWITCH's parameters. Pure C, no YAML, no DPDK:
 * control thread and tests.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "topo_priv.h"
#include "vsw/errmsg.h"
#include "vsw/nicsw.h"
#include "vsw/topo.h"

/* Bytes of "nic switch '<name>': ", for messages. */
#define PREFIX_SIZE (VSW_NAME_SIZE + 16)

int
vsw_topo_vf_socket_path(const struct vsw_topo_nicsw *sw, unsigned int vf, char *buf, size_t size)
{
	const size_t len = strlen(sw->vf_socket_dir);
	const char *sep = len > 0 && sw->vf_socket_dir[len - 1] == '/' ? "" : "/";
	int n;

	if (sw->backend != VSW_NICSW_BACKEND_EMULATED)
		return -EINVAL;
	n = snprintf(buf, size, "%s%s%s-vf%u.sock", sw->vf_socket_dir, sep, sw->name, vf);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

void
vsw_topo_nicsw_params(const struct vsw_topo_nicsw *sw, struct vsw_nicsw_params *params)
{
	*params = (struct vsw_nicsw_params){.num_vfs = sw->num_vfs,
	                                    .qp_total = sw->qp_total,
	                                    .qp_default = sw->qp_default,
	                                    .is_asymmetric = sw->is_asymmetric};
	memcpy(params->name, sw->name, sizeof(params->name));
	if (!sw->is_asymmetric)
		params->qp_per_vport = sw->n_vports > 0 ? sw->vports[0].n_qps : 1;
}

/* Vport k of switch s against the earlier vports of the switch: ids, VFs. */
static int
check_vport_unique(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int s,
                   unsigned int k, struct vsw_errmsg *err)
{
	const struct vsw_topo_nicsw *sw = &topo->nicsws[s];
	const struct vsw_topo_vport *vport = &sw->vports[k];
	const struct topo_vport_marks *vm = &marks->nicsw[s].vport[k];

	for (unsigned int j = 0; j < k; j++) {
		const struct vsw_topo_vport *other = &sw->vports[j];

		if (vport->vport_id == other->vport_id)
			return topo_fail(
			        topo, err, vm->id,
			        "nic switch '%s': duplicate vport id %u, expected unique ids "
			        "(first at line %u)",
			        sw->name, vport->vport_id, marks->nicsw[s].vport[j].id.line);
		/* A VF is one PCIe function given to one VM: it has one VPort (R-VP-4). */
		if (vport->function == VSW_VPORT_VF && other->function == VSW_VPORT_VF &&
		    vport->vf_index == other->vf_index)
			return topo_fail(
			        topo, err, vm->function,
			        "nic switch '%s': vport %u: function vf%u already has vport "
			        "%u, expected at most one vport per vf",
			        sw->name, vport->vport_id, vport->vf_index, other->vport_id);
	}
	return 0;
}

/* Vport k's function and queue pairs; @p n_qps counts the pool used by vports 0..k-1. */
static int
check_vport_fit(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int s,
                unsigned int k, unsigned int *n_qps, struct vsw_errmsg *err)
{
	const struct vsw_topo_nicsw *sw = &topo->nicsws[s];
	const struct vsw_topo_vport *vport = &sw->vports[k];
	const struct topo_vport_marks *vm = &marks->nicsw[s].vport[k];

	if (vport->function == VSW_VPORT_VF && sw->num_vfs == 0)
		return topo_fail(
		        topo, err, vm->function,
		        "nic switch '%s': vport %u: function vf%u, expected pf (num_vfs is "
		        "0)",
		        sw->name, vport->vport_id, vport->vf_index);
	if (vport->function == VSW_VPORT_VF && vport->vf_index >= sw->num_vfs)
		return topo_fail(
		        topo, err, vm->function,
		        "nic switch '%s': vport %u: function vf%u, expected pf or vf0..vf%u "
		        "(num_vfs is %u)",
		        sw->name, vport->vport_id, vport->vf_index, sw->num_vfs - 1u, sw->num_vfs);
	if (vport->vf_netdev[0] != '\0' && vport->vf_index < sw->n_vf_netdevs)
		return topo_fail(topo, err, vm->function,
		                 "nic switch '%s': vport %u: vf%u is shown as '%s' by vf_netdevs, "
		                 "expected one interface per vf",
		                 sw->name, vport->vport_id, vport->vf_index,
		                 sw->vf_netdevs[vport->vf_index]);
	/* A symmetric NIC gives every non-default VPort the same count (R-VP-5). */
	if (!sw->is_asymmetric && vport->n_qps != sw->vports[0].n_qps)
		return topo_fail(
		        topo, err, vm->n_qps,
		        "nic switch '%s': vport %u: queue_pairs %u differs from vport %u's "
		        "%u, expected the same count on every vport of a symmetric switch",
		        sw->name, vport->vport_id, vport->n_qps, sw->vports[0].vport_id,
		        sw->vports[0].n_qps);
	*n_qps += vport->n_qps;
	if (*n_qps > sw->qp_total)
		return topo_fail(topo, err, vm->n_qps,
		                 "nic switch '%s': vport %u: queue_pairs %u take the switch to %u "
		                 "queue pairs (default vport included), expected at most "
		                 "queue_pairs.total %u",
		                 sw->name, vport->vport_id, vport->n_qps, *n_qps, sw->qp_total);
	return 0;
}

/* Filter f of vport k against every earlier filter of the switch. */
static int
check_filter(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int s,
             unsigned int k, unsigned int f, struct vsw_errmsg *err)
{
	const struct vsw_topo_nicsw *sw = &topo->nicsws[s];
	const struct vsw_topo_filter *filter = &sw->vports[k].filters[f];
	char mac[TOPO_MAC_STR_SIZE];

	for (unsigned int j = 0; j <= k; j++) {
		const struct vsw_topo_vport *other = &sw->vports[j];
		const unsigned int n = j < k ? other->n_filters : f;

		for (unsigned int g = 0; g < n; g++) {
			if (memcmp(other->filters[g].mac, filter->mac, 6) != 0 ||
			    other->filters[g].vlan != filter->vlan)
				continue;
			topo_mac_format(filter->mac, mac);
			/* The NIC steers a (mac, vlan) to one VPort: a second one is ambiguous. */
			return topo_fail(
			        topo, err, marks->nicsw[s].vport[k].filters[f],
			        "nic switch '%s': vport %u: duplicate filter %s vlan %u, "
			        "expected unique (mac, vlan) pairs in a switch (vport %u has "
			        "it)",
			        sw->name, sw->vports[k].vport_id, mac, filter->vlan,
			        other->vport_id);
		}
	}
	return 0;
}

static int
check_vports(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int s,
             struct vsw_errmsg *err)
{
	const struct vsw_topo_nicsw *sw = &topo->nicsws[s];
	unsigned int n_qps = sw->qp_default;
	int ret = 0;

	for (unsigned int k = 0; k < sw->n_vports && ret == 0; k++) {
		ret = check_vport_unique(topo, marks, s, k, err);
		if (ret == 0)
			ret = check_vport_fit(topo, marks, s, k, &n_qps, err);
		for (unsigned int f = 0; f < sw->vports[k].n_filters && ret == 0; f++)
			ret = check_filter(topo, marks, s, k, f, err);
	}
	return ret;
}

/* Every VF socket of an emulated switch fits in a sockaddr_un and is not the control socket. */
static int
check_vf_sockets(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int s,
                 struct vsw_errmsg *err)
{
	const struct vsw_topo_nicsw *sw = &topo->nicsws[s];
	char path[VSW_PATH_SIZE * 2];

	if (sw->backend != VSW_NICSW_BACKEND_EMULATED)
		return 0;
	for (unsigned int vf = 0; vf < sw->num_vfs; vf++) {
		(void)vsw_topo_vf_socket_path(sw, vf, path, sizeof(path));
		if (strlen(path) >= VSW_PATH_SIZE)
			return topo_fail(
			        topo, err, marks->nicsw[s].vf_socket_dir,
			        "nic switch '%s': vf socket path '%s' is too long, expected "
			        "at most %d bytes (shorten vf_socket_dir)",
			        sw->name, path, VSW_PATH_SIZE - 1);
		if (strcmp(path, topo->control_socket) == 0)
			return topo_fail(
			        topo, err, marks->nicsw[s].vf_socket_dir,
			        "nic switch '%s': vf%u's socket '%s' is the control socket, "
			        "expected another vf_socket_dir",
			        sw->name, vf, path);
	}
	return 0;
}

int
topo_validate_nicsws(const struct vsw_topo *topo, const struct topo_marks *marks,
                     struct vsw_errmsg *err)
{
	int ret;

	for (unsigned int s = 0; s < topo->n_nicsws; s++) {
		const struct vsw_topo_nicsw *sw = &topo->nicsws[s];

		for (unsigned int j = 0; j < s; j++) {
			if (strcmp(sw->name, topo->nicsws[j].name) == 0)
				return topo_fail(
				        topo, err, marks->nicsw[s].name,
				        "duplicate nic switch name '%s', expected unique names "
				        "(first at line %u)",
				        sw->name, marks->nicsw[j].name.line);
			if (strcmp(sw->pf, topo->nicsws[j].pf) == 0)
				return topo_fail(
				        topo, err, marks->nicsw[s].pf,
				        "nic switch '%s': duplicate pf '%s', expected unique "
				        "pfs (nic switch '%s' has it)",
				        sw->name, sw->pf, topo->nicsws[j].name);
		}
		ret = check_vf_sockets(topo, marks, s, err);
		if (ret == 0)
			ret = check_vports(topo, marks, s, err);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* `nic_switch:` names a switch of the file, and `device:` is not one's PF under another name. */
static int
check_port_uplink(struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
                  struct vsw_errmsg *err)
{
	struct vsw_topo_port *port = &topo->ports[i];
	const char *names[VSW_TOPO_NICSW_MAX];
	char prefix[PREFIX_SIZE];

	for (unsigned int s = 0; s < topo->n_nicsws; s++) {
		const struct vsw_topo_nicsw *sw = &topo->nicsws[s];

		names[s] = sw->name;
		if (port->nicsw[0] != '\0' && strcmp(port->nicsw, sw->name) == 0) {
			port->nicsw_index = s;
			return 0;
		}
		/* Two owners of one device: the switch's PF and a port opening it directly. */
		if (port->device[0] != '\0' && strcmp(port->device, sw->pf) == 0)
			return topo_fail(topo, err, marks->port[i].device,
			                 "port '%s': device '%s' is the pf of nic switch '%s', "
			                 "expected nic_switch: %s instead",
			                 port->name, port->device, sw->name, sw->name);
	}
	if (port->nicsw[0] == '\0')
		return 0;
	(void)snprintf(prefix, sizeof(prefix), "port '%s': ", port->name);
	return topo_fail_unknown(topo, err, marks->port[i].nicsw, prefix, "nic_switch", port->nicsw,
	                         names, topo->n_nicsws);
}

/* `vf:` needs a switch with that VF; which switch serves the port is decided when applied. */
static int
check_port_vf(const struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
              struct vsw_errmsg *err)
{
	const struct vsw_topo_port *port = &topo->ports[i];
	const struct vsw_topo_mark mark = marks->port[i].vf;
	char vf[16];
	unsigned int num_vfs_max = 0;

	if (port->vf_mode == VSW_TOPO_VF_NONE)
		return 0;
	if (port->vf_mode == VSW_TOPO_VF_AUTO)
		(void)snprintf(vf, sizeof(vf), "auto");
	else
		(void)snprintf(vf, sizeof(vf), "%u", port->vf_index);
	if (topo->n_nicsws == 0)
		return topo_fail(
		        topo, err, mark,
		        "port '%s': vf %s needs a nic switch, expected one in nic_switches",
		        port->name, vf);
	for (unsigned int s = 0; s < topo->n_nicsws; s++)
		if (topo->nicsws[s].num_vfs > num_vfs_max)
			num_vfs_max = topo->nicsws[s].num_vfs;
	if (num_vfs_max == 0)
		return topo_fail(topo, err, mark,
		                 "port '%s': vf %s needs a vf, expected a nic switch with num_vfs "
		                 "above 0",
		                 port->name, vf);
	if (port->vf_mode == VSW_TOPO_VF_INDEX && port->vf_index >= num_vfs_max)
		return topo_fail(
		        topo, err, mark,
		        "port '%s': vf %s is beyond every nic switch's vfs, expected 0..%u",
		        port->name, vf, num_vfs_max - 1);
	return 0;
}

int
topo_validate_port_nicsw(struct vsw_topo *topo, const struct topo_marks *marks, unsigned int i,
                         struct vsw_errmsg *err)
{
	const struct vsw_topo_port *port = &topo->ports[i];
	char path[VSW_PATH_SIZE * 2];
	int ret;

	ret = check_port_uplink(topo, marks, i, err);
	if (ret == 0)
		ret = check_port_vf(topo, marks, i, err);
	if (ret < 0 || port->vhost_path[0] == '\0')
		return ret;
	/* Both would be unix sockets of this daemon: the second bind would fail. */
	for (unsigned int s = 0; s < topo->n_nicsws; s++) {
		const struct vsw_topo_nicsw *sw = &topo->nicsws[s];

		for (unsigned int vf = 0; vf < sw->num_vfs; vf++) {
			if (vsw_topo_vf_socket_path(sw, vf, path, sizeof(path)) < 0 ||
			    strcmp(path, port->vhost_path) != 0)
				continue;
			return topo_fail(topo, err, marks->port[i].vhost_path,
			                 "port '%s': vhost.path '%s' is the socket of vf%u of nic "
			                 "switch '%s', expected another path",
			                 port->name, port->vhost_path, vf, sw->name);
		}
	}
	return 0;
}
