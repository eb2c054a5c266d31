/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Port VLAN modes: which frames a port admits, which VLAN they belong to inside the switch,
 * and how they leave through another port.
 *
 * Inside the switch every frame carries one VLAN id (0 = the untagged domain) and no tag: a
 * tag is popped on ingress and pushed again on egress where the egress port wants it. An
 * `access` port belongs to one VLAN and speaks untagged; a `trunk` port carries a set of
 * VLANs tagged, and optionally its `native` VLAN untagged. A priority-tagged frame (tag with
 * VLAN id 0) counts as untagged. Traffic never crosses VLANs. Pure C: unit-tested directly.
 */
#ifndef VSW_VLAN_H
#define VSW_VLAN_H

#include <stdbool.h>
#include <stdint.h>

/** VLAN ids run 0..4095; 0 is "no VLAN" and 4095 is reserved (IEEE 802.1Q). */
#define VSW_VLAN_ID_MAX 4094
/** A VLAN id that no frame has: the result of a refused ingress. */
#define VSW_VLAN_NONE UINT16_MAX

enum vsw_vlan_mode {
	VSW_VLAN_ACCESS, /**< one VLAN, untagged on the wire */
	VSW_VLAN_TRUNK,  /**< several VLANs tagged, the native one untagged */
};

/** A port's VLAN configuration. Immutable once published to workers. */
struct vsw_vlan_cfg {
	enum vsw_vlan_mode mode;
	uint16_t id;                 /**< access: the port's VLAN (0 = untagged domain) */
	uint16_t native;             /**< trunk: VLAN of untagged frames; 0 = untagged domain */
	uint64_t allowed[4096 / 64]; /**< trunk: bit v set = VLAN v carried tagged */
};

/** What an egress port does with a frame of a given VLAN. */
enum vsw_vlan_egress {
	VSW_VLAN_EGRESS_DROP,     /**< the port is not in that VLAN */
	VSW_VLAN_EGRESS_UNTAGGED, /**< send as is */
	VSW_VLAN_EGRESS_TAGGED,   /**< push a tag with the VLAN id */
};

/** Access port in VLAN @p id (0: the untagged domain, the default for VM ports). */
void vsw_vlan_cfg_access(struct vsw_vlan_cfg *c, uint16_t id);

/** Trunk with no VLAN allowed yet and untagged frames in @p native. */
void vsw_vlan_cfg_trunk(struct vsw_vlan_cfg *c, uint16_t native);

/** Allow VLAN @p id on trunk @p c. @return 0 or -EINVAL (0 or > VSW_VLAN_ID_MAX). */
int vsw_vlan_cfg_allow(struct vsw_vlan_cfg *c, uint16_t id);

/** Trunk carrying every VLAN, untagged frames in the untagged domain (external default). */
void vsw_vlan_cfg_trunk_all(struct vsw_vlan_cfg *c);

static inline bool
vsw_vlan_is_allowed(const struct vsw_vlan_cfg *c, uint16_t id)
{
	return (c->allowed[id >> 6] >> (id & 63)) & 1;
}

/**
 * VLAN inside the switch of a frame arriving on a port with @p c; @p is_tagged and @p tag_id
 * describe its outer 802.1Q tag. @return the VLAN id, or VSW_VLAN_NONE: drop it.
 */
static inline uint16_t
vsw_vlan_ingress(const struct vsw_vlan_cfg *c, bool is_tagged, uint16_t tag_id)
{
	if (!is_tagged || tag_id == 0) /* priority-tagged counts as untagged */
		return c->mode == VSW_VLAN_ACCESS ? c->id : c->native;
	if (c->mode == VSW_VLAN_ACCESS || !vsw_vlan_is_allowed(c, tag_id))
		return VSW_VLAN_NONE;
	return tag_id;
}

/** How a frame of VLAN @p vlan leaves through a port with @p c. */
static inline enum vsw_vlan_egress
vsw_vlan_egress(const struct vsw_vlan_cfg *c, uint16_t vlan)
{
	if (c->mode == VSW_VLAN_ACCESS)
		return vlan == c->id ? VSW_VLAN_EGRESS_UNTAGGED : VSW_VLAN_EGRESS_DROP;
	if (vlan == c->native)
		return VSW_VLAN_EGRESS_UNTAGGED;
	if (vlan != 0 && vsw_vlan_is_allowed(c, vlan))
		return VSW_VLAN_EGRESS_TAGGED;
	return VSW_VLAN_EGRESS_DROP;
}

#endif /* VSW_VLAN_H */
