/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The trace extension: logs every lifecycle notification exactly as the extension stack
 * delivers it (R-NIC-4: each transition observable), creates and their undos included, so an
 * operator or a test sees the order an extension sees. Control thread only.
 */
#include <rte_common.h>
#include <rte_log.h>

#include "vsw/ext_builtin.h"
#include "vsw/lifecycle.h"

RTE_LOG_REGISTER_SUFFIX(vsw_ext_trace_logtype, ext, INFO);

static int
trace_on_event(void *ctx, enum vsw_nic_ev ev, const struct vsw_ext_port_info *port,
               struct vsw_errmsg *em)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(em);
	rte_log(RTE_LOG_INFO, vsw_ext_trace_logtype, "ext trace: port %s: %s\n", port->name,
	        vsw_nic_ev_name(ev));
	return 0;
}

const struct vsw_ext_ops vsw_ext_trace = {
        .name = "trace",
        .on_event = trace_on_event,
};
