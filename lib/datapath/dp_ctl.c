/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control side of the datapath: worker set-up and launch, publication of configurations
 * with an RCU QSBR grace period, and counter aggregation. Control thread only.
 */
#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_ring.h>

#include "dp_priv.h"

/* Frames the control thread may have waiting for the datapath at once. */
#define INJECT_RING_SIZE 256

RTE_LOG_REGISTER_DEFAULT(vsw_dp_logtype, INFO);

struct vsw_dp_state vsw_dp;

#define FIELD(f)                                                                                   \
	{                                                                                          \
#f, offsetof(struct vsw_port_stats, f)                                             \
	}
const struct vsw_port_stats_field vsw_port_stats_fields[] = {
        FIELD(rx_packets),        FIELD(rx_bytes),     FIELD(tx_packets),
        FIELD(tx_bytes),          FIELD(drop_runt),    FIELD(drop_oversize),
        FIELD(drop_bad_src),      FIELD(drop_loop),    FIELD(drop_vlan),
        FIELD(drop_ext),          FIELD(drop_no_dest), FIELD(drop_port_down),
        FIELD(drop_no_mbuf),      FIELD(drop_tx_full), FIELD(drop_dhcp_guard),
        FIELD(drop_router_guard), FIELD(drop_storm),   {NULL, 0},
};
#undef FIELD
static_assert(RTE_DIM(vsw_port_stats_fields) - 1 ==
                      sizeof(struct vsw_port_stats) / sizeof(uint64_t),
              "every counter of struct vsw_port_stats has its entry");

uint64_t
vsw_port_stats_drops(const struct vsw_port_stats *s)
{
	uint64_t sum = 0;

	for (const struct vsw_port_stats_field *f = vsw_port_stats_fields; f->name != NULL; f++)
		if (strncmp(f->name, "drop_", 5) == 0)
			sum += vsw_port_stats_get(s, f);
	return sum;
}

struct rte_rcu_qsbr *
vsw_dp_qsv(void)
{
	return vsw_dp.qsv;
}

void
vsw_dp_set_idle_rxq_poll(uint32_t poll_us)
{
	__atomic_store_n(&vsw_dp.idle_rxq_gap_cycles, rte_get_tsc_hz() / 1000000 * poll_us,
	                 __ATOMIC_RELAXED);
}

void
vsw_dp_set_idle_sleep_max(uint32_t max_us)
{
	__atomic_store_n(&vsw_dp.idle_sleep_max_us, max_us, __ATOMIC_RELAXED);
}

/* Relaxed loads of @p n counters: each one has a single writer, torn sums are acceptable. */
static void
sum_counters(uint64_t *out, const uint64_t *in, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] += __atomic_load_n(&in[i], __ATOMIC_RELAXED);
}

void
vsw_dp_worker_stats(unsigned int worker, struct vsw_worker_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (worker < vsw_dp.n_workers) {
		const struct vsw_lcore *lc = &vsw_dp.lcores[worker];

		sum_counters((uint64_t *)out, (const uint64_t *)&lc->wstats,
		             sizeof(*out) / sizeof(uint64_t));
		for (unsigned int p = 0; p < VSW_PORTS_MAX; p++)
			out->tx_packets +=
			        __atomic_load_n(&lc->stats[p].tx_packets, __ATOMIC_RELAXED);
	}
}

unsigned int
vsw_dp_worker_lcore(unsigned int worker)
{
	return worker < vsw_dp.n_workers ? vsw_dp.lcores[worker].lcore_id : RTE_MAX_LCORE;
}

static int
check_lcores(const unsigned int *lcore_ids, unsigned int n_workers)
{
	if (n_workers == 0 || n_workers > VSW_WORKERS_MAX) {
		DP_LOG(ERR, "%u workers requested, expected 1..%u", n_workers, VSW_WORKERS_MAX);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < n_workers; i++) {
		const unsigned int id = lcore_ids[i];

		if (id >= RTE_MAX_LCORE || !rte_lcore_is_enabled(id)) {
			DP_LOG(ERR, "worker lcore %u is not in the EAL lcore list (-l)", id);
			return -EINVAL;
		}
		if (id == rte_get_main_lcore()) {
			DP_LOG(ERR,
			       "worker lcore %u is the main lcore, which runs the control thread",
			       id);
			return -EINVAL;
		}
		for (unsigned int j = 0; j < i; j++)
			if (lcore_ids[j] == id) {
				DP_LOG(ERR, "worker lcore %u given twice", id);
				return -EINVAL;
			}
	}
	return 0;
}

int
vsw_dp_init(const unsigned int *lcore_ids, unsigned int n_workers)
{
	size_t qsv_size;
	int rc;

	rc = check_lcores(lcore_ids, n_workers);
	if (rc < 0)
		return rc;
	qsv_size = rte_rcu_qsbr_get_memsize(RTE_MAX_LCORE);
	vsw_dp.qsv = rte_zmalloc("vsw_qsv", qsv_size, RTE_CACHE_LINE_SIZE);
	vsw_dp.lcores =
	        rte_zmalloc("vsw_lcores", n_workers * sizeof(*vsw_dp.lcores), RTE_CACHE_LINE_SIZE);
	if (vsw_dp.qsv == NULL || vsw_dp.lcores == NULL) {
		DP_LOG(ERR, "no memory for %u workers", n_workers);
		goto err_free;
	}
	rc = rte_rcu_qsbr_init(vsw_dp.qsv, RTE_MAX_LCORE);
	if (rc != 0) {
		DP_LOG(ERR, "rcu qsbr init failed: %s", rte_strerror(rte_errno));
		goto err_free;
	}
	/* Rarely used (announcements): one small ring, drained by the first worker. */
	vsw_dp.inject = rte_ring_create("vsw_inject", INJECT_RING_SIZE, SOCKET_ID_ANY,
	                                RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (vsw_dp.inject == NULL) {
		DP_LOG(ERR, "no memory for the injection ring: %s", rte_strerror(rte_errno));
		goto err_free;
	}
	for (unsigned int i = 0; i < n_workers; i++) {
		vsw_dp.lcores[i].lcore_id = lcore_ids[i];
		vsw_dp.lcores[i].worker_index = i;
	}
	vsw_dp.lcores[0].inject = vsw_dp.inject;
	vsw_dp.n_workers = n_workers;
	return 0;

err_free:
	rte_ring_free(vsw_dp.inject);
	vsw_dp.inject = NULL;
	rte_free(vsw_dp.lcores);
	rte_free(vsw_dp.qsv);
	vsw_dp.lcores = NULL;
	vsw_dp.qsv = NULL;
	return -ENOMEM;
}

int
vsw_dp_inject_rx(uint16_t port, struct rte_mbuf *m)
{
	m->port = port;
	if (vsw_dp.inject == NULL || rte_ring_sp_enqueue(vsw_dp.inject, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

unsigned int
vsw_dp_n_workers(void)
{
	return vsw_dp.n_workers;
}

int
vsw_dp_start(void)
{
	for (unsigned int i = 0; i < vsw_dp.n_workers; i++) {
		struct vsw_lcore *lc = &vsw_dp.lcores[i];
		int rc;

		lc->is_stopping = false;
		rc = rte_eal_remote_launch(vsw_dp_worker_main, lc, lc->lcore_id);
		if (rc != 0) {
			DP_LOG(ERR, "cannot launch worker %u on lcore %u: %s", i, lc->lcore_id,
			       rte_strerror(-rc));
			vsw_dp_stop();
			return rc;
		}
		vsw_dp.is_running = true;
		DP_LOG(INFO, "worker %u launched on lcore %u", i, lc->lcore_id);
	}
	return 0;
}

void
vsw_dp_stop(void)
{
	if (!vsw_dp.is_running)
		return;
	for (unsigned int i = 0; i < vsw_dp.n_workers; i++)
		__atomic_store_n(&vsw_dp.lcores[i].is_stopping, true, __ATOMIC_RELAXED);
	for (unsigned int i = 0; i < vsw_dp.n_workers; i++)
		rte_eal_wait_lcore(vsw_dp.lcores[i].lcore_id);
	vsw_dp.is_running = false;
	DP_LOG(INFO, "workers stopped");
}

void
vsw_dp_fini(void)
{
	RTE_VERIFY(!vsw_dp.is_running);
	if (vsw_dp.inject != NULL) {
		struct rte_mbuf *m;

		while (rte_ring_sc_dequeue(vsw_dp.inject, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(vsw_dp.inject);
	}
	rte_free(vsw_dp.cfg);
	rte_free(vsw_dp.lcores);
	rte_free(vsw_dp.qsv);
	memset(&vsw_dp, 0, sizeof(vsw_dp));
}

struct vsw_dp_cfg *
vsw_dp_cfg_alloc(void)
{
	struct vsw_dp_cfg *cfg = rte_zmalloc("vsw_dp_cfg", sizeof(*cfg), RTE_CACHE_LINE_SIZE);

	if (cfg == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	cfg->external_port = VSW_PORT_NONE;
	vsw_fdb_init(&cfg->fdb);
	return cfg;
}

void
vsw_dp_cfg_free(struct vsw_dp_cfg *cfg)
{
	rte_free(cfg);
}

const struct vsw_dp_cfg *
vsw_dp_cfg_current(void)
{
	return vsw_dp.cfg;
}

void
vsw_dp_publish(struct vsw_dp_cfg *cfg)
{
	struct vsw_dp_cfg *old = vsw_dp.cfg;

	RTE_VERIFY(cfg != NULL && cfg != old);
	cfg->version = old != NULL ? old->version + 1 : 1;
	cfg->n_fused_hooks = vsw_ext_builtin_fused_hooks(cfg->hooks, cfg->n_hooks);
	__atomic_store_n(&vsw_dp.cfg, cfg, __ATOMIC_RELEASE);
	/* Workers that loaded `old` report quiescence only after their pass over it. */
	rte_rcu_qsbr_synchronize(vsw_dp.qsv, RTE_QSBR_THRID_INVALID);
	rte_free(old);
}

void
vsw_dp_port_stats(uint16_t port, struct vsw_port_stats *out)
{
	static_assert(sizeof(*out) % sizeof(uint64_t) == 0, "port stats are uint64_t counters");
	memset(out, 0, sizeof(*out));
	RTE_VERIFY(port < VSW_PORTS_MAX);
	for (unsigned int w = 0; w < vsw_dp.n_workers; w++)
		sum_counters((uint64_t *)out, (const uint64_t *)&vsw_dp.lcores[w].stats[port],
		             sizeof(*out) / sizeof(uint64_t));
}

void
vsw_dp_vport_stats(uint16_t vport_id, struct vsw_vport_stats *out)
{
	static_assert(sizeof(*out) % sizeof(uint64_t) == 0, "vport stats are uint64_t counters");
	memset(out, 0, sizeof(*out));
	RTE_VERIFY(vport_id < VSW_NICSW_VPORTS_MAX);
	for (unsigned int w = 0; w < vsw_dp.n_workers; w++)
		sum_counters((uint64_t *)out,
		             (const uint64_t *)&vsw_dp.lcores[w].vport_stats[vport_id],
		             sizeof(*out) / sizeof(uint64_t));
}
