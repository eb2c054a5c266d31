/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The switch extension stack, control side (R-NIC-5).
 *
 * Extensions form an ordered stack, position 0 on top. Every lifecycle event of every port
 * (include/vsw/lifecycle.h) is delivered to each extension in stack order, top to bottom,
 * before it takes effect (R-NIC-2). Only creates can be vetoed: when an extension refuses
 * PORT_CREATE or NIC_CREATE, the walk stops, the extensions above it that had accepted
 * receive the undo (PORT_DELETE, NIC_DELETE) bottom to top, and the create does not happen.
 * Every other event happens whatever the extensions say: a port that is going away cannot be
 * kept (the guest or QEMU already left).
 *
 * Control thread only: registration, notification and listing are never called by workers,
 * and not from inside an extension callback (-EBUSY). The datapath hooks of R-NIC-5 live
 * elsewhere; struct vsw_ext_ops only keeps a place for them. Pure C, no DPDK.
 */
#ifndef VSW_EXT_H
#define VSW_EXT_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw/errmsg.h"
#include "vsw/lifecycle.h"

/** Extensions in the stack: each one costs every packet a hook call, so few are expected. */
#define VSW_EXT_MAX 16

/** What an extension is told about the port of an event. Valid during the callback only. */
struct vsw_ext_port_info {
	const char *name; /**< switch port name */
	uint16_t index;   /**< switch port index, 0..VSW_PORTS_MAX-1 */
	int type;         /**< enum vsw_port_type (vsw/topo.h), as int: lib/ext needs no topo */
	bool has_mac;     /**< mac is meaningful */
	uint8_t mac[6];   /**< the VM adapter's MAC */
};

/**
 * Lifecycle callback of an extension.
 *
 * @param ctx
 *   The pointer given to vsw_ext_register().
 * @param ev
 *   The event, not yet in effect.
 * @param em
 *   Where to explain a veto (lowercase, no port name: the stack adds it). Never NULL.
 * @return 0 to accept; a negative errno to veto PORT_CREATE or NIC_CREATE (a positive value
 *   counts as -EPERM). For any other event a non-zero return is counted and reported to the
 *   caller as a warning, and the event happens anyway.
 */
typedef int (*vsw_ext_on_event_fn)(void *ctx, enum vsw_nic_ev ev,
                                   const struct vsw_ext_port_info *port, struct vsw_errmsg *em);

struct vsw_ext_dp_args;

/**
 * Datapath hook of an extension (R-NIC-5): runs on a worker for every burst of a connected
 * port, in stack order, and fills a verdict per packet: inspect, drop, modify, redirect, or
 * inject new packets. Declared in include/vsw/ext_dp.h; lib/ext never calls it.
 */
typedef void (*vsw_ext_dp_fn)(void *ctx, struct vsw_ext_dp_args *args);

/** An extension. Registered by pointer: it must outlive its registration (static const). */
struct vsw_ext_ops {
	const char *name;             /**< unique in the stack, 1..VSW_NAME_SIZE-1 bytes */
	vsw_ext_on_event_fn on_event; /**< lifecycle callback; NULL accepts everything */
	vsw_ext_dp_fn ingress;        /**< datapath hook on received bursts, or NULL */
	vsw_ext_dp_fn egress;         /**< datapath hook on bursts about to be sent, or NULL */
};

/** Counters of one extension, for the CLI. */
struct vsw_ext_stats {
	uint64_t n_events;  /**< notifications delivered, undo included */
	uint64_t n_vetoes;  /**< creates it refused */
	uint64_t n_ignored; /**< errors it returned where refusing is impossible */
};

/**
 * Insert an extension into the stack.
 *
 * @param ctx
 *   Handed back to every callback.
 * @param position
 *   0 = top (hears events first), n = after the n-th, -1 = bottom.
 * @return 0; -EINVAL (no ops, bad name, position < -1 or > vsw_ext_count()), -EEXIST (name
 *   taken), -ENOSPC (VSW_EXT_MAX registered), -EBUSY (called from a callback).
 */
int vsw_ext_register(const struct vsw_ext_ops *ops, void *ctx, int position, struct vsw_errmsg *em);

/**
 * Remove extension @p name; those below move up. It is not notified: ports it saw created stay.
 * @return 0; -ENOENT (no such extension), -EINVAL (NULL name), -EBUSY (called from a callback).
 */
int vsw_ext_unregister(const char *name, struct vsw_errmsg *em);

/** Remove every extension (daemon shutdown, tests). Not from a callback. */
void vsw_ext_unregister_all(void);

/** Number of extensions in the stack. */
unsigned int vsw_ext_count(void);

/** Position of extension @p name from the top, or -ENOENT. */
int vsw_ext_find(const char *name);

/**
 * Extension at @p position, for listing: `for (i = 0; (ops = vsw_ext_get(i, &st)); i++)`.
 *
 * @param stats
 *   Optional; receives its counters.
 * @return its ops, or NULL when @p position >= vsw_ext_count().
 */
const struct vsw_ext_ops *vsw_ext_get(unsigned int position, struct vsw_ext_stats *stats);

/** The ctx given with the extension at @p position, or NULL when there is none. */
void *vsw_ext_ctx(unsigned int position);

/**
 * Deliver lifecycle event @p ev of @p port to every extension, top to bottom, before the
 * event takes effect. Usually called through vsw_port_lifecycle_step().
 *
 * PORT_CREATE and NIC_CREATE may be vetoed: the first extension that returns non-zero stops
 * the walk, those above it receive the undo event (PORT_DELETE, NIC_DELETE) in reverse order,
 * and its errno is returned with @p em "port <port>: <event> vetoed by extension <name>:
 * <reason>". Other events reach every extension and return 0.
 *
 * @param em
 *   Optional. Cleared on success, unless an extension returned an error for an event it
 *   cannot refuse: then it holds a warning naming the first such extension, for the log.
 * @return 0; the veto's negative errno; -EINVAL (bad event or port); -EBUSY (called from a
 *   callback: the stack is being walked).
 */
int vsw_ext_notify(enum vsw_nic_ev ev, const struct vsw_ext_port_info *port, struct vsw_errmsg *em);

#endif /* VSW_EXT_H */
