/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology parser, `ports:` and `mirrors:` (include/vsw/topo.h). Each port's keys are read in
 * one fixed order whatever their order in the file, each by its own reader that also records
 * the value's mark; what a key means for a port type (`vhost` only on synthetic ports, ...) and
 * whether a mirror's ports exist are checked later, in topo_validate.c, once every port is
 * known. Port defaults that depend on the type (VLAN mode, MAC spoof, DHCP and router guards) are
 * filled here.
 * Control thread and tests; no DPDK.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "topo_priv.h"
#include "topo_yaml.h"
#include "vsw/topo.h"
#include "vsw/vlan.h"

enum {
	PORT_NAME,
	PORT_TYPE,
	PORT_DEVICE,
	PORT_MAC,
	PORT_MACS,
	PORT_VHOST,
	PORT_VLAN,
	PORT_SECURITY,
	PORT_VF,
	PORT_VF_PRIORITY,
	PORT_NICSW,
	PORT_NETDEV,
	PORT_ANNOUNCE,
	PORT_N
};
static const char *const port_keys[PORT_N] = {"name",
                                              "type",
                                              "device",
                                              "mac",
                                              "macs",
                                              "vhost",
                                              "vlan",
                                              "security",
                                              "vf",
                                              "vf_priority",
                                              "nic_switch",
                                              "netdev",
                                              "announce_on_connect"};
enum { VHOST_PATH, VHOST_MODE, VHOST_ETHDEV, VHOST_N };
static const char *const vhost_keys[VHOST_N] = {"path", "mode", "ethdev"};
enum { VLAN_MODE, VLAN_ID, VLAN_ALLOWED, VLAN_NATIVE, VLAN_N };
static const char *const vlan_keys[VLAN_N] = {"mode", "id", "allowed", "native"};
enum {
	SECURITY_MAC_SPOOF_GUARD,
	SECURITY_DHCP_SERVER,
	SECURITY_ROUTER,
	SECURITY_STORM_PPS,
	SECURITY_N
};
static const char *const security_keys[SECURITY_N] = {"mac_spoof_guard", "dhcp_server", "router",
                                                      "storm_pps"};
enum { MIRROR_NAME, MIRROR_SOURCE, MIRROR_DESTINATION, MIRROR_DIRECTION, MIRROR_N };
static const char *const mirror_keys[MIRROR_N] = {"name", "source", "destination", "direction"};

static_assert(PORT_N <= TOPO_MAP_KEYS_MAX, "struct topo_map too small for a port");

/* Reads the value of one port key into the port and its mark into the port's marks. */
typedef int (*port_key_fn)(struct topo_parse *p, const yaml_node_t *node,
                           struct vsw_topo_port *port, struct topo_port_marks *pm);

static int
port_name(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
          struct topo_port_marks *pm)
{
	pm->name = topo_node_mark(node);
	return topo_get_name(p, node, "port", port->name);
}

static int
port_type(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
          struct topo_port_marks *pm)
{
	const char *s;
	int ret = topo_get_string(p, node, "type", &s);

	(void)pm;
	if (ret < 0)
		return ret;
	if (topo_port_type_parse(s, &port->type) < 0)
		return topo_node_fail(p, node,
		                      "unknown port type '%s', expected external, synthetic, "
		                      "internal or emulated",
		                      s);
	return 0;
}

static int
port_device(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
            struct topo_port_marks *pm)
{
	int ret = topo_copy_string(p, node, "device", port->device, sizeof(port->device));

	pm->device = topo_node_mark(node);
	if (ret < 0)
		return ret;
	if (port->device[0] == '\0')
		return topo_node_fail(p, node,
		                      "device is empty, expected a pci address or a vdev string");
	return 0;
}

static int
port_mac(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
         struct topo_port_marks *pm)
{
	pm->mac = topo_node_mark(node);
	pm->macs[0] = pm->mac;
	port->n_macs = 1;
	return topo_get_mac(p, node, port->macs[0]);
}

static int
port_macs(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
          struct topo_port_marks *pm)
{
	char mac[TOPO_MAC_STR_SIZE];
	unsigned int n;
	int ret;

	/* PORT_MAC is read first: a mac seen means both keys were given. */
	if (port->n_macs != 0)
		return topo_node_fail(p, node, "both mac and macs given, expected one of them");
	ret = topo_expect(p, node, YAML_SEQUENCE_NODE, "macs");
	if (ret < 0)
		return ret;
	pm->mac = topo_node_mark(node);
	n = topo_seq_len(node);
	if (n == 0)
		return topo_node_fail(p, node, "macs is empty, expected at least one mac");
	if (n > VSW_TOPO_MACS_MAX)
		return topo_node_fail(p, node, "macs has %u macs, expected at most %d", n,
		                      VSW_TOPO_MACS_MAX);
	for (unsigned int i = 0; i < n; i++) {
		const yaml_node_t *item = topo_seq_item(p, node, i);

		pm->macs[i] = topo_node_mark(item);
		ret = topo_get_mac(p, item, port->macs[i]);
		if (ret < 0)
			return ret;
		for (unsigned int j = 0; j < i; j++) {
			if (memcmp(port->macs[i], port->macs[j], 6) != 0)
				continue;
			topo_mac_format(port->macs[i], mac);
			return topo_node_fail(
			        p, item, "duplicate mac %s in macs, expected distinct macs", mac);
		}
	}
	port->n_macs = n;
	return 0;
}

static int
port_vhost(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
           struct topo_port_marks *pm)
{
	struct topo_map m = {.section = " in vhost",
	                     .names = vhost_keys,
	                     .n_names = VHOST_N,
	                     .required = 1u << VHOST_PATH};
	const char *s;
	int ret;

	pm->vhost = topo_node_mark(node);
	ret = topo_map_read(p, node, "vhost", &m);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	if (ret < 0)
		return ret;
	pm->vhost_path = topo_node_mark(m.values[VHOST_PATH]);
	ret = topo_copy_path(p, m.values[VHOST_PATH], "vhost.path", port->vhost_path);
	if (ret == 0 && m.values[VHOST_ETHDEV] != NULL)
		ret = topo_get_bool(p, m.values[VHOST_ETHDEV], "vhost.ethdev",
		                    &port->has_vhost_ethdev);
	if (ret < 0 || m.values[VHOST_MODE] == NULL)
		return ret;
	ret = topo_get_string(p, m.values[VHOST_MODE], "vhost.mode", &s);
	if (ret < 0)
		return ret;
	if (topo_vhost_mode_parse(s, &port->vhost_mode) < 0)
		return topo_node_fail(p, m.values[VHOST_MODE],
		                      "invalid vhost.mode '%s', expected server or client", s);
	return 0;
}

static void
vlan_allow(struct vsw_vlan_cfg *cfg, unsigned int id)
{
	cfg->allowed[id / 64] |= UINT64_C(1) << (id % 64);
}

/* `allowed: all`, or a list of distinct ids 1..4094 (0 is the untagged domain, not a tag). */
static int
vlan_allowed(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_vlan *vlan)
{
	unsigned long id;
	unsigned int n;
	int ret;

	if (node->type == YAML_SCALAR_NODE && !topo_is_null(node)) {
		const char *s = (const char *)node->data.scalar.value;

		if (strcmp(s, "all") != 0)
			return topo_node_fail(
			        p, node,
			        "invalid vlan.allowed '%s', expected a list of vlan ids or all", s);
		vlan->is_all = true;
		for (unsigned int v = 1; v <= VSW_VLAN_ID_MAX; v++)
			vlan_allow(&vlan->cfg, v);
		return 0;
	}
	ret = topo_expect(p, node, YAML_SEQUENCE_NODE, "vlan.allowed");
	if (ret < 0)
		return ret;
	n = topo_seq_len(node);
	if (n == 0)
		return topo_node_fail(
		        p, node, "vlan.allowed is empty, expected at least one vlan id or all");
	for (unsigned int i = 0; i < n; i++) {
		const yaml_node_t *item = topo_seq_item(p, node, i);

		ret = topo_get_uint(p, item, "vlan.allowed", 1, VSW_VLAN_ID_MAX, &id);
		if (ret < 0)
			return ret;
		if (vsw_vlan_is_allowed(&vlan->cfg, (uint16_t)id))
			return topo_node_fail(
			        p, item,
			        "duplicate vlan %lu in vlan.allowed, expected distinct vlan ids",
			        id);
		vlan_allow(&vlan->cfg, (unsigned int)id);
	}
	return 0;
}

/* Keys of one mode given with the other: refused rather than silently ignored. */
static int
vlan_mode_keys(struct topo_parse *p, const struct topo_map *m)
{
	static const char *const mode_names[] = {
	        [VSW_VLAN_ACCESS] = "access", [VSW_VLAN_TRUNK] = "trunk"};
	const enum vsw_vlan_mode mode_of_key[VLAN_N] = {[VLAN_ID] = VSW_VLAN_ACCESS,
	                                                [VLAN_ALLOWED] = VSW_VLAN_TRUNK,
	                                                [VLAN_NATIVE] = VSW_VLAN_TRUNK};
	const char *mode = (const char *)m->values[VLAN_MODE]->data.scalar.value;

	for (unsigned int i = VLAN_ID; i < VLAN_N; i++)
		if (m->values[i] != NULL && strcmp(mode, mode_names[mode_of_key[i]]) != 0)
			return topo_node_fail(p, m->values[i],
			                      "unexpected key '%s' in vlan, expected it only with "
			                      "mode %s",
			                      vlan_keys[i], mode_names[mode_of_key[i]]);
	return 0;
}

static int
port_vlan(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
          struct topo_port_marks *pm)
{
	struct topo_map m = {.section = " in vlan",
	                     .names = vlan_keys,
	                     .n_names = VLAN_N,
	                     .required = 1u << VLAN_MODE};
	struct vsw_topo_vlan *vlan = &port->vlan;
	unsigned long id = 0;
	const char *s = "";
	int ret;

	pm->vlan = topo_node_mark(node);
	ret = topo_map_read(p, node, "vlan", &m);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	if (ret == 0)
		ret = topo_get_string(p, m.values[VLAN_MODE], "vlan.mode", &s);
	if (ret < 0)
		return ret;
	if (strcmp(s, "access") != 0 && strcmp(s, "trunk") != 0)
		return topo_node_fail(p, m.values[VLAN_MODE],
		                      "invalid vlan.mode '%s', expected access or trunk", s);
	ret = vlan_mode_keys(p, &m);
	if (ret < 0)
		return ret;
	if (strcmp(s, "access") == 0) {
		vlan->cfg.mode = VSW_VLAN_ACCESS;
		if (m.values[VLAN_ID] != NULL)
			ret = topo_get_uint(p, m.values[VLAN_ID], "vlan.id", 0, VSW_VLAN_ID_MAX,
			                    &id);
		vlan->cfg.id = (uint16_t)id;
		return ret;
	}
	vlan->cfg.mode = VSW_VLAN_TRUNK;
	if (m.values[VLAN_ALLOWED] == NULL)
		return topo_node_fail(
		        p, node,
		        "missing key 'allowed' in vlan, expected a list of vlan ids or "
		        "all for a trunk");
	ret = vlan_allowed(p, m.values[VLAN_ALLOWED], vlan);
	if (ret == 0 && m.values[VLAN_NATIVE] != NULL)
		ret = topo_get_uint(p, m.values[VLAN_NATIVE], "vlan.native", 0, VSW_VLAN_ID_MAX,
		                    &id);
	vlan->cfg.native = (uint16_t)id;
	return ret;
}

static int
port_security(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
              struct topo_port_marks *pm)
{
	struct topo_map m = {
	        .section = " in security", .names = security_keys, .n_names = SECURITY_N};
	struct vsw_topo_security *sec = &port->security;
	const yaml_node_t *const *v = m.values;
	unsigned long pps;
	int ret;

	ret = topo_map_read(p, node, "security", &m);
	if (ret == 0 && v[SECURITY_MAC_SPOOF_GUARD] != NULL) {
		pm->mac_spoof_guard = topo_node_mark(v[SECURITY_MAC_SPOOF_GUARD]);
		ret = topo_get_bool(p, v[SECURITY_MAC_SPOOF_GUARD], "security.mac_spoof_guard",
		                    &sec->has_mac_spoof_guard);
	}
	if (ret == 0 && v[SECURITY_DHCP_SERVER] != NULL) {
		pm->dhcp_server = topo_node_mark(v[SECURITY_DHCP_SERVER]);
		ret = topo_get_bool(p, v[SECURITY_DHCP_SERVER], "security.dhcp_server",
		                    &sec->is_dhcp_server_allowed);
	}
	if (ret == 0 && v[SECURITY_ROUTER] != NULL) {
		pm->router = topo_node_mark(v[SECURITY_ROUTER]);
		ret = topo_get_bool(p, v[SECURITY_ROUTER], "security.router",
		                    &sec->is_router_allowed);
	}
	if (ret == 0 && v[SECURITY_STORM_PPS] != NULL) {
		ret = topo_get_uint(p, v[SECURITY_STORM_PPS], "security.storm_pps", 0,
		                    VSW_TOPO_STORM_PPS_MAX, &pps);
		sec->storm_pps = (uint32_t)pps;
	}
	return ret;
}

static int
port_vf(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
        struct topo_port_marks *pm)
{
	unsigned long index;
	const char *s;
	int ret = topo_get_string(p, node, "vf", &s);

	pm->vf = topo_node_mark(node);
	if (ret < 0)
		return ret;
	if (strcmp(s, "none") == 0) {
		port->vf_mode = VSW_TOPO_VF_NONE;
	} else if (strcmp(s, "auto") == 0) {
		port->vf_mode = VSW_TOPO_VF_AUTO;
	} else if (topo_uint_parse(s, VSW_TOPO_VF_INDEX_MAX, &index) == 0) {
		port->vf_mode = VSW_TOPO_VF_INDEX;
		port->vf_index = (uint16_t)index;
	} else {
		return topo_node_fail(p, node,
		                      "invalid vf '%s', expected none, auto or an integer 0..%d", s,
		                      VSW_TOPO_VF_INDEX_MAX);
	}
	return 0;
}

static int
port_vf_priority(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
                 struct topo_port_marks *pm)
{
	unsigned long prio;
	int ret = topo_get_uint(p, node, "vf_priority", 0, VSW_TOPO_VF_PRIORITY_MAX, &prio);

	pm->vf_priority = topo_node_mark(node);
	if (ret == 0)
		port->vf_priority = (uint16_t)prio;
	return ret;
}

static int
port_nicsw(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
           struct topo_port_marks *pm)
{
	const char *s;
	int ret = topo_get_string(p, node, "nic_switch", &s);

	pm->nicsw = topo_node_mark(node);
	if (ret < 0)
		return ret;
	/* Any other string would be reported as an unknown switch: say what is wrong with it. */
	if (topo_name_check(s) < 0)
		return topo_node_fail(p, node,
		                      "invalid nic_switch '%s', expected a nic switch name", s);
	memcpy(port->nicsw, s, strlen(s) + 1);
	return 0;
}

static int
port_netdev(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
            struct topo_port_marks *pm)
{
	const char *s;
	int ret = topo_get_string(p, node, "netdev", &s);

	pm->netdev = topo_node_mark(node);
	if (ret < 0)
		return ret;
	ret = topo_netdev_check(s);
	if (ret == -ENAMETOOLONG)
		return topo_node_fail(p, node,
		                      "netdev '%s' is too long, expected at most %d characters", s,
		                      VSW_TOPO_NETDEV_SIZE - 1);
	if (ret < 0)
		return topo_node_fail(p, node,
		                      "invalid netdev '%s', expected an interface name of letters, "
		                      "digits, '_', '.' or '-'",
		                      s);
	memcpy(port->netdev, s, strlen(s) + 1);
	return 0;
}

static int
port_announce(struct topo_parse *p, const yaml_node_t *node, struct vsw_topo_port *port,
              struct topo_port_marks *pm)
{
	pm->announce_on_connect = topo_node_mark(node);
	return topo_get_bool(p, node, "announce_on_connect", &port->is_announced_on_connect);
}

/* In key order: mac is read before macs, which relies on it. */
static const port_key_fn port_readers[PORT_N] = {
        [PORT_NAME] = port_name,
        [PORT_TYPE] = port_type,
        [PORT_DEVICE] = port_device,
        [PORT_MAC] = port_mac,
        [PORT_MACS] = port_macs,
        [PORT_VHOST] = port_vhost,
        [PORT_VLAN] = port_vlan,
        [PORT_SECURITY] = port_security,
        [PORT_VF] = port_vf,
        [PORT_VF_PRIORITY] = port_vf_priority,
        [PORT_NICSW] = port_nicsw,
        [PORT_NETDEV] = port_netdev,
        [PORT_ANNOUNCE] = port_announce,
};

/* What a port has when the file does not say: it depends on the type. */
static void
port_defaults(struct vsw_topo_port *port, const struct topo_port_marks *pm)
{
	const bool is_guest = port->type == VSW_PORT_SYNTHETIC || port->type == VSW_PORT_EMULATED;

	port->has_mac = port->n_macs > 0;
	memcpy(port->mac, port->macs[0], sizeof(port->mac));
	/* A guest may only send from its own addresses; the uplink and the host may not. */
	if (pm->mac_spoof_guard.line == 0)
		port->security.has_mac_spoof_guard = is_guest;
	/* Nor answer DHCP or announce itself as a router, unless the file says it may. */
	if (pm->dhcp_server.line == 0)
		port->security.is_dhcp_server_allowed = !is_guest;
	if (pm->router.line == 0)
		port->security.is_router_allowed = !is_guest;
	if (pm->vlan.line != 0)
		return;
	/* The uplink carries every VLAN; everything else sits in the untagged domain. */
	if (port->type == VSW_PORT_EXTERNAL) {
		port->vlan.cfg.mode = VSW_VLAN_TRUNK;
		port->vlan.is_all = true;
		for (unsigned int v = 1; v <= VSW_VLAN_ID_MAX; v++)
			vlan_allow(&port->vlan.cfg, v);
	} else {
		port->vlan.cfg.mode = VSW_VLAN_ACCESS;
	}
}

void
vsw_topo_port_init(struct vsw_topo_port *tp, const char *name, enum vsw_port_type type,
                   const uint8_t *mac)
{
	const struct topo_port_marks none = {0};

	memset(tp, 0, sizeof(*tp));
	snprintf(tp->name, sizeof(tp->name), "%s", name);
	tp->type = type;
	if (mac != NULL) {
		tp->n_macs = 1;
		memcpy(tp->macs[0], mac, sizeof(tp->macs[0]));
	}
	port_defaults(tp, &none);
}

static int
parse_port(struct topo_parse *p, const yaml_node_t *node, unsigned int idx)
{
	struct topo_map m = {.section = "",
	                     .names = port_keys,
	                     .n_names = PORT_N,
	                     .required = 1u << PORT_NAME | 1u << PORT_TYPE};
	struct vsw_topo_port *port = &p->topo->ports[idx];
	struct topo_port_marks *pm = &p->marks.port[idx];
	char field[32];
	int ret;

	(void)snprintf(field, sizeof(field), "ports[%u]", idx);
	ret = topo_expect(p, node, YAML_MAPPING_NODE, field);
	if (ret < 0)
		return ret;
	topo_set_prefix(p, node, "", "port", "ports", idx);
	port->mark = topo_node_mark(node);
	ret = topo_map_read(p, node, field, &m);
	for (unsigned int i = 0; i < PORT_N && ret == 0; i++)
		if (m.values[i] != NULL)
			ret = port_readers[i](p, m.values[i], port, pm);
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	if (ret == 0)
		port_defaults(port, pm);
	return ret;
}

int
topo_parse_ports(struct topo_parse *p, const yaml_node_t *node)
{
	p->marks.ports = topo_node_mark(node);
	return topo_parse_list(p, node, "ports", "ports", VSW_PORTS_MAX, parse_port,
	                       &p->topo->n_ports);
}

/* A mirror's source or destination: a port name, resolved once every port is known. */
static int
mirror_port(struct topo_parse *p, const yaml_node_t *node, const char *field, char *dst,
            struct vsw_topo_mark *mark)
{
	const char *s;
	int ret = topo_get_string(p, node, field, &s);

	*mark = topo_node_mark(node);
	if (ret < 0)
		return ret;
	if (topo_name_check(s) < 0)
		return topo_node_fail(p, node, "invalid %s '%s', expected a port name", field, s);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static int
parse_mirror(struct topo_parse *p, const yaml_node_t *node, unsigned int idx)
{
	struct topo_map m = {.section = "",
	                     .names = mirror_keys,
	                     .n_names = MIRROR_N,
	                     .required = 1u << MIRROR_NAME | 1u << MIRROR_SOURCE |
	                                 1u << MIRROR_DESTINATION};
	struct vsw_topo_mirror *mirror = &p->topo->mirrors[idx];
	struct topo_mirror_marks *mm = &p->marks.mirror[idx];
	char field[32];
	const char *s;
	int ret;

	(void)snprintf(field, sizeof(field), "mirrors[%u]", idx);
	ret = topo_expect(p, node, YAML_MAPPING_NODE, field);
	if (ret < 0)
		return ret;
	topo_set_prefix(p, node, "", "mirror", "mirrors", idx);
	mirror->mark = topo_node_mark(node);
	mirror->direction = VSW_MIRROR_BOTH;
	ret = topo_map_read(p, node, field, &m);
	if (ret == 0 && m.values[MIRROR_NAME] != NULL) {
		mm->name = topo_node_mark(m.values[MIRROR_NAME]);
		ret = topo_get_name(p, m.values[MIRROR_NAME], "mirror", mirror->name);
	}
	if (ret == 0 && m.values[MIRROR_SOURCE] != NULL)
		ret = mirror_port(p, m.values[MIRROR_SOURCE], "source", mirror->source,
		                  &mm->source);
	if (ret == 0 && m.values[MIRROR_DESTINATION] != NULL)
		ret = mirror_port(p, m.values[MIRROR_DESTINATION], "destination",
		                  mirror->destination, &mm->destination);
	if (ret == 0 && m.values[MIRROR_DIRECTION] != NULL) {
		ret = topo_get_string(p, m.values[MIRROR_DIRECTION], "direction", &s);
		if (ret == 0 && topo_mirror_direction_parse(s, &mirror->direction) < 0)
			ret = topo_node_fail(p, m.values[MIRROR_DIRECTION],
			                     "invalid direction '%s', expected rx, tx or both", s);
	}
	if (ret == 0)
		ret = topo_map_require(p, node, &m);
	return ret;
}

int
topo_parse_mirrors(struct topo_parse *p, const yaml_node_t *node)
{
	return topo_parse_list(p, node, "mirrors", "mirrors", VSW_TOPO_MIRRORS_MAX, parse_mirror,
	                       &p->topo->n_mirrors);
}
