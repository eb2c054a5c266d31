/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Every fixed limit of vsw in one place, each with the reason for its value. Tables, bursts and
 * names are bounded so that the datapath never allocates and the control plane can refuse
 * oversized input with a clear error instead of growing without bound.
 */
#ifndef VSW_LIMITS_H
#define VSW_LIMITS_H

/** Packets per rx/tx burst: the DPDK-wide sweet spot (l2fwd, l3fwd, OVS all use 32). */
#define VSW_BURST_MAX 32

/** Switch ports per daemon; port indexes are small so per-worker counters stay in arrays. */
#define VSW_PORTS_MAX 64

/** Worker lcores; 2 x 16 covers the cores a host gives to its switch. */
#define VSW_WORKERS_MAX 16

/** Bytes of a port or object name, with its terminating NUL (like IFNAMSIZ, but roomier). */
#define VSW_NAME_SIZE 32

/** Bytes of a unix socket path, with its NUL: what struct sockaddr_un can hold. */
#define VSW_PATH_SIZE 108

/** Bytes of a DPDK device string ("net_af_xdp0,iface=veth0,start_queue=0" or a PCI address). */
#define VSW_DEVARGS_SIZE 256

/** EAL arguments in a topology, and the bytes of each one. */
#define VSW_EAL_ARGS_MAX 64
#define VSW_EAL_ARG_SIZE 256

/** Bytes of an error explanation given back to a user (CLI, YAML loader, control socket). */
#define VSW_ERRMSG_SIZE 512

#endif /* VSW_LIMITS_H */
