/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * eBPF switch extensions (R-NIC-5): programs loaded at run time from ELF objects (the ABI
 * they are written against is include/vsw/bpf_abi.h), verified and JIT-compiled by DPDK's
 * librte_bpf, and run on one port or all ports at ingress or egress as a member of the
 * extension stack (include/vsw/ext.h).
 *
 * Control side (lib/control/bpf_ctl.c): load, unload, parameters, listing; control thread
 * only. Datapath side (lib/datapath/bpf_ext_dp.c): vsw_bpf_ext_run(), the stack hook.
 *
 * Thread-safety. A struct vsw_bpf_ext is built completely before it enters the stack and is
 * immutable afterwards except for params[] (written by the control thread only, read by
 * programs: a 64-bit aligned store, seen by the next packet) and the per-worker parts (each
 * written by its worker only: its context and counters). Unloading takes the extension out of
 * the stack, publishes a configuration without its hook, waits for the QSBR grace period
 * (no worker runs the program any more) and only then destroys the programs and frees it.
 */
#ifndef VSW_BPF_EXT_H
#define VSW_BPF_EXT_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>

#include "vsw/bpf_abi.h"
#include "vsw/errmsg.h"
#include "vsw/ext.h"
#include "vsw/limits.h"

struct rte_bpf;
struct vsw_ext_dp_args;

/** vsw_bpf_ext.port of an extension that runs on every port. */
#define VSW_BPF_PORT_ALL UINT16_MAX
/** vsw_bpf_ext.port of an extension whose port was deleted: it runs on none. */
#define VSW_BPF_PORT_DETACHED (UINT16_MAX - 1)
/** ELF section of the program when none is given. */
#define VSW_BPF_SECTION_DEFAULT ".text"

/** What to load. */
struct vsw_bpf_ext_params {
	char name[VSW_NAME_SIZE];    /**< unique in the extension stack */
	char file[VSW_PATH_SIZE];    /**< ELF object (clang -target bpf) */
	char section[VSW_NAME_SIZE]; /**< "" for VSW_BPF_SECTION_DEFAULT */
	char port[VSW_NAME_SIZE];    /**< a switch port's name, or "all" */
	bool is_egress;              /**< stage: egress, else ingress */
	int position;                /**< in the stack: 0 top, -1 bottom */
	unsigned int n_params;
	uint64_t params[VSW_BPF_PARAMS]; /**< initial vsw_params[] */
};

/** Counters of one extension, per worker or summed. */
struct vsw_bpf_ext_stats {
	uint64_t runs;      /**< program executions, one per frame */
	uint64_t passes;    /**< VSW_BPF_PASS */
	uint64_t drops;     /**< VSW_BPF_DROP */
	uint64_t redirects; /**< VSW_BPF_REDIRECT at ingress */
	uint64_t errors;    /**< other verdicts, redirects at egress: dropped */
	uint64_t skipped;   /**< frames not shown: buffer shorter than VSW_BPF_WINDOW */
	uint64_t cycles;    /**< TSC cycles in the hook, bookkeeping included */
};

/** One worker's instance: its own program copy, bound to its own context and counters. */
struct vsw_bpf_worker {
	uint64_t (*jit)(void *);        /**< native code, or NULL: interpreted */
	struct rte_bpf *bpf;            /**< the loaded program */
	struct vsw_bpf_ctx ctx;         /**< vsw_ctx of this instance; written by its worker */
	struct vsw_bpf_ext_stats stats; /**< written by its worker */
	uint64_t *counters;             /**< vsw_counters of this instance, VSW_BPF_COUNTERS */
} __rte_cache_aligned;

/** A loaded eBPF extension. */
struct vsw_bpf_ext {
	struct vsw_ext_ops ops; /**< what the stack holds; ops.name is name */
	char name[VSW_NAME_SIZE];
	char file[VSW_PATH_SIZE];
	char section[VSW_NAME_SIZE];
	char port_name[VSW_NAME_SIZE]; /**< as given: a port's name or "all" */
	uint16_t port; /**< switch port id, VSW_BPF_PORT_ALL or VSW_BPF_PORT_DETACHED */
	bool is_egress;
	bool is_jit;                                         /**< every instance runs native code */
	uint64_t params[VSW_BPF_PARAMS] __rte_cache_aligned; /**< vsw_params */
	unsigned int n_workers;
	struct vsw_bpf_worker workers[]; /**< n_workers */
};

/**
 * The stack hook of every eBPF extension: runs @p ext's program on each frame of the burst
 * (when the burst's port is the extension's) and turns its return values into verdicts.
 * Any worker, lock-free; @p ext is a struct vsw_bpf_ext.
 */
void vsw_bpf_ext_run(void *ext, struct vsw_ext_dp_args *args);

/**
 * Load, verify and JIT-compile the program of @p p (one instance per worker), insert it into
 * the extension stack and publish it to the workers. Traffic keeps flowing meanwhile.
 *
 * @return 0; -EINVAL (bad name, port, position, stage, or an object the loader or verifier
 *   refuses: @p em carries librte_bpf's reason), -ENOENT/-EACCES (file), -EEXIST (name
 *   taken), -ENOSPC (stack full), -ENOMEM.
 */
int vsw_bpf_ext_load(const struct vsw_bpf_ext_params *p, struct vsw_errmsg *em);

/**
 * Take eBPF extension @p name out of the stack, wait until no worker runs it, free it.
 * @return 0; -ENOENT (no eBPF extension of that name).
 */
int vsw_bpf_ext_unload(const char *name, struct vsw_errmsg *em);

/** Unload every eBPF extension (shutdown). */
void vsw_bpf_ext_unload_all(void);

/**
 * Set vsw_params[@p index] of extension @p name; programs see it from their next frame.
 * @return 0; -ENOENT, -EINVAL (index >= VSW_BPF_PARAMS).
 */
int vsw_bpf_ext_set_param(const char *name, unsigned int index, uint64_t value,
                          struct vsw_errmsg *em);

/** The eBPF extension named @p name, or NULL (also for built-in extensions). */
const struct vsw_bpf_ext *vsw_bpf_ext_find(const char *name);

/** Counters of @p e summed over its workers (relaxed reads). */
void vsw_bpf_ext_stats(const struct vsw_bpf_ext *e, struct vsw_bpf_ext_stats *out);

/** vsw_counters[@p index] of @p e summed over its workers; 0 past VSW_BPF_COUNTERS. */
uint64_t vsw_bpf_ext_counter(const struct vsw_bpf_ext *e, unsigned int index);

#endif /* VSW_BPF_EXT_H */
