#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Live migration of a real QEMU guest between two vswd "hosts" while it is pinged (SPEC R-DP-4).

Hosts A and B are two vswd processes, each with its own EAL file prefix, control socket and
vhost-user socket for VM port vm1 (same MAC on both), and an uplink on a veth. The peers of
both veths sit on one bridge in a shared external netns, which also holds the pinging address:
the physical network of two hypervisors. The guest (TCG, virtio-net on A's vm1) is pinged from
the netns every PING_INTERVAL_S; a QEMU on B's vm1 started with -incoming takes it over (QMP
migrate over a unix socket). The bridge still sends the guest's MAC to A's leg until something
from the guest's MAC arrives on B's leg, so the announcement is what brings the pings back:

- QEMU completes the migration; the guest answers through B (B's vm1 and uplink counters move,
  A's vm1 stays still after the source QEMU quit);
- the external side sees the guest's MAC announced on B's leg of the bridge and never on A's:
  a gratuitous ARP (the guest, when virtio-net negotiated GUEST_ANNOUNCE) or a RARP (rte_vhost
  injects one on QEMU's SEND_RARP otherwise); `vm announce vm1` on B adds a RARP of its own;
- the note gives QEMU's total time and downtime, and the pings lost (x interval).
"""

import time

import vswlab
from guest import Guest, GuestCase, VhostNic
from vswlab import external, synthetic

MAC1 = "52:54:00:e2:00:02"
NS_IP, VM1_IP = "10.77.0.1", "10.77.0.2"
PING_INTERVAL_S = 0.02  # 50 Hz
RESUME_TIMEOUT_S = 20  # from migration completed to the first ping answered through B
IDLE_SLEEP_US = 100  # two vswd share worker CPU 1
FOREVER = 1 << 30  # nsraw recv: count frames until stopped


def spans(seqs):
    """[3, 4, 5, 9] -> "3-5,9": lost pings are mostly one run."""
    out = []
    for q in seqs:
        if out and out[-1][1] == q - 1:
            out[-1][1] = q
        else:
            out.append([q, q])
    return ",".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in out) or "-"


class MigrationTest(GuestCase):
    def host(self, name, wire_if):
        """vswd "host" name: uplink on wire_if, vm1 served on its own vhost-user socket."""
        lab = self.lab
        sock, ctl = lab.path("%s-vm1.sock" % name), lab.path("%s.ctl" % name)
        topo = lab.write_topology(
            [external("uplink", "net_af_packet0,iface=" + wire_if),
             synthetic("vm1", MAC1, sock)],
            control_socket=ctl, name="%s.yaml" % name, idle_sleep_max_us=IDLE_SLEEP_US)
        lab.start_vswd(topo, name="vswd-" + name)
        return sock, ctl

    def setUp(self):
        super().setUp()
        lab = self.lab
        self.ns, br, (wire_a, wire_b), (self.leg_a, self.leg_b) = lab.add_bridge_netns(2)
        vswlab.run(["ip", "-n", self.ns, "addr", "add", NS_IP + "/24", "dev", br])
        self.sock_a, self.ctl_a = self.host("a", wire_a)
        self.sock_b, self.ctl_b = self.host("b", wire_b)
        self.g = Guest(lab, "src", nics=[VhostNic(self.sock_a, MAC1)])
        ifname = self.g.ifname(MAC1)
        self.g.set_ip(ifname, VM1_IP + "/24")
        self.g.wait_link(ifname)
        lab.wait_links(["uplink", "vm1"], sock=self.ctl_a)
        self.g.wait_reachable(NS_IP)

    def counts(self, ctl):
        st = self.lab.stats(sock=ctl)
        return {"vm1_rx": st["vm1"]["rx_packets"], "vm1_tx": st["vm1"]["tx_packets"],
                "up_rx": st["uplink"]["rx_packets"], "up_tx": st["uplink"]["tx_packets"],
                "vm1_link": st["vm1"]["link"]}

    def wait_through_b(self, before, timeout):
        """Until B's vm1 has carried pings both ways; returns the seconds it took."""
        t0 = time.monotonic()
        while True:
            now = self.counts(self.ctl_b)
            if now["vm1_rx"] > before["vm1_rx"] and now["vm1_tx"] > before["vm1_tx"]:
                return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                self.fail("no ping through B %s s after the migration: B %s -> %s, A %s\n%s" % (
                    timeout, before, now, self.counts(self.ctl_a),
                    vswlab.run(["ip", "-n", self.ns, "neigh"], check=False).stdout +
                    vswlab.run(["bridge", "-n", self.ns, "fdb"], check=False).stdout))
            time.sleep(0.05)

    def test_migrate_while_pinged(self):
        lab = self.lab
        dest = Guest(lab, "dst", nics=[VhostNic(self.sock_b, MAC1)], incoming=True)
        # Frames that arrive at the bridge from each host: the announcements' origin.
        cap_a = lab.nsraw_recv(self.ns, self.leg_a, FOREVER, timeout_s=600)
        cap_b = lab.nsraw_recv(self.ns, self.leg_b, FOREVER, timeout_s=600)
        ping = lab.ping_start(self.ns, VM1_IP, PING_INTERVAL_S)
        time.sleep(1)
        a0, b0 = self.counts(self.ctl_a), self.counts(self.ctl_b)
        self.assertGreater(a0["vm1_tx"], 0, "the guest is not pinged through A")
        mig = self.g.migrate(dest)
        # The source QEMU is gone: A's vm1 goes down and carries nothing from now on.
        lab.wait_links(["vm1"], state="down", sock=self.ctl_a)
        a1 = self.counts(self.ctl_a)
        resume_s = self.wait_through_b(b0, RESUME_TIMEOUT_S)
        time.sleep(2)  # pings through B for a while
        sent, received, missing = ping.stop()
        a2, b2 = self.counts(self.ctl_a), self.counts(self.ctl_b)
        seen_b = lab.finish(cap_b)
        # The orchestrator's announcement, on top of what QEMU and the guest sent.
        cap_b = lab.nsraw_recv(self.ns, self.leg_b, FOREVER, timeout_s=600)
        self.assertIn("announced", lab.vswctl("vm", "announce", "vm1", sock=self.ctl_b))
        time.sleep(0.5)
        seen_cli = lab.finish(cap_b)
        seen_a = lab.finish(cap_a)

        # The guest, now on B, answers through B: both of B's ports carried its traffic.
        self.assertEqual(self.g.ping(NS_IP)["received"], 5)
        self.assertGreater(b2["vm1_tx"] - b0["vm1_tx"], 10, (b0, b2))
        self.assertGreater(b2["vm1_rx"] - b0["vm1_rx"], 10, (b0, b2))
        self.assertGreater(b2["up_rx"] - b0["up_rx"], 10, (b0, b2))
        self.assertGreater(b2["up_tx"] - b0["up_tx"], 10, (b0, b2))
        self.assertEqual((a2["vm1_rx"], a2["vm1_tx"]), (a1["vm1_rx"], a1["vm1_tx"]), (a1, a2))
        # Announced from B's side, never A's; which kind depends on what the guest acked.
        rarp, garp = seen_b["rx_rarp"].get(MAC1, 0), seen_b["rx_garp"].get(MAC1, 0)
        self.assertGreater(rarp + garp, 0, "no announcement of %s on B's leg: %s" % (
            MAC1, seen_b))
        self.assertEqual(seen_a["rx_rarp"].get(MAC1, 0) + seen_a["rx_garp"].get(MAC1, 0), 0,
                         "an announcement came from A: %s" % seen_a)
        self.assertGreater(seen_cli["rx_rarp"].get(MAC1, 0), 0,
                           "vm announce: no RARP on B's leg: %s" % seen_cli)
        lost = sent - received
        self.note("migration A -> B: QEMU total %s ms, downtime %s ms (setup %s ms, %.1f MiB "
                  "sent); migrate command to destination running %.2f s, first ping through B "
                  "%.2f s later; pings every %.0f ms: %d sent, %d lost (~%.0f ms) at seqs %s; "
                  "announcements of the guest's MAC on B's leg: %d RARP, %d gratuitous ARP" % (
                      mig["total_ms"], mig["downtime_ms"], mig["setup_ms"], mig["ram_mb"],
                      mig["wall_s"], resume_s, PING_INTERVAL_S * 1000, sent, lost,
                      lost * PING_INTERVAL_S * 1000, spans(missing), rarp, garp))

if __name__ == "__main__":
    vswlab.main()
