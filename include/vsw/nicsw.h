/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The NIC switch model (SPEC R-VP-1..8): a NIC switch, its VPorts attached to the PF or to
 * VFs, the queue-pair pool they draw from, their receive filters, and the filter table the
 * datapath classifies frames with.
 *
 * Thread-safety. A struct vsw_nicsw is the control thread's model: every function taking one
 * runs on the control thread only and is not thread-safe; workers never see it. After each
 * successful change (VPort create, set, delete, filter set, clear) the control thread builds a
 * fresh struct vsw_nicsw_ftable with vsw_nicsw_ftable_build() into a configuration no worker
 * sees yet, publishes that configuration whole (a release store, then an RCU QSBR grace period
 * before the old one is freed, see include/vsw/datapath.h) and workers read it lock-free with
 * vsw_nicsw_classify(). Tables are immutable once published: there is no concurrent writer.
 *
 * Errors. Functions returning int return 0 or a negative errno and, on refusal, change nothing
 * and write one sentence into the optional struct vsw_errmsg. vsw_nicsw_create() returns NULL
 * and sets errno (positive, like rte_errno) instead. Pure C, no EAL: unit-tested directly.
 */
#ifndef VSW_NICSW_H
#define VSW_NICSW_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>

#include "vsw/errmsg.h"
#include "vsw/limits.h"

/** VFs per NIC switch: SR-IOV NICs for hosts expose up to 64 VFs per PF in common setups. */
#define VSW_NICSW_VFS_MAX 64
/** VPorts per NIC switch, the default one included: room for one per VF plus PF VPorts. */
#define VSW_NICSW_VPORTS_MAX 128
/** Receive filters per VPort: a guest rarely owns more than a few MACs on a few VLANs. */
#define VSW_NICSW_FILTERS_PER_VPORT_MAX 16
/** Receive filters per NIC switch, every VPort full. */
#define VSW_NICSW_FILTERS_MAX (VSW_NICSW_VPORTS_MAX * VSW_NICSW_FILTERS_PER_VPORT_MAX)
/** Queue pairs per NIC switch: above what current SR-IOV NICs offer, and fits a uint16_t. */
#define VSW_NICSW_QPS_MAX 4096
/** Interrupts per second of a fixed moderation rate: one per microsecond is already too many. */
#define VSW_NICSW_INTR_RATE_MAX 1000000
/** Highest VLAN id of a filter (4095 is reserved by IEEE 802.1Q); 0 means "MAC only". */
#define VSW_NICSW_VLAN_MAX 4094

/** Id of the default VPort (NDIS_DEFAULT_VPORT_ID), and the classification "no filter". */
#define VSW_VPORT_DEFAULT 0
/** Classification: broadcast or multicast, for every operational VPort and the default one. */
#define VSW_VPORT_FLOOD (UINT16_MAX - 1)
/** No VPort: an empty table slot, or a VF without a VPort. */
#define VSW_VPORT_NONE UINT16_MAX

static_assert(VSW_NICSW_VPORTS_MAX < VSW_VPORT_FLOOD, "vport ids must not collide with codes");
static_assert(VSW_NICSW_VFS_MAX < VSW_NICSW_VPORTS_MAX, "every vf must be able to get a vport");

/** The PCIe function a VPort is attached to; fixed at creation (R-VP-4). */
enum vsw_vport_function {
	VSW_VPORT_PF = 0, /**< the physical function: the host */
	VSW_VPORT_VF = 1, /**< a virtual function: one VM */
};

/** How a VPort's interrupts are moderated (R-VP-6). */
enum vsw_vport_moderation_mode {
	VSW_VPORT_MOD_ADAPTIVE = 0, /**< the NIC adapts the rate to the load */
	VSW_VPORT_MOD_OFF = 1,      /**< one interrupt per event: lowest latency */
	VSW_VPORT_MOD_RATE = 2,     /**< at most rate_per_s interrupts per second */
};

/** Interrupt moderation of one VPort. */
struct vsw_vport_moderation {
	enum vsw_vport_moderation_mode mode;
	uint32_t rate_per_s; /**< 1..VSW_NICSW_INTR_RATE_MAX with VSW_VPORT_MOD_RATE, else 0 */
};

/** What CREATE_SWITCH needs (R-VP-2, R-VP-5). */
struct vsw_nicsw_params {
	char name[VSW_NAME_SIZE]; /**< non-empty, NUL-terminated; names the switch in messages */
	uint16_t num_vfs;         /**< VFs of the PF, 0..VSW_NICSW_VFS_MAX */
	uint16_t qp_total;        /**< queue pairs reserved, default VPort's included */
	uint16_t qp_default;      /**< queue pairs of the default VPort, 1..qp_total */
	bool is_asymmetric;       /**< the NIC lets each non-default VPort have its own count */
	/** Symmetric only: the count of every non-default VPort, 1..qp_total - qp_default;
	 *  must be 0 when is_asymmetric. */
	uint16_t qp_per_vport;
};

/** What CREATE_VPORT needs (R-VP-3, R-VP-5, R-VP-6). */
struct vsw_vport_params {
	uint16_t vport_id; /**< 1..VSW_NICSW_VPORTS_MAX - 1, or 0: the lowest free id */
	enum vsw_vport_function function;
	uint16_t vf_index; /**< VSW_VPORT_VF: 0..num_vfs - 1; VSW_VPORT_PF: 0 */
	uint16_t n_qps;    /**< queue pairs from the pool, >= 1; fixed for the VPort's life */
	struct vsw_vport_moderation moderation;
	char name[VSW_NAME_SIZE]; /**< NUL-terminated label, may be empty */
};

/** Fields of struct vsw_vport_set the caller wants to change (VPORT_PARAMETERS). */
enum vsw_vport_set_field {
	VSW_VPORT_SET_OPERATIONAL = 1u << 0, /**< only false -> true (R-VP-3, R-VP-4) */
	VSW_VPORT_SET_MODERATION = 1u << 1,  /**< any time (R-VP-6) */
	VSW_VPORT_SET_NAME = 1u << 2,        /**< any time */
	VSW_VPORT_SET_FUNCTION = 1u << 3,    /**< refused unless unchanged (R-VP-4) */
	VSW_VPORT_SET_QPS = 1u << 4,         /**< refused unless unchanged (R-VP-5) */
};

/** All bits of enum vsw_vport_set_field. */
#define VSW_VPORT_SET_ALL                                                                          \
	(VSW_VPORT_SET_OPERATIONAL | VSW_VPORT_SET_MODERATION | VSW_VPORT_SET_NAME |               \
	 VSW_VPORT_SET_FUNCTION | VSW_VPORT_SET_QPS)

/** A VPORT_PARAMETERS request: only the fields named in @c fields are looked at. */
struct vsw_vport_set {
	uint32_t fields; /**< enum vsw_vport_set_field bits */
	bool is_operational;
	struct vsw_vport_moderation moderation;
	char name[VSW_NAME_SIZE];
	enum vsw_vport_function function; /**< with vf_index: expressible, so it can be refused */
	uint16_t vf_index;
	uint16_t n_qps;
};

/** One receive filter (R-VP-7): frames to @c mac on VLAN @c vlan go to its VPort. */
struct vsw_nicsw_filter {
	uint32_t filter_id; /**< unique in its switch, never 0, not reused while ids remain */
	uint8_t mac[6];     /**< unicast */
	uint16_t vlan;      /**< 1..VSW_NICSW_VLAN_MAX, or 0: untagged and priority-tagged frames */
};

/** A VPort as the model holds it. */
struct vsw_vport_info {
	uint16_t vport_id;
	bool is_default; /**< vport_id == VSW_VPORT_DEFAULT */
	bool is_operational;
	enum vsw_vport_function function;
	uint16_t vf_index; /**< VSW_VPORT_VF only, else 0 */
	uint16_t n_qps;
	struct vsw_vport_moderation moderation;
	char name[VSW_NAME_SIZE];
	uint16_t n_filters;
	struct vsw_nicsw_filter filters[VSW_NICSW_FILTERS_PER_VPORT_MAX]; /**< in set order */
};

/** The queue-pair pool (R-VP-5): qp_total = qp_default + qp_used + qp_free. */
struct vsw_nicsw_pool {
	uint16_t qp_total;   /**< reserved by CREATE_SWITCH */
	uint16_t qp_default; /**< held by the default VPort */
	uint16_t qp_used;    /**< held by non-default VPorts */
	uint16_t qp_free;    /**< left for new non-default VPorts */
};

/** A NIC switch: opaque, owned by the control thread. */
struct vsw_nicsw;

/**
 * CREATE_SWITCH: reserve @p p->qp_total queue pairs and create the default VPort (id 0, PF,
 * operational, @p p->qp_default queue pairs, adaptive moderation, named "default"). Control
 * thread only. The only allocation of this module: later calls never allocate.
 *
 * @param p
 *   Switch parameters, copied.
 * @param em
 *   Optional explanation of a refusal.
 * @return
 *   The switch, or NULL with errno set: EINVAL (bad parameter), ENOMEM.
 */
struct vsw_nicsw *vsw_nicsw_create(const struct vsw_nicsw_params *p, struct vsw_errmsg *em);

/** Called for each VPort just before DELETE_SWITCH deletes it. */
typedef void (*vsw_nicsw_vport_fn)(void *arg, const struct vsw_vport_info *vport);

/**
 * DELETE_SWITCH: delete every non-default VPort (ascending id), then the default VPort, then
 * the switch. Control thread only; the datapath must no longer see any table built from @p sw.
 *
 * @param sw
 *   The switch, or NULL (nothing happens).
 * @param on_delete
 *   Optional: called before each VPort's deletion, in that order, to release what the
 *   caller attached to it (a VF, queues).
 * @param arg
 *   Passed to @p on_delete.
 */
void vsw_nicsw_destroy(struct vsw_nicsw *sw, vsw_nicsw_vport_fn on_delete, void *arg);

/** A copy of the parameters @p sw was created with. Control thread only. */
void vsw_nicsw_params_get(const struct vsw_nicsw *sw, struct vsw_nicsw_params *out);

/**
 * CREATE_VPORT (R-VP-3). A VF's VPort is operational at once; a PF's VPort is created
 * non-operational. Control thread only.
 *
 * @param sw
 *   The switch.
 * @param p
 *   VPort parameters.
 * @param[out] vport_id
 *   The new VPort's id (the requested one, or the lowest free one >= 1).
 * @param em
 *   Optional explanation of a refusal.
 * @return
 *   0; -EINVAL (bad function, VF index >= num_vfs, 0 queue pairs or, when symmetric, not
 *   qp_per_vport, bad moderation or name, id out of range); -EEXIST (id taken, or the VF
 *   already has a non-default VPort); -ENOSPC (queue-pair pool or VPort ids exhausted).
 */
int vsw_nicsw_vport_create(struct vsw_nicsw *sw, const struct vsw_vport_params *p,
                           uint16_t *vport_id, struct vsw_errmsg *em);

/**
 * VPORT_PARAMETERS (R-VP-3, R-VP-4, R-VP-6): change the fields named in @p set->fields, all
 * or none. Setting a field to its current value is accepted and changes nothing, so a whole
 * configuration can be applied again. Control thread only.
 *
 * @return
 *   0; -ENOENT (no such VPort); -EINVAL (unknown field bit, bad moderation or name); -EPERM
 *   (operational back to non-operational, another function or queue-pair count).
 */
int vsw_nicsw_vport_set_params(struct vsw_nicsw *sw, uint16_t vport_id,
                               const struct vsw_vport_set *set, struct vsw_errmsg *em);

/**
 * DELETE_VPORT (R-VP-4): the only way a VPort stops being operational. Its queue pairs go
 * back to the pool, its filters are cleared, its VF may get a new VPort. Control thread only.
 *
 * @return
 *   0; -EPERM (the default VPort: deleted only with the switch); -ENOENT (no such VPort).
 */
int vsw_nicsw_vport_delete(struct vsw_nicsw *sw, uint16_t vport_id, struct vsw_errmsg *em);

/**
 * A copy of VPort @p vport_id. Control thread only.
 *
 * @return
 *   0, or -ENOENT (no such VPort; @p out untouched).
 */
int vsw_nicsw_vport_get(const struct vsw_nicsw *sw, uint16_t vport_id, struct vsw_vport_info *out);

/**
 * Iterate over the VPorts in ascending id order, the default one first:
 * @code
 * uint32_t it = 0;
 * struct vsw_vport_info vi;
 *
 * while (vsw_nicsw_vport_next(sw, &it, &vi))
 *         ...
 * @endcode
 * Control thread only; the switch must not change during the walk.
 *
 * @param[in,out] iter
 *   Cursor, 0 to start.
 * @return
 *   true with the next VPort in @p out, false when there is none left.
 */
bool vsw_nicsw_vport_next(const struct vsw_nicsw *sw, uint32_t *iter, struct vsw_vport_info *out);

/** Number of VPorts of @p sw, the default one included. Control thread only. */
uint16_t vsw_nicsw_n_vports(const struct vsw_nicsw *sw);

/** The queue-pair pool of @p sw (R-VP-5). Control thread only. */
void vsw_nicsw_pool_get(const struct vsw_nicsw *sw, struct vsw_nicsw_pool *out);

/**
 * RECEIVE_FILTER_SET_FILTER (R-VP-7): frames to @p mac on VLAN @p vlan go to VPort
 * @p vport_id. A non-operational PF VPort may hold filters; they deliver nothing until it
 * becomes operational. Control thread only.
 *
 * @param vlan
 *   1..VSW_NICSW_VLAN_MAX, or 0: "MAC only", untagged and priority-tagged frames.
 * @param[out] filter_id
 *   The new filter's id, unique in the switch.
 * @return
 *   0; -ENOENT (no such VPort); -EINVAL (multicast or zero MAC, VLAN out of range); -EEXIST
 *   (this VPort or another already has (@p mac, @p vlan)); -ENOSPC (the VPort has
 *   VSW_NICSW_FILTERS_PER_VPORT_MAX filters).
 */
int vsw_nicsw_filter_set(struct vsw_nicsw *sw, uint16_t vport_id, const uint8_t mac[6],
                         uint16_t vlan, uint32_t *filter_id, struct vsw_errmsg *em);

/**
 * RECEIVE_FILTER_CLEAR_FILTER (R-VP-7). Control thread only.
 *
 * @return
 *   0; -ENOENT (no such VPort, or it has no filter @p filter_id).
 */
int vsw_nicsw_filter_clear(struct vsw_nicsw *sw, uint16_t vport_id, uint32_t filter_id,
                           struct vsw_errmsg *em);

/**
 * Per-VPort counters (R-VP-8), from the VPort's side: rx is what the switch delivered to it,
 * tx what its function sent into the switch. Each worker keeps its own copy and writes it
 * with relaxed stores; nobody else writes it. When a VPort id is reused, the datapath zeroes
 * its counters in the same publication that makes the new VPort visible.
 */
struct vsw_vport_stats {
	uint64_t rx_packets;
	uint64_t rx_bytes;
	uint64_t rx_drops; /**< for this VPort but not delivered (queue full, not operational) */
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t tx_drops; /**< sent by this VPort, dropped by the switch */
	/** Tx bursts that delivered rx_packets to a VF: the interrupts a guest that asks for
	 *  them gets, which interrupt moderation (R-VP-6) bounds. */
	uint64_t rx_bursts;
};

/**
 * Add the counters of @p one to @p sum, reading @p one with relaxed loads so that its worker
 * may be writing it. Control thread (telemetry), while workers run.
 */
void vsw_vport_stats_add(struct vsw_vport_stats *sum, const struct vsw_vport_stats *one);

/**
 * @p out = the sum of @p n_workers per-worker copies of one VPort's counters (NULL entries
 * are skipped: a worker without that VPort). Control thread (telemetry), while workers run.
 */
void vsw_vport_stats_sum(struct vsw_vport_stats *out,
                         const struct vsw_vport_stats *const *per_worker, unsigned int n_workers);

/** Slots of a filter table: a power of two, twice the filters it may hold. */
#define VSW_NICSW_FTABLE_SLOTS_LOG2 12
#define VSW_NICSW_FTABLE_SLOTS (1u << VSW_NICSW_FTABLE_SLOTS_LOG2)
static_assert(VSW_NICSW_FTABLE_SLOTS >= 2 * VSW_NICSW_FILTERS_MAX,
              "a filter table must stay at most half full so that probes end on an empty slot");

/** Bit set in every used key, so that the all-zero key marks an empty slot. */
#define VSW_NICSW_FTABLE_KEY_USED (UINT64_C(1) << 60)
/** The 12-bit VLAN id of a TCI; PCP and DEI bits are not part of a filter. */
#define VSW_NICSW_VID_MASK 0x0fff

/**
 * The datapath's filter table: (MAC, VLAN) of every filter of every operational VPort to its
 * VPort id, and the operational VPorts a flooded frame goes to.
 *
 * Writer: the control thread, with vsw_nicsw_ftable_build(), before publication. Readers:
 * workers, lock-free, after an acquire load of the configuration that embeds it. Immutable
 * once published; replaced whole, the old one freed after an RCU QSBR grace period.
 */
struct vsw_nicsw_ftable {
	uint32_t n_entries;                          /**< used slots */
	uint16_t n_flood_vports;                     /**< operational VPorts, default included */
	uint16_t flood_vports[VSW_NICSW_VPORTS_MAX]; /**< ascending ids, the default one first */
	uint64_t keys[VSW_NICSW_FTABLE_SLOTS];       /**< vsw_nicsw_ftable_key(), or 0 */
	uint16_t vport_ids[VSW_NICSW_FTABLE_SLOTS];  /**< VPort id of the same slot */
};

/**
 * Fill @p out from the filters of the operational VPorts of @p sw; VPorts that are not
 * operational get nothing (R-VP-3). Control thread only, into a table no worker sees yet.
 */
void vsw_nicsw_ftable_build(const struct vsw_nicsw *sw, struct vsw_nicsw_ftable *out);

/** Key of (@p mac, @p vid): 48-bit MAC, 12-bit VLAN id above it, the used bit above both. */
static inline uint64_t
vsw_nicsw_ftable_key(const uint8_t *mac, uint16_t vid)
{
	/* Shifts, not memcpy, so the MAC stays in the low 48 bits on any byte order. */
	const uint64_t mac48 = (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	                       (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 |
	                       (uint64_t)mac[4] << 8 | (uint64_t)mac[5];

	return mac48 | (uint64_t)(vid & VSW_NICSW_VID_MASK) << 48 | VSW_NICSW_FTABLE_KEY_USED;
}

/** First slot to probe for @p key. */
static inline uint32_t
vsw_nicsw_ftable_slot(uint64_t key)
{
	/* Fibonacci hashing: the top bits of the product mix the OUI-heavy MAC and the VLAN. */
	return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >>
	                  (64 - VSW_NICSW_FTABLE_SLOTS_LOG2));
}

/** VPort id whose filter is exactly @p key, or VSW_VPORT_NONE. Any worker, lock-free. */
static inline uint16_t
vsw_nicsw_ftable_lookup(const struct vsw_nicsw_ftable *t, uint64_t key)
{
	uint32_t slot = vsw_nicsw_ftable_slot(key);

	/* Bounded: the table is at most half full, so an empty slot ends every probe. */
	for (uint32_t i = 0; i < VSW_NICSW_FTABLE_SLOTS; i++) {
		if (t->keys[slot] == key)
			return t->vport_ids[slot];
		if (t->keys[slot] == 0)
			return VSW_VPORT_NONE;
		slot = (slot + 1) & (VSW_NICSW_FTABLE_SLOTS - 1);
	}
	return VSW_VPORT_NONE;
}

/**
 * The VPort that must receive a frame (R-VP-7), whether it came from the external port or
 * from another VPort (the caller drops a frame classified to the VPort it came from).
 *
 * A filter (MAC, v > 0) matches frames to MAC tagged with VLAN v. A MAC-only filter (MAC, 0)
 * matches frames to MAC that are untagged or priority-tagged (a tag with VLAN id 0), and no
 * frame to MAC tagged with another VLAN. Any worker, lock-free.
 *
 * @param t
 *   The published filter table.
 * @param dst_mac
 *   Destination MAC of the frame (6 bytes).
 * @param has_vlan_tag
 *   The frame carries an 802.1Q tag.
 * @param vlan_id
 *   The tag's VLAN id (TCI bits above the 12-bit id are ignored); unused without a tag.
 * @return
 *   The VPort id of the matching filter; VSW_VPORT_DEFAULT when no filter of an operational
 *   VPort matches; VSW_VPORT_FLOOD for broadcast and multicast, which go to every VPort of
 *   t->flood_vports.
 */
static inline uint16_t
vsw_nicsw_classify(const struct vsw_nicsw_ftable *t, const uint8_t *dst_mac, bool has_vlan_tag,
                   uint16_t vlan_id)
{
	/* Untagged and priority-tagged frames share VLAN id 0, the key of MAC-only filters. */
	const uint16_t vid = has_vlan_tag ? (vlan_id & VSW_NICSW_VID_MASK) : 0;
	uint16_t vport_id;

	if (dst_mac[0] & 0x01)
		return VSW_VPORT_FLOOD;
	vport_id = vsw_nicsw_ftable_lookup(t, vsw_nicsw_ftable_key(dst_mac, vid));
	return vport_id == VSW_VPORT_NONE ? VSW_VPORT_DEFAULT : vport_id;
}

#endif /* VSW_NICSW_H */
