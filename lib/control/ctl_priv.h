/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the control module's files share: the switch (switch_ctl.c) and the emulated NIC
 * switch (nicsw_ctl.c). Control thread only.
 */
#ifndef VSW_CTL_PRIV_H
#define VSW_CTL_PRIV_H

#include "vsw/control.h"
#include "vsw/nicsw.h"

/* Build the NIC switch of @p topo (its first one) with its VPorts, filters and VF ports. */
int vsw_ctl_nicsw_create(const struct vsw_topo *topo, struct vsw_errmsg *em);

/* Delete the VF ports and the NIC switch; nothing when there is none. */
void vsw_ctl_nicsw_destroy(void);

/* What workers need of the NIC switch, into @p cfg; @p index_of maps port names. */
void vsw_ctl_nicsw_fill(struct vsw_dp_cfg *cfg, uint16_t (*index_of)(const char *));

#endif /* VSW_CTL_PRIV_H */
