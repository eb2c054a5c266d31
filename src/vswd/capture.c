/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packet capture: vswd serves DPDK's packet-capture requests (rte_pdump), so Debian's
 * dpdk-dumpcap and dpdk-pdump, started as secondary processes on vswd's EAL file-prefix,
 * can copy the rx and tx of any port into a capture file with a BPF filter.
 *
 * Nothing runs until a capture starts: rte_pdump_init() only registers a handler for the
 * secondary's requests on the EAL's multi-process channel (served by the EAL's own thread).
 * A capture then adds rx/tx callbacks to the port's queues; those run on the workers that
 * poll the port, copy the matching frames into the capture tool's ring and are removed when
 * it stops. Main thread only.
 */
#include <errno.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_pdump.h>

#include "vswd_priv.h"

#define CAPTURE_LOG(lvl, fmt, ...)                                                                 \
	rte_log(RTE_LOG_##lvl, vswd_logtype, "vswd: " fmt "\n", ##__VA_ARGS__)

static bool is_capture_on;

/* The EAL argument that leaves no shared configuration for a secondary to attach to. */
static const char *
private_eal_arg(const struct vsw_topo *topo)
{
	for (unsigned int i = 0; i < topo->n_eal_args; i++)
		if (strcmp(topo->eal_args[i], "--in-memory") == 0 ||
		    strcmp(topo->eal_args[i], "--no-shconf") == 0)
			return topo->eal_args[i];
	return NULL;
}

void
vswd_capture_init(const struct vsw_topo *topo, const char *file_prefix)
{
	const char *private_arg = private_eal_arg(topo);

	if (private_arg != NULL) {
		CAPTURE_LOG(INFO, "packet capture unavailable: EAL runs %s (no shared config)",
		            private_arg);
		return;
	}
	if (rte_pdump_init() != 0) {
		/* Degraded, not fatal: switching does not depend on capture. */
		CAPTURE_LOG(WARNING, "packet capture unavailable: rte_pdump_init: %s",
		            rte_strerror(rte_errno));
		return;
	}
	is_capture_on = true;
	CAPTURE_LOG(INFO, "packet capture: dpdk-dumpcap --file-prefix=%s -i <device>", file_prefix);
}

void
vswd_capture_fini(void)
{
	if (!is_capture_on)
		return;
	(void)rte_pdump_uninit();
	is_capture_on = false;
}
