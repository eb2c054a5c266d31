/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port devices: probe, configure, start, stop and remove the ethdev behind a switch port
 * (include/vsw/port.h). Control thread only.
 */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include <rte_eth_vhost.h>
#include <rte_ethdev.h>
#include <rte_log.h>
#include <rte_ring.h>
#include <rte_vhost.h>

#include "port_priv.h"
#include "vsw/port.h"
#include "vsw/sockpath.h"

RTE_LOG_REGISTER_DEFAULT(vsw_port_logtype, INFO);

/* Descriptors per queue: enough to absorb a worker pass of several bursts on every port. */
#define PORT_RX_DESC 1024
#define PORT_TX_DESC 1024

/* The vdev string of a port vsw makes the device of itself (all types but external). */
static int
format_devargs(struct vsw_port *port, uint16_t n_txqs)
{
	switch (port->type) {
	case VSW_PORT_VF:
		/* An emulated VF: a kernel interface, or vhost-user like a VM's NIC. */
		if (port->netdev[0] != '\0')
			return snprintf(port->devargs, sizeof(port->devargs),
			                "net_af_packet_%s,iface=%s,qpairs=%u", port->name,
			                port->netdev, n_txqs);
		/* fall through */
	case VSW_PORT_SYNTHETIC:
		/* One queue pair per worker: each worker owns a tx queue on every port. */
		return snprintf(port->devargs, sizeof(port->devargs),
		                "net_vhost_%s,iface=%s,queues=%u,client=%d", port->name,
		                port->vhost_path, n_txqs,
		                port->vhost_mode == VSW_VHOST_CLIENT ? 1 : 0);
	case VSW_PORT_INTERNAL:
		/* A TAP interface into the host that the PMD creates and names. */
		return snprintf(port->devargs, sizeof(port->devargs), "net_tap_%s,iface=%s",
		                port->name, port->netdev);
	case VSW_PORT_EMULATED:
		/* An existing kernel interface (QEMU's tap of an emulated NIC). */
		return snprintf(port->devargs, sizeof(port->devargs),
		                "net_af_packet_%s,iface=%s,qpairs=%u", port->name, port->netdev,
		                n_txqs);
	case VSW_PORT_EXTERNAL:
		break;
	}
	return 0; /* external: devargs given by the user */
}

static int
build_devargs(struct vsw_port *port, uint16_t n_txqs, struct vsw_errmsg *em)
{
	int rc, len;

	if ((port->type == VSW_PORT_SYNTHETIC || port->type == VSW_PORT_VF) &&
	    port->vhost_path[0] != '\0' && port->vhost_mode == VSW_VHOST_SERVER) {
		char what[VSW_NAME_SIZE + 8];

		snprintf(what, sizeof(what), "port %s", port->name);
		rc = vsw_sockpath_claim(port->vhost_path, what, em);
		if (rc < 0)
			return rc;
	}
	len = format_devargs(port, n_txqs);
	if (len < 0 || (size_t)len >= sizeof(port->devargs)) {
		vsw_errmsg_set(em, "port %s: device string too long", port->name);
		return -ENAMETOOLONG;
	}
	return 0;
}

/* The ethdev that probing port->devargs created. */
static int
find_eth_port(const struct vsw_port *port, uint16_t *eth_port_id)
{
	struct rte_dev_iterator it;
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t id;

	if (rte_eth_iterator_init(&it, port->devargs) == 0) {
		id = rte_eth_iterator_next(&it);
		rte_eth_iterator_cleanup(&it);
		if (id != RTE_MAX_ETHPORTS) {
			*eth_port_id = id;
			return 0;
		}
	}
	/* Old-style "driver0,key=value" strings: the ethdev is named after the device. */
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(port->devargs, ","), port->devargs);
	return rte_eth_dev_get_port_by_name(name, eth_port_id) == 0 ? 0 : -ENODEV;
}

/*
 * RSS over the rx queues of a device that has more than one: frames of one flow stay on one
 * queue, so they keep their order. Devices without RSS (vdevs) spread frames themselves.
 */
static void
rss_conf(const struct rte_eth_dev_info *info, uint16_t n_rxqs, struct rte_eth_conf *conf)
{
	const uint64_t hf = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP;

	if (n_rxqs < 2 || (info->flow_type_rss_offloads & hf) == 0)
		return;
	conf->rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf->rx_adv_conf.rss_conf.rss_hf = info->flow_type_rss_offloads & hf;
}

/*
 * One tx queue per worker, and as many rx queues (as far as the device has them): a
 * multi-queue peer (a vhost-user guest with several queue pairs, af_packet's fanout sockets,
 * a NIC's RSS) may send on any of them, and the worker that owns the port polls them all.
 */
static int
setup_queues(struct vsw_port *port, uint16_t n_txqs, struct rte_mempool *pool,
             struct vsw_errmsg *em)
{
	const uint16_t id = port->eth_port_id;
	struct rte_eth_conf conf = {0};
	struct rte_eth_dev_info info;
	uint16_t n_rxd = PORT_RX_DESC, n_txd = PORT_TX_DESC;
	int rc;

	rc = rte_eth_dev_info_get(id, &info);
	if (rc != 0)
		goto err;
	if (info.max_tx_queues < n_txqs) {
		vsw_errmsg_set(em, "port %s: device has %u tx queues, %u workers need one each",
		               port->name, info.max_tx_queues, n_txqs);
		return -ENOTSUP;
	}
	port->n_rxqs =
	        RTE_MIN(port->n_rxqs_want != 0 ? port->n_rxqs_want : n_txqs, info.max_rx_queues);
	rss_conf(&info, port->n_rxqs, &conf);
	if (*info.dev_flags & RTE_ETH_DEV_INTR_LSC)
		conf.intr_conf.lsc = 1;
	rc = rte_eth_dev_configure(id, port->n_rxqs, n_txqs, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(id, &n_rxd, &n_txd);
	for (uint16_t q = 0; rc == 0 && q < port->n_rxqs; q++)
		rc = rte_eth_rx_queue_setup(id, q, n_rxd, rte_eth_dev_socket_id(id), NULL, pool);
	for (uint16_t q = 0; rc == 0 && q < n_txqs; q++)
		rc = rte_eth_tx_queue_setup(id, q, n_txd, rte_eth_dev_socket_id(id), NULL);
	if (rc == 0)
		return 0;
err:
	vsw_errmsg_set(em, "port %s: cannot configure device %s: %s", port->name, port->devargs,
	               rte_strerror(-rc));
	return rc;
}

static void
remove_device(uint16_t eth_port_id)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(eth_port_id, &info) == 0 && info.device != NULL)
		(void)rte_dev_remove(info.device);
	else
		(void)rte_eth_dev_close(eth_port_id);
}

/* Undo rte_dev_probe(@p devargs) for a device that has no ethdev to remove it by. */
static void
remove_probed(const char *devargs)
{
	struct rte_devargs da;

	if (rte_devargs_parse(&da, devargs) != 0)
		return;
	(void)rte_eal_hotplug_remove(rte_bus_name(da.bus), da.name);
	free(da.data); /* rte_devargs_reset(), experimental in 22.11 */
}

/*
 * A VM's vhost-user socket, which the vhost library serves without an ethdev (vhost_port.c).
 * An emulated VF keeps the PMD's ethdev: it stands for a NIC's function, which has one.
 */
static bool
is_vhost_without_ethdev(const struct vsw_port *port)
{
	return port->type == VSW_PORT_SYNTHETIC && port->vhost_path[0] != '\0' &&
	       !port->has_vhost_ethdev;
}

int
vsw_port_open(struct vsw_port *port, uint16_t n_txqs, struct rte_mempool *pool,
              struct vsw_errmsg *em)
{
	int rc;

	if (is_vhost_without_ethdev(port))
		return vsw_port_open_vhost(port, n_txqs, em);
	/* An uplink given as a kernel interface: af_xdp, or af_packet where it cannot start. */
	if (port->type == VSW_PORT_EXTERNAL && port->netdev[0] != '\0')
		return vsw_port_open_kernel_if(port, n_txqs, pool, em);
	rc = build_devargs(port, n_txqs, em);
	if (rc < 0)
		return rc;
	return vsw_port_open_devargs(port, n_txqs, pool, em);
}

/*
 * af_packet and af_xdp report their link up for as long as the device runs, whatever the
 * kernel interface under them does. Remember that interface, so that a tap whose VM went away
 * or a veth taken down is seen as the link going down (vsw_port_link_up()).
 */
static void
note_carrier_if(struct vsw_port *port)
{
	const char *iface = strstr(port->devargs, "iface=");
	size_t len;

	port->carrier_if[0] = '\0';
	if (iface == NULL || (strncmp(port->devargs, "net_af_packet", 13) != 0 &&
	                      strncmp(port->devargs, "net_af_xdp", 10) != 0))
		return;
	iface += strlen("iface=");
	len = strcspn(iface, ",");
	if (len == 0 || len >= sizeof(port->carrier_if))
		return;
	memcpy(port->carrier_if, iface, len);
	port->carrier_if[len] = '\0';
}

/* Is kernel interface @p name up with carrier? true when it cannot be told. */
static bool
kernel_if_running(const char *name)
{
	static int fd = -1;
	struct ifreq ifr = {0};

	if (fd < 0)
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return errno != ENODEV; /* gone: down; anything else: trust the device */
	return (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
}

int
vsw_port_open_devargs(struct vsw_port *port, uint16_t n_txqs, struct rte_mempool *pool,
                      struct vsw_errmsg *em)
{
	int rc;

	port->n_txqs = n_txqs;
	port->n_txqs_usable = n_txqs;
	for (uint16_t q = 0; q < VSW_WORKERS_MAX; q++)
		rte_spinlock_init(&port->txq_locks[q]);
	/*
	 * Every port is an ethdev, and DPDK has a compile-time number of them (32 in Debian's
	 * build, below VSW_PORTS_MAX). A probe past it fails with a bare EPERM: say why instead.
	 */
	if (rte_eth_dev_count_total() >= RTE_MAX_ETHPORTS) {
		vsw_errmsg_set(em,
		               "port %s: all %d ethdev ports of this DPDK build are in use "
		               "(RTE_MAX_ETHPORTS)",
		               port->name, RTE_MAX_ETHPORTS);
		return -ENOSPC;
	}
	rc = rte_dev_probe(port->devargs);
	if (rc < 0) {
		vsw_errmsg_set(em, "port %s: cannot create device %s: %s", port->name,
		               port->devargs, rte_strerror(-rc));
		return rc;
	}
	note_carrier_if(port);
	rc = find_eth_port(port, &port->eth_port_id);
	if (rc < 0) {
		vsw_errmsg_set(em, "port %s: device %s has no ethernet port", port->name,
		               port->devargs);
		/* port->eth_port_id is not ours (0 by default): undo the probe by name instead. */
		remove_probed(port->devargs);
		return rc;
	}
	rc = setup_queues(port, n_txqs, pool, em);
	if (rc < 0)
		goto err_remove;
	/* A switch port must see every destination MAC; vhost has no such mode and says so. */
	rc = rte_eth_promiscuous_enable(port->eth_port_id);
	if (rc != 0 && rc != -ENOTSUP)
		PORT_LOG(WARNING, "%s: cannot enable promiscuous mode: %s", port->name,
		         rte_strerror(-rc));
	rc = rte_eth_dev_start(port->eth_port_id);
	if (rc < 0) {
		vsw_errmsg_set(em, "port %s: cannot start device %s: %s", port->name, port->devargs,
		               rte_strerror(-rc));
		goto err_remove;
	}
	PORT_LOG(INFO, "%s: %s on ethdev %u (%s)", port->name, vsw_port_type_name(port->type),
	         port->eth_port_id, port->devargs);
	return 0;

err_remove:
	remove_device(port->eth_port_id);
	return rc;
}

/* The device's event thread (vhost-user, interrupts): queue and return, never block. */
static int
on_link_change(uint16_t eth_port_id, enum rte_eth_event_type type, void *ring, void *param)
{
	struct vsw_port_link_ev ev = {.eth_port_id = eth_port_id, .port = VSW_PORT_NONE};
	struct rte_eth_link link;

	RTE_SET_USED(type);
	RTE_SET_USED(param);
	ev.is_up = rte_eth_link_get_nowait(eth_port_id, &link) == 0 &&
	           link.link_status == RTE_ETH_LINK_UP;
	(void)rte_ring_mp_enqueue_elem(ring, &ev, sizeof(ev));
	return 0;
}

int
vsw_port_watch_link(const struct vsw_port *port, struct rte_ring *ring)
{
	if (port->eth_port_id == VSW_ETH_PORT_NONE) {
		vsw_port_watch_vhost(port, ring);
		return 0;
	}
	return rte_eth_dev_callback_register(port->eth_port_id, RTE_ETH_EVENT_INTR_LSC,
	                                     on_link_change, ring);
}

void
vsw_port_close(struct vsw_port *port)
{
	if (port->eth_port_id == VSW_ETH_PORT_NONE) {
		vsw_port_close_vhost(port);
		PORT_LOG(INFO, "%s: closed", port->name);
		return;
	}
	/* (void *)-1: every registration of this callback on the port. */
	(void)rte_eth_dev_callback_unregister(port->eth_port_id, RTE_ETH_EVENT_INTR_LSC,
	                                      on_link_change, (void *)-1);
	int rc = rte_eth_dev_stop(port->eth_port_id);

	if (rc != 0)
		PORT_LOG(WARNING, "%s: stop failed: %s", port->name, rte_strerror(-rc));
	remove_device(port->eth_port_id);
	/* The vhost library unlinks its server socket on unregister; make sure regardless. */
	if ((port->type == VSW_PORT_SYNTHETIC || port->type == VSW_PORT_VF) &&
	    port->vhost_path[0] != '\0' && port->vhost_mode == VSW_VHOST_SERVER &&
	    unlink(port->vhost_path) == 0)
		PORT_LOG(DEBUG, "%s: removed socket %s", port->name, port->vhost_path);
	PORT_LOG(INFO, "%s: closed", port->name);
}

bool
vsw_port_link_up(const struct vsw_port *port)
{
	struct rte_eth_link link;

	if (port->eth_port_id == VSW_ETH_PORT_NONE)
		return vsw_port_vhost_is_up(port);
	if (rte_eth_link_get_nowait(port->eth_port_id, &link) != 0)
		return false;
	if (link.link_status != RTE_ETH_LINK_UP)
		return false;
	return port->carrier_if[0] == '\0' || kernel_if_running(port->carrier_if);
}

uint16_t
vsw_port_usable_txqs(const struct vsw_port *port)
{
	int vid;
	uint16_t n_qps;

	if (port->vhost_path[0] == '\0')
		return port->n_txqs;
	if (port->eth_port_id == VSW_ETH_PORT_NONE)
		return vsw_port_vhost_usable_txqs(port);
	vid = rte_eth_vhost_get_vid_from_port_id(port->eth_port_id);
	if (vid < 0)
		return port->n_txqs;
	/* A queue pair is two vrings; a guest with fewer pairs than workers gets them shared. */
	n_qps = RTE_MIN(rte_vhost_get_vring_num(vid) / 2, port->n_txqs);
	return n_qps > 0 ? n_qps : 1;
}
