#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The emulated NIC switch (SPEC R-VP-7, R-VP-8): receive filters steer frames between the wire,
the VFs and the default VPort, and every VPort counts what it received and sent.

Topology: NIC switch nic0 (backend emulated) whose PF is the host end of a veth pair (its peer in
a netns, where nsraw.py plays the external host), two VFs served by vswd as vhost-user sockets
<lab>/vf/nic0-vf<n>.sock, VPort 1 on vf0 with the MAC-only filter (MAC_VF0, 0) and VPort 2 on
vf1 with (MAC_VF1, 7). The vSwitch's uplink is nic0's default VPort; vm1 is a synthetic port
(access VLAN 0). A "VM's VF" is a vsw-vm on a VF socket.

vsw-vm counts untagged test frames as rx_test and anything else, tagged test frames included,
as rx_other; the links carry nothing but test frames (IPv6 off, no addresses), so both counts
are exact. Frames are 60 bytes without FCS, 64 with an 802.1Q tag, unless a test sets --size.
"""

import json
import os
import time

import vswlab
from vswlab import LISTEN_MS, LabCase, mac_norm

MAC_VF0 = "02:00:00:00:f0:00"
MAC_VF1 = "02:00:00:00:f0:01"
MAC_VM = "02:00:00:00:0a:01"
MAC_NS = "02:00:00:00:ee:01"  # the external host
MAC_UNKNOWN = "02:00:00:00:dd:01"  # nobody's: no filter, no port
VLAN_VF1 = 7
N = 200
NS_PPS = 20000  # nsraw.py is python; the af_packet PMD ring holds 512 frames
VF_PPS = 20000
SIZE = 60  # frames of vsw-vm and nsraw.py, without FCS
TAG = 4  # an 802.1Q tag
SETTLE_S = 0.5  # after the counts are reached: time for frames that should not come

VPORT_COLUMNS = ["ID", "FUNCTION", "QPS", "OPER", "RX-PACKETS", "RX-BYTES", "TX-PACKETS",
                 "TX-BYTES", "DROPS"]
VPORT_NUMBERS = ("id", "qps", "rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drops")


class NicSwitchLab(LabCase):
    """nic0's lab and the helpers of the tests below."""

    # --- setup ----------------------------------------------------------------------------

    def start(self, vf1_vlan=VLAN_VF1, pf=None, moderation=("adaptive", "adaptive"),
              asymmetric=True):
        """vswd with nic0 (its PF on a veth whose peer is in a netns), uplink and vm1.
        vf1_vlan: the VLAN of VPort 2's filter (0: MAC only). moderation: the
        interrupt_moderation of VPorts 1 and 2. asymmetric: nic0's allocation (both VPorts
        have one queue pair either way)."""
        lab = self.lab
        self.ns, host_if, self.ns_if = lab.add_veth_netns()
        self.host_if = host_if
        self.vf_dir = lab.path("vf")
        self.vm_sock = lab.path("vm1.sock")
        lab.control_socket = lab.path("vswd.sock")
        prefix = "vswt-%s-nic" % lab.tag
        q = json.dumps  # JSON strings and lists are valid YAML flow scalars
        lines = [
            "eal: { args: %s }" % q(lab.eal_args(prefix)),
            "workers: { lcores: [1] }",
            "control: { socket: %s }" % q(lab.control_socket),
            "ports:",
            "  - { name: uplink, type: external, nic_switch: nic0 }",
            "  - { name: vm1, type: synthetic, mac: %s, vhost: { path: %s, mode: server } }" % (
                q(MAC_VM), q(self.vm_sock)),
            "nic_switches:",
            "  - name: nic0",
            "    backend: emulated",
            "    pf: %s" % q(pf or "net_af_packet1,iface=%s" % host_if),
            "    num_vfs: 2",
            "    queue_pairs: { total: 8, default_vport: 2 }",
            "    asymmetric: %s" % ("true" if asymmetric else "false"),
            "    vf_socket_dir: %s" % q(self.vf_dir),
            "    vports:",
            "      - { id: 1, function: vf0, queue_pairs: 1, interrupt_moderation: %s,"
            " filters: [ { mac: %s, vlan: 0 } ] }" % (q(moderation[0]), q(MAC_VF0)),
            "      - { id: 2, function: vf1, queue_pairs: 1, interrupt_moderation: %s,"
            " filters: [ { mac: %s, vlan: %d } ] }" % (q(moderation[1]), q(MAC_VF1), vf1_vlan),
        ]
        path = lab.path("topo.yaml")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.vswd = lab.start_vswd(path)
        self.wait_vports()

    def vf_sock(self, vf):
        return os.path.join(self.vf_dir, "nic0-vf%d.sock" % vf)

    def start_vf(self, vf, mac, **kw):
        """A VM on VF vf: a vsw-vm connected to the VF's socket. Returns when it is READY and
        vswd had a moment to take the new vhost device into its datapath."""
        sock = self.vf_sock(vf)
        end = time.monotonic() + 10
        while not os.path.exists(sock):
            self.assertLess(time.monotonic(), end, "vswd made no socket %s" % sock)
            time.sleep(0.05)
        vm = self.lab.start_vm("vf%d" % vf, sock, mac, **kw)
        # READY: the virtio device is up on both sides. vswd lists a VF's vhost port in
        # `show port stats` as nic0-vf<n> (not promised: without the row, a longer settle);
        # the short settle covers the worker picking the VF's queue up.
        name = "nic0-vf%d" % vf
        if name in self.lab.stats():
            self.lab.wait_links([name], timeout=10)
            time.sleep(0.1)
        else:
            time.sleep(0.5)
        return vm

    def start_vm1(self, **kw):
        vm = self.lab.start_vm("vm1", self.vm_sock, MAC_VM, **kw)
        self.lab.wait_links(["uplink", "vm1"])
        return vm

    # --- `show vport nic0` ----------------------------------------------------------------

    def vports(self):
        """`vswctl show vport nic0` as {vport id: {column: value}}; numbers as ints."""
        out = self.lab.vswctl("show", "vport", "nic0")
        rows = [l.split() for l in out.splitlines() if l.strip()]
        if not rows or rows[0] != VPORT_COLUMNS:
            raise AssertionError("show vport nic0: unexpected header\n" + out)
        vports = {}
        for r in rows[1:]:
            if len(r) != len(VPORT_COLUMNS):
                raise AssertionError("show vport nic0: bad row %r\n%s" % (r, out))
            row = dict(zip([c.lower().replace("-", "_") for c in VPORT_COLUMNS], r))
            for k in VPORT_NUMBERS:
                row[k] = int(row[k])
            vports[row["id"]] = row
        return vports

    def table(self):
        """The vport table as text, for failure messages."""
        return self.lab.vswctl("show", "vport", "nic0")

    def wait_vports(self, timeout=10):
        """Until VPorts 0 (pf), 1 (vf0) and 2 (vf1) exist and are operational."""
        want = {0: "pf", 1: "vf0", 2: "vf1"}
        end = time.monotonic() + timeout
        while True:
            vp = self.vports()
            if all(i in vp and vp[i]["function"] == f and vp[i]["oper"] == "yes"
                   for i, f in want.items()):
                return vp
            if time.monotonic() > end:
                raise AssertionError("vports 0..2 not operational after %s s\n%s" % (
                    timeout, self.table()))
            time.sleep(0.1)

    def wait_vport_counts(self, want, timeout=20):
        """Until every {(vport id, column): value} is reached, then SETTLE_S more (frames that
        should not come have time to); returns the table at the end."""
        end = time.monotonic() + timeout
        while True:
            vp = self.vports()
            if all(vid in vp and vp[vid][col] >= v for (vid, col), v in want.items()):
                break
            if time.monotonic() > end:
                raise AssertionError("vport counters %s not reached after %s s\n%s" % (
                    want, timeout, self.table()))
            time.sleep(0.05)
        time.sleep(SETTLE_S)
        return self.vports()

    def assert_vport(self, vp, vid, **want):
        got = {k: vp[vid][k] for k in want}
        self.assertEqual(got, want, "vport %d\n%s" % (vid, self.table()))

    def send_wire(self, dst, stream, vlan=None, count=N):
        sent = self.lab.nsraw_send(self.ns, self.ns_if, MAC_NS, dst, count, pps=NS_PPS,
                                   stream=stream, vlan=vlan)
        self.assertEqual(sent["sent"], count, sent)


class NicSwitchTest(NicSwitchLab):
    # --- R-VP-7 ---------------------------------------------------------------------------

    def test_r_vp_7_filters_from_the_wire(self):
        """From the wire: (MAC_VF0, 0) takes untagged and priority-tagged frames to MAC_VF0
        but not MAC_VF0 in VLAN 7; (MAC_VF1, 7) takes VLAN 7 to MAC_VF1, tag kept; the rest
        reaches the vSwitch through the default VPort (flooded to vm1 in VLAN 0)."""
        lab = self.lab
        self.start()
        vm1 = self.start_vm1(linger_ms=LISTEN_MS)
        vf0 = self.start_vf(0, MAC_VF0, linger_ms=LISTEN_MS)
        vf1 = self.start_vf(1, MAC_VF1, linger_ms=LISTEN_MS)
        before = self.vports()
        for k in (0, 1, 2):
            self.assert_vport(before, k, rx_packets=0, tx_packets=0)

        self.send_wire(MAC_VF0, stream=1)  # (a) untagged: VF0
        self.send_wire(MAC_VF0, stream=2, vlan=0)  # (b) priority-tagged: VF0, tag kept
        self.send_wire(MAC_VF0, stream=3, vlan=VLAN_VF1)  # (c) another VLAN: default VPort
        self.send_wire(MAC_VF1, stream=4, vlan=VLAN_VF1)  # (d) VF1, tag kept
        self.send_wire(MAC_UNKNOWN, stream=5)  # (e) default VPort, flooded to vm1
        vp = self.wait_vport_counts({(1, "rx_packets"): 2 * N, (2, "rx_packets"): N,
                                     (0, "rx_packets"): 2 * N})
        r0, r1, rvm = lab.finish(vf0), lab.finish(vf1), lab.finish(vm1)

        self.assertEqual((r0["rx_test"], r0["rx_other"]), (N, N), r0)  # (a), (b) tagged
        self.assertEqual(r0["rx_from"], {mac_norm(MAC_NS): N}, r0)
        self.assertEqual((r0["rx_in_order"], r0["rx_dup"], r0["rx_gap"]), (N, 0, 0), r0)
        self.assertEqual((r1["rx_test"], r1["rx_other"]), (0, N), r1)  # (d) tagged
        self.assertEqual((rvm["rx_test"], rvm["rx_other"]), (N, 0), rvm)  # (e) only
        self.assertEqual(rvm["rx_from"], {mac_norm(MAC_NS): N}, rvm)
        self.assert_vport(vp, 1, rx_packets=2 * N, rx_bytes=N * SIZE + N * (SIZE + TAG),
                          tx_packets=0, drops=0)
        self.assert_vport(vp, 2, rx_packets=N, rx_bytes=N * (SIZE + TAG), tx_packets=0,
                          drops=0)
        self.assert_vport(vp, 0, rx_packets=2 * N, rx_bytes=N * (SIZE + TAG) + N * SIZE,
                          tx_packets=0)
        self.note("show vport nic0\n" + self.table())
        st = lab.stats()  # what the vSwitch delivered: (e) only
        self.assertEqual((st["vm1"]["tx_packets"], st["vm1"]["rx_packets"]), (N, 0), st)

    def test_broadcast_reaches_vports_of_its_vlan(self):
        """A broadcast from the wire goes to the VF VPorts with a filter on its VLAN (VF0 for
        untagged, VF1 for VLAN 7) and to the default VPort, never to a VPort of another VLAN."""
        lab = self.lab
        self.start()
        vf0 = self.start_vf(0, MAC_VF0, linger_ms=LISTEN_MS)
        vf1 = self.start_vf(1, MAC_VF1, linger_ms=LISTEN_MS)
        self.send_wire("ff:ff:ff:ff:ff:ff", stream=1)
        self.send_wire("ff:ff:ff:ff:ff:ff", stream=2, vlan=VLAN_VF1)
        vp = self.wait_vport_counts({(1, "rx_packets"): N, (2, "rx_packets"): N,
                                     (0, "rx_packets"): 2 * N})
        r0, r1 = lab.finish(vf0), lab.finish(vf1)
        self.assertEqual((r0["rx_test"], r0["rx_other"]), (N, 0), r0)
        self.assertEqual((r1["rx_test"], r1["rx_other"]), (0, N), r1)  # tagged 7
        self.assert_vport(vp, 1, rx_packets=N)
        self.assert_vport(vp, 2, rx_packets=N)

    def test_vf_and_vm_talk_with_the_wire_down(self):
        """The default VPort stays operational (R-VP-2) when the PF's wire loses its link:
        a VM and a VF still reach each other both ways, through the NIC switch."""
        lab = self.lab
        tap = "vtw%d" % (time.monotonic_ns() % 100000)  # a TAP wire: its link can go down
        self.start(pf="net_tap1,iface=" + tap)
        lab.wait_links(["uplink"])
        vswlab.run(["ip", "link", "set", tap, "down"])
        lab.wait_links(["uplink"], state="down")
        vf0 = self.start_vf(0, MAC_VF0, expect=N, timeout_s=30)
        vm = lab.start_vm("vm1", self.vm_sock, MAC_VM, send=N, dst=MAC_VF0, pps=VF_PPS,
                          linger_ms=LISTEN_MS)
        r0 = vf0.result()
        lab.finish(vm)
        self.assertEqual((r0["rx_test"], r0["rx_from"]), (N, {mac_norm(MAC_VM): N}), r0)
        lab.wait_links(["vm1", "nic0-vf0"], state="down")
        rvm = lab.start_vm("vm1r", self.vm_sock, MAC_VM, expect=N, timeout_s=30)
        lab.wait_links(["vm1"])
        vf0 = self.start_vf(0, MAC_VF0, send=N, dst=MAC_VM, pps=VF_PPS, linger_ms=LISTEN_MS)
        r1 = rvm.result()
        lab.finish(vf0)
        self.assertEqual((r1["rx_test"], r1["rx_from"]), (N, {mac_norm(MAC_VF0): N}), r1)

    def test_vf_to_vf_bypasses_the_vswitch(self):
        """VF0 to VF1's MAC-only filter: straight to VF1 inside the NIC switch; the vSwitch's
        ports see nothing and nothing leaves by the wire. nic0 is symmetric here (R-VP-5): every
        VPort gets the configured VPorts' count."""
        lab = self.lab
        self.start(vf1_vlan=0, asymmetric=False)
        sw = lab.vswctl("show", "nic-switch", "nic0")
        self.assertIn("allocation: symmetric\n", sw)
        self.assertIn("queue-pairs: total 8 default 2 used 2 free 4", sw)
        vm1 = self.start_vm1(linger_ms=LISTEN_MS)
        out = lab.nsraw_recv(self.ns, self.ns_if, 1, timeout_s=60)
        vf1 = self.start_vf(1, MAC_VF1, expect=N, timeout_s=30, linger_ms=LISTEN_MS)
        st0 = lab.stats()
        vf0 = self.start_vf(0, MAC_VF0, send=N, dst=MAC_VF1, pps=VF_PPS, linger_ms=LISTEN_MS)
        vp = self.wait_vport_counts({(1, "tx_packets"): N, (2, "rx_packets"): N})
        r0, r1, rvm, rout = lab.finish(vf0), lab.finish(vf1), lab.finish(vm1), lab.finish(out)
        st1 = lab.stats()

        self.assertEqual(r0["sent"], N, r0)
        self.assertEqual((r1["rx_test"], r1["rx_other"]), (N, 0), r1)
        self.assertEqual(r1["rx_from"], {mac_norm(MAC_VF0): N}, r1)
        self.assertEqual((r1["rx_in_order"], r1["rx_dup"], r1["rx_gap"]), (N, 0, 0), r1)
        self.assertEqual((r0["rx_test"], r0["rx_other"]), (0, 0), r0)
        self.assertEqual((rvm["rx_test"], rvm["rx_other"]), (0, 0), rvm)
        self.assertEqual((rout["rx_test"], rout["rx_other"]), (0, 0), rout)
        for name in ("uplink", "vm1"):
            for col in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drops"):
                self.assertEqual(st1[name][col], st0[name][col],
                                 "%s %s changed: before %s after %s" % (
                                     name, col, st0[name], st1[name]))
        self.assert_vport(vp, 1, tx_packets=N, tx_bytes=N * SIZE, rx_packets=0, drops=0)
        self.assert_vport(vp, 2, rx_packets=N, rx_bytes=N * SIZE, tx_packets=0, drops=0)
        self.assert_vport(vp, 0, rx_packets=0, tx_packets=0)

    def test_vf_to_wire_and_to_vm(self):
        """VF0 to the external host's MAC: out of the wire only, untagged; VF1 to vm1's MAC:
        through the vSwitch to vm1 only."""
        lab = self.lab
        self.start()
        vm1 = self.start_vm1(linger_ms=LISTEN_MS)
        out = lab.nsraw_recv(self.ns, self.ns_if, N, timeout_s=60, linger_ms=LISTEN_MS)
        vf0 = self.start_vf(0, MAC_VF0, send=N, dst=MAC_NS, pps=VF_PPS, stream=1,
                            linger_ms=LISTEN_MS)
        self.wait_vport_counts({(1, "tx_packets"): N})
        vf1 = self.start_vf(1, MAC_VF1, send=N, dst=MAC_VM, pps=VF_PPS, stream=2,
                            linger_ms=LISTEN_MS)
        lab.wait_count("vm1", "tx_packets", N)
        vp = self.wait_vport_counts({(2, "tx_packets"): N})
        rout, rvm = lab.finish(out), lab.finish(vm1)
        r0, r1 = lab.finish(vf0), lab.finish(vf1)

        self.assertEqual((r0["sent"], r1["sent"]), (N, N), (r0, r1))
        self.assertEqual((rout["rx_test"], rout["rx_other"]), (N, 0), rout)
        self.assertEqual(rout["rx_vlan"], {"untagged": N}, rout)
        self.assertEqual(rout["rx_from"], {mac_norm(MAC_VF0): N}, rout)
        self.assertEqual((rout["rx_in_order"], rout["rx_dup"], rout["rx_gap"]), (N, 0, 0), rout)
        self.assertEqual((rvm["rx_test"], rvm["rx_other"]), (N, 0), rvm)
        self.assertEqual(rvm["rx_from"], {mac_norm(MAC_VF1): N}, rvm)
        self.assertEqual((rvm["rx_in_order"], rvm["rx_dup"], rvm["rx_gap"]), (N, 0, 0), rvm)
        for r in (r0, r1):
            self.assertEqual((r["rx_test"], r["rx_other"]), (0, 0), r)
        self.assert_vport(vp, 1, tx_packets=N, tx_bytes=N * SIZE, rx_packets=0)
        self.assert_vport(vp, 2, tx_packets=N, tx_bytes=N * SIZE, rx_packets=0)
        # RX: what the NIC switch delivered to the VPort; frames for the wire are not the
        # default VPort's, those for vm1 are
        self.assert_vport(vp, 0, rx_packets=N, rx_bytes=N * SIZE, tx_packets=0)
        st = lab.stats()
        self.assertEqual((st["vm1"]["tx_packets"], st["vm1"]["rx_packets"]), (N, 0), st)

    # --- R-VP-8 ---------------------------------------------------------------------------

    def test_r_vp_8_vport_stats_match(self):
        """Every VPort's RX and TX packets and bytes are what the test sent it, in both
        directions, with three frame sizes so that bytes are not packets times a constant:
          wire -> MAC_VF0 untagged   N x 60   VPort 1 RX
          wire -> MAC_VF1 VLAN 7     N x 64   VPort 2 RX
          wire -> unknown untagged   N x 60   VPort 0 RX (into the vSwitch)
          VF0  -> MAC_VM             N x 100  VPort 1 TX, VPort 0 RX (through the vSwitch)
          VF1  -> MAC_VF0            N x 80   VPort 2 TX, VPort 1 RX (inside the NIC switch)
        and, first, wire -> MAC_VF1 VLAN 7 while no VM is on vf1: N drops of VPort 2.
        """
        lab = self.lab
        size0, size1 = 100, 80
        self.start()
        vm1 = self.start_vm1(expect=2 * N, timeout_s=30, linger_ms=LISTEN_MS)
        before = self.vports()
        self.send_wire(MAC_VF1, stream=9, vlan=VLAN_VF1)  # vf1 has no VM yet: dropped
        dropped = self.wait_vport_counts({(2, "drops"): N})
        vf0 = self.start_vf(0, MAC_VF0, send=N, dst=MAC_VM, pps=VF_PPS, size=size0, stream=10,
                            linger_ms=LISTEN_MS)
        vf1 = self.start_vf(1, MAC_VF1, send=N, dst=MAC_VF0, pps=VF_PPS, size=size1,
                            stream=20, linger_ms=LISTEN_MS)
        self.send_wire(MAC_VF0, stream=1)
        self.send_wire(MAC_VF1, stream=2, vlan=VLAN_VF1)
        self.send_wire(MAC_UNKNOWN, stream=3)
        vp = self.wait_vport_counts({(0, "rx_packets"): 2 * N, (1, "rx_packets"): 2 * N,
                                     (1, "tx_packets"): N, (2, "rx_packets"): N,
                                     (2, "tx_packets"): N})
        rvm, r0, r1 = lab.finish(vm1), lab.finish(vf0), lab.finish(vf1)

        self.note("show vport nic0\n" + self.table())
        for k in (0, 1, 2):
            self.assert_vport(before, k, rx_packets=0, rx_bytes=0, tx_packets=0, tx_bytes=0,
                              drops=0)
        self.assert_vport(dropped, 2, rx_packets=0, rx_bytes=0, drops=N)
        for k in (0, 1):
            self.assert_vport(dropped, k, rx_packets=0, drops=0)
        self.assertEqual((r0["sent"], r1["sent"]), (N, N), (r0, r1))
        self.assertEqual((r0["rx_test"], r0["rx_other"]), (2 * N, 0), r0)
        self.assertEqual(r0["rx_from"], {mac_norm(MAC_NS): N, mac_norm(MAC_VF1): N}, r0)
        self.assertEqual((r1["rx_test"], r1["rx_other"]), (0, N), r1)
        self.assertEqual((rvm["rx_test"], rvm["rx_other"]), (2 * N, 0), rvm)
        self.assertEqual(rvm["rx_from"], {mac_norm(MAC_NS): N, mac_norm(MAC_VF0): N}, rvm)
        self.assert_vport(vp, 0, rx_packets=2 * N, rx_bytes=N * SIZE + N * size0,
                          tx_packets=0, tx_bytes=0, drops=0)
        self.assert_vport(vp, 1, rx_packets=2 * N, rx_bytes=N * SIZE + N * size1,
                          tx_packets=N, tx_bytes=N * size0, drops=0)
        self.assert_vport(vp, 2, rx_packets=N, rx_bytes=N * (SIZE + TAG),
                          tx_packets=N, tx_bytes=N * size1, drops=N)
        # nothing went out to the wire, and vm1 got what the default VPort took in
        st = lab.stats()
        self.assertEqual((st["uplink"]["tx_packets"], st["uplink"]["tx_bytes"]), (0, 0), st)
        self.assertEqual((st["vm1"]["tx_packets"], st["vm1"]["tx_bytes"]),
                         (2 * N, N * SIZE + N * size0), st)


class ModerationTest(NicSwitchLab):
    """R-VP-6 on the emulated backend: a VPort's interrupt moderation bounds the tx bursts
    the workers deliver to its VF (each burst is one guest interrupt, see
    lib/control/nicsw_ctl.c), without losing or reordering a frame."""

    RATE = 100  # bursts a second allowed to VF 1
    MOD_N = 1000
    MOD_PPS = 2000  # 0.5 s a stream; frames per allowed burst (20) stay under a full burst

    def vport_json(self):
        out = json.loads(self.lab.vswctl("--json", "show", "vport", "nic0"))
        return {v["id"]: v for v in out["vports"]}

    def stream_to(self, vf, mac, stream):
        """MOD_N frames from the wire to VF vf; returns (frames, bursts, seconds)."""
        vm = self.start_vf(vf, mac, expect=self.MOD_N, timeout_s=30, linger_ms=LISTEN_MS)
        before = self.vport_json()[vf + 1]
        t0 = time.monotonic()
        sent = self.lab.nsraw_send(self.ns, self.ns_if, MAC_NS, mac, self.MOD_N,
                                   pps=self.MOD_PPS, stream=stream)
        elapsed = time.monotonic() - t0
        self.assertEqual(sent["sent"], self.MOD_N, sent)
        r = self.lab.finish(vm)
        after = self.vport_json()[vf + 1]
        self.assertEqual((r["rx_test"], r["rx_other"]), (self.MOD_N, 0), r)
        self.assertEqual((r["rx_in_order"], r["rx_dup"], r["rx_gap"]), (self.MOD_N, 0, 0), r)
        return (after["rx_packets"] - before["rx_packets"],
                after["rx_bursts"] - before["rx_bursts"], elapsed)

    def test_r_vp_6_moderation_bounds_bursts_to_the_vf(self):
        self.start(vf1_vlan=0, moderation=("off", str(self.RATE)))
        vp = self.vport_json()
        self.assertEqual((vp[1]["interrupt_moderation"], vp[2]["interrupt_moderation"],
                          vp[2]["interrupt_rate_per_s"]), ("off", "rate", self.RATE), vp)
        n_off, bursts_off, _ = self.stream_to(0, MAC_VF0, 1)
        n_mod, bursts_mod, secs = self.stream_to(1, MAC_VF1, 2)
        print("moderation off: %d frames in %d bursts; rate %d/s: %d frames in %d bursts "
              "over %.2f s" % (n_off, bursts_off, self.RATE, n_mod, bursts_mod, secs))
        self.assertEqual((n_off, n_mod), (self.MOD_N, self.MOD_N))
        # Off: a burst per pass that got frames; nsraw.py sends in small batches, so a few
        # frames share one (about 400 bursts for 1000 frames here).
        self.assertGreater(bursts_off, self.MOD_N // 5)
        self.assertGreater(bursts_off, 3 * bursts_mod)
        # Rate: at most RATE a second (the stream, plus its last held frames' one burst).
        self.assertLessEqual(bursts_mod, int(self.RATE * secs) + 2)
        self.assertGreater(bursts_mod, 0)

    def test_held_frames_dropped_when_the_vf_goes(self):
        """A VF whose frames wait under moderation disconnects: the worker drops them on the
        next configuration (counted), vswd keeps forwarding, no mbuf leaks."""
        self.start(vf1_vlan=0, moderation=("off", "1"))
        vm = self.start_vf(1, MAC_VF1, linger_ms=LISTEN_MS)
        # One frame goes at once (the gap counts from the previous burst), the rest wait 1 s.
        self.send_wire(MAC_VF1, 3, count=5)
        end = time.monotonic() + 10
        while self.vports()[2]["rx_packets"] < 5:  # no settling: the hold lasts 1 s
            self.assertLess(time.monotonic(), end, self.table())
            time.sleep(0.02)
        r = self.lab.finish(vm)  # gone while frames are held
        time.sleep(1.5)
        drops = self.lab.stats()["nic0-vf1"]["drops"]
        print("held frames: %d delivered, %d dropped when the vf went" % (r["rx_test"], drops))
        # Each frame is delivered or dropped once, never lost or sent to a closed device.
        # Whether any is still held when the VF goes depends on how fast vsw-vm exits
        # (seen: 1 delivered and 4 dropped, or all 5 delivered on a loaded host).
        self.assertEqual(r["rx_test"] + drops, 5, r)
        vf0 = self.start_vf(0, MAC_VF0, expect=N, timeout_s=30, linger_ms=LISTEN_MS)
        self.send_wire(MAC_VF0, 4)
        r = self.lab.finish(vf0)
        self.assertEqual((r["rx_test"], r["rx_other"]), (N, 0), r)


if __name__ == "__main__":
    vswlab.main()
