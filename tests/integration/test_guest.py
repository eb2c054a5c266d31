#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Real Linux guests (QEMU, TCG) on vswd: ICMP through the kernel's virtio-net and vmxnet3
drivers, not a DPDK stand-in.

- A guest's virtio-net on a vhost-user port pings a netns host behind vswd's af_packet
  external port and is pinged by it, with vswd serving the socket and with vswd connecting
  to QEMU's; the port counters show every frame went that way. Then a TCP connection from
  the guest: the guest offloads its checksums to the device, vswd must finish them.
- Two guests on two vhost-user ports ping each other through vswd.
- net_failover with the emulated NIC switch: standby virtio-net on a vhost-user port, primary
  vmxnet3 hot-plugged (QMP device_add) on the tap vswd shows VF 0 as; the guest's failover
  master pings the wire's netns host through the VF, then the primary is unplugged
  (device_del) and the test records what the guest and vswd see. Steering the VM's MAC back
  to the synthetic path is not done by vswd yet, so the unplugged phase only reports.

Each test logs its timings (boot, device_del -> DEVICE_DELETED, failover transitions).
"""

import json
import time

import guest
import vswlab
from guest import Guest, GuestCase, TapNetdev, VhostNic
from vswlab import external, port, synthetic

MAC1 = "52:54:00:e2:00:02"
MAC2 = "52:54:00:e2:00:03"
NS_IP, VM1_IP, VM2_IP = "10.77.0.1", "10.77.0.2", "10.77.0.3"
N = 5  # pings per direction
ARP_SLACK = 6  # ARP requests and replies that may ride along with the pings
PING_INTERVAL_S = 0.1  # the background ping across a failover


class GuestTest(GuestCase):
    def netns_host(self):
        """The external host: a netns behind a veth whose other end vswd opens."""
        ns, host_if, ns_if = self.lab.add_veth_netns()
        vswlab.run(["ip", "-n", ns, "addr", "add", NS_IP + "/24", "dev", ns_if])
        return ns, host_if

    def ns_ping(self, ns, dst, count=N):
        p = vswlab.run(["ip", "netns", "exec", ns, "ping", "-c", str(count), "-i", "0.2",
                        "-W", "2", dst], check=False, timeout=count + 30)
        self.assertIn("%d packets transmitted, %d received" % (count, count), p.stdout,
                      p.stdout)

    def configure(self, g, mac, cidr):
        ifname = g.ifname(mac)
        g.set_ip(ifname, cidr)
        g.wait_link(ifname)
        return ifname

    def delta(self, before, after, name, col):
        return after[name][col] - before[name][col]

    def stats_after(self, before, names, n):
        """vswd's counters once every named port has rx and tx n more than before (a worker
        may publish its counters a moment after the frame left)."""
        for name in names:
            for col in ("rx_packets", "tx_packets"):
                self.lab.wait_count(name, col, before[name][col] + n, timeout=5)
        return self.lab.stats()

    def tcp_to_netns(self, g, ns):
        """A TCP connection from the guest to a listener in the netns. The guest's virtio-net
        leaves checksums to the device (VIRTIO_NET_F_CSUM, on by default in QEMU): a frame
        passed on with its checksum unfinished is dropped by the netns' kernel, so the
        connection never opens."""
        srv = self.lab.spawn("tcp-listener", [
            "ip", "netns", "exec", ns, "python3", "-c",
            "import socket; s = socket.socket(); s.bind((%r, 5555)); s.listen(1); "
            "s.settimeout(60); print('listening', flush=True); c, _ = s.accept(); "
            "c.settimeout(30); print('got', c.recv(100).decode().strip(), flush=True)" % NS_IP])
        srv.wait_for("listening", 30)
        rc, out = g.run("echo vsw-tcp-check | nc -w 5 %s 5555" % NS_IP, timeout=60)
        srv.wait_for("got vsw-tcp-check", 60)
        self.assertEqual(rc, 0, out)

    def assert_no_offload_features(self, g, ifname):
        """The guest negotiated none of the offloads vsw does not do (it forwards frames as they
        are): checksums (CSUM, bit 0), segmentation (HOST_TSO4/6, 11 and 12; HOST_ECN, 13;
        HOST_UFO, 14). Mergeable rx buffers (15) show the bits were read at all."""
        rc, out = g.run("cat /sys/class/net/%s/device/features" % ifname)
        bits = [w for w in out.split() if len(w) >= 32 and set(w) <= {"0", "1"}]
        self.assertEqual((rc, len(bits)), (0, 1), out)
        self.assertEqual(bits[0][15], "1", out)
        for name, bit in (("CSUM", 0), ("HOST_TSO4", 11), ("HOST_TSO6", 12), ("HOST_ECN", 13),
                          ("HOST_UFO", 14)):
            self.assertEqual(bits[0][bit], "0", "guest negotiated %s: %s" % (name, bits[0]))

    def assert_ping(self, res, count=N):
        self.assertEqual((res["rc"], res["sent"], res["received"]), (0, count, count),
                         res["out"])

    # --- a. guest <-> netns host, both vhost-user roles --------------------------------

    def vm_to_netns(self, vswd_mode):
        lab = self.lab
        ns, host_if = self.netns_host()
        sock = lab.path("vm1.sock")
        topo = lab.write_topology([external("uplink", "net_af_packet0,iface=" + host_if),
                                   synthetic("vm1", MAC1, sock, mode=vswd_mode)])
        nic = VhostNic(sock, MAC1, server=(vswd_mode == "client"))
        if vswd_mode == "server":
            lab.start_vswd(topo)
            g = Guest(lab, "g1", nics=[nic])
        else:  # QEMU serves the socket: it goes first, vswd connects while the guest boots
            g = Guest(lab, "g1", nics=[nic], boot=False)
            lab.start_vswd(topo)
            g.wait_booted()
        ifname = self.configure(g, MAC1, VM1_IP + "/24")
        self.assert_no_offload_features(g, ifname)
        lab.wait_links(["uplink", "vm1"])
        reach_s = g.wait_reachable(NS_IP)
        before, gbefore = lab.stats(), g.counters(ifname)
        self.assert_ping(g.ping(NS_IP))
        self.ns_ping(ns, VM1_IP)
        after, gafter = self.stats_after(before, ("vm1", "uplink"), 2 * N), g.counters(ifname)
        # N requests and N replies each way, all of them through vm1 and the uplink
        for name in ("vm1", "uplink"):
            for col in ("rx_packets", "tx_packets"):
                d = self.delta(before, after, name, col)
                self.assertGreaterEqual(d, 2 * N, (name, col, before[name], after[name]))
                self.assertLessEqual(d, 2 * N + ARP_SLACK, (name, col, after[name]))
        self.assertGreaterEqual(gafter["rx_packets"] - gbefore["rx_packets"], 2 * N)
        self.assertGreaterEqual(gafter["tx_packets"] - gbefore["tx_packets"], 2 * N)
        self.tcp_to_netns(g, ns)
        self.note("vswd %s: boot %.1f s, first reply %.1f s after link" % (
            vswd_mode, g.boot_s, reach_s))

    def test_vm_netns_vswd_server(self):
        self.vm_to_netns("server")

    def test_vm_netns_vswd_client(self):
        self.vm_to_netns("client")

    # --- b. two guests ------------------------------------------------------------------

    def test_two_vms(self):
        lab = self.lab
        s1, s2 = lab.path("vm1.sock"), lab.path("vm2.sock")
        lab.start_vswd(lab.write_topology([synthetic("vm1", MAC1, s1),
                                           synthetic("vm2", MAC2, s2)]))
        # both boot at once: on 2 busy CPUs this is the longest wait of the suite
        g1 = Guest(lab, "g1", nics=[VhostNic(s1, MAC1)], boot=False)
        g2 = Guest(lab, "g2", nics=[VhostNic(s2, MAC2)], boot=False)
        g1.wait_booted()
        g2.wait_booted()
        self.configure(g1, MAC1, VM1_IP + "/24")
        self.configure(g2, MAC2, VM2_IP + "/24")
        lab.wait_links(["vm1", "vm2"])
        g1.wait_reachable(VM2_IP)
        before = lab.stats()
        self.assert_ping(g1.ping(VM2_IP))
        self.assert_ping(g2.ping(VM1_IP))
        after = self.stats_after(before, ("vm1", "vm2"), 2 * N)
        for name in ("vm1", "vm2"):
            for col in ("rx_packets", "tx_packets"):
                d = self.delta(before, after, name, col)
                self.assertGreaterEqual(d, 2 * N, (name, col, after[name]))
                self.assertLessEqual(d, 2 * N + ARP_SLACK, (name, col, after[name]))
        self.note("boot %.1f s and %.1f s (together)" % (g1.boot_s, g2.boot_s))

    # --- c. net_failover: the emulated VF as primary ------------------------------------

    def vports(self):
        out = self.lab.vswctl("show", "vport", "nic0")
        return {r.split()[0]: {"rx": int(r.split()[4]), "tx": int(r.split()[6])}
                for r in out.splitlines()[1:] if r.split()}

    def test_failover_vf_hotplug(self):
        lab = self.lab
        ns, wire_if = self.netns_host()
        tap = guest.add_tap(lab)
        sock = lab.path("vm1.sock")
        nicsw = "\n".join([
            "nic_switches:",
            "  - name: nic0",
            "    backend: emulated",
            "    pf: %s" % json.dumps("net_af_packet1,iface=" + wire_if),
            "    num_vfs: 1",
            "    queue_pairs: { total: 4, default_vport: 1 }",
            "    asymmetric: true",
            "    vf_socket_dir: %s" % json.dumps(lab.path("vf")),
            "    vports:",
            "      - { id: 1, function: vf0, vf_netdev: %s," % json.dumps(tap),
            "          filters: [ { mac: %s, vlan: 0 } ] }" % json.dumps(MAC1),
            ""])
        lab.start_vswd(lab.write_topology(
            [port("uplink", "external", nic_switch="nic0"), synthetic("vm1", MAC1, sock)],
            extra_yaml=nicsw))
        g = Guest(lab, "g1", nics=[VhostNic(sock, MAC1, failover=True, id="standby0")],
                  netdevs=[TapNetdev(tap, "vf0")])
        t0 = time.monotonic()
        g.add_primary("vf0", MAC1, "standby0")
        fo, plug_s = g.wait_failover(primary=True)
        self.assertEqual(g.interfaces()[fo["primary"]]["driver"], "vmxnet3", fo)
        master = fo["master"]
        g.set_ip(master, VM1_IP + "/24")
        g.wait_link(master)
        lab.wait_links(["uplink", "vm1", "nic0-vf0"])
        reach_s = g.wait_reachable(NS_IP)
        self.note("primary in the guest %.1f s after device_add, first reply %.1f s later "
                  "(boot %.1f s)" % (plug_s, reach_s, g.boot_s))

        # VF path: guest -> vmxnet3 -> tap -> VF 0 -> NIC switch -> wire, and back by the
        # VPort's MAC filter; the vSwitch's vm1 port carries none of it
        before, vp0, p0 = lab.stats(), self.vports(), g.counters(fo["primary"])
        self.assert_ping(g.ping(NS_IP))
        self.ns_ping(ns, VM1_IP)
        after = self.stats_after(before, ("nic0-vf0",), 2 * N)
        vp1, p1 = self.vports(), g.counters(fo["primary"])
        for col in ("rx_packets", "tx_packets"):
            self.assertGreaterEqual(self.delta(before, after, "nic0-vf0", col), 2 * N, after)
            self.assertLessEqual(self.delta(before, after, "vm1", col), ARP_SLACK, after)
        self.assertGreaterEqual(vp1["1"]["rx"] - vp0["1"]["rx"], 2 * N, vp1)
        self.assertGreaterEqual(vp1["1"]["tx"] - vp0["1"]["tx"], 2 * N, vp1)
        self.assertGreaterEqual(p1["rx_packets"] - p0["rx_packets"], 2 * N, p1)

        # VF detach and attach again under a 10 Hz ping from the guest: device_del, then
        # what the guest and vswd do; device_add, and the primary carries the traffic again
        t_ping = g.ping_start(NS_IP, interval=PING_INTERVAL_S)
        time.sleep(1)
        before = lab.stats()
        t_del = time.monotonic()
        del_s = g.device_del("primary0")
        fo2, gone_s = g.wait_failover(primary=False)
        self.assertEqual((fo2["master"], fo2["standby"]), (master, fo["standby"]), fo2)
        time.sleep(2)
        mid = lab.stats()
        t_add = time.monotonic()
        g.add_primary("vf0", MAC1, "standby0")
        fo3, replug_s = g.wait_failover(primary=True)
        time.sleep(2)
        bg = g.ping_stop()
        after = lab.stats()
        # busybox ping under TCG sends slower than asked: place seqs on the mean interval
        step = (time.monotonic() - t_ping) / max(bg["sent"], 1)
        seq_del, seq_add = (t_del - t_ping) / step, (t_add - t_ping) / step
        after_add = [q for q in bg["seqs"] if q > seq_add]
        unplugged = [q for q in bg["seqs"] if seq_del <= q <= seq_add]
        # answered before device_del and again at the end, once the primary is back
        self.assertGreaterEqual(len([q for q in bg["seqs"] if q < 5]), 3, bg["out"])
        self.assertGreaterEqual(len([q for q in bg["seqs"] if q >= bg["sent"] - 10]), 5,
                                "no replies after the primary came back\n" + bg["out"])
        # unplugged, the guest sends on its standby: vswd sees the requests on vm1
        self.assertGreaterEqual(self.delta(before, mid, "vm1", "rx_packets"),
                                (t_add - t_del) / PING_INTERVAL_S / 2, mid)
        self.assertGreaterEqual(self.delta(mid, after, "nic0-vf0", "rx_packets"), 1, after)
        self.note("device_del: DEVICE_DELETED after %.2f s, primary gone from the master "
                  "%.2f s later; %d of ~%d pings answered while unplugged (%.1f s); vswd "
                  "meanwhile: vm1 rx %d tx %d, nic0-vf0 rx %d tx %d (replies to the VM's MAC "
                  "still go to VF 0: no steering to vm1 yet)" % (
                      del_s, gone_s, len(unplugged), (t_add - t_del) / step,
                      t_add - t_del, self.delta(before, mid, "vm1", "rx_packets"),
                      self.delta(before, mid, "vm1", "tx_packets"),
                      self.delta(before, mid, "nic0-vf0", "rx_packets"),
                      self.delta(before, mid, "nic0-vf0", "tx_packets")))
        self.note("device_add again: primary %s in the guest %.2f s later, first reply "
                  "~%.2f s after device_add; background ping %d/%d, one per %.3f s; whole "
                  "test %.1f s" % (fo3["primary"], replug_s,
                                   (after_add[0] - seq_add) * step if after_add else -1,
                                   bg["received"], bg["sent"], step, time.monotonic() - t0))

if __name__ == "__main__":
    vswlab.main()
