/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the switch-port and NIC lifecycle (include/vsw/lifecycle.h, R-NIC-2..4): the
 * whole state x event matrix against a table written out here, the start, stop and reconnect
 * sequences, refusals that change nothing, counters, time and history. No EAL; the extension
 * stack is linked but empty (tests/unit/test_ext.c covers it).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vsw/clock.h"
#include "vsw/ext.h"
#include "vsw/lifecycle.h"

#include <cmocka.h>

#define PORT_CREATE VSW_NIC_EV_PORT_CREATE
#define NIC_CREATE VSW_NIC_EV_NIC_CREATE
#define NIC_CONNECT VSW_NIC_EV_NIC_CONNECT
#define NIC_DISCONNECT VSW_NIC_EV_NIC_DISCONNECT
#define NIC_DELETE VSW_NIC_EV_NIC_DELETE
#define PORT_TEARDOWN VSW_NIC_EV_PORT_TEARDOWN
#define PORT_DELETE VSW_NIC_EV_PORT_DELETE

/*
 * The states a port can reach, as rows of the expected table: a new port, port created, NIC
 * created, NIC connected, NIC disconnected, port tearing down, port deleted.
 */
enum st { NEW, PORT, NIC, CONN, DISC, DOWN, GONE, ST_COUNT };

/* Expected verdict of each event in each state: 0 and the next state, or the errno. */
struct verdict {
	int rc;
	enum st next;
};

/* The tables below are aligned by hand to be read as tables. */
/* clang-format off */
static const struct {
	enum vsw_port_state port;
	enum vsw_nic_state nic;
	const char *name;
} states[ST_COUNT] = {
	[NEW]  = {VSW_PORT_STATE_NONE,         VSW_NIC_STATE_NONE,         "new"},
	[PORT] = {VSW_PORT_STATE_CREATED,      VSW_NIC_STATE_NONE,         "port"},
	[NIC]  = {VSW_PORT_STATE_CREATED,      VSW_NIC_STATE_CREATED,      "nic"},
	[CONN] = {VSW_PORT_STATE_CREATED,      VSW_NIC_STATE_CONNECTED,    "connected"},
	[DISC] = {VSW_PORT_STATE_CREATED,      VSW_NIC_STATE_DISCONNECTED, "disconnected"},
	[DOWN] = {VSW_PORT_STATE_TEARING_DOWN, VSW_NIC_STATE_NONE,         "tearing_down"},
	[GONE] = {VSW_PORT_STATE_DELETED,      VSW_NIC_STATE_NONE,         "deleted"},
};

#define TO(st) {0, st}
#define EXIST  {-EEXIST, ST_COUNT}
#define NOENT  {-ENOENT, ST_COUNT}
#define NCONN  {-ENOTCONN, ST_COUNT}
#define BUSY   {-EBUSY, ST_COUNT}
#define SHUT   {-ESHUTDOWN, ST_COUNT}
static const struct verdict expected[ST_COUNT][VSW_NIC_EV_COUNT] = {
	/*         port_     nic_      nic_      nic_        nic_      port_     port_
	 *         create    create    connect   disconnect  delete    teardown  delete */
	[NEW]  = {TO(PORT), NOENT,    NOENT,    NOENT,      NOENT,    NOENT,    NOENT},
	[PORT] = {EXIST,    TO(NIC),  NOENT,    NOENT,      NOENT,    TO(DOWN), BUSY},
	[NIC]  = {EXIST,    EXIST,    TO(CONN), NCONN,      TO(PORT), BUSY,     BUSY},
	[CONN] = {EXIST,    EXIST,    EXIST,    TO(DISC),   BUSY,     BUSY,     BUSY},
	[DISC] = {EXIST,    SHUT,     SHUT,     SHUT,       TO(PORT), BUSY,     BUSY},
	[DOWN] = {SHUT,     SHUT,     SHUT,     SHUT,       SHUT,     SHUT,     TO(GONE)},
	[GONE] = {NOENT,    NOENT,    NOENT,    NOENT,      NOENT,    NOENT,    NOENT},
};
#undef TO
#undef EXIST
#undef NOENT
#undef NCONN
#undef BUSY
#undef SHUT
/* clang-format on */

static const struct vsw_ext_port_info vm1 = {
        .name = "vm1",
        .index = 1,
        .type = 1,
        .has_mac = true,
        .mac = {0x52, 0x54, 0x00, 0x00, 0x00, 0x01},
};

static struct vsw_lifecycle lc;

static int
setup(void **state)
{
	(void)state;
	vsw_ext_unregister_all();
	vsw_lifecycle_init(&lc, "vm1");
	return 0;
}

static void
put_in_state(struct vsw_lifecycle *l, enum st st)
{
	vsw_lifecycle_init(l, "vm1");
	l->port_state = states[st].port;
	l->nic_state = states[st].nic;
}

static enum st
state_of(const struct vsw_lifecycle *l)
{
	for (int st = 0; st < ST_COUNT; st++) {
		if (states[st].port == l->port_state && states[st].nic == l->nic_state)
			return (enum st)st;
	}
	return ST_COUNT;
}

static void
step_ok(enum vsw_nic_ev ev)
{
	struct vsw_errmsg em = {{0}};

	assert_int_equal(vsw_port_lifecycle_step(&lc, ev, &vm1, &em), 0);
	assert_string_equal(em.msg, "");
}

static void
history_is(const char *want)
{
	char buf[VSW_LIFECYCLE_HISTORY_SIZE];

	assert_int_equal(vsw_lifecycle_history(&lc, buf, sizeof(buf)), strlen(want));
	assert_string_equal(buf, want);
}

static void
test_r_nic_4_state_event_matrix(void **state)
{
	(void)state;
	for (int st = 0; st < ST_COUNT; st++) {
		for (int ev = 0; ev < VSW_NIC_EV_COUNT; ev++) {
			const struct verdict *want = &expected[st][ev];
			struct vsw_lifecycle before, l;
			struct vsw_errmsg em = {{0}};
			char prefix[64];
			int rc;

			put_in_state(&l, (enum st)st);
			before = l;
			rc = vsw_lifecycle_check(&l, (enum vsw_nic_ev)ev, &em);
			if (rc != want->rc)
				print_message("state %s, event %s: got %d, want %d\n",
				              states[st].name, vsw_nic_ev_name((enum vsw_nic_ev)ev),
				              rc, want->rc);
			assert_int_equal(rc, want->rc);
			assert_memory_equal(&l, &before, sizeof(l));
			if (rc < 0) {
				(void)snprintf(prefix, sizeof(prefix), "port vm1: %s refused: ",
				               vsw_nic_ev_name((enum vsw_nic_ev)ev));
				assert_memory_equal(em.msg, prefix, strlen(prefix));
				assert_true(strlen(em.msg) > strlen(prefix));
				continue;
			}
			assert_string_equal(em.msg, "");
			vsw_lifecycle_commit(&l, (enum vsw_nic_ev)ev);
			assert_int_equal(state_of(&l), want->next);
		}
	}
}

/* The table has a row for every state a port can reach, and for nothing else. */
static void
test_r_nic_4_reachable_states_are_the_table_rows(void **state)
{
	bool is_reached[ST_COUNT] = {false};
	enum st queue[ST_COUNT];
	unsigned int head = 0, tail = 0;

	(void)state;
	queue[tail++] = NEW;
	is_reached[NEW] = true;
	while (head < tail) {
		const enum st from = queue[head++];

		for (int ev = 0; ev < VSW_NIC_EV_COUNT; ev++) {
			struct vsw_lifecycle l;
			enum st to;

			put_in_state(&l, from);
			if (vsw_lifecycle_check(&l, (enum vsw_nic_ev)ev, NULL) != 0)
				continue;
			vsw_lifecycle_commit(&l, (enum vsw_nic_ev)ev);
			to = state_of(&l);
			assert_int_not_equal(to, ST_COUNT);
			if (!is_reached[to]) {
				is_reached[to] = true;
				queue[tail++] = to;
			}
		}
	}
	assert_int_equal(tail, ST_COUNT);
}

static void
test_r_nic_2_start_sequence(void **state)
{
	(void)state;
	assert_int_equal(lc.port_state, VSW_PORT_STATE_NONE);
	step_ok(PORT_CREATE);
	assert_int_equal(lc.port_state, VSW_PORT_STATE_CREATED);
	assert_int_equal(lc.nic_state, VSW_NIC_STATE_NONE);
	step_ok(NIC_CREATE);
	assert_int_equal(lc.nic_state, VSW_NIC_STATE_CREATED);
	assert_false(vsw_lifecycle_is_connected(&lc));
	step_ok(NIC_CONNECT);
	assert_int_equal(lc.nic_state, VSW_NIC_STATE_CONNECTED);
	assert_true(vsw_lifecycle_is_connected(&lc));
	history_is("port_create nic_create nic_connect");
}

static void
test_r_nic_3_stop_sequence(void **state)
{
	(void)state;
	step_ok(PORT_CREATE);
	step_ok(NIC_CREATE);
	step_ok(NIC_CONNECT);
	step_ok(NIC_DISCONNECT);
	assert_int_equal(lc.nic_state, VSW_NIC_STATE_DISCONNECTED);
	assert_false(vsw_lifecycle_is_connected(&lc));
	step_ok(NIC_DELETE);
	assert_int_equal(lc.nic_state, VSW_NIC_STATE_NONE);
	step_ok(PORT_TEARDOWN);
	assert_int_equal(lc.port_state, VSW_PORT_STATE_TEARING_DOWN);
	step_ok(PORT_DELETE);
	assert_int_equal(lc.port_state, VSW_PORT_STATE_DELETED);
	history_is("port_create nic_create nic_connect nic_disconnect nic_delete port_teardown "
	           "port_delete");
}

/* A NIC created but never connected (QEMU died before the device was ready) can be removed. */
static void
test_r_nic_3_stop_before_connect(void **state)
{
	(void)state;
	step_ok(PORT_CREATE);
	step_ok(NIC_CREATE);
	step_ok(NIC_DELETE);
	step_ok(PORT_TEARDOWN);
	step_ok(PORT_DELETE);
	assert_int_equal(lc.n_events[NIC_CONNECT], 0);
	assert_int_equal(lc.n_events[NIC_DISCONNECT], 0);
}

/* A VM reconnecting runs NIC_CREATE/NIC_CONNECT again on the same port. */
static void
test_r_nic_2_reconnect_cycle(void **state)
{
	(void)state;
	step_ok(PORT_CREATE);
	for (int i = 0; i < 3; i++) {
		step_ok(NIC_CREATE);
		step_ok(NIC_CONNECT);
		assert_true(vsw_lifecycle_is_connected(&lc));
		step_ok(NIC_DISCONNECT);
		step_ok(NIC_DELETE);
		assert_int_equal(lc.port_state, VSW_PORT_STATE_CREATED);
		assert_int_equal(lc.nic_state, VSW_NIC_STATE_NONE);
	}
	assert_int_equal(lc.n_events[PORT_CREATE], 1);
	assert_int_equal(lc.n_events[NIC_CREATE], 3);
	assert_int_equal(lc.n_events[NIC_CONNECT], 3);
	assert_int_equal(lc.n_events[NIC_DISCONNECT], 3);
	assert_int_equal(lc.n_events[NIC_DELETE], 3);
	assert_int_equal(lc.n_events[PORT_TEARDOWN], 0);
	assert_int_equal(lc.n_transitions, 13);
	/* 13 events, 16 kept: all of them. */
	history_is("port_create nic_create nic_connect nic_disconnect nic_delete nic_create "
	           "nic_connect nic_disconnect nic_delete nic_create nic_connect nic_disconnect "
	           "nic_delete");
}

/* The spec's own examples of out-of-order requests, through the full step with explanations. */
static void
test_r_nic_4_refusal_changes_nothing(void **state)
{
	struct vsw_errmsg em = {{0}};
	struct vsw_lifecycle before;

	(void)state;
	step_ok(PORT_CREATE);
	before = lc;
	assert_int_equal(vsw_port_lifecycle_step(&lc, NIC_CONNECT, &vm1, &em), -ENOENT);
	assert_string_equal(em.msg, "port vm1: nic_connect refused: no nic created");
	assert_memory_equal(&lc, &before, sizeof(lc));

	step_ok(NIC_CREATE);
	step_ok(NIC_CONNECT);
	before = lc;
	assert_int_equal(vsw_port_lifecycle_step(&lc, PORT_DELETE, &vm1, &em), -EBUSY);
	assert_string_equal(em.msg, "port vm1: port_delete refused: port has a nic, nic_delete "
	                            "must come first");
	assert_memory_equal(&lc, &before, sizeof(lc));

	assert_int_equal(vsw_port_lifecycle_step(&lc, NIC_DELETE, &vm1, &em), -EBUSY);
	assert_string_equal(em.msg, "port vm1: nic_delete refused: nic connected, nic_disconnect "
	                            "must come first");
	assert_memory_equal(&lc, &before, sizeof(lc));

	/* A refusal never touches the clock either. */
	vsw_clock_warp_ns(1000000000);
	assert_int_equal(vsw_port_lifecycle_step(&lc, PORT_TEARDOWN, &vm1, &em), -EBUSY);
	assert_memory_equal(&lc, &before, sizeof(lc));
}

static void
test_r_nic_4_explanations(void **state)
{
	struct vsw_errmsg em = {{0}};

	(void)state;
	assert_int_equal(vsw_lifecycle_check(&lc, NIC_CREATE, &em), -ENOENT);
	assert_string_equal(em.msg, "port vm1: nic_create refused: no port created");
	put_in_state(&lc, NIC);
	assert_int_equal(vsw_lifecycle_check(&lc, NIC_DISCONNECT, &em), -ENOTCONN);
	assert_string_equal(em.msg, "port vm1: nic_disconnect refused: nic not connected");
	put_in_state(&lc, DISC);
	assert_int_equal(vsw_lifecycle_check(&lc, NIC_CONNECT, &em), -ESHUTDOWN);
	assert_string_equal(em.msg,
	                    "port vm1: nic_connect refused: nic disconnected, nic_delete must come "
	                    "first");
	put_in_state(&lc, PORT);
	assert_int_equal(vsw_lifecycle_check(&lc, PORT_DELETE, &em), -EBUSY);
	assert_string_equal(em.msg,
	                    "port vm1: port_delete refused: port active, port_teardown must come "
	                    "first");
	put_in_state(&lc, DOWN);
	assert_int_equal(vsw_lifecycle_check(&lc, NIC_CREATE, &em), -ESHUTDOWN);
	assert_string_equal(em.msg, "port vm1: nic_create refused: port tearing down");
	put_in_state(&lc, GONE);
	assert_int_equal(vsw_lifecycle_check(&lc, PORT_CREATE, &em), -ENOENT);
	assert_string_equal(em.msg, "port vm1: port_create refused: port deleted");
	assert_int_equal(vsw_lifecycle_check(&lc, VSW_NIC_EV_COUNT, &em), -EINVAL);
	assert_string_equal(em.msg, "port vm1: unknown lifecycle event 7");
	/* em is optional. */
	assert_int_equal(vsw_lifecycle_check(&lc, PORT_CREATE, NULL), -ENOENT);
}

static void
test_r_nic_4_counters_and_time(void **state)
{
	uint64_t t0;

	(void)state;
	t0 = vsw_clock_ns();
	assert_true(lc.last_change_ns <= t0);
	vsw_clock_warp_ns(INT64_C(3600) * 1000000000);
	step_ok(PORT_CREATE);
	assert_true(lc.last_change_ns >= t0 + UINT64_C(3600) * 1000000000);
	t0 = lc.last_change_ns;
	vsw_clock_warp_ns(5000);
	step_ok(NIC_CREATE);
	assert_true(lc.last_change_ns >= t0 + 5000);
	assert_int_equal(lc.n_events[PORT_CREATE], 1);
	assert_int_equal(lc.n_events[NIC_CREATE], 1);
	assert_int_equal(lc.n_transitions, 2);
	for (int ev = NIC_CONNECT; ev < VSW_NIC_EV_COUNT; ev++)
		assert_int_equal(lc.n_events[ev], 0);
}

static void
test_r_nic_4_history_keeps_the_last_events(void **state)
{
	(void)state;
	history_is("");
	step_ok(PORT_CREATE);
	history_is("port_create");
	for (int i = 0; i < 4; i++) {
		step_ok(NIC_CREATE);
		step_ok(NIC_CONNECT);
		step_ok(NIC_DISCONNECT);
		step_ok(NIC_DELETE);
	}
	step_ok(PORT_TEARDOWN);
	step_ok(PORT_DELETE);
	/* 19 events: the first three (port_create nic_create nic_connect) left the ring. */
	assert_int_equal(lc.n_transitions, 19);
	history_is("... nic_disconnect nic_delete nic_create nic_connect nic_disconnect nic_delete "
	           "nic_create nic_connect nic_disconnect nic_delete nic_create nic_connect "
	           "nic_disconnect nic_delete port_teardown port_delete");
}

static void
test_r_nic_4_history_truncates_like_snprintf(void **state)
{
	char buf[8];

	(void)state;
	step_ok(PORT_CREATE);
	step_ok(NIC_CREATE);
	assert_int_equal(vsw_lifecycle_history(&lc, buf, sizeof(buf)),
	                 strlen("port_create nic_create"));
	assert_string_equal(buf, "port_cr");
	assert_int_equal(vsw_lifecycle_history(&lc, NULL, 0), strlen("port_create nic_create"));
}

/* Committing an unchecked, illegal event is a bug of the caller: it aborts, in every build. */
static void
test_r_nic_4_commit_of_illegal_event_aborts(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		(void)freopen("/dev/null", "w", stderr);
		vsw_lifecycle_commit(&lc, NIC_CONNECT);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void
test_r_nic_4_names(void **state)
{
	static const char *const ev_names[VSW_NIC_EV_COUNT] = {
	        "port_create", "nic_create",    "nic_connect", "nic_disconnect",
	        "nic_delete",  "port_teardown", "port_delete",
	};

	(void)state;
	for (int ev = 0; ev < VSW_NIC_EV_COUNT; ev++)
		assert_string_equal(vsw_nic_ev_name((enum vsw_nic_ev)ev), ev_names[ev]);
	assert_string_equal(vsw_nic_ev_name(VSW_NIC_EV_COUNT), "unknown");
	assert_string_equal(vsw_port_state_name(VSW_PORT_STATE_TEARING_DOWN), "tearing_down");
	assert_string_equal(vsw_port_state_name(VSW_PORT_STATE_COUNT), "unknown");
	assert_string_equal(vsw_nic_state_name(VSW_NIC_STATE_DISCONNECTED), "disconnected");
	assert_string_equal(vsw_nic_state_name(VSW_NIC_STATE_COUNT), "unknown");
}

static void
test_r_nic_4_long_port_name_is_truncated(void **state)
{
	char name[2 * VSW_NAME_SIZE];
	struct vsw_errmsg em = {{0}};

	(void)state;
	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	vsw_lifecycle_init(&lc, name);
	assert_int_equal(strlen(lc.name), VSW_NAME_SIZE - 1);
	assert_int_equal(vsw_lifecycle_check(&lc, NIC_CREATE, &em), -ENOENT);
	assert_non_null(strstr(em.msg, "nic_create refused: no port created"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_r_nic_4_state_event_matrix, setup),
	        cmocka_unit_test_setup(test_r_nic_4_reachable_states_are_the_table_rows, setup),
	        cmocka_unit_test_setup(test_r_nic_2_start_sequence, setup),
	        cmocka_unit_test_setup(test_r_nic_3_stop_sequence, setup),
	        cmocka_unit_test_setup(test_r_nic_3_stop_before_connect, setup),
	        cmocka_unit_test_setup(test_r_nic_2_reconnect_cycle, setup),
	        cmocka_unit_test_setup(test_r_nic_4_refusal_changes_nothing, setup),
	        cmocka_unit_test_setup(test_r_nic_4_explanations, setup),
	        cmocka_unit_test_setup(test_r_nic_4_counters_and_time, setup),
	        cmocka_unit_test_setup(test_r_nic_4_history_keeps_the_last_events, setup),
	        cmocka_unit_test_setup(test_r_nic_4_history_truncates_like_snprintf, setup),
	        cmocka_unit_test_setup(test_r_nic_4_commit_of_illegal_event_aborts, setup),
	        cmocka_unit_test_setup(test_r_nic_4_names, setup),
	        cmocka_unit_test_setup(test_r_nic_4_long_port_name_is_truncated, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
