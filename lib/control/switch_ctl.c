/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch's control state and the control API on it (include/vsw/control.h): ports and
 * their lifecycle, the mbuf pool, learning, link changes. Control thread only; the datapath
 * configuration is built and published by publish_ctl.c.
 *
 * Every change follows one recipe: validate against the current ports and change nothing on
 * error; build a complete new struct vsw_dp_cfg; publish it, which waits for a QSBR grace
 * period; only then release what the workers no longer see (a deleted port's device).
 */
#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "ctl_priv.h"
#include "vsw/bpf_ext.h"
#include "vsw/control.h"
#include "vsw/ext.h"
#include "vsw/ext_builtin.h"
#include "vsw/learn.h"
#include "vsw/sockpath.h"

RTE_LOG_REGISTER_DEFAULT(vsw_ctl_logtype, INFO);

/* Learned MACs: defaults of the topology's fdb section. */
#define CTL_FDB_ENTRIES 65536
#define CTL_FDB_AGING_S 300
/* Aging runs this often; entries live between aging_s and aging_s + 1 s. */
#define CTL_AGING_PERIOD_S 1

/* Link changes queued by device event threads before the control loop takes them. */
#define LINK_EVENTS_RING_SIZE 1024

/* Mbufs: rx rings of every port plus bursts in flight on every worker, with room to grow. */
#define CTL_MBUFS 16383
#define CTL_MBUF_CACHE 256

struct vsw_ctl_state vsw_ctl_state;
static struct vsw_ctl_state *const ctl = &vsw_ctl_state;

/*
 * One lifecycle step of @p port, heard by every extension first; logged either way.
 * @p em may be NULL where the caller has nobody to explain a refusal to.
 */
static int
step(struct vsw_port *port, enum vsw_nic_ev ev, struct vsw_errmsg *em)
{
	struct vsw_ext_port_info info = {.name = port->name,
	                                 .index = port->index,
	                                 .type = (int)port->type,
	                                 .has_mac = port->has_mac};
	struct vsw_errmsg local = {0};
	int rc;

	memcpy(info.mac, port->mac, sizeof(info.mac));
	rc = vsw_port_lifecycle_step(&port->lc, ev, &info, &local);
	if (rc < 0)
		CTL_LOG(ERR, "%s", local.msg);
	else if (local.msg[0] != '\0')
		CTL_LOG(WARNING, "%s", local.msg);
	else
		CTL_LOG(NOTICE, "port %s: %s", port->name, vsw_nic_ev_name(ev));
	if (rc < 0 && em != NULL)
		*em = local;
	return rc;
}

int
vsw_ctl_init(const struct vsw_topo *topo, struct vsw_errmsg *em)
{
	int rc;

	rc = vsw_dp_init(topo->worker_lcores, topo->n_worker_lcores);
	if (rc < 0) {
		vsw_errmsg_set(em, "cannot set up %u workers: %s (see the log)",
		               topo->n_worker_lcores, strerror(-rc));
		return rc;
	}
	ctl->pool = rte_pktmbuf_pool_create("vsw_mbufs", CTL_MBUFS, CTL_MBUF_CACHE, 0,
	                                    RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (ctl->pool == NULL) {
		vsw_errmsg_set(em, "cannot create %u mbufs: %s (more memory with EAL -m?)",
		               CTL_MBUFS, rte_strerror(rte_errno));
		rc = -rte_errno;
		goto err_dp;
	}
	/* Link changes come from device threads; 1024 covers many ports flapping at once. */
	ctl->link_events =
	        rte_ring_create_elem("vsw_link_events", sizeof(struct vsw_port_link_ev),
	                             LINK_EVENTS_RING_SIZE, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (ctl->link_events == NULL) {
		vsw_errmsg_set(em, "cannot create the link event ring: %s",
		               rte_strerror(rte_errno));
		rc = -ENOMEM;
		goto err_pool;
	}
	ctl->learn = vsw_learn_create(
	        topo->fdb_entries_max != 0 ? topo->fdb_entries_max : CTL_FDB_ENTRIES,
	        topo->fdb_entries_max != 0 ? topo->fdb_aging_s : CTL_FDB_AGING_S, em);
	if (ctl->learn == NULL) {
		rc = -ENOMEM;
		goto err_pool;
	}
	vsw_dp_set_idle_sleep_max(topo->idle_sleep_us_max);
	vsw_dp_set_idle_rxq_poll(topo->idle_rxq_poll_us);
	ctl->n_socket_dirs = topo->n_socket_dirs;
	memcpy(ctl->socket_dirs, topo->socket_dirs, sizeof(ctl->socket_dirs));
	ctl->vhost_sockets = topo->vhost_sockets;
	/* The switch's own policies ride the extension API like any other extension. */
	rc = vsw_ext_register(&vsw_ext_port_stats, NULL, -1, em);
	if (rc == 0)
		rc = vsw_ext_register(&vsw_ext_mirror, NULL, -1, em);
	if (rc == 0)
		rc = vsw_ext_register(&vsw_ext_spoof_guard, NULL, -1, em);
	/* Storm control before the guards: a flood is dropped before its headers are read. */
	if (rc == 0)
		rc = vsw_ext_register(&vsw_ext_storm_control, NULL, -1, em);
	if (rc == 0)
		rc = vsw_ext_register(&vsw_ext_l3_guard, NULL, -1, em);
	if (rc == 0)
		rc = vsw_ext_register(&vsw_ext_trace, NULL, -1, em);
	if (rc == 0)
		rc = vsw_ctl_publish();
	if (rc == 0)
		return 0;
	vsw_ext_unregister_all();
	vsw_learn_free(ctl->learn);
	ctl->learn = NULL;
err_pool:
	rte_ring_free(ctl->link_events);
	ctl->link_events = NULL;
	rte_mempool_free(ctl->pool);
	ctl->pool = NULL;
err_dp:
	vsw_dp_fini();
	return rc;
}

int
vsw_ctl_start(struct vsw_errmsg *em)
{
	int rc = vsw_dp_start();

	if (rc < 0) {
		vsw_errmsg_set(em, "cannot launch workers: %s", strerror(-rc));
		return rc;
	}
	ctl->is_started = true;
	return 0;
}

void
vsw_ctl_fini(void)
{
	vsw_dp_stop();
	ctl->is_started = false;
	vsw_ctl_vm_reset();
	vsw_ctl_nicsw_destroy();
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		if (ctl->ports[i] != NULL)
			(void)vsw_ctl_port_del(ctl->ports[i]->name, NULL);
	vsw_bpf_ext_unload_all();
	vsw_ext_unregister_all();
	vsw_ctl_reload_forget();
	vsw_learn_free(ctl->learn);
	ctl->learn = NULL;
	vsw_dp_fini();
	rte_ring_free(ctl->link_events);
	ctl->link_events = NULL;
	rte_mempool_free(ctl->pool);
	ctl->pool = NULL;
}

unsigned int
vsw_ctl_mbufs_in_use(void)
{
	return rte_mempool_in_use_count(ctl->pool);
}

void
vsw_ctl_port_class_stats(const struct vsw_port *port, struct vsw_port_class_stats *out)
{
	const uint64_t *base = (const uint64_t *)&port->class_base;
	uint64_t *now = (uint64_t *)out;

	vsw_ext_port_stats_read(port->index, out);
	for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		now[i] -= base[i];
}

void
vsw_ctl_vport_stats(uint16_t vport_id, struct vsw_vport_stats *out)
{
	vsw_dp_vport_stats(vport_id, out);
}

const struct vsw_learn *
vsw_ctl_learn(void)
{
	return ctl->learn;
}

const struct vsw_port *
vsw_ctl_port_get(uint16_t index)
{
	return index < VSW_PORTS_MAX ? ctl->ports[index] : NULL;
}

static struct vsw_port *
port_find(const char *name)
{
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		if (ctl->ports[i] != NULL && strcmp(ctl->ports[i]->name, name) == 0)
			return ctl->ports[i];
	return NULL;
}

const struct vsw_port *
vsw_ctl_port_find(const char *name)
{
	return port_find(name);
}

static bool
shares_mac(const struct vsw_port *p, const struct vsw_topo_port *tp)
{
	for (uint8_t i = 0; i < p->n_macs; i++)
		for (unsigned int k = 0; k < tp->n_macs; k++)
			if (memcmp(p->macs[i], tp->macs[k], 6) == 0)
				return true;
	return false;
}

/* Refuse @p tp if it clashes with an existing port; the loader checks a file, this a switch. */
/* vswd creates this socket (and so places it and sets its permissions). */
static bool
is_vhost_server(const char *vhost_path, enum vsw_vhost_mode mode)
{
	return vhost_path[0] != '\0' && mode == VSW_VHOST_SERVER;
}

static int
check_new_port(const struct vsw_topo_port *tp, struct vsw_errmsg *em)
{
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = ctl->ports[i];

		if (p == NULL)
			continue;
		if (strcmp(p->name, tp->name) == 0) {
			vsw_errmsg_set(em, "port %s: name already used", tp->name);
			return -EEXIST;
		}
		if (shares_mac(p, tp)) {
			vsw_errmsg_set(em, "port %s: a mac of it is already used by port %s",
			               tp->name, p->name);
			return -EEXIST;
		}
		if (tp->type == VSW_PORT_EXTERNAL && p->type == VSW_PORT_EXTERNAL) {
			vsw_errmsg_set(em, "port %s: port %s is already the external port",
			               tp->name, p->name);
			return -EBUSY;
		}
		if (tp->type == VSW_PORT_SYNTHETIC && p->type == VSW_PORT_SYNTHETIC &&
		    strcmp(p->vhost_path, tp->vhost_path) == 0) {
			vsw_errmsg_set(em, "port %s: socket %s already used by port %s", tp->name,
			               tp->vhost_path, p->name);
			return -EEXIST;
		}
	}
	return 0;
}

/* The worker polling the fewest rx queues. */
static uint16_t
least_loaded_worker(void)
{
	unsigned int load[VSW_WORKERS_MAX] = {0};
	uint16_t best = 0;

	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		if (ctl->ports[i] != NULL && ctl->ports[i]->worker != WORKER_NONE)
			load[ctl->ports[i]->worker]++;
	for (uint16_t w = 1; w < vsw_dp_n_workers(); w++)
		if (load[w] < load[best])
			best = w;
	return best;
}

static struct vsw_port *
port_from_topo(const struct vsw_topo_port *tp, uint16_t index)
{
	static uint32_t last_gen;
	struct vsw_port *port = rte_zmalloc("vsw_port", sizeof(*port), 0);

	if (port == NULL)
		return NULL;
	port->gen = ++last_gen;
	memcpy(port->name, tp->name, sizeof(port->name));
	port->type = tp->type;
	port->index = index;
	port->worker = least_loaded_worker();
	port->has_mac = tp->n_macs > 0;
	memcpy(port->mac, tp->macs[0], sizeof(port->mac));
	port->n_macs = (uint8_t)RTE_MIN(tp->n_macs, (unsigned int)VSW_PORT_MACS_MAX);
	memcpy(port->macs, tp->macs, sizeof(port->macs[0]) * port->n_macs);
	memcpy(port->devargs, tp->device, sizeof(port->devargs));
	memcpy(port->netdev, tp->netdev, sizeof(port->netdev));
	memcpy(port->vhost_path, tp->vhost_path, sizeof(port->vhost_path));
	port->vhost_mode = tp->vhost_mode;
	port->has_vhost_ethdev = tp->has_vhost_ethdev;
	port->n_rxqs_want = tp->n_rxqs;
	port->vlan = tp->vlan.cfg;
	port->is_spoof_guarded = tp->security.has_mac_spoof_guard && port->n_macs > 0;
	port->is_dhcp_guarded = !tp->security.is_dhcp_server_allowed;
	port->is_router_guarded = !tp->security.is_router_allowed;
	port->storm_pps = tp->security.storm_pps;
	port->is_announced_on_connect = tp->is_announced_on_connect;
	/* Where unknown hosts live: the uplink, and any trunk into another switch. */
	port->is_learning = tp->type == VSW_PORT_EXTERNAL || tp->vlan.cfg.mode == VSW_VLAN_TRUNK;
	return port;
}

/* The rest of a port's stop once its NIC is gone: PORT_TEARDOWN, device closed, PORT_DELETE. */
static void
port_finish(struct vsw_port *port, bool is_device_open)
{
	(void)step(port, VSW_NIC_EV_PORT_TEARDOWN, NULL);
	if (is_device_open) {
		if (port->vhost_path[0] != '\0' && port->eth_port_id != VSW_ETH_PORT_NONE)
			vsw_dp_vhost_unwatch(port->index, port->eth_port_id);
		vsw_port_close(port);
	}
	(void)step(port, VSW_NIC_EV_PORT_DELETE, NULL);
	rte_free(port);
}

static uint16_t
free_index(void)
{
	uint16_t index;

	for (index = 0; index < VSW_PORTS_MAX && ctl->ports[index] != NULL; index++)
		;
	return index;
}

int
vsw_ctl_port_add(const struct vsw_topo_port *tp, struct vsw_errmsg *em)
{
	const uint16_t index = free_index();
	struct vsw_dp_cfg *cfg;
	struct vsw_port *port;
	int rc;

	rc = check_new_port(tp, em);
	if (rc < 0)
		return rc;
	/* Ports made at run time (`port create`) are held to the topology's socket_dirs too. */
	if (is_vhost_server(tp->vhost_path, tp->vhost_mode) && ctl->n_socket_dirs > 0 &&
	    !vsw_sockpath_is_within(tp->vhost_path, (const char(*)[VSW_PATH_SIZE])ctl->socket_dirs,
	                            ctl->n_socket_dirs)) {
		vsw_errmsg_set(em, "port %s: socket %s is outside socket_dirs (%s%s)", tp->name,
		               tp->vhost_path, ctl->socket_dirs[0],
		               ctl->n_socket_dirs > 1 ? ", ..." : "");
		return -EPERM;
	}
	if (index == VSW_PORTS_MAX) {
		vsw_errmsg_set(em, "port %s: the switch already has %u ports", tp->name,
		               VSW_PORTS_MAX);
		return -ENOSPC;
	}
	cfg = vsw_ctl_cfg_reserve(em);
	port = port_from_topo(tp, index);
	if (cfg == NULL || port == NULL) {
		vsw_errmsg_set(em, "port %s: out of memory", tp->name);
		rc = -ENOMEM;
		goto err_free;
	}
	vsw_lifecycle_init(&port->lc, port->name);
	rc = step(port, VSW_NIC_EV_PORT_CREATE, em); /* extensions may veto */
	if (rc < 0)
		goto err_free;
	rc = vsw_port_open(port, (uint16_t)vsw_dp_n_workers(), ctl->pool, em);
	if (rc < 0) {
		port_finish(port, false);
		vsw_dp_cfg_free(cfg);
		return rc;
	}
	if (is_vhost_server(port->vhost_path, port->vhost_mode)) {
		/* The vhost driver made the socket with vswd's umask: narrow or widen it now,
		 * before the port is announced and a VM is told where to connect. */
		rc = vsw_sockpath_set_perms(port->vhost_path, &ctl->vhost_sockets, port->name, em);
		if (rc < 0) {
			port_finish(port, true);
			vsw_dp_cfg_free(cfg);
			return rc;
		}
	}
	rc = vsw_port_watch_link(port, ctl->link_events);
	if (rc < 0 && rc != -ENOTSUP)
		CTL_LOG(WARNING, "port %s: link events not delivered (%s): link changes are polled",
		        port->name, rte_strerror(-rc));
	if (port->vhost_path[0] != '\0' && port->eth_port_id != VSW_ETH_PORT_NONE)
		(void)vsw_dp_vhost_watch(port->index, port->eth_port_id);
	/* A vhost-user port's NIC exists with its socket; it connects when the VM is ready. */
	rc = step(port, VSW_NIC_EV_NIC_CREATE, em);
	if (rc < 0) {
		port_finish(port, true);
		vsw_dp_cfg_free(cfg);
		return rc;
	}
	/* Counters of a reused index keep the old port's totals: remember where this one starts. */
	vsw_dp_port_stats(index, &port->stats_base);
	vsw_ext_port_stats_read(index, &port->class_base);
	ctl->ports[index] = port;
	vsw_ctl_cfg_publish(cfg);
	vsw_ctl_vm_port_added(port, tp->vf_priority);
	return 0;

err_free:
	vsw_dp_cfg_free(cfg);
	rte_free(port);
	return rc;
}

/* The VM or the device went away: stop delivering, wait out the workers, drop the NIC. */
static void
nic_disconnect(struct vsw_port *port, struct vsw_dp_cfg *cfg)
{
	(void)step(port, VSW_NIC_EV_NIC_DISCONNECT, NULL);
	vsw_ctl_cfg_publish(
	        cfg); /* returns after a grace period: no worker holds the NIC any more */
	(void)step(port, VSW_NIC_EV_NIC_DELETE, NULL);
	/* What was learned behind it is no longer there. */
	vsw_learn_flush_port(ctl->learn, port->index);
}

int
vsw_ctl_port_del(const char *name, struct vsw_errmsg *em)
{
	struct vsw_port *port = port_find(name);
	struct vsw_dp_cfg *cfg;

	if (port == NULL) {
		vsw_errmsg_set(em, "port %s: no such port", name);
		return -ENOENT;
	}
	cfg = vsw_ctl_cfg_reserve(em);
	if (cfg == NULL)
		return -ENOMEM;
	vsw_ctl_vm_port_gone(port->index);
	ctl->ports[port->index] = NULL;
	if (vsw_lifecycle_is_connected(&port->lc)) {
		nic_disconnect(port, cfg);
	} else {
		vsw_ctl_cfg_publish(cfg);
		vsw_learn_flush_port(ctl->learn, port->index);
		if (port->lc.nic_state != VSW_NIC_STATE_NONE)
			(void)step(port, VSW_NIC_EV_NIC_DELETE, NULL);
	}
	/* After the grace period: no worker polls or sends to the device now. */
	port_finish(port, true);
	vsw_ctl_rebalance();
	return 0;
}

/* What this build cannot do yet is refused whole, before anything is created. */
static int
check_supported(const struct vsw_topo *topo, struct vsw_errmsg *em)
{
	if (topo->n_nicsws > 1) {
		vsw_errmsg_set(em, "nic switch %s: one NIC switch per vswd for now",
		               topo->nicsws[1].name);
		return -ENOTSUP;
	}
	return 0;
}

/* Point each mirror's source port at its destination; published with the next change. */
static void
apply_mirrors(const struct vsw_topo *topo)
{
	for (unsigned int i = 0; i < topo->n_mirrors; i++) {
		const struct vsw_topo_mirror *m = &topo->mirrors[i];
		struct vsw_port *src = port_find(m->source);

		if (src == NULL)
			continue; /* validated by the loader: cannot happen */
		if (m->direction & VSW_MIRROR_RX)
			memcpy(src->mirror_rx_to, m->destination, sizeof(src->mirror_rx_to));
		if (m->direction & VSW_MIRROR_TX)
			memcpy(src->mirror_tx_to, m->destination, sizeof(src->mirror_tx_to));
		CTL_LOG(INFO, "mirror %s: %s %s -> %s", m->name, m->source,
		        vsw_mirror_direction_name(m->direction), m->destination);
	}
}

int
vsw_ctl_apply_topo(const struct vsw_topo *topo, struct vsw_errmsg *em)
{
	unsigned int i;
	int rc;

	rc = check_supported(topo, em);
	if (rc < 0)
		return rc;
	for (i = 0; i < topo->n_ports; i++) {
		struct vsw_topo_port tp = topo->ports[i];

		/* An uplink bound to a NIC switch is the PF's wire. */
		if (tp.nicsw[0] != '\0') {
			const struct vsw_topo_nicsw *t = &topo->nicsws[tp.nicsw_index];

			memcpy(tp.device, t->pf, sizeof(tp.device));
			if (t->backend == VSW_NICSW_BACKEND_FLOW)
				tp.n_rxqs = vsw_ctl_nicsw_flow_rxqs(t);
		}
		rc = vsw_ctl_port_add(&tp, em);
		if (rc < 0)
			break;
	}
	if (rc == 0) {
		rc = vsw_ctl_nicsw_create(topo, em);
		if (rc < 0)
			goto err_ports;
		apply_mirrors(topo);
		rc = vsw_ctl_publish();
		if (rc < 0)
			vsw_errmsg_set(em, "out of memory for a datapath configuration");
		else
			rc = vsw_ctl_bpf_apply_topo(topo,
			                            em); /* extensions last: they name ports */
		if (rc == 0 && (rc = vsw_ctl_reload_record(topo)) < 0)
			vsw_errmsg_set(em, "out of memory for the running topology");
		if (rc == 0) {
			vsw_ctl_vm_start(topo);
			return 0;
		}
		vsw_bpf_ext_unload_all();
		vsw_ctl_vm_reset();
		vsw_ctl_nicsw_destroy();
	}
err_ports:
	while (i-- > 0)
		(void)vsw_ctl_port_del(topo->ports[i].name, NULL);
	return rc;
}

void
vsw_ctl_port_stats(const struct vsw_port *port, struct vsw_port_stats *out)
{
	const uint64_t *base = (const uint64_t *)&port->stats_base;
	uint64_t *now = (uint64_t *)out;

	vsw_dp_port_stats(port->index, out);
	for (size_t i = 0; i < sizeof(*out) / sizeof(uint64_t); i++)
		now[i] -= base[i];
}

/*
 * React to a link change of @p port: vhost-user devices become ready or go away, external
 * devices lose carrier. Consumes @p cfg, which publishes the NIC's new state to the workers.
 */
static void
link_changed(struct vsw_port *port, bool is_up, struct vsw_dp_cfg *cfg)
{
	port->is_link_up = is_up;
	if (is_up)
		port->n_txqs_usable = vsw_port_usable_txqs(port);
	CTL_LOG(INFO, "port %s: link %s", port->name, is_up ? "up" : "down");
	if (!is_up && vsw_lifecycle_is_connected(&port->lc)) {
		nic_disconnect(port, cfg);
		if (port->type == VSW_PORT_VF)
			vsw_ctl_vm_link_down(port->index);
		return;
	}
	/* A VM that comes back gets a new NIC on the same port. */
	if (is_up && (port->lc.nic_state != VSW_NIC_STATE_NONE ||
	              step(port, VSW_NIC_EV_NIC_CREATE, NULL) == 0))
		(void)step(port, VSW_NIC_EV_NIC_CONNECT, NULL);
	vsw_ctl_cfg_publish(cfg);
	/*
	 * After the publication: workers switch the announcement only from a connected port.
	 * A VM that arrives by live migration may not announce itself (a net_failover guest
	 * announces on its standby, which has no address): the network learns its new place here.
	 */
	if (port->is_announced_on_connect && vsw_lifecycle_is_connected(&port->lc))
		(void)vsw_ctl_vm_announce(port->name, NULL);
}

/* Learn what workers asked for, and age entries once per CTL_AGING_PERIOD_S. */
static void
poll_learning(void)
{
	const uint64_t now = rte_rdtsc();
	const struct vsw_dp_cfg *cfg = vsw_dp_cfg_current();

	vsw_learn_drain(ctl->learn, &cfg->fdb);
	if (now >= ctl->next_aging_tsc) {
		vsw_learn_age(ctl->learn);
		ctl->next_aging_tsc = now + CTL_AGING_PERIOD_S * rte_get_tsc_hz();
	}
}

/* Link changes in the order the devices reported them: none is lost between two polls. */
static void
poll_link_events(void)
{
	struct vsw_port_link_ev ev;

	while (rte_ring_sc_dequeue_elem(ctl->link_events, &ev, sizeof(ev)) == 0) {
		struct vsw_port *p = NULL;
		struct vsw_dp_cfg *cfg;

		if (ev.eth_port_id == VSW_ETH_PORT_NONE) {
			/* A port without an ethdev, unless another one holds its index by now. */
			if (ev.port < VSW_PORTS_MAX && ctl->ports[ev.port] != NULL &&
			    ctl->ports[ev.port]->gen == ev.gen)
				p = ctl->ports[ev.port];
		}
		for (uint16_t i = 0; i < VSW_PORTS_MAX && p == NULL; i++)
			if (ctl->ports[i] != NULL && ev.eth_port_id != VSW_ETH_PORT_NONE &&
			    ctl->ports[i]->eth_port_id == ev.eth_port_id)
				p = ctl->ports[i];
		if (p == NULL || ev.is_up == p->is_link_up)
			continue;
		cfg = vsw_ctl_cfg_reserve(NULL);
		if (cfg == NULL)
			return; /* out of memory: the periodic check below catches up */
		link_changed(p, ev.is_up, cfg);
	}
}

void
vsw_ctl_poll(void)
{
	poll_learning();
	poll_link_events();
	vsw_ctl_vm_poll();
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		struct vsw_port *p = ctl->ports[i];
		struct vsw_dp_cfg *cfg;
		bool is_up;

		if (p == NULL)
			continue;
		is_up = vsw_port_link_up(p);
		if (is_up == p->is_link_up)
			continue;
		cfg = vsw_ctl_cfg_reserve(NULL);
		if (cfg == NULL)
			return; /* out of memory: the change is seen again on the next poll */
		link_changed(p, is_up, cfg);
	}
}
