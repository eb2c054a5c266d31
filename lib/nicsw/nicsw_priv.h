/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Inside a NIC switch: the state nicsw.c (switch, VPorts, queue-pair pool) and filter.c
 * (receive filters, filter table) share. Control thread only; private to lib/nicsw.
 */
#ifndef VSW_NICSW_PRIV_H
#define VSW_NICSW_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "vsw/nicsw.h"

/* Stringify a limit for a constant message (RTE_STR() without EAL headers). */
#define NICSW_STR_(x) #x
#define NICSW_STR(x) NICSW_STR_(x)

/* One VPort slot; the slot index is the VPort id. */
struct nicsw_vport {
	bool is_used;
	struct vsw_vport_info info; /* what queries return, kept exactly as they return it */
};

/*
 * A NIC switch. Writer and only reader: the control thread; workers see only filter tables
 * built from it. Fixed arrays: nothing is allocated after vsw_nicsw_create(), so no change
 * can fail half-way for lack of memory.
 *
 * Invariants, kept by every successful call and checked by the unit tests:
 * - vports[VSW_VPORT_DEFAULT] is used, PF, operational, holds params.qp_default queue pairs;
 * - qp_used is the sum of n_qps over used non-default slots, and
 *   params.qp_default + qp_used <= params.qp_total;
 * - vport_of_vf[n] is the id of the VPort attached to VF n, or VSW_VPORT_NONE;
 * - a (MAC, VLAN) pair is the filter of at most one VPort, a filter id is used at most once.
 */
struct vsw_nicsw {
	struct vsw_nicsw_params params;
	uint16_t n_vports;       /* used slots, the default one included */
	uint16_t qp_used;        /* queue pairs held by non-default VPorts */
	uint32_t last_filter_id; /* the most recently given filter id; 0 before the first */
	uint16_t vport_of_vf[VSW_NICSW_VFS_MAX];
	struct nicsw_vport vports[VSW_NICSW_VPORTS_MAX];
};

/* Whether @p vport_id names a VPort of @p sw. */
static inline bool
nicsw_vport_exists(const struct vsw_nicsw *sw, uint16_t vport_id)
{
	return vport_id < VSW_NICSW_VPORTS_MAX && sw->vports[vport_id].is_used;
}

#endif /* VSW_NICSW_PRIV_H */
