/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The lifecycle of a switch port and of the NIC connection on it (R-NIC-2, R-NIC-3, R-NIC-4).
 *
 * Starting a VM adapter runs PORT_CREATE, NIC_CREATE, NIC_CONNECT; stopping it runs
 * NIC_DISCONNECT, NIC_DELETE, PORT_TEARDOWN, PORT_DELETE. A VM that reconnects (vhost-user
 * device destroyed and new again) runs NIC_DISCONNECT, NIC_DELETE, then NIC_CREATE,
 * NIC_CONNECT on the same port. Any other order is refused with a negative errno and an
 * explanation, and changes nothing:
 *
 * | errno      | meaning                                                                  |
 * |------------|--------------------------------------------------------------------------|
 * | -EEXIST    | already done: the port or the NIC exists, the NIC is already connected   |
 * | -ENOENT    | no port (never created, or deleted), no NIC                              |
 * | -ENOTCONN  | nic_disconnect of a NIC created but never connected                      |
 * | -EBUSY     | still in use: NIC connected (nic_delete), port has a NIC (port_teardown, |
 * |            | port_delete), port not torn down (port_delete)                           |
 * | -ESHUTDOWN | being torn down: the port is tearing down, or the NIC is disconnected;   |
 * |            | only the next teardown step is accepted                                  |
 *
 * -ESHUTDOWN rather than -EINPROGRESS: callers (like those of connect(2)) read -EINPROGRESS as
 * "started, will complete", a success; here the request is refused for good.
 *
 * vsw_lifecycle_check() and vsw_lifecycle_commit() are the pure state machine;
 * vsw_port_lifecycle_step() adds the extension stack (include/vsw/ext.h) between them.
 * Control thread only; pure C, no DPDK.
 */
#ifndef VSW_LIFECYCLE_H
#define VSW_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsw/errmsg.h"
#include "vsw/limits.h"

struct vsw_ext_port_info;

/** Lifecycle events, in the order R-NIC-2 then R-NIC-3 runs them. */
enum vsw_nic_ev {
	VSW_NIC_EV_PORT_CREATE,    /**< a switch port is created for the VM */
	VSW_NIC_EV_NIC_CREATE,     /**< a connection for the VM adapter is created on the port */
	VSW_NIC_EV_NIC_CONNECT,    /**< the guest's stack is up (vhost-user: device ready) */
	VSW_NIC_EV_NIC_DISCONNECT, /**< the connection is torn down: no new packets to it */
	VSW_NIC_EV_NIC_DELETE,     /**< no worker holds a reference to the connection any more */
	VSW_NIC_EV_PORT_TEARDOWN,  /**< the port is being torn down */
	VSW_NIC_EV_PORT_DELETE,    /**< the port is gone */
	VSW_NIC_EV_COUNT           /**< number of events, not an event */
};

/** State of the switch port. */
enum vsw_port_state {
	VSW_PORT_STATE_NONE,         /**< not created yet */
	VSW_PORT_STATE_CREATED,      /**< after PORT_CREATE */
	VSW_PORT_STATE_TEARING_DOWN, /**< after PORT_TEARDOWN */
	VSW_PORT_STATE_DELETED,      /**< after PORT_DELETE: final, every event is refused */
	VSW_PORT_STATE_COUNT         /**< number of states, not a state */
};

/** State of the NIC connection on the port. */
enum vsw_nic_state {
	VSW_NIC_STATE_NONE,         /**< no connection (never created, or deleted) */
	VSW_NIC_STATE_CREATED,      /**< after NIC_CREATE */
	VSW_NIC_STATE_CONNECTED,    /**< after NIC_CONNECT: packets flow, extensions see them */
	VSW_NIC_STATE_DISCONNECTED, /**< after NIC_DISCONNECT, until NIC_DELETE */
	VSW_NIC_STATE_COUNT         /**< number of states, not a state */
};

/** Events kept for vsw_lifecycle_history(): enough for two full VM start/stop cycles. */
#define VSW_LIFECYCLE_HISTORY 16

/** Bytes a buffer needs for the longest vsw_lifecycle_history() text, with its NUL. */
#define VSW_LIFECYCLE_HISTORY_SIZE 256

/**
 * Lifecycle of one switch port. Writer and reader: the control thread only (workers see the
 * published datapath configuration, never this). Initialize with vsw_lifecycle_init().
 */
struct vsw_lifecycle {
	char name[VSW_NAME_SIZE];       /**< port name, for explanations */
	enum vsw_port_state port_state; /**< current state of the port */
	enum vsw_nic_state nic_state;   /**< current state of its NIC; NONE unless port CREATED */
	uint64_t n_events[VSW_NIC_EV_COUNT]; /**< committed events, per event */
	uint64_t n_transitions;              /**< committed events in all */
	uint64_t last_change_ns; /**< vsw_clock_ns() of the last commit; init time before */
	uint8_t history[VSW_LIFECYCLE_HISTORY]; /**< ring of the last events (enum vsw_nic_ev) */
};

/**
 * Name of @p ev as the CLI and logs print it: "port_create", "nic_connect", ...
 * Inline so that lib/ext names events without linking lib/port (dependencies point one way).
 * @return a static string; "unknown" when @p ev is out of range.
 */
static inline const char *
vsw_nic_ev_name(enum vsw_nic_ev ev)
{
	switch (ev) {
	case VSW_NIC_EV_PORT_CREATE:
		return "port_create";
	case VSW_NIC_EV_NIC_CREATE:
		return "nic_create";
	case VSW_NIC_EV_NIC_CONNECT:
		return "nic_connect";
	case VSW_NIC_EV_NIC_DISCONNECT:
		return "nic_disconnect";
	case VSW_NIC_EV_NIC_DELETE:
		return "nic_delete";
	case VSW_NIC_EV_PORT_TEARDOWN:
		return "port_teardown";
	case VSW_NIC_EV_PORT_DELETE:
		return "port_delete";
	case VSW_NIC_EV_COUNT:
		break;
	}
	return "unknown";
}

/** Name of a port state: "none", "created", "tearing_down", "deleted" (or "unknown"). */
const char *vsw_port_state_name(enum vsw_port_state state);

/** Name of a NIC state: "none", "created", "connected", "disconnected" (or "unknown"). */
const char *vsw_nic_state_name(enum vsw_nic_state state);

/**
 * Start the lifecycle of a port named @p port_name: port and NIC NONE, counters and history
 * empty, last_change_ns now.
 *
 * @param port_name
 *   Copied; truncated to VSW_NAME_SIZE - 1 bytes.
 */
void vsw_lifecycle_init(struct vsw_lifecycle *lc, const char *port_name);

/**
 * Tell whether event @p ev is legal in the current state of @p lc. Changes nothing.
 *
 * @param em
 *   Optional; on refusal receives "port <name>: <event> refused: <reason>".
 * @return 0 when legal; -EEXIST, -ENOENT, -ENOTCONN, -EBUSY or -ESHUTDOWN (see the table in
 *   this file's header); -EINVAL when @p ev is out of range.
 */
int vsw_lifecycle_check(const struct vsw_lifecycle *lc, enum vsw_nic_ev ev, struct vsw_errmsg *em);

/**
 * Apply event @p ev: new state, counters, history, last_change_ns. @p ev must have passed
 * vsw_lifecycle_check() with nothing changed since; an illegal event aborts (a bug in the
 * caller, not user input).
 */
void vsw_lifecycle_commit(struct vsw_lifecycle *lc, enum vsw_nic_ev ev);

/** True when the NIC is connected: the only state in which packets flow (R-NIC-2 step 3). */
static inline bool
vsw_lifecycle_is_connected(const struct vsw_lifecycle *lc)
{
	return lc->nic_state == VSW_NIC_STATE_CONNECTED;
}

/**
 * One lifecycle step with the extension stack: vsw_lifecycle_check(), then vsw_ext_notify()
 * (every extension hears of @p ev before it takes effect; creates may be vetoed), then
 * vsw_lifecycle_commit(). On a refusal or a veto nothing changes, neither here nor in the
 * extensions (those that accepted a vetoed create received its undo).
 *
 * @param port
 *   What the extensions are told about the port.
 * @param em
 *   Optional; receives the refusal or the veto. On success it is empty, or holds a warning
 *   when an extension complained about an event it cannot refuse: the caller logs it.
 * @return 0; an errno of vsw_lifecycle_check(); the vetoing extension's errno; -EBUSY when
 *   called from inside an extension callback.
 */
int vsw_port_lifecycle_step(struct vsw_lifecycle *lc, enum vsw_nic_ev ev,
                            const struct vsw_ext_port_info *port, struct vsw_errmsg *em);

/**
 * Write the last events of @p lc, oldest first, separated by spaces:
 * "port_create nic_create nic_connect". When older events have left the ring the text starts
 * with "... ". Empty when nothing happened yet.
 *
 * @param buf
 *   Always NUL-terminated when @p size > 0; VSW_LIFECYCLE_HISTORY_SIZE bytes always suffice.
 * @return the length of the whole text (like snprintf: >= @p size means truncated).
 */
size_t vsw_lifecycle_history(const struct vsw_lifecycle *lc, char *buf, size_t size);

#endif /* VSW_LIFECYCLE_H */
