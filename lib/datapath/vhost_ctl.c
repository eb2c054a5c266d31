/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which vhost device the workers may burst on directly, per switch port (dp_priv.h). Runs on
 * the control thread and on the vhost library's event thread (device callbacks); workers only
 * read vsw_dp_vhost_vids[].
 *
 * The library frees a device's rings after its destroy_device() callback returns. So taking a
 * device away withdraws its id and waits for a QSBR grace period before the callback returns:
 * once it does, no worker is inside a burst on that device. The library takes no vring lock
 * around new_device() and destroy_device(), and workers wait for nothing, so the wait ends.
 *
 * Two kinds of ports get here. A port served by the library itself (lib/port/vhost_port.c)
 * calls vsw_dp_vhost_set() from its callbacks. A port with the vhost PMD's ethdev learns of
 * its device from the PMD's link events, which the PMD raises from those same callbacks.
 */
#include <errno.h>

#include <rte_errno.h>
#include <rte_eth_vhost.h>
#include <rte_ethdev.h>
#include <rte_spinlock.h>
#include <rte_vhost.h>

#include "dp_priv.h"

int vsw_dp_vhost_vids[VSW_PORTS_MAX] = {[0 ... VSW_PORTS_MAX - 1] = -1};

/* Serialises the ids' writers: the control thread and the event thread. */
static rte_spinlock_t vids_lock = RTE_SPINLOCK_INITIALIZER;

void
vsw_dp_vhost_set(uint16_t port, int vid)
{
	int old;

	RTE_VERIFY(port < VSW_PORTS_MAX);
	rte_spinlock_lock(&vids_lock);
	old = vsw_dp_vhost_vids[port];
	__atomic_store_n(&vsw_dp_vhost_vids[port], vid < 0 ? -1 : vid, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&vids_lock);
	if (old >= 0 && old != vid && vsw_dp.qsv != NULL)
		rte_rcu_qsbr_synchronize(vsw_dp.qsv, RTE_QSBR_THRID_INVALID);
	if (old != vid)
		DP_LOG(DEBUG, "port %u: direct vhost bursts on device %d", port, vid);
}

/*
 * The device the PMD's ethdev @p eth_port_id serves now, if workers may burst on it directly:
 * not when the guest offloads its transmit checksums (VIRTIO_NET_F_CSUM), whose frames the PMD
 * finishes in software on rx and direct bursts would pass on unfinished. Else -1.
 */
static int
pmd_vid(uint16_t eth_port_id)
{
	struct rte_eth_link link;
	uint64_t features;
	int vid;

	if (rte_eth_link_get_nowait(eth_port_id, &link) != 0 || link.link_status != RTE_ETH_LINK_UP)
		return -1;
	vid = rte_eth_vhost_get_vid_from_port_id(eth_port_id);
	if (vid < 0 || rte_vhost_get_negotiated_features(vid, &features) != 0 ||
	    (features & (UINT64_C(1) << VIRTIO_NET_F_CSUM)) != 0)
		return -1;
	return vid;
}

static int
on_pmd_link(uint16_t eth_port_id, enum rte_eth_event_type type, void *arg, void *param)
{
	RTE_SET_USED(type);
	RTE_SET_USED(param);
	vsw_dp_vhost_set((uint16_t)(uintptr_t)arg, pmd_vid(eth_port_id));
	return 0;
}

int
vsw_dp_vhost_watch(uint16_t port, uint16_t eth_port_id)
{
	int rc;

	if (port >= VSW_PORTS_MAX || eth_port_id >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	rc = rte_eth_dev_callback_register(eth_port_id, RTE_ETH_EVENT_INTR_LSC, on_pmd_link,
	                                   (void *)(uintptr_t)port);
	if (rc < 0) {
		DP_LOG(ERR, "port %u: no vhost link events: %s", port, rte_strerror(-rc));
		return rc;
	}
	/* A device that came up before the callback was in place. */
	vsw_dp_vhost_set(port, pmd_vid(eth_port_id));
	return 0;
}

void
vsw_dp_vhost_unwatch(uint16_t port, uint16_t eth_port_id)
{
	int rc;

	if (port >= VSW_PORTS_MAX)
		return;
	/* -EAGAIN while the event thread runs the callback: it returns after a grace period. */
	if (eth_port_id < RTE_MAX_ETHPORTS) {
		do
			rc = rte_eth_dev_callback_unregister(eth_port_id, RTE_ETH_EVENT_INTR_LSC,
			                                     on_pmd_link, (void *)(uintptr_t)port);
		while (rc == -EAGAIN);
	}
	vsw_dp_vhost_set(port, -1);
}

int
vsw_dp_vhost_device(uint16_t port)
{
	if (port >= VSW_PORTS_MAX)
		return -1;
	return __atomic_load_n(&vsw_dp_vhost_vids[port], __ATOMIC_ACQUIRE);
}
