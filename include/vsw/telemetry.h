/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file
 * Statistics and state through DPDK telemetry (R-IF-4), so that `dpdk-telemetry.py -f
 * <file-prefix>` and other standard tooling read them:
 *
 * | command            | what                                                           |
 * |--------------------|----------------------------------------------------------------|
 * | /vsw/ports         | every port by name: type, link, counters                       |
 * | /vsw/port,NAME     | one port: type, states, lifecycle, counters, queues            |
 * | /vsw/vports        | the NIC switch's VPorts by id: function, filters, counters     |
 * | /vsw/fdb           | static and learned MACs (the first 255) and the learn counters |
 * | /vsw/lifecycle     | every port's port and NIC state and its last lifecycle events  |
 * | /vsw/pmd           | every worker's cycles, iterations and packets (show pmd stats) |
 * | /vsw/vms           | every VM adapter by port: path, VF, VPort, path changes        |
 *
 * Numbers are those of the CLI: `show port stats` and telemetry read the same counters
 * through the same control functions, baselines of `clear port stats` included.
 *
 * Threads. DPDK runs telemetry callbacks on its own telemetry thread, while the control
 * thread changes the state they read (ports come and go, the learn table ages). Each callback
 * takes the control lock (vsw_ctl_lock(), include/vsw/control.h), which the control thread
 * holds whenever it is not waiting for input, so a callback reads a state no change is under
 * way on. The callback holds it only while it copies numbers into DPDK's reply and workers
 * never take it: a telemetry client can delay a command by that copy, never the datapath.
 * A mutex rather than a snapshot published for telemetry keeps one source of truth and costs
 * the control thread nothing when nobody asks.
 */
#ifndef VSW_TELEMETRY_H
#define VSW_TELEMETRY_H

/**
 * Register the /vsw/ commands (once per process; DPDK cannot unregister them) and let them
 * answer. Control thread, after the ports exist, with the control lock not held.
 * @return 0 or the negative errno of rte_telemetry_register_cmd().
 */
int vsw_telemetry_enable(void);

/**
 * Make the /vsw/ commands answer with an error from now on, before the control state they
 * read is freed. Returns once no callback is running. Control thread.
 */
void vsw_telemetry_disable(void);

#endif /* VSW_TELEMETRY_H */
