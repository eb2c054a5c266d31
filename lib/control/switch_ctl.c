/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch's control state: its ports, the mbuf pool, and the datapath configuration built
 * from them (include/vsw/control.h). Control thread only.
 *
 * Every change follows one recipe: validate against the current ports and change nothing on
 * error; build a complete new struct vsw_dp_cfg; publish it, which waits for a QSBR grace
 * period; only then release what the workers no longer see (a deleted port's device).
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "vsw/control.h"
#include "vsw/ext.h"

RTE_LOG_REGISTER_DEFAULT(vsw_ctl_logtype, INFO);
#define CTL_LOG(lvl, fmt, ...)                                                                     \
	rte_log(RTE_LOG_##lvl, vsw_ctl_logtype, "control: " fmt "\n", ##__VA_ARGS__)

/* Mbufs: rx rings of every port plus bursts in flight on every worker, with room to grow. */
#define CTL_MBUFS 16383
#define CTL_MBUF_CACHE 256

static struct {
	struct rte_mempool *pool;
	struct vsw_port *ports[VSW_PORTS_MAX]; /* by switch port index */
	bool is_started;
} ctl;

/*
 * A configuration is reserved before a change and published after it, so that running out of
 * memory can only refuse a change before it starts, never leave one half done.
 */
static struct vsw_dp_cfg *
cfg_reserve(struct vsw_errmsg *em)
{
	struct vsw_dp_cfg *cfg = vsw_dp_cfg_alloc();

	if (cfg == NULL)
		vsw_errmsg_set(em, "out of memory for a datapath configuration");
	return cfg;
}

/* Fill @p cfg from the ports, publish it and wait until no worker sees the previous one. */
static void
cfg_publish(struct vsw_dp_cfg *cfg)
{
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = ctl.ports[i];
		struct vsw_dp_port *dp = &cfg->ports[i];
		struct vsw_dp_worker_cfg *wc;

		if (p == NULL)
			continue;
		dp->is_used = true;
		/* Packets flow only while the NIC is connected (R-NIC-2 step 3, R-NIC-3 step 1). */
		dp->is_connected = vsw_lifecycle_is_connected(&p->lc);
		dp->eth_port_id = p->eth_port_id;
		for (uint16_t w = 0; w < VSW_WORKERS_MAX; w++)
			dp->txq_of_worker[w] = w;
		if (dp->is_connected)
			cfg->flood_ports[cfg->n_flood_ports++] = i;
		if (p->type == VSW_PORT_EXTERNAL)
			cfg->external_port = i;
		if (p->has_mac)
			RTE_VERIFY(vsw_fdb_add(&cfg->fdb, p->mac, i) == 0); /* unique: checked */
		wc = &cfg->workers[p->worker];
		wc->rxqs[wc->n_rxqs++] = (struct vsw_dp_rxq){
		        .port = i, .eth_port_id = p->eth_port_id, .queue_id = 0};
	}
	vsw_dp_publish(cfg);
}

static int
publish(void)
{
	struct vsw_dp_cfg *cfg = cfg_reserve(NULL);

	if (cfg == NULL)
		return -ENOMEM;
	cfg_publish(cfg);
	return 0;
}

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
	ctl.pool = rte_pktmbuf_pool_create("vsw_mbufs", CTL_MBUFS, CTL_MBUF_CACHE, 0,
	                                   RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (ctl.pool == NULL) {
		vsw_errmsg_set(em, "cannot create %u mbufs: %s (more memory with EAL -m?)",
		               CTL_MBUFS, rte_strerror(rte_errno));
		vsw_dp_fini();
		return -rte_errno;
	}
	return publish();
}

int
vsw_ctl_start(struct vsw_errmsg *em)
{
	int rc = vsw_dp_start();

	if (rc < 0) {
		vsw_errmsg_set(em, "cannot launch workers: %s", strerror(-rc));
		return rc;
	}
	ctl.is_started = true;
	return 0;
}

void
vsw_ctl_fini(void)
{
	vsw_dp_stop();
	ctl.is_started = false;
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		if (ctl.ports[i] != NULL)
			(void)vsw_ctl_port_del(ctl.ports[i]->name, NULL);
	vsw_dp_fini();
	rte_mempool_free(ctl.pool);
	ctl.pool = NULL;
}

const struct vsw_port *
vsw_ctl_port_get(uint16_t index)
{
	return index < VSW_PORTS_MAX ? ctl.ports[index] : NULL;
}

static struct vsw_port *
port_find(const char *name)
{
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		if (ctl.ports[i] != NULL && strcmp(ctl.ports[i]->name, name) == 0)
			return ctl.ports[i];
	return NULL;
}

const struct vsw_port *
vsw_ctl_port_find(const char *name)
{
	return port_find(name);
}

/* Refuse @p tp if it clashes with an existing port; the loader checks a file, this a switch. */
static int
check_new_port(const struct vsw_topo_port *tp, struct vsw_errmsg *em)
{
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = ctl.ports[i];

		if (p == NULL)
			continue;
		if (strcmp(p->name, tp->name) == 0) {
			vsw_errmsg_set(em, "port %s: name already used", tp->name);
			return -EEXIST;
		}
		if (tp->has_mac && p->has_mac && memcmp(p->mac, tp->mac, 6) == 0) {
			vsw_errmsg_set(em, "port %s: mac already used by port %s", tp->name,
			               p->name);
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
		if (ctl.ports[i] != NULL)
			load[ctl.ports[i]->worker]++;
	for (uint16_t w = 1; w < vsw_dp_n_workers(); w++)
		if (load[w] < load[best])
			best = w;
	return best;
}

static struct vsw_port *
port_from_topo(const struct vsw_topo_port *tp, uint16_t index)
{
	struct vsw_port *port = rte_zmalloc("vsw_port", sizeof(*port), 0);

	if (port == NULL)
		return NULL;
	memcpy(port->name, tp->name, sizeof(port->name));
	port->type = tp->type;
	port->index = index;
	port->worker = least_loaded_worker();
	port->has_mac = tp->has_mac;
	memcpy(port->mac, tp->mac, sizeof(port->mac));
	memcpy(port->devargs, tp->device, sizeof(port->devargs));
	memcpy(port->vhost_path, tp->vhost_path, sizeof(port->vhost_path));
	port->vhost_mode = tp->vhost_mode;
	return port;
}

/* The rest of a port's stop once its NIC is gone: PORT_TEARDOWN, device closed, PORT_DELETE. */
static void
port_finish(struct vsw_port *port, bool is_device_open)
{
	(void)step(port, VSW_NIC_EV_PORT_TEARDOWN, NULL);
	if (is_device_open)
		vsw_port_close(port);
	(void)step(port, VSW_NIC_EV_PORT_DELETE, NULL);
	rte_free(port);
}

static uint16_t
free_index(void)
{
	uint16_t index;

	for (index = 0; index < VSW_PORTS_MAX && ctl.ports[index] != NULL; index++)
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
	if (index == VSW_PORTS_MAX) {
		vsw_errmsg_set(em, "port %s: the switch already has %u ports", tp->name,
		               VSW_PORTS_MAX);
		return -ENOSPC;
	}
	cfg = cfg_reserve(em);
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
	rc = vsw_port_open(port, (uint16_t)vsw_dp_n_workers(), ctl.pool, em);
	if (rc < 0) {
		port_finish(port, false);
		vsw_dp_cfg_free(cfg);
		return rc;
	}
	/* A vhost-user port's NIC exists with its socket; it connects when the VM is ready. */
	rc = step(port, VSW_NIC_EV_NIC_CREATE, em);
	if (rc < 0) {
		port_finish(port, true);
		vsw_dp_cfg_free(cfg);
		return rc;
	}
	/* Counters of a reused index keep the old port's totals: remember where this one starts. */
	vsw_dp_port_stats(index, &port->stats_base);
	ctl.ports[index] = port;
	cfg_publish(cfg);
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
	cfg_publish(cfg); /* returns after a grace period: no worker holds the NIC any more */
	(void)step(port, VSW_NIC_EV_NIC_DELETE, NULL);
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
	cfg = cfg_reserve(em);
	if (cfg == NULL)
		return -ENOMEM;
	ctl.ports[port->index] = NULL;
	if (vsw_lifecycle_is_connected(&port->lc)) {
		nic_disconnect(port, cfg);
	} else {
		cfg_publish(cfg);
		if (port->lc.nic_state != VSW_NIC_STATE_NONE)
			(void)step(port, VSW_NIC_EV_NIC_DELETE, NULL);
	}
	/* After the grace period: no worker polls or sends to the device now. */
	port_finish(port, true);
	return 0;
}

int
vsw_ctl_apply_topo(const struct vsw_topo *topo, struct vsw_errmsg *em)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < topo->n_ports; i++) {
		rc = vsw_ctl_port_add(&topo->ports[i], em);
		if (rc < 0)
			break;
	}
	if (rc == 0)
		return 0;
	while (i-- > 0)
		(void)vsw_ctl_port_del(topo->ports[i].name, NULL);
	return rc;
}

void
vsw_ctl_port_stats(const struct vsw_port *port, struct vsw_port_stats *out)
{
	const struct vsw_port_stats *b = &port->stats_base;

	vsw_dp_port_stats(port->index, out);
	out->rx_packets -= b->rx_packets;
	out->rx_bytes -= b->rx_bytes;
	out->tx_packets -= b->tx_packets;
	out->tx_bytes -= b->tx_bytes;
	out->drop_runt -= b->drop_runt;
	out->drop_no_dest -= b->drop_no_dest;
	out->drop_port_down -= b->drop_port_down;
	out->drop_tx_full -= b->drop_tx_full;
}

/*
 * React to a link change of @p port: vhost-user devices become ready or go away, external
 * devices lose carrier. Consumes @p cfg, which publishes the NIC's new state to the workers.
 */
static void
link_changed(struct vsw_port *port, bool is_up, struct vsw_dp_cfg *cfg)
{
	port->is_link_up = is_up;
	CTL_LOG(INFO, "port %s: link %s", port->name, is_up ? "up" : "down");
	if (!is_up && vsw_lifecycle_is_connected(&port->lc)) {
		nic_disconnect(port, cfg);
		return;
	}
	/* A VM that comes back gets a new NIC on the same port. */
	if (is_up && (port->lc.nic_state != VSW_NIC_STATE_NONE ||
	              step(port, VSW_NIC_EV_NIC_CREATE, NULL) == 0))
		(void)step(port, VSW_NIC_EV_NIC_CONNECT, NULL);
	cfg_publish(cfg);
}

void
vsw_ctl_poll(void)
{
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		struct vsw_port *p = ctl.ports[i];
		struct vsw_dp_cfg *cfg;
		bool is_up;

		if (p == NULL)
			continue;
		is_up = vsw_port_link_up(p);
		if (is_up == p->is_link_up)
			continue;
		cfg = cfg_reserve(NULL);
		if (cfg == NULL)
			return; /* out of memory: the change is seen again on the next poll */
		link_changed(p, is_up, cfg);
	}
}
