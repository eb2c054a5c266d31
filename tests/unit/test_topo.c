/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the topology loader (lib/topo, R-IF-2), no EAL. A good file is loaded and every
 * field checked; each bad file under tests/fixtures/topo must be refused with -EINVAL, the exact
 * "file:line:column: reason" and a zeroed struct vsw_topo. Smaller cases go through
 * vsw_topo_load_string() directly, and the pure value checks of topo_priv.h are tested on their
 * own. Fixtures are found through $VSW_FIXTURES, which meson sets, else under tests/fixtures of
 * the working directory (running the binary from the source root).
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/topo/topo_priv.h"
#include "vsw/errmsg.h"
#include "vsw/topo.h"

#include <cmocka.h>

/* Bytes a test writes into the struct before loading, to see that a failed load zeroes it. */
#define POISON 0xa5

struct bad_case {
	const char *name; /* file under topo/, or the name given to vsw_topo_load_string() */
	const char *text; /* NULL: load the fixture file */
	const char *msg;  /* expected message after "<name>:" */
};

static const char *
fixtures_dir(void)
{
	const char *dir = getenv("VSW_FIXTURES");

	if (dir == NULL && access("tests/fixtures/topo", R_OK) == 0)
		dir = "tests/fixtures";
	if (dir == NULL)
		fail_msg("VSW_FIXTURES is not set: run through meson test or from the source root");
	return dir;
}

static void
fixture_path(char *buf, size_t size, const char *name)
{
	const int n = snprintf(buf, size, "%s/topo/%s", fixtures_dir(), name);

	assert_true(n > 0 && (size_t)n < size);
}

static struct vsw_topo *
topo_poisoned(void)
{
	struct vsw_topo *topo = malloc(sizeof(*topo));

	assert_non_null(topo);
	memset(topo, POISON, sizeof(*topo));
	return topo;
}

static void
assert_zeroed(const struct vsw_topo *topo)
{
	const unsigned char *b = (const unsigned char *)topo;

	for (size_t i = 0; i < sizeof(*topo); i++)
		if (b[i] != 0)
			fail_msg("struct vsw_topo not zeroed: byte %zu is 0x%02x", i, b[i]);
}

static void
assert_port(const struct vsw_topo_port *port, const char *name, enum vsw_port_type type,
            const char *device, const char *mac, const char *vhost_path,
            enum vsw_vhost_mode vhost_mode, unsigned int line, unsigned int column)
{
	uint8_t want[6] = {0};

	assert_string_equal(port->name, name);
	assert_int_equal(port->type, type);
	assert_string_equal(port->device, device);
	assert_int_equal(port->has_mac, mac != NULL);
	if (mac != NULL)
		assert_int_equal(topo_mac_parse(mac, want), 0);
	assert_memory_equal(port->mac, want, 6);
	assert_string_equal(port->vhost_path, vhost_path);
	assert_int_equal(port->vhost_mode, vhost_mode);
	assert_int_equal(port->mark.line, line);
	assert_int_equal(port->mark.column, column);
}

static void
assert_mac(const uint8_t mac[6], const char *want)
{
	uint8_t bytes[6];

	assert_int_equal(topo_mac_parse(want, bytes), 0);
	assert_memory_equal(mac, bytes, 6);
}

/* Exactly the VLANs of @p ids (ended by 0) are allowed; -1 as first id: all of 1..4094. */
static void
assert_allowed(const struct vsw_topo_vlan *vlan, const int *ids)
{
	unsigned int n = 0;

	for (unsigned int v = 0; v < 4096; v++)
		n += vsw_vlan_is_allowed(&vlan->cfg, (uint16_t)v);
	if (ids[0] < 0) {
		assert_int_equal(n, VSW_VLAN_ID_MAX);
		assert_false(vsw_vlan_is_allowed(&vlan->cfg, 0));
		assert_false(vsw_vlan_is_allowed(&vlan->cfg, 4095));
		return;
	}
	for (; *ids != 0; ids++, n--)
		assert_true(vsw_vlan_is_allowed(&vlan->cfg, (uint16_t)*ids));
	assert_int_equal(n, 0);
}

/* The defaults of schema v2 on a file that predates it (idle sleep: checked by callers). */
static void
check_v2_defaults(const struct vsw_topo *topo)
{
	static const int all[] = {-1};
	static const int none[] = {0};

	assert_int_equal(topo->fdb_aging_s, VSW_TOPO_FDB_AGING_S_DEFAULT);
	assert_int_equal(topo->fdb_entries_max, VSW_TOPO_FDB_ENTRIES_DEFAULT);
	assert_int_equal(topo->n_mirrors, 0);
	assert_int_equal(topo->n_nicsws, 0);
	for (unsigned int i = 0; i < topo->n_ports; i++) {
		const struct vsw_topo_port *p = &topo->ports[i];
		const bool is_external = p->type == VSW_PORT_EXTERNAL;

		assert_int_equal(p->n_macs, p->has_mac ? 1 : 0);
		assert_memory_equal(p->macs[0], p->mac, 6);
		assert_int_equal(p->vlan.cfg.mode, is_external ? VSW_VLAN_TRUNK : VSW_VLAN_ACCESS);
		assert_int_equal(p->vlan.is_all, is_external);
		assert_int_equal(p->vlan.cfg.id, 0);
		assert_int_equal(p->vlan.cfg.native, 0);
		assert_allowed(&p->vlan, is_external ? all : none);
		assert_int_equal(p->security.has_mac_spoof_guard, p->type == VSW_PORT_SYNTHETIC);
		assert_int_equal(p->vf_mode, VSW_TOPO_VF_NONE);
		assert_string_equal(p->nicsw, "");
		assert_string_equal(p->netdev, "");
	}
}

static void
test_good_full(void **state)
{
	static const char *const args[] = {"-l",       "0-2",     "--in-memory", "--file-prefix",
	                                   "vsw-test", "--no-pci"};
	struct vsw_topo *topo = topo_poisoned();
	struct vsw_errmsg err;
	char path[PATH_MAX];

	(void)state;
	fixture_path(path, sizeof(path), "good_full.yaml");
	strcpy(err.msg, "stale");
	assert_int_equal(vsw_topo_load_file(path, topo, &err), 0);
	assert_string_equal(err.msg, "");
	assert_string_equal(topo->file, path);
	assert_int_equal(topo->n_eal_args, 6);
	for (unsigned int i = 0; i < 6; i++)
		assert_string_equal(topo->eal_args[i], args[i]);
	assert_int_equal(topo->n_worker_lcores, 2);
	assert_int_equal(topo->worker_lcores[0], 1);
	assert_int_equal(topo->worker_lcores[1], 2);
	assert_string_equal(topo->control_socket, "/run/vsw-test/vswd.sock");
	assert_int_equal(topo->n_ports, 4);
	assert_port(&topo->ports[0], "uplink", VSW_PORT_EXTERNAL, "net_tap0,iface=vsw-pf0",
	            "02:00:00:00:00:aa", "", VSW_VHOST_SERVER, 9, 5);
	assert_port(&topo->ports[1], "vm1", VSW_PORT_SYNTHETIC, "", "52:54:00:00:00:01",
	            "/run/vsw-test/vm1.sock", VSW_VHOST_SERVER, 13, 5);
	assert_port(&topo->ports[2], "vm-2.b_c", VSW_PORT_SYNTHETIC, "", "52:54:00:ab:cd:02",
	            "/run/vsw-test/vm2.sock", VSW_VHOST_CLIENT, 19, 5);
	assert_port(&topo->ports[3], "vm3", VSW_PORT_SYNTHETIC, "", "52:54:00:00:00:03",
	            "/run/vsw-test/vm3.sock", VSW_VHOST_SERVER, 21, 5);
	check_v2_defaults(topo);
	assert_int_equal(topo->idle_sleep_us_max, 0);
	assert_int_equal(topo->idle_rxq_poll_us, VSW_TOPO_IDLE_RXQ_POLL_US_DEFAULT);
	free(topo);
}

static void
assert_vport(const struct vsw_topo_vport *vp, uint16_t id, enum vsw_vport_function function,
             uint16_t vf_index, uint16_t n_qps, enum vsw_vport_moderation_mode mode, uint32_t rate,
             bool is_operational, unsigned int n_filters, unsigned int line)
{
	assert_int_equal(vp->vport_id, id);
	assert_int_equal(vp->function, function);
	assert_int_equal(vp->vf_index, vf_index);
	assert_int_equal(vp->n_qps, n_qps);
	assert_int_equal(vp->moderation.mode, mode);
	assert_int_equal(vp->moderation.rate_per_s, rate);
	assert_int_equal(vp->is_operational, is_operational);
	assert_int_equal(vp->n_filters, n_filters);
	assert_int_equal(vp->mark.line, line);
}

static void
check_v2_ports(const struct vsw_topo *topo)
{
	const struct vsw_topo_port *p = topo->ports;

	assert_int_equal(topo->n_ports, 5);
	assert_port(&p[0], "vm1", VSW_PORT_SYNTHETIC, "", "52:54:00:00:00:01", "/run/vsw/vm1.sock",
	            VSW_VHOST_SERVER, 10, 5);
	assert_int_equal(p[0].n_macs, 2);
	assert_mac(p[0].macs[1], "52:54:00:00:00:11");
	assert_int_equal(p[0].vlan.cfg.mode, VSW_VLAN_ACCESS);
	assert_int_equal(p[0].vlan.cfg.id, 10);
	assert_allowed(&p[0].vlan, (const int[]){0});
	assert_false(p[0].security.has_mac_spoof_guard);
	assert_int_equal(p[0].vf_mode, VSW_TOPO_VF_AUTO);
	assert_port(&p[1], "vm2", VSW_PORT_SYNTHETIC, "", "52:54:00:00:00:02", "/run/vsw/vm2.sock",
	            VSW_VHOST_SERVER, 17, 5);
	assert_int_equal(p[1].n_macs, 1);
	assert_int_equal(p[1].vf_mode, VSW_TOPO_VF_INDEX);
	assert_int_equal(p[1].vf_index, 3);
	assert_int_equal(p[1].vf_priority, 1000);
	assert_int_equal(p[0].vf_priority, 0); /* the default */
	assert_true(p[1].is_announced_on_connect);
	assert_true(p[0].has_vhost_ethdev);
	assert_false(p[1].has_vhost_ethdev);            /* the default: the vhost library alone */
	assert_false(p[0].is_announced_on_connect);     /* the default */
	assert_true(p[1].security.has_mac_spoof_guard); /* default of synthetic ports */
	assert_port(&p[2], "uplink", VSW_PORT_EXTERNAL, "", NULL, "", VSW_VHOST_SERVER, 19, 5);
	assert_string_equal(p[2].nicsw, "nic0");
	assert_int_equal(p[2].nicsw_index, 0);
	assert_int_equal(p[2].vlan.cfg.mode, VSW_VLAN_TRUNK);
	assert_false(p[2].vlan.is_all);
	assert_int_equal(p[2].vlan.cfg.native, 1);
	assert_allowed(&p[2].vlan, (const int[]){10, 20, 4094, 0});
	assert_port(&p[3], "mgmt0", VSW_PORT_INTERNAL, "", "02:00:00:00:00:10", "",
	            VSW_VHOST_SERVER, 23, 5);
	assert_string_equal(p[3].netdev, "vsw-mgmt0");
	assert_true(p[3].security.has_mac_spoof_guard);
	assert_int_equal(p[3].vf_mode, VSW_TOPO_VF_NONE);
	assert_port(&p[4], "legacy1", VSW_PORT_EMULATED, "", "52:54:00:00:00:21", "",
	            VSW_VHOST_SERVER, 28, 5);
	assert_string_equal(p[4].netdev, "tap-e1000-1");
	assert_true(p[4].vlan.is_all);
	assert_int_equal(p[4].vlan.cfg.native, 0);
	assert_allowed(&p[4].vlan, (const int[]){-1});
}

static void
check_v2_nicsws(const struct vsw_topo *topo)
{
	const struct vsw_topo_nicsw *sw = &topo->nicsws[0];
	const struct vsw_topo_vport *vp = sw->vports;
	char path[VSW_PATH_SIZE];

	assert_int_equal(topo->n_nicsws, 2);
	assert_string_equal(sw->name, "nic0");
	assert_int_equal(sw->backend, VSW_NICSW_BACKEND_EMULATED);
	assert_string_equal(sw->pf, "net_af_xdp0,iface=veth0");
	assert_int_equal(sw->num_vfs, 4);
	assert_int_equal(sw->qp_total, 16);
	assert_int_equal(sw->qp_default, 2);
	assert_true(sw->is_asymmetric);
	assert_string_equal(sw->vf_socket_dir, "/run/vsw/vf"); /* trailing '/' dropped */
	assert_int_equal(vsw_topo_vf_socket_path(sw, 3, path, sizeof(path)), 0);
	assert_string_equal(path, "/run/vsw/vf/nic0-vf3.sock");
	assert_int_equal(sw->mark.line, 38);
	assert_int_equal(sw->mark.column, 5);
	assert_int_equal(sw->n_vports, 4);
	assert_vport(&vp[0], 1, VSW_VPORT_VF, 0, 2, VSW_VPORT_MOD_ADAPTIVE, 0, false, 2, 46);
	assert_mac(vp[0].filters[1].mac, "52:54:00:00:00:01");
	assert_int_equal(vp[0].filters[1].vlan, 10);
	assert_vport(&vp[1], 2, VSW_VPORT_PF, 0, 1, VSW_VPORT_MOD_ADAPTIVE, 0, true, 1, 48);
	assert_mac(vp[1].filters[0].mac, "52:54:00:00:00:09");
	assert_int_equal(vp[1].filters[0].vlan, 7);
	assert_vport(&vp[2], 127, VSW_VPORT_VF, 3, 1, VSW_VPORT_MOD_RATE, 20000, false, 0, 50);
	assert_string_equal(vp[2].vf_netdev, "tap-vf3");
	assert_string_equal(vp[0].vf_netdev, "");
	assert_vport(&vp[3], 5, VSW_VPORT_VF, 1, 4, VSW_VPORT_MOD_OFF, 0, false, 1, 51);
	assert_int_equal(vp[3].filters[0].vlan, 0);
	sw = &topo->nicsws[1];
	assert_string_equal(sw->name, "nic1");
	assert_int_equal(sw->mark.line, 53);
	assert_int_equal(sw->backend, VSW_NICSW_BACKEND_FLOW);
	assert_int_equal(sw->num_vfs, 0);
	assert_int_equal(sw->qp_total, 1);
	assert_int_equal(sw->qp_default, 1);
	assert_false(sw->is_asymmetric);
	assert_string_equal(sw->vf_socket_dir, "");
	assert_int_equal(sw->n_vports, 0);
	assert_int_equal(vsw_topo_vf_socket_path(sw, 0, path, sizeof(path)), -EINVAL);
}

/* Every key of issues 3 and 4. */
static void
test_good_full_v2(void **state)
{
	static const struct {
		const char *name, *source, *destination;
		enum vsw_mirror_direction direction;
		unsigned int source_index, line;
	} mirrors[] = {{"m1", "vm1", "mgmt0", VSW_MIRROR_BOTH, 0, 34},
	               {"m2", "vm2", "mgmt0", VSW_MIRROR_RX, 1, 35},
	               {"m3", "legacy1", "mgmt0", VSW_MIRROR_BOTH, 4, 36}};
	struct vsw_topo *topo = topo_poisoned();
	struct vsw_errmsg err = {{0}};
	char path[PATH_MAX];

	(void)state;
	fixture_path(path, sizeof(path), "good_full_v2.yaml");
	assert_int_equal(vsw_topo_load_file(path, topo, &err), 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(topo->idle_sleep_us_max, 100);
	assert_int_equal(topo->fdb_aging_s, 0);
	assert_int_equal(topo->fdb_entries_max, 16);
	check_v2_ports(topo);
	assert_int_equal(topo->n_mirrors, 3);
	for (unsigned int i = 0; i < 3; i++) {
		const struct vsw_topo_mirror *m = &topo->mirrors[i];

		assert_string_equal(m->name, mirrors[i].name);
		assert_string_equal(m->source, mirrors[i].source);
		assert_string_equal(m->destination, mirrors[i].destination);
		assert_int_equal(m->direction, mirrors[i].direction);
		assert_int_equal(m->source_index, mirrors[i].source_index);
		assert_int_equal(m->destination_index, 3);
		assert_int_equal(m->mark.line, mirrors[i].line);
		assert_int_equal(m->mark.column, 5);
	}
	check_v2_nicsws(topo);
	free(topo);
}

/* The sample shipped in config/ must stay loadable. */
static void
test_default_config(void **state)
{
	struct vsw_topo *topo = topo_poisoned();
	struct vsw_errmsg err = {{0}};
	char path[PATH_MAX];

	(void)state;
	fixture_path(path, sizeof(path), "../../../config/default.yaml");
	assert_int_equal(vsw_topo_load_file(path, topo, &err), 0);
	assert_string_equal(err.msg, "");
	assert_int_equal(topo->n_ports, 3);
	assert_int_equal(topo->ports[0].type, VSW_PORT_EXTERNAL);
	check_v2_defaults(topo);
	assert_int_equal(topo->idle_sleep_us_max, 100);
	free(topo);
}

/* Optional keys take their defaults; an external port need not have a mac. */
static void
test_string_defaults(void **state)
{
	static const char text[] = "eal: { args: [] }\n"
	                           "workers: { lcores: [0] }\n"
	                           "ports:\n"
	                           "  - { name: up, type: external, device: 0000:3b:00.0 }\n"
	                           "  - { name: vm, type: synthetic, mac: 02:00:00:00:00:01,\n"
	                           "      vhost: { path: /tmp/vm.sock } }\n";
	struct vsw_topo *topo = topo_poisoned();
	struct vsw_errmsg err;

	(void)state;
	strcpy(err.msg, "stale");
	assert_int_equal(vsw_topo_load_string("mem", text, strlen(text), topo, &err), 0);
	assert_string_equal(err.msg, "");
	assert_string_equal(topo->file, "mem");
	assert_int_equal(topo->n_eal_args, 0);
	assert_int_equal(topo->n_worker_lcores, 1);
	assert_int_equal(topo->worker_lcores[0], 0);
	assert_string_equal(topo->control_socket, VSW_TOPO_CONTROL_SOCKET_DEFAULT);
	assert_int_equal(topo->n_ports, 2);
	assert_port(&topo->ports[0], "up", VSW_PORT_EXTERNAL, "0000:3b:00.0", NULL, "",
	            VSW_VHOST_SERVER, 4, 5);
	assert_port(&topo->ports[1], "vm", VSW_PORT_SYNTHETIC, "", "02:00:00:00:00:01",
	            "/tmp/vm.sock", VSW_VHOST_SERVER, 5, 5);
	check_v2_defaults(topo);
	assert_int_equal(topo->idle_sleep_us_max, 0);
	free(topo);
}

/* control: present but without socket, and len shorter than the text. */
static void
test_string_len(void **state)
{
	static const char text[] = "eal: { args: [-l, '0'] }\n"
	                           "workers: { lcores: [1] }\n"
	                           "control: {}\n"
	                           "ports: [{ name: up, type: external, device: net_null0 }]\n"
	                           "this is not yaml: [";
	struct vsw_topo *topo = topo_poisoned();

	(void)state;
	assert_int_equal(vsw_topo_load_string("mem", text, strlen(text) - 19, topo, NULL), 0);
	assert_int_equal(topo->n_eal_args, 2);
	assert_string_equal(topo->eal_args[1], "0");
	assert_string_equal(topo->control_socket, VSW_TOPO_CONTROL_SOCKET_DEFAULT);
	free(topo);
}

static void
check_refused(const char *name, const char *text, const char *rest, int ret_want)
{
	struct vsw_topo *topo = topo_poisoned();
	struct vsw_errmsg err = {{0}};
	char path[PATH_MAX];
	char want[PATH_MAX + VSW_ERRMSG_SIZE]; /* as long as the path allows, to compare in full */
	int ret;

	if (text == NULL) {
		fixture_path(path, sizeof(path), name);
		ret = vsw_topo_load_file(path, topo, &err);
	} else {
		(void)snprintf(path, sizeof(path), "%s", name);
		ret = vsw_topo_load_string(path, text, strlen(text), topo, &err);
	}
	(void)snprintf(want, sizeof(want), "%s:%s", path, rest);
	assert_string_equal(err.msg, want);
	assert_int_equal(ret, ret_want);
	assert_zeroed(topo);
	free(topo);
}

static void
test_bad(void **state)
{
	const struct bad_case *c = *state;

	check_refused(c->name, c->text, c->msg, -EINVAL);
}

/* One bad file per rule; the comment at the top of each says what is wrong. */
static const struct bad_case bad_files[] = {
        {"bad_syntax.yaml", NULL,
         "8:3: invalid yaml: did not find expected ',' or '}' (while parsing a flow mapping at "
         "7:5)"},
        {"bad_two_documents.yaml", NULL,
         "8:1: second yaml document, expected one document per file"},
        {"bad_unknown_top_key.yaml", NULL,
         "6:1: unknown key 'portz' at top level (did you mean 'ports'?)"},
        {"bad_unknown_port_key.yaml", NULL,
         "9:5: port 'vm1': unknown key 'mca' (did you mean 'mac'?)"},
        {"bad_dup_key.yaml", NULL,
         "11:5: port 'vm1': duplicate key 'mac', expected each key once (first at line 9)"},
        {"bad_wrong_type.yaml", NULL, "6:8: expected a sequence for ports, got a string"},
        {"bad_eal_args_string.yaml", NULL, "3:9: expected a sequence for eal.args, got a string"},
        {"bad_missing_workers.yaml", NULL, "2:1: missing key 'workers' at top level"},
        {"bad_mac.yaml", NULL,
         "9:10: port 'vm1': invalid mac '52:54:00:zz:00:01', expected six hex bytes like "
         "52:54:00:00:00:01"},
        {"bad_mac_multicast.yaml", NULL,
         "9:10: port 'vm1': mac 01:00:5e:00:00:01 is multicast, expected a unicast address"},
        {"bad_mac_zero.yaml", NULL,
         "7:40: port 'vm1': mac 00:00:00:00:00:00 is all zeros, expected a unicast address"},
        {"bad_dup_port_name.yaml", NULL,
         "8:13: duplicate port name 'vm1', expected unique names (first at line 7)"},
        {"bad_dup_mac.yaml", NULL,
         "8:40: port 'vm2': duplicate mac 52:54:00:00:00:0a, expected unique macs (port 'vm1' has "
         "it)"},
        {"bad_dup_vhost_path.yaml", NULL,
         "8:76: port 'vm2': duplicate vhost.path '/run/vsw/vm.sock', expected unique paths (port "
         "'vm1' has it)"},
        {"bad_vhost_is_control.yaml", NULL,
         "8:76: port 'vm1': vhost.path '/run/vsw/ctl.sock' is the control socket, expected another "
         "path"},
        {"bad_port_type.yaml", NULL,
         "8:11: port 'br0': unknown port type 'bridge', expected external, synthetic, internal or "
         "emulated"},
        {"bad_synthetic_no_vhost.yaml", NULL,
         "7:5: port 'vm1': missing key 'vhost', expected vhost.path for a synthetic port"},
        {"bad_vhost_no_path.yaml", NULL, "10:12: port 'vm1': missing key 'path' in vhost"},
        {"bad_relative_path.yaml", NULL,
         "11:13: port 'vm1': vhost.path 'run/vsw/vm1.sock' is relative, expected an absolute path"},
        {"bad_vhost_mode.yaml", NULL,
         "10:45: port 'vm1': invalid vhost.mode 'both', expected server or client"},
        {"bad_external_no_device.yaml", NULL,
         "7:5: port 'uplink': missing key 'device', expected a dpdk device (or a netdev) for an "
         "external port"},
        {"bad_two_external.yaml", NULL,
         "8:5: port 'uplink2': second external port, expected at most one ('uplink' is external)"},
        {"bad_empty_ports.yaml", NULL, "6:8: ports is empty, expected at least one port"},
        {"bad_lcore_not_int.yaml", NULL,
         "5:15: invalid lcore 'two' in workers.lcores, expected an integer 0..1023"},
        {"bad_dup_lcore.yaml", NULL,
         "8:7: duplicate lcore 1 in workers.lcores, expected distinct lcore ids"},
        {"bad_name_too_long.yaml", NULL,
         "7:11: ports[0]: port name 'uplink-to-the-top-of-rack-switch' is too long, expected at "
         "most 31 characters"},
        /* Schema v2 (issues 3 and 4): workers, fdb, port types, vlan, security, vf, mirrors. */
        {"bad_idle_sleep.yaml", NULL,
         "6:22: invalid workers.idle_sleep_max_us '1000000', expected an integer 0..100000"},
        {"bad_fdb_unknown_key.yaml", NULL,
         "7:3: unknown key 'aging' in fdb (did you mean 'aging_s'?)"},
        {"bad_vlan_access_4095.yaml", NULL,
         "11:31: port 'vm1': invalid vlan.id '4095', expected an integer 0..4094"},
        {"bad_vlan_allowed_not_list.yaml", NULL,
         "10:35: port 'uplink': invalid vlan.allowed '10', expected a list of vlan ids or all"},
        {"bad_vlan_trunk_id.yaml", NULL,
         "10:44: port 'uplink': unexpected key 'id' in vlan, expected it only with mode access"},
        {"bad_mac_and_macs.yaml", NULL,
         "10:11: port 'vm1': both mac and macs given, expected one of them"},
        {"bad_macs_too_many.yaml", NULL, "9:11: port 'vm1': macs has 9 macs, expected at most 8"},
        {"bad_macs_dup.yaml", NULL,
         "9:54: port 'vm1': duplicate mac 52:54:00:00:00:0a in macs, expected distinct macs"},
        {"bad_macs_dup_other_port.yaml", NULL,
         "10:33: port 'vm2': duplicate mac 52:54:00:00:00:01, expected unique macs (port 'vm1' has "
         "it)"},
        {"bad_vf_on_external.yaml", NULL,
         "10:9: port 'uplink': unexpected key 'vf', expected it only on synthetic ports"},
        {"bad_vf_no_nicsw.yaml", NULL,
         "11:9: port 'vm1': vf 2 needs a nic switch, expected one in nic_switches"},
        {"bad_internal_no_netdev.yaml", NULL,
         "7:5: port 'mgmt0': missing key 'netdev', expected a kernel interface name for an "
         "internal port"},
        {"bad_netdev_too_long.yaml", NULL,
         "9:13: port 'mgmt0': netdev 'vsw-management-0' is too long, expected at most 15 "
         "characters"},
        {"bad_dup_netdev.yaml", NULL,
         "8:46: port 'legacy1': duplicate netdev 'vsw-mgmt0', expected unique interfaces (port "
         "'mgmt0' has it)"},
        {"bad_emulated_no_mac.yaml", NULL,
         "7:5: port 'legacy1': missing key 'mac', expected a mac for an emulated port"},
        {"bad_guard_no_mac.yaml", NULL,
         "10:34: port 'mgmt0': security.mac_spoof_guard is true, expected a mac or macs to guard"},
        {"bad_mirror_source_unknown.yaml", NULL,
         "10:25: mirror 'm1': unknown source port 'vm11' (did you mean 'vm1'?)"},
        {"bad_mirror_same_port.yaml", NULL,
         "11:18: mirror 'm1': destination 'vm1' is the source, expected another port"},
        {"bad_mirror_direction.yaml", NULL,
         "10:41: mirror 'm1': invalid direction 'in', expected rx, tx or both"},
        {"bad_mirror_dest_is_source.yaml", NULL,
         "11:43: mirror 'm1': destination 'mon0' is the source of mirror 'm2', expected a port no "
         "mirror copies"},
        /* Schema v2: NIC switches, vports, filters and the ports that refer to them. */
        {"bad_port_nicsw_unknown.yaml", NULL,
         "7:49: port 'uplink': unknown nic_switch 'nic1' (did you mean 'nic0'?)"},
        {"bad_external_device_and_nicsw.yaml", NULL,
         "9:13: port 'uplink': both device and nic_switch given, expected one of them (a nic "
         "switch brings its pf)"},
        {"bad_device_is_pf.yaml", NULL,
         "7:45: port 'uplink': device 'net_af_xdp0,iface=veth0' is the pf of nic switch 'nic0', "
         "expected nic_switch: nic0 instead"},
        {"bad_nicsw_backend.yaml", NULL,
         "10:14: nic switch 'nic0': unknown backend 'hardware', expected emulated or flow"},
        {"bad_nicsw_dup_name.yaml", NULL,
         "10:13: duplicate nic switch name 'nic0', expected unique names (first at line 9)"},
        {"bad_nicsw_num_vfs.yaml", NULL,
         "12:14: nic switch 'nic0': invalid num_vfs '65', expected an integer 0..64"},
        {"bad_nicsw_default_vport.yaml", NULL,
         "12:46: nic switch 'nic0': invalid queue_pairs.default_vport '17', expected an integer "
         "1..16"},
        {"bad_nicsw_qps_exceed.yaml", NULL,
         "18:46: nic switch 'nic0': vport 3: queue_pairs 4 take the switch to 18 queue pairs "
         "(default vport included), expected at most queue_pairs.total 16"},
        {"bad_nicsw_symmetric.yaml", NULL,
         "17:9: nic switch 'nic0': vport 3: queue_pairs 1 differs from vport 1's 2, expected the "
         "same count on every vport of a symmetric switch"},
        {"bad_vport_vf_twice.yaml", NULL,
         "17:28: nic switch 'nic0': vport 3: function vf0 already has vport 1, expected at most "
         "one "
         "vport per vf"},
        {"bad_vport_function_vf9.yaml", NULL,
         "15:28: nic switch 'nic0': vport 1: function vf9, expected pf or vf0..vf3 (num_vfs is 4)"},
        {"bad_vport_dup_id.yaml", NULL,
         "16:13: nic switch 'nic0': duplicate vport id 1, expected unique ids (first at line 15)"},
        {"bad_filter_dup.yaml", NULL,
         "22:13: nic switch 'nic0': vport 2: duplicate filter 52:54:00:00:00:01 vlan 7, expected "
         "unique (mac, vlan) pairs in a switch (vport 1 has it)"},
        {"bad_filter_vlan.yaml", NULL,
         "15:77: nic switch 'nic0': vport 1: invalid vlan '4095', expected an integer 0..4094"},
        {"bad_vport_moderation.yaml", NULL,
         "15:55: nic switch 'nic0': vport 1: invalid interrupt_moderation 'fast', expected "
         "adaptive, off or an integer 1..1000000"},
        {"bad_vf_netdev_on_pf.yaml", NULL,
         "15:43: nic switch 'nic0': vport 1: vf_netdev is for a VF's vport, this one is on the pf"},
        {"bad_vf_socket_dir_relative.yaml", NULL,
         "14:20: nic switch 'nic0': vf_socket_dir 'run/vsw/vf' is relative, expected an absolute "
         "path"},
};

#define HDR "eal: { args: [] }\nworkers: { lcores: [1] }\n"
#define UP "  - { name: up, type: external, device: net_null0 }\n"

/* Rules that need no file of their own: text given to vsw_topo_load_string(). */
static const struct bad_case bad_strings[] = {
        {"empty", "", "1:1: empty file, expected a mapping with keys eal, workers and ports"},
        {"comments", "# nothing\n",
         "1:1: empty file, expected a mapping with keys eal, workers and ports"},
        {"not_mapping", "- eal\n", "1:1: expected a mapping for the topology, got a sequence"},
        {"bad_utf8", HDR "ports: \xff\n", "3:8: invalid yaml: invalid leading UTF-8 octet"},
        {"dup_top", HDR "workers: { lcores: [2] }\nports:\n" UP,
         "3:1: duplicate key 'workers' at top level, expected each key once (first at line 2)"},
        {"key_not_string", HDR "ports:\n  - { [name]: up }\n",
         "4:7: ports[0]: expected a string as key, got a sequence"},
        {"eal_unknown", "eal: { args: [], foo: 1 }\n",
         "1:18: unknown key 'foo' in eal, expected args"},
        {"eal_null_arg", "eal: { args: [-l, ~] }\n",
         "1:19: expected a string for eal.args[1], got nothing"},
        {"eal_not_mapping", "eal:\nworkers: { lcores: [1] }\n",
         "1:5: expected a mapping for eal, got nothing"},
        {"lcores_empty", "eal: { args: [] }\nworkers: { lcores: [] }\nports:\n" UP,
         "2:20: workers.lcores is empty, expected at least one lcore id"},
        {"lcore_range", "eal: { args: [] }\nworkers: { lcores: [1024] }\n",
         "2:21: invalid lcore '1024' in workers.lcores, expected an integer 0..1023"},
        {"lcore_negative", "eal: { args: [] }\nworkers: { lcores: [-1] }\n",
         "2:21: invalid lcore '-1' in workers.lcores, expected an integer 0..1023"},
        {"lcores_many",
         "eal: { args: [] }\nworkers: { lcores: [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,"
         "15,16] }\n",
         "2:20: workers.lcores has 17 lcores, expected at most 16"},
        {"lcore_mapping", "eal: { args: [] }\nworkers: { lcores: [{}] }\n",
         "2:21: expected a string for workers.lcores, got a mapping"},
        {"workers_typo", "eal: { args: [] }\nworkers: { lcore: [1] }\n",
         "2:12: unknown key 'lcore' in workers (did you mean 'lcores'?)"},
        {"control_relative", HDR "control: { socket: vswd.sock }\nports:\n" UP,
         "3:20: control.socket 'vswd.sock' is relative, expected an absolute path"},
        {"control_empty", HDR "control: { socket: '' }\nports:\n" UP,
         "3:20: control.socket is empty, expected an absolute path"},
        {"control_scalar", HDR "control: /run/vsw.sock\nports:\n" UP,
         "3:10: expected a mapping for control, got a string"},
        {"control_long",
         HDR "control: { socket: /run/vsw/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock }\n",
         "3:20: control.socket is too long, expected at most 107 bytes"},
        {"no_ports", HDR, "1:1: missing key 'ports' at top level"},
        {"port_scalar", HDR "ports: [up]\n", "3:9: expected a mapping for ports[0], got a string"},
        {"port_no_name", HDR "ports:\n  - { type: external, device: net_null0 }\n",
         "4:5: ports[0]: missing key 'name'"},
        {"port_no_type", HDR "ports:\n  - { name: up, device: net_null0 }\n",
         "4:5: port 'up': missing key 'type'"},
        {"port_name_chars", HDR "ports:\n  - { name: 'vm 1', type: external, device: x }\n",
         "4:13: ports[0]: invalid port name 'vm 1', expected letters, digits, '_', '.' or '-'"},
        {"port_name_nul", HDR "ports:\n  - { name: \"vm\\0\", type: external, device: x }\n",
         "4:13: ports[0]: name contains a nul character, expected text"},
        {"port_unknown_far", HDR "ports:\n  - { name: up, type: external, foo: x }\n",
         "4:33: port 'up': unknown key 'foo', expected name, type, device, mac, macs, vhost, vlan, "
         "security, vf, vf_priority, nic_switch, netdev or announce_on_connect"},
        {"port_type_case", HDR "ports:\n  - { name: up, type: External }\n",
         "4:23: port 'up': unknown port type 'External', expected external, synthetic, internal "
         "or emulated"},
        {"device_empty", HDR "ports:\n  - { name: up, type: external, device: '' }\n",
         "4:41: port 'up': device is empty, expected a pci address or a vdev string"},
        {"device_sequence", HDR "ports:\n  - { name: up, type: external, device: [a] }\n",
         "4:41: port 'up': expected a string for device, got a sequence"},
        {"external_vhost",
         HDR "ports:\n  - { name: up, type: external, device: x,\n"
             "      vhost: { path: /tmp/x.sock } }\n",
         "5:14: port 'up': unexpected key 'vhost', expected it only on synthetic ports"},
        {"synthetic_device",
         HDR "ports:\n  - { name: vm, type: synthetic, device: x, mac: "
             "02:00:00:00:00:01, vhost: { path: /tmp/x.sock } }\n",
         "4:42: port 'vm': unexpected key 'device', expected it only on external ports"},
        {"synthetic_no_mac", HDR "ports:\n  - { name: vm, type: synthetic, vhost: { path: /x } }\n",
         "4:5: port 'vm': missing key 'mac', expected a mac for a synthetic port"},
        {"mac_short", HDR "ports:\n  - { name: vm, type: synthetic, mac: 52:54:00:00:00:1 }\n",
         "4:39: port 'vm': invalid mac '52:54:00:00:00:1', expected six hex bytes like "
         "52:54:00:00:00:01"},
        {"mac_dashes", HDR "ports:\n  - { name: vm, type: synthetic, mac: 52-54-00-00-00-01 }\n",
         "4:39: port 'vm': invalid mac '52-54-00-00-00-01', expected six hex bytes like "
         "52:54:00:00:00:01"},
        {"vhost_typo", HDR "ports:\n  - { name: vm, type: synthetic, vhost: { pth: /x } }\n",
         "4:43: port 'vm': unknown key 'pth' in vhost (did you mean 'path'?)"},
        {"vhost_scalar", HDR "ports:\n  - { name: vm, type: synthetic, vhost: /x.sock }\n",
         "4:41: port 'vm': expected a mapping for vhost, got a string"},
        {"vhost_mode_null",
         HDR "ports:\n  - { name: vm, type: synthetic, vhost: { path: /x, mode: } }\n",
         "4:59: port 'vm': expected a string for vhost.mode, got nothing"},
        {"vhost_ethdev_not_bool",
         HDR "ports:\n  - { name: vm, type: synthetic, vhost: { path: /x, ethdev: 1 } }\n",
         "4:61: port 'vm': invalid vhost.ethdev '1', expected true or false"},
};

#define PORTS HDR "ports:\n"
#define VM "  - { name: vm, type: synthetic, mac: 02:00:00:00:00:01, vhost: { path: /x.sock }"
#define NIC_OPEN "nic_switches:\n  - { name: nic0, backend: emulated, pf: net_ring0, "
#define NIC4 NIC_OPEN "num_vfs: 4, queue_pairs: { total: 16 }"
#define NIC0 NIC_OPEN "num_vfs: 0, queue_pairs: { total: 16 }"
#define FLOW "nic_switches:\n  - { name: n, backend: flow, pf: x"

/* Schema v2 rules that need no file of their own. */
static const struct bad_case bad_strings_v2[] = {
        {"fdb_aging_range", HDR "fdb: { aging_s: 86401 }\nports:\n" UP,
         "3:17: invalid fdb.aging_s '86401', expected an integer 0..86400"},
        {"fdb_entries_small", HDR "fdb: { max_entries: 15 }\nports:\n" UP,
         "3:21: invalid fdb.max_entries '15', expected an integer 16..1048576"},
        {"fdb_scalar", HDR "fdb: 300\nports:\n" UP,
         "3:6: expected a mapping for fdb, got a string"},
        {"idle_sleep_negative",
         "eal: { args: [] }\nworkers: { lcores: [1], idle_sleep_max_us: -1 }\n",
         "2:44: invalid workers.idle_sleep_max_us '-1', expected an integer 0..100000"},
        {"idle_rxq_poll_range",
         "eal: { args: [] }\nworkers: { lcores: [1], idle_rxq_poll_us: 1001 }\n",
         "2:43: invalid workers.idle_rxq_poll_us '1001', expected an integer 0..1000"},
        {"vlan_mode_bad", PORTS VM ", vlan: { mode: hybrid } }\n",
         "4:98: port 'vm': invalid vlan.mode 'hybrid', expected access or trunk"},
        {"vlan_no_mode", PORTS VM ", vlan: { id: 3 } }\n",
         "4:90: port 'vm': missing key 'mode' in vlan"},
        {"vlan_trunk_no_allowed", PORTS VM ", vlan: { mode: trunk } }\n",
         "4:90: port 'vm': missing key 'allowed' in vlan, expected a list of vlan ids or all for a "
         "trunk"},
        {"vlan_allowed_empty", PORTS VM ", vlan: { mode: trunk, allowed: [] } }\n",
         "4:114: port 'vm': vlan.allowed is empty, expected at least one vlan id or all"},
        {"vlan_allowed_zero", PORTS VM ", vlan: { mode: trunk, allowed: [0] } }\n",
         "4:115: port 'vm': invalid vlan.allowed '0', expected an integer 1..4094"},
        {"vlan_allowed_dup", PORTS VM ", vlan: { mode: trunk, allowed: [10, 20, 10] } }\n",
         "4:123: port 'vm': duplicate vlan 10 in vlan.allowed, expected distinct vlan ids"},
        {"vlan_allowed_mapping", PORTS VM ", vlan: { mode: trunk, allowed: { a: 1 } } }\n",
         "4:114: port 'vm': expected a sequence for vlan.allowed, got a mapping"},
        {"vlan_native_range", PORTS VM ", vlan: { mode: trunk, allowed: all, native: 4095 } }\n",
         "4:127: port 'vm': invalid vlan.native '4095', expected an integer 0..4094"},
        {"vlan_access_native", PORTS VM ", vlan: { mode: access, native: 2 } }\n",
         "4:114: port 'vm': unexpected key 'native' in vlan, expected it only with mode trunk"},
        {"vlan_typo", PORTS VM ", vlan: { mode: access, vid: 3 } }\n",
         "4:106: port 'vm': unknown key 'vid' in vlan (did you mean 'id'?)"},
        {"macs_empty",
         PORTS "  - { name: vm, type: synthetic, macs: [], vhost: { path: /x.sock } }\n",
         "4:40: port 'vm': macs is empty, expected at least one mac"},
        {"macs_scalar", PORTS "  - { name: vm, type: synthetic, macs: 02:00:00:00:00:01 }\n",
         "4:40: port 'vm': expected a sequence for macs, got a string"},
        {"macs_multicast",
         PORTS "  - { name: vm, type: synthetic, macs: [02:00:00:00:00:01, 33:33:00:00:00:01] }\n",
         "4:60: port 'vm': mac 33:33:00:00:00:01 is multicast, expected a unicast address"},
        {"security_typo", PORTS VM ", security: { mac_spoof: true } }\n",
         "4:96: port 'vm': unknown key 'mac_spoof' in security, expected mac_spoof_guard, "
         "dhcp_server, router or storm_pps"},
        {"security_dhcp_bool", PORTS VM ", security: { dhcp_server: 1 } }\n",
         "4:109: port 'vm': invalid security.dhcp_server '1', expected true or false"},
        {"security_router_bool", PORTS VM ", security: { router: no } }\n",
         "4:104: port 'vm': invalid security.router 'no', expected true or false"},
        {"security_storm_range", PORTS VM ", security: { storm_pps: 100000001 } }\n",
         "4:107: port 'vm': invalid security.storm_pps '100000001', expected an integer "
         "0..100000000"},
        {"security_bool", PORTS VM ", security: { mac_spoof_guard: yes } }\n",
         "4:113: port 'vm': invalid security.mac_spoof_guard 'yes', expected true or false"},
        {"sock_vhost_outside", PORTS VM " }\nsocket_dirs: [/run/vsw]\n",
         "4:73: port 'vm': vhost.path /x.sock is outside socket_dirs, expected a path in /run/vsw "
         "(without '.', '..' or '//')"},
        {"sock_dotdot",
         PORTS "  - { name: vm, type: synthetic, mac: 02:00:00:00:00:01, "
               "vhost: { path: /run/vsw/../x.sock } }\nsocket_dirs: [/run/vsw]\n",
         "4:73: port 'vm': vhost.path /run/vsw/../x.sock is outside socket_dirs, expected a path "
         "in /run/vsw (without '.', '..' or '//')"},
        {"sock_control_outside",
         "eal: { args: [] }\nworkers: { lcores: [1] }\ncontrol: { socket: /tmp/c.sock }\n"
         "ports:\n  - { name: u, type: external, device: x }\nsocket_dirs: [/tmp/v, /run]\n",
         "3:20: control.socket /tmp/c.sock is outside socket_dirs, expected a path in /tmp/v, /run "
         "(without '.', '..' or '//')"},
        {"sock_control_default",
         PORTS "  - { name: u, type: external, device: x }\n"
               "socket_dirs: [/srv]\n",
         "5:14: control socket (the default) /run/vsw/vswd.sock is outside socket_dirs, expected a "
         "path in /srv (without '.', '..' or '//')"},
        {"sock_vf_dir_outside",
         PORTS "  - { name: u, type: external, device: x }\n" NIC4
               ", vf_socket_dir: /tmp/vf }\nsocket_dirs: [/run/vsw]\n",
         "6:108: nic switch 'nic0': vf_socket_dir /tmp/vf is outside socket_dirs, expected a path "
         "in /run/vsw (without '.', '..' or '//')"},
        {"sock_dirs_relative", PORTS VM " }\nsocket_dirs: [run/vsw]\n",
         "5:15: socket_dirs entry 'run/vsw' is relative, expected an absolute path"},
        {"sock_dirs_empty", PORTS VM " }\nsocket_dirs: []\n",
         "5:14: socket_dirs has 0 entries, expected 1..8"},
        {"sock_mode", PORTS VM " }\nvhost_sockets: { mode: \"0668\" }\n",
         "5:24: invalid vhost_sockets.mode '0668', expected octal permission bits 0000..0777"},
        {"sock_mode_big", PORTS VM " }\nvhost_sockets: { mode: \"01777\" }\n",
         "5:24: invalid vhost_sockets.mode '01777', expected octal permission bits 0000..0777"},
        {"sock_owner", PORTS VM " }\nvhost_sockets: { owner: no-such-user-vsw }\n",
         "5:25: vhost_sockets.owner 'no-such-user-vsw': no such user on this host, expected a user "
         "name or number"},
        {"sock_group", PORTS VM " }\nvhost_sockets: { group: no-such-group-vsw }\n",
         "5:25: vhost_sockets.group 'no-such-group-vsw': no such group on this host, expected a "
         "group name or number"},
        {"sock_typo", PORTS VM " }\nvhost_sockets: { perms: \"0600\" }\n",
         "5:18: unknown key 'perms' in vhost_sockets, expected owner, group or mode"},
        {"vf_word", PORTS VM ", vf: any }\n",
         "4:88: port 'vm': invalid vf 'any', expected none, auto or an integer 0..63"},
        {"vf_range", PORTS VM ", vf: 64 }\n",
         "4:88: port 'vm': invalid vf '64', expected none, auto or an integer 0..63"},
        {"vf_netdevs_too_many", PORTS VM " }\n" NIC0 ", vf_netdevs: [t0] }\n",
         "6:105: nic switch 'nic0': vf_netdevs has 1 names, expected at most num_vfs (0)"},
        {"vf_netdevs_bad_name", PORTS VM " }\n" NIC4 ", vf_netdevs: [t0, 'a/b'] }\n",
         "6:110: nic switch 'nic0': invalid vf_netdevs name 'a/b', expected an interface name of "
         "at most 15 letters, digits, '-', '_' or '.'"},
        {"vf_netdevs_flow",
         PORTS VM " }\n" FLOW ", queue_pairs: { total: 4 }, vf_netdevs: [t0] }\n",
         "6:77: nic switch 'n': unexpected key 'vf_netdevs', expected it only with backend "
         "emulated"},
        {"vf_netdevs_twice",
         PORTS VM " }\n" NIC4 ", vf_netdevs: [t0],\n"
                  "      vports: [ { id: 1, function: vf0, vf_netdev: t1 } ] }\n",
         "7:36: nic switch 'nic0': vport 1: vf0 is shown as 't0' by vf_netdevs, expected one "
         "interface per vf"},
        {"vf_beyond", PORTS VM ", vf: 4 }\n" NIC4 " }\n",
         "4:88: port 'vm': vf 4 is beyond every nic switch's vfs, expected 0..3"},
        {"vf_priority_range", PORTS VM ", vf_priority: 1001 }\n",
         "4:97: port 'vm': invalid vf_priority '1001', expected an integer 0..1000"},
        {"announce_not_bool", PORTS VM ", announce_on_connect: maybe }\n",
         "4:105: port 'vm': invalid announce_on_connect 'maybe', expected true or false"},
        {"announce_on_external",
         PORTS "  - { name: up, type: external, device: x, announce_on_connect: true }\n",
         "4:65: port 'up': unexpected key 'announce_on_connect', expected it only on synthetic "
         "ports"},
        {"vf_priority_on_external",
         PORTS "  - { name: up, type: external, device: x, vf_priority: 1 }\n",
         "4:57: port 'up': unexpected key 'vf_priority', expected it only on synthetic ports"},
        {"vf_auto_no_vfs", PORTS VM ", vf: auto }\n" NIC0 " }\n",
         "4:88: port 'vm': vf auto needs a vf, expected a nic switch with num_vfs above 0"},
        {"netdev_chars", PORTS "  - { name: tap, type: internal, netdev: 'a/b' }\n",
         "4:42: port 'tap': invalid netdev 'a/b', expected an interface name of letters, digits, "
         "'_', '.' or '-'"},
        {"netdev_dotdot", PORTS "  - { name: tap, type: internal, netdev: '..' }\n",
         "4:42: port 'tap': invalid netdev '..', expected an interface name of letters, digits, "
         "'_', '.' or '-'"},
        {"netdev_on_synthetic", PORTS VM ", netdev: tap0 }\n",
         "4:92: port 'vm': unexpected key 'netdev', expected it only on external, internal or "
         "emulated ports"},
        {"nicsw_on_synthetic", PORTS VM ", nic_switch: nic0 }\n" NIC4 " }\n",
         "4:96: port 'vm': unexpected key 'nic_switch', expected it only on external ports"},
        {"vhost_on_internal",
         PORTS "  - { name: tap, type: internal, netdev: tap0, vhost: { path: /x } }\n",
         "4:55: port 'tap': unexpected key 'vhost', expected it only on synthetic ports"},
        {"port_nicsw_none", PORTS "  - { name: up, type: external, nic_switch: nic0 }\n",
         "4:45: port 'up': unknown nic_switch 'nic0', expected a defined one (there is none)"},
        {"port_nicsw_bad", PORTS "  - { name: up, type: external, nic_switch: 'nic 0' }\n",
         "4:45: port 'up': invalid nic_switch 'nic 0', expected a nic switch name"},
        {"mirror_unknown_far",
         PORTS VM " }\n  - { name: mon0, type: internal, netdev: mon0 }\n"
                  "mirrors: [{ name: m, source: vm, destination: zzz }]\n",
         "6:47: mirror 'm': unknown destination port 'zzz', expected vm or mon0"},
        {"mirror_no_destination", PORTS VM " }\nmirrors: [{ name: m, source: vm }]\n",
         "5:11: mirror 'm': missing key 'destination'"},
        {"mirror_dup_name",
         PORTS VM " }\n" UP "mirrors:\n  - { name: m, source: vm, destination: up }\n"
                  "  - { name: m, source: vm, destination: up }\n",
         "8:13: duplicate mirror name 'm', expected unique names (first at line 7)"},
        {"mirror_bad_name",
         PORTS VM " }\nmirrors: [{ name: 'm 1', source: vm, destination: up }]\n",
         "5:19: mirrors[0]: invalid mirror name 'm 1', expected letters, digits, '_', '.' or '-'"},
        {"mirror_scalar", PORTS VM " }\nmirrors: [m1]\n",
         "5:11: expected a mapping for mirrors[0], got a string"},
        {"nicsw_flow_socket_dir",
         PORTS UP FLOW ", queue_pairs: { total: 1 }, vf_socket_dir: /run }\n",
         "6:80: nic switch 'n': unexpected key 'vf_socket_dir', expected it only with backend "
         "emulated"},
        {"nicsw_no_pf",
         PORTS UP "nic_switches:\n  - { name: n, backend: flow, queue_pairs: { total: 1 } }\n",
         "6:5: nic switch 'n': missing key 'pf'"},
        {"nicsw_pf_empty",
         PORTS UP
         "nic_switches:\n  - { name: n, backend: flow, pf: '', queue_pairs: { total: 1 } }\n",
         "6:35: nic switch 'n': pf is empty, expected a pci address or a vdev string"},
        {"nicsw_dup_pf",
         PORTS UP FLOW ", queue_pairs: { total: 1 } }\n"
                       "  - { name: m, backend: flow, pf: x, queue_pairs: { total: 1 } }\n",
         "7:35: nic switch 'm': duplicate pf 'x', expected unique pfs (nic switch 'n' has it)"},
        {"qps_total_zero", PORTS UP FLOW ", queue_pairs: { total: 0 } }\n",
         "6:60: nic switch 'n': invalid queue_pairs.total '0', expected an integer 1..4096"},
        {"qps_scalar", PORTS UP FLOW ", queue_pairs: 16 }\n",
         "6:51: nic switch 'n': expected a mapping for queue_pairs, got a string"},
        {"qps_no_total", PORTS UP FLOW ", queue_pairs: { default_vport: 1 } }\n",
         "6:51: nic switch 'n': missing key 'total' in queue_pairs"},
        {"asymmetric_bad", PORTS UP NIC4 ", asymmetric: maybe }\n",
         "6:105: nic switch 'nic0': invalid asymmetric 'maybe', expected true or false"},
        {"nicsws_scalar", PORTS UP "nic_switches: nic0\n",
         "5:15: expected a sequence for nic_switches, got a string"},
        {"vports_mapping", PORTS UP NIC4 ", vports: { id: 1 } }\n",
         "6:101: nic switch 'nic0': expected a sequence for vports, got a mapping"},
        {"vport_id_zero", PORTS UP NIC4 ", vports: [{ id: 0, function: pf }] }\n",
         "6:108: nic switch 'nic0': vports[0]: invalid id '0', expected an integer 1..127"},
        {"vport_no_function", PORTS UP NIC4 ", vports: [{ id: 1 }] }\n",
         "6:102: nic switch 'nic0': vport 1: missing key 'function' in vport"},
        {"vport_function_bad", PORTS UP NIC4 ", vports: [{ id: 1, function: vf }] }\n",
         "6:121: nic switch 'nic0': vport 1: invalid function 'vf', expected pf or vf0..vf63"},
        {"vport_function_no_vfs", PORTS UP NIC0 ", vports: [{ id: 1, function: vf0 }] }\n",
         "6:121: nic switch 'nic0': vport 1: function vf0, expected pf (num_vfs is 0)"},
        {"vport_moderation_zero",
         PORTS UP NIC4 ", vports: [{ id: 1, function: pf, interrupt_moderation: 0 }] }\n",
         "6:147: nic switch 'nic0': vport 1: invalid interrupt_moderation '0', expected adaptive, "
         "off or an integer 1..1000000"},
        {"vport_operational_bad",
         PORTS UP NIC4 ", vports: [{ id: 1, function: pf, operational: 1 }] }\n",
         "6:138: nic switch 'nic0': vport 1: invalid operational '1', expected true or false"},
        {"vport_typo", PORTS UP NIC4 ", vports: [{ id: 1, function: pf, queue_pair: 1 }] }\n",
         "6:125: nic switch 'nic0': vport 1: unknown key 'queue_pair' in vport (did you mean "
         "'queue_pairs'?)"},
        {"filter_multicast",
         PORTS UP NIC4 ", vports: [{ id: 1, function: pf,\n"
                       "    filters: [{ mac: 01:00:00:00:00:01 }] }] }\n",
         "7:22: nic switch 'nic0': vport 1: mac 01:00:00:00:00:01 is multicast, expected a unicast "
         "address"},
        {"filter_no_mac",
         PORTS UP NIC4 ", vports: [{ id: 1, function: pf, filters: [{ vlan: 3 }] }] }\n",
         "6:135: nic switch 'nic0': vport 1: missing key 'mac' in filter"},
        {"filter_typo",
         PORTS UP NIC4 ", vports: [{ id: 1, function: pf,\n"
                       "    filters: [{ mac: 02:00:00:00:00:01, vid: 3 }] }] }\n",
         "7:41: nic switch 'nic0': vport 1: unknown key 'vid' in filter, expected mac or vlan"},
        {"vf_socket_too_long",
         PORTS UP NIC4
         ",\n    vf_socket_dir: /run/vsw/ddddddddddddddddddddddddddddddddddddddddddddd"
         "ddddddddddddddddddddddddddddddddddddddddddddd }\n",
         "7:20: nic switch 'nic0': vf socket path "
         "'/run/vsw/"
         "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
         "d/nic0-vf0.sock' is too long, expected at most 107 bytes (shorten vf_socket_dir)"},
        {"vhost_is_vf_socket",
         PORTS "  - { name: vm, type: synthetic, mac: 02:00:00:00:00:01,\n"
               "      vhost: { path: /run/vsw/vf/nic0-vf1.sock } }\n" NIC4 " }\n",
         "5:22: port 'vm': vhost.path '/run/vsw/vf/nic0-vf1.sock' is the socket of vf1 of nic "
         "switch 'nic0', expected another path"},
        {"vf_socket_is_control",
         HDR "control: { socket: /run/vsw/vf/nic0-vf3.sock }\nports:\n" UP NIC4 " }\n",
         "7:5: nic switch 'nic0': vf3's socket '/run/vsw/vf/nic0-vf3.sock' is the control socket, "
         "expected another vf_socket_dir"},
        {"device_is_pf_flow",
         PORTS "  - { name: up, type: external, device: x }\n" FLOW
               ", queue_pairs: { total: 1 } }\n",
         "4:41: port 'up': device 'x' is the pf of nic switch 'n', expected nic_switch: n instead"},
};

static void
test_too_many_ports(void **state)
{
	static const char hdr[] = HDR "ports:\n";
	char text[VSW_PORTS_MAX * 64 + 256];
	size_t len = strlen(hdr);

	(void)state;
	memcpy(text, hdr, len + 1);
	for (unsigned int i = 0; i <= VSW_PORTS_MAX; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		                        "  - { name: p%u, type: external, device: x }\n", i);
	check_refused("many", text, "68:5: ports has 65 ports, expected at most 64", -EINVAL);
	/* 64 external ports are refused for another reason: the count itself is fine. */
	text[strlen(text) - strlen("  - { name: p64, type: external, device: x }\n")] = '\0';
	check_refused("many", text,
	              "5:5: port 'p1': second external port, expected at most one ('p0' is "
	              "external)",
	              -EINVAL);
}

/* Every security key read as written, overriding the type's defaults. */
static void
test_security_keys(void **state)
{
	static const char text[] =
	        "eal: { args: [] }\n"
	        "workers: { lcores: [1] }\n"
	        "ports:\n"
	        "  - { name: up, type: external, device: x,\n"
	        "      security: { dhcp_server: false, router: false, storm_pps: 7 } }\n"
	        "  - { name: vm, type: synthetic, mac: 02:00:00:00:00:01, vhost: { path: /x.sock "
	        "},\n"
	        "      security: { mac_spoof_guard: false, dhcp_server: true, router: true,\n"
	        "                  storm_pps: 100000000 } }\n";
	struct vsw_topo *topo = topo_poisoned();
	const struct vsw_topo_port *p = topo->ports;

	(void)state;
	assert_int_equal(vsw_topo_load_string("mem", text, strlen(text), topo, NULL), 0);
	assert_false(p[0].security.is_dhcp_server_allowed);
	assert_false(p[0].security.is_router_allowed);
	assert_int_equal(p[0].security.storm_pps, 7);
	assert_false(p[1].security.has_mac_spoof_guard);
	assert_true(p[1].security.is_dhcp_server_allowed);
	assert_true(p[1].security.is_router_allowed);
	assert_int_equal(p[1].security.storm_pps, VSW_TOPO_STORM_PPS_MAX);
	free(topo);
}

/* Defaults of the new keys by port type, and optional sections present but empty. */
static void
test_v2_defaults(void **state)
{
	static const char text[] =
	        "eal: { args: [] }\n"
	        "workers: { lcores: [1] }\n"
	        "fdb: { aging_s: 86400 }\n"
	        "ports:\n"
	        "  - { name: up, type: external, device: x, vlan: { mode: access } }\n"
	        "  - { name: tap, type: internal, netdev: vsw-tap }\n"
	        "  - { name: e1000, type: emulated, netdev: tap0, mac: 02:00:00:00:00:05 }\n"
	        "  - { name: vm, type: synthetic, mac: 02:00:00:00:00:01, vhost: { path: /x.sock "
	        "},\n"
	        "      vf: none, vlan: { mode: trunk, allowed: [1] } }\n"
	        "mirrors: []\n"
	        "nic_switches:\n"
	        "  - { name: n, backend: emulated, pf: y, queue_pairs: { total: 1 }, vports: [] "
	        "}\n";
	struct vsw_topo *topo = topo_poisoned();
	const struct vsw_topo_port *p = topo->ports;
	const struct vsw_topo_nicsw *sw = &topo->nicsws[0];

	(void)state;
	assert_int_equal(vsw_topo_load_string("mem", text, strlen(text), topo, NULL), 0);
	assert_int_equal(topo->fdb_aging_s, 86400);
	assert_int_equal(topo->fdb_entries_max, VSW_TOPO_FDB_ENTRIES_DEFAULT);
	assert_int_equal(p[0].vlan.cfg.mode, VSW_VLAN_ACCESS);
	assert_int_equal(p[0].vlan.cfg.id, 0);
	assert_false(p[0].security.has_mac_spoof_guard);
	assert_int_equal(p[1].vlan.cfg.mode, VSW_VLAN_ACCESS);
	assert_false(p[1].has_mac);
	assert_false(p[1].security.has_mac_spoof_guard);
	assert_true(p[2].security.has_mac_spoof_guard);
	/* DHCP and router guards: on for VM NICs (synthetic, emulated), off for the others. */
	for (unsigned int i = 0; i < 4; i++) {
		const bool is_guest = i >= 2;

		assert_int_equal(p[i].security.is_dhcp_server_allowed, !is_guest);
		assert_int_equal(p[i].security.is_router_allowed, !is_guest);
		assert_int_equal(p[i].security.storm_pps, 0);
	}
	assert_int_equal(p[3].vlan.cfg.mode, VSW_VLAN_TRUNK);
	assert_false(p[3].vlan.is_all);
	assert_int_equal(p[3].vlan.cfg.native, 0);
	assert_allowed(&p[3].vlan, (const int[]){1, 0});
	assert_int_equal(p[3].vf_mode, VSW_TOPO_VF_NONE);
	assert_int_equal(topo->n_mirrors, 0);
	assert_int_equal(topo->n_nicsws, 1);
	assert_int_equal(sw->num_vfs, 0);
	assert_int_equal(sw->qp_default, 1);
	assert_false(sw->is_asymmetric);
	assert_string_equal(sw->vf_socket_dir, VSW_TOPO_VF_SOCKET_DIR_DEFAULT);
	assert_int_equal(sw->n_vports, 0);
	free(topo);
}

/* Appends printf-style text at the end of @p buf (of @p size bytes). */
static void __attribute__((format(printf, 3, 4)))
append(char *buf, size_t size, const char *fmt, ...)
{
	const size_t len = strlen(buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < size - len);
}

/* A file with @p n_mirrors mirrors, @p n_nicsws switches, @p n_vports vports on the first,
 * @p n_filters filters on its first vport. */
static void
v2_text(char *buf, size_t size, unsigned int n_mirrors, unsigned int n_nicsws,
        unsigned int n_vports, unsigned int n_filters)
{
	buf[0] = '\0';
	append(buf, size, "%s", PORTS VM " }\n" UP);
	append(buf, size, "%s", n_mirrors > 0 ? "mirrors:\n" : "");
	for (unsigned int i = 0; i < n_mirrors; i++)
		append(buf, size, "  - { name: m%u, source: vm, destination: up }\n", i);
	append(buf, size, "nic_switches:\n");
	for (unsigned int s = 0; s < n_nicsws; s++) {
		append(buf, size,
		       "  - { name: n%u, backend: flow, pf: x%u, queue_pairs: { total: %u },\n"
		       "      vports: [\n",
		       s, s, VSW_NICSW_QPS_MAX);
		for (unsigned int v = 0; s == 0 && v < n_vports; v++) {
			append(buf, size, "        { id: %u, function: pf, filters: [", v + 1);
			for (unsigned int f = 0; v == 0 && f < n_filters; f++)
				append(buf, size, "{ mac: 02:00:00:00:01:%02x }, ", f);
			append(buf, size, "] },\n");
		}
		append(buf, size, "      ] }\n");
	}
}

/* Each list of schema v2 holds its limit and refuses one more, at the first one too many. */
static void
test_v2_limits(void **state)
{
	struct vsw_topo *topo = topo_poisoned();
	char text[16384];

	(void)state;
	v2_text(text, sizeof(text), VSW_TOPO_MIRRORS_MAX, 1, VSW_TOPO_VPORTS_MAX,
	        VSW_TOPO_FILTERS_MAX);
	assert_int_equal(vsw_topo_load_string("many", text, strlen(text), topo, NULL), 0);
	assert_int_equal(topo->n_mirrors, VSW_TOPO_MIRRORS_MAX);
	assert_int_equal(topo->nicsws[0].n_vports, VSW_TOPO_VPORTS_MAX);
	assert_int_equal(topo->nicsws[0].vports[0].n_filters, VSW_TOPO_FILTERS_MAX);
	free(topo);
	v2_text(text, sizeof(text), VSW_TOPO_MIRRORS_MAX + 1, 1, 1, 0);
	check_refused("many", text, "23:5: mirrors has 17 mirrors, expected at most 16", -EINVAL);
	v2_text(text, sizeof(text), 0, 1, VSW_TOPO_VPORTS_MAX + 1, 0);
	check_refused("many", text,
	              "41:9: nic switch 'n0': vports has 33 vports, expected at most 32", -EINVAL);
	v2_text(text, sizeof(text), 0, 1, 1, VSW_TOPO_FILTERS_MAX + 1);
	check_refused(
	        "many", text,
	        "9:490: nic switch 'n0': vport 1: filters has 17 filters, expected at most 16",
	        -EINVAL);
	v2_text(text, sizeof(text), 0, VSW_TOPO_NICSW_MAX + 1, 0, 0);
	check_refused("many", text, "19:5: nic_switches has 5 nic switches, expected at most 4",
	              -EINVAL);
}

static void
test_eal_arg_too_long(void **state)
{
	char text[VSW_EAL_ARG_SIZE + 64];
	char arg[VSW_EAL_ARG_SIZE + 1];

	(void)state;
	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	(void)snprintf(text, sizeof(text), "eal: { args: [%s] }\n", arg);
	check_refused("long", text, "1:15: eal.args[0] is too long, expected at most 255 bytes",
	              -EINVAL);
}

static void
test_missing_file(void **state)
{
	struct vsw_topo *topo = topo_poisoned();
	struct vsw_errmsg err = {{0}};
	char path[PATH_MAX];
	char want[PATH_MAX + VSW_ERRMSG_SIZE]; /* as long as the path allows, to compare in full */

	(void)state;
	fixture_path(path, sizeof(path), "no_such_file.yaml");
	assert_int_equal(vsw_topo_load_file(path, topo, &err), -ENOENT);
	(void)snprintf(want, sizeof(want), "%s: %s", path, strerror(ENOENT));
	assert_string_equal(err.msg, want);
	assert_zeroed(topo);

	/* A directory opens, then fails to read. */
	memset(topo, POISON, sizeof(*topo));
	fixture_path(path, sizeof(path), "");
	assert_int_equal(vsw_topo_load_file(path, topo, &err), -EISDIR);
	(void)snprintf(want, sizeof(want), "%s: %s", path, strerror(EISDIR));
	assert_string_equal(err.msg, want);
	assert_zeroed(topo);
	free(topo);
}

/* A wrong path to a big file fails on its size, before any parsing. */
static void
test_file_too_large(void **state)
{
	struct vsw_topo *topo = topo_poisoned();
	struct vsw_errmsg err = {{0}};
	char path[] = "/tmp/test_topo_XXXXXX";
	char want[sizeof(path) + VSW_ERRMSG_SIZE];
	char line[4096];
	const int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	memset(line, '#', sizeof(line));
	line[sizeof(line) - 1] = '\n';
	for (size_t n = 0; n <= TOPO_FILE_SIZE_MAX; n += sizeof(line))
		assert_int_equal(write(fd, line, sizeof(line)), sizeof(line));
	assert_int_equal(close(fd), 0);
	assert_int_equal(vsw_topo_load_file(path, topo, &err), -EFBIG);
	(void)snprintf(want, sizeof(want), "%s: file too large, expected at most 1048576 bytes",
	               path);
	assert_string_equal(err.msg, want);
	assert_zeroed(topo);
	assert_int_equal(unlink(path), 0);
	free(topo);
}

/* No message wanted: the refusal still happens and the struct is still zeroed. */
static void
test_null_errmsg(void **state)
{
	struct vsw_topo *topo = topo_poisoned();
	char path[PATH_MAX];

	(void)state;
	fixture_path(path, sizeof(path), "bad_mac.yaml");
	assert_int_equal(vsw_topo_load_file(path, topo, NULL), -EINVAL);
	assert_zeroed(topo);
	fixture_path(path, sizeof(path), "no_such_file.yaml");
	assert_int_equal(vsw_topo_load_file(path, topo, NULL), -ENOENT);
	assert_zeroed(topo);
	free(topo);
}

static void
test_long_name(void **state)
{
	struct vsw_topo *topo = topo_poisoned();
	struct vsw_errmsg err = {{0}};
	char name[sizeof(topo->file) + 1];

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(vsw_topo_load_string(name, "", 0, topo, &err), -ENAMETOOLONG);
	assert_non_null(strstr(err.msg, ": file name too long, expected at most 431 bytes"));
	assert_zeroed(topo);
	free(topo);
}

static void
test_enum_names(void **state)
{
	(void)state;
	assert_string_equal(vsw_port_type_name(VSW_PORT_EXTERNAL), "external");
	assert_string_equal(vsw_port_type_name(VSW_PORT_SYNTHETIC), "synthetic");
	assert_string_equal(vsw_port_type_name((enum vsw_port_type)7), "unknown");
	assert_string_equal(vsw_vhost_mode_name(VSW_VHOST_SERVER), "server");
	assert_string_equal(vsw_vhost_mode_name(VSW_VHOST_CLIENT), "client");
	assert_string_equal(vsw_vhost_mode_name((enum vsw_vhost_mode)7), "unknown");
	assert_string_equal(vsw_port_type_name(VSW_PORT_INTERNAL), "internal");
	assert_string_equal(vsw_port_type_name(VSW_PORT_EMULATED), "emulated");
	assert_string_equal(vsw_mirror_direction_name(VSW_MIRROR_RX), "rx");
	assert_string_equal(vsw_mirror_direction_name(VSW_MIRROR_TX), "tx");
	assert_string_equal(vsw_mirror_direction_name(VSW_MIRROR_BOTH), "both");
	assert_string_equal(vsw_mirror_direction_name((enum vsw_mirror_direction)0), "unknown");
	assert_int_equal(VSW_MIRROR_BOTH, VSW_MIRROR_RX | VSW_MIRROR_TX);
	assert_string_equal(vsw_nicsw_backend_name(VSW_NICSW_BACKEND_EMULATED), "emulated");
	assert_string_equal(vsw_nicsw_backend_name(VSW_NICSW_BACKEND_FLOW), "flow");
	assert_string_equal(vsw_nicsw_backend_name((enum vsw_nicsw_backend)7), "unknown");
}

static void
test_enum_parse(void **state)
{
	enum vsw_port_type type = VSW_PORT_EXTERNAL;
	enum vsw_mirror_direction direction = VSW_MIRROR_RX;
	enum vsw_nicsw_backend backend = VSW_NICSW_BACKEND_EMULATED;

	(void)state;
	assert_int_equal(topo_port_type_parse("emulated", &type), 0);
	assert_int_equal(type, VSW_PORT_EMULATED);
	assert_int_equal(topo_port_type_parse("internal", &type), 0);
	assert_int_equal(type, VSW_PORT_INTERNAL);
	assert_int_equal(topo_port_type_parse("tap", &type), -EINVAL);
	assert_int_equal(topo_mirror_direction_parse("both", &direction), 0);
	assert_int_equal(direction, VSW_MIRROR_BOTH);
	assert_int_equal(topo_mirror_direction_parse("Both", &direction), -EINVAL);
	assert_int_equal(topo_nicsw_backend_parse("flow", &backend), 0);
	assert_int_equal(backend, VSW_NICSW_BACKEND_FLOW);
	assert_int_equal(topo_nicsw_backend_parse("", &backend), -EINVAL);
	assert_int_equal(backend, VSW_NICSW_BACKEND_FLOW);
}

/* The socket path of a VF: separators, and paths that do not fit. */
static void
test_vf_socket_path(void **state)
{
	struct vsw_topo_nicsw sw = {.name = "nic0", .backend = VSW_NICSW_BACKEND_EMULATED};
	char path[VSW_PATH_SIZE];

	(void)state;
	strcpy(sw.vf_socket_dir, "/");
	assert_int_equal(vsw_topo_vf_socket_path(&sw, 63, path, sizeof(path)), 0);
	assert_string_equal(path, "/nic0-vf63.sock");
	strcpy(sw.vf_socket_dir, "/run");
	assert_int_equal(vsw_topo_vf_socket_path(&sw, 0, path, sizeof(path)), 0);
	assert_string_equal(path, "/run/nic0-vf0.sock");
	assert_int_equal(vsw_topo_vf_socket_path(&sw, 0, path, 18), -ENAMETOOLONG);
	assert_int_equal(vsw_topo_vf_socket_path(&sw, 0, path, 19), 0);
	sw.backend = VSW_NICSW_BACKEND_FLOW;
	assert_int_equal(vsw_topo_vf_socket_path(&sw, 0, path, sizeof(path)), -EINVAL);
}

/*
 * CREATE_SWITCH's parameters from a file: a symmetric switch's VPort count is its VPorts'
 * (1 with none), an asymmetric one takes none; vsw_nicsw_create() refuses anything else.
 */
static void
test_create_switch_params_from_file(void **state)
{
	static const char *const texts[] = {
	        PORTS "  - { name: up, type: external, nic_switch: nic0 }\n" NIC4
	              ", vports: [ { id: 1, function: vf0, queue_pairs: 3 },"
	              " { id: 2, function: vf2, queue_pairs: 3 } ] }\n",
	        PORTS "  - { name: up, type: external, nic_switch: nic0 }\n" NIC4 " }\n",
	        PORTS
	        "  - { name: up, type: external, nic_switch: nic0 }\n" NIC4
	        ", asymmetric: true, vports: [ { id: 1, function: vf0, queue_pairs: 3 } ] }\n",
	};
	static const uint16_t want_per_vport[] = {3, 1, 0};
	struct vsw_topo *topo = topo_poisoned();

	(void)state;
	for (unsigned int i = 0; i < sizeof(want_per_vport) / sizeof(want_per_vport[0]); i++) {
		struct vsw_errmsg err = {{0}};
		struct vsw_nicsw_params p;

		assert_int_equal(
		        vsw_topo_load_string("mem", texts[i], strlen(texts[i]), topo, &err), 0);
		memset(&p, 0x5a, sizeof(p));
		vsw_topo_nicsw_params(&topo->nicsws[0], &p);
		assert_string_equal(p.name, "nic0");
		assert_int_equal(p.num_vfs, 4);
		assert_int_equal(p.qp_total, 16);
		assert_int_equal(p.qp_default, 1);
		assert_int_equal(p.is_asymmetric, i == 2);
		assert_int_equal(p.qp_per_vport, want_per_vport[i]);
	}
	free(topo);
}

static void
test_mac(void **state)
{
	static const uint8_t want[6] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
	static const char *const bad[] = {"",
	                                  "52:54:00:ab:cd",
	                                  "52:54:00:ab:cd:ef:",
	                                  "52:54:00:ab:cd:efa",
	                                  "52:54:00:ab:cd:e",
	                                  "5:54:00:ab:cd:ef0",
	                                  "52.54.00.ab.cd.ef",
	                                  "52:54:00:ab:cd:gg",
	                                  " 52:54:00:ab:cd:ef"};
	uint8_t mac[6];
	char s[TOPO_MAC_STR_SIZE];

	(void)state;
	assert_int_equal(topo_mac_parse("52:54:00:AB:cd:Ef", mac), 0);
	assert_memory_equal(mac, want, 6);
	topo_mac_format(mac, s);
	assert_string_equal(s, "52:54:00:ab:cd:ef");
	assert_false(topo_mac_is_multicast(mac));
	assert_false(topo_mac_is_zero(mac));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(mac, want, 6);
		assert_int_equal(topo_mac_parse(bad[i], mac), -EINVAL);
		assert_memory_equal(mac, want, 6); /* untouched on failure */
	}
	assert_int_equal(topo_mac_parse("ff:ff:ff:ff:ff:ff", mac), 0);
	assert_true(topo_mac_is_multicast(mac));
	assert_int_equal(topo_mac_parse("03:00:00:00:00:00", mac), 0);
	assert_true(topo_mac_is_multicast(mac));
	assert_int_equal(topo_mac_parse("00:00:00:00:00:00", mac), 0);
	assert_true(topo_mac_is_zero(mac));
	assert_false(topo_mac_is_multicast(mac));
}

static void
test_values(void **state)
{
	unsigned int lcore = 7;

	(void)state;
	assert_int_equal(topo_name_check("a"), 0);
	assert_int_equal(topo_name_check("A-z_0.9"), 0);
	assert_int_equal(topo_name_check("0123456789012345678901234567890"), 0);
	assert_int_equal(topo_name_check("01234567890123456789012345678901"), -ENAMETOOLONG);
	assert_int_equal(topo_name_check(""), -EINVAL);
	assert_int_equal(topo_name_check("a/b"), -EINVAL);
	assert_int_equal(topo_name_check("caf\xc3\xa9"), -EINVAL);
	assert_int_equal(topo_path_check("/x"), 0);
	assert_int_equal(topo_path_check("x"), -EINVAL);
	assert_int_equal(topo_path_check(""), -EINVAL);
	assert_int_equal(topo_lcore_parse("0", &lcore), 0);
	assert_int_equal(lcore, 0);
	assert_int_equal(topo_lcore_parse("1023", &lcore), 0);
	assert_int_equal(lcore, 1023);
	assert_int_equal(topo_lcore_parse("1024", &lcore), -ERANGE);
	assert_int_equal(topo_lcore_parse("99999999999999999999999", &lcore), -ERANGE);
	assert_int_equal(topo_lcore_parse("", &lcore), -EINVAL);
	assert_int_equal(topo_lcore_parse("0x1", &lcore), -EINVAL);
	assert_int_equal(topo_lcore_parse(" 1", &lcore), -EINVAL);
	assert_int_equal(lcore, 1023);
}

static void
test_values_v2(void **state)
{
	unsigned long value = 7;
	bool flag = false;

	(void)state;
	assert_int_equal(topo_uint_parse("0", 0, &value), 0);
	assert_int_equal(value, 0);
	assert_int_equal(topo_uint_parse("1048576", 1048576, &value), 0);
	assert_int_equal(value, 1048576);
	assert_int_equal(topo_uint_parse("1048577", 1048576, &value), -ERANGE);
	assert_int_equal(
	        topo_uint_parse("184467440737095516161844674407370955161", ULONG_MAX - 1, &value),
	        -ERANGE);
	assert_int_equal(topo_uint_parse("18446744073709551615", ULONG_MAX, &value), 0);
	assert_true(value == ULONG_MAX);
	assert_int_equal(topo_uint_parse("1048576", 1048576, &value), 0);
	assert_int_equal(topo_uint_parse("", 10, &value), -EINVAL);
	assert_int_equal(topo_uint_parse("+1", 10, &value), -EINVAL);
	assert_int_equal(topo_uint_parse("1_0", 100, &value), -EINVAL);
	assert_int_equal(topo_uint_parse("99999999999999999999x", 10, &value), -EINVAL);
	assert_int_equal(value, 1048576); /* untouched on failure */
	assert_int_equal(topo_bool_parse("TRUE", &flag), 0);
	assert_true(flag);
	assert_int_equal(topo_bool_parse("False", &flag), 0);
	assert_false(flag);
	assert_int_equal(topo_bool_parse("yes", &flag), -EINVAL);
	assert_int_equal(topo_bool_parse("1", &flag), -EINVAL);
	assert_int_equal(topo_bool_parse("tRUE", &flag), -EINVAL);
	assert_int_equal(topo_netdev_check("vsw-mgmt0"), 0);
	assert_int_equal(topo_netdev_check("a23456789012345"), 0);
	assert_int_equal(topo_netdev_check("a234567890123456"), -ENAMETOOLONG);
	assert_int_equal(topo_netdev_check(""), -EINVAL);
	assert_int_equal(topo_netdev_check("."), -EINVAL);
	assert_int_equal(topo_netdev_check(".."), -EINVAL);
	assert_int_equal(topo_netdev_check("..."), 0);
	assert_int_equal(topo_netdev_check("eth 0"), -EINVAL);
	assert_int_equal(topo_netdev_check("eth0:1"), -EINVAL);
}

static void
test_closest(void **state)
{
	static const char *const port[] = {"name", "type", "device", "mac", "vhost"};

	(void)state;
	assert_int_equal(topo_edit_distance("", ""), 0);
	assert_int_equal(topo_edit_distance("mac", "mac"), 0);
	assert_int_equal(topo_edit_distance("mca", "mac"), 1);
	assert_int_equal(topo_edit_distance("MAC", "mac"), 0);
	assert_int_equal(topo_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(topo_edit_distance("", "abc"), 3);
	assert_int_equal(topo_edit_distance("abc", ""), 3);
	assert_int_equal(topo_edit_distance("0123456789012345678901234567890123", "a"), UINT_MAX);
	assert_string_equal(topo_closest("mca", port, 5), "mac");
	assert_string_equal(topo_closest("nmae", port, 5), "name");
	assert_string_equal(topo_closest("vhosts", port, 5), "vhost");
	assert_string_equal(topo_closest("devcie", port, 5), "device");
	assert_string_equal(topo_closest("dvce", port, 5), "device");
	assert_null(topo_closest("foo", port, 5));
	assert_null(topo_closest("dev", port, 5));
	assert_null(topo_closest("", port, 5));
}

static int
run_bad_cases(const char *group, const struct bad_case *cases, size_t n_cases)
{
	struct CMUnitTest *tests = calloc(n_cases, sizeof(*tests));
	int failed;

	assert_non_null(tests);
	for (size_t i = 0; i < n_cases; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = test_bad;
		tests[i].initial_state = (void *)(uintptr_t)&cases[i];
	}
	failed = _cmocka_run_group_tests(group, tests, n_cases, NULL, NULL);
	free(tests);
	return failed;
}

#define EXT_TOPO_HEAD                                                                              \
	"eal: { args: [-l, '0'] }\n"                                                               \
	"workers: { lcores: [1] }\n"                                                               \
	"ports: [{ name: up, type: external, device: net_null0 }]\n"

static void
test_extensions(void **state)
{
	static const char text[] = EXT_TOPO_HEAD
	        "extensions:\n"
	        "  - { name: perv, file: /x/vlan_count.o, port: up, stage: ingress }\n"
	        "  - { name: drop, file: /x/d.o, section: prog, port: all,\n"
	        "      stage: egress, position: 0, params: [0x88b5, 7] }\n";
	struct vsw_topo *topo = topo_poisoned();

	(void)state;
	assert_int_equal(vsw_topo_load_string("mem", text, strlen(text), topo, NULL), 0);
	assert_int_equal(topo->n_exts, 2);
	assert_string_equal(topo->exts[0].name, "perv");
	assert_string_equal(topo->exts[0].file, "/x/vlan_count.o");
	assert_string_equal(topo->exts[0].section, "");
	assert_string_equal(topo->exts[0].port, "up");
	assert_false(topo->exts[0].is_egress);
	assert_int_equal(topo->exts[0].position, -1);
	assert_int_equal(topo->exts[0].n_params, 0);
	assert_int_equal(topo->exts[0].mark.line, 5);
	assert_string_equal(topo->exts[1].section, "prog");
	assert_string_equal(topo->exts[1].port, "all");
	assert_true(topo->exts[1].is_egress);
	assert_int_equal(topo->exts[1].position, 0);
	assert_int_equal(topo->exts[1].n_params, 2);
	assert_int_equal(topo->exts[1].params[0], 0x88b5);
	assert_int_equal(topo->exts[1].params[1], 7);
	free(topo);
}

static void
test_extensions_bad(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
	        {"  - { name: e, file: /x.o, port: nosuch, stage: ingress }\n",
	         "mem:5:34: extension 'e': unknown port 'nosuch', expected a port's name or all"},
	        {"  - { name: e, file: /x.o, port: up, stage: sideways }\n",
	         "mem:5:45: extension 'e': invalid stage 'sideways', expected ingress or egress"},
	        {"  - { name: e, file: x.o, port: up, stage: ingress }\n", NULL},
	        {"  - { name: e, file: /x.o, port: up, stage: ingress, params: [zz] }\n",
	         "mem:5:63: extension 'e': invalid param 'zz', expected an integer"},
	        {"  - { name: e, file: /x.o, port: up, stage: ingress }\n"
	         "  - { name: e, file: /y.o, port: up, stage: egress }\n",
	         "mem:6:13: extension 'e': duplicate extension name 'e', expected unique names"},
	        {"  - { name: e, file: /x.o, port: up }\n", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		struct vsw_errmsg err = {0};
		struct vsw_topo *topo = topo_poisoned();
		const int n = snprintf(text, sizeof(text), EXT_TOPO_HEAD "extensions:\n%s",
		                       cases[i].text);

		assert_true(n > 0 && (size_t)n < sizeof(text));
		assert_int_equal(vsw_topo_load_string("mem", text, strlen(text), topo, &err),
		                 -EINVAL);
		if (cases[i].msg != NULL)
			assert_string_equal(err.msg, cases[i].msg);
		assert_zeroed(topo);
		free(topo);
	}
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good_full),
	        cmocka_unit_test(test_good_full_v2),
	        cmocka_unit_test(test_extensions),
	        cmocka_unit_test(test_extensions_bad),
	        cmocka_unit_test(test_v2_defaults),
	        cmocka_unit_test(test_security_keys),
	        cmocka_unit_test(test_v2_limits),
	        cmocka_unit_test(test_default_config),
	        cmocka_unit_test(test_string_defaults),
	        cmocka_unit_test(test_string_len),
	        cmocka_unit_test(test_too_many_ports),
	        cmocka_unit_test(test_eal_arg_too_long),
	        cmocka_unit_test(test_missing_file),
	        cmocka_unit_test(test_file_too_large),
	        cmocka_unit_test(test_null_errmsg),
	        cmocka_unit_test(test_long_name),
	        cmocka_unit_test(test_enum_names),
	        cmocka_unit_test(test_enum_parse),
	        cmocka_unit_test(test_vf_socket_path),
	        cmocka_unit_test(test_create_switch_params_from_file),
	        cmocka_unit_test(test_values_v2),
	        cmocka_unit_test(test_mac),
	        cmocka_unit_test(test_values),
	        cmocka_unit_test(test_closest),
	};
	int failed = cmocka_run_group_tests_name("topo", tests, NULL, NULL);

	failed += run_bad_cases("topo_bad_files", bad_files,
	                        sizeof(bad_files) / sizeof(bad_files[0]));
	failed += run_bad_cases("topo_bad_strings", bad_strings,
	                        sizeof(bad_strings) / sizeof(bad_strings[0]));
	failed += run_bad_cases("topo_bad_strings_v2", bad_strings_v2,
	                        sizeof(bad_strings_v2) / sizeof(bad_strings_v2[0]));
	return failed != 0;
}
