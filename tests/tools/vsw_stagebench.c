/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw-stagebench: the vSwitch stage alone, in one process, on the FDB-scale question (tests/bench):
 * how many TSC cycles per frame the stage takes when frames spread over more learned MACs.
 *
 * Two trunk ports that learn, on ring-backed ethdevs, switch frames that loop as vsw-loopgen's
 * do: what the stage sends out of one port comes back into the other, each frame stamped with
 * the next (source, destination) pair of its direction, out of the case's pair count. Every
 * pair of the largest case is learned first, so all cases look up one table of the same size.
 * The end-to-end loop's cycles swing with the host; here the cases alternate in blocks of a
 * few milliseconds, so a slow phase hits each case of a round alike, and the figure that
 * counts is each round's ratio to the first case.
 *
 * Prints a line per round, then one JSON line: per case the median and minimum cycles per
 * frame over the rounds, and the median of the per-round ratios to the first case.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "../../lib/datapath/dp_priv.h"
#include "../../lib/datapath/switch_dp.h"
#include "../../lib/datapath/txbuf_dp.h"
#include "../common/ring_port.h"
#include "loop_pairs.h"
#include "vsw/learn.h"

#define SB_CASES_MAX 8
#define SB_ROUNDS_MAX 1000
#define SB_RING_SIZE 4096
#define SB_FRAME_LEN 60

static struct rte_mempool *pool;
static struct rte_ring *rx_rings[2], *tx_rings[2];
static uint16_t eth_ids[2];
static struct vsw_dp_cfg *cfg;
static struct vsw_lcore *lc;

/* The switch of the benchmark's learning topology: vm0 and vm1 as trunks, native VLAN 0. */
static int
sb_switch(uint32_t max_entries)
{
	static const uint8_t vm_macs[2][6] = {{0x02, 0, 0, 0, 0, 0x01}, {0x02, 0, 0, 0, 0, 0x02}};

	cfg = vsw_dp_cfg_alloc();
	lc = rte_zmalloc(NULL, sizeof(*lc), RTE_CACHE_LINE_SIZE);
	if (cfg == NULL || lc == NULL)
		return -ENOMEM;
	cfg->pool = pool;
	for (uint16_t i = 0; i < 2; i++) {
		struct vsw_dp_port *p = &cfg->ports[i];
		int rc;

		p->is_used = p->is_connected = p->is_learning = true;
		p->eth_port_id = eth_ids[i];
		p->mirror_rx_port = p->mirror_tx_port = VSW_PORT_NONE;
		vsw_vlan_cfg_trunk_all(&p->vlan);
		cfg->flood_ports[cfg->n_flood_ports++] = i;
		rc = vsw_fdb_add(&cfg->fdb, vm_macs[i], i);
		if (rc != 0)
			return rc;
	}
	cfg->learn = vsw_learn_create(max_entries, 0, NULL);
	if (cfg->learn == NULL)
		return -ENOMEM;
	lc->now_s = vsw_learn_now_s(cfg->learn);
	return 0;
}

/*
 * One worker pass over both ports, as poll_pass() runs the stage: each port's burst (up to
 * VSW_BURST_MAX of what the stage last sent out of the other port, restamped) is planned, then
 * the previous port's finished, then everything flushed. @return the TSC cycles the stage
 * took, restamping left out; @p n_out the frames.
 */
static uint64_t
sb_pass(struct loop_dir *dirs, uint32_t n_pairs, unsigned int *n_out)
{
	static struct vsw_dp_burst bursts[2];
	struct vsw_dp_burst *held = NULL;
	uint64_t cycles = 0, start;

	*n_out = 0;
	for (unsigned int dir = 0; dir < 2; dir++) {
		struct vsw_dp_burst *b = &bursts[dir];
		const unsigned int n = rte_ring_dequeue_burst(tx_rings[dir ^ 1], (void **)b->rx,
		                                              VSW_BURST_MAX, NULL);

		for (unsigned int i = 0; i < n; i++)
			loop_stamp(b->rx[i], &dirs[dir], dir, n_pairs);
		*n_out += n;
		start = rte_rdtsc_precise();
		if (n != 0)
			vsw_dp_switch_received(lc, cfg, dir, (uint16_t)n, true, b);
		if (held != NULL)
			vsw_dp_switch_finish(lc, cfg, held);
		held = n != 0 ? b : NULL;
		cycles += rte_rdtsc_precise() - start;
	}
	start = rte_rdtsc_precise();
	if (held != NULL)
		vsw_dp_switch_finish(lc, cfg, held);
	vsw_txbuf_flush_all(lc, cfg);
	return cycles + rte_rdtsc_precise() - start;
}

/* @p in_flight frames per direction into the loop. */
static int
sb_fill(unsigned int in_flight)
{
	for (unsigned int dir = 0; dir < 2; dir++)
		for (unsigned int i = 0; i < in_flight; i++) {
			struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
			uint8_t *h =
			        m != NULL ? (uint8_t *)rte_pktmbuf_append(m, SB_FRAME_LEN) : NULL;

			if (h == NULL)
				return -ENOMEM;
			memset(h, 0, SB_FRAME_LEN);
			h[12] = 0x88; /* local experimental EtherType */
			h[13] = 0xb5;
			/* Frames into port dir wait in what the stage sent out of the other one. */
			if (rte_ring_enqueue(tx_rings[dir ^ 1], m) != 0)
				return -ENOBUFS;
		}
	return 0;
}

/* Cycles per frame of @p bursts bursts into each port, over @p n_pairs pairs. */
static double
sb_block(struct loop_dir *dirs, uint32_t n_pairs, unsigned int bursts)
{
	uint64_t cycles = 0, frames = 0;

	for (unsigned int b = 0; b < bursts; b++) {
		unsigned int n;

		cycles += sb_pass(dirs, n_pairs, &n);
		frames += n;
	}
	if (vsw_learn_drain(cfg->learn, &cfg->fdb) != 0)
		return -1; /* a source was not known: the table is not what the case says */
	return frames != 0 ? (double)cycles / (double)frames : -1;
}

static int
cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int
usage(void)
{
	fprintf(stderr, "usage: vsw-stagebench EAL-ARGS -- [--pairs 1,512,32768] [--rounds N] "
	                "[--bursts N] [--in-flight N]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {{"pairs", required_argument, NULL, 'p'},
	                                         {"rounds", required_argument, NULL, 'r'},
	                                         {"bursts", required_argument, NULL, 'b'},
	                                         {"in-flight", required_argument, NULL, 'f'},
	                                         {NULL, 0, NULL, 0}};
	static double cyc[SB_CASES_MAX][SB_ROUNDS_MAX], ratio[SB_CASES_MAX][SB_ROUNDS_MAX];
	uint32_t pairs[SB_CASES_MAX] = {1, 512, 32768}, max_pairs = 0;
	unsigned int n_cases = 3, rounds = 20, bursts = 2000, in_flight = 512;
	struct loop_dir dirs[2] = {{0}, {0}};
	struct vsw_learn_stats st;
	int opt, rc, n = rte_eal_init(argc, argv);

	if (n < 0) {
		fprintf(stderr, "vsw-stagebench: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end, *s;
		unsigned long v;

		if (opt == '?')
			return usage();
		if (opt == 'p') {
			n_cases = 0;
			for (s = optarg; *s != '\0' && n_cases < SB_CASES_MAX;
			     s = end + (*end == ',')) {
				v = strtoul(s, &end, 0);
				if (end == s || v < 1 || v > (1ul << 20) ||
				    (*end != ',' && *end != '\0'))
					return usage();
				pairs[n_cases++] = (uint32_t)v;
			}
			if (*s != '\0')
				return usage();
			continue;
		}
		v = strtoul(optarg, &end, 0);
		if (*end != '\0' || v < 1)
			return usage();
		if (opt == 'r')
			rounds = (unsigned int)RTE_MIN(v, SB_ROUNDS_MAX);
		else if (opt == 'b')
			bursts = (unsigned int)v;
		else if (v <= SB_RING_SIZE / 2)
			in_flight = (unsigned int)v;
		else
			return usage();
	}
	for (unsigned int c = 0; c < n_cases; c++)
		max_pairs = RTE_MAX(max_pairs, pairs[c]);
	pool = rte_pktmbuf_pool_create("sb_pool", 4 * in_flight + 1023, 256, 0,
	                               RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	rc = pool == NULL ? -ENOMEM : 0;
	for (unsigned int i = 0; i < 2 && rc == 0; i++) {
		rc = vsw_test_ring_port("sb", i, SB_RING_SIZE, pool, &rx_rings[i], &tx_rings[i]);
		if (rc >= 0) {
			eth_ids[i] = (uint16_t)rc;
			rc = 0;
		}
	}
	if (rc == 0) /* the benchmark topology's table: room for twice its 64K MACs */
		rc = sb_switch(RTE_MAX(UINT32_C(131072), rte_align32pow2(4 * max_pairs)));
	if (rc == 0)
		rc = sb_fill(in_flight);
	if (rc != 0) {
		fprintf(stderr, "vsw-stagebench: setup: %s\n", rte_strerror(-rc));
		return 1;
	}
	/* Learn every pair: one pass over them, the control thread's drain after each burst. */
	for (uint32_t k = 0; k < max_pairs + VSW_BURST_MAX; k += VSW_BURST_MAX) {
		unsigned int got;

		sb_pass(dirs, max_pairs, &got);
		vsw_learn_drain(cfg->learn, &cfg->fdb);
	}
	vsw_learn_stats_get(cfg->learn, &st);
	if (st.n_entries != 2 * max_pairs) {
		fprintf(stderr, "vsw-stagebench: learned %" PRIu64 " of %u MACs\n", st.n_entries,
		        2 * max_pairs);
		return 1;
	}
	for (unsigned int r = 0; r < rounds; r++) {
		printf("round %u:", r);
		for (unsigned int c = 0; c < n_cases; c++) {
			dirs[0].next = dirs[1].next = 0;
			sb_block(dirs, pairs[c],
			         bursts / 8 + 1); /* the case's lines into the caches */
			cyc[c][r] = sb_block(dirs, pairs[c], bursts);
			if (cyc[c][r] < 0) {
				fprintf(stderr, "vsw-stagebench: %u pairs: unknown sources\n",
				        pairs[c]);
				return 1;
			}
			ratio[c][r] = cyc[c][r] / cyc[0][r];
			printf(" %u pairs %.1f", pairs[c], cyc[c][r]);
		}
		printf("\n");
		fflush(stdout);
	}
	printf("{\"cases\": [");
	for (unsigned int c = 0; c < n_cases; c++) {
		const double med = median(cyc[c], rounds); /* sorts: the minimum comes first */

		printf("%s{\"pairs\": %u, \"cycles_median\": %.2f, \"cycles_min\": %.2f, "
		       "\"ratio_median\": %.4f}",
		       c ? ", " : "", pairs[c], med, cyc[c][0], median(ratio[c], rounds));
	}
	printf("], \"rounds\": %u, \"bursts\": %u}\n", rounds, bursts);
	return 0;
}
