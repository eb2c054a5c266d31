#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""VM adapters between the synthetic path and a VF (SPEC R-DP-2, R-DP-3, R-DP-5).

Topology: NIC switch nic0 (emulated) whose PF is the host end of a veth pair (nsraw.py plays
the external host in a netns), VFs served by vswd as vhost-user sockets, and synthetic ports
vm1 (and vm2). A guest is two vsw-vm processes with the same MAC: one on the VM's synthetic
socket, one on the VF's socket. Each sends one frame when the test sends it SIGUSR1: that is
the guest choosing a path, the only thing vswd watches to know which path the guest uses.

Every phase sends N frames from the wire to the guest's MAC and checks where they arrived:
both processes while a change is under way (so the change loses nothing whenever the guest
makes it), only the VF process on the VF path, only the synthetic one on the synthetic path.
"""

import os
import signal
import subprocess
import time

import vswlab
from vswlab import LISTEN_MS, LabCase, mac_norm

MAC_VM1 = "02:00:00:00:0a:01"
MAC_VM2 = "02:00:00:00:0a:02"
MAC_VM3 = "02:00:00:00:0a:03"
MAC_NS = "02:00:00:00:ee:01"
N = 200
NS_PPS = 20000


class VmDatapathTest(LabCase):
    def start(self, num_vfs=2, vms=(("vm1", MAC_VM1, 0),), announcing=()):
        lab = self.lab
        self.ns, host_if, self.ns_if = lab.add_veth_netns()
        self.vf_dir = lab.path("vf")
        lab.control_socket = lab.path("vswd.sock")
        q = vswlab.json.dumps
        lines = [
            "eal: { args: %s }" % q(lab.eal_args("vswt-%s-vmdp" % lab.tag)),
            "workers: { lcores: [1] }",
            "control: { socket: %s }" % q(lab.control_socket),
            "ports:",
            "  - { name: uplink, type: external, nic_switch: nic0 }",
        ]
        self.socks = {}
        for name, mac, prio in vms:
            self.socks[name] = lab.path(name + ".sock")
            lines.append("  - { name: %s, type: synthetic, mac: %s, vf_priority: %d, "
                         "vhost: { path: %s }, announce_on_connect: %s }" % (
                             name, q(mac), prio, q(self.socks[name]),
                             "true" if name in announcing else "false"))
        lines += [
            "nic_switches:",
            "  - name: nic0",
            "    backend: emulated",
            "    pf: %s" % q("net_af_packet1,iface=%s" % host_if),
            "    num_vfs: %d" % num_vfs,
            "    queue_pairs: { total: 8, default_vport: 2 }",
            "    asymmetric: true",
            "    vf_socket_dir: %s" % q(self.vf_dir),
        ]
        path = lab.path("topo.yaml")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.vswd = lab.start_vswd(path)

    # --- helpers --------------------------------------------------------------------------

    def guest_nic(self, name, sock, mac):
        """A listening vsw-vm that sends one frame to the external host per SIGUSR1."""
        end = time.monotonic() + 10
        while not os.path.exists(sock):
            self.assertLess(time.monotonic(), end, "vswd made no socket %s" % sock)
            time.sleep(0.05)
        return self.lab.start_vm(name, sock, mac, dst=MAC_NS, timeout_s=300,
                                 linger_ms=LISTEN_MS)

    def datapath(self):
        return self.lab.vm_datapath()

    def wait_path(self, port, path, timeout=10):
        return self.lab.wait_vm_path(port, path, timeout)

    def guest_talks(self, proc):
        os.kill(proc.proc.pid, signal.SIGUSR1)

    def send_wire(self, dst, stream, count=N):
        sent = self.lab.nsraw_send(self.ns, self.ns_if, MAC_NS, dst, count, pps=NS_PPS,
                                   stream=stream)
        self.assertEqual(sent["sent"], count, sent)

    def wait_tx(self, want, timeout=20):
        """Until each port's TX-PACKETS reaches {port: count}; a moment more for strays."""
        for port, count in want.items():
            self.lab.wait_count(port, "tx_packets", count, timeout=timeout)
        time.sleep(0.3)
        st = self.lab.stats()
        got = {p: st[p]["tx_packets"] for p in want}
        self.assertEqual(got, want, "frames went elsewhere than expected")

    def vswctl_fails(self, *words):
        """A command vswd must refuse: returns its one-line error."""
        p = subprocess.run([vswlab.VSWCTL, "-s", self.lab.control_socket] + list(words),
                           capture_output=True, text=True, timeout=10)
        self.assertNotEqual(p.returncode, 0, p.stdout)
        return p.stdout.strip()

    def vports(self):
        out = self.lab.vswctl("show", "vport", "nic0")
        return {int(l.split()[0]) for l in out.splitlines()[1:] if l.strip()}

    # --- R-DP-2, R-DP-3 planned -----------------------------------------------------------

    def test_attach_and_planned_detach_lose_nothing(self):
        lab = self.lab
        self.start()
        out = lab.vswctl("vm", "attach-vf", "vm1", "vf", "0")
        self.assertIn("attaching", out)
        row = self.datapath()["vm1"]
        self.assertEqual((row["path"], row["vf"], row["vport"]), ("attaching", "0", "1"))
        syn = self.guest_nic("vm1", self.socks["vm1"], MAC_VM1)
        vf = self.guest_nic("vf0", os.path.join(self.vf_dir, "nic0-vf0.sock"), MAC_VM1)
        lab.wait_links(["vm1", "nic0-vf0", "uplink"])

        # Attaching: the guest has not used the VF yet, frames go both ways.
        self.send_wire(MAC_VM1, stream=1)
        self.wait_tx({"vm1": N, "nic0-vf0": N})
        self.guest_talks(vf)
        row = self.wait_path("vm1", "vf")
        self.assertEqual((row["attaches"], row["last"], row["lost"]), (1, "attach", 0), row)

        # VF path: the NIC switch's filter takes them straight to the VF.
        self.send_wire(MAC_VM1, stream=2)
        self.wait_tx({"vm1": N, "nic0-vf0": 2 * N})

        # Planned detach: both ways until the guest talks on the synthetic path.
        out = lab.vswctl("vm", "detach-vf", "vm1")
        self.assertIn("detaching", out)
        self.assertEqual(self.datapath()["vm1"]["path"], "detaching")
        self.send_wire(MAC_VM1, stream=3)
        self.wait_tx({"vm1": 2 * N, "nic0-vf0": 3 * N})
        self.guest_talks(syn)
        row = self.wait_path("vm1", "synthetic")
        self.assertEqual((row["detaches"], row["failovers"], row["forced"], row["vf"],
                          row["vport"], row["last"], row["lost"]),
                         (1, 0, 0, "-", "-", "detach", 0), row)
        self.assertEqual(self.vports(), {0}, "the VF's VPort outlived the detach")

        # Synthetic path again.
        self.send_wire(MAC_VM1, stream=4)
        self.wait_tx({"vm1": 3 * N, "nic0-vf0": 3 * N})

        r_syn, r_vf = lab.finish(syn), lab.finish(vf)
        self.assertEqual((r_syn["rx_test"], r_syn["rx_gap"], r_syn["rx_dup"]), (3 * N, 0, 0),
                         r_syn)
        self.assertEqual((r_vf["rx_test"], r_vf["rx_gap"], r_vf["rx_dup"]), (3 * N, 0, 0), r_vf)
        self.assertEqual(r_syn["rx_from"], {mac_norm(MAC_NS): 3 * N}, r_syn)
        self.assertEqual(r_vf["rx_from"], {mac_norm(MAC_NS): 3 * N}, r_vf)

    # --- R-DP-3 surprise ------------------------------------------------------------------

    def test_vf_that_vanishes_fails_over(self):
        lab = self.lab
        self.start()
        syn = self.guest_nic("vm1", self.socks["vm1"], MAC_VM1)
        vf = self.guest_nic("vf0", os.path.join(self.vf_dir, "nic0-vf0.sock"), MAC_VM1)
        lab.wait_links(["vm1", "nic0-vf0", "uplink"])
        lab.vswctl("vm", "attach-vf", "vm1")
        self.guest_talks(vf)
        self.wait_path("vm1", "vf")
        lab.stop(vf, sig=signal.SIGKILL)  # the VF's device is gone: its socket drops
        row = self.wait_path("vm1", "synthetic")
        self.assertEqual((row["failovers"], row["detaches"], row["last"]), (1, 0, "failover"))
        self.send_wire(MAC_VM1, stream=1)
        self.wait_tx({"vm1": N})
        r_syn = lab.finish(syn)
        self.assertEqual((r_syn["rx_test"], r_syn["rx_gap"]), (N, 0), r_syn)

    def test_guest_back_on_synthetic_is_a_failover(self):
        """The guest lost its VF without vswd seeing the device go: it talks on synthetic."""
        lab = self.lab
        self.start()
        syn = self.guest_nic("vm1", self.socks["vm1"], MAC_VM1)
        vf = self.guest_nic("vf0", os.path.join(self.vf_dir, "nic0-vf0.sock"), MAC_VM1)
        lab.wait_links(["vm1", "nic0-vf0", "uplink"])
        lab.vswctl("vm", "attach-vf", "vm1", "vf", "1")  # not connected: never used
        lab.vswctl("vm", "detach-vf", "vm1")
        self.guest_talks(syn)
        self.wait_path("vm1", "synthetic")
        lab.vswctl("vm", "attach-vf", "vm1", "vf", "0")
        self.guest_talks(vf)
        self.wait_path("vm1", "vf")
        self.guest_talks(syn)
        row = self.wait_path("vm1", "synthetic")
        self.assertEqual((row["attaches"], row["detaches"], row["failovers"]), (1, 1, 1), row)
        lab.finish(syn)
        lab.finish(vf)

    # --- the VF pool ----------------------------------------------------------------------

    def test_higher_priority_takes_the_vf_after_the_holder_moved_back(self):
        lab = self.lab
        self.start(num_vfs=1, vms=(("vm1", MAC_VM1, 1), ("vm2", MAC_VM2, 5)))
        syn1 = self.guest_nic("vm1", self.socks["vm1"], MAC_VM1)
        vf = self.guest_nic("vf0", os.path.join(self.vf_dir, "nic0-vf0.sock"), MAC_VM1)
        lab.wait_links(["vm1", "nic0-vf0", "uplink"])
        lab.vswctl("vm", "attach-vf", "vm1")
        self.guest_talks(vf)
        self.wait_path("vm1", "vf")

        out = lab.vswctl("vm", "attach-vf", "vm2")
        self.assertIn("waiting", out)
        dp = self.datapath()
        self.assertEqual((dp["vm1"]["path"], dp["vm2"]["path"], dp["vm2"]["waiting_vf"]),
                         ("detaching", "synthetic", "0"), dp)
        # vm1 is still reachable on both paths while its guest moves.
        self.send_wire(MAC_VM1, stream=1)
        self.wait_tx({"vm1": N, "nic0-vf0": N})
        self.guest_talks(syn1)
        self.wait_path("vm1", "synthetic")
        row = self.wait_path("vm2", "attaching")
        self.assertEqual((row["vf"], row["waiting_vf"]), ("0", "-"), row)
        self.assertIn("held by vm2, priority 5 >= 1",
                      self.vswctl_fails("vm", "attach-vf", "vm1", "vf", "0"))
        self.assertIn("none held below priority 1", self.vswctl_fails("vm", "attach-vf", "vm1"))
        r = lab.finish(syn1)
        self.assertEqual((r["rx_test"], r["rx_gap"]), (N, 0), r)
        lab.finish(vf)

    def test_pool_of_two_vfs_third_vm_takes_the_lowest_losslessly(self):
        """3 VMs, 2 VFs: vm3 (priority 10) asks for a VF while vm1 (1) and vm2 (5) hold them.
        vm1, the lowest, moves back to synthetic first, losing nothing of a stream from the
        wire that runs throughout; its VF then goes to vm3; vm2 keeps its own."""
        lab = self.lab
        self.start(num_vfs=2, vms=(("vm1", MAC_VM1, 1), ("vm2", MAC_VM2, 5),
                                   ("vm3", MAC_VM3, 10)))
        vf_sock = [os.path.join(self.vf_dir, "nic0-vf%d.sock" % n) for n in (0, 1)]
        syn1 = self.guest_nic("vm1", self.socks["vm1"], MAC_VM1)
        vf1 = self.guest_nic("vm1-vf", vf_sock[0], MAC_VM1)
        vf2 = self.guest_nic("vm2-vf", vf_sock[1], MAC_VM2)
        lab.wait_links(["vm1", "nic0-vf0", "nic0-vf1", "uplink"])
        lab.vswctl("vm", "attach-vf", "vm1")
        lab.vswctl("vm", "attach-vf", "vm2")
        self.guest_talks(vf1)
        self.guest_talks(vf2)
        self.wait_path("vm1", "vf")
        self.wait_path("vm2", "vf")

        # A stream to vm1 from the wire, 2000 frames over ~2 s, while its VF is taken away.
        n = 2000
        stream = lab.spawn("wire", ["ip", "netns", "exec", self.ns, vswlab.sys.executable,
                                    vswlab.NSRAW, "send", "--iface", self.ns_if, "--src",
                                    MAC_NS, "--dst", MAC_VM1, "--count", str(n), "--pps",
                                    "1000", "--stream", "7"])
        time.sleep(0.5)
        self.assertIn("waiting", lab.vswctl("vm", "attach-vf", "vm3"))
        dp = self.datapath()
        self.assertEqual((dp["vm1"]["path"], dp["vm2"]["path"], dp["vm3"]["waiting_vf"]),
                         ("detaching", "vf", "0"), dp)
        time.sleep(0.3)
        self.guest_talks(syn1)  # vm1's guest is back on its synthetic NIC
        self.wait_path("vm1", "synthetic")
        row = self.wait_path("vm3", "attaching")
        self.assertEqual(row["vf"], "0", row)
        # The VF's device moves from vm1 to vm3: unplugged from one, plugged into the other.
        r_vf1 = lab.finish(vf1)
        vf3 = self.guest_nic("vm3-vf", vf_sock[0], MAC_VM3)
        lab.wait_links(["nic0-vf0"])
        self.guest_talks(vf3)
        self.wait_path("vm3", "vf")
        self.assertEqual(stream.result(timeout=30)["sent"], n)
        lab.wait_count("vm1", "tx_packets", 1, timeout=5)
        time.sleep(0.5)
        dp = self.datapath()
        self.assertEqual((dp["vm1"]["path"], dp["vm1"]["detaches"], dp["vm1"]["failovers"],
                          dp["vm2"]["path"], dp["vm2"]["attaches"], dp["vm3"]["path"]),
                         ("synthetic", 1, 0, "vf", 1, "vf"), dp)
        r_syn, r_vf = lab.finish(syn1), lab.finish(vf2)
        lab.finish(vf3)
        # vm1's VF NIC got the stream's first frames in order, its synthetic NIC the rest in
        # order from some frame on, and the two overlap (both paths during the change): not
        # one frame of the stream went missing.
        self.assertEqual((r_vf1["rx_gap"], r_vf1["rx_dup"]), (0, 0), r_vf1)
        self.assertEqual((r_syn["rx_dup"], r_syn["rx_test"] + r_syn["rx_gap"]), (0, n), r_syn)
        self.assertGreater(r_syn["rx_test"], 0, r_syn)
        self.assertGreaterEqual(r_vf1["rx_test"], r_syn["rx_gap"], (r_vf1, r_syn))
        self.note("vm1's stream of %d: frames 0..%d on its VF, %d..%d on its synthetic NIC" % (
            n, r_vf1["rx_test"] - 1, r_syn["rx_gap"], n - 1))
        self.assertEqual(r_vf["rx_test"], 0, r_vf)  # vm2 never saw vm1's frames

    # --- R-DP-4: announcing where a VM is -----------------------------------------------

    def test_vm_announce_sends_a_rarp_out_of_the_uplink(self):
        """`vm announce` (after a live migration, when the guest cannot announce itself) sends
        one RARP from the VM's MAC into the switch, which floods it out of the uplink; a VM
        connecting announces nothing by itself."""
        lab = self.lab
        self.start()
        rx = lab.nsraw_recv(self.ns, self.ns_if, count=1, timeout_s=15, linger_ms=500)
        self.assertIn("vm vm1: its NIC is not connected, nothing to announce",
                      self.vswctl_fails("vm", "announce", "vm1"))
        vm = self.guest_nic("vm1", self.socks["vm1"], MAC_VM1)
        lab.wait_links(["vm1", "uplink"])
        time.sleep(0.3)
        self.assertIn("vm vm1: announced", lab.vswctl("vm", "announce", "vm1"))
        self.assertIn("vm uplink: not a VM port", self.vswctl_fails("vm", "announce", "uplink"))
        time.sleep(0.5)
        r = lab.finish(rx)
        self.assertEqual(r["rx_rarp"], {mac_norm(MAC_VM1): 1}, r)
        lab.finish(vm)

    def test_announce_on_connect_sends_a_rarp_each_time_the_nic_connects(self):
        """A port with announce_on_connect (a live migration's destination, where the guest
        may not announce itself) sends one RARP from its MAC out of the uplink every time its
        NIC connects, with no command; a port without it (vm2) announces nothing."""
        lab = self.lab
        self.start(vms=(("vm1", MAC_VM1, 0), ("vm2", MAC_VM2, 0)), announcing=("vm1",))
        lab.wait_links(["uplink"])
        for i in (1, 2):
            rx = lab.nsraw_recv(self.ns, self.ns_if, count=1, timeout_s=15, linger_ms=1500)
            time.sleep(0.3)
            vm2 = self.guest_nic("vm2", self.socks["vm2"], MAC_VM2)
            lab.wait_links(["vm2"])
            vm1 = self.guest_nic("vm1", self.socks["vm1"], MAC_VM1)
            r = lab.finish(rx)
            self.assertEqual(r["rx_rarp"], {mac_norm(MAC_VM1): 1}, (i, r))
            for vm in (vm1, vm2):
                lab.finish(vm)
            lab.wait_links(["vm1", "vm2"], state="down")

    # --- refusals -------------------------------------------------------------------------

    def test_refusals_change_nothing(self):
        lab = self.lab
        self.start()
        before = self.datapath()
        cases = [
            (("vm", "attach-vf", "nosuch"), "vm nosuch: no such port"),
            (("vm", "attach-vf", "uplink"), "vm uplink: not a VM port (synthetic)"),
            (("vm", "attach-vf", "vm1", "vf", "2"), "vm vm1: vf 2: the NIC switch has VFs 0..1"),
            (("vm", "detach-vf", "vm1"), "vm vm1: already synthetic"),
            (("vm", "set", "vm1", "vf-priority", "1001"), "priority above 1000"),
        ]
        for words, msg in cases:
            self.assertIn(msg, self.vswctl_fails(*words), words)
        self.assertEqual(self.datapath(), before)
        lab.vswctl("vm", "attach-vf", "vm1")
        self.assertIn("vm vm1: already attaching", self.vswctl_fails("vm", "attach-vf", "vm1"))
        lab.vswctl("vm", "set", "vm1", "vf-priority", "7")
        self.assertEqual(self.datapath()["vm1"]["prio"], 7)


if __name__ == "__main__":
    vswlab.main()
