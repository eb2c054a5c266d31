/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building port VLAN configurations (include/vsw/vlan.h). Control thread; the per-frame
 * decisions are inline in the header.
 */
#include "vsw/vlan.h"

#include <errno.h>
#include <string.h>

void
vsw_vlan_cfg_access(struct vsw_vlan_cfg *c, uint16_t id)
{
	memset(c, 0, sizeof(*c));
	c->mode = VSW_VLAN_ACCESS;
	c->id = id;
}

void
vsw_vlan_cfg_trunk(struct vsw_vlan_cfg *c, uint16_t native)
{
	memset(c, 0, sizeof(*c));
	c->mode = VSW_VLAN_TRUNK;
	c->native = native;
}

int
vsw_vlan_cfg_allow(struct vsw_vlan_cfg *c, uint16_t id)
{
	if (id == 0 || id > VSW_VLAN_ID_MAX)
		return -EINVAL;
	c->allowed[id >> 6] |= UINT64_C(1) << (id & 63);
	return 0;
}

void
vsw_vlan_cfg_trunk_all(struct vsw_vlan_cfg *c)
{
	vsw_vlan_cfg_trunk(c, 0);
	for (uint16_t id = 1; id <= VSW_VLAN_ID_MAX; id++)
		(void)vsw_vlan_cfg_allow(c, id);
}
