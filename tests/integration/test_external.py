#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The external port: a veth pair whose host end is vswd's uplink, its peer in a netns.

nsraw.py plays the external host in the namespace; vsw-vm plays VMs A and B. Checked for the
af_packet PMD and for af_xdp: unicast from outside reaches only the VM it is for, broadcast
from a VM reaches the outside and the other VM (not the sender), and unicast to a MAC no port
owns leaves through the uplink only. Counts are exact: the links carry nothing else (IPv6 off,
no addresses).
"""

import shutil
import time

import vswlab
from vswlab import LISTEN_MS, LabCase, external, synthetic

MAC_A = "02:00:00:00:0a:01"
MAC_B = "02:00:00:00:0b:01"
MAC_NS = "02:00:00:00:ee:01"  # the external host: no switch port owns it
N = 2000
LEARN_N = 10  # frames from the external host that teach the switch where it is
AGING_S = 2
NS_PPS = 20000  # nsraw.py is python; the af_packet PMD ring holds 512 frames


class ExternalBase:
    device = None  # vdev string with "{iface}"; None: `netdev:`, vsw picks the PMD
    pmd = None  # with netdev: the PMD vsw must have picked (af_xdp, af_packet)

    def prepare_iface(self, iface):
        """Called on the host end of the veth before vswd starts."""

    def start(self, fdb=None):
        lab = self.lab
        self.ns, host_if, self.ns_if = lab.add_veth_netns()
        self.prepare_iface(host_if)
        self.sock_a, self.sock_b = lab.path("vma.sock"), lab.path("vmb.sock")
        uplink = (external("uplink", self.device.format(iface=host_if)) if self.device
                  else vswlab.port("uplink", "external", netdev=host_if))
        topo = lab.write_topology([uplink, synthetic("vma", MAC_A, self.sock_a),
                                   synthetic("vmb", MAC_B, self.sock_b)], fdb=fdb)
        vswd = lab.start_vswd(topo)
        if self.pmd:
            self.assertRegex(lab.vswctl("show", "port"),
                             r"uplink .* net_%s_uplink,iface=%s" % (self.pmd, host_if))
        return vswd

    def assert_received(self, res, n, sources):
        self.assertEqual(res["rx_test"], n, res)
        self.assertEqual(res["rx_in_order"], n, res)
        self.assertEqual((res["rx_dup"], res["rx_gap"], res["rx_other"]), (0, 0, 0), res)
        self.assertEqual(res["rx_from"], sources, res)

    def assert_nothing(self, res):
        self.assertEqual((res["rx_test"], res["rx_other"]), (0, 0), res)

    def test_unicast_from_outside(self):
        lab = self.lab
        self.start()
        a = lab.start_vm("a", self.sock_a, MAC_A, linger_ms=LISTEN_MS)
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=N)
        lab.wait_links(["uplink", "vma", "vmb"])
        sent = lab.nsraw_send(self.ns, self.ns_if, MAC_NS, MAC_B, N, pps=NS_PPS)
        self.assertEqual(sent["sent"], N, sent)
        rb = b.result()
        self.assert_received(rb, N, {MAC_NS: N})
        st = lab.stats()
        self.assertGreaterEqual(st["uplink"]["rx_packets"], N, st)
        self.assertEqual(st["vmb"]["tx_packets"], N, st)
        self.assertEqual(st["vma"]["tx_packets"], 0, st)
        self.assert_nothing(lab.finish(a))
        self.note("outside -> B: rx_pps %d" % rb["rx_pps"])

    def test_broadcast_from_vm(self):
        lab = self.lab
        self.start()
        out = lab.nsraw_recv(self.ns, self.ns_if, N)
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=N)
        lab.wait_links(["uplink", "vmb"])
        a = lab.start_vm("a", self.sock_a, MAC_A, send=N, broadcast=True, pps=NS_PPS,
                         linger_ms=LISTEN_MS)
        rout, rb = out.result(), b.result()
        ra = lab.finish(a)
        self.assertEqual(ra["sent"], N, ra)
        self.assert_received(rout, N, {MAC_A: N})
        self.assert_received(rb, N, {MAC_A: N})
        self.assert_nothing(ra)  # no hairpin: a flood skips the port it came from
        st = lab.stats()
        self.assertEqual(st["uplink"]["tx_packets"], N, st)
        self.assertEqual((st["vma"]["rx_packets"], st["vmb"]["tx_packets"]), (N, N), st)
        # the port-stats extension classifies what it sees on each port
        self.assertRegex(lab.vswctl("show", "port", "stats", "vma"),
                         r"rx-unicast: 0\n  rx-multicast: 0\n  rx-broadcast: %d\n" % N)
        self.assertRegex(lab.vswctl("show", "port", "stats", "uplink"),
                         r"tx-unicast: 0\n  tx-multicast: 0\n  tx-broadcast: %d\n" % N)
        self.note("broadcast A -> outside: rx_pps %d" % rout["rx_pps"])

    def test_unknown_unicast_floods_until_learned(self):
        """A MAC nobody owns is flooded in its VLAN, like a bridge does; once the external host
        has spoken, the switch has learned it behind the uplink and unicasts to it alone."""
        lab = self.lab
        self.start()
        out = lab.nsraw_recv(self.ns, self.ns_if, N)
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=N + LEARN_N, timeout_s=60,
                         linger_ms=LISTEN_MS)
        lab.wait_links(["uplink", "vmb"])
        a = lab.start_vm("a", self.sock_a, MAC_A, send=N, dst=MAC_NS, pps=NS_PPS,
                         linger_ms=LISTEN_MS)
        self.assert_received(out.result(), N, {MAC_A: N})
        self.assert_nothing(lab.finish(a))
        lab.wait_count("vmb", "tx_packets", N)
        self.assertNotIn((vswlab.mac_norm(MAC_NS), "0"), lab.fdb())

        sent = lab.nsraw_send(self.ns, self.ns_if, MAC_NS, MAC_B, LEARN_N, pps=NS_PPS)
        self.assertEqual(sent["sent"], LEARN_N, sent)
        lab.wait_fdb(MAC_NS, 0, "uplink")

        out = lab.nsraw_recv(self.ns, self.ns_if, N)
        a = lab.start_vm("a2", self.sock_a, MAC_A, send=N, dst=MAC_NS, pps=NS_PPS,
                         linger_ms=LISTEN_MS)
        self.assert_received(out.result(), N, {MAC_A: N})
        self.assert_nothing(lab.finish(a))
        rb = lab.finish(b)  # two streams whose sequence numbers overlap: count by source
        self.assertEqual((rb["rx_test"], rb["rx_other"]), (N + LEARN_N, 0), rb)
        self.assertEqual(rb["rx_from"], {MAC_A: N, MAC_NS: LEARN_N}, rb)
        st = lab.stats()
        self.assertEqual((st["uplink"]["tx_packets"], st["vmb"]["tx_packets"]),
                         (2 * N, N + LEARN_N), st)


    def test_learned_mac_ages_out(self):
        """Learned behind the uplink, then forgotten after aging_s without a frame from it:
        frames to it are flooded again."""
        lab = self.lab
        self.start(fdb="{ aging_s: %d }" % AGING_S)
        b = lab.start_vm("b", self.sock_b, MAC_B, expect=LEARN_N + N, timeout_s=60,
                         linger_ms=LISTEN_MS)
        lab.wait_links(["uplink", "vmb"])
        sent = lab.nsraw_send(self.ns, self.ns_if, MAC_NS, MAC_B, LEARN_N, pps=NS_PPS)
        self.assertEqual(sent["sent"], LEARN_N, sent)
        lab.wait_fdb(MAC_NS, 0, "uplink")
        start = time.monotonic()
        while (vswlab.mac_norm(MAC_NS), "0") in lab.fdb():
            self.assertLess(time.monotonic() - start, AGING_S + 3, "not aged out")
            time.sleep(0.2)
        self.assertGreaterEqual(time.monotonic() - start, AGING_S - 1.5)
        out = lab.nsraw_recv(self.ns, self.ns_if, N)
        a = lab.start_vm("a", self.sock_a, MAC_A, send=N, dst=MAC_NS, pps=NS_PPS,
                         linger_ms=LISTEN_MS)
        self.assert_received(out.result(), N, {MAC_A: N})
        lab.finish(a)
        rb = lab.finish(b)  # flooded again: B gets them too
        self.assertEqual(rb["rx_from"], {MAC_NS: LEARN_N, MAC_A: N}, rb)


class AfPacketTest(ExternalBase, LabCase):
    device = "net_af_packet0,iface={iface}"


class AfXdpTest(ExternalBase, LabCase):
    device = "net_af_xdp0,iface={iface},start_queue=0,queue_count=1"


class NetdevAfXdpTest(ExternalBase, LabCase):
    """`netdev:` on an external port: vsw sets up AF_XDP itself (queues, default program)."""
    pmd = "af_xdp"


class NetdevFallbackTest(ExternalBase, LabCase):
    """Another XDP program already holds the interface: AF_XDP cannot attach its own, and vsw
    falls back to af_packet, saying why."""
    pmd = "af_packet"

    def prepare_iface(self, iface):
        src, obj = self.lab.path("pass.c"), self.lab.path("pass.o")
        with open(src, "w") as f:
            f.write('__attribute__((section("xdp"), used)) int pass(void *c) '
                    '{ (void)c; return 2; }\n'
                    'char lic[] __attribute__((section("license"), used)) = "GPL";\n')
        if not shutil.which("clang"):
            self.skipTest("clang missing: cannot build the XDP program that blocks AF_XDP")
        vswlab.run(["clang", "-O2", "-target", "bpf", "-c", src, "-o", obj])
        vswlab.run(["ip", "link", "set", "dev", iface, "xdpdrv", "obj", obj, "sec", "xdp"])

    def start(self, fdb=None):
        vswd = super().start(fdb)
        self.assertRegex(vswd.output(), r"uplink: af_xdp cannot start on \S+ \(.+\): "
                                        r"falling back to af_packet")
        return vswd


if __name__ == "__main__":
    vswlab.main()
