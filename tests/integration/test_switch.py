#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The extensible switch (R-NIC-2..5): the lifecycle an extension sees, the MAC spoof guard
built as an extension, and ports created and deleted while traffic flows on others.

vsw-vm plays the VMs; ports are added and removed through vswctl, as an operator would.
"""

import re

import vswlab
from vswlab import LISTEN_MS, LabCase, synthetic

MAC_A = "02:00:00:00:0a:01"
MAC_B = "02:00:00:00:0b:01"
MAC_C = "02:00:00:00:0c:01"
MAC_FOREIGN = "02:00:00:00:66:66"
N = 2000
CHURN = 50

START = ["port_create", "nic_create", "nic_connect"]  # R-NIC-2
STOP = ["nic_disconnect", "nic_delete", "port_teardown", "port_delete"]  # R-NIC-3


class SwitchTest(LabCase):
    def start(self):
        lab = self.lab
        self.sock_a, self.sock_b = lab.path("vma.sock"), lab.path("vmb.sock")
        topo = lab.write_topology([synthetic("vma", MAC_A, self.sock_a),
                                   synthetic("vmb", MAC_B, self.sock_b)])
        self.vswd = lab.start_vswd(topo)

    def trace(self, port):
        """Lifecycle events the trace extension saw for port, in order."""
        rx = re.compile(r"^ext trace: port %s: (\w+)$" % re.escape(port), re.M)
        return rx.findall(self.vswd.output())

    def test_r_nic_2_3_order_seen_by_extension(self):
        lab = self.lab
        self.start()
        sock_c = lab.path("vmc.sock")
        lab.vswctl("port", "create", "vmc", "synthetic", MAC_C, sock_c, "server")
        c = lab.start_vm("c", sock_c, MAC_C, linger_ms=LISTEN_MS)
        lab.wait_links(["vmc"])
        self.assertEqual(self.trace("vmc"), START)
        lab.finish(c)
        lab.wait_links(["vmc"], state="down")
        lab.vswctl("port", "delete", "vmc")
        self.assertEqual(self.trace("vmc"), START + STOP)
        self.assertNotIn("vmc", lab.stats())

    def test_r_nic_4_out_of_order_refused(self):
        lab = self.lab
        self.start()
        p = vswlab.run([vswlab.VSWCTL, "-s", lab.control_socket, "port", "delete", "nope"],
                       check=False)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("no such port", p.stdout)
        p = vswlab.run([vswlab.VSWCTL, "-s", lab.control_socket, "port", "create", "vma",
                        "synthetic", "02:00:00:00:0d:01", lab.path("x.sock"), "server"],
                       check=False)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("name already used", p.stdout)
        self.assertEqual(self.trace("vma"), ["port_create", "nic_create"])

    def test_spoof_guard_drops_foreign_source(self):
        lab = self.lab
        self.start()
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=N, timeout_s=60, linger_ms=LISTEN_MS)
        lab.wait_links(["vmb"])
        a = lab.start_vm("a", self.sock_a, MAC_A, send=N, dst=MAC_B, linger_ms=LISTEN_MS)
        lab.wait_count("vmb", "tx_packets", N)
        lab.finish(a)
        spoofer = lab.start_vm("a2", self.sock_a, MAC_A, src=MAC_FOREIGN, send=N, dst=MAC_B,
                               linger_ms=LISTEN_MS)
        st = lab.wait_count("vma", "drops", N)
        lab.finish(spoofer)
        rb = lab.finish(b)
        self.assertEqual(rb["rx_from"], {MAC_A: N}, rb)
        self.assertEqual((rb["rx_test"], rb["rx_other"]), (N, 0), rb)
        self.assertEqual((st["vma"]["rx_packets"], st["vma"]["drops"]), (2 * N, N), st)
        detail = lab.vswctl("show", "port", "stats", "vma")
        self.assertRegex(detail, r"drop-ext: %d\b" % N)

    def test_churn_third_vm_while_a_to_b_flows(self):
        """A -> B keeps flowing, every frame delivered, while a third VM's port is created,
        connected, disconnected and deleted again and again; no mbuf is leaked."""
        lab = self.lab
        self.start()
        total = 60000  # at 5000 pps: traffic spans the whole churn (~12 s)
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=total, timeout_s=120,
                         linger_ms=300)
        lab.wait_links(["vmb"])
        lab.vswctl("show", "datapath")
        in_use_start = self.mbufs_in_use()
        a = lab.start_vm("a", self.sock_a, MAC_A, send=total, dst=MAC_B, pps=5000,
                         linger_ms=LISTEN_MS)
        sock_c = lab.path("vmc.sock")
        for i in range(CHURN):
            lab.vswctl("port", "create", "vmc", "synthetic", MAC_C, sock_c, "server")
            if i % 5 == 0:  # connect a VM on some rounds: NIC_CONNECT/DISCONNECT too
                c = lab.start_vm("c%d" % i, sock_c, MAC_C, linger_ms=LISTEN_MS)
                lab.wait_links(["vmc"])
                lab.finish(c)
            lab.vswctl("port", "delete", "vmc")
        rb = b.result(timeout=120)
        lab.finish(a)
        self.assertEqual((rb["rx_test"], rb["rx_in_order"]), (total, total), rb)
        self.assertEqual((rb["rx_dup"], rb["rx_gap"]), (0, 0), rb)
        self.assertEqual(self.trace("vmc").count("port_delete"), CHURN)
        self.assertEqual(self.mbufs_in_use(), in_use_start)
        self.note("churn: %d port create/delete cycles during %d frames A -> B" % (
            CHURN, total))

    def test_two_workers_share_a_single_queue_guest(self):
        """Two workers and single-queue-pair VMs: each worker polls one VM and must send to
        the other through that guest's only queue (the shared-queue fallback). Deleting a
        port rebalances the rx queues while the other worker keeps running."""
        lab = self.lab
        socks = {"vma": (lab.path("vma.sock"), MAC_A), "vmb": (lab.path("vmb.sock"), MAC_B),
                 "vmc": (lab.path("vmc.sock"), MAC_C)}
        topo = lab.write_topology([synthetic(n, mac, sock) for n, (sock, mac) in
                                   sorted(socks.items())], n_workers=2)
        self.vswd = lab.start_vswd(topo)
        workers = {n: self.worker_of(n) for n in socks}
        self.assertEqual(workers, {"vma": 0, "vmb": 1, "vmc": 0})
        lab.vswctl("port", "delete", "vmb")  # worker 1 idle, worker 0 two queues: rebalance
        self.assertEqual(sorted([self.worker_of("vma"), self.worker_of("vmc")]), [0, 1])
        for src, dst in (("vma", "vmc"), ("vmc", "vma")):
            (sock_s, mac_s), (sock_d, mac_d) = socks[src], socks[dst]
            rd = lab.start_vm("r" + dst, sock_d, mac_d, expect=N, timeout_s=60)
            lab.wait_links([dst])
            sender = lab.start_vm("s" + src, sock_s, mac_s, send=N, dst=mac_d,
                                  linger_ms=LISTEN_MS)
            res = rd.result()
            lab.finish(sender)
            self.assertEqual((res["rx_test"], res["rx_from"]), (N, {mac_s: N}), res)
            lab.wait_links([src, dst], state="down")

    def worker_of(self, port):
        out = self.lab.vswctl("show", "port", "info", port)
        return int(re.search(r"^  worker: (\d+)$", out, re.M).group(1))

    def mbufs_in_use(self):
        out = self.lab.vswctl("show", "datapath")
        return int(re.search(r"^mbufs-in-use (\d+)$", out, re.M).group(1))


if __name__ == "__main__":
    vswlab.main()
