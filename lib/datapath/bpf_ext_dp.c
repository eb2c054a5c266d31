/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath hook of eBPF extensions (include/vsw/bpf_ext.h): runs a loaded program on each
 * frame of a burst and turns its return values (include/vsw/bpf_abi.h) into the stack's
 * verdicts. Workers only; each uses its own instance of the program, context and counters,
 * so nothing here is shared between workers and no counter needs an atomic.
 */
#include <stddef.h>

#include <rte_bpf.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "dp_priv.h"
#include "vsw/bpf_ext.h"
#include "vsw/ext_dp.h"

/* Programs read the mbuf through these offsets (bpf_abi.h): they must be DPDK's. */
static_assert(offsetof(struct rte_mbuf, buf_addr) == VSW_BPF_MBUF_BUF_ADDR, "abi: buf_addr");
static_assert(offsetof(struct rte_mbuf, data_off) == VSW_BPF_MBUF_DATA_OFF, "abi: data_off");
static_assert(offsetof(struct rte_mbuf, data_len) == VSW_BPF_MBUF_DATA_LEN, "abi: data_len");
static_assert(offsetof(struct rte_mbuf, vlan_tci) == VSW_BPF_MBUF_VLAN_TCI, "abi: vlan_tci");

/*
 * The verifier bounds reads assuming the frame starts RTE_PKTMBUF_HEADROOM bytes into the
 * buffer and lets programs read VSW_BPF_WINDOW bytes from there. A frame whose tag was popped
 * or pushed, or a PMD with another headroom, starts elsewhere: only frames with the whole
 * window inside their buffer are shown to a program.
 */
static inline bool
has_window(const struct rte_mbuf *m)
{
	return (uint32_t)m->buf_len >= (uint32_t)m->data_off + VSW_BPF_WINDOW;
}

static inline uint64_t
exec(const struct vsw_bpf_worker *w, struct rte_mbuf *m)
{
	return likely(w->jit != NULL) ? w->jit(m) : rte_bpf_exec(w->bpf, m);
}

/* Verdict of return value @p rc; counts it. */
static inline uint16_t
verdict(const struct vsw_bpf_ext *e, struct vsw_bpf_ext_stats *c, uint64_t rc)
{
	if (likely(rc == VSW_BPF_PASS)) {
		c->passes++;
		return VSW_EXT_PASS;
	}
	if (rc == VSW_BPF_DROP) {
		c->drops++;
		return VSW_EXT_DROP;
	}
	if (!e->is_egress && (rc & ~(uint64_t)0xffff) == VSW_BPF_REDIRECT_FLAG &&
	    (rc & 0xffff) < VSW_PORTS_MAX) {
		c->redirects++;
		return (uint16_t)(rc & 0xffff);
	}
	c->errors++;
	return VSW_EXT_DROP;
}

void
vsw_bpf_ext_run(void *ext, struct vsw_ext_dp_args *a)
{
	const struct vsw_bpf_ext *e = ext;
	/* Written once by the control thread when the port is deleted (bpf_ctl.c). */
	const uint16_t port = __atomic_load_n(&e->port, __ATOMIC_RELAXED);
	/* In locals: after each call into the program, which the compiler cannot see into, it
	 * would read them from @p a again. */
	struct rte_mbuf **const pkts = a->pkts;
	uint16_t *const verdicts = a->verdicts;
	const uint16_t n = a->n;
	struct vsw_bpf_ext_stats c = {0};
	struct vsw_bpf_worker *w;
	uint64_t start;

	if (port != VSW_BPF_PORT_ALL && port != a->port_index)
		return;
	RTE_ASSERT(a->lc->worker_index < e->n_workers);
	/* The extension is const to workers except for this worker's own instance. */
	w = (struct vsw_bpf_worker *)(uintptr_t)&e->workers[a->lc->worker_index];
	start = rte_rdtsc();
	w->ctx.port = a->port_index;
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (unlikely(!has_window(m))) {
			c.skipped++;
			continue;
		}
		verdicts[i] = verdict(e, &c, exec(w, m));
	}
	c.runs = n - c.skipped;
	/* Single writer: relaxed load and store, summed by the control thread. */
	vsw_counter_add(&w->stats.runs, c.runs);
	vsw_counter_add(&w->stats.passes, c.passes);
	vsw_counter_add(&w->stats.drops, c.drops);
	vsw_counter_add(&w->stats.redirects, c.redirects);
	vsw_counter_add(&w->stats.errors, c.errors);
	vsw_counter_add(&w->stats.skipped, c.skipped);
	vsw_counter_add(&w->stats.cycles, rte_rdtsc() - start);
}
