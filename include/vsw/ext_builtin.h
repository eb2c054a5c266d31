/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * The switch's own policies, built as extensions on the public extension API (R-NIC-5) to
 * prove it carries real features: the MAC spoof guard, port mirroring and a lifecycle trace. Each
 * reads its per-port settings from the published struct vsw_dp_port (is_spoof_guarded and macs[],
 * mirror_rx_port and mirror_tx_port); the control thread registers both at start.
 */
#ifndef VSW_EXT_BUILTIN_H
#define VSW_EXT_BUILTIN_H

#include "vsw/ext.h"

/** Drops frames from a guarded port whose source MAC is none of the port's MACs. */
extern const struct vsw_ext_ops vsw_ext_spoof_guard;

/** Copies what a port receives and/or sends to its mirror port. */
extern const struct vsw_ext_ops vsw_ext_mirror;

/** Logs every lifecycle notification it receives, in the order it receives them. */
extern const struct vsw_ext_ops vsw_ext_trace;

#endif /* VSW_EXT_BUILTIN_H */
