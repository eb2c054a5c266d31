/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The hardware ("flow") backend of the NIC switch, rule management: which rte_flow rules
 * exist on the NIC for which VPort and filter, installed and removed as the model
 * (include/vsw/nicsw.h) changes, with nothing half-applied.
 *
 * The manager keeps the rules it created in creation order. vsw_flow_mgr_sync() makes them
 * equal to what the model asks for now (include/vsw/nicsw_flow.h translates each filter):
 *
 * 1. every missing rule is validated, then created (make before break: a filter moved or
 *    re-added never leaves a gap). The first refusal destroys the rules this call created,
 *    newest first, and returns the refusal naming the NIC and the rule in testpmd syntax;
 * 2. then every rule the model no longer asks for is destroyed.
 *
 * Rules wanted, in this creation order (TRANSFER: mlx5, DCF: ice, see nicsw_flow.h):
 * - TRANSFER only: the default VPort's catch-all (RSS over the PF's queues 0..qp_default-1);
 * - for each operational VPort (ascending id), each of its filters (set order), 1 or 2 rules;
 *   TRANSFER VF VPorts get that set once for frames from the wire (no source item) and once
 *   per other VF with a representor (source REPRESENTED_PORT), since an E-Switch rule
 *   without a source only matches frames from the wire;
 * - TRANSFER PF VPorts spread their frames by RSS over their own range of the PF's queues,
 *   first-fit in [qp_default, qp_pf) and kept for the VPort's life (R-VP-5).
 *
 * The NIC is reached through struct vsw_flow_ops: rte_flow in vswd
 * (lib/control/nicsw_flow_ctl.c), a fake in the unit tests. Control thread only. The manager
 * allocates once, in vsw_flow_mgr_create().
 */
#ifndef VSW_NICSW_FLOW_MGR_H
#define VSW_NICSW_FLOW_MGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsw/errmsg.h"
#include "vsw/nicsw.h"
#include "vsw/nicsw_flow.h"

/**
 * Rules one manager holds at most: 64 VFs with 16 MAC-only filters each, from the wire and from
 * 7 other VFs, is 8192; a host with more VFs talking to each other should use fewer filters.
 */
#define VSW_FLOW_MGR_RULES_MAX 8192

/** Bytes of a driver's explanation of a refusal. */
#define VSW_FLOW_WHY_SIZE 128

/**
 * How the manager reaches the NIC. Each call returns 0 or a negative errno and, on failure,
 * writes the driver's reason into @p why (NUL-terminated).
 */
struct vsw_flow_ops {
	/** rte_flow_validate() of @p r on ethdev @p eth_port_id. */
	int (*validate)(void *ctx, uint16_t eth_port_id, const struct vsw_flow_rule *r, char *why,
	                size_t why_size);
	/** rte_flow_create(): @p handle receives the rule's handle. */
	int (*create)(void *ctx, uint16_t eth_port_id, const struct vsw_flow_rule *r, void **handle,
	              char *why, size_t why_size);
	/** rte_flow_destroy() of a handle create() gave. */
	int (*destroy)(void *ctx, uint16_t eth_port_id, void *handle, char *why, size_t why_size);
};

/** One rule a manager holds, for show commands and tests. */
struct vsw_flow_mgr_rule_info {
	uint16_t vport_id;
	uint32_t filter_id;       /**< 0: the default VPort's catch-all */
	uint16_t src_eth_port_id; /**< VSW_FLOW_ETH_PORT_NONE: frames from the wire */
	uint8_t part;             /**< which of the filter's rules: 0, or 1 (priority-tagged) */
	char text[VSW_FLOW_RULE_STR_SIZE]; /**< testpmd syntax */
};

/** A manager: opaque, control thread only. */
struct vsw_flow_mgr;

/**
 * A manager of the rules of NIC @p nic, holding none yet.
 *
 * @param nic
 *   The NIC switch's name, for messages (copied).
 * @param fsw
 *   Its ethdevs (copied): the port rules are created on, each VF's representor.
 * @param qp_pf
 *   TRANSFER: Rx queues of the PF ethdev, the default VPort's first; PF VPorts get theirs
 *   after. Unused under DCF.
 * @param ops
 *   How to reach the NIC (kept: must outlive the manager); @p ctx is passed to it.
 * @return
 *   The manager, or NULL with errno set: EINVAL (bad switch), ENOMEM.
 */
struct vsw_flow_mgr *vsw_flow_mgr_create(const char *nic, const struct vsw_flow_switch *fsw,
                                         uint16_t qp_pf, const struct vsw_flow_ops *ops, void *ctx);

/**
 * Make the NIC's rules those @p sw asks for (the file comment), all or none of the new ones.
 *
 * @return
 *   0; -ENOSPC (more than VSW_FLOW_MGR_RULES_MAX rules, or no room left in the PF's queues
 *   for a PF VPort), -EINVAL/-ENODEV/-ENOTSUP (a VPort the NIC cannot express, from
 *   vsw_flow_filter_build()), or the driver's refusal. On any of them the rules are those
 *   before the call and @p em names the NIC and the rule. A rule that cannot be destroyed
 *   stays held (the next sync retries it) and makes the call return its error after
 *   everything else was done.
 */
int vsw_flow_mgr_sync(struct vsw_flow_mgr *m, const struct vsw_nicsw *sw, struct vsw_errmsg *em);

/** Destroy every rule, newest first, then the manager. NULL: nothing happens. */
void vsw_flow_mgr_destroy(struct vsw_flow_mgr *m);

/** The ethdevs @p m was created with. */
const struct vsw_flow_switch *vsw_flow_mgr_switch(const struct vsw_flow_mgr *m);

/** Rules the manager holds. */
unsigned int vsw_flow_mgr_n_rules(const struct vsw_flow_mgr *m);

/**
 * Iterate over the rules in creation order (@p iter starts at 0). Not const: each rule is
 * rendered again in the manager's scratch space.
 *
 * @return true with the next rule in @p out, false at the end.
 */
bool vsw_flow_mgr_rule_next(struct vsw_flow_mgr *m, uint32_t *iter,
                            struct vsw_flow_mgr_rule_info *out);

#endif /* VSW_NICSW_FLOW_MGR_H */
