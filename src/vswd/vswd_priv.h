/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the daemon's files share: packet capture for DPDK's dumpcap (capture.c) and the
 * service manager glue, readiness notification and journal logging (service.c). Main
 * thread only.
 */
#ifndef VSWD_PRIV_H
#define VSWD_PRIV_H

#include <stdbool.h>

#include "vsw/topo.h"

/* The daemon's log type, vsw.vswd (main.c). */
extern int vswd_logtype;

/**
 * Let secondary processes (dpdk-dumpcap, dpdk-pdump) capture the ports' traffic. Needs the
 * EAL's shared configuration: a topology running --in-memory or --no-shconf has none, and
 * then capture is only reported unavailable. @p file_prefix: the EAL's, for the log line
 * that tells how to capture. After rte_eal_init().
 */
void vswd_capture_init(const struct vsw_topo *topo, const char *file_prefix);

/** Stop serving capture requests; before rte_eal_cleanup(). */
void vswd_capture_fini(void);

/**
 * Send DPDK's logs to stderr; when stderr is the systemd journal ($JOURNAL_STREAM), each
 * line starts with its syslog priority and names its DPDK log type. Before rte_eal_init().
 */
void vswd_log_open(void);

/**
 * Tell the service manager about a state change (sd_notify protocol: "READY=1",
 * "STOPPING=1", "STATUS=..."). Nothing happens when $NOTIFY_SOCKET is unset.
 * @return 0, or a negative errno (logged) when the datagram could not be sent.
 */
int vswd_notify(const char *state);

#endif /* VSWD_PRIV_H */
