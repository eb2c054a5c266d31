/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The ABI between vswd and its eBPF extensions: what a program compiled with
 * `clang -O2 -target bpf -c prog.c` gets, what it may read, and what it returns. vswd loads
 * the object with DPDK's librte_bpf (include/vsw/bpf_ext.h), which verifies and JIT-compiles
 * it; this header is all a program includes, and it needs no DPDK header.
 *
 * The program is one function in one ELF section (".text" unless told otherwise), called
 * once per packet on a worker:
 * @code
 * uint64_t prog(const struct vsw_bpf_pkt *pkt);
 * @endcode
 * - @c pkt is the packet (an rte_mbuf underneath). Read it through vsw_bpf_data() and
 *   vsw_bpf_len() only; the frame is its first segment. At ingress the 802.1Q tag has been
 *   taken off and vsw_bpf_vlan() says which VLAN the frame is in (0: the untagged domain);
 *   at egress the frame is as it will leave, tag included where the port carries it.
 *   Programs must check vsw_bpf_len() before reading a header: bytes past it are readable
 *   (the verifier only bounds reads to VSW_BPF_WINDOW bytes) but meaningless.
 * - @c vsw_ctx (extern, read only): the port and stage the program runs on now.
 * - @c vsw_params (extern, read only): VSW_BPF_PARAMS values set from the CLI or YAML
 *   (`extension param NAME INDEX VALUE`, `params: [...]`), e.g. an ethertype or a port id.
 * - @c vsw_counters (extern, read-write): VSW_BPF_COUNTERS counters the program may add to;
 *   `extension show NAME` prints their sums. librte_bpf has no maps: each worker runs its own
 *   instance of the program, bound to its own counter array, so a plain `+= 1` is safe and
 *   costs no atomic; vswd sums the workers' arrays when asked.
 *
 * Return one of VSW_BPF_PASS, VSW_BPF_DROP or VSW_BPF_REDIRECT(port). Redirect is honoured at
 * ingress only (the frame leaves by that switch port, as `show port` numbers them, instead of
 * being forwarded); at egress, and for any other value, the frame is dropped and counted as
 * an error of the extension.
 *
 * The offsets below are DPDK 22.11's struct rte_mbuf on 64-bit hosts; vswd asserts them at
 * build time (lib/datapath/bpf_ext_dp.c), so a program built against this header fits the
 * vswd built from the same tree.
 */
#ifndef VSW_BPF_ABI_H
#define VSW_BPF_ABI_H

#ifdef __bpf__
/* clang -target bpf has no libc headers for the BPF target; its built-in types suffice. */
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
#else
#include <stdint.h>
#endif

/** Verdict: the frame goes on (to the next extension, then forwarding or the wire). */
#define VSW_BPF_PASS 0
/** Verdict: the frame is dropped, counted as drop-ext on its port. */
#define VSW_BPF_DROP 1
/** Verdict flag of a redirect; the low 16 bits hold the switch port id. */
#define VSW_BPF_REDIRECT_FLAG 0x10000
/** Verdict: send the frame out of switch port @p port instead (ingress only). */
#define VSW_BPF_REDIRECT(port) (VSW_BPF_REDIRECT_FLAG | ((port)&0xffff))

/** Values of vsw_params[]. */
#define VSW_BPF_PARAMS 8
/** Counters of vsw_counters[]: one per VLAN id fits. */
#define VSW_BPF_COUNTERS 4096
/**
 * Bytes from the start of the frame the verifier lets a program read. vswd skips a program
 * (passes the frame, counted) on a frame whose buffer holds fewer bytes past its start.
 */
#define VSW_BPF_WINDOW 1536

/** Stage of vsw_ctx.stage. */
#define VSW_BPF_STAGE_INGRESS 0
#define VSW_BPF_STAGE_EGRESS 1

/** Where the program runs now: one per worker, rewritten before each burst. */
struct vsw_bpf_ctx {
	uint16_t port;   /**< switch port id the frame arrived on (ingress) or leaves by (egress) */
	uint16_t stage;  /**< VSW_BPF_STAGE_INGRESS or VSW_BPF_STAGE_EGRESS */
	uint32_t worker; /**< worker index, 0..workers-1 */
};

/** Opaque: a packet (an rte_mbuf). */
struct vsw_bpf_pkt;

/* Offsets into struct rte_mbuf (DPDK 22.11, 64-bit). */
#define VSW_BPF_MBUF_BUF_ADDR 0
#define VSW_BPF_MBUF_DATA_OFF 16
#define VSW_BPF_MBUF_DATA_LEN 40
#define VSW_BPF_MBUF_VLAN_TCI 42

#ifdef __bpf__
extern const struct vsw_bpf_ctx vsw_ctx;
extern const uint64_t vsw_params[VSW_BPF_PARAMS];
extern uint64_t vsw_counters[VSW_BPF_COUNTERS];

/** First byte of the frame (its destination MAC). */
static inline __attribute__((always_inline)) const uint8_t *
vsw_bpf_data(const struct vsw_bpf_pkt *pkt)
{
	const uint8_t *m = (const uint8_t *)pkt;

	return *(const uint8_t *const *)(m + VSW_BPF_MBUF_BUF_ADDR) +
	       *(const uint16_t *)(m + VSW_BPF_MBUF_DATA_OFF);
}

/** Bytes of the frame. */
static inline __attribute__((always_inline)) uint16_t
vsw_bpf_len(const struct vsw_bpf_pkt *pkt)
{
	return *(const uint16_t *)((const uint8_t *)pkt + VSW_BPF_MBUF_DATA_LEN);
}

/** The frame's VLAN id, 0 for the untagged domain (as the switch classified it). */
static inline __attribute__((always_inline)) uint16_t
vsw_bpf_vlan(const struct vsw_bpf_pkt *pkt)
{
	return *(const uint16_t *)((const uint8_t *)pkt + VSW_BPF_MBUF_VLAN_TCI) & 0xfff;
}

/** Big-endian 16-bit field at @p p (ethertypes, ports). */
static inline __attribute__((always_inline)) uint16_t
vsw_bpf_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
#endif /* __bpf__ */

#endif /* VSW_BPF_ABI_H */
