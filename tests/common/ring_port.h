/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A port without a NIC for the unit tests, fuzzers and tools that drive the vSwitch stage: an
 * ethdev over two rings, one queue pair, started. What the caller enqueues on @p rx the port
 * receives; what the switch sends out of it waits on @p tx.
 */
#ifndef VSW_TEST_RING_PORT_H
#define VSW_TEST_RING_PORT_H

#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

/*
 * Port @p i of a set named by @p tag (each set its own names: ethdev and ring names are
 * global to the process), rings and queues of @p size frames (a power of two, at most
 * 32768), rx buffers from @p pool. The callers are tests and tools that give up on
 * a failure: what was made before it is left to the process's end.
 * @return its ethdev id, or a negative errno, said on stderr.
 */
static inline int
vsw_test_ring_port(const char *tag, unsigned int i, unsigned int size, struct rte_mempool *pool,
                   struct rte_ring **rx, struct rte_ring **tx)
{
	const struct rte_eth_conf conf = {0};
	char name[RTE_RING_NAMESIZE];
	uint16_t id;
	int rc;

	if (size > UINT16_MAX) {
		fprintf(stderr, "ring port %s%u: %u frames, more than a queue holds\n", tag, i,
		        size);
		return -EINVAL;
	}
	snprintf(name, sizeof(name), "%s_rx%u", tag, i);
	*rx = rte_ring_create(name, size, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "%s_tx%u", tag, i);
	*tx = rte_ring_create(name, size, 0, RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(name, sizeof(name), "net_ring_%s%u", tag, i);
	if (*rx == NULL || *tx == NULL) {
		rc = -rte_errno;
	} else if ((rc = rte_eth_from_rings(name, rx, 1, tx, 1, 0)) < 0) {
		rc = -rte_errno;
	} else {
		id = (uint16_t)rc;
		rc = rte_eth_dev_configure(id, 1, 1, &conf);
		if (rc == 0)
			rc = rte_eth_rx_queue_setup(id, 0, (uint16_t)size, 0, NULL, pool);
		if (rc == 0)
			rc = rte_eth_tx_queue_setup(id, 0, (uint16_t)size, 0, NULL);
		if (rc == 0)
			rc = rte_eth_dev_start(id);
		if (rc == 0)
			return id;
	}
	fprintf(stderr, "ring port %s: %s\n", name, rte_strerror(-rc));
	return rc;
}

#endif /* VSW_TEST_RING_PORT_H */
