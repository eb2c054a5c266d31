/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which vhost device the workers may burst on directly, per vhost-user ethdev (dp_priv.h).
 * Runs on the control thread (watch, unwatch) and on the vhost library's event thread (link
 * callbacks); workers only read vsw_dp_vhost_vids[].
 *
 * The vhost PMD announces a device's arrival and departure as link events, from its
 * new_device() and destroy_device() callbacks, before the library goes on: after a departure
 * it may free the device's rings. So the callback here withdraws the device id and waits for
 * a grace period before it returns: once it does, no worker is inside a burst on that device,
 * and the next burst takes the ethdev path, which the PMD itself keeps safe. The library takes
 * no vring lock around those two callbacks, and workers wait for nothing, so the wait ends.
 *
 * A device whose guest offloads checksums stays on the ethdev path: the PMD finishes them.
 */
#include <errno.h>

#include <rte_errno.h>
#include <rte_eth_vhost.h>
#include <rte_ethdev.h>
#include <rte_spinlock.h>
#include <rte_vhost.h>

#include "dp_priv.h"

int vsw_dp_vhost_vids[RTE_MAX_ETHPORTS] = {[0 ... RTE_MAX_ETHPORTS - 1] = -1};

/* Serialises the id's writers: the control thread (watch, unwatch) and the event thread. */
static rte_spinlock_t vids_lock = RTE_SPINLOCK_INITIALIZER;

/*
 * The device @p eth_port_id serves, if workers may burst on it directly: not when the guest
 * offloads its transmit checksums (VIRTIO_NET_F_CSUM), whose frames the PMD completes in
 * software on rx and vsw's direct bursts would pass on unfinished.
 */
static int
direct_vid(uint16_t eth_port_id)
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

/* Publish the device id @p eth_port_id has now; wait out the workers if it lost one. */
static void
update_vid(uint16_t eth_port_id, bool is_watched)
{
	int old, vid = -1;

	rte_spinlock_lock(&vids_lock);
	if (is_watched)
		vid = direct_vid(eth_port_id);
	old = vsw_dp_vhost_vids[eth_port_id];
	__atomic_store_n(&vsw_dp_vhost_vids[eth_port_id], vid < 0 ? -1 : vid, __ATOMIC_RELEASE);
	rte_spinlock_unlock(&vids_lock);
	if (old >= 0 && old != vid && vsw_dp.qsv != NULL)
		rte_rcu_qsbr_synchronize(vsw_dp.qsv, RTE_QSBR_THRID_INVALID);
	if (old != vid)
		DP_LOG(DEBUG, "ethdev %u: direct vhost bursts on device %d", eth_port_id, vid);
}

static int
on_vhost_link(uint16_t eth_port_id, enum rte_eth_event_type type, void *arg, void *param)
{
	RTE_SET_USED(type);
	RTE_SET_USED(arg);
	RTE_SET_USED(param);
	update_vid(eth_port_id, true);
	return 0;
}

int
vsw_dp_vhost_watch(uint16_t eth_port_id)
{
	int rc;

	if (eth_port_id >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	rc = rte_eth_dev_callback_register(eth_port_id, RTE_ETH_EVENT_INTR_LSC, on_vhost_link,
	                                   NULL);
	if (rc < 0) {
		DP_LOG(ERR, "ethdev %u: no vhost link events: %s", eth_port_id, rte_strerror(-rc));
		return rc;
	}
	/* A device that came up before the callback was in place. */
	update_vid(eth_port_id, true);
	return 0;
}

void
vsw_dp_vhost_unwatch(uint16_t eth_port_id)
{
	int rc;

	if (eth_port_id >= RTE_MAX_ETHPORTS)
		return;
	/* -EAGAIN while the event thread runs the callback: it returns after a grace period. */
	do
		rc = rte_eth_dev_callback_unregister(eth_port_id, RTE_ETH_EVENT_INTR_LSC,
		                                     on_vhost_link, NULL);
	while (rc == -EAGAIN);
	update_vid(eth_port_id, false);
}

int
vsw_dp_vhost_device(uint16_t eth_port_id)
{
	if (eth_port_id >= RTE_MAX_ETHPORTS)
		return -1;
	return vsw_dp_vhost_vid(eth_port_id, 0, true);
}
