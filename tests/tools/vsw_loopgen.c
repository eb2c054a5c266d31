/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw-loopgen: both VMs of the V2V benchmark loop (tests/bench), for the FDB-scale runs.
 *
 * Like testpmd's io forwarding between two ports started with tx_first, frames circulate for
 * ever: port 0 -> switch -> port 1 -> back out of port 0, and the other way round. Unlike it,
 * each frame leaving gets the next (source, destination) MAC pair of its direction, out of
 * --macs pairs, so the switch learns 2 x --macs MACs and its lookups spread over all of them
 * (testpmd's generators vary IP addresses only). Direction 0 sends from 02:a0:.. to 02:b0:..,
 * direction 1 the reverse pairs, so each MAC stays behind one port.
 *
 * Prints READY once both links are up and the first frames are out, then one JSON line per
 * 100 ms: {"rx": frames received on both ports, "busy_tsc": TSC cycles spent on polls that
 * received frames (as testpmd's --record-core-cycles counts them), "t_ns": CLOCK_MONOTONIC}.
 * One lcore; stops on SIGINT/SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "loop_pairs.h"

#define LG_BURST 32
#define LG_RING_SIZE 1024 /* virtio clamps it to its vring */
#define LG_N_MBUFS 16383
#define LG_LINK_WAIT_MS 15000
#define LG_REPORT_NS 100000000ull

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static int
lg_port_init(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf = {0};
	uint16_t n_rxd = LG_RING_SIZE, n_txd = LG_RING_SIZE;
	int rc = rte_eth_dev_configure(port, 1, 1, &conf);

	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(port, &n_rxd, &n_txd);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(port, 0, n_rxd, rte_eth_dev_socket_id(port), NULL, mp);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(port, 0, n_txd, rte_eth_dev_socket_id(port), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(port);
	return rc;
}

static int
lg_link_wait(uint16_t port)
{
	struct rte_eth_link link;

	for (unsigned int ms = 0; ms < LG_LINK_WAIT_MS && !quit; ms += 10) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(port, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_us_sleep(10 * 1000);
	}
	return -ETIMEDOUT;
}

/* @p n new frames of @p size bytes (without FCS) into the loop through @p port. */
static int
lg_tx_first(struct rte_mempool *mp, uint16_t port, struct loop_dir *d, uint32_t n_macs,
            unsigned int n, uint16_t size)
{
	while (n > 0) {
		struct rte_mbuf *pkts[LG_BURST];
		const unsigned int b = n < LG_BURST ? n : LG_BURST;
		uint16_t sent;

		if (rte_pktmbuf_alloc_bulk(mp, pkts, b) != 0)
			return -ENOMEM;
		for (unsigned int i = 0; i < b; i++) {
			uint8_t *h = (uint8_t *)rte_pktmbuf_append(pkts[i], size);

			memset(h, 0, size);
			h[12] = 0x88; /* local experimental ethertype: nothing parses the rest */
			h[13] = 0xb5;
			loop_stamp(pkts[i], d, port, n_macs);
		}
		sent = rte_eth_tx_burst(port, 0, pkts, (uint16_t)b);
		if (sent < b)
			rte_pktmbuf_free_bulk(&pkts[sent], b - sent);
		n -= b;
	}
	return 0;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {{"size", required_argument, NULL, 's'},
	                                         {"macs", required_argument, NULL, 'm'},
	                                         {"in-flight", required_argument, NULL, 'f'},
	                                         {NULL, 0, NULL, 0}};
	unsigned long size = 60, n_macs = 1, in_flight = 128;
	struct loop_dir dirs[2] = {{0}, {0}};
	uint64_t rx = 0, busy_tsc = 0, tsc_next, tsc_step;
	struct rte_mempool *mp;
	int opt, n = rte_eal_init(argc, argv);

	if (n < 0) {
		fprintf(stderr, "vsw-loopgen: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= n;
	argv += n;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;
		unsigned long v = strtoul(optarg, &end, 0);

		if (*end != '\0' || opt == '?')
			goto usage;
		if (opt == 's')
			size = v;
		else if (opt == 'm')
			n_macs = v;
		else
			in_flight = v;
	}
	if (size < 60 || size > 1514 || n_macs < 1 || n_macs > (1ul << 24) || in_flight < 1 ||
	    in_flight > 4096 || rte_eth_dev_count_avail() != 2)
		goto usage;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	mp = rte_pktmbuf_pool_create("lg_pool", LG_N_MBUFS, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
	                             rte_socket_id());
	if (mp == NULL || lg_port_init(0, mp) != 0 || lg_port_init(1, mp) != 0 ||
	    lg_link_wait(0) != 0 || lg_link_wait(1) != 0) {
		fprintf(stderr, "vsw-loopgen: ports not up\n");
		return 1;
	}
	/* The switch's side of each vhost device comes up a moment after the link. */
	rte_delay_us_sleep(1000 * 1000);
	for (uint16_t p = 0; p < 2; p++)
		if (lg_tx_first(mp, p, &dirs[p], (uint32_t)n_macs, (unsigned int)in_flight,
		                (uint16_t)size) != 0)
			return 1;
	printf("READY\n");
	fflush(stdout);
	tsc_step = rte_get_tsc_hz() / 10;
	tsc_next = rte_rdtsc() + tsc_step;
	while (!quit) {
		for (uint16_t p = 0; p < 2; p++) {
			struct rte_mbuf *pkts[LG_BURST];
			const uint16_t out = p ^ 1;
			const uint64_t start_tsc = rte_rdtsc();
			const uint16_t got = rte_eth_rx_burst(p, 0, pkts, LG_BURST);
			uint16_t sent;

			if (got == 0)
				continue;
			rx += got;
			for (uint16_t i = 0; i < got; i++)
				loop_stamp(pkts[i], &dirs[out], out, (uint32_t)n_macs);
			sent = rte_eth_tx_burst(out, 0, pkts, got);
			if (sent < got)
				rte_pktmbuf_free_bulk(&pkts[sent], got - sent);
			busy_tsc += rte_rdtsc() - start_tsc;
		}
		if (rte_rdtsc() >= tsc_next) {
			tsc_next += tsc_step;
			printf("{\"rx\": %" PRIu64 ", \"busy_tsc\": %" PRIu64 ", \"t_ns\": %" PRIu64
			       "}\n",
			       rx, busy_tsc, now_ns());
			fflush(stdout);
		}
	}
	for (uint16_t p = 0; p < 2; p++) {
		rte_eth_dev_stop(p);
		rte_eth_dev_close(p);
	}
	rte_eal_cleanup();
	return 0;
usage:
	fprintf(stderr, "usage: vsw-loopgen EAL-ARGS -- [--size 60..1514] [--macs N] "
	                "[--in-flight N]   (two ports: net_virtio_user0/1)\n");
	return 2;
}
