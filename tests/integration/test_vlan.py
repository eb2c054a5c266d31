#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""VLANs and mirrors on the real switch: access ports in VLANs 10 and 20, a trunk uplink
carrying both to a netns host, and a mirror port.

The netns receiver sees every frame with its tag (in-band or taken by the kernel's VLAN
offload) and counts test frames per VLAN, so "the right tag on the trunk" is checked on the
wire, not inside vswd.
"""

import vswlab
from vswlab import LISTEN_MS, LabCase, external, synthetic

MAC_10A = "02:00:00:00:10:0a"
MAC_10B = "02:00:00:00:10:0b"
MAC_20 = "02:00:00:00:20:01"
MAC_MON = "02:00:00:00:99:01"
MAC_NS = "02:00:00:00:ee:01"
BCAST = "ff:ff:ff:ff:ff:ff"
N = 500
PPS = 20000


class VlanTest(LabCase):
    def start(self, mirrors=()):
        lab = self.lab
        self.ns, host_if, self.ns_if = lab.add_veth_netns()
        self.socks = {n: lab.path(n + ".sock") for n in ("vm10a", "vm10b", "vm20", "mon")}
        ports = [external("uplink", "net_af_packet0,iface=%s" % host_if,
                          vlan="{ mode: trunk, allowed: [10, 20] }"),
                 synthetic("vm10a", MAC_10A, self.socks["vm10a"], vlan="{ mode: access, id: 10 }"),
                 synthetic("vm10b", MAC_10B, self.socks["vm10b"], vlan="{ mode: access, id: 10 }"),
                 synthetic("vm20", MAC_20, self.socks["vm20"], vlan="{ mode: access, id: 20 }")]
        if mirrors:
            ports.append(synthetic("mon", MAC_MON, self.socks["mon"],
                                   vlan="{ mode: access, id: 99 }"))
        lab.start_vswd(lab.write_topology(ports, mirrors=mirrors))

    def listeners(self, names, expect):
        vms = {n: self.lab.start_vm(n, self.socks[n], mac, expect=expect.get(n, 0),
                                    timeout_s=30, linger_ms=LISTEN_MS if n not in expect else 500)
               for n, mac in names.items()}
        self.lab.wait_links(list(names))
        return vms

    def results(self, vms, expect):
        return {n: (v.result() if n in expect else self.lab.finish(v)) for n, v in vms.items()}

    def test_broadcast_stays_in_its_vlan_and_is_tagged_on_the_trunk(self):
        lab = self.lab
        self.start()
        out = lab.nsraw_recv(self.ns, self.ns_if, N)
        expect = {"vm10b": N}
        vms = self.listeners({"vm10b": MAC_10B, "vm20": MAC_20}, expect)
        lab.wait_links(["uplink"])
        a = lab.start_vm("vm10a", self.socks["vm10a"], MAC_10A, send=N, broadcast=True,
                         pps=PPS, linger_ms=LISTEN_MS)
        rout = out.result()
        res = self.results(vms, expect)
        lab.finish(a)
        self.assertEqual((rout["rx_test"], rout["rx_vlan"]), (N, {"10": N}), rout)
        self.assertEqual((res["vm10b"]["rx_test"], res["vm10b"]["rx_from"]), (N, {MAC_10A: N}))
        self.assertEqual(res["vm20"]["rx_test"], 0, res["vm20"])

    def test_unicast_to_another_vlans_mac_never_crosses(self):
        """vm20's MAC is unknown in VLAN 10: flooded in VLAN 10 only, never to vm20."""
        lab = self.lab
        self.start()
        out = lab.nsraw_recv(self.ns, self.ns_if, N)
        expect = {"vm10b": N}
        vms = self.listeners({"vm10b": MAC_10B, "vm20": MAC_20}, expect)
        a = lab.start_vm("vm10a", self.socks["vm10a"], MAC_10A, send=N, dst=MAC_20, pps=PPS,
                         linger_ms=LISTEN_MS)
        rout = out.result()
        res = self.results(vms, expect)
        lab.finish(a)
        self.assertEqual(rout["rx_vlan"], {"10": N}, rout)
        self.assertEqual(res["vm10b"]["rx_test"], N, res["vm10b"])
        self.assertEqual(res["vm20"]["rx_test"], 0, res["vm20"])
        self.assertEqual(lab.stats()["vm20"]["tx_packets"], 0)

    def test_trunk_frames_reach_their_vlan_untagged(self):
        lab = self.lab
        self.start()
        expect = {"vm20": N}
        vms = self.listeners({"vm20": MAC_20, "vm10a": MAC_10A, "vm10b": MAC_10B}, expect)
        lab.wait_links(["uplink"])
        for vlan in (20, 30):  # 30 is not allowed on the trunk: dropped at the door
            sent = lab.nsraw_send(self.ns, self.ns_if, MAC_NS, BCAST, N, pps=PPS, vlan=vlan,
                                  stream=vlan)
            self.assertEqual(sent["sent"], N, sent)
        res = self.results(vms, expect)
        self.assertEqual((res["vm20"]["rx_test"], res["vm20"]["rx_from"]), (N, {MAC_NS: N}))
        self.assertEqual(res["vm20"]["rx_other"], 0, res["vm20"])  # tag popped
        self.assertEqual((res["vm10a"]["rx_test"], res["vm10b"]["rx_test"]), (0, 0), res)
        detail = lab.vswctl("show", "port", "stats", "uplink")
        self.assertRegex(detail, r"drop-vlan: %d\b" % N)
        fdb = lab.fdb()
        self.assertEqual(fdb.get((vswlab.mac_norm(MAC_NS), "20")), ("uplink", "learned"), fdb)

    def test_mirror_gets_exactly_the_mirrored_traffic(self):
        """Everything vm10a receives from its VM and sends to it is copied to mon, as it is on
        vm10a's wire; nothing else reaches mon (an access port of its own VLAN)."""
        lab = self.lab
        self.start(mirrors=[("vm10a", "both", "mon")])
        mon = lab.start_vm("mon", self.socks["mon"], MAC_MON, expect=2 * N, timeout_s=60)
        lab.wait_links(["mon", "uplink"])
        for src, dst in (("vm10b", "vm10a"), ("vm10a", "vm10b")):
            macs = {"vm10a": MAC_10A, "vm10b": MAC_10B}
            r = lab.start_vm("r" + dst, self.socks[dst], macs[dst], expect=N, timeout_s=30)
            lab.wait_links([dst])
            s = lab.start_vm("s" + src, self.socks[src], macs[src], send=N, dst=macs[dst],
                             pps=PPS, linger_ms=LISTEN_MS)
            self.assertEqual(r.result()["rx_test"], N)
            lab.finish(s)
            lab.wait_links([src, dst], state="down")
        # traffic of other ports and VLANs: not mirrored
        sent = lab.nsraw_send(self.ns, self.ns_if, MAC_NS, BCAST, N, pps=PPS, vlan=20)
        self.assertEqual(sent["sent"], N, sent)
        rm = mon.result()
        self.assertEqual((rm["rx_test"], rm["rx_other"]), (2 * N, 0), rm)
        self.assertEqual(rm["rx_from"], {MAC_10A: N, MAC_10B: N}, rm)
        self.assertEqual(lab.stats()["mon"]["tx_packets"], 2 * N)


if __name__ == "__main__":
    vswlab.main()
