#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""VM to VM through vswd over vhost-user, with vsw-vm playing both VMs.

VM A sends sequence-numbered frames to VM B's MAC. B must get every one, in order, from A only;
A must get nothing back; vswd's port counters must match what the VMs saw. Covered: vswd as
vhost server, vswd as vhost client, VMs that leave and come back on the same socket (each one
a new NIC on the same port), an unpaced burst where whatever B misses must show up in vswd's
DROPS, frames to a port with no VM (unicast dropped as port-down, broadcast not sent there),
a B that stops reading (dropped as tx-full), and VMs killed while frames flow both ways (the
workers' vhost bursts must let go of the device before the library frees it).
"""

import os
import signal
import time

import vswlab
from vswlab import LISTEN_MS, LabCase, synthetic

MAC_A = "02:00:00:00:0a:01"
MAC_B = "02:00:00:00:0b:01"
N = 10000
SIZE = 60  # vsw-vm's default frame size, without FCS


class VhostTest(LabCase):
    def start(self, mode):
        """vswd with two synthetic ports, vma and vmb, in the given vhost mode."""
        lab = self.lab
        self.sock_a, self.sock_b = lab.path("vma.sock"), lab.path("vmb.sock")
        return lab.write_topology([synthetic("vma", MAC_A, self.sock_a, mode),
                                   synthetic("vmb", MAC_B, self.sock_b, mode)])

    def assert_received(self, res, n, sources):
        """res saw exactly n test frames, in order per stream, and nothing else."""
        self.assertEqual(res["rx_test"], n, res)
        self.assertEqual(res["rx_in_order"], n, res)
        self.assertEqual((res["rx_dup"], res["rx_gap"], res["rx_other"]), (0, 0, 0), res)
        self.assertEqual(res["rx_from"], sources, res)

    def assert_counters(self, n_a_to_b):
        """vswd counted exactly the frames the VMs sent and saw (nothing else was sent)."""
        st = self.lab.stats()
        a, b = st["vma"], st["vmb"]
        self.assertEqual((a["rx_packets"], a["rx_bytes"]), (n_a_to_b, n_a_to_b * SIZE), st)
        self.assertEqual((b["tx_packets"], b["tx_bytes"]), (n_a_to_b, n_a_to_b * SIZE), st)
        self.assertEqual((a["tx_packets"], b["rx_packets"]), (0, 0), st)
        self.assertEqual((a["drops"], b["drops"]), (0, 0), st)
        return st

    def assert_nic(self, port, nic_state, lifecycle):
        """vswd's lifecycle of port: its NIC state now and its event history."""
        info = self.lab.port_detail("info", port)
        self.assertEqual((info["nic-state"], info["lifecycle"]), (nic_state, lifecycle), info)

    def wait_accounted(self, n, timeout=20):
        """Wait until vswd has passed on or dropped all n frames A sent to B."""
        end = time.monotonic() + timeout
        while True:
            st = self.lab.stats()
            if st["vmb"]["tx_packets"] + sum(p["drops"] for p in st.values()) >= n:
                return st
            if time.monotonic() > end:
                self.fail("of %d frames, vswd neither forwarded nor dropped some: %s" % (n, st))
            time.sleep(0.05)

    def one_way(self, mode):
        lab = self.lab
        topo = self.start(mode)
        server = mode == "client"  # the VM owns the socket when vswd is the client
        if server:
            b = lab.start_vm("b", self.sock_b, MAC_B, server=True, expect=N, wait=False)
            lab.start_vswd(topo)
            lab.wait_ready(b)
        else:
            lab.start_vswd(topo)
            b = lab.start_vm("b", self.sock_b, MAC_B, expect=N)
        lab.wait_links(["vmb"])
        # A starts after vswd: in client mode vswd must find A's socket on its own retry.
        a = lab.start_vm("a", self.sock_a, MAC_A, server=server, send=N, dst=MAC_B,
                         linger_ms=LISTEN_MS)
        rb = b.result()
        ra = lab.finish(a)
        self.assertEqual(ra["sent"], N, ra)
        self.assert_received(rb, N, {MAC_A: N})
        self.assertEqual((ra["rx_test"], ra["rx_other"]), (0, 0), ra)
        self.assert_counters(N)
        self.note("%s mode: B rx_pps %d (A paced at %d pps)" % (mode, rb["rx_pps"], vswlab.PPS))

    def test_a_server_mode(self):
        self.one_way("server")

    def test_b_client_mode(self):
        self.one_way("client")

    def test_c_reconnect(self):
        lab = self.lab
        lab.start_vswd(self.start("server"))
        b = lab.start_vm("b1", self.sock_b, MAC_B, expect=2 * 5000, timeout_s=60)
        lab.wait_links(["vmb"])
        # A leaves and a new A takes its socket; B stays and counts both streams.
        for i in (1, 2):
            a = lab.start_vm("a%d" % i, self.sock_a, MAC_A, send=5000, dst=MAC_B, stream=i,
                             linger_ms=LISTEN_MS)
            lab.wait_count("vma", "rx_packets", 5000 * i)  # A's tx ring is empty
            self.assertEqual(lab.finish(a)["sent"], 5000)
            lab.wait_links(["vma"], state="down")
        # Each A had its own NIC on vma: created, connected, disconnected and deleted.
        self.assert_nic("vma", "none", "port_create nic_create nic_connect nic_disconnect "
                        "nic_delete nic_create nic_connect nic_disconnect nic_delete")
        rb = b.result()
        self.assert_received(rb, 10000, {MAC_A: 10000})
        self.note("reconnect: B rx_pps %d over both senders" % rb["rx_pps"])
        # B leaves and a new B takes its socket: it gets the next 5000 and nothing older.
        lab.wait_links(["vmb"], state="down")
        b2 = lab.start_vm("b2", self.sock_b, MAC_B, expect=5000)
        lab.wait_links(["vmb"])
        self.assert_nic("vmb", "connected", "port_create nic_create nic_connect nic_disconnect "
                        "nic_delete nic_create nic_connect")
        a3 = lab.start_vm("a3", self.sock_a, MAC_A, send=5000, dst=MAC_B, stream=3,
                          linger_ms=LISTEN_MS)
        self.assert_received(b2.result(), 5000, {MAC_A: 5000})
        self.assertEqual(lab.finish(a3)["sent"], 5000)
        self.assert_counters(15000)

    def test_d_unpaced_burst(self):
        """No pacing: B may fall behind, but every frame is delivered or counted as a drop."""
        lab = self.lab
        lab.start_vswd(self.start("server"))
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=N, timeout_s=60)
        lab.wait_links(["vmb"])
        a = lab.start_vm("a", self.sock_a, MAC_A, send=N, dst=MAC_B, pps=0, linger_ms=LISTEN_MS)
        lab.wait_count("vma", "rx_packets", N)
        st = self.wait_accounted(N)
        if b.alive():  # B lost some and waits for more: let it drain its ring, then stop it
            time.sleep(0.5)
            lab.stop(b)
        rb, ra = b.result(), lab.finish(a)
        drops = sum(p["drops"] for p in st.values())
        self.assertEqual(ra["sent"], N, ra)
        self.assertEqual(st["vma"]["rx_packets"], N, st)
        self.assertEqual(rb["rx_dup"], 0, rb)
        self.assertEqual(rb["rx_from"], {MAC_A: rb["rx_test"]} if rb["rx_test"] else {}, rb)
        self.assertEqual(st["vmb"]["tx_packets"], rb["rx_test"], (rb, st))
        self.assertEqual(rb["rx_test"] + drops, N, (rb, st))
        self.note("unpaced: A tx_pps %d, B rx_pps %d, B got %d/%d, vswd drops %d" % (
            ra["tx_pps"], rb["rx_pps"], rb["rx_test"], N, drops))

    def test_e_no_vm_on_destination(self):
        """B's port has no VM: A's unicast to B is dropped, counted on vmb as port-down; A's
        broadcast is not sent to vmb at all and, with no other port up, counted on vma as
        no-dest."""
        lab = self.lab
        n = 1000
        lab.start_vswd(self.start("server"))
        a = lab.start_vm("a1", self.sock_a, MAC_A, send=n, dst=MAC_B, linger_ms=LISTEN_MS)
        lab.wait_count("vma", "rx_packets", n)
        lab.wait_count("vmb", "drops", n)
        ra = lab.finish(a)
        self.assertEqual(ra["sent"], n, ra)
        self.assertEqual((ra["rx_test"], ra["rx_other"]), (0, 0), ra)
        lab.wait_links(["vma"], state="down")
        a = lab.start_vm("a2", self.sock_a, MAC_A, send=n, broadcast=True, linger_ms=LISTEN_MS)
        lab.wait_count("vma", "rx_packets", 2 * n)
        lab.wait_count("vma", "drops", n)
        ra = lab.finish(a)
        self.assertEqual(ra["sent"], n, ra)
        self.assertEqual((ra["rx_test"], ra["rx_other"]), (0, 0), ra)
        vma, vmb = lab.port_detail("stats", "vma"), lab.port_detail("stats", "vmb")
        self.assertEqual((vmb["tx-packets"], vmb["drop-port-down"], vmb["drop-tx-full"]),
                         (0, n, 0), vmb)
        self.assertEqual((vma["tx-packets"], vma["drop-no-dest"]), (0, n), vma)

    def test_f_stalled_receiver(self):
        """B stops reading (SIGSTOP): once its ring is full, every frame vswd cannot deliver is
        counted on vmb as tx-full; B gets the ones that fit when it resumes."""
        lab = self.lab
        lab.start_vswd(self.start("server"))
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=N, timeout_s=60)
        lab.wait_links(["vmb"])
        os.kill(b.pid, signal.SIGSTOP)
        try:
            # N is more than B's ring (vswlab.VM_QUEUE_SIZE) holds.
            a = lab.start_vm("a", self.sock_a, MAC_A, send=N, dst=MAC_B, linger_ms=LISTEN_MS)
            lab.wait_count("vma", "rx_packets", N)
            self.wait_accounted(N)
        finally:
            os.kill(b.pid, signal.SIGCONT)
        time.sleep(0.5)  # B drains its ring
        lab.stop(b)
        rb, ra = b.result(), lab.finish(a)
        vmb = lab.port_detail("stats", "vmb")
        self.assertEqual(ra["sent"], N, ra)
        self.assertEqual((rb["rx_dup"], rb["rx_other"]), (0, 0), rb)
        self.assertGreater(rb["rx_test"], 0, rb)
        self.assertGreater(vmb["drop-tx-full"], 0, vmb)
        self.assertEqual(vmb["tx-packets"], rb["rx_test"], (rb, vmb))
        self.assertEqual(rb["rx_test"] + vmb["drop-tx-full"], N, (rb, vmb))
        self.note("stalled B: got %d/%d, vswd drop-tx-full %d" % (
            rb["rx_test"], N, vmb["drop-tx-full"]))

    def test_g_vm_killed_mid_stream(self):
        """Workers burst on the vhost library directly while a device is up ("io: vhost"). A VM
        killed while frames flow both ways takes its device away under the workers: vswd waits
        them out before the library frees it ("io: none"), survives, and a new VM on the
        socket gets the device and every frame again."""
        lab = self.lab
        vswd = lab.start_vswd(self.start("server"))
        for i in range(1, 6):
            base = lab.stats()["vma"]["rx_packets"]
            # Paced so that both streams still run when the victim dies (~2 s of frames).
            b = lab.start_vm("b%d" % i, self.sock_b, MAC_B, send=20 * N, dst=MAC_A,
                             pps=10 * N, stream=10 + i, timeout_s=60)
            a = lab.start_vm("a%d" % i, self.sock_a, MAC_A, send=20 * N, dst=MAC_B,
                             pps=10 * N, stream=i, timeout_s=60)
            lab.wait_links(["vma", "vmb"])
            self.assertEqual(lab.port_detail("info", "vma")["io"], "vhost")
            lab.wait_count("vma", "rx_packets", base + N // 5)
            victim = (b, a)[i % 2]
            lab.stop(victim, sig=signal.SIGKILL)
            lab.wait_links(["vmb" if victim is b else "vma"], state="down")
            self.assertEqual(lab.port_detail("info", "vmb" if victim is b else "vma")["io"],
                             "none")
            for vm in (a, b):
                lab.stop(vm, sig=signal.SIGKILL)
            lab.wait_links(["vma", "vmb"], state="down")
            self.assertTrue(vswd.alive(), "vswd died when a VM was killed mid-stream")
        # Still a working switch: a clean A -> B run, every frame in order.
        b = lab.start_vm("bz", self.sock_b, MAC_B, expect=5000)
        lab.wait_links(["vmb"])
        self.assertEqual(lab.port_detail("info", "vmb")["io"], "vhost")
        a = lab.start_vm("az", self.sock_a, MAC_A, send=5000, dst=MAC_B, stream=99,
                         linger_ms=LISTEN_MS)
        rb = b.result()
        self.assertEqual(lab.finish(a)["sent"], 5000)
        self.assertEqual((rb["rx_test"], rb["rx_in_order"], rb["rx_dup"]), (5000, 5000, 0), rb)

    def start_vswd_polling_quiet_queues_every_ms(self):
        """vswd on the server topology with idle_rxq_poll_us at its highest, 1 ms."""
        topo = self.start("server")
        with open(topo) as f:
            text = f.read().replace("workers: { lcores: [1] }",
                                    "workers: { lcores: [1], idle_rxq_poll_us: 1000 }")
        self.assertIn("idle_rxq_poll_us: 1000", text)
        with open(topo, "w") as f:
            f.write(text)
        self.lab.start_vswd(topo)

    def test_h_quiet_queue_polled_less_loses_nothing(self):
        """With idle_rxq_poll_us at its highest (1 ms), A's queue, quiet until A sends, is
        polled once a millisecond: its first frames wait in A's ring, none is lost or
        reordered, and once they flow the queue is polled every pass again."""
        lab = self.lab
        self.start_vswd_polling_quiet_queues_every_ms()
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=N)
        # A's queue is polled empty while its link comes up: quiet before its first frame.
        a = lab.start_vm("a", self.sock_a, MAC_A, send=N, dst=MAC_B, linger_ms=LISTEN_MS)
        rb = b.result()
        self.assertEqual(lab.finish(a)["sent"], N)
        self.assert_received(rb, N, {MAC_A: N})
        self.assert_counters(N)

    def test_i_queue_quiet_after_traffic_is_polled_again(self):
        """A sends N frames, falls silent (its queue turns quiet, polled once a millisecond),
        then sends one frame at a time, each after a silence: every one reaches B, in order,
        within a second, and none is lost. A queue never polled again once quiet, or a poll of
        the quiet ones that dropped frames, fails here."""
        lab = self.lab
        self.start_vswd_polling_quiet_queues_every_ms()
        late = 20
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=N + late)
        a = lab.start_vm("a", self.sock_a, MAC_A, send=N, dst=MAC_B, linger_ms=LISTEN_MS)
        lab.wait_count("vmb", "tx_packets", N)
        for k in range(1, late + 1):
            time.sleep(0.05)  # thousands of empty passes: A's queue is quiet
            os.kill(a.proc.pid, signal.SIGUSR1)
            lab.wait_count("vmb", "tx_packets", N + k, timeout=1)
        rb = b.result()
        self.assertEqual(lab.finish(a)["sent"], N + late)
        self.assert_received(rb, N + late, {MAC_A: N + late})
        self.assert_counters(N + late)


if __name__ == "__main__":
    vswlab.main()
