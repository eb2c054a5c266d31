/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * VM adapters and their data path (SPEC R-DP-1..5): which of a VM NIC's two paths carries its
 * traffic, the synthetic one (vhost-user) or a VF of a NIC switch, and the pool of VFs the
 * adapters compete for by priority.
 *
 * The model decides; the control thread carries out. Every function here changes only the
 * struct vsw_vm_pool it is given: states, VF owners and counters. The caller compares each
 * adapter's (path, vf) before and after and does what the new state needs (create or delete
 * the VF's VPort, set or clear its filter, publish the steering), see lib/control/vm_ctl.c.
 *
 * Paths, and what moves an adapter between them:
 *
 *   SYNTHETIC --attach--> ATTACHING --guest sends on the VF--> VF
 *   VF --detach--> DETACHING --guest sends on the synthetic path, or timeout--> SYNTHETIC
 *   VF --guest sends on the synthetic path, or the VF's link drops--> SYNTHETIC (failover)
 *
 * While ATTACHING or DETACHING, frames for the adapter go both ways: the guest drops what
 * arrives on the path it is not using, and takes the other copy, so a planned change loses
 * nothing whichever moment the guest switches at (R-DP-3).
 *
 * Thread-safety: control thread only. Errors: negative errno, one sentence in @p em, nothing
 * changed. Pure C, no EAL: unit-tested directly. Times are caller-given nanoseconds.
 */
#ifndef VSW_VM_H
#define VSW_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw/errmsg.h"
#include "vsw/limits.h"

/** VFs one pool hands out: those of one NIC switch. */
#define VSW_VM_VFS_MAX 64
/** Adapters one pool knows: at most one per switch port. */
#define VSW_VM_ADAPTERS_MAX VSW_PORTS_MAX
/** An adapter's VF request: any free one, or the lowest-priority holder's. */
#define VSW_VM_VF_ANY UINT16_MAX
/** No VF. */
#define VSW_VM_VF_NONE (UINT16_MAX - 1)
/** Owner of a VF that is not the pool's to give: a VPort of its own in the topology. */
#define VSW_VM_VF_RESERVED (UINT16_MAX - 2)
/** How long a planned detach waits for the guest to move before it forces the change. */
#define VSW_VM_DETACH_TIMEOUT_NS (3ull * 1000 * 1000 * 1000)
/** Highest VF priority; a higher number wins a VF from a lower one. */
#define VSW_VM_PRIORITY_MAX 1000

/** Where an adapter's traffic flows. */
enum vsw_vm_path {
	VSW_VM_PATH_SYNTHETIC = 0, /**< vhost-user only (R-DP-1) */
	VSW_VM_PATH_ATTACHING,     /**< VF given; both paths until the guest uses it */
	VSW_VM_PATH_VF,            /**< through the VF's VPort (R-DP-2) */
	VSW_VM_PATH_DETACHING,     /**< both paths until the guest is back on synthetic */
};

/** What the last path change of an adapter was. */
enum vsw_vm_change {
	VSW_VM_CHANGE_NONE = 0,
	VSW_VM_CHANGE_ATTACH,   /**< synthetic -> VF */
	VSW_VM_CHANGE_DETACH,   /**< VF -> synthetic, asked for (R-DP-3 planned) */
	VSW_VM_CHANGE_FAILOVER, /**< VF -> synthetic, the VF went away (surprise) */
};

/** Counters and timings of one adapter (R-DP-5). */
struct vsw_vm_adapter_stats {
	uint64_t attaches;  /**< changes to the VF path completed */
	uint64_t detaches;  /**< planned changes back to synthetic completed */
	uint64_t failovers; /**< surprise changes back to synthetic */
	uint64_t forced;    /**< planned detaches the timeout completed */
	enum vsw_vm_change last_change;
	uint64_t last_change_ns;   /**< duration of the last completed change */
	uint64_t last_change_lost; /**< frames vsw dropped for the adapter during it (set by caller)
	                            */
};

/** One VM adapter: a synthetic port that may get a VF. */
struct vsw_vm_adapter {
	bool is_used;
	char name[VSW_NAME_SIZE]; /**< its synthetic port's name */
	uint16_t priority;        /**< 0..VSW_VM_PRIORITY_MAX */
	enum vsw_vm_path path;
	uint16_t vf;                /**< the VF it holds (not SYNTHETIC), else VSW_VM_VF_NONE */
	uint16_t waiting_vf;        /**< a VF it was promised once its holder lets go, or NONE */
	uint64_t change_started_ns; /**< when the current change began (ATTACHING, DETACHING) */
	enum vsw_vm_change change;  /**< the change under way, NONE when settled */
	struct vsw_vm_adapter_stats stats;
};

/** The adapters of one NIC switch and its VFs. */
struct vsw_vm_pool {
	uint16_t num_vfs;
	uint16_t owner[VSW_VM_VFS_MAX]; /**< adapter index holding each VF, or VSW_VM_VF_NONE */
	struct vsw_vm_adapter adapters[VSW_VM_ADAPTERS_MAX];
};

/** An empty pool of @p num_vfs VFs (clamped to VSW_VM_VFS_MAX). */
void vsw_vm_pool_init(struct vsw_vm_pool *pool, uint16_t num_vfs);

/** Keep VF @p vf out of the pool (it is someone else's). @return 0, -EINVAL, -EBUSY (held). */
int vsw_vm_reserve_vf(struct vsw_vm_pool *pool, uint16_t vf);

/**
 * A new adapter on synthetic port @p name with VF priority @p priority, at index @p idx
 * (the caller's port index, < VSW_VM_ADAPTERS_MAX). @return 0, -EINVAL (index, priority, empty
 * name), -EEXIST (index taken).
 */
int vsw_vm_add(struct vsw_vm_pool *pool, uint16_t idx, const char *name, uint16_t priority,
               struct vsw_errmsg *em);

/**
 * Forget adapter @p idx (its port is gone): its VF, if any, is free at once and passes to an
 * adapter waiting for it. The caller has already taken the adapter's steering away.
 */
void vsw_vm_remove(struct vsw_vm_pool *pool, uint16_t idx, uint64_t now_ns);

/** Change adapter @p idx's priority; a lower priority never takes a VF away by itself. */
int vsw_vm_set_priority(struct vsw_vm_pool *pool, uint16_t idx, uint16_t priority,
                        struct vsw_errmsg *em);

/**
 * Give adapter @p idx VF @p vf (or VSW_VM_VF_ANY). A free VF: the adapter is ATTACHING at once.
 * A VF held by an adapter of lower priority: that one starts a planned detach and this one
 * waits, still SYNTHETIC, until the VF is free (its waiting_vf says which). With ANY, a free VF
 * is preferred, then the lowest-priority holder's.
 *
 * @return 0; -EINVAL (no such adapter or VF); -EALREADY (not SYNTHETIC, or already waiting);
 *         -EBUSY (the VF is held by an adapter of equal or higher priority, or reserved); -ENOSPC
 * (ANY: no VF free and no holder of lower priority); -ENODEV (the pool has no VF).
 */
int vsw_vm_attach(struct vsw_vm_pool *pool, uint16_t idx, uint16_t vf, uint64_t now_ns,
                  struct vsw_errmsg *em);

/**
 * Planned detach of adapter @p idx: VF -> DETACHING; ATTACHING (the guest may be binding the
 * VF already) -> DETACHING; a wait for a VF is cancelled. @return 0, -EINVAL, -EALREADY
 * (SYNTHETIC and not waiting, or DETACHING already).
 */
int vsw_vm_detach(struct vsw_vm_pool *pool, uint16_t idx, uint64_t now_ns, struct vsw_errmsg *em);

/**
 * The guest of adapter @p idx sent frames on its VF (@p is_vf) or on its synthetic port. That
 * is how vsw learns which path the guest uses: it completes an attach or a detach, and on the
 * VF path a frame on the synthetic port means the guest lost its VF (surprise failover).
 */
void vsw_vm_guest_sent(struct vsw_vm_pool *pool, uint16_t idx, bool is_vf, uint64_t now_ns);

/**
 * The VF of adapter @p idx lost its link or device: back to synthetic at once, from the VF path
 * (a surprise failover) or a planned detach (done). While attaching nothing changes: the VF's
 * device is being plugged into the VM and both paths carry its frames.
 */
void vsw_vm_vf_lost(struct vsw_vm_pool *pool, uint16_t idx, uint64_t now_ns);

/** Complete planned detaches older than VSW_VM_DETACH_TIMEOUT_NS (counted as forced). */
void vsw_vm_tick(struct vsw_vm_pool *pool, uint64_t now_ns);

/** "synthetic", "attaching", "vf", "detaching". */
const char *vsw_vm_path_name(enum vsw_vm_path path);

/** "none", "attach", "detach", "failover". */
const char *vsw_vm_change_name(enum vsw_vm_change change);

#endif /* VSW_VM_H */
