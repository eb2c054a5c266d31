/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vhost-user ports served by the vhost library itself, without an ethdev: the default for
 * synthetic ports (`vhost.ethdev: true` asks for the vhost PMD instead; an emulated VF on a
 * vhost-user socket always has the PMD's ethdev, as a NIC's function would).
 * Control thread (open, close, link state), and the library's event thread (the device
 * callbacks at the bottom), which meet in slots[] under slots_lock.
 *
 * Why not the PMD: every port would take one of the RTE_MAX_ETHPORTS ethdevs (32 in Debian's
 * DPDK), the PMD asks the library to keep per-packet statistics vsw does not read, and its
 * bursts free mbufs one by one. What is given up: dpdk-dumpcap sees ethdevs only; such a
 * port is captured through a mirror (docs/capture.md).
 *
 * Device lifetime: the library calls new_device() once the guest's rings are ready and
 * destroy_device() before it frees them. destroy_device() withdraws the device from the
 * workers and waits for a grace period (vsw_dp_vhost_set()) before it returns.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_ring.h>
#include <rte_spinlock.h>
#include <rte_vhost.h>

#include "port_priv.h"
#include "vsw/port.h"
#include "vsw/sockpath.h"

/*
 * What the guest may not leave to the device. vsw forwards frames as they are: it segments
 * nothing (HOST_TSO, HOST_UFO, and HOST_ECN, which only qualifies TSO) and finishes no
 * checksum (CSUM), so the guest does all of it itself.
 */
#define VHOST_FEATURES_OFF                                                                         \
	((UINT64_C(1) << VIRTIO_NET_F_HOST_TSO4) | (UINT64_C(1) << VIRTIO_NET_F_HOST_TSO6) |       \
	 (UINT64_C(1) << VIRTIO_NET_F_HOST_UFO) | (UINT64_C(1) << VIRTIO_NET_F_HOST_ECN) |         \
	 (UINT64_C(1) << VIRTIO_NET_F_CSUM))

struct vhost_slot {
	bool is_used;
	uint32_t gen;                 /* of the port, for its link events */
	char path[VSW_PATH_SIZE];     /* the socket, the library's name of the device */
	int vid;                      /* the guest's device while it runs, else -1 */
	struct rte_ring *link_events; /* vsw_port_watch_link(), or NULL */
};

/* Indexed by switch port. Guards each slot's fields against the other thread. */
static struct vhost_slot slots[VSW_PORTS_MAX];
static rte_spinlock_t slots_lock = RTE_SPINLOCK_INITIALIZER;

static void
post_link(struct rte_ring *ring, uint16_t port, uint32_t gen, bool is_up)
{
	struct vsw_port_link_ev ev = {
	        .eth_port_id = VSW_ETH_PORT_NONE, .port = port, .gen = gen, .is_up = is_up};

	if (ring != NULL)
		(void)rte_ring_mp_enqueue_elem(ring, &ev, sizeof(ev));
}

/* The slot of device @p vid, by its socket path; slots_lock held. VSW_PORTS_MAX if none. */
static uint16_t
slot_of(int vid)
{
	char path[VSW_PATH_SIZE];

	if (rte_vhost_get_ifname(vid, path, sizeof(path)) != 0)
		return VSW_PORTS_MAX;
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
		if (slots[i].is_used && strcmp(slots[i].path, path) == 0)
			return i;
	return VSW_PORTS_MAX;
}

static int
new_device(int vid)
{
	struct rte_ring *ring;
	uint16_t port;
	uint32_t gen;

	rte_spinlock_lock(&slots_lock);
	port = slot_of(vid);
	if (port == VSW_PORTS_MAX) {
		rte_spinlock_unlock(&slots_lock);
		return -1; /* the port is closing */
	}
	__atomic_store_n(&slots[port].vid, vid, __ATOMIC_RELAXED);
	ring = slots[port].link_events;
	gen = slots[port].gen;
	rte_spinlock_unlock(&slots_lock);
	/* Workers poll: the guest need not kick the device for every frame it sends. */
	for (uint16_t i = 0; i < rte_vhost_get_vring_num(vid); i++)
		(void)rte_vhost_enable_guest_notification(vid, i, 0);
	vsw_dp_vhost_set(port, vid);
	PORT_LOG(DEBUG, "port %u: vhost device %d ready", port, vid);
	post_link(ring, port, gen, true);
	return 0;
}

static void
destroy_device(int vid)
{
	struct rte_ring *ring;
	uint16_t port;
	uint32_t gen;

	rte_spinlock_lock(&slots_lock);
	port = slot_of(vid);
	if (port == VSW_PORTS_MAX || slots[port].vid != vid) {
		rte_spinlock_unlock(&slots_lock);
		return;
	}
	__atomic_store_n(&slots[port].vid, -1, __ATOMIC_RELAXED);
	ring = slots[port].link_events;
	gen = slots[port].gen;
	rte_spinlock_unlock(&slots_lock);
	vsw_dp_vhost_set(port, -1); /* returns once no worker bursts on the device */
	PORT_LOG(DEBUG, "port %u: vhost device %d gone", port, vid);
	post_link(ring, port, gen, false);
}

/* Queue pairs come and go with the guest's driver; the library checks each ring's state. */
static int
vring_state_changed(int vid, uint16_t vring, int enable)
{
	RTE_SET_USED(vid);
	RTE_SET_USED(vring);
	RTE_SET_USED(enable);
	return 0;
}

static const struct rte_vhost_device_ops device_ops = {
        .new_device = new_device,
        .destroy_device = destroy_device,
        .vring_state_changed = vring_state_changed,
};

int
vsw_port_open_vhost(struct vsw_port *port, uint16_t n_txqs, struct vsw_errmsg *em)
{
	struct vhost_slot *s = &slots[port->index];
	uint64_t flags = RTE_VHOST_USER_NET_COMPLIANT_OL_FLAGS;
	char what[VSW_NAME_SIZE + 8];
	int rc;

	RTE_VERIFY(port->index < VSW_PORTS_MAX && !s->is_used);
	if (port->vhost_mode == VSW_VHOST_SERVER) {
		snprintf(what, sizeof(what), "port %s", port->name);
		rc = vsw_sockpath_claim(port->vhost_path, what, em);
		if (rc < 0)
			return rc;
	} else {
		flags |= RTE_VHOST_USER_CLIENT; /* the library reconnects when QEMU restarts */
	}
	port->eth_port_id = VSW_ETH_PORT_NONE;
	port->n_txqs = n_txqs;
	port->n_txqs_usable = n_txqs;
	port->n_rxqs = n_txqs;
	port->carrier_if[0] = '\0';
	for (uint16_t q = 0; q < VSW_WORKERS_MAX; q++)
		rte_spinlock_init(&port->txq_locks[q]);
	snprintf(port->devargs, sizeof(port->devargs), "vhost-user %s", port->vhost_path);
	rte_spinlock_lock(&slots_lock);
	*s = (struct vhost_slot){.is_used = true, .gen = port->gen, .vid = -1};
	snprintf(s->path, sizeof(s->path), "%s", port->vhost_path);
	rte_spinlock_unlock(&slots_lock);
	if (rte_vhost_driver_register(port->vhost_path, flags) != 0) {
		rc = -EINVAL;
		goto err_free_slot;
	}
	rc = rte_vhost_driver_disable_features(port->vhost_path, VHOST_FEATURES_OFF);
	if (rc == 0)
		rc = rte_vhost_driver_callback_register(port->vhost_path, &device_ops);
	if (rc == 0)
		rc = rte_vhost_driver_start(port->vhost_path);
	if (rc != 0) {
		rc = -EINVAL;
		goto err_unregister;
	}
	PORT_LOG(INFO, "%s: %s on vhost-user socket %s (%s)", port->name,
	         vsw_port_type_name(port->type), port->vhost_path,
	         vsw_vhost_mode_name(port->vhost_mode));
	return 0;

err_unregister:
	(void)rte_vhost_driver_unregister(port->vhost_path);
err_free_slot:
	rte_spinlock_lock(&slots_lock);
	s->is_used = false;
	rte_spinlock_unlock(&slots_lock);
	vsw_errmsg_set(em, "port %s: cannot serve vhost-user socket %s (see the VHOST_CONFIG log)",
	               port->name, port->vhost_path);
	return rc;
}

void
vsw_port_close_vhost(struct vsw_port *port)
{
	struct vhost_slot *s = &slots[port->index];

	/* A device still up is destroyed in here, through destroy_device(), on this thread. */
	if (rte_vhost_driver_unregister(port->vhost_path) != 0)
		PORT_LOG(WARNING, "%s: vhost-user socket %s: unregister failed", port->name,
		         port->vhost_path);
	/* The library unlinks the socket it listened on; make sure regardless. */
	if (port->vhost_mode == VSW_VHOST_SERVER && unlink(port->vhost_path) == 0)
		PORT_LOG(DEBUG, "%s: removed socket %s", port->name, port->vhost_path);
	rte_spinlock_lock(&slots_lock);
	s->is_used = false;
	s->link_events = NULL;
	rte_spinlock_unlock(&slots_lock);
	vsw_dp_vhost_unwatch(port->index, VSW_ETH_PORT_NONE);
}

void
vsw_port_watch_vhost(const struct vsw_port *port, struct rte_ring *ring)
{
	rte_spinlock_lock(&slots_lock);
	slots[port->index].link_events = ring;
	rte_spinlock_unlock(&slots_lock);
}

bool
vsw_port_vhost_is_up(const struct vsw_port *port)
{
	return __atomic_load_n(&slots[port->index].vid, __ATOMIC_RELAXED) >= 0;
}

uint16_t
vsw_port_vhost_usable_txqs(const struct vsw_port *port)
{
	uint16_t n_qps = port->n_txqs;

	/* Under the lock: the device cannot be destroyed (and freed) while it is asked. */
	rte_spinlock_lock(&slots_lock);
	if (slots[port->index].vid >= 0)
		n_qps = RTE_MIN(rte_vhost_get_vring_num(slots[port->index].vid) / 2, port->n_txqs);
	rte_spinlock_unlock(&slots_lock);
	/* A queue pair is two vrings; a guest with fewer pairs than workers gets them shared. */
	return n_qps > 0 ? n_qps : 1;
}
