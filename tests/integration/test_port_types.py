#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Port types besides vhost-user (R-NIC-1): an internal port (a TAP into the host that vswd
creates) and an emulated port (an existing kernel interface, here one end of a veth whose
other end plays a VM's emulated NIC in a netns), and the workers' idle back-off.
"""

import json
import re
import time

import vswlab
from vswlab import LISTEN_MS, LabCase, port, synthetic

MAC_B = "02:00:00:00:0b:01"
MAC_E = "02:00:00:00:0e:01"  # the emulated NIC's MAC
MAC_HOST = "02:00:00:00:0f:01"
MAC_FOREIGN = "02:00:00:00:66:66"
N = 500
PPS = 20000


class PortTypesTest(LabCase):
    def test_internal_port_is_a_host_tap(self):
        lab = self.lab
        tap = "vti%d" % (time.monotonic_ns() % 100000)
        sock_b = lab.path("vmb.sock")
        lab.start_vswd(lab.write_topology([port("mgmt", "internal", netdev=json.dumps(tap)),
                                           synthetic("vmb", MAC_B, sock_b)]))
        vswlab.run(["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % tap])
        vswlab.run(["ip", "link", "set", tap, "up"])
        b = lab.start_vm("b", sock_b, MAC_B, expect=N, timeout_s=30)
        lab.wait_links(["mgmt", "vmb"])
        sent = lab.nsraw_send(None, tap, MAC_HOST, MAC_B, N, pps=PPS)
        self.assertEqual(sent["sent"], N, sent)
        rb = b.result()
        self.assertEqual((rb["rx_test"], rb["rx_from"]), (N, {MAC_HOST: N}), rb)
        self.assertIn("internal", lab.vswctl("show", "port"))

    def test_emulated_port_on_a_kernel_interface(self):
        lab = self.lab
        ns, host_if, ns_if = lab.add_veth_netns()
        sock_b = lab.path("vmb.sock")
        lab.start_vswd(lab.write_topology([
            port("legacy1", "emulated", netdev=json.dumps(host_if), mac=json.dumps(MAC_E)),
            synthetic("vmb", MAC_B, sock_b)]))
        b = lab.start_vm("b", sock_b, MAC_B, expect=N, timeout_s=30, linger_ms=LISTEN_MS)
        lab.wait_links(["legacy1", "vmb"])
        for src in (MAC_E, MAC_FOREIGN):  # an emulated VM NIC is spoof-guarded too
            sent = lab.nsraw_send(ns, ns_if, src, MAC_B, N, pps=PPS)
            self.assertEqual(sent["sent"], N, sent)
        lab.wait_count("legacy1", "drops", N)
        out = lab.nsraw_recv(ns, ns_if, N)
        rb = lab.finish(b)
        self.assertEqual((rb["rx_test"], rb["rx_from"]), (N, {MAC_E: N}), rb)
        b = lab.start_vm("b3", sock_b, MAC_B, send=N, dst=MAC_E, pps=PPS, linger_ms=LISTEN_MS)
        self.assertEqual(out.result()["rx_from"], {MAC_B: N})
        lab.finish(b)

    def datapath(self):
        out = self.lab.vswctl("show", "datapath")
        row = re.search(r"^0\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", out, re.M)
        return {"busy": int(row.group(1)), "idle": int(row.group(2)),
                "sleeps": int(row.group(3)), "slept_ns": int(row.group(4))}

    def test_idle_backoff_sleeps_and_counts(self):
        lab = self.lab
        sock_b = lab.path("vmb.sock")
        lab.start_vswd(lab.write_topology([synthetic("vmb", MAC_B, sock_b)],
                                          idle_sleep_max_us=100))
        time.sleep(1)
        dp = self.datapath()
        self.assertGreater(dp["sleeps"], 100, dp)
        self.assertGreater(dp["slept_ns"], 10**8, dp)  # most of that second given back

    def test_no_backoff_by_default(self):
        lab = self.lab
        lab.start_vswd(lab.write_topology([synthetic("vmb", MAC_B, lab.path("vmb.sock"))]))
        time.sleep(0.5)
        dp = self.datapath()
        self.assertEqual((dp["sleeps"], dp["slept_ns"]), (0, 0), dp)
        self.assertGreater(dp["idle"], 1000, dp)


if __name__ == "__main__":
    vswlab.main()
