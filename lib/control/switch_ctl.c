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

static int
publish(void)
{
	struct vsw_dp_cfg *cfg = vsw_dp_cfg_alloc();

	if (cfg == NULL)
		return -ENOMEM;
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		const struct vsw_port *p = ctl.ports[i];
		struct vsw_dp_port *dp = &cfg->ports[i];
		struct vsw_dp_worker_cfg *wc;

		if (p == NULL)
			continue;
		dp->is_used = true;
		dp->is_connected = p->is_link_up;
		dp->eth_port_id = p->eth_port_id;
		for (uint16_t w = 0; w < VSW_WORKERS_MAX; w++)
			dp->txq_of_worker[w] = w;
		if (p->is_link_up)
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
	return 0;
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

const struct vsw_port *
vsw_ctl_port_find(const char *name)
{
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		if (ctl.ports[i] != NULL && strcmp(ctl.ports[i]->name, name) == 0)
			return ctl.ports[i];
	return NULL;
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

int
vsw_ctl_port_add(const struct vsw_topo_port *tp, struct vsw_errmsg *em)
{
	struct vsw_port *port;
	uint16_t index;
	int rc;

	rc = check_new_port(tp, em);
	if (rc < 0)
		return rc;
	for (index = 0; index < VSW_PORTS_MAX && ctl.ports[index] != NULL; index++)
		;
	if (index == VSW_PORTS_MAX) {
		vsw_errmsg_set(em, "port %s: the switch already has %u ports", tp->name,
		               VSW_PORTS_MAX);
		return -ENOSPC;
	}
	port = port_from_topo(tp, index);
	if (port == NULL) {
		vsw_errmsg_set(em, "port %s: out of memory", tp->name);
		return -ENOMEM;
	}
	rc = vsw_port_open(port, (uint16_t)vsw_dp_n_workers(), ctl.pool, em);
	if (rc < 0)
		goto err_free;
	/* Counters of a reused index keep the old port's totals: remember where this one starts. */
	vsw_dp_port_stats(index, &port->stats_base);
	port->is_link_up = vsw_port_link_up(port);
	ctl.ports[index] = port;
	rc = publish();
	if (rc < 0) {
		vsw_errmsg_set(em, "port %s: out of memory", tp->name);
		goto err_close;
	}
	CTL_LOG(NOTICE, "port %s: created (index %u, %s, link %s)", port->name, index,
	        vsw_port_type_name(port->type), port->is_link_up ? "up" : "down");
	return 0;

err_close:
	ctl.ports[index] = NULL;
	vsw_port_close(port);
err_free:
	rte_free(port);
	return rc;
}

int
vsw_ctl_port_del(const char *name, struct vsw_errmsg *em)
{
	struct vsw_port *port = (struct vsw_port *)(uintptr_t)vsw_ctl_port_find(name);
	int rc;

	if (port == NULL) {
		vsw_errmsg_set(em, "port %s: no such port", name);
		return -ENOENT;
	}
	ctl.ports[port->index] = NULL;
	rc = publish();
	if (rc < 0) {
		ctl.ports[port->index] = port;
		vsw_errmsg_set(em, "port %s: out of memory", name);
		return rc;
	}
	/* After the grace period in publish(): no worker polls or sends to the device now. */
	vsw_port_close(port);
	CTL_LOG(NOTICE, "port %s: deleted", name);
	rte_free(port);
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

void
vsw_ctl_poll(void)
{
	bool is_changed = false;

	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		struct vsw_port *p = ctl.ports[i];
		bool is_up;

		if (p == NULL)
			continue;
		is_up = vsw_port_link_up(p);
		if (is_up == p->is_link_up)
			continue;
		p->is_link_up = is_up;
		is_changed = true;
		CTL_LOG(NOTICE, "port %s: link %s", p->name, is_up ? "up" : "down");
	}
	if (is_changed && publish() < 0)
		CTL_LOG(WARNING, "link change not published: out of memory, retrying");
}
