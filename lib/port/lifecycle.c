/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch-port and NIC lifecycle state machine (include/vsw/lifecycle.h, R-NIC-2..4).
 *
 * vsw_lifecycle_check() is the only place that knows which event is legal in which state; it
 * is a pure function, so a refusal changes nothing by construction. vsw_lifecycle_commit()
 * re-checks and applies. vsw_port_lifecycle_step() puts the extension stack (lib/ext) between
 * the two: lib/port depends on lib/ext, never the reverse.
 *
 * Control thread only. Pure C, no DPDK: the lead wires it into lib/control (vhost
 * new_device -> NIC_CONNECT, destroy_device -> NIC_DISCONNECT, ...), tests call it directly.
 */
#include "vsw/lifecycle.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vsw/clock.h"
#include "vsw/ext.h"

/*
 * RTE_VERIFY() without DPDK: a control invariant, checked in every build (unlike assert(),
 * which NDEBUG removes). Used for caller bugs only, never for user input.
 */
#define VSW_VERIFY(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			verify_failed(__FILE__, __LINE__, #cond);                                  \
	} while (0)

static_assert(VSW_NIC_EV_COUNT <= UINT8_MAX, "history stores events in a uint8_t");
/* "..." then, per event, a space and the longest name ("nic_disconnect"), then the NUL. */
static_assert(3 + VSW_LIFECYCLE_HISTORY * (1 + sizeof("nic_disconnect") - 1) + 1 <=
                      VSW_LIFECYCLE_HISTORY_SIZE,
              "VSW_LIFECYCLE_HISTORY_SIZE must hold a full history");

static void verify_failed(const char *file, int line, const char *cond) __attribute__((noreturn));

static void
verify_failed(const char *file, int line, const char *cond)
{
	(void)fprintf(stderr, "%s:%d: verification failed: %s\n", file, line, cond);
	abort();
}

const char *
vsw_port_state_name(enum vsw_port_state state)
{
	static const char *const names[VSW_PORT_STATE_COUNT] = {
	        [VSW_PORT_STATE_NONE] = "none",
	        [VSW_PORT_STATE_CREATED] = "created",
	        [VSW_PORT_STATE_TEARING_DOWN] = "tearing_down",
	        [VSW_PORT_STATE_DELETED] = "deleted",
	};

	return (unsigned int)state < VSW_PORT_STATE_COUNT ? names[state] : "unknown";
}

const char *
vsw_nic_state_name(enum vsw_nic_state state)
{
	static const char *const names[VSW_NIC_STATE_COUNT] = {
	        [VSW_NIC_STATE_NONE] = "none",
	        [VSW_NIC_STATE_CREATED] = "created",
	        [VSW_NIC_STATE_CONNECTED] = "connected",
	        [VSW_NIC_STATE_DISCONNECTED] = "disconnected",
	};

	return (unsigned int)state < VSW_NIC_STATE_COUNT ? names[state] : "unknown";
}

void
vsw_lifecycle_init(struct vsw_lifecycle *lc, const char *port_name)
{
	VSW_VERIFY(lc != NULL && port_name != NULL);
	memset(lc, 0, sizeof(*lc));
	/* Truncation is accepted: the name only labels explanations and the CLI. */
	(void)snprintf(lc->name, sizeof(lc->name), "%s", port_name);
	lc->port_state = VSW_PORT_STATE_NONE;
	lc->nic_state = VSW_NIC_STATE_NONE;
	lc->last_change_ns = vsw_clock_ns();
}

static int
refuse(const struct vsw_lifecycle *lc, enum vsw_nic_ev ev, struct vsw_errmsg *em, int rc,
       const char *why)
{
	vsw_errmsg_set(em, "port %s: %s refused: %s", lc->name, vsw_nic_ev_name(ev), why);
	return rc;
}

/* NIC_CREATE and NIC_CONNECT on a created port: the start of R-NIC-2, after PORT_CREATE. */
static int
check_nic_start(const struct vsw_lifecycle *lc, enum vsw_nic_ev ev, struct vsw_errmsg *em)
{
	const enum vsw_nic_state nic = lc->nic_state;

	/* A disconnected NIC still has packets or requests in flight until NIC_DELETE. */
	if (nic == VSW_NIC_STATE_DISCONNECTED)
		return refuse(lc, ev, em, -ESHUTDOWN,
		              "nic disconnected, nic_delete must come first");
	if (ev == VSW_NIC_EV_NIC_CREATE) {
		if (nic == VSW_NIC_STATE_NONE)
			return 0;
		return refuse(lc, ev, em, -EEXIST, "nic already created");
	}
	if (nic == VSW_NIC_STATE_CREATED)
		return 0;
	if (nic == VSW_NIC_STATE_NONE)
		return refuse(lc, ev, em, -ENOENT, "no nic created");
	return refuse(lc, ev, em, -EEXIST, "nic already connected");
}

/* NIC_DISCONNECT and NIC_DELETE on a created port: the start of R-NIC-3. */
static int
check_nic_stop(const struct vsw_lifecycle *lc, enum vsw_nic_ev ev, struct vsw_errmsg *em)
{
	const enum vsw_nic_state nic = lc->nic_state;

	if (nic == VSW_NIC_STATE_NONE)
		return refuse(lc, ev, em, -ENOENT, "no nic created");
	if (ev == VSW_NIC_EV_NIC_DISCONNECT) {
		if (nic == VSW_NIC_STATE_CONNECTED)
			return 0;
		if (nic == VSW_NIC_STATE_CREATED)
			return refuse(lc, ev, em, -ENOTCONN, "nic not connected");
		return refuse(lc, ev, em, -ESHUTDOWN, "nic already disconnected");
	}
	/* NIC_DELETE: workers may still hold the connection until it is disconnected. */
	if (nic == VSW_NIC_STATE_CONNECTED)
		return refuse(lc, ev, em, -EBUSY, "nic connected, nic_disconnect must come first");
	return 0;
}

/* Events on a port in the CREATED state. */
static int
check_created(const struct vsw_lifecycle *lc, enum vsw_nic_ev ev, struct vsw_errmsg *em)
{
	switch (ev) {
	case VSW_NIC_EV_PORT_CREATE:
		return refuse(lc, ev, em, -EEXIST, "port already created");
	case VSW_NIC_EV_NIC_CREATE:
	case VSW_NIC_EV_NIC_CONNECT:
		return check_nic_start(lc, ev, em);
	case VSW_NIC_EV_NIC_DISCONNECT:
	case VSW_NIC_EV_NIC_DELETE:
		return check_nic_stop(lc, ev, em);
	case VSW_NIC_EV_PORT_TEARDOWN:
		if (lc->nic_state == VSW_NIC_STATE_NONE)
			return 0;
		return refuse(lc, ev, em, -EBUSY, "port has a nic, nic_delete must come first");
	case VSW_NIC_EV_PORT_DELETE:
		if (lc->nic_state != VSW_NIC_STATE_NONE)
			return refuse(lc, ev, em, -EBUSY,
			              "port has a nic, nic_delete must come first");
		return refuse(lc, ev, em, -EBUSY, "port active, port_teardown must come first");
	case VSW_NIC_EV_COUNT:
		break;
	}
	return -EINVAL; /* not reached: vsw_lifecycle_check() filtered the range */
}

int
vsw_lifecycle_check(const struct vsw_lifecycle *lc, enum vsw_nic_ev ev, struct vsw_errmsg *em)
{
	VSW_VERIFY(lc != NULL);
	if ((unsigned int)ev >= VSW_NIC_EV_COUNT) {
		vsw_errmsg_set(em, "port %s: unknown lifecycle event %d", lc->name, (int)ev);
		return -EINVAL;
	}
	switch (lc->port_state) {
	case VSW_PORT_STATE_NONE:
		if (ev == VSW_NIC_EV_PORT_CREATE)
			return 0;
		return refuse(lc, ev, em, -ENOENT, "no port created");
	case VSW_PORT_STATE_CREATED:
		return check_created(lc, ev, em);
	case VSW_PORT_STATE_TEARING_DOWN:
		if (ev == VSW_NIC_EV_PORT_DELETE)
			return 0;
		return refuse(lc, ev, em, -ESHUTDOWN, "port tearing down");
	case VSW_PORT_STATE_DELETED:
	case VSW_PORT_STATE_COUNT:
		break;
	}
	/* Final: a new port with the same name starts a new lifecycle (vsw_lifecycle_init()). */
	return refuse(lc, ev, em, -ENOENT, "port deleted");
}

void
vsw_lifecycle_commit(struct vsw_lifecycle *lc, enum vsw_nic_ev ev)
{
	VSW_VERIFY(vsw_lifecycle_check(lc, ev, NULL) == 0);
	switch (ev) {
	case VSW_NIC_EV_PORT_CREATE:
		lc->port_state = VSW_PORT_STATE_CREATED;
		break;
	case VSW_NIC_EV_NIC_CREATE:
		lc->nic_state = VSW_NIC_STATE_CREATED;
		break;
	case VSW_NIC_EV_NIC_CONNECT:
		lc->nic_state = VSW_NIC_STATE_CONNECTED;
		break;
	case VSW_NIC_EV_NIC_DISCONNECT:
		lc->nic_state = VSW_NIC_STATE_DISCONNECTED;
		break;
	case VSW_NIC_EV_NIC_DELETE:
		lc->nic_state = VSW_NIC_STATE_NONE;
		break;
	case VSW_NIC_EV_PORT_TEARDOWN:
		lc->port_state = VSW_PORT_STATE_TEARING_DOWN;
		break;
	case VSW_NIC_EV_PORT_DELETE:
		lc->port_state = VSW_PORT_STATE_DELETED;
		break;
	case VSW_NIC_EV_COUNT:
		break; /* not reached: refused by the check above */
	}
	lc->n_events[ev]++;
	lc->history[lc->n_transitions % VSW_LIFECYCLE_HISTORY] = (uint8_t)ev;
	lc->n_transitions++;
	lc->last_change_ns = vsw_clock_ns();
}

int
vsw_port_lifecycle_step(struct vsw_lifecycle *lc, enum vsw_nic_ev ev,
                        const struct vsw_ext_port_info *port, struct vsw_errmsg *em)
{
	int rc;

	vsw_errmsg_clear(em);
	rc = vsw_lifecycle_check(lc, ev, em);
	if (rc < 0)
		return rc;
	/* R-NIC-2: every extension hears of the event before it takes effect. */
	rc = vsw_ext_notify(ev, port, em);
	if (rc < 0)
		return rc;
	vsw_lifecycle_commit(lc, ev);
	return 0;
}

/* Append " word" (no space first) at @p len; the length it needs even when it does not fit. */
static size_t
append_word(char *buf, size_t size, size_t len, const char *word)
{
	const char *sep = len > 0 ? " " : "";
	int n;

	if (len < size)
		n = snprintf(buf + len, size - len, "%s%s", sep, word);
	else
		n = snprintf(NULL, 0, "%s%s", sep, word);
	return n < 0 ? 0 : (size_t)n;
}

size_t
vsw_lifecycle_history(const struct vsw_lifecycle *lc, char *buf, size_t size)
{
	const uint64_t end = lc->n_transitions;
	const uint64_t begin = end > VSW_LIFECYCLE_HISTORY ? end - VSW_LIFECYCLE_HISTORY : 0;
	size_t len = 0;

	if (size > 0)
		buf[0] = '\0';
	if (begin > 0)
		len += append_word(buf, size, len, "...");
	for (uint64_t i = begin; i < end; i++) {
		const uint8_t ev = lc->history[i % VSW_LIFECYCLE_HISTORY];

		len += append_word(buf, size, len, vsw_nic_ev_name((enum vsw_nic_ev)ev));
	}
	return len;
}
