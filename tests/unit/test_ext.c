/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the extension stack, control side (include/vsw/ext.h, R-NIC-5), alone and
 * through vsw_port_lifecycle_step() (R-NIC-2, R-NIC-3): stack order, veto of creates with undo
 * in reverse order, events that cannot be refused, registration errors and positions. Each
 * test extension records (extension, event) pairs into one log that the tests compare whole.
 * No EAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vsw/errmsg.h"
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

#define NO_EVENT VSW_NIC_EV_COUNT
#define LOG_MAX 128

struct log_entry {
	const char *ext;
	enum vsw_nic_ev ev;
};

static struct log_entry event_log[LOG_MAX];
static unsigned int n_log;

/* Behaviour of one recording extension; the test sets it before the event. */
struct rec {
	enum vsw_nic_ev veto_ev; /* event it refuses, NO_EVENT for none */
	int veto_rc;
	const char *reason; /* NULL: no explanation */
	int rc_other;       /* returned for the events that cannot be vetoed */
	uint16_t seen_index;
};

static struct rec rec_a, rec_b, rec_c, rec_d;

static int rec_on_event(void *ctx, enum vsw_nic_ev ev, const struct vsw_ext_port_info *port,
                        struct vsw_errmsg *em);

static const struct vsw_ext_ops ops_a = {.name = "a", .on_event = rec_on_event};
static const struct vsw_ext_ops ops_b = {.name = "b", .on_event = rec_on_event};
static const struct vsw_ext_ops ops_c = {.name = "c", .on_event = rec_on_event};
static const struct vsw_ext_ops ops_d = {.name = "d", .on_event = rec_on_event};

static const char *
rec_name(const struct rec *r)
{
	if (r == &rec_a)
		return "a";
	if (r == &rec_b)
		return "b";
	if (r == &rec_c)
		return "c";
	return "d";
}

static int
rec_on_event(void *ctx, enum vsw_nic_ev ev, const struct vsw_ext_port_info *port,
             struct vsw_errmsg *em)
{
	struct rec *r = ctx;

	assert_non_null(em);
	assert_true(n_log < LOG_MAX);
	event_log[n_log++] = (struct log_entry){rec_name(r), ev};
	r->seen_index = port->index;
	if (ev != r->veto_ev)
		return ev == PORT_CREATE || ev == NIC_CREATE ? 0 : r->rc_other;
	if (r->reason != NULL)
		vsw_errmsg_set(em, "%s", r->reason);
	return r->veto_rc;
}

static const struct vsw_ext_port_info vm1 = {
        .name = "vm1",
        .index = 7,
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
	n_log = 0;
	memset(event_log, 0, sizeof(event_log));
	rec_a = rec_b = rec_c = rec_d = (struct rec){.veto_ev = NO_EVENT};
	vsw_lifecycle_init(&lc, "vm1");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	vsw_ext_unregister_all();
	return 0;
}

static void
register_abc(void)
{
	assert_int_equal(vsw_ext_register(&ops_a, &rec_a, -1, NULL), 0);
	assert_int_equal(vsw_ext_register(&ops_b, &rec_b, -1, NULL), 0);
	assert_int_equal(vsw_ext_register(&ops_c, &rec_c, -1, NULL), 0);
}

/* The log holds exactly @p want, then is emptied for the next step. */
static void
log_is(const struct log_entry *want, unsigned int n_want)
{
	for (unsigned int i = 0; i < n_log && i < n_want; i++) {
		if (strcmp(event_log[i].ext, want[i].ext) != 0 || event_log[i].ev != want[i].ev)
			print_message("log[%u]: got (%s, %s), want (%s, %s)\n", i, event_log[i].ext,
			              vsw_nic_ev_name(event_log[i].ev), want[i].ext,
			              vsw_nic_ev_name(want[i].ev));
		assert_string_equal(event_log[i].ext, want[i].ext);
		assert_int_equal(event_log[i].ev, want[i].ev);
	}
	assert_int_equal(n_log, n_want);
	n_log = 0;
}

#define LOG_IS(...)                                                                                \
	do {                                                                                       \
		const struct log_entry want_[] = {__VA_ARGS__};                                    \
		log_is(want_, sizeof(want_) / sizeof(want_[0]));                                   \
	} while (0)

static void
order_is(const char *want)
{
	char got[64] = "";
	const struct vsw_ext_ops *ops;

	for (unsigned int i = 0; (ops = vsw_ext_get(i, NULL)) != NULL; i++)
		strncat(got, ops->name, sizeof(got) - strlen(got) - 1);
	assert_string_equal(got, want);
}

static void
step_ok(enum vsw_nic_ev ev)
{
	struct vsw_errmsg em = {{0}};

	assert_int_equal(vsw_port_lifecycle_step(&lc, ev, &vm1, &em), 0);
	assert_string_equal(em.msg, "");
}

static void
test_r_nic_5_every_event_in_stack_order(void **state)
{
	(void)state;
	register_abc();
	for (int ev = 0; ev < VSW_NIC_EV_COUNT; ev++) {
		const enum vsw_nic_ev e = (enum vsw_nic_ev)ev;

		assert_int_equal(vsw_ext_notify(e, &vm1, NULL), 0);
		LOG_IS({"a", e}, {"b", e}, {"c", e});
	}
	assert_int_equal(rec_c.seen_index, 7);
}

/* R-NIC-2 then R-NIC-3 through the lifecycle: each extension hears each step, in order. */
static void
test_r_nic_2_3_full_sequence_through_the_stack(void **state)
{
	(void)state;
	register_abc();
	step_ok(PORT_CREATE);
	step_ok(NIC_CREATE);
	step_ok(NIC_CONNECT);
	step_ok(NIC_DISCONNECT);
	step_ok(NIC_DELETE);
	step_ok(PORT_TEARDOWN);
	step_ok(PORT_DELETE);
	LOG_IS({"a", PORT_CREATE}, {"b", PORT_CREATE}, {"c", PORT_CREATE}, {"a", NIC_CREATE},
	       {"b", NIC_CREATE}, {"c", NIC_CREATE}, {"a", NIC_CONNECT}, {"b", NIC_CONNECT},
	       {"c", NIC_CONNECT}, {"a", NIC_DISCONNECT}, {"b", NIC_DISCONNECT},
	       {"c", NIC_DISCONNECT}, {"a", NIC_DELETE}, {"b", NIC_DELETE}, {"c", NIC_DELETE},
	       {"a", PORT_TEARDOWN}, {"b", PORT_TEARDOWN}, {"c", PORT_TEARDOWN}, {"a", PORT_DELETE},
	       {"b", PORT_DELETE}, {"c", PORT_DELETE});
	assert_int_equal(lc.port_state, VSW_PORT_STATE_DELETED);
}

/* Extensions hear only what the lifecycle accepts: a refused step reaches none of them. */
static void
test_r_nic_4_refused_step_is_not_notified(void **state)
{
	struct vsw_errmsg em = {{0}};

	(void)state;
	register_abc();
	assert_int_equal(vsw_port_lifecycle_step(&lc, NIC_CONNECT, &vm1, &em), -ENOENT);
	assert_string_equal(em.msg, "port vm1: nic_connect refused: no port created");
	assert_int_equal(n_log, 0);
}

static void
test_r_nic_5_veto_port_create_undoes_in_reverse(void **state)
{
	struct vsw_errmsg em = {{0}};
	struct vsw_lifecycle before = lc;
	struct vsw_ext_stats st;

	(void)state;
	register_abc();
	rec_c.veto_ev = PORT_CREATE;
	rec_c.veto_rc = -EACCES;
	rec_c.reason = "mac 52:54:00:00:00:01 not allowed";
	assert_int_equal(vsw_port_lifecycle_step(&lc, PORT_CREATE, &vm1, &em), -EACCES);
	assert_string_equal(em.msg, "port vm1: port_create vetoed by extension c: mac "
	                            "52:54:00:00:00:01 not allowed");
	LOG_IS({"a", PORT_CREATE}, {"b", PORT_CREATE}, {"c", PORT_CREATE}, {"b", PORT_DELETE},
	       {"a", PORT_DELETE});
	assert_memory_equal(&lc, &before, sizeof(lc));
	assert_non_null(vsw_ext_get(2, &st));
	assert_int_equal(st.n_vetoes, 1);
	assert_int_equal(st.n_events, 1);
	assert_non_null(vsw_ext_get(0, &st));
	assert_int_equal(st.n_vetoes, 0);
	assert_int_equal(st.n_events, 2);

	/* Once c accepts, the same create goes through. */
	rec_c.veto_ev = NO_EVENT;
	step_ok(PORT_CREATE);
	LOG_IS({"a", PORT_CREATE}, {"b", PORT_CREATE}, {"c", PORT_CREATE});
	assert_int_equal(lc.port_state, VSW_PORT_STATE_CREATED);
}

static void
test_r_nic_5_veto_nic_create_undoes_in_reverse(void **state)
{
	struct vsw_errmsg em = {{0}};
	struct vsw_lifecycle before;

	(void)state;
	register_abc();
	step_ok(PORT_CREATE);
	n_log = 0;
	before = lc;
	rec_b.veto_ev = NIC_CREATE;
	rec_b.veto_rc = -EPERM;
	rec_b.reason = "quota of connections reached";
	assert_int_equal(vsw_port_lifecycle_step(&lc, NIC_CREATE, &vm1, &em), -EPERM);
	assert_string_equal(em.msg, "port vm1: nic_create vetoed by extension b: quota of "
	                            "connections reached");
	/* c, below b, never heard of the create; a, above, gets the undo. */
	LOG_IS({"a", NIC_CREATE}, {"b", NIC_CREATE}, {"a", NIC_DELETE});
	assert_memory_equal(&lc, &before, sizeof(lc));
	assert_int_equal(lc.nic_state, VSW_NIC_STATE_NONE);
}

/* The top extension vetoes: nobody accepted, so nobody gets an undo. */
static void
test_r_nic_5_veto_by_top_has_no_undo(void **state)
{
	struct vsw_errmsg em = {{0}};

	(void)state;
	register_abc();
	rec_a.veto_ev = PORT_CREATE;
	rec_a.veto_rc = -ENOSPC;
	assert_int_equal(vsw_ext_notify(PORT_CREATE, &vm1, &em), -ENOSPC);
	LOG_IS({"a", PORT_CREATE});
	/* No reason given: the errno explains. */
	assert_string_equal(em.msg, "port vm1: port_create vetoed by extension a: No space left on "
	                            "device");
}

/* A positive return is an extension bug; it still vetoes, as -EPERM. */
static void
test_r_nic_5_positive_veto_is_eperm(void **state)
{
	(void)state;
	register_abc();
	rec_b.veto_ev = PORT_CREATE;
	rec_b.veto_rc = 1;
	rec_b.reason = "no";
	assert_int_equal(vsw_ext_notify(PORT_CREATE, &vm1, NULL), -EPERM);
	LOG_IS({"a", PORT_CREATE}, {"b", PORT_CREATE}, {"a", PORT_DELETE});
}

/* Every event but the creates happens whatever the extensions say. */
static void
test_r_nic_5_non_create_events_cannot_be_vetoed(void **state)
{
	static const enum vsw_nic_ev evs[] = {NIC_CONNECT, NIC_DISCONNECT, NIC_DELETE,
	                                      PORT_TEARDOWN, PORT_DELETE};
	struct vsw_errmsg em = {{0}};
	struct vsw_ext_stats st;

	(void)state;
	register_abc();
	step_ok(PORT_CREATE);
	step_ok(NIC_CREATE);
	n_log = 0;
	rec_b.rc_other = -EIO;
	rec_c.rc_other = -EPERM;
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		char want[VSW_ERRMSG_SIZE];

		assert_int_equal(vsw_port_lifecycle_step(&lc, evs[i], &vm1, &em), 0);
		LOG_IS({"a", evs[i]}, {"b", evs[i]}, {"c", evs[i]});
		/* The first complaint comes back as a warning for the log. */
		(void)snprintf(want, sizeof(want),
		               "port vm1: %s: extension b returned %d, ignored: Input/output error",
		               vsw_nic_ev_name(evs[i]), -EIO);
		assert_string_equal(em.msg, want);
	}
	assert_int_equal(lc.port_state, VSW_PORT_STATE_DELETED);
	assert_non_null(vsw_ext_get(1, &st));
	assert_int_equal(st.n_ignored, 5);
	assert_int_equal(st.n_vetoes, 0);
	assert_non_null(vsw_ext_get(2, &st));
	assert_int_equal(st.n_ignored, 5);
}

/* The undo of a vetoed create cannot be refused either: complaints are counted only. */
static void
test_r_nic_5_undo_cannot_be_refused(void **state)
{
	struct vsw_ext_stats st;

	(void)state;
	register_abc();
	rec_a.rc_other = -EIO;
	rec_c.veto_ev = PORT_CREATE;
	rec_c.veto_rc = -EACCES;
	assert_int_equal(vsw_ext_notify(PORT_CREATE, &vm1, NULL), -EACCES);
	LOG_IS({"a", PORT_CREATE}, {"b", PORT_CREATE}, {"c", PORT_CREATE}, {"b", PORT_DELETE},
	       {"a", PORT_DELETE});
	assert_non_null(vsw_ext_get(0, &st));
	assert_int_equal(st.n_ignored, 1);
}

static void
test_r_nic_5_register_errors(void **state)
{
	static const struct vsw_ext_ops no_name = {.name = NULL};
	static const struct vsw_ext_ops empty = {.name = ""};
	static const struct vsw_ext_ops too_long = {.name = "a_name_of_thirty_two_bytes_xxxxx"};
	static const struct vsw_ext_ops a_again = {.name = "a"};
	struct vsw_errmsg em = {{0}};

	(void)state;
	assert_int_equal(strlen(too_long.name), VSW_NAME_SIZE);
	assert_int_equal(vsw_ext_register(NULL, NULL, -1, &em), -EINVAL);
	assert_int_equal(vsw_ext_register(&no_name, NULL, -1, &em), -EINVAL);
	assert_int_equal(vsw_ext_register(&empty, NULL, -1, &em), -EINVAL);
	assert_int_equal(vsw_ext_register(&too_long, NULL, -1, &em), -EINVAL);
	assert_string_equal(em.msg, "extension: register refused: name must be 1..31 bytes");
	register_abc();
	assert_int_equal(vsw_ext_register(&a_again, NULL, 0, &em), -EEXIST);
	assert_string_equal(em.msg, "extension a: register refused: already registered");
	assert_int_equal(vsw_ext_register(&ops_d, &rec_d, -2, &em), -EINVAL);
	assert_int_equal(vsw_ext_register(&ops_d, &rec_d, 4, &em), -EINVAL);
	assert_string_equal(em.msg, "extension d: register refused: position 4 not in -1..3");
	assert_int_equal(vsw_ext_unregister("d", &em), -ENOENT);
	assert_string_equal(em.msg, "extension d: unregister refused: not registered");
	assert_int_equal(vsw_ext_unregister(NULL, &em), -EINVAL);
	/* Refusals changed nothing. */
	order_is("abc");
	assert_int_equal(vsw_ext_count(), 3);
}

static void
test_r_nic_5_stack_is_bounded(void **state)
{
	static struct vsw_ext_ops many[VSW_EXT_MAX + 1];
	static char names[VSW_EXT_MAX + 1][16];
	struct vsw_errmsg em = {{0}};

	(void)state;
	for (int i = 0; i <= VSW_EXT_MAX; i++) {
		(void)snprintf(names[i], sizeof(names[i]), "x%d", i);
		many[i] = (struct vsw_ext_ops){.name = names[i]};
	}
	for (int i = 0; i < VSW_EXT_MAX; i++)
		assert_int_equal(vsw_ext_register(&many[i], NULL, -1, &em), 0);
	assert_int_equal(vsw_ext_register(&many[VSW_EXT_MAX], NULL, 0, &em), -ENOSPC);
	assert_string_equal(em.msg, "extension x16: register refused: 16 extensions already");
	assert_int_equal(vsw_ext_count(), VSW_EXT_MAX);
	assert_int_equal(vsw_ext_find("x15"), VSW_EXT_MAX - 1);
	/* A full stack of extensions without callbacks accepts everything. */
	assert_int_equal(vsw_ext_notify(PORT_CREATE, &vm1, &em), 0);
	assert_int_equal(vsw_ext_unregister("x0", NULL), 0);
	assert_int_equal(vsw_ext_register(&many[VSW_EXT_MAX], NULL, 0, &em), 0);
	assert_int_equal(vsw_ext_find("x16"), 0);
}

static void
test_r_nic_5_position_insertion(void **state)
{
	struct vsw_ext_stats st;

	(void)state;
	assert_int_equal(vsw_ext_register(&ops_b, &rec_b, -1, NULL), 0);
	assert_int_equal(vsw_ext_register(&ops_d, &rec_d, -1, NULL), 0);
	order_is("bd");
	assert_int_equal(vsw_ext_register(&ops_a, &rec_a, 0, NULL), 0);
	order_is("abd");
	assert_int_equal(vsw_ext_register(&ops_c, &rec_c, 2, NULL), 0);
	order_is("abcd");
	assert_int_equal(vsw_ext_count(), 4);
	assert_int_equal(vsw_ext_find("a"), 0);
	assert_int_equal(vsw_ext_find("c"), 2);
	assert_int_equal(vsw_ext_find("d"), 3);
	assert_int_equal(vsw_ext_find("e"), -ENOENT);
	assert_null(vsw_ext_get(4, &st));

	assert_int_equal(vsw_ext_notify(NIC_CONNECT, &vm1, NULL), 0);
	LOG_IS({"a", NIC_CONNECT}, {"b", NIC_CONNECT}, {"c", NIC_CONNECT}, {"d", NIC_CONNECT});

	assert_int_equal(vsw_ext_unregister("b", NULL), 0);
	order_is("acd");
	/* Position n is the bottom, like -1. */
	assert_int_equal(vsw_ext_register(&ops_b, &rec_b, 3, NULL), 0);
	order_is("acdb");
	assert_int_equal(vsw_ext_unregister("b", NULL), 0);
	assert_int_equal(vsw_ext_unregister("a", NULL), 0);
	order_is("cd");
	/* Counters follow their extension when it moves up. */
	assert_non_null(vsw_ext_get(0, &st));
	assert_int_equal(st.n_events, 1);

	assert_int_equal(vsw_ext_notify(NIC_DISCONNECT, &vm1, NULL), 0);
	LOG_IS({"c", NIC_DISCONNECT}, {"d", NIC_DISCONNECT});
	vsw_ext_unregister_all();
	assert_int_equal(vsw_ext_count(), 0);
	assert_int_equal(vsw_ext_notify(NIC_CONNECT, &vm1, NULL), 0);
	assert_int_equal(n_log, 0);
}

/* A callback that calls back into the stack is refused: the walk must not shift under it. */
static int reentry_rcs[3];

static int
reentrant_on_event(void *ctx, enum vsw_nic_ev ev, const struct vsw_ext_port_info *port,
                   struct vsw_errmsg *em)
{
	(void)ctx;
	(void)ev;
	reentry_rcs[0] = vsw_ext_register(&ops_d, &rec_d, -1, em);
	reentry_rcs[1] = vsw_ext_unregister("a", em);
	reentry_rcs[2] = vsw_ext_notify(NIC_CONNECT, port, em);
	vsw_ext_unregister_all();
	return 0;
}

static void
test_r_nic_5_callbacks_cannot_reenter(void **state)
{
	static const struct vsw_ext_ops reentrant = {.name = "re", .on_event = reentrant_on_event};

	(void)state;
	register_abc();
	assert_int_equal(vsw_ext_register(&reentrant, NULL, 1, NULL), 0);
	assert_int_equal(vsw_ext_notify(NIC_CONNECT, &vm1, NULL), 0);
	assert_int_equal(reentry_rcs[0], -EBUSY);
	assert_int_equal(reentry_rcs[1], -EBUSY);
	assert_int_equal(reentry_rcs[2], -EBUSY);
	LOG_IS({"a", NIC_CONNECT}, {"b", NIC_CONNECT}, {"c", NIC_CONNECT});
	order_is("arebc");
}

static void
test_r_nic_5_notify_bad_arguments(void **state)
{
	static const struct vsw_ext_port_info nameless = {.name = NULL};
	struct vsw_errmsg em = {{0}};

	(void)state;
	register_abc();
	assert_int_equal(vsw_ext_notify(VSW_NIC_EV_COUNT, &vm1, &em), -EINVAL);
	assert_int_equal(vsw_ext_notify(NIC_CONNECT, NULL, &em), -EINVAL);
	assert_int_equal(vsw_ext_notify(NIC_CONNECT, &nameless, &em), -EINVAL);
	assert_int_equal(n_log, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_r_nic_5_every_event_in_stack_order, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_2_3_full_sequence_through_the_stack,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_4_refused_step_is_not_notified, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_veto_port_create_undoes_in_reverse,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_veto_nic_create_undoes_in_reverse,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_veto_by_top_has_no_undo, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_positive_veto_is_eperm, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_non_create_events_cannot_be_vetoed,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_undo_cannot_be_refused, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_register_errors, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_stack_is_bounded, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_position_insertion, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_callbacks_cannot_reenter, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_r_nic_5_notify_bad_arguments, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
