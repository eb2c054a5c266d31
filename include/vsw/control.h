/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The control API: the one way to change the switch. The YAML loader, the CLI, the control
 * socket and the tests all call these functions. Each validates against the current state,
 * refuses with a negative errno and an explanation in @p em while changing nothing, or builds
 * and publishes a new datapath configuration (include/vsw/datapath.h).
 *
 * Control thread only (the EAL main lcore); never called by workers.
 */
#ifndef VSW_CONTROL_H
#define VSW_CONTROL_H

#include "vsw/errmsg.h"
#include "vsw/nicsw.h"
#include "vsw/port.h"
#include "vsw/topo.h"

/**
 * Create the mbuf pool and the datapath for the workers of @p topo. After rte_eal_init().
 * @return 0, -EINVAL (bad worker lcores), -ENOMEM.
 */
int vsw_ctl_init(const struct vsw_topo *topo, struct vsw_errmsg *em);

/** Stop the workers if running, delete every port, free everything vsw_ctl_init() made. */
void vsw_ctl_fini(void);

/** Launch the workers. @return 0 or a negative errno. */
int vsw_ctl_start(struct vsw_errmsg *em);

/**
 * Create the ports of @p topo, all or none: on failure the ports created so far are deleted.
 */
int vsw_ctl_apply_topo(const struct vsw_topo *topo, struct vsw_errmsg *em);

/**
 * Create one port.
 * @return 0; -EEXIST (name, mac or vhost path taken), -EBUSY (a second external port),
 *   -ENOSPC (VSW_PORTS_MAX reached), or the device's error (see vsw_port_open()).
 */
int vsw_ctl_port_add(const struct vsw_topo_port *tp, struct vsw_errmsg *em);

/** Delete port @p name: workers stop seeing it before its device is closed. -ENOENT. */
int vsw_ctl_port_del(const char *name, struct vsw_errmsg *em);

/** Port with index @p index, or NULL. */
const struct vsw_port *vsw_ctl_port_get(uint16_t index);

/** Port named @p name, or NULL. */
const struct vsw_port *vsw_ctl_port_find(const char *name);

struct vsw_learn;

/** The learned-MAC table, for listing (vsw_learn_next()) and counters. */
const struct vsw_learn *vsw_ctl_learn(void);

/** Mbufs of the switch's pool in use now (in rings, in flight, cached by workers). */
unsigned int vsw_ctl_mbufs_in_use(void);

/** Frames of @p port by class since it was created (the port-stats extension). */
void vsw_ctl_port_class_stats(const struct vsw_port *port, struct vsw_port_class_stats *out);

/** The NIC switch named @p name (NULL: the one there is), or NULL. */
const struct vsw_nicsw *vsw_ctl_nicsw(const char *name);

/** Counters of VPort @p vport_id of the NIC switch, summed over workers (R-VP-8). */
void vsw_ctl_vport_stats(uint16_t vport_id, struct vsw_vport_stats *out);

/** Counters of @p port since it was created or its counters were last cleared. */
void vsw_ctl_port_stats(const struct vsw_port *port, struct vsw_port_stats *out);

struct vsw_vm_adapter;

/**
 * VM adapters (R-DP-2..5, include/vsw/vm.h): every synthetic port is one. Give port @p port
 * VF @p vf of the NIC switch (VSW_VM_VF_ANY: a free one, or a lower-priority holder's after
 * that guest has moved back). Its traffic takes both paths until its guest sends on the VF.
 * @return 0; -ENOENT (no such VM port), -ENODEV (no NIC switch or VF), or what
 * vsw_vm_attach() refuses with.
 */
int vsw_ctl_vm_attach(const char *port, uint16_t vf, struct vsw_errmsg *em);

/** Planned detach: both paths until the guest sends on the synthetic one, then the VF goes. */
int vsw_ctl_vm_detach(const char *port, struct vsw_errmsg *em);

/** The VF priority of VM port @p port (0..VSW_VM_PRIORITY_MAX). */
int vsw_ctl_vm_set_priority(const char *port, uint16_t priority, struct vsw_errmsg *em);

/**
 * Tell the network where VM port @p port's MACs are now (R-DP-4): a RARP from each enters the
 * switch as if the VM had sent it, and floods out of the uplink. For orchestration after a live
 * migration when the guest cannot announce itself. @return 0, -ENOENT, -ENOTCONN (its NIC is not
 * connected), -ENOBUFS.
 */
int vsw_ctl_vm_announce(const char *port, struct vsw_errmsg *em);

/** The adapter of port @p index (NULL: not a VM port) and its VF's VPort (or NONE). */
const struct vsw_vm_adapter *vsw_ctl_vm_get(uint16_t index, uint16_t *vport_id);

/**
 * Start the counters of port @p name (NULL: every port) again from zero, the per-class ones
 * included. Workers' counters are untouched: the current totals become the port's baseline.
 * @return 0 or -ENOENT (no such port).
 */
int vsw_ctl_port_stats_clear(const char *name, struct vsw_errmsg *em);

/** Counters of worker @p worker since start or the last vsw_ctl_pmd_stats_clear(). */
void vsw_ctl_pmd_stats(unsigned int worker, struct vsw_worker_stats *out);

/** Start every worker's counters again from zero (a baseline, as for ports). */
void vsw_ctl_pmd_stats_clear(void);

/**
 * The control lock, for threads other than the control thread that read control state
 * (DPDK's telemetry thread). The control thread holds it whenever it runs commands or
 * periodic work and drops it only while it waits for input, so a reader that holds it sees a
 * state no change is under way on. Workers never take it, so holding it never stalls the
 * datapath; readers hold it only to copy what they report. Lock order: this lock, then
 * nothing else of vsw.
 */
void vsw_ctl_lock(void);

/** Release the control lock. */
void vsw_ctl_unlock(void);

/**
 * Periodic control work: notice link changes (vhost devices becoming ready or going away)
 * and publish them to the workers. Call every few milliseconds from the control loop.
 */
void vsw_ctl_poll(void);

/**
 * The running state as a topology (`vswctl dump`): the ports as they are now (those made at
 * run time included, the NIC switch's VF ports excluded), their mirrors, VF policies and the
 * loaded eBPF extensions with their current params; EAL, workers, control socket, FDB and NIC
 * switches as the running topology gave them. Loading the result into a fresh vswd gives the
 * same state. @return 0, -ENOENT (no topology applied yet).
 */
int vsw_ctl_snapshot(struct vsw_topo *out, struct vsw_errmsg *em);

/**
 * Live reload: bring the switch to @p topo (validated by the loader), all of it or nothing.
 * The difference against vsw_ctl_snapshot() is applied in an order that keeps it consistent
 * (extensions unloaded, ports deleted, kept ports changed in place, ports added, VF policies,
 * extensions loaded); a step that fails undoes the ones before it. Ports the difference does
 * not touch keep forwarding: each step publishes a whole new configuration (QSBR), never
 * stopping a worker. A port holding a VF cannot change its MACs or VLAN (-EBUSY: detach first).
 * @return 0 and, in @p summary (NULL allowed), what changed; -ENOTSUP (a change that needs a
 *   restart), -EBUSY, or the failing step's error, the state unchanged.
 */
int vsw_ctl_reload(const struct vsw_topo *topo, char *summary, size_t size, struct vsw_errmsg *em);

#endif /* VSW_CONTROL_H */
