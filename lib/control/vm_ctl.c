/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VM adapters on the control thread: the model (lib/vm) decides which path each VM NIC uses;
 * this file carries each decision out on the NIC switch and in the published steering.
 *
 * What the guest does is read from the ports' own counters, every control poll: frames the
 * guest sent arrive either on its synthetic port or on its VF port. A path is "in use" in a
 * poll interval when its counter moved and the other's did not, so a guest caught mid-switch
 * is judged on the next interval.
 *
 * Carrying a change out, in this order, so that no worker ever sends to a VPort that is gone
 * and no frame for the guest is without a path (R-DP-3):
 *   1. clear the filters of adapters leaving the VF path (their frames go up the default VPort
 *      to the vSwitch, which steers them both ways or to the synthetic port);
 *   2. publish the steering: after the grace period no worker holds the old one;
 *   3. delete the VPorts of adapters back on synthetic; create the VPorts of new attaches;
 *      set the filters of adapters now on the VF path (wire frames go straight to the VF);
 *   4. publish again.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "ctl_priv.h"
#include "vsw/vm.h"

static struct vsw_ctl_state *const ctl = &vsw_ctl_state;

/* What the control thread keeps beside the model, per adapter (by port index). */
struct vm_ctl {
	uint16_t vport_id;                      /* its VF's VPort, or VSW_VPORT_NONE */
	uint16_t n_filters;                     /* set on the VPort (VF path only) */
	uint32_t filter_ids[VSW_PORT_MACS_MAX]; /* one per MAC of the port */
	uint64_t rx_synthetic;                  /* the synthetic port's rx counter last poll */
	uint64_t rx_vf;                         /* the VF port's rx counter last poll */
	uint64_t drops_at_change;               /* both ports' drops when the change began */
};

static struct {
	struct vsw_vm_pool pool;
	struct vm_ctl ad[VSW_VM_ADAPTERS_MAX];
	bool is_ready; /* the pool knows the NIC switch's VFs */
} vm;

/* What the model said before an operation, to see what it changed. */
struct vm_snapshot {
	enum vsw_vm_path path[VSW_VM_ADAPTERS_MAX];
	uint16_t vf[VSW_VM_ADAPTERS_MAX];
	enum vsw_vm_change change[VSW_VM_ADAPTERS_MAX];
};

static uint64_t
now_ns(void)
{
	return rte_get_tsc_cycles() / (rte_get_tsc_hz() / 1000000) * 1000;
}

static void
snapshot(struct vm_snapshot *s)
{
	for (uint16_t i = 0; i < VSW_VM_ADAPTERS_MAX; i++) {
		s->path[i] = vm.pool.adapters[i].path;
		s->vf[i] = vm.pool.adapters[i].vf;
		s->change[i] = vm.pool.adapters[i].change;
	}
}

static uint16_t
adapter_index(const char *port, struct vsw_errmsg *em)
{
	const struct vsw_port *p = vsw_ctl_port_find(port);

	if (p == NULL || !vm.pool.adapters[p->index].is_used) {
		vsw_errmsg_set(em, "vm %s: %s", port,
		               p == NULL ? "no such port" : "not a VM port (synthetic)");
		return VSW_VM_ADAPTERS_MAX;
	}
	return p->index;
}

/* Frames the switch dropped on the adapter's two ports: what a change may cost. */
static uint64_t
drops_of(uint16_t idx)
{
	const struct vsw_vm_adapter *a = &vm.pool.adapters[idx];
	struct vsw_port_stats st;
	uint64_t sum = 0;
	uint16_t vf_port;

	vsw_dp_port_stats(idx, &st);
	sum += vsw_port_stats_drops(&st);
	vf_port = a->vf != VSW_VM_VF_NONE ? vsw_ctl_nicsw_vf_port(a->vf) : VSW_PORT_NONE;
	if (vf_port != VSW_PORT_NONE) {
		vsw_dp_port_stats(vf_port, &st);
		sum += vsw_port_stats_drops(&st);
	}
	if (vm.ad[idx].vport_id != VSW_VPORT_NONE) {
		struct vsw_vport_stats vs;

		vsw_dp_vport_stats(vm.ad[idx].vport_id, &vs);
		sum += vs.rx_drops;
	}
	return sum;
}

/* The VLAN a VF filter of this port uses: its access VLAN, or untagged for trunks. */
static uint16_t
filter_vlan(const struct vsw_port *p)
{
	return p->vlan.mode == VSW_VLAN_ACCESS ? p->vlan.id : 0;
}

static void
clear_filters(uint16_t idx)
{
	struct vm_ctl *c = &vm.ad[idx];
	struct vsw_nicsw *sw = vsw_ctl_nicsw_model();

	for (uint16_t f = 0; f < c->n_filters; f++)
		(void)vsw_nicsw_filter_clear(sw, c->vport_id, c->filter_ids[f], NULL);
	c->n_filters = 0;
}

/* The VF path: wire frames for the adapter's MACs go straight to its VF (R-DP-2). */
static void
set_filters(uint16_t idx)
{
	struct vm_ctl *c = &vm.ad[idx];
	const struct vsw_port *p = ctl->ports[idx];
	struct vsw_errmsg em = {0};

	for (uint8_t k = 0; p != NULL && k < p->n_macs && c->n_filters < VSW_PORT_MACS_MAX; k++) {
		if (vsw_nicsw_filter_set(vsw_ctl_nicsw_model(), c->vport_id, p->macs[k],
		                         filter_vlan(p), &c->filter_ids[c->n_filters], &em) < 0) {
			/* Its frames still reach the VF through the vSwitch: slower, not lost. */
			CTL_LOG(WARNING, "vm %s: %s", p->name, em.msg);
			continue;
		}
		c->n_filters++;
	}
}

static int
create_vport(uint16_t idx)
{
	const struct vsw_vm_adapter *a = &vm.pool.adapters[idx];
	struct vsw_nicsw *sw = vsw_ctl_nicsw_model();
	struct vsw_nicsw_params np;
	struct vsw_vport_params p = {.function = VSW_VPORT_VF,
	                             .vf_index = a->vf,
	                             .moderation = {.mode = VSW_VPORT_MOD_ADAPTIVE}};
	struct vsw_errmsg em = {0};
	int rc;

	vsw_nicsw_params_get(sw, &np);
	p.n_qps = np.is_asymmetric ? 1 : np.qp_per_vport;
	snprintf(p.name, sizeof(p.name), "%s", a->name);
	rc = vsw_nicsw_vport_create(sw, &p, &vm.ad[idx].vport_id, &em);
	if (rc < 0) {
		CTL_LOG(ERR, "vm %s: vf %u: %s", a->name, a->vf, em.msg);
		vm.ad[idx].vport_id = VSW_VPORT_NONE;
	}
	return rc;
}

static void
delete_vport(uint16_t idx)
{
	struct vm_ctl *c = &vm.ad[idx];

	if (c->vport_id == VSW_VPORT_NONE)
		return;
	clear_filters(idx);
	(void)vsw_nicsw_vport_delete(vsw_ctl_nicsw_model(), c->vport_id, NULL);
	c->vport_id = VSW_VPORT_NONE;
}

static void
log_change(uint16_t idx, const struct vm_snapshot *before)
{
	const struct vsw_vm_adapter *a = &vm.pool.adapters[idx];

	if (a->path != VSW_VM_PATH_SYNTHETIC && a->path != VSW_VM_PATH_VF) {
		CTL_LOG(INFO, "vm %s: path %s -> %s (vf %u)", a->name,
		        vsw_vm_path_name(before->path[idx]), vsw_vm_path_name(a->path), a->vf);
		return;
	}
	CTL_LOG(INFO, "vm %s: path %s -> %s: %s in %.1f ms, %" PRIu64 " frames dropped", a->name,
	        vsw_vm_path_name(before->path[idx]), vsw_vm_path_name(a->path),
	        vsw_vm_change_name(a->stats.last_change), a->stats.last_change_ns / 1e6,
	        a->stats.last_change_lost);
}

/*
 * Read what adapter @p idx's guest has sent so far on each path into rx_synthetic and rx_vf.
 * @return false when the adapter has no VF port to read (then nothing changed).
 */
static bool
sample(uint16_t idx)
{
	const struct vsw_vm_adapter *a = &vm.pool.adapters[idx];
	const uint16_t vf_port =
	        a->vf != VSW_VM_VF_NONE ? vsw_ctl_nicsw_vf_port(a->vf) : VSW_PORT_NONE;
	struct vsw_port_stats st;

	if (vf_port == VSW_PORT_NONE)
		return false;
	vsw_dp_port_stats(idx, &st);
	vm.ad[idx].rx_synthetic = st.rx_packets;
	vsw_dp_port_stats(vf_port, &st);
	vm.ad[idx].rx_vf = st.rx_packets;
	return true;
}

/* Carry out what the model changed since @p before (see the file comment for the order). */
static void
apply(const struct vm_snapshot *before)
{
	bool is_changed = false;

	for (uint16_t i = 0; i < VSW_VM_ADAPTERS_MAX; i++) {
		const struct vsw_vm_adapter *a = &vm.pool.adapters[i];

		if (!a->is_used || (a->path == before->path[i] && a->vf == before->vf[i]))
			continue;
		is_changed = true;
		if (before->change[i] == VSW_VM_CHANGE_NONE)
			vm.ad[i].drops_at_change = drops_of(i);
		if (before->path[i] == VSW_VM_PATH_VF)
			clear_filters(i);
	}
	if (!is_changed)
		return;
	(void)vsw_ctl_publish();
	for (uint16_t i = 0; i < VSW_VM_ADAPTERS_MAX; i++) {
		struct vsw_vm_adapter *a = &vm.pool.adapters[i];

		if (!a->is_used || (a->path == before->path[i] && a->vf == before->vf[i]))
			continue;
		if (a->path == VSW_VM_PATH_SYNTHETIC || a->vf != before->vf[i])
			delete_vport(i);
	}
	for (uint16_t i = 0; i < VSW_VM_ADAPTERS_MAX; i++) {
		struct vsw_vm_adapter *a = &vm.pool.adapters[i];
		struct vm_ctl *c = &vm.ad[i];

		if (!a->is_used || (a->path == before->path[i] && a->vf == before->vf[i]))
			continue;
		if (a->path != VSW_VM_PATH_SYNTHETIC && c->vport_id == VSW_VPORT_NONE &&
		    create_vport(i) < 0) {
			/* The VF cannot be used: the adapter stays where the guest can be reached.
			 */
			vsw_vm_vf_lost(&vm.pool, i, now_ns());
			continue;
		}
		if (a->path == VSW_VM_PATH_VF && before->path[i] != VSW_VM_PATH_VF)
			set_filters(i);
		if (a->change == VSW_VM_CHANGE_NONE)
			a->stats.last_change_lost = drops_of(i) - c->drops_at_change;
		/* Judge the guest from now on, not on what it sent before the change. */
		sample(i);
		log_change(i, before);
	}
	(void)vsw_ctl_publish();
}

/*
 * A RARP "who am I" from @p mac, the frame hypervisors send when a VM appears somewhere new:
 * it carries the MAC as its source, so every switch on the way learns where the VM is now.
 */
static struct rte_mbuf *
build_rarp(const uint8_t mac[6])
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ctl->pool);
	struct rte_ether_hdr *eh;
	struct rte_arp_hdr *arp;

	if (m == NULL)
		return NULL;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	if (eh == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eh, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	memset(&eh->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	memcpy(&eh->src_addr, mac, RTE_ETHER_ADDR_LEN);
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_RARP);
	arp = (struct rte_arp_hdr *)(eh + 1);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = sizeof(uint32_t);
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REVREQUEST);
	memcpy(&arp->arp_data.arp_sha, mac, RTE_ETHER_ADDR_LEN);
	memcpy(&arp->arp_data.arp_tha, mac, RTE_ETHER_ADDR_LEN);
	return m;
}

int
vsw_ctl_vm_announce(const char *name, struct vsw_errmsg *em)
{
	const uint16_t idx = adapter_index(name, em);
	const struct vsw_port *port;

	if (idx == VSW_VM_ADAPTERS_MAX)
		return -ENOENT;
	port = ctl->ports[idx];
	if (!vsw_lifecycle_is_connected(&port->lc)) {
		/* Nothing would leave: the switch takes frames only from connected NICs. */
		vsw_errmsg_set(em, "vm %s: its NIC is not connected, nothing to announce", name);
		return -ENOTCONN;
	}
	for (uint8_t k = 0; k < port->n_macs; k++) {
		struct rte_mbuf *m = build_rarp(port->macs[k]);

		if (m == NULL || vsw_dp_inject_rx(port->index, m) < 0) {
			vsw_errmsg_set(em, "vm %s: no buffer for the announcement", name);
			return -ENOBUFS;
		}
		CTL_LOG(INFO, "vm %s: announced %02x:%02x:%02x:%02x:%02x:%02x (RARP)", name,
		        port->macs[k][0], port->macs[k][1], port->macs[k][2], port->macs[k][3],
		        port->macs[k][4], port->macs[k][5]);
	}
	return 0;
}

void
vsw_ctl_vm_port_added(const struct vsw_port *port, uint16_t vf_priority)
{
	if (port->type != VSW_PORT_SYNTHETIC)
		return;
	memset(&vm.ad[port->index], 0, sizeof(vm.ad[port->index]));
	vm.ad[port->index].vport_id = VSW_VPORT_NONE;
	(void)vsw_vm_add(&vm.pool, port->index, port->name, vf_priority, NULL);
}

void
vsw_ctl_vm_start(const struct vsw_topo *topo)
{
	const struct vsw_nicsw *sw = vsw_ctl_nicsw_model();
	struct vsw_vm_pool keep = vm.pool;
	struct vsw_nicsw_params np;
	struct vsw_vport_info info;
	uint32_t iter = 0;

	if (sw == NULL)
		return;
	vsw_nicsw_params_get(sw, &np);
	vsw_vm_pool_init(&vm.pool, np.num_vfs);
	memcpy(vm.pool.adapters, keep.adapters, sizeof(vm.pool.adapters));
	vm.is_ready = true;
	/* VFs the topology gave VPorts of their own are not the pool's to hand out. */
	while (vsw_nicsw_vport_next(sw, &iter, &info))
		if (info.function == VSW_VPORT_VF)
			(void)vsw_vm_reserve_vf(&vm.pool, info.vf_index);
	for (unsigned int i = 0; i < topo->n_ports; i++) {
		const struct vsw_topo_port *tp = &topo->ports[i];
		const struct vsw_port *p = vsw_ctl_port_find(tp->name);
		struct vsw_errmsg em = {0};
		struct vm_snapshot before;
		int rc;

		if (p == NULL || tp->vf_mode == VSW_TOPO_VF_NONE)
			continue;
		snapshot(&before);
		rc = vsw_vm_attach(&vm.pool, p->index,
		                   tp->vf_mode == VSW_TOPO_VF_AUTO ? VSW_VM_VF_ANY : tp->vf_index,
		                   now_ns(), &em);
		if (rc < 0) {
			/* More VMs than VFs is normal: this one starts on the synthetic path. */
			CTL_LOG(WARNING, "%s", em.msg);
			continue;
		}
		apply(&before);
	}
}

void
vsw_ctl_vm_reset(void)
{
	memset(&vm, 0, sizeof(vm));
}

int
vsw_ctl_vm_attach(const char *port, uint16_t vf, struct vsw_errmsg *em)
{
	const uint16_t idx = adapter_index(port, em);
	struct vm_snapshot before;
	int rc;

	if (idx == VSW_VM_ADAPTERS_MAX)
		return -ENOENT;
	if (!vm.is_ready) {
		vsw_errmsg_set(em, "vm %s: no NIC switch, hence no VF", port);
		return -ENODEV;
	}
	snapshot(&before);
	rc = vsw_vm_attach(&vm.pool, idx, vf, now_ns(), em);
	if (rc == 0)
		apply(&before);
	return rc;
}

int
vsw_ctl_vm_detach(const char *port, struct vsw_errmsg *em)
{
	const uint16_t idx = adapter_index(port, em);
	struct vm_snapshot before;
	int rc;

	if (idx == VSW_VM_ADAPTERS_MAX)
		return -ENOENT;
	snapshot(&before);
	rc = vsw_vm_detach(&vm.pool, idx, now_ns(), em);
	if (rc == 0)
		apply(&before);
	return rc;
}

int
vsw_ctl_vm_set_priority(const char *port, uint16_t priority, struct vsw_errmsg *em)
{
	const uint16_t idx = adapter_index(port, em);

	if (idx == VSW_VM_ADAPTERS_MAX)
		return -ENOENT;
	return vsw_vm_set_priority(&vm.pool, idx, priority, em);
}

const struct vsw_vm_adapter *
vsw_ctl_vm_get(uint16_t index, uint16_t *vport_id)
{
	if (index >= VSW_VM_ADAPTERS_MAX || !vm.pool.adapters[index].is_used)
		return NULL;
	if (vport_id != NULL)
		*vport_id = vm.ad[index].vport_id;
	return &vm.pool.adapters[index];
}

void
vsw_ctl_vm_port_gone(uint16_t index)
{
	struct vm_snapshot before;

	if (index >= VSW_VM_ADAPTERS_MAX || !vm.pool.adapters[index].is_used)
		return;
	snapshot(&before);
	if (vm.pool.adapters[index].path != VSW_VM_PATH_SYNTHETIC) {
		/* Steer it away and give its VF back before the port disappears. */
		vsw_vm_vf_lost(&vm.pool, index, now_ns());
		apply(&before);
		snapshot(&before);
	}
	vsw_vm_remove(&vm.pool, index, now_ns());
	apply(&before); /* a waiting adapter may get the VF */
}

void
vsw_ctl_vm_link_down(uint16_t index)
{
	struct vm_snapshot before;

	snapshot(&before);
	for (uint16_t i = 0; i < VSW_VM_ADAPTERS_MAX; i++) {
		const struct vsw_vm_adapter *a = &vm.pool.adapters[i];

		if (a->is_used && a->vf != VSW_VM_VF_NONE && vsw_ctl_nicsw_vf_port(a->vf) == index)
			vsw_vm_vf_lost(&vm.pool, i, now_ns());
	}
	apply(&before);
}

void
vsw_ctl_vm_poll(void)
{
	struct vm_snapshot before;
	const uint64_t now = now_ns();

	if (!vm.is_ready)
		return;
	snapshot(&before);
	for (uint16_t i = 0; i < VSW_VM_ADAPTERS_MAX; i++) {
		const struct vsw_vm_adapter *a = &vm.pool.adapters[i];
		struct vm_ctl *c = &vm.ad[i];
		const uint64_t syn = c->rx_synthetic, vf = c->rx_vf;
		bool is_syn_used, is_vf_used;

		/* One moved by another's change in this poll is judged once its baseline is set. */
		if (!a->is_used || a->vf == VSW_VM_VF_NONE || a->vf != before.vf[i] ||
		    a->path != before.path[i] || !sample(i))
			continue;
		is_syn_used = c->rx_synthetic != syn;
		is_vf_used = c->rx_vf != vf;
		if (is_syn_used != is_vf_used)
			vsw_vm_guest_sent(&vm.pool, i, is_vf_used, now);
	}
	vsw_vm_tick(&vm.pool, now);
	apply(&before);
}

void
vsw_ctl_vm_fill(struct vsw_dp_cfg *cfg)
{
	for (uint16_t i = 0; i < VSW_VM_ADAPTERS_MAX; i++) {
		const struct vsw_vm_adapter *a = &vm.pool.adapters[i];
		struct vsw_dp_port *dp = &cfg->ports[i];
		uint16_t vf_port;

		if (!a->is_used || !dp->is_used || a->path == VSW_VM_PATH_SYNTHETIC)
			continue;
		vf_port = vsw_ctl_nicsw_vf_port(a->vf);
		if (vf_port == VSW_PORT_NONE)
			continue;
		dp->vm_vf_port = vf_port;
		dp->vm_steer = a->path == VSW_VM_PATH_VF ? VSW_DP_STEER_VF : VSW_DP_STEER_BOTH;
	}
}
