/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of what a live reload and `vswctl dump` stand on (lib/topo, no EAL):
 * vsw_topo_write() must give text that loads back to the same struct (and writes the same text
 * again), for every good fixture and the shipped config; vsw_topo_diff() must sort each kind of
 * change into the right step, find nothing between a file and itself, and refuse every change
 * a running vswd cannot make, naming them all.
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

#include "vsw/topo.h"

#include <cmocka.h>

static const char *
fixtures_dir(void)
{
	const char *dir = getenv("VSW_FIXTURES");

	return dir != NULL ? dir : "tests/fixtures";
}

static struct vsw_topo *
load_file(const char *rel)
{
	struct vsw_topo *t = calloc(1, sizeof(*t));
	struct vsw_errmsg em = {{0}};
	char path[PATH_MAX];

	assert_non_null(t);
	(void)snprintf(path, sizeof(path), "%s/%s", fixtures_dir(), rel);
	if (vsw_topo_load_file(path, t, &em) != 0)
		fail_msg("%s", em.msg);
	return t;
}

static struct vsw_topo *
load_text(const char *name, const char *text)
{
	struct vsw_topo *t = calloc(1, sizeof(*t));
	struct vsw_errmsg em = {{0}};

	assert_non_null(t);
	if (vsw_topo_load_string(name, text, strlen(text), t, &em) != 0)
		fail_msg("%s\n%s", em.msg, text);
	return t;
}

static char *
write_text(const struct vsw_topo *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(vsw_topo_write(t, f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* Where things were in the file differs between a file and its dump: forget it. */
static void
forget_marks(struct vsw_topo *t)
{
	memset(t->file, 0, sizeof(t->file));
	for (unsigned int i = 0; i < VSW_PORTS_MAX; i++)
		t->ports[i].mark = (struct vsw_topo_mark){0};
	for (unsigned int i = 0; i < VSW_TOPO_MIRRORS_MAX; i++)
		t->mirrors[i].mark = (struct vsw_topo_mark){0};
	for (unsigned int i = 0; i < VSW_TOPO_EXTS_MAX; i++)
		t->exts[i].mark = (struct vsw_topo_mark){0};
	for (unsigned int i = 0; i < VSW_TOPO_NICSW_MAX; i++) {
		t->nicsws[i].mark = (struct vsw_topo_mark){0};
		for (unsigned int k = 0; k < VSW_TOPO_VPORTS_MAX; k++)
			t->nicsws[i].vports[k].mark = (struct vsw_topo_mark){0};
	}
}

static void
check_round_trip(struct vsw_topo *a)
{
	char *text = write_text(a);
	struct vsw_topo *b = load_text("dump.yaml", text);
	char *again = write_text(b);

	assert_string_equal(again, text);
	forget_marks(a);
	forget_marks(b);
	assert_int_equal(a->n_ports, b->n_ports);
	for (unsigned int i = 0; i < a->n_ports; i++)
		assert_memory_equal(&a->ports[i], &b->ports[i], sizeof(a->ports[i]));
	assert_memory_equal(a, b, sizeof(*a));
	free(again);
	free(text);
	free(b);
	free(a);
}

static void
test_round_trip_fixtures(void **state)
{
	(void)state;
	check_round_trip(load_file("topo/good_full.yaml"));
	check_round_trip(load_file("topo/good_full_v2.yaml"));
	check_round_trip(load_file("../../config/default.yaml"));
}

/* Strings that look like other YAML types, escapes, hex params, a trunk list. */
static void
test_round_trip_quoting(void **state)
{
	static const char text[] =
	        "eal: { args: ['-l', '0,1', '--file-prefix', 'true', '--vdev', 'a\"b\\\\c'] }\n"
	        "workers: { lcores: [1] }\n"
	        "ports:\n"
	        "  - { name: '123', type: external, device: 'null',\n"
	        "      vlan: { mode: trunk, allowed: [1, 4094, 7], native: 7 } }\n"
	        "  - { name: 'yes', type: synthetic, macs: ['02:00:00:00:00:01', "
	        "'02:00:00:00:00:02'],\n"
	        "      vhost: { path: '/run/a b.sock', mode: client }, vf_priority: 9 }\n"
	        "mirrors: [{ name: m, source: 'yes', destination: '123', direction: tx }]\n"
	        "extensions:\n"
	        "  - { name: e, file: /x/e.o, section: s1, port: all, stage: egress, position: 0,\n"
	        "      params: [0x88b5, 18446744073709551615] }\n";

	(void)state;
	check_round_trip(load_text("q.yaml", text));
}

/* Socket placement and permissions, and every security key, load back from their dump. */
static void
test_round_trip_sockets_security(void **state)
{
	static const char text[] =
	        "eal: { args: [] }\n"
	        "workers: { lcores: [1] }\n"
	        "control: { socket: /run/vsw/ctl/vswd.sock }\n"
	        "socket_dirs: [/run/vsw, /var/run/vsw-vms/]\n"
	        "vhost_sockets: { owner: root, group: \"0\", mode: \"0660\" }\n"
	        "ports:\n"
	        "  - { name: up, type: external, device: x, security: { storm_pps: 1000 } }\n"
	        "  - { name: vm, type: synthetic, mac: 02:00:00:00:00:01,\n"
	        "      vhost: { path: /var/run/vsw-vms/vm.sock },\n"
	        "      security: { dhcp_server: true, router: false, storm_pps: 5 } }\n";
	struct vsw_topo *t = load_text("s.yaml", text);

	(void)state;
	assert_int_equal(t->n_socket_dirs, 2);
	assert_string_equal(t->socket_dirs[1], "/var/run/vsw-vms/");
	assert_true(t->vhost_sockets.has_owner && t->vhost_sockets.has_group);
	assert_int_equal(t->vhost_sockets.uid, 0);
	assert_int_equal(t->vhost_sockets.gid, 0);
	assert_int_equal(t->vhost_sockets.mode, 0660);
	check_round_trip(t);
}

#define BASE_HEAD                                                                                  \
	"eal: { args: ['-l', '0,1'] }\n"                                                           \
	"workers: { lcores: [1] %s}\n"                                                             \
	"ports:\n"                                                                                 \
	"  - { name: up, type: external, device: net_null0 }\n"                                    \
	"  - { name: vm1, type: synthetic, mac: '02:00:00:00:00:01', vhost: { path: %s }%s }\n"    \
	"  - { name: vm2, type: synthetic, mac: '02:00:00:00:00:02', vhost: { path: /r/2.sock } "  \
	"}\n"

static struct vsw_topo *
base(const char *workers, const char *vm1_path, const char *vm1_extra, const char *tail)
{
	char text[4096];

	(void)snprintf(text, sizeof(text), BASE_HEAD "%s", workers, vm1_path, vm1_extra, tail);
	return load_text("new.yaml", text);
}

struct want {
	unsigned int dels, adds, updates, vfs, ext_dels, ext_adds, ext_params;
	bool has_mirrors, has_idle;
};

static void
check_diff(const struct vsw_topo *old, struct vsw_topo *new, struct want w)
{
	struct vsw_topo_diff d;
	struct vsw_errmsg em = {{0}};

	assert_int_equal(vsw_topo_diff(old, new, &d, &em), 0);
	assert_int_equal(d.n_port_dels, w.dels);
	assert_int_equal(d.n_port_adds, w.adds);
	assert_int_equal(d.n_port_updates, w.updates);
	assert_int_equal(d.n_port_vfs, w.vfs);
	assert_int_equal(d.n_ext_dels, w.ext_dels);
	assert_int_equal(d.n_ext_adds, w.ext_adds);
	assert_int_equal(d.n_ext_params, w.ext_params);
	assert_int_equal(d.has_mirrors_changed, w.has_mirrors);
	assert_int_equal(d.has_idle_sleep_changed, w.has_idle);
	assert_int_equal(vsw_topo_diff_is_empty(&d), memcmp(&w, &(struct want){0}, sizeof(w)) == 0);
	free(new);
}

#define EXT_STAGE(stage, params)                                                                   \
	"extensions: [{ name: e, file: /x/e.o, port: vm1, stage: " stage params " }]\n"
#define EXT(params) EXT_STAGE("ingress", params)

static void
test_diff(void **state)
{
	struct vsw_topo *old = base("", "/r/1.sock", "", EXT(", params: [1]"));

	(void)state;
	check_diff(old, base("", "/r/1.sock", "", EXT(", params: [1]")), (struct want){0});
	/* In place: VLAN, MACs, spoof guard. */
	check_diff(old,
	           base("", "/r/1.sock", ", vlan: { mode: access, id: 5 }", EXT(", params: [1]")),
	           (struct want){.updates = 1});
	check_diff(old,
	           base("", "/r/1.sock", ", security: { mac_spoof_guard: false }",
	                EXT(", params: [1]")),
	           (struct want){.updates = 1});
	/* A new socket is a new device: replaced. */
	check_diff(old, base("", "/r/9.sock", "", EXT(", params: [1]")),
	           (struct want){.dels = 1, .adds = 1});
	check_diff(old, base("", "/r/1.sock", ", vf_priority: 3", EXT(", params: [1]")),
	           (struct want){.vfs = 1});
	check_diff(old,
	           base("", "/r/1.sock", "",
	                "  - { name: vm3, type: synthetic, mac: '02:00:00:00:00:03', vhost: { "
	                "path: /r/3.sock } }\n" EXT(", params: [1]")),
	           (struct want){.adds = 1});
	check_diff(old,
	           base("", "/r/1.sock", "",
	                "mirrors: [{ name: m, source: vm1, destination: vm2 }]\n" EXT(
	                        ", params: [1]")),
	           (struct want){.has_mirrors = true});
	check_diff(old, base(", idle_sleep_max_us: 5", "/r/1.sock", "", EXT(", params: [1]")),
	           (struct want){.has_idle = true});
	check_diff(old, base(", idle_rxq_poll_us: 0", "/r/1.sock", "", EXT(", params: [1]")),
	           (struct want){.has_idle = true});
	check_diff(old, base("", "/r/1.sock", "", EXT(", params: [2]")),
	           (struct want){.ext_params = 1});
	check_diff(old, base("", "/r/1.sock", "", EXT_STAGE("egress", ", params: [1]")),
	           (struct want){.ext_dels = 1, .ext_adds = 1});
	check_diff(old, base("", "/r/1.sock", "", ""), (struct want){.ext_dels = 1});
	free(old);
}

static void
test_diff_removed_port(void **state)
{
	static const char text[] = "eal: { args: ['-l', '0,1'] }\n"
	                           "workers: { lcores: [1] }\n"
	                           "ports: [{ name: up, type: external, device: net_null0 }]\n";
	struct vsw_topo *old = base("", "/r/1.sock", "", "");

	(void)state;
	check_diff(old, load_text("new.yaml", text), (struct want){.dels = 2});
	free(old);
}

static void
test_diff_needs_restart(void **state)
{
	static const char text[] = "eal: { args: ['-l', '0,2'] }\n"
	                           "workers: { lcores: [2] }\n"
	                           "control: { socket: /r/other.sock }\n"
	                           "fdb: { aging_s: 10, max_entries: 16 }\n"
	                           "ports: [{ name: up, type: external, device: net_null0 }]\n";
	struct vsw_topo *old = base("", "/r/1.sock", "", "");
	struct vsw_topo *new = load_text("new.yaml", text);
	struct vsw_errmsg em = {{0}};
	struct vsw_topo_diff d;

	(void)state;
	assert_int_equal(vsw_topo_diff(old, new, &d, &em), -ENOTSUP);
	assert_string_equal(em.msg,
	                    "new.yaml: eal.args: changed, needs a restart of vswd; "
	                    "workers.lcores: changed, needs a restart of vswd; control.socket: "
	                    "changed, needs a restart of vswd; fdb.aging_s: changed, needs a "
	                    "restart of vswd; fdb.max_entries: changed, needs a restart of vswd");
	assert_true(vsw_topo_diff_is_empty(&d));
	free(new);
	free(old);
}

static void
test_diff_nicsw_needs_restart(void **state)
{
	struct vsw_topo *old = load_file("topo/good_full_v2.yaml");
	struct vsw_topo *new = load_file("topo/good_full_v2.yaml");
	struct vsw_errmsg em = {{0}};
	struct vsw_topo_diff d;

	(void)state;
	assert_int_equal(vsw_topo_diff(old, new, &d, &em), 0);
	assert_true(vsw_topo_diff_is_empty(&d));
	new->nicsws[0].vports[0].n_qps = 1;
	assert_int_equal(vsw_topo_diff(old, new, &d, &em), -ENOTSUP);
	assert_non_null(strstr(em.msg, ": nic switch 'nic0': changed, needs a restart of vswd"));
	free(new);
	free(old);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_round_trip_fixtures),
	        cmocka_unit_test(test_round_trip_quoting),
	        cmocka_unit_test(test_round_trip_sockets_security),
	        cmocka_unit_test(test_diff),
	        cmocka_unit_test(test_diff_removed_port),
	        cmocka_unit_test(test_diff_needs_restart),
	        cmocka_unit_test(test_diff_nicsw_needs_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
