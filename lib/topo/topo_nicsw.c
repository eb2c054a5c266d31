/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology parser, `nic_switches:` (include/vsw/topo.h): each NIC switch, its queue-pair pool,
 * and its VPorts with their receive filters, read into struct vsw_topo_nicsw in the words of
 * struct vsw_nicsw_params and struct vsw_vport_params so that applying them is a copy. What
 * depends on one mapping only (a key that only the emulated backend takes, default_vport within
 * total) is checked here; what depends on several VPorts or switches (ids, VFs, the pool, filter
 * pairs) in topo_validate_nicsw.c. Control thread and tests; no DPDK.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "topo_priv.h"
#include "topo_yaml.h"
#include "vsw/nicsw.h"
#include "vsw/topo.h"

enum {
	NICSW_NAME,
	NICSW_BACKEND,
	NICSW_PF,
	NICSW_NUM_VFS,
	NICSW_QPS,
	NICSW_ASYMMETRIC,
	NICSW_VF_SOCKET_DIR,
	NICSW_VPORTS,
	NICSW_VF_NETDEVS,
	NICSW_N
};
static const char *const nicsw_keys[NICSW_N] = {"name",          "backend",     "pf",
                                                "num_vfs",       "queue_pairs", "asymmetric",
                                                "vf_socket_dir", "vports",      "vf_netdevs"};
enum { QPS_TOTAL, QPS_DEFAULT, QPS_N };
static const char *const qps_keys[QPS_N] = {"total", "default_vport"};
enum {
	VPORT_ID,
	VPORT_FUNCTION,
	VPORT_QPS,
	VPORT_MODERATION,
	VPORT_OPERATIONAL,
	VPORT_FILTERS,
	VPORT_VF_NETDEV,
	VPORT_N
};
static const char *const vport_keys[VPORT_N] = {
        "id",          "function", "queue_pairs", "interrupt_moderation",
        "operational", "filters",  "vf_netdev"};
enum { FILTER_MAC, FILTER_VLAN, FILTER_N };
static const char *const filter_keys[FILTER_N] = {"mac", "vlan"};

static_assert(NICSW_N <= TOPO_MAP_KEYS_MAX, "struct topo_map too small for a nic switch");

static int
parse_filter(struct topo_parse *p, const yaml_node_t *node, unsigned int idx,
             struct vsw_topo_filter *filter)
{
	struct topo_map m = {.section = " in filter",
	                     .names = filter_keys,
	                     .n_names = FILTER_N,
	                     .required = 1u << FILTER_MAC};
	unsigned long vlan = 0;
	char field[32];
	int ret;

	(void)snprintf(field, sizeof(field), "filters[%u]", idx);
	ret = topo_map_read(p, node, field, &m);
	if (ret == 0 && m.values[FILTER_MAC] != NULL)
		ret = topo_get_mac(p, m.values[FILTER_MAC], filter->mac);
	if (ret == 0 && m.values[FILTER_VLAN] != NULL)
		ret = topo_get_uint(p, m.values[FILTER_VLAN], "vlan", 0, VSW_NICSW_VLAN_MAX, &vlan);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	filter->vlan = (uint16_t)vlan;
	return ret;
}

static int
parse_filters(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_vport *vport,
              struct topo_vport_marks *vm)
{
	unsigned int n;
	int ret;

	ret = topo_expect(p, node, YAML_SEQUENCE_NODE, "filters");
	if (ret < 0)
		return ret;
	n = topo_seq_len(node);
	if (n > VSW_TOPO_FILTERS_MAX)
		return topo_node_fail(p, topo_seq_item(p, node, VSW_TOPO_FILTERS_MAX),
		                      "filters has %u filters, expected at most %d", n,
		                      VSW_TOPO_FILTERS_MAX);
	for (unsigned int i = 0; i < n; i++) {
		const yaml_node_t *item = topo_seq_item(p, node, i);

		vm->filters[i] = topo_node_mark(item);
		ret = parse_filter(p, item, i, &vport->filters[i]);
		if (ret < 0)
			return ret;
	}
	vport->n_filters = n;
	return 0;
}

/* "pf" or "vf<n>"; whether VF n exists is checked against num_vfs later. */
static int
parse_function(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_vport *vport)
{
	unsigned long index;
	const char *s;
	int ret = topo_get_string(p, node, "function", &s);

	if (ret < 0)
		return ret;
	if (strcmp(s, "pf") == 0) {
		vport->function = VSW_VPORT_PF;
		return 0;
	}
	if (strncmp(s, "vf", 2) != 0 || topo_uint_parse(s + 2, VSW_NICSW_VFS_MAX - 1, &index) < 0)
		return topo_node_fail(p, node, "invalid function '%s', expected pf or vf0..vf%d", s,
		                      VSW_NICSW_VFS_MAX - 1);
	vport->function = VSW_VPORT_VF;
	vport->vf_index = (uint16_t)index;
	return 0;
}

static int
parse_moderation(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_vport *vport)
{
	struct vsw_vport_moderation *mod = &vport->moderation;
	unsigned long rate;
	const char *s;
	int ret = topo_get_string(p, node, "interrupt_moderation", &s);

	if (ret < 0)
		return ret;
	if (strcmp(s, "adaptive") == 0) {
		mod->mode = VSW_VPORT_MOD_ADAPTIVE;
	} else if (strcmp(s, "off") == 0) {
		mod->mode = VSW_VPORT_MOD_OFF;
	} else if (topo_uint_parse(s, VSW_NICSW_INTR_RATE_MAX, &rate) == 0 && rate > 0) {
		mod->mode = VSW_VPORT_MOD_RATE;
		mod->rate_per_s = (uint32_t)rate;
	} else {
		return topo_node_fail(
		        p, node,
		        "invalid interrupt_moderation '%s', expected adaptive, off or an "
		        "integer 1..%d",
		        s, VSW_NICSW_INTR_RATE_MAX);
	}
	return 0;
}

/* Messages about a VPort start with its id when the id is valid, else with its index. */
static void
set_vport_prefix(struct topo_parse *p, const yaml_node_t *node, const char *outer, unsigned int idx)
{
	for (const yaml_node_pair_t *pair = node->data.mapping.pairs.start;
	     pair < node->data.mapping.pairs.top; pair++) {
		const yaml_node_t *key = topo_node_get(p, pair->key);
		const yaml_node_t *value = topo_node_get(p, pair->value);
		unsigned long id;

		if (key->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)key->data.scalar.value, "id") != 0)
			continue;
		if (value->type == YAML_SCALAR_NODE &&
		    topo_uint_parse((const char *)value->data.scalar.value, VSW_TOPO_VPORT_ID_MAX,
		                    &id) == 0 &&
		    id > 0) {
			(void)snprintf(p->prefix, sizeof(p->prefix), "%svport %lu: ", outer, id);
			return;
		}
		break;
	}
	(void)snprintf(p->prefix, sizeof(p->prefix), "%svports[%u]: ", outer, idx);
}

/*
 * A VF shown to its VM as a kernel interface (QEMU backs an emulated PCI NIC with it, which a
 * guest's net_failover accepts as primary) instead of a vhost-user socket.
 */
static int
parse_vf_netdev(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_vport *vport)
{
	const char *s;
	int ret;

	if (vport->function != VSW_VPORT_VF)
		return topo_node_fail(p, node,
		                      "vf_netdev is for a VF's vport, this one is on the pf");
	ret = topo_get_string(p, node, "vf_netdev", &s);
	if (ret < 0)
		return ret;
	ret = topo_netdev_check(s);
	if (ret < 0)
		return topo_node_fail(p, node,
		                      "invalid vf_netdev '%s', expected an interface name of at "
		                      "most %d letters, digits, '-', '_' or '.'",
		                      s, VSW_TOPO_NETDEV_SIZE - 1);
	memcpy(vport->vf_netdev, s, strlen(s) + 1);
	return 0;
}

static int
parse_vport(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_vport *vport,
            struct topo_vport_marks *vm)
{
	struct topo_map m = {.section = " in vport",
	                     .names = vport_keys,
	                     .n_names = VPORT_N,
	                     .required = 1u << VPORT_ID | 1u << VPORT_FUNCTION};
	unsigned long value = 1;
	int ret;

	vport->mark = topo_node_mark(node);
	vm->n_qps = vport->mark;
	vport->moderation.mode = VSW_VPORT_MOD_ADAPTIVE;
	ret = topo_map_read(p, node, "vport", &m);
	if (ret == 0 && m.values[VPORT_ID] != NULL) {
		vm->id = topo_node_mark(m.values[VPORT_ID]);
		ret = topo_get_uint(p, m.values[VPORT_ID], "id", 1, VSW_TOPO_VPORT_ID_MAX, &value);
		vport->vport_id = (uint16_t)value;
	}
	if (ret == 0 && m.values[VPORT_FUNCTION] != NULL) {
		vm->function = topo_node_mark(m.values[VPORT_FUNCTION]);
		ret = parse_function(p, m.values[VPORT_FUNCTION], vport);
	}
	value = 1;
	if (ret == 0 && m.values[VPORT_QPS] != NULL) {
		vm->n_qps = topo_node_mark(m.values[VPORT_QPS]);
		ret = topo_get_uint(p, m.values[VPORT_QPS], "queue_pairs", 1, VSW_NICSW_QPS_MAX,
		                    &value);
	}
	vport->n_qps = (uint16_t)value;
	if (ret == 0 && m.values[VPORT_MODERATION] != NULL)
		ret = parse_moderation(p, m.values[VPORT_MODERATION], vport);
	if (ret == 0 && m.values[VPORT_OPERATIONAL] != NULL)
		ret = topo_get_bool(p, m.values[VPORT_OPERATIONAL], "operational",
		                    &vport->is_operational);
	if (ret == 0 && m.values[VPORT_FILTERS] != NULL)
		ret = parse_filters(p, m.values[VPORT_FILTERS], vport, vm);
	if (ret == 0 && m.values[VPORT_VF_NETDEV] != NULL)
		ret = parse_vf_netdev(p, m.values[VPORT_VF_NETDEV], vport);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	return ret;
}

static int
parse_vports(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_nicsw *sw,
             struct topo_nicsw_marks *nm)
{
	char outer[sizeof(p->prefix)];
	char field[32];
	unsigned int n;
	int ret;

	ret = topo_expect(p, node, YAML_SEQUENCE_NODE, "vports");
	if (ret < 0)
		return ret;
	n = topo_seq_len(node);
	if (n > VSW_TOPO_VPORTS_MAX)
		return topo_node_fail(p, topo_seq_item(p, node, VSW_TOPO_VPORTS_MAX),
		                      "vports has %u vports, expected at most %d", n,
		                      VSW_TOPO_VPORTS_MAX);
	memcpy(outer, p->prefix, sizeof(outer));
	for (unsigned int i = 0; i < n; i++) {
		const yaml_node_t *item = topo_seq_item(p, node, i);

		(void)snprintf(field, sizeof(field), "vports[%u]", i);
		ret = topo_expect(p, item, YAML_MAPPING_NODE, field);
		if (ret < 0)
			return ret;
		set_vport_prefix(p, item, outer, i);
		ret = parse_vport(p, item, &sw->vports[i], &nm->vport[i]);
		if (ret < 0)
			return ret;
	}
	memcpy(p->prefix, outer, sizeof(outer));
	sw->n_vports = n;
	return 0;
}

static int
parse_qps(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_nicsw *sw,
          struct topo_nicsw_marks *nm)
{
	struct topo_map m = {.section = " in queue_pairs",
	                     .names = qps_keys,
	                     .n_names = QPS_N,
	                     .required = 1u << QPS_TOTAL};
	unsigned long total = 1;
	unsigned long value = 1;
	int ret;

	nm->qp_default = topo_node_mark(node);
	ret = topo_map_read(p, node, "queue_pairs", &m);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	if (ret == 0)
		ret = topo_get_uint(p, m.values[QPS_TOTAL], "queue_pairs.total", 1,
		                    VSW_NICSW_QPS_MAX, &total);
	if (ret < 0)
		return ret;
	sw->qp_total = (uint16_t)total;
	/* The default VPort always exists (R-VP-2): it needs at least one queue pair. */
	if (m.values[QPS_DEFAULT] != NULL) {
		nm->qp_default = topo_node_mark(m.values[QPS_DEFAULT]);
		ret = topo_get_uint(p, m.values[QPS_DEFAULT], "queue_pairs.default_vport", 1, total,
		                    &value);
	}
	sw->qp_default = (uint16_t)value;
	return ret;
}

/* The emulated backend's VF sockets; a trailing '/' would double in every socket path. */
static int
parse_vf_socket_dir(struct topo_parse *p, const struct topo_map *m, struct vsw_topo_nicsw *sw,
                    struct topo_nicsw_marks *nm)
{
	const yaml_node_t *node = m->values[NICSW_VF_SOCKET_DIR];
	size_t len;
	int ret;

	if (node == NULL) {
		if (sw->backend == VSW_NICSW_BACKEND_EMULATED)
			memcpy(sw->vf_socket_dir, VSW_TOPO_VF_SOCKET_DIR_DEFAULT,
			       sizeof(VSW_TOPO_VF_SOCKET_DIR_DEFAULT));
		return 0;
	}
	nm->vf_socket_dir = topo_node_mark(node);
	if (sw->backend != VSW_NICSW_BACKEND_EMULATED)
		return topo_node_fail(
		        p, node,
		        "unexpected key 'vf_socket_dir', expected it only with backend "
		        "emulated");
	ret = topo_copy_path(p, node, "vf_socket_dir", sw->vf_socket_dir);
	if (ret < 0)
		return ret;
	for (len = strlen(sw->vf_socket_dir); len > 1 && sw->vf_socket_dir[len - 1] == '/'; len--)
		sw->vf_socket_dir[len - 1] = '\0';
	return 0;
}

/*
 * VF n shown as the n-th kernel interface (a VM's net_failover primary), whether or not the
 * topology gives it a VPort: VM adapters get VPorts on such VFs at run time.
 */
static int
parse_vf_netdevs(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_nicsw *sw)
{
	unsigned int n;
	int ret;

	if (sw->backend != VSW_NICSW_BACKEND_EMULATED)
		return topo_node_fail(p, node,
		                      "unexpected key 'vf_netdevs', expected it only with backend "
		                      "emulated");
	ret = topo_expect(p, node, YAML_SEQUENCE_NODE, "vf_netdevs");
	if (ret < 0)
		return ret;
	n = topo_seq_len(node);
	if (n > sw->num_vfs)
		return topo_node_fail(p, node,
		                      "vf_netdevs has %u names, expected at most num_vfs (%u)", n,
		                      sw->num_vfs);
	for (unsigned int i = 0; i < n; i++) {
		const yaml_node_t *item = topo_seq_item(p, node, i);
		const char *s;

		ret = topo_get_string(p, item, "vf_netdevs", &s);
		if (ret < 0)
			return ret;
		if (topo_netdev_check(s) < 0)
			return topo_node_fail(
			        p, item,
			        "invalid vf_netdevs name '%s', expected an interface name "
			        "of at most %d letters, digits, '-', '_' or '.'",
			        s, VSW_TOPO_NETDEV_SIZE - 1);
		memcpy(sw->vf_netdevs[i], s, strlen(s) + 1);
	}
	sw->n_vf_netdevs = n;
	return 0;
}

/* backend and pf, which the rest of the switch depends on. */
static int
parse_backend_pf(struct topo_parse *p, const struct topo_map *m, struct vsw_topo_nicsw *sw,
                 struct topo_nicsw_marks *nm)
{
	const char *s;
	int ret = 0;

	if (m->values[NICSW_BACKEND] != NULL) {
		ret = topo_get_string(p, m->values[NICSW_BACKEND], "backend", &s);
		if (ret == 0 && topo_nicsw_backend_parse(s, &sw->backend) < 0)
			ret = topo_node_fail(p, m->values[NICSW_BACKEND],
			                     "unknown backend '%s', expected emulated or flow", s);
	}
	if (ret == 0 && m->values[NICSW_PF] != NULL) {
		nm->pf = topo_node_mark(m->values[NICSW_PF]);
		ret = topo_copy_string(p, m->values[NICSW_PF], "pf", sw->pf, sizeof(sw->pf));
		if (ret == 0 && sw->pf[0] == '\0')
			ret = topo_node_fail(
			        p, m->values[NICSW_PF],
			        "pf is empty, expected a pci address or a vdev string");
	}
	return ret;
}

static int
parse_nicsw(struct topo_parse *p, const yaml_node_t *node, unsigned int idx)
{
	struct topo_map m = {.section = "",
	                     .names = nicsw_keys,
	                     .n_names = NICSW_N,
	                     .required = 1u << NICSW_NAME | 1u << NICSW_BACKEND | 1u << NICSW_PF |
	                                 1u << NICSW_QPS};
	struct vsw_topo_nicsw *sw = &p->topo->nicsws[idx];
	struct topo_nicsw_marks *nm = &p->marks.nicsw[idx];
	unsigned long num_vfs = 0;
	char field[32];
	int ret;

	(void)snprintf(field, sizeof(field), "nic_switches[%u]", idx);
	ret = topo_expect(p, node, YAML_MAPPING_NODE, field);
	if (ret < 0)
		return ret;
	topo_set_prefix(p, node, "", "nic switch", "nic_switches", idx);
	sw->mark = topo_node_mark(node);
	nm->vf_socket_dir = sw->mark;
	ret = topo_map_read(p, node, field, &m);
	if (ret == 0 && m.values[NICSW_NAME] != NULL) {
		nm->name = topo_node_mark(m.values[NICSW_NAME]);
		ret = topo_get_name(p, m.values[NICSW_NAME], "nic switch", sw->name);
	}
	if (ret == 0)
		ret = parse_backend_pf(p, &m, sw, nm);
	if (ret == 0 && m.values[NICSW_NUM_VFS] != NULL)
		ret = topo_get_uint(p, m.values[NICSW_NUM_VFS], "num_vfs", 0, VSW_NICSW_VFS_MAX,
		                    &num_vfs);
	sw->num_vfs = (uint16_t)num_vfs;
	if (ret == 0 && m.values[NICSW_QPS] != NULL)
		ret = parse_qps(p, m.values[NICSW_QPS], sw, nm);
	if (ret == 0 && m.values[NICSW_ASYMMETRIC] != NULL)
		ret = topo_get_bool(p, m.values[NICSW_ASYMMETRIC], "asymmetric",
		                    &sw->is_asymmetric);
	if (ret == 0)
		ret = parse_vf_socket_dir(p, &m, sw, nm);
	if (ret == 0 && m.values[NICSW_VPORTS] != NULL)
		ret = parse_vports(p, m.values[NICSW_VPORTS], sw, nm);
	if (ret == 0 && m.values[NICSW_VF_NETDEVS] != NULL)
		ret = parse_vf_netdevs(p, m.values[NICSW_VF_NETDEVS], sw);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	return ret;
}

int
topo_parse_nicsws(struct topo_parse *p, const yaml_node_t *node)
{
	return topo_parse_list(p, node, "nic_switches", "nic switches", VSW_TOPO_NICSW_MAX,
	                       parse_nicsw, &p->topo->n_nicsws);
}
