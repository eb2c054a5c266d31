/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The hardware ("flow") backend of the NIC switch, translation layer: from the model of
 * include/vsw/nicsw.h (a VPort, one of its receive filters, the default VPort's queue pairs)
 * to rte_flow rules held in caller-provided structs, ready for rte_flow_validate() and
 * rte_flow_create() on the switch's ethdev. Also the devargs that probe the VF representors.
 *
 * Pure translation: no EAL call, no allocation, no ethdev lookup; only rte_flow, rte_ether
 * and rte_byteorder structs and inline helpers (and rte_ethdev.h's RSS type bits). Control thread
 * only (like every nicsw call), reentrant; unit-tested without EAL or NIC. Written against
 * DPDK 22.11 and its PMDs.
 *
 * Two embedded-switch models (enum vsw_flow_eswitch), because DPDK 22.11 reaches them
 * differently:
 *
 * - VSW_FLOW_ESWITCH_TRANSFER, NVIDIA ConnectX-5 and later (mlx5) with the E-Switch in
 *   switchdev mode: rules for VF VPorts are "transfer" rules created on the PF, the transfer
 *   proxy. 22.11's rte_flow_validate() refuses ingress or egress together with transfer
 *   (direction is given by REPRESENTED_PORT/PORT_REPRESENTOR items instead), so those rules
 *   have transfer = 1, ingress = 0, egress = 0. The E-Switch has no queue or RSS fate (mlx5.rst:
 *   "Queue / RSS with E-Switch: N/A") and mlx5 22.11 has no PORT_REPRESENTOR action; a frame
 *   from the wire that no E-Switch rule takes goes on to the PF ethdev (the uplink
 *   representor), the switchdev default (to be confirmed on hardware). So PF VPorts (the
 *   default one included) get plain ingress rules on the PF ethdev that spread their frames
 *   over their own Rx queues with RSS.
 * - VSW_FLOW_ESWITCH_DCF, Intel E810 (ice) through its Device Config Function: a trusted VF 0
 *   probed with "cap=dcf" owns the switch rules, with VF representors ("representor=vf[1-n]")
 *   as targets. The ice flow parser of 22.11 requires ingress = 1, which excludes transfer,
 *   and its DCF fates are only REPRESENTED_PORT (a VF), PORT_REPRESENTOR (the DCF itself) and
 *   DROP: no QUEUE or RSS. VF 0 is the DCF and cannot hold a VPort. The Linux ice driver's own
 *   switchdev mode serves kernel representors and TC flower, which DPDK 22.11 cannot drive.
 *
 * Intel X710/XL710 (i40e) is not a target: its VF representors in 22.11 carry no traffic and
 * only configure the VF, its rte_flow takes ingress rules only (so no transfer rule) and
 * steers to a VF only with the deprecated VF action inside tunnel and QinQ ("cloud") filters,
 * never on an outer MAC/VLAN. A VF's MAC and VLAN there are set through the PF
 * (rte_pmd_i40e_set_vf_mac_addr(), or the kernel's "ip link set ... vf"), outside rte_flow;
 * such a NIC runs the emulated NIC switch.
 *
 * Rules (R-VP-7). A filter (MAC, v > 0) becomes one rule: ETH (dst = MAC, has_vlan = 1) /
 * VLAN (VLAN id v) / END. A MAC-only filter (MAC, 0) must take untagged and priority-tagged
 * frames and no other VLAN, which one rte_flow pattern cannot say: with has_vlan masked out
 * it would take every VLAN, and a VLAN item requires a tag. So it becomes two disjoint rules:
 * ETH (dst = MAC, has_vlan = 0) / END, and ETH (dst = MAC, has_vlan = 1) / VLAN (VLAN id 0) /
 * END. Filters are disjoint (a (MAC, VLAN) pair belongs to one VPort), so all filter rules share
 * VSW_FLOW_PRIO_FILTER; the default VPort's catch-all has the lower VSW_FLOW_PRIO_DEFAULT.
 *
 * A VPort that is not operational gets no rule: the caller installs rules only for
 * operational VPorts and removes them when a VPort is deleted (R-VP-3, R-VP-4); asking for
 * one is a caller bug and aborts.
 */
#ifndef VSW_NICSW_FLOW_H
#define VSW_NICSW_FLOW_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ethdev.h> /* RTE_ETH_RSS_* only: no ethdev function is called */
#include <rte_flow.h>

#include "vsw/nicsw.h"

/**
 * Flow group of every rule. ice 22.11 refuses any other ("Not support group"); on mlx5 with
 * fdb_def_rule_en=1 (its default) group 0 of the E-Switch is placed in table 1, out of the
 * firmware-managed root table, so inserting rules stays fast.
 */
#define VSW_FLOW_GROUP 0
/** Priority of filter rules: the highest. */
#define VSW_FLOW_PRIO_FILTER 0
/** Priority of the default VPort's catch-all: the lowest ice 22.11 accepts (0 and 1 only). */
#define VSW_FLOW_PRIO_DEFAULT 1
static_assert(VSW_FLOW_PRIO_FILTER < VSW_FLOW_PRIO_DEFAULT, "filters must win over the default");

/** Rules one filter translates to: 2 for a MAC-only filter, else 1. */
#define VSW_FLOW_RULES_PER_FILTER_MAX 2
/** Items of one rule: REPRESENTED_PORT (optional source), ETH, VLAN, END. */
#define VSW_FLOW_ITEMS_MAX 4
/** Actions of one rule: one fate, END. */
#define VSW_FLOW_ACTIONS_MAX 2
/** Rx queues one RSS action may list: all an ethdev can have. */
#define VSW_FLOW_RSS_QUEUES_MAX RTE_MAX_QUEUES_PER_PORT
/** Hash types of every RSS action (testpmd: "types ip udp tcp end"). */
#define VSW_FLOW_RSS_TYPES (RTE_ETH_RSS_IP | RTE_ETH_RSS_UDP | RTE_ETH_RSS_TCP)

/** No ethdev: a VF without a probed representor, or "no source item". */
#define VSW_FLOW_ETH_PORT_NONE UINT16_MAX
static_assert(RTE_MAX_ETHPORTS < VSW_FLOW_ETH_PORT_NONE, "ethdev ids must not reach NONE");

/** Bytes of a rule in testpmd syntax (vsw_flow_rule_format()), with an RSS over 64 queues. */
#define VSW_FLOW_RULE_STR_SIZE 640

/** How the embedded switch of a NIC is programmed (see the file comment). */
enum vsw_flow_eswitch {
	VSW_FLOW_ESWITCH_TRANSFER = 0, /**< mlx5 E-Switch: transfer rules on the PF */
	VSW_FLOW_ESWITCH_DCF = 1,      /**< ice DCF: ingress rules on the DCF port (VF 0) */
};

/** The ethdevs of one NIC switch in hardware. Filled by the caller after probing. */
struct vsw_flow_switch {
	enum vsw_flow_eswitch eswitch;
	/** Where every rule is created: the PF (the transfer proxy) or the DCF port. */
	uint16_t eth_port_id;
	/** VFs of the PF, as in struct vsw_nicsw_params; 1..VSW_NICSW_VFS_MAX. */
	uint16_t num_vfs;
	/** Ethdev id of VF n's representor, or VSW_FLOW_ETH_PORT_NONE (not probed, or VF 0
	 *  under DCF). Entries from num_vfs on are not read. */
	uint16_t vf_eth_port_ids[VSW_NICSW_VFS_MAX];
};

/** What one filter of one VPort becomes. */
struct vsw_flow_filter_req {
	/** The VPort: must be operational (checked: a caller bug aborts). */
	const struct vsw_vport_info *vport;
	/** The filter: unicast MAC, VLAN 0..VSW_NICSW_VLAN_MAX. */
	const struct vsw_nicsw_filter *filter;
	/** PF VPorts under VSW_FLOW_ESWITCH_TRANSFER: the first of the vport->n_qps Rx queues of
	 *  the PF ethdev that belong to this VPort. Not read otherwise. */
	uint16_t qp_first;
	/** VF VPorts under VSW_FLOW_ESWITCH_TRANSFER: match only frames entering the E-Switch
	 *  from the entity this ethdev represents (a VF's representor: that VF; the PF: the
	 *  wire). VSW_FLOW_ETH_PORT_NONE: no source item, and mlx5 then matches only frames from
	 *  the port the rule is created on, the wire. Frames between VFs therefore need one rule
	 *  set per source VF (R-VP-7: "or from another VPort"). Must be NONE otherwise. */
	uint16_t src_eth_port_id;
};

/**
 * One rte_flow rule and the storage its pattern and actions point to. The pointers in
 * @c pattern and @c actions point into the same struct: build it in place and do not copy it
 * by value (a copy would point into the original). Unused items and actions are zero.
 */
struct vsw_flow_rule {
	struct rte_flow_attr attr;
	struct rte_flow_item pattern[VSW_FLOW_ITEMS_MAX];     /**< ends with an END item */
	struct rte_flow_action actions[VSW_FLOW_ACTIONS_MAX]; /**< ends with an END action */
	struct rte_flow_item_ethdev src_spec;                 /**< REPRESENTED_PORT item */
	struct rte_flow_item_ethdev src_mask;
	struct rte_flow_item_eth eth_spec;
	struct rte_flow_item_eth eth_mask;
	struct rte_flow_item_vlan vlan_spec;
	struct rte_flow_item_vlan vlan_mask;
	struct rte_flow_action_ethdev port_conf; /**< REPRESENTED_PORT / PORT_REPRESENTOR */
	struct rte_flow_action_rss rss_conf;
	uint16_t rss_queues[VSW_FLOW_RSS_QUEUES_MAX]; /**< rss_conf.queue points here */
};

/**
 * Translate one receive filter of an operational VPort (R-VP-7) into 1 or 2 rules, written
 * to @p rules[0..n-1], all created on @p fsw->eth_port_id:
 *
 * | VPort | TRANSFER (mlx5)                           | DCF (ice)                           |
 * |-------|-------------------------------------------|-------------------------------------|
 * | VF n  | transfer; REPRESENTED_PORT(representor n) | ingress; REPRESENTED_PORT(repr. n)  |
 * | PF    | ingress; RSS over its Rx queues on the PF | ingress; PORT_REPRESENTOR(DCF port) |
 *
 * Under DCF all PF VPorts share the DCF port's queues and the software classifier
 * (vsw_nicsw_classify()) tells them apart. Control thread only.
 *
 * @param fsw
 *   The switch's ethdevs.
 * @param req
 *   VPort, filter, and for PF VPorts their queue range; the VPort must be operational.
 * @param[out] rules
 *   Where the rules are built; on error their content is unspecified.
 * @param n_rules_max
 *   Capacity of @p rules; VSW_FLOW_RULES_PER_FILTER_MAX always suffices.
 * @return
 *   The number of rules built, 1 or 2; or -EINVAL (switch: unknown model, no VFs or more than
 *   VSW_NICSW_VFS_MAX, ethdev id out of range; filter: multicast or zero MAC, VLAN above
 *   VSW_NICSW_VLAN_MAX; VPort: VF index >= num_vfs, VF 0 under DCF, unknown function, PF VPort
 *   without queue pairs or whose queues pass VSW_FLOW_RSS_QUEUES_MAX, source ethdev id out of
 *   range), -ENODEV (the VF has no representor), -ENOTSUP (a source item where only transfer
 *   VF rules can have one), -ENOSPC (@p n_rules_max too small).
 */
int vsw_flow_filter_build(const struct vsw_flow_switch *fsw, const struct vsw_flow_filter_req *req,
                          struct vsw_flow_rule *rules, unsigned int n_rules_max);

/**
 * Build the default VPort's catch-all (R-VP-2, R-VP-7: frames no filter takes go to the
 * default VPort): an ingress rule on the PF ethdev, priority VSW_FLOW_PRIO_DEFAULT, pattern
 * ETH (any) / END, action RSS over Rx queues 0..qp_default-1, types VSW_FLOW_RSS_TYPES, the
 * PMD's default hash function and key. By convention the default VPort owns the PF ethdev's
 * first queues. Control thread only.
 *
 * Under DCF there is no such rule: the DCF has no RSS fate, and a rule without a matched
 * field is not an ice switch rule; the DCF port's own RSS (rte_eth_dev_configure()) spreads
 * what reaches it.
 *
 * @return
 *   The number of rules built (1); or -EINVAL (bad switch, @p qp_default 0 or above
 *   VSW_FLOW_RSS_QUEUES_MAX), -ENOTSUP (DCF), -ENOSPC (@p n_rules_max is 0).
 */
int vsw_flow_default_build(const struct vsw_flow_switch *fsw, uint16_t qp_default,
                           struct vsw_flow_rule *rules, unsigned int n_rules_max);

/**
 * The devargs that probe the switch's port with its VF representors (R-IF-2's "PF device,
 * VF count"), the PCI address normalized to lowercase DDDD:BB:DD.F:
 * - TRANSFER: "<pf>,representor=vf[0-<n-1>]", e.g. "0000:3b:00.0,representor=vf[0-3]";
 * - DCF: "<vf0>,cap=dcf,representor=vf[1-<n-1>]", where @p pci_addr is VF 0's address.
 * A single representor is written "vf[0]" (or "vf[1]"). Any thread; pure.
 *
 * @param pci_addr
 *   "DDDD:BB:DD.F" or "BB:DD.F", hexadecimal, device <= 1f, function <= 7.
 * @param num_vfs
 *   VFs of the PF: 1..VSW_NICSW_VFS_MAX (DCF: 2..), and one representor per VF (DCF: VF 0
 *   excepted) must fit in RTE_MAX_ETHPORTS next to the port itself.
 * @return
 *   0; -EINVAL (bad model, address or count), -ENOSPC (@p size too small; @p buf is then
 *   the empty string when @p size > 0).
 */
int vsw_flow_representor_devargs(enum vsw_flow_eswitch eswitch, const char *pci_addr,
                                 uint16_t num_vfs, char *buf, size_t size);

/**
 * Write @p r as the testpmd command that creates the same rule on port @p eth_port_id, e.g.
 * "flow create 0 group 0 priority 0 transfer pattern eth dst spec 52:54:00:00:00:0a dst mask
 * ff:ff:ff:ff:ff:ff has_vlan spec 1 has_vlan mask 1 / vlan tci spec 0x000a tci mask 0x0fff /
 * end actions represented_port ethdev_port_id 3 / end", for logs and for trying a rule by hand
 * on hardware. testpmd fills an RSS key from the port where vsw leaves the PMD's default.
 *
 * @return
 *   0; -EINVAL (an item or action this module never builds), -ENOSPC (@p size too small).
 */
int vsw_flow_rule_format(const struct vsw_flow_rule *r, uint16_t eth_port_id, char *buf,
                         size_t size);

#endif /* VSW_NICSW_FLOW_H */
