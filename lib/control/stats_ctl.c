/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters as operators see them: port counters since the port was created or last cleared,
 * per-worker (PMD) counters since start or last clear, and the control lock that lets a
 * thread other than the control thread (DPDK's telemetry thread) read the control state.
 *
 * Workers own their counters and are the only writers, so a clear never touches them: it
 * records the current totals as a baseline that later reads subtract (OVS clears PMD stats
 * the same way). Baselines are control state, written under the control lock.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <rte_debug.h>

#include "ctl_priv.h"
#include "vsw/control.h"
#include "vsw/ext_builtin.h"

/*
 * Guards the whole control state (ports, NIC switch, learn table, baselines) against readers
 * on other threads. The control thread holds it while it runs commands and periodic work, and
 * releases it while it waits for input; workers never take it.
 */
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;

/* Worker counters at the last `clear pmd stats`; zero until then. Under ctl_lock. */
static struct vsw_worker_stats pmd_base[VSW_WORKERS_MAX];

void
vsw_ctl_lock(void)
{
	RTE_VERIFY(pthread_mutex_lock(&ctl_lock) == 0);
}

void
vsw_ctl_unlock(void)
{
	RTE_VERIFY(pthread_mutex_unlock(&ctl_lock) == 0);
}

static void
subtract(uint64_t *now, const uint64_t *base, size_t n)
{
	/* A clear that raced with a worker's store may leave base a little ahead: clamp. */
	for (size_t i = 0; i < n; i++)
		now[i] = now[i] >= base[i] ? now[i] - base[i] : 0;
}

void
vsw_ctl_pmd_stats(unsigned int worker, struct vsw_worker_stats *out)
{
	vsw_dp_worker_stats(worker, out);
	if (worker < VSW_WORKERS_MAX)
		subtract((uint64_t *)out, (const uint64_t *)&pmd_base[worker],
		         sizeof(*out) / sizeof(uint64_t));
}

void
vsw_ctl_pmd_stats_clear(void)
{
	for (unsigned int w = 0; w < vsw_dp_n_workers() && w < VSW_WORKERS_MAX; w++)
		vsw_dp_worker_stats(w, &pmd_base[w]);
	CTL_LOG(INFO, "pmd stats cleared");
}

static void
port_clear(struct vsw_port *port)
{
	vsw_dp_port_stats(port->index, &port->stats_base);
	vsw_ext_port_stats_read(port->index, &port->class_base);
	CTL_LOG(INFO, "port %s: stats cleared", port->name);
}

int
vsw_ctl_port_stats_clear(const char *name, struct vsw_errmsg *em)
{
	struct vsw_port *port;

	if (name == NULL) {
		for (uint16_t i = 0; i < VSW_PORTS_MAX; i++)
			if (vsw_ctl_state.ports[i] != NULL)
				port_clear(vsw_ctl_state.ports[i]);
		return 0;
	}
	for (uint16_t i = 0; i < VSW_PORTS_MAX; i++) {
		port = vsw_ctl_state.ports[i];
		if (port != NULL && strcmp(port->name, name) == 0) {
			port_clear(port);
			return 0;
		}
	}
	vsw_errmsg_set(em, "port %s: no such port", name);
	return -ENOENT;
}
