/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the topology loader (lib/topo, R-IF-2), no EAL. A good file is loaded and every
 * field checked; each bad file under tests/fixtures/topo must be refused with -EINVAL, the exact
 * "file:line:column: reason" and a zeroed struct vsw_topo. Smaller cases go through
 * vsw_topo_load_string() directly, and the pure value checks of topo_priv.h are tested on their
 * own. Fixtures are found through $VSW_FIXTURES, which meson sets.
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

	if (dir == NULL)
		fail_msg("VSW_FIXTURES is not set: run through meson test");
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
         "8:11: port 'br0': unknown port type 'bridge', expected external or synthetic"},
        {"bad_synthetic_no_vhost.yaml", NULL,
         "7:5: port 'vm1': missing key 'vhost', expected vhost.path for a synthetic port"},
        {"bad_vhost_no_path.yaml", NULL, "10:12: port 'vm1': missing key 'path' in vhost"},
        {"bad_relative_path.yaml", NULL,
         "11:13: port 'vm1': vhost.path 'run/vsw/vm1.sock' is relative, expected an absolute path"},
        {"bad_vhost_mode.yaml", NULL,
         "10:45: port 'vm1': invalid vhost.mode 'both', expected server or client"},
        {"bad_external_no_device.yaml", NULL,
         "7:5: port 'uplink': missing key 'device', expected a dpdk device for an external port"},
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
         "4:33: port 'up': unknown key 'foo', expected name, type, device, mac or vhost"},
        {"port_type_case", HDR "ports:\n  - { name: up, type: External }\n",
         "4:23: port 'up': unknown port type 'External', expected external or synthetic"},
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

int
main(void)
{
	static const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good_full),       cmocka_unit_test(test_default_config),
	        cmocka_unit_test(test_string_defaults), cmocka_unit_test(test_string_len),
	        cmocka_unit_test(test_too_many_ports),  cmocka_unit_test(test_eal_arg_too_long),
	        cmocka_unit_test(test_missing_file),    cmocka_unit_test(test_file_too_large),
	        cmocka_unit_test(test_null_errmsg),     cmocka_unit_test(test_long_name),
	        cmocka_unit_test(test_enum_names),      cmocka_unit_test(test_mac),
	        cmocka_unit_test(test_values),          cmocka_unit_test(test_closest),
	};
	int failed = cmocka_run_group_tests_name("topo", tests, NULL, NULL);

	failed += run_bad_cases("topo_bad_files", bad_files,
	                        sizeof(bad_files) / sizeof(bad_files[0]));
	failed += run_bad_cases("topo_bad_strings", bad_strings,
	                        sizeof(bad_strings) / sizeof(bad_strings[0]));
	return failed != 0;
}
