/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `show topology dot` (also spelt `show topology --dot`): the running topology as a Graphviz
 * graph, for `dot -Tsvg`. Nodes: the external port, the NIC switch with its VPorts and their
 * receive filters, the VF ports, the vSwitch and the VM NICs. Each VM NIC's edge to the
 * vSwitch names its data path (synthetic, attaching, vf, detaching) and, while it holds a VF,
 * another edge joins it to the VF's port (R-DP-5). Node ids are stable ("port:<name>",
 * "nicsw:<nic>", "vport:<nic>:<id>", "vswitch") so scripts and tests can look them up. Control
 * thread only.
 *
 * A daemon has at most one external port; when it has a NIC switch, that port is the PF's
 * wire (the topology binds it with nic_switch:), so the graph puts it in front of the switch.
 */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_ether.h>

#include "cli_priv.h"
#include "vsw/control.h"
#include "vsw/vm.h"

/* One label line; a port name or a path fits, longer text is cut. */
#define LINE_SIZE 320

struct topology_result {
	cmdline_fixed_string_t show;
	cmdline_fixed_string_t topology;
	cmdline_fixed_string_t format;
};

static cmdline_parse_token_string_t tok_show =
        TOKEN_STRING_INITIALIZER(struct topology_result, show, "show");
static cmdline_parse_token_string_t tok_topology =
        TOKEN_STRING_INITIALIZER(struct topology_result, topology, "topology");
static cmdline_parse_token_string_t tok_dot =
        TOKEN_STRING_INITIALIZER(struct topology_result, format, "dot#--dot");

/* Print @p s inside a DOT double-quoted string: quotes and backslashes escaped. */
static void
print_escaped(FILE *f, const char *s)
{
	char buf[2 * LINE_SIZE];
	size_t n = 0;

	for (; *s != '\0' && n + 2 < sizeof(buf); s++) {
		if (*s == '"' || *s == '\\')
			buf[n++] = '\\';
		buf[n++] = *s;
	}
	buf[n] = '\0';
	fprintf(f, "%s", buf);
}

/* A node: its id and its label's lines (NULL-terminated), then its attributes. */
static void
print_node(FILE *f, const char *id, const char *const *lines, const char *attrs)
{
	fprintf(f, "  \"");
	print_escaped(f, id);
	fprintf(f, "\" [label=\"");
	for (unsigned int i = 0; lines[i] != NULL; i++) {
		if (i > 0)
			fprintf(f, "\\n");
		print_escaped(f, lines[i]);
	}
	fprintf(f, "\"%s%s];\n", attrs[0] != '\0' ? ", " : "", attrs);
}

static void
print_edge(FILE *f, const char *a, const char *b, const char *label)
{
	fprintf(f, "  \"");
	print_escaped(f, a);
	fprintf(f, "\" -- \"");
	print_escaped(f, b);
	fprintf(f, "\" [label=\"");
	print_escaped(f, label);
	fprintf(f, "\"];\n");
}

static void
port_node(FILE *f, const struct vsw_port *p)
{
	char id[LINE_SIZE], kind[LINE_SIZE], dev[LINE_SIZE], where[LINE_SIZE], state[LINE_SIZE];
	char mac[RTE_ETHER_ADDR_FMT_SIZE] = "";
	char ethdev[RTE_ETH_NAME_MAX_LEN];
	const char *lines[7];
	unsigned int n = 0;

	snprintf(id, sizeof(id), "port:%s", p->name);
	snprintf(kind, sizeof(kind), "%s port", vsw_port_type_name(p->type));
	/* The ethdev name is what dpdk-dumpcap -i takes to capture this port. */
	if (p->eth_port_id == VSW_ETH_PORT_NONE)
		snprintf(dev, sizeof(dev), "no ethdev (vhost library)");
	else if (rte_eth_dev_get_name_by_port(p->eth_port_id, ethdev) == 0)
		snprintf(dev, sizeof(dev), "ethdev %u %s", p->eth_port_id, ethdev);
	else
		snprintf(dev, sizeof(dev), "ethdev %u ?", p->eth_port_id);
	if (p->vhost_path[0] != '\0')
		snprintf(where, sizeof(where), "vhost-user %s %s",
		         vsw_vhost_mode_name(p->vhost_mode), p->vhost_path);
	else if (p->netdev[0] != '\0')
		snprintf(where, sizeof(where), "netdev %s", p->netdev);
	else
		snprintf(where, sizeof(where), "%s", p->devargs);
	snprintf(state, sizeof(state), "link %s, nic %s", p->is_link_up ? "up" : "down",
	         vsw_nic_state_name(p->lc.nic_state));
	lines[n++] = p->name;
	lines[n++] = kind;
	if (p->has_mac) {
		rte_ether_format_addr(mac, sizeof(mac), (const struct rte_ether_addr *)p->mac);
		lines[n++] = mac;
	}
	lines[n++] = where;
	lines[n++] = dev;
	lines[n++] = state;
	lines[n] = NULL;
	print_node(f, id, lines,
	           p->type == VSW_PORT_EXTERNAL ? "shape=box, style=bold" : "shape=box");
}

static void
vport_node(FILE *f, const char *nic, const struct vsw_vport_info *v)
{
	char id[LINE_SIZE], title[LINE_SIZE], qps[LINE_SIZE];
	char filters[VSW_NICSW_FILTERS_PER_VPORT_MAX][LINE_SIZE];
	const char *lines[4 + VSW_NICSW_FILTERS_PER_VPORT_MAX];
	unsigned int n = 0;

	snprintf(id, sizeof(id), "vport:%s:%u", nic, v->vport_id);
	if (v->function == VSW_VPORT_VF)
		snprintf(title, sizeof(title), "VPort %u%s (vf%u)", v->vport_id,
		         v->is_default ? " default" : "", v->vf_index);
	else
		snprintf(title, sizeof(title), "VPort %u%s (pf)", v->vport_id,
		         v->is_default ? " default" : "");
	snprintf(qps, sizeof(qps), "%u queue pairs, %s", v->n_qps,
	         v->is_operational ? "operational" : "not operational");
	lines[n++] = title;
	lines[n++] = qps;
	for (uint16_t i = 0; i < v->n_filters; i++) {
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(mac, sizeof(mac),
		                      (const struct rte_ether_addr *)v->filters[i].mac);
		snprintf(filters[i], LINE_SIZE, "filter %u: %s vlan %u", v->filters[i].filter_id,
		         mac, v->filters[i].vlan);
		lines[n++] = filters[i];
	}
	lines[n] = NULL;
	print_node(f, id, lines, "shape=box, style=rounded");
}

/* A VF with no VPort yet still belongs to the NIC: a dashed edge shows it waiting. */
static void
vf_edges(FILE *f, const struct vsw_nicsw *sw, const struct vsw_nicsw_params *p, const char *nic_id)
{
	bool has_vport[VSW_NICSW_VFS_MAX] = {false};
	struct vsw_vport_info v;
	uint32_t iter = 0;
	char name[VSW_NAME_SIZE], id[LINE_SIZE];

	while (vsw_nicsw_vport_next(sw, &iter, &v))
		if (v.function == VSW_VPORT_VF && v.vf_index < VSW_NICSW_VFS_MAX)
			has_vport[v.vf_index] = true;
	for (uint16_t n = 0; n < p->num_vfs && n < VSW_NICSW_VFS_MAX; n++) {
		snprintf(name, sizeof(name), "%.20s-vf%u", p->name, n);
		if (has_vport[n] || vsw_ctl_port_find(name) == NULL)
			continue;
		snprintf(id, sizeof(id), "port:%s", name);
		fprintf(f, "  \"");
		print_escaped(f, nic_id);
		fprintf(f, "\" -- \"");
		print_escaped(f, id);
		fprintf(f, "\" [label=\"no VPort\", style=dashed];\n");
	}
}

/* The NIC switch as a cluster, its VPorts inside, and the edges to the ports they serve. */
static void
nicsw_graph(FILE *f, const struct vsw_nicsw *sw, const struct vsw_port *wire)
{
	struct vsw_nicsw_params p;
	struct vsw_vport_info v;
	uint32_t iter = 0;
	char id[LINE_SIZE], title[LINE_SIZE], vport[LINE_SIZE], vf_port[LINE_SIZE];
	const char *lines[] = {title, NULL};

	vsw_nicsw_params_get(sw, &p);
	snprintf(id, sizeof(id), "nicsw:%s", p.name);
	snprintf(title, sizeof(title), "NIC switch %s (emulated, %u VFs, %s)", p.name, p.num_vfs,
	         p.is_asymmetric ? "asymmetric" : "symmetric");
	fprintf(f, "  subgraph \"cluster_");
	print_escaped(f, p.name);
	fprintf(f, "\" {\n  style=dashed;\n");
	print_node(f, id, lines, "shape=component");
	while (vsw_nicsw_vport_next(sw, &iter, &v))
		vport_node(f, p.name, &v);
	fprintf(f, "  }\n");
	if (wire != NULL) {
		snprintf(vport, sizeof(vport), "port:%s", wire->name);
		print_edge(f, vport, id, "PF wire");
	}
	vf_edges(f, sw, &p, id);
	iter = 0;
	while (vsw_nicsw_vport_next(sw, &iter, &v)) {
		snprintf(vport, sizeof(vport), "vport:%s:%u", p.name, v.vport_id);
		print_edge(f, id, vport, "");
		if (v.is_default) {
			print_edge(f, vport, "vswitch", "default VPort");
		} else if (v.function == VSW_VPORT_VF) {
			char name[VSW_NAME_SIZE];

			snprintf(name, sizeof(name), "%.20s-vf%u", p.name, v.vf_index);
			if (vsw_ctl_port_find(name) == NULL)
				continue;
			snprintf(vf_port, sizeof(vf_port), "port:%s", name);
			print_edge(f, vport, vf_port, "VF");
		}
	}
}

/*
 * A VM adapter that holds a VF (R-DP-2): an edge to the VF's port, solid while the VF path
 * carries its traffic, dashed while it is attaching or detaching.
 */
static void
vm_vf_edge(FILE *f, const struct vsw_port *p, const struct vsw_vm_adapter *a)
{
	const struct vsw_nicsw *sw = vsw_ctl_nicsw(NULL);
	struct vsw_nicsw_params np;
	char vm[LINE_SIZE], vf[LINE_SIZE];

	if (a->vf == VSW_VM_VF_NONE || sw == NULL)
		return;
	vsw_nicsw_params_get(sw, &np);
	snprintf(vm, sizeof(vm), "port:%s", p->name);
	snprintf(vf, sizeof(vf), "port:%.20s-vf%u", np.name, a->vf);
	fprintf(f, "  \"");
	print_escaped(f, vm);
	fprintf(f, "\" -- \"");
	print_escaped(f, vf);
	fprintf(f, "\" [label=\"VF path (%s)\"%s];\n", vsw_vm_path_name(a->path),
	        a->path == VSW_VM_PATH_VF ? "" : ", style=dashed");
}

/* The edge of a VM NIC (or a host port) to the vSwitch names its data path. */
static const char *
port_path_label(const struct vsw_port *p, char *buf, size_t size)
{
	const struct vsw_vm_adapter *a;

	switch (p->type) {
	case VSW_PORT_SYNTHETIC:
		a = vsw_ctl_vm_get(p->index, NULL);
		snprintf(buf, size, "datapath: %s",
		         a != NULL ? vsw_vm_path_name(a->path) : "synthetic");
		return buf;
	case VSW_PORT_EMULATED:
		return "emulated NIC";
	case VSW_PORT_INTERNAL:
		return "host";
	case VSW_PORT_EXTERNAL:
		return "uplink";
	case VSW_PORT_VF:
		break;
	}
	return "";
}

static void
topology_graph(FILE *f)
{
	const struct vsw_nicsw *sw = vsw_ctl_nicsw(NULL);
	const struct vsw_port *wire = NULL;
	char id[LINE_SIZE], label[LINE_SIZE];
	const char *vswitch[] = {"vSwitch", NULL};

	fprintf(f, "graph vsw {\n  rankdir=LR;\n  node [fontsize=10];\n"
	           "  edge [fontsize=9];\n");
	print_node(f, "vswitch", vswitch, "shape=doublecircle");
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = vsw_ctl_port_get(i);
		const struct vsw_vm_adapter *vm;

		if (p == NULL)
			continue;
		port_node(f, p);
		if (p->type == VSW_PORT_EXTERNAL && sw != NULL) {
			wire = p;
			continue;
		}
		if (p->type == VSW_PORT_VF)
			continue; /* joined to its VPort by nicsw_graph() */
		snprintf(id, sizeof(id), "port:%s", p->name);
		print_edge(f, "vswitch", id, port_path_label(p, label, sizeof(label)));
		vm = p->type == VSW_PORT_SYNTHETIC ? vsw_ctl_vm_get(i, NULL) : NULL;
		if (vm != NULL)
			vm_vf_edge(f, p, vm);
	}
	if (sw != NULL)
		nicsw_graph(f, sw, wire);
	fprintf(f, "}\n");
}

/*
 * The graph is written to memory first: JSON mode sends it as one string, {"dot": "graph
 * vsw {...}"}, so that `vswctl --json` still answers one JSON object per command.
 */
static void
show_topology_parsed(void *parsed, struct cmdline *cl, void *data)
{
	char *dot = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&dot, &size);
	struct vsw_json j;

	RTE_SET_USED(parsed);
	RTE_SET_USED(data);
	if (f == NULL) {
		vsw_cli_error(cl, -ENOMEM, "show topology: out of memory");
		return;
	}
	topology_graph(f);
	if (fclose(f) != 0) {
		free(dot);
		vsw_cli_error(cl, -ENOMEM, "show topology: out of memory");
		return;
	}
	if (vsw_cli_is_json()) {
		vsw_json_begin(&j, cl);
		vsw_json_str(&j, "dot", dot);
		vsw_json_end(&j);
	} else {
		cmdline_printf(cl, "%s", dot);
	}
	free(dot);
}

static cmdline_parse_inst_t cmd_show_topology = {
        .f = show_topology_parsed,
        .help_str = "show topology dot: the running topology as a Graphviz graph (also --dot)",
        .tokens = {(void *)&tok_show, (void *)&tok_topology, (void *)&tok_dot, NULL},
};

cmdline_parse_inst_t *vsw_cli_topology_cmds[] = {
        &cmd_show_topology,
        NULL,
};
