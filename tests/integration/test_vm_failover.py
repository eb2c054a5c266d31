#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""VF attach, planned detach and surprise failover with a real Linux guest (SPEC R-DP-2, R-DP-3,
R-DP-5), pinged from an external host the whole time.

The guest (QEMU, TCG) has a virtio-net standby (failover=on) on vswd's vhost-user port vm1 and
gets a vmxnet3 primary hot-plugged with QMP device_add on the tap vswd shows VF 0 of nic0 as;
the kernel's net_failover binds the two with no configuration. The external host is a netns
behind a veth vswd opens as nic0's PF.

- Planned, CYCLES times: `vm attach-vf vm1 vf 0`, then device_add; once the guest sends on the
  VF vswd steers vm1's MAC to it. `vm detach-vf vm1`, then device_del; once the guest sends on
  the synthetic port vswd deletes the VPort. A ping from the netns every PING_INTERVAL_S runs
  throughout. vswd drops nothing; the guest may lose a reply it had queued on the vmxnet3 it
  unplugs (measured: 0-2 per 20 cycles), which the test prints with the event it followed.
  Each change's counters show the frames really took the VF (nic0-vf0) and then vm1.
- A guest that bonds a virtio-net on vm1 and one on VF 0's vhost-user socket (active-backup)
  switches paths by choosing its active slave: no device goes; what remains is the bond's own
  race between its two NICs at the switch (measured 0-1 ping per 100 changes).
- Surprise, SURPRISE_CYCLES times: the VF vanishes on both sides at once, with no `vm detach-vf`:
  its tap goes down on the host (vswd sees the VF port's link drop) and the primary is
  unplugged in the guest. vswd fails over at once; the loss and the blackout (lost pings x
  interval) are printed; the guest must stay reachable.
"""

import json
import os
import re
import statistics
import subprocess
import time

import guest
import vswlab
from guest import Guest, GuestCase, TapNetdev, VhostNic
from vswlab import port, synthetic

MAC1 = "52:54:00:e2:00:02"
MAC_VF = "52:54:00:e2:00:12"  # the bonded guest's VF NIC until the bond gives it MAC1
BOND = "/sys/class/net/bond0/bonding"
NS_IP, VM1_IP = "10.77.0.1", "10.77.0.2"
CYCLES = int(os.environ.get("VSW_FAILOVER_CYCLES", "20"))
SURPRISE_CYCLES = int(os.environ.get("VSW_SURPRISE_CYCLES", "3"))
PING_INTERVAL_S = 0.02  # 50 pings a second from the external host
SETTLE_S = 0.4  # on each path before the next change, so that each path carries pings


class FailoverCase(GuestCase):
    """vswd with nic0 (PF on a veth to the external host's netns, one VF) and VM port vm1."""

    def start_vswd(self, vf_netdev=None):
        lab = self.lab
        self.ns, self.wire_if, self.ns_if = lab.add_veth_netns()
        vswlab.run(["ip", "-n", self.ns, "addr", "add", NS_IP + "/24", "dev", self.ns_if])
        self.sock = lab.path("vm1.sock")
        nicsw = "\n".join([
            "nic_switches:",
            "  - name: nic0",
            "    backend: emulated",
            "    pf: %s" % json.dumps("net_af_packet1,iface=" + self.wire_if),
            "    num_vfs: 1",
            "    queue_pairs: { total: 4, default_vport: 1 }",
            "    asymmetric: true",
            "    vf_socket_dir: %s" % json.dumps(lab.path("vf")),
            ""] + (["    vf_netdevs: [%s]" % json.dumps(vf_netdev), ""] if vf_netdev else []))
        lab.start_vswd(lab.write_topology(
            [port("uplink", "external", nic_switch="nic0"), synthetic("vm1", MAC1, self.sock)],
            extra_yaml=nicsw))

    # --- helpers ---------------------------------------------------------------------------

    def ping_start(self):
        """A ping from the external host to the guest until ping_stop(); its output goes to a
        file (a pipe nobody reads fills up and stops ping after ~1000 lines)."""
        self.ping_out = open(self.lab.path("ping.out"), "w+")
        return subprocess.Popen(
            ["ip", "netns", "exec", self.ns, "ping", "-i", str(PING_INTERVAL_S), "-W", "2",
             VM1_IP], stdout=self.ping_out, stderr=subprocess.STDOUT, text=True)

    def ping_stop(self, proc):
        """SIGINT; returns (sent, received, missing icmp_seq list)."""
        time.sleep(2.5)  # the last requests get their replies (-W 2)
        proc.send_signal(2)
        proc.wait(timeout=20)
        self.ping_out.seek(0)
        out = self.ping_out.read()
        self.ping_out.close()
        m = re.search(r"(\d+) packets transmitted, (\d+) received", out)
        self.assertIsNotNone(m, out)
        sent = int(m.group(1))
        seqs = {int(q) for q in re.findall(r"icmp_seq=(\d+)", out)}
        return sent, int(m.group(2)), sorted(set(range(1, sent + 1)) - seqs)

    def where(self, missing, t_ping, events):
        """Each missing ping, as the event it fell closest after: "seq@+ms after event"."""
        res = []
        for q in missing:
            t = t_ping + (q - 1) * PING_INTERVAL_S
            past = [(t - te, name) for te, name in events if te <= t]
            dt, name = min(past) if past else (0, "start")
            res.append("%d@+%.0fms %s" % (q, dt * 1000, name))
        return ", ".join(res)

    def lost_per_change(self, missing, t_ping, windows):
        """Missing pings sent within each change's window (from 0.1 s before it starts to
        0.1 s after vswd is on the new path), and how many were lost outside any change: a
        guest starved of CPU answers late (ping gives up after 2 s) whatever the switch does."""
        lost, outside = [0] * len(windows), 0
        for q in missing:
            t = t_ping + (q - 1) * PING_INTERVAL_S
            hit = [i for i, (t0, t1) in enumerate(windows) if t0 - 0.1 <= t <= t1 + 0.1]
            if hit:
                lost[hit[0]] += 1
            else:
                outside += 1
        return lost, outside

    def bench_line(self, kind, change_s, lost, outside):
        """One JSON line tests/bench/failover.py collects, and a readable summary."""
        self.note("VSW-BENCH " + json.dumps({"kind": kind, "change_s": change_s, "lost": lost,
                                             "lost_outside_changes": outside,
                                             "ping_interval_s": PING_INTERVAL_S}))
        self.note("%s: %d changes; change time median %.3f s, worst %.3f s; pings lost per "
                  "change median %d, worst %d (blackout worst ~%.0f ms); %d lost outside any "
                  "change" % (kind, len(change_s), statistics.median(change_s), max(change_s),
                              statistics.median(lost), max(lost),
                              max(lost) * PING_INTERVAL_S * 1000, outside))

    def counts(self):
        st = self.lab.stats()
        return {"vm1": st["vm1"]["tx_packets"], "vf": st["nic0-vf0"]["tx_packets"],
                "vm1_drops": st["vm1"]["drops"], "vm1_rx": st["vm1"]["rx_packets"],
                "vf_rx": st["nic0-vf0"]["rx_packets"], "uplink_rx": st["uplink"]["rx_packets"]}

    def guest_up(self, ifname):
        self.g.set_ip(ifname, VM1_IP + "/24")
        self.g.wait_link(ifname)
        self.lab.wait_links(["uplink", "vm1"])
        self.g.wait_reachable(NS_IP)


class VmFailoverTest(FailoverCase):
    def setUp(self):
        super().setUp()
        self.tap = tap = guest.add_tap(self.lab)
        self.start_vswd(vf_netdev=tap)
        self.g = Guest(self.lab, "g1",
                       nics=[VhostNic(self.sock, MAC1, failover=True, id="standby0")],
                       netdevs=[TapNetdev(tap, "vf0")])
        self.guest_up(self.g.failover()["master"])

    def attach(self, events):
        t0 = time.monotonic()
        events.append((t0, "attach-vf"))
        self.assertIn("attaching", self.lab.vswctl("vm", "attach-vf", "vm1", "vf", "0"))
        events.append((time.monotonic(), "device_add"))
        self.g.add_primary("vf0", MAC1, "standby0")
        self.g.wait_failover(primary=True)
        events.append((time.monotonic(), "primary in guest"))
        row = self.lab.wait_vm_path("vm1", "vf", timeout=20)
        events.append((time.monotonic(), "vswd on vf"))
        return row, time.monotonic() - t0

    def detach(self, events):
        t0 = time.monotonic()
        events.append((t0, "detach-vf"))
        self.assertIn("detaching", self.lab.vswctl("vm", "detach-vf", "vm1"))
        events.append((time.monotonic(), "device_del"))
        self.g.device_del("primary0")
        events.append((time.monotonic(), "DEVICE_DELETED"))
        row = self.lab.wait_vm_path("vm1", "synthetic", timeout=20)
        events.append((time.monotonic(), "vswd on synthetic"))
        return row, time.monotonic() - t0

    # --- R-DP-2, R-DP-3 planned: lossless -----------------------------------------------------

    def test_planned_attach_detach_cycles_lose_nothing(self):
        ping, t_ping, events = self.ping_start(), time.monotonic(), []
        time.sleep(1)
        per_change, windows, change_s = [], [], []
        for i in range(CYCLES):
            c0 = self.counts()
            t0 = time.monotonic()
            row, t_att = self.attach(events)
            windows.append((t0, time.monotonic()))
            self.assertEqual((row["attaches"], row["vport"]), (i + 1, "1"), row)
            time.sleep(SETTLE_S)
            c1 = self.counts()
            t0 = time.monotonic()
            row, t_det = self.detach(events)
            windows.append((t0, time.monotonic()))
            change_s += [t_att, t_det]
            self.assertEqual((row["detaches"], row["failovers"], row["last"]),
                             (i + 1, 0, "detach"), row)
            time.sleep(SETTLE_S)
            c2 = self.counts()
            # Each path really carried the pings: the VF while attached, vm1 after.
            self.assertGreater(c1["vf"] - c0["vf"], 0, (i, c0, c1))
            if c2["vm1"] == c1["vm1"]:
                self.fail("cycle %d: nothing reached vm1 after the detach: %s %s\n%s\n%s\n%s\n%s" % (
                    i, c1, c2, self.lab.vswctl("show", "port", "stats", "uplink"),
                    self.lab.vswctl("show", "port", "info", "uplink"),
                    self.g.run("cat /proc/net/arp"),
                    vswlab.run(["ip", "-n", self.ns, "-s", "neigh"], check=False).stdout +
                    vswlab.run(["ip", "-n", self.ns, "-s", "link"], check=False).stdout +
                    vswlab.run(["ip", "-s", "link", "show", self.wire_if], check=False).stdout))
            per_change.append((t_att, t_det, c1["vf"] - c0["vf"], c2["vm1"] - c1["vm1"]))
        sent, received, missing = self.ping_stop(ping)
        rows = self.lab.vm_datapath()["vm1"]
        self.note("%d planned attach+detach cycles: %d pings sent, %d received, %d lost; "
                  "attach %.2f-%.2f s, detach %.2f-%.2f s (command to path change); forced %d" % (
                      CYCLES, sent, received, sent - received,
                      min(c[0] for c in per_change), max(c[0] for c in per_change),
                      min(c[1] for c in per_change), max(c[1] for c in per_change),
                      rows["forced"]))
        self.note("per cycle (attach s, detach s, frames to the VF, frames to vm1): %s" % (
            ", ".join("(%.2f, %.2f, %d, %d)" % c for c in per_change)))
        self.note("lost pings: %s" % (self.where(missing, t_ping, events) or "none"))
        lost, outside = self.lost_per_change(missing, t_ping, windows)
        self.bench_line("net_failover planned", change_s, lost, outside)
        # vswd itself drops nothing for the guest in any change, and every change completes
        # because the guest moved, not by the timeout.
        st = self.lab.stats()
        self.assertEqual((st["vm1"]["drops"], st["nic0-vf0"]["drops"], rows["forced"],
                          rows["lost"]), (0, 0, 0, 0), (st, rows))
        # What a net_failover guest may still lose is a reply it queued on the vmxnet3 being
        # unplugged (the kernel drops a removed device's queue): at most one per change.
        self.assertLessEqual(max(lost), 1, "planned changes lost pings: %s" % (
            self.where(missing, t_ping, events)))

    # --- R-DP-3 surprise: measured ------------------------------------------------------------

    def test_surprise_detach_fails_over(self):
        tap = self.tap
        ping, t_ping, events = self.ping_start(), time.monotonic(), []
        time.sleep(1)
        changes, windows = [], []
        for i in range(SURPRISE_CYCLES):
            self.attach(events)
            time.sleep(SETTLE_S)
            t0 = time.monotonic()
            events.append((t0, "tap down + device_del"))
            vswlab.run(["ip", "link", "set", tap, "down"])
            self.g.device_del("primary0")
            row = self.lab.wait_vm_path("vm1", "synthetic", timeout=20)
            events.append((time.monotonic(), "vswd on synthetic"))
            self.assertEqual((row["failovers"], row["detaches"], row["last"]),
                             (i + 1, 0, "failover"), row)
            changes.append(time.monotonic() - t0)
            windows.append((t0, time.monotonic()))
            time.sleep(SETTLE_S)
            vswlab.run(["ip", "link", "set", tap, "up"])
            self.lab.wait_links(["nic0-vf0"])
        sent, received, missing = self.ping_stop(ping)
        lost = sent - received
        self.note("%d surprise detaches: %d of %d pings lost (%.1f per detach: blackout ~%.0f "
                  "ms at one ping per %.0f ms); tap down to vswd on synthetic %.2f-%.2f s; "
                  "lost: %s" % (
                      SURPRISE_CYCLES, lost, sent, lost / SURPRISE_CYCLES,
                      lost / SURPRISE_CYCLES * PING_INTERVAL_S * 1000, PING_INTERVAL_S * 1000,
                      min(changes), max(changes), self.where(missing, t_ping, events)))
        lost_changes, outside = self.lost_per_change(missing, t_ping, windows)
        self.bench_line("net_failover surprise", changes, lost_changes, outside)
        self.assertEqual(self.g.ping(NS_IP)["received"], 5)  # reachable on synthetic
        self.assertLess(lost, sent / 4, "the guest was unreachable too long")


class VmBondTest(FailoverCase):
    """A guest that bonds its two virtio-net NICs active-backup: one on vm1, one on nic0's VF 0
    served as a vhost-user socket. The guest changes path by choosing the bond's active slave,
    with no device unplugged: vswd itself drops nothing, and the pings lost are at most the
    bond's own switch races."""

    def setUp(self):
        super().setUp()
        self.start_vswd()
        self.g = Guest(self.lab, "g1", nics=[
            VhostNic(self.sock, MAC1, id="syn0"),
            VhostNic(os.path.join(self.lab.path("vf"), "nic0-vf0.sock"), MAC_VF, id="vf0")])
        self.syn, self.vf = self.g.ifname(MAC1), self.g.ifname(MAC_VF)
        self.g.check("echo +bond0 > /sys/class/net/bonding_masters; B=%s; "
                     "echo active-backup > $B/mode; echo 100 > $B/miimon; "
                     "ip link set %s down; ip link set %s down; "
                     "echo +%s > $B/slaves; echo +%s > $B/slaves; echo %s > $B/active_slave; "
                     "ip link set bond0 up" % (BOND, self.syn, self.vf, self.syn, self.vf,
                                               self.syn))
        self.lab.wait_links(["nic0-vf0"])
        self.guest_up("bond0")

    def activate(self, ifname):
        self.g.check("echo %s > %s/active_slave" % (ifname, BOND))

    def test_planned_changes_lose_nothing(self):
        lab = self.lab
        ping, t_ping, events = self.ping_start(), time.monotonic(), []
        time.sleep(1)
        times, windows = [], []
        for i in range(CYCLES):
            c0 = self.counts()
            t0 = time.monotonic()
            events.append((t0, "attach-vf"))
            self.assertIn("attaching", lab.vswctl("vm", "attach-vf", "vm1", "vf", "0"))
            time.sleep(0.05)  # both paths carry pings before the guest moves
            events.append((time.monotonic(), "guest on vf"))
            self.activate(self.vf)
            lab.wait_vm_path("vm1", "vf")
            t1 = time.monotonic()
            windows.append((t0, t1))
            time.sleep(SETTLE_S)
            c1 = self.counts()
            t2 = time.monotonic()
            events.append((t2, "detach-vf"))
            self.assertIn("detaching", lab.vswctl("vm", "detach-vf", "vm1"))
            time.sleep(0.05)
            events.append((time.monotonic(), "guest on synthetic"))
            self.activate(self.syn)
            row = lab.wait_vm_path("vm1", "synthetic")
            windows.append((t2, time.monotonic()))
            times.append((t1 - t0, time.monotonic() - t2))
            self.assertEqual((row["attaches"], row["detaches"], row["failovers"]),
                             (i + 1, i + 1, 0), row)
            time.sleep(SETTLE_S)
            c2 = self.counts()
            self.assertGreater(c1["vf"] - c0["vf"], 0, (i, c0, c1))
            self.assertGreater(c2["vm1"] - c1["vm1"], 0, (i, c1, c2))
        sent, received, missing = self.ping_stop(ping)
        rows = lab.vm_datapath()["vm1"]
        self.note("bonded guest, %d planned attach+detach cycles: %d pings sent, %d received; "
                  "attach %.2f-%.2f s, detach %.2f-%.2f s from the command to the path change" % (
                      CYCLES, sent, received, min(t[0] for t in times),
                      max(t[0] for t in times), min(t[1] for t in times),
                      max(t[1] for t in times)))
        lost, outside = self.lost_per_change(missing, t_ping, windows)
        self.bench_line("bond planned", [t for pair in times for t in pair], lost, outside)
        # vswd delivers both ways during a change, but the guest's two NICs are serviced apart:
        # a frame whose copies reach the new active slave just before the switch and the old
        # one just after is dropped by the bond. Measured: 0-1 per 100 changes. Pings a
        # starved guest answered too late elsewhere are counted apart, and must stay rare.
        self.assertLessEqual(sum(lost), max(1, len(lost) // 20), "planned changes lost pings: "
                             "%s" % self.where(missing, t_ping, events))
        self.assertLessEqual(outside, max(2, sent // 500), self.where(missing, t_ping, events))
        self.assertEqual((rows["forced"], rows["lost"]), (0, 0), rows)


if __name__ == "__main__":
    vswlab.main()
