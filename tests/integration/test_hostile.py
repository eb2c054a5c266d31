#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hostile frames from a VM and from the wire, through the real vswd.

VM A (vsw-vm, untagged domain) sends runts, a cut 802.1Q tag, a QinQ frame, frames over the
MTU (one of them longer than five mbufs), and frames from zero, broadcast and multicast source
MACs; the external host (nsraw.py behind an af_packet uplink, trunk of VLAN 10) sends bad
sources, A's own MAC (a loop outside the switch) and a QinQ frame for VM C on VLAN 10. Each
kind is dropped on ingress and counted by its reason in `show port stats NAME`, exactly; the
QinQ frame from the wire is a frame of its outer VLAN and reaches C with its inner tag, as a
802.1Q bridge does. Afterwards the worker still forwards (A -> B, every frame) and the mbuf
pool is back to its idle count. The kernel drops cut tags and runts on a veth before vswd
sees them, so those come from the VM only.

Faults: a VM SIGKILLed while a flood reaches it, three times, and the uplink's link taken down
and up, all under A -> B traffic: nothing of A -> B is lost and the mbuf pool returns to its
idle count (`show datapath`, mbufs-in-use).
"""

import struct
import time

import vswlab
from vswlab import LISTEN_MS, LabCase, external, synthetic

MAC_A = "02:00:00:00:0a:01"
MAC_B = "02:00:00:00:0b:01"
MAC_C = "02:00:00:00:0c:01"
MAC_NS = "02:00:00:00:ee:01"
N = 50  # of each kind: exact counts need no volume
PPS = 2000
MTU_FRAME_MAX = 1500 + 14 + 8  # what vswd admits: MTU, Ethernet header, two tags


def mac(text):
    return bytes.fromhex(text.replace(":", ""))


def frame(dst, src, tags=(), size=60, ethertype=0x88B5):
    """dst and src as bytes; tags as (tpid, vid) pairs, outermost first."""
    f = dst + src + b"".join(struct.pack("!HH", tpid, vid) for tpid, vid in tags)
    f += struct.pack("!H", ethertype)
    return f + bytes(max(0, size - len(f)))


BCAST = b"\xff" * 6
ZERO = bytes(6)
MCAST = mac("01:00:5e:00:00:01")


class HostileTest(LabCase):
    def start(self):
        lab = self.lab
        self.ns, host_if, self.ns_if = lab.add_veth_netns()
        self.sock = {n: lab.path("vm%s.sock" % n) for n in "abc"}
        topo = lab.write_topology([
            external("uplink", "net_af_packet0,iface=%s,qpairs=1" % host_if,
                     vlan="{ mode: trunk, allowed: [10] }"),
            synthetic("vma", MAC_A, self.sock["a"]),
            synthetic("vmb", MAC_B, self.sock["b"]),
            synthetic("vmc", MAC_C, self.sock["c"], vlan="{ mode: access, id: 10 }")])
        lab.start_vswd(topo)

    def mbufs_in_use(self):
        out = self.lab.vswctl("show", "datapath")
        return int(out.split("mbufs-in-use")[1].split()[0])

    def drops(self, port):
        st = self.lab.port_detail("stats", port)
        return {k: v for k, v in st.items() if k.startswith("drop-") and v}

    def wait_drops(self, port, want, timeout=20):
        end = time.monotonic() + timeout
        while True:
            got = self.drops(port)
            if got == want or time.monotonic() > end:
                self.assertEqual(got, want, port)
                return
            time.sleep(0.1)

    def vm_send(self, name, raw, n=N):
        """VM `name` sends raw n times; returns once vswd has taken them all."""
        vm = self.lab.start_vm("%s-%d" % (name, len(self.lab.procs)), self.sock[name],
                               {"a": MAC_A, "b": MAC_B}[name], send=n, raw=raw, pps=PPS,
                               linger_ms=500)  # a driver that exits drops its tx ring
        res = vm.result()
        self.assertEqual(res["sent"], n, res)

    def test_hostile_frames_dropped_and_counted(self):
        lab = self.lab
        self.start()
        b = lab.start_vm("b", self.sock["b"], MAC_B, expect=N, timeout_s=120)
        c = lab.start_vm("c", self.sock["c"], MAC_C, timeout_s=60, linger_ms=LISTEN_MS)
        lab.wait_links(["uplink", "vmb", "vmc"])
        idle = self.mbufs_in_use()
        a, nb, bb = mac(MAC_A), mac(MAC_B), BCAST
        # From a VM.
        self.vm_send("a", a[:10])                                   # runt
        self.vm_send("a", nb + a[:1])                               # 13 bytes
        self.vm_send("a", nb + a + b"\x81\x00\x00")                 # a tag cut short
        self.vm_send("a", frame(nb, a, ((0x8100, 10), (0x8100, 20))))  # QinQ on an access port
        self.vm_send("a", frame(nb, a, size=MTU_FRAME_MAX + 1))     # over the MTU, 2 mbufs
        self.vm_send("a", frame(bb, a, size=9000))                  # jumbo, 5 mbufs
        for src in (ZERO, BCAST, MCAST):
            self.vm_send("a", frame(nb, src))
        self.wait_drops("vma", {"drop-runt": 3 * N, "drop-vlan": N, "drop-oversize": 2 * N,
                                "drop-bad-src": 3 * N})
        # From the wire.
        for src in (ZERO, MCAST, a):
            sent = lab.nsraw_send(self.ns, self.ns_if, None, None, N, pps=PPS,
                                  raw=frame(bb, src))
            self.assertEqual(sent["sent"], N, sent)
        qinq = frame(mac(MAC_C), mac(MAC_NS), ((0x8100, 10), (0x8100, 20)))
        lab.nsraw_send(self.ns, self.ns_if, None, None, N, pps=PPS, raw=qinq)
        self.wait_drops("uplink", {"drop-bad-src": 2 * N, "drop-loop": N})
        lab.wait_count("vmc", "tx_packets", N)
        # The switch still forwards everything, and every mbuf is back.
        sender = lab.start_vm("a", self.sock["a"], MAC_A, send=N, dst=MAC_B, pps=PPS,
                              linger_ms=LISTEN_MS)
        rb, rc = b.result(), lab.finish(c)
        lab.finish(sender)
        self.assertEqual((rb["rx_test"], rb["rx_in_order"], rb["rx_other"]), (N, N, 0), rb)
        self.assertEqual((rc["rx_test"], rc["rx_other"]), (0, N), rc)  # inner tag kept
        st = lab.stats()
        self.assertEqual(st["vmb"]["tx_packets"], N, st)  # nothing hostile got through
        self.assertEqual(st["vmc"]["tx_packets"], N, st)
        self.wait_drops("vma", {"drop-runt": 3 * N, "drop-vlan": N, "drop-oversize": 2 * N,
                                "drop-bad-src": 3 * N})
        end = time.monotonic() + 10
        while self.mbufs_in_use() != idle and time.monotonic() < end:
            time.sleep(0.1)
        self.assertEqual(self.mbufs_in_use(), idle)
        self.note("10 kinds x %d frames dropped by reason; %d mbufs in use idle" % (N, idle))

    def test_faults_return_every_mbuf(self):
        """A VM killed (SIGKILL) in the middle of a flood to it, three times, and the
        uplink's veth taken down and up under traffic: A -> B loses nothing, and the pool
        is back to its idle count once the traffic stops."""
        lab = self.lab
        n = 6000  # 3 s at PPS: the kills and the flap happen while A sends
        self.start()
        b = lab.start_vm("b", self.sock["b"], MAC_B, expect=n, timeout_s=120)
        lab.wait_links(["uplink", "vmb"])
        idle = self.mbufs_in_use()
        a = lab.start_vm("a", self.sock["a"], MAC_A, send=n, dst=MAC_B, pps=PPS,
                         linger_ms=LISTEN_MS)
        for i in range(3):
            # C receives a broadcast stream from the wire, then dies with frames in flight.
            c = lab.start_vm("c%d" % i, self.sock["c"], MAC_C, linger_ms=LISTEN_MS)
            lab.wait_links(["vmc"])
            flood = lab.spawn("flood%d" % i, [
                "ip", "netns", "exec", self.ns, vswlab.sys.executable, vswlab.NSRAW, "send",
                "--iface", self.ns_if, "--src", MAC_NS, "--dst", "ff:ff:ff:ff:ff:ff",
                "--vlan", "10", "--count", "1000", "--pps", "5000"])
            time.sleep(0.1)
            lab.stop(c, sig=9)
            flood.result()
            lab.wait_links(["vmc"], state="down")
        host_if = lab.links[0]
        vswlab.run(["ip", "link", "set", host_if, "down"])
        time.sleep(0.5)
        vswlab.run(["ip", "link", "set", host_if, "up"])
        rb = b.result()
        lab.finish(a)
        self.assertEqual((rb["rx_test"], rb["rx_in_order"], rb["rx_gap"]), (n, n, 0), rb)
        end = time.monotonic() + 10
        while self.mbufs_in_use() != idle and time.monotonic() < end:
            time.sleep(0.1)
        self.assertEqual(self.mbufs_in_use(), idle)
        self.note("3 VM kills and a link flap under traffic; %d mbufs in use idle" % idle)


if __name__ == "__main__":
    vswlab.main()
