/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control module's files share: the switch (switch_ctl.c) and the emulated NIC
 * switch (nicsw_ctl.c). Control thread only.
 */
#ifndef VSW_CTL_PRIV_H
#define VSW_CTL_PRIV_H

#include <rte_log.h>

#include "vsw/control.h"
#include "vsw/learn.h"
#include "vsw/nicsw.h"
#include "vsw/nicsw_flow_mgr.h"
#include "vsw/topo.h"

/* struct vsw_port.worker of a port no worker polls, while it moves between workers. */
#define WORKER_NONE UINT16_MAX

/* The control state. Control thread only; workers see what vsw_ctl_cfg_publish() builds. */
struct vsw_ctl_state {
	struct rte_mempool *pool;
	struct vsw_learn *learn;
	struct rte_ring *link_events; /* struct vsw_port_link_ev from device event threads */
	uint64_t next_aging_tsc;
	struct vsw_port *ports[VSW_PORTS_MAX]; /* by switch port index */
	bool is_started;
	/* From the topology vswd started with (a reload that changes them needs a restart). */
	unsigned int n_socket_dirs; /* 0: sockets anywhere */
	char socket_dirs[VSW_SOCKET_DIRS_MAX][VSW_PATH_SIZE];
	struct vsw_sock_perms vhost_sockets;
};

extern struct vsw_ctl_state vsw_ctl_state;

extern int vsw_ctl_logtype;
#define CTL_LOG(lvl, fmt, ...)                                                                     \
	rte_log(RTE_LOG_##lvl, vsw_ctl_logtype, "control: " fmt "\n", ##__VA_ARGS__)

/*
 * A configuration is reserved before a change and published after it, so that running out of
 * memory can only refuse a change before it starts. NULL: out of memory (@p em explained).
 */
struct vsw_dp_cfg *vsw_ctl_cfg_reserve(struct vsw_errmsg *em);

/* Fill @p cfg from the control state, publish it, wait out the grace period, free the old. */
void vsw_ctl_cfg_publish(struct vsw_dp_cfg *cfg);

/* Reserve and publish in one go. @return 0 or -ENOMEM. */
int vsw_ctl_publish(void);

/* Even out the rx queues per worker, one two-phase move at a time. */
void vsw_ctl_rebalance(void);

/* Build the NIC switch of @p topo (its first one) with its VPorts, filters and VF ports. */
int vsw_ctl_nicsw_create(const struct vsw_topo *topo, struct vsw_errmsg *em);

/* Delete the VF ports and the NIC switch; nothing when there is none. */
void vsw_ctl_nicsw_destroy(void);

/* What workers need of the NIC switch, into @p cfg; @p index_of maps port names. */
void vsw_ctl_nicsw_fill(struct vsw_dp_cfg *cfg, uint16_t (*index_of)(const char *));

/*
 * The hardware backend (nicsw_flow_ctl.c). Rx queues the PF's ethdev (the uplink) needs for
 * NIC switch @p t: the default VPort's, and under mlx5 the PF VPorts' after them.
 */
uint16_t vsw_ctl_nicsw_flow_rxqs(const struct vsw_topo_nicsw *t);
/* Tell the embedded switch from the driver, probe the representors of @p t's VFs and install
 * the rules @p sw asks for; all or nothing. @p uplink is the PF, already started. */
int vsw_ctl_nicsw_flow_start(const struct vsw_topo_nicsw *t, const struct vsw_port *uplink,
                             const struct vsw_nicsw *sw, struct vsw_flow_mgr **out,
                             struct vsw_errmsg *em);
/* Remove every rule, then close the representors. NULL: nothing. */
void vsw_ctl_nicsw_flow_stop(struct vsw_flow_mgr *m);

/* The NIC switch's model, or NULL when the topology has none. */
struct vsw_nicsw *vsw_ctl_nicsw_model(void);

/* Switch port index of VF @p vf of the NIC switch, or VSW_PORT_NONE. */
uint16_t vsw_ctl_nicsw_vf_port(uint16_t vf);

/*
 * VM adapters (vm_ctl.c). Every synthetic port has one; vsw_ctl_vm_start() sizes the VF pool
 * from the NIC switch and attaches the adapters the topology gives a VF.
 */
void vsw_ctl_vm_port_added(const struct vsw_port *port, uint16_t vf_priority);
void vsw_ctl_vm_start(const struct vsw_topo *topo);
/* Before port @p index goes: its adapter gives its VF back first. */
void vsw_ctl_vm_port_gone(uint16_t index);
/* Port @p index lost its link: if it is an adapter's VF, that adapter fails over. */
void vsw_ctl_vm_link_down(uint16_t index);
/* Which path each adapter's guest uses, from the ports' counters; timeouts. */
void vsw_ctl_vm_poll(void);
/* Each VM port's steering, into @p cfg. */
void vsw_ctl_vm_fill(struct vsw_dp_cfg *cfg);
/* Forget every adapter (the NIC switch goes away with its VPorts). */
void vsw_ctl_vm_reset(void);

/* Load the eBPF extensions of @p topo, all or none (bpf_ctl.c). */
int vsw_ctl_bpf_apply_topo(const struct vsw_topo *topo, struct vsw_errmsg *em);

/* Load one extension of a topology (bpf_ctl.c). */
int vsw_ctl_bpf_load_topo_ext(const struct vsw_topo_ext *te, struct vsw_errmsg *em);

/*
 * Remember @p topo as the running topology (reload_ctl.c): what a reload or a dump starts
 * from. After vsw_ctl_apply_topo() succeeded; vsw_ctl_fini() forgets it.
 */
int vsw_ctl_reload_record(const struct vsw_topo *topo);
void vsw_ctl_reload_forget(void);

#endif /* VSW_CTL_PRIV_H */
