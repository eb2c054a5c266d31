/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * External ports on kernel interfaces (`type: external, netdev: eth1`): vsw picks the PMD and
 * its queues. AF_XDP first (net_af_xdp): the fastest way into a kernel interface, with 0 TCP
 * retransmits where af_packet drops from its ring (TESTBED.md section 3). It falls back to
 * net_af_packet, with a log line saying why, where AF_XDP cannot start: a kernel without
 * XDP sockets, an interface that refuses the XDP program, no locked memory for the UMEM.
 * Control thread only.
 *
 * XDP program and queues. The af_xdp PMD attaches libxdp's default program, which redirects
 * every frame of queues start_queue..start_queue+queue_count-1 to the PMD's XDP sockets; vsw
 * asks for queues 0..q-1 with q = min(workers, the interface's rx queues). Workers beyond q
 * share tx queues (the port's txq locks, as for a vhost guest with fewer queue pairs). An
 * interface with more rx queues than q would deliver the frames its RSS puts on the others to
 * the kernel, not to vsw: vsw says so, and `ethtool -L <if> combined <q>` fixes it.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_common.h>

#include "port_priv.h"

/* Rx queues of kernel interface @p ifname (sysfs), or 0 when it cannot be read. */
static unsigned int
netdev_rx_queues(const char *ifname)
{
	char path[64];
	unsigned int n = 0;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	dir = opendir(path);
	if (dir == NULL)
		return 0;
	while ((d = readdir(dir)) != NULL)
		n += strncmp(d->d_name, "rx-", 3) == 0;
	(void)closedir(dir);
	return n;
}

static int
set_devargs(struct vsw_port *port, bool is_xdp, unsigned int n, struct vsw_errmsg *em)
{
	const int len = is_xdp ? snprintf(port->devargs, sizeof(port->devargs),
	                                  "net_af_xdp_%s,iface=%s,start_queue=0,queue_count=%u",
	                                  port->name, port->netdev, n)
	                       : snprintf(port->devargs, sizeof(port->devargs),
	                                  "net_af_packet_%s,iface=%s,qpairs=%u", port->name,
	                                  port->netdev, n);

	if (len < 0 || (size_t)len >= sizeof(port->devargs)) {
		vsw_errmsg_set(em, "port %s: device string too long", port->name);
		return -ENAMETOOLONG;
	}
	return 0;
}

int
vsw_port_open_kernel_if(struct vsw_port *port, uint16_t n_txqs, struct rte_mempool *pool,
                        struct vsw_errmsg *em)
{
	const unsigned int n_ifq = netdev_rx_queues(port->netdev);
	const unsigned int n_min = RTE_MIN((unsigned int)n_txqs, n_ifq);
	const uint16_t q = (uint16_t)(n_min > 0 ? n_min : 1);
	struct vsw_errmsg why = {0};
	int rc;

	if (n_ifq == 0) {
		vsw_errmsg_set(em, "port %s: no kernel interface %s", port->name, port->netdev);
		return -ENODEV;
	}
	rc = set_devargs(port, true, q, em);
	if (rc < 0)
		return rc;
	rc = vsw_port_open_devargs(port, q, pool, &why);
	if (rc == 0) {
		if (n_ifq > q)
			PORT_LOG(WARNING,
			         "%s: af_xdp serves rx queues 0..%u of %s's %u: frames the "
			         "interface puts on the others are not seen (ethtool -L %s "
			         "combined %u)",
			         port->name, q - 1, port->netdev, n_ifq, port->netdev, q);
		return 0;
	}
	PORT_LOG(WARNING, "%s: af_xdp cannot start on %s (%s): falling back to af_packet",
	         port->name, port->netdev, why.msg);
	rc = set_devargs(port, false, n_txqs, em);
	if (rc < 0)
		return rc;
	return vsw_port_open_devargs(port, n_txqs, pool, em);
}
