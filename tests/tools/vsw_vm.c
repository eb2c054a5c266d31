/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vsw-vm: plays a VM's virtio-net NIC in the integration tests.
 *
 * It drives the one ethdev its EAL arguments create (normally net_virtio_user on a vswd
 * vhost-user socket): waits for link up, prints READY, sends --send sequence-numbered test
 * frames, receives until it has --expect test frames or --timeout-s has passed since READY,
 * keeps receiving for --linger-ms, and prints one JSON line with what it sent and saw.
 *
 * One thread (the EAL main lcore) does everything. It sleeps ~50 us whenever it has nothing to
 * do, because it shares the machine's two CPUs with vswd's busy-polling worker. DPDK logs go to
 * stderr, so stdout carries only READY and the JSON line the harness parses.
 *
 * Test frame, shared with tests/integration/nsraw.py: dst, src, ethertype 0x88b5, then in big
 * endian a magic u32 ("vswv"), the stream id u32 and the sequence number u64 (0..N-1), then
 * zeros up to --size bytes (without FCS).
 *
 * SIGUSR1 sends one more frame to --dst (after the --send ones), whenever the test wants this
 * "VM" to talk: that is how the tests show vswd which path a guest uses.
 *
 * --raw HEX sends that exact frame instead, --send times: any length from 1 to
 * VM_RAW_SIZE_MAX bytes, in as many chained mbufs as it takes (hostile-frame tests: runts,
 * cut tags, bad source MACs, frames over the MTU and over one mbuf).
 */
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define VM_ETHERTYPE 0x88b5
#define VM_MAGIC 0x76737776u /* "vswv" */
#define VM_BURST 32          /* what vswd and testpmd use per burst */
#define VM_RING_SIZE 4096    /* asked per queue; virtio clamps it to its vring size */
#define VM_N_MBUFS 16383     /* two full 4096 rings, bursts in hand, and slack; 2^n - 1 */
#define VM_MBUF_CACHE 256
#define VM_SOURCES_MAX 16     /* distinct source MACs listed in rx_from; a test has a handful */
#define VM_STREAMS_MAX 64     /* streams tracked for order; a test uses a few */
#define VM_IDLE_NS 50000      /* sleep when idle: leaves the CPU to vswd and the other "VMs" */
#define VM_LINK_WAIT_MS 15000 /* a vhost peer that needs longer is broken, not slow */
#define VM_FRAME_SIZE_MIN 60
#define VM_FRAME_SIZE_MAX 1514
#define VM_RAW_SIZE_MAX 9216 /* a jumbo frame: five chained mbufs */

/** What follows the Ethernet header of a test frame (at offset 14, so copied, not cast). */
struct vm_payload {
	rte_be32_t magic;
	rte_be32_t stream;
	rte_be64_t seq;
};

#define VM_HDR_SIZE (sizeof(struct rte_ether_hdr) + sizeof(struct vm_payload))
static_assert(VM_HDR_SIZE <= VM_FRAME_SIZE_MIN, "test header fits a minimal frame");

struct vm_opts {
	struct rte_ether_addr mac;
	struct rte_ether_addr dst;
	bool has_mac;
	bool has_dst;
	uint64_t n_send;
	uint64_t n_expect;
	uint64_t pps; /* 0: as fast as the ring takes them */
	uint64_t timeout_s;
	uint64_t linger_ms;
	uint32_t size;
	uint32_t stream;
	uint32_t raw_len; /* --raw: this frame instead of test frames */
	uint8_t raw[VM_RAW_SIZE_MAX];
};

struct vm_source {
	struct rte_ether_addr mac;
	uint64_t n_frames;
};

struct vm_stream {
	uint32_t id;
	uint64_t next_seq;
};

struct vm_state {
	uint16_t eth_port_id;
	struct rte_mempool *mp;
	/* Frames built but not yet taken by the tx ring; retried, so the sender never drops. */
	struct rte_mbuf *pending[VM_BURST];
	unsigned int n_pending;
	unsigned int pending_pos;
	uint64_t n_built; /* next sequence number */
	uint64_t tx_first_tsc;
	uint64_t tx_last_tsc;
	uint64_t rx_first_tsc;
	uint64_t rx_last_tsc;
	/* What the JSON line reports. */
	uint64_t sent;
	uint64_t rx_test;
	uint64_t rx_other;
	uint64_t rx_in_order;
	uint64_t rx_dup; /* sequence number below the stream's next: repeated or late */
	uint64_t rx_gap; /* sequence numbers skipped over */
	unsigned int n_sources;
	struct vm_source sources[VM_SOURCES_MAX];
	uint64_t rx_from_more; /* test frames from sources beyond VM_SOURCES_MAX */
	unsigned int n_streams;
	struct vm_stream streams[VM_STREAMS_MAX];
};

static volatile sig_atomic_t quit;
/* SIGUSR1s received: each asks for one more frame, so a test decides when a VM talks. */
static volatile sig_atomic_t n_usr1;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static void
on_usr1(int sig)
{
	(void)sig;
	n_usr1++;
}

/* Frames to send so far: --send, plus one per SIGUSR1. */
static uint64_t
send_target(const struct vm_opts *o)
{
	return o->n_send + (uint64_t)n_usr1;
}

static void
idle_sleep(void)
{
	const struct timespec ts = {.tv_sec = 0, .tv_nsec = VM_IDLE_NS};

	nanosleep(&ts, NULL);
}

static void
usage(const char *prg)
{
	fprintf(stderr,
	        "usage: %s [EAL args] -- --mac MAC [--send N --dst MAC|--broadcast] [--size "
	        "BYTES]\n"
	        "       [--pps RATE] [--expect N] [--timeout-s S] [--linger-ms MS] [--stream ID]\n"
	        "       [--raw HEX]\n",
	        prg);
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return (errno != 0 || end == s || *end != '\0' || s[0] == '-') ? -EINVAL : 0;
}

/* --raw: hex digits, two per byte. */
static int
parse_hex(const char *hex, struct vm_opts *o)
{
	const size_t len = strlen(hex);

	if (len == 0 || len % 2 != 0 || len / 2 > VM_RAW_SIZE_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -EINVAL;
		o->raw[i] = (uint8_t)b;
	}
	o->raw_len = (uint32_t)(len / 2);
	return 0;
}

static int
opts_parse(int argc, char **argv, struct vm_opts *o)
{
	static const struct option longopts[] = {
	        /* Numbers first (val 0), in the order of nums[] below. */
	        {"send", required_argument, NULL, 0},
	        {"size", required_argument, NULL, 0},
	        {"pps", required_argument, NULL, 0},
	        {"expect", required_argument, NULL, 0},
	        {"timeout-s", required_argument, NULL, 0},
	        {"linger-ms", required_argument, NULL, 0},
	        {"stream", required_argument, NULL, 0},
	        {"mac", required_argument, NULL, 'm'},
	        {"dst", required_argument, NULL, 'd'},
	        {"broadcast", no_argument, NULL, 'b'},
	        {"raw", required_argument, NULL, 'r'},
	        {NULL, 0, NULL, 0},
	};
	uint64_t size = VM_FRAME_SIZE_MIN, stream = 0;
	uint64_t *const nums[] = {&o->n_send,    &size,         &o->pps, &o->n_expect,
	                          &o->timeout_s, &o->linger_ms, &stream};
	int opt, idx = 0;

	*o = (struct vm_opts){.timeout_s = 10};
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
		if (opt == 0 && parse_u64(optarg, nums[idx]) == 0)
			continue;
		if ((opt == 'm' || opt == 'd') &&
		    rte_ether_unformat_addr(optarg, opt == 'm' ? &o->mac : &o->dst) == 0) {
			o->has_mac |= opt == 'm';
			o->has_dst |= opt == 'd';
			continue;
		}
		if (opt == 'r' && parse_hex(optarg, o) == 0)
			continue;
		if (opt != 'b')
			return -EINVAL;
		memset(&o->dst, 0xff, sizeof(o->dst));
		o->has_dst = true;
	}
	if (optind != argc || !o->has_mac || (o->n_send > 0 && !o->has_dst && o->raw_len == 0) ||
	    size < VM_FRAME_SIZE_MIN || size > VM_FRAME_SIZE_MAX || stream > UINT32_MAX)
		return -EINVAL;
	o->size = (uint32_t)size;
	o->stream = (uint32_t)stream;
	return 0;
}

static int
port_init(uint16_t eth_port_id, struct rte_mempool *mp)
{
	const int socket = rte_eth_dev_socket_id(eth_port_id);
	struct rte_eth_conf conf = {0};
	uint16_t n_rxd = VM_RING_SIZE, n_txd = VM_RING_SIZE;
	int rc;

	rc = rte_eth_dev_configure(eth_port_id, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_dev_adjust_nb_rx_tx_desc(eth_port_id, &n_rxd, &n_txd);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(eth_port_id, 0, n_rxd, socket, NULL, mp);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(eth_port_id, 0, n_txd, socket, NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(eth_port_id);
	if (rc != 0)
		return rc;
	/* A VM sees broadcast anyway; promiscuous only matters to PMDs that filter. */
	(void)rte_eth_promiscuous_enable(eth_port_id);
	return 0;
}

static int
link_wait(uint16_t eth_port_id)
{
	struct rte_eth_link link;

	for (unsigned int ms = 0; ms < VM_LINK_WAIT_MS && !quit; ms += 10) {
		memset(&link, 0, sizeof(link));
		if (rte_eth_link_get_nowait(eth_port_id, &link) == 0 &&
		    link.link_status == RTE_ETH_LINK_UP)
			return 0;
		rte_delay_us_sleep(10 * 1000);
	}
	return quit ? -EINTR : -ETIMEDOUT;
}

static void
rx_count_source(struct vm_state *st, const struct rte_ether_addr *src)
{
	for (unsigned int i = 0; i < st->n_sources; i++) {
		if (rte_is_same_ether_addr(&st->sources[i].mac, src)) {
			st->sources[i].n_frames++;
			return;
		}
	}
	if (st->n_sources == VM_SOURCES_MAX) {
		st->rx_from_more++;
		return;
	}
	st->sources[st->n_sources++] = (struct vm_source){.mac = *src, .n_frames = 1};
}

static void
rx_check_order(struct vm_state *st, uint32_t stream_id, uint64_t seq)
{
	struct vm_stream *s = NULL;

	for (unsigned int i = 0; i < st->n_streams && s == NULL; i++)
		if (st->streams[i].id == stream_id)
			s = &st->streams[i];
	if (s == NULL && st->n_streams == VM_STREAMS_MAX)
		return; /* counted in rx_test only */
	if (s == NULL) {
		s = &st->streams[st->n_streams++];
		*s = (struct vm_stream){.id = stream_id, .next_seq = 0};
	}
	if (seq < s->next_seq) {
		st->rx_dup++;
		return;
	}
	if (seq == s->next_seq)
		st->rx_in_order++;
	else
		st->rx_gap += seq - s->next_seq;
	s->next_seq = seq + 1;
}

static void
rx_count(struct vm_state *st, const struct rte_mbuf *m, uint64_t now)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct vm_payload p;

	if (m->data_len < VM_HDR_SIZE || eth->ether_type != rte_cpu_to_be_16(VM_ETHERTYPE)) {
		st->rx_other++;
		return;
	}
	memcpy(&p, eth + 1, sizeof(p));
	if (p.magic != rte_cpu_to_be_32(VM_MAGIC)) {
		st->rx_other++;
		return;
	}
	if (st->rx_test++ == 0)
		st->rx_first_tsc = now;
	st->rx_last_tsc = now;
	rx_count_source(st, &eth->src_addr);
	rx_check_order(st, rte_be_to_cpu_32(p.stream), rte_be_to_cpu_64(p.seq));
}

static uint16_t
rx_poll(struct vm_state *st)
{
	struct rte_mbuf *pkts[VM_BURST];
	const uint16_t n = rte_eth_rx_burst(st->eth_port_id, 0, pkts, VM_BURST);
	const uint64_t now = rte_get_tsc_cycles();

	for (uint16_t i = 0; i < n; i++)
		rx_count(st, pkts[i], now);
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

/* @p m (empty) becomes the --raw frame, chaining more mbufs as needed. -ENOBUFS: pool empty. */
static int
raw_fill(struct vm_state *st, const struct vm_opts *o, struct rte_mbuf *m)
{
	struct rte_mbuf *seg = m;
	uint32_t off = 0;

	for (;;) {
		const uint16_t n = (uint16_t)RTE_MIN(o->raw_len - off, rte_pktmbuf_tailroom(seg));

		memcpy(rte_pktmbuf_append(seg, n), o->raw + off, n);
		off += n;
		if (seg != m && rte_pktmbuf_chain(m, seg) != 0) {
			rte_pktmbuf_free(seg);
			return -ENOBUFS;
		}
		if (off == o->raw_len)
			return 0;
		seg = rte_pktmbuf_alloc(st->mp);
		if (seg == NULL)
			return -ENOBUFS;
	}
}

static void
tx_build(struct vm_state *st, const struct vm_opts *o, unsigned int n)
{
	if (rte_pktmbuf_alloc_bulk(st->mp, st->pending, n) != 0)
		return; /* pool briefly empty: the next loop retries */
	for (unsigned int i = 0; o->raw_len != 0 && i < n; i++) {
		if (raw_fill(st, o, st->pending[i]) != 0) {
			rte_pktmbuf_free_bulk(st->pending, n);
			return; /* the next loop retries */
		}
	}
	for (unsigned int i = 0; o->raw_len == 0 && i < n; i++) {
		struct rte_mbuf *m = st->pending[i];
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		const struct vm_payload p = {
		        .magic = rte_cpu_to_be_32(VM_MAGIC),
		        .stream = rte_cpu_to_be_32(o->stream),
		        .seq = rte_cpu_to_be_64(st->n_built + i),
		};

		memset(eth, 0, o->size);
		eth->dst_addr = o->dst;
		eth->src_addr = o->mac;
		eth->ether_type = rte_cpu_to_be_16(VM_ETHERTYPE);
		memcpy(eth + 1, &p, sizeof(p));
		m->data_len = (uint16_t)o->size;
		m->pkt_len = o->size;
	}
	st->n_pending = n;
	st->pending_pos = 0;
	st->n_built += n;
}

/* Send what is due (all at once, or paced by --pps); returns the frames the ring took. */
static uint16_t
tx_step(struct vm_state *st, const struct vm_opts *o, uint64_t start_tsc, uint64_t now)
{
	uint64_t due = send_target(o) - st->n_built;
	uint16_t n;

	if (st->n_pending == 0 && o->pps > 0) {
		const double elapsed_s = (double)(now - start_tsc) / (double)rte_get_tsc_hz();
		const uint64_t allowed = (uint64_t)(elapsed_s * (double)o->pps) + 1;

		due = RTE_MIN(due, allowed > st->n_built ? allowed - st->n_built : 0);
	}
	if (st->n_pending == 0 && due > 0)
		tx_build(st, o, (unsigned int)RTE_MIN(due, (uint64_t)VM_BURST));
	if (st->n_pending == st->pending_pos)
		return 0;
	if (st->sent == 0)
		st->tx_first_tsc = now;
	n = rte_eth_tx_burst(st->eth_port_id, 0, st->pending + st->pending_pos,
	                     (uint16_t)(st->n_pending - st->pending_pos));
	st->pending_pos += n;
	st->sent += n;
	if (n > 0)
		st->tx_last_tsc = rte_get_tsc_cycles();
	if (st->pending_pos == st->n_pending)
		st->n_pending = st->pending_pos = 0;
	return n;
}

static void
run(struct vm_state *st, const struct vm_opts *o)
{
	const uint64_t hz = rte_get_tsc_hz();
	const uint64_t start = rte_get_tsc_cycles();
	const uint64_t deadline = start + o->timeout_s * hz;
	uint64_t now = start, linger_end;

	while (!quit && now < deadline &&
	       (st->sent < send_target(o) || st->rx_test < o->n_expect)) {
		uint16_t n = rx_poll(st);

		now = rte_get_tsc_cycles();
		if (st->sent < send_target(o))
			n += tx_step(st, o, start, now);
		if (n == 0)
			idle_sleep();
	}
	linger_end = rte_get_tsc_cycles() + o->linger_ms * hz / 1000;
	while (!quit && (now = rte_get_tsc_cycles()) < linger_end) {
		uint16_t n = rx_poll(st);

		if (st->sent < send_target(o))
			n += tx_step(st, o, start, now);
		if (n == 0)
			idle_sleep();
	}
	/* Frames the ring never took (timeout or signal) are not "sent". */
	if (st->n_pending > st->pending_pos)
		rte_pktmbuf_free_bulk(st->pending + st->pending_pos,
		                      st->n_pending - st->pending_pos);
	st->n_pending = st->pending_pos = 0;
}

static double
rate(uint64_t n, uint64_t first_tsc, uint64_t last_tsc)
{
	if (n < 2 || last_tsc <= first_tsc)
		return 0.0;
	return (double)(n - 1) * (double)rte_get_tsc_hz() / (double)(last_tsc - first_tsc);
}

static void
report(const struct vm_state *st)
{
	printf("{\"sent\":%" PRIu64 ",\"rx_test\":%" PRIu64 ",\"rx_other\":%" PRIu64
	       ",\"rx_in_order\":%" PRIu64 ",\"rx_dup\":%" PRIu64 ",\"rx_gap\":%" PRIu64
	       ",\"rx_from\":{",
	       st->sent, st->rx_test, st->rx_other, st->rx_in_order, st->rx_dup, st->rx_gap);
	for (unsigned int i = 0; i < st->n_sources; i++) {
		const uint8_t *b = st->sources[i].mac.addr_bytes;

		printf("%s\"%02x:%02x:%02x:%02x:%02x:%02x\":%" PRIu64, i > 0 ? "," : "", b[0], b[1],
		       b[2], b[3], b[4], b[5], st->sources[i].n_frames);
	}
	if (st->rx_from_more > 0)
		printf("%s\"more\":%" PRIu64, st->n_sources > 0 ? "," : "", st->rx_from_more);
	printf("},\"rx_pps\":%.0f,\"tx_pps\":%.0f}\n",
	       rate(st->rx_test, st->rx_first_tsc, st->rx_last_tsc),
	       rate(st->sent, st->tx_first_tsc, st->tx_last_tsc));
	fflush(stdout);
}

static struct vm_state state;

int
main(int argc, char **argv)
{
	const struct sigaction sa = {.sa_handler = on_signal};
	const struct sigaction sa_usr1 = {.sa_handler = on_usr1, .sa_flags = SA_RESTART};
	struct vm_opts o;
	int rc, ret = 1;

	rte_openlog_stream(stderr); /* before EAL init: Linux EAL would log to stdout */
	rc = rte_eal_init(argc, argv);
	if (rc < 0) {
		fprintf(stderr, "vsw-vm: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (opts_parse(argc - rc, argv + rc, &o) != 0) {
		usage(argv[0]);
		goto err_cleanup;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa_usr1, NULL);
	(void)prctl(PR_SET_TIMERSLACK, 1000UL); /* 50 us sleeps, not 50 us + 50 us of slack */
	if (rte_eth_dev_count_avail() != 1) {
		fprintf(stderr, "vsw-vm: need exactly one ethdev (--vdev), have %u\n",
		        rte_eth_dev_count_avail());
		goto err_cleanup;
	}
	state.eth_port_id = (uint16_t)rte_eth_find_next(0);
	state.mp = rte_pktmbuf_pool_create("vm_pool", VM_N_MBUFS, VM_MBUF_CACHE, 0,
	                                   RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (state.mp == NULL) {
		fprintf(stderr, "vsw-vm: mbuf pool: %s\n", rte_strerror(rte_errno));
		goto err_cleanup;
	}
	rc = port_init(state.eth_port_id, state.mp);
	if (rc != 0) {
		fprintf(stderr, "vsw-vm: port %u setup failed: %s\n", state.eth_port_id,
		        rte_strerror(-rc));
		goto err_free_pool;
	}
	rc = link_wait(state.eth_port_id);
	if (rc == -EINTR) {
		report(&state); /* stopped before link up: nothing sent or seen */
		ret = 0;
		goto err_close_port;
	}
	if (rc != 0) {
		fprintf(stderr, "vsw-vm: port %u link: %s\n", state.eth_port_id, strerror(-rc));
		goto err_close_port;
	}
	printf("READY\n");
	fflush(stdout);
	run(&state, &o);
	report(&state);
	ret = 0;
err_close_port:
	rte_eth_dev_stop(state.eth_port_id);
	rte_eth_dev_close(state.eth_port_id);
err_free_pool:
	rte_mempool_free(state.mp);
err_cleanup:
	rte_eal_cleanup();
	return ret;
}
