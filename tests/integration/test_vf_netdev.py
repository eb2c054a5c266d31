#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""An emulated NIC switch whose VF is a kernel interface (vf_netdev): the shape QEMU needs to
give a guest an emulated PCI NIC as its VF, the primary net_failover accepts.

Two netns: one behind the PF's wire, one behind the VF's interface (the "guest" side).
Frames from the wire to the VF's filter reach the VF side; frames the VF side sends to a MAC
nobody local owns leave through the wire; the vSwitch's port counters do not move.
"""

import json

import vswlab
from vswlab import LabCase, port, synthetic

MAC_VF = "02:00:00:00:f0:01"
MAC_WIRE = "02:00:00:00:ee:01"
MAC_VM = "02:00:00:00:01:01"
N = 300
PPS = 20000


class VfNetdevTest(LabCase):
    def test_vf_as_kernel_interface(self):
        lab = self.lab
        wire_ns, wire_host, wire_if = lab.add_veth_netns()
        vf_ns, vf_host, vf_if = lab.add_veth_netns()
        nicsw = "\n".join([
            "nic_switches:",
            "  - name: nic0",
            "    backend: emulated",
            "    pf: %s" % json.dumps("net_af_packet1,iface=" + wire_host),
            "    num_vfs: 1",
            "    queue_pairs: { total: 4, default_vport: 1 }",
            "    asymmetric: true",
            "    vf_socket_dir: %s" % json.dumps(lab.path("vf")),
            "    vports:",
            "      - { id: 1, function: vf0, vf_netdev: %s," % json.dumps(vf_host),
            "          filters: [ { mac: %s, vlan: 0 } ] }" % json.dumps(MAC_VF),
            ""])
        lab.start_vswd(lab.write_topology(
            [port("uplink", "external", nic_switch="nic0"),
             synthetic("vm1", MAC_VM, lab.path("vm1.sock"))], extra_yaml=nicsw))
        lab.wait_links(["uplink", "nic0-vf0"])
        before = lab.stats()

        at_vf = lab.nsraw_recv(vf_ns, vf_if, N)
        sent = lab.nsraw_send(wire_ns, wire_if, MAC_WIRE, MAC_VF, N, pps=PPS)
        self.assertEqual(sent["sent"], N, sent)
        rvf = at_vf.result()
        self.assertEqual((rvf["rx_test"], rvf["rx_from"]), (N, {MAC_WIRE: N}), rvf)

        at_wire = lab.nsraw_recv(wire_ns, wire_if, N)
        sent = lab.nsraw_send(vf_ns, vf_if, MAC_VF, MAC_WIRE, N, pps=PPS, stream=2)
        self.assertEqual(sent["sent"], N, sent)
        rw = at_wire.result()
        self.assertEqual((rw["rx_test"], rw["rx_from"]), (N, {MAC_VF: N}), rw)

        after = lab.stats()
        self.assertEqual(after["vm1"]["tx_packets"], before["vm1"]["tx_packets"], after)
        vports = {r.split()[0]: r.split() for r in lab.vswctl("show", "vport", "nic0")
                  .splitlines()[1:]}
        self.assertEqual((int(vports["1"][4]), int(vports["1"][6])), (N, N), vports)


if __name__ == "__main__":
    vswlab.main()
