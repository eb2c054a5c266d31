#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""`show topology dot`: the running topology as Graphviz. The graph must parse (`dot -Tsvg`
exits 0) and hold the expected nodes and edges: the external port on the NIC switch's wire,
the NIC switch with its default VPort (to the vSwitch) and VPort 1 with its filter (to VF 0),
VF 1 without a VPort, and the VM NIC on the vSwitch over the synthetic path; once the VM is
given VF 1, its path and an edge to the VF.
"""

import html
import json
import re
import shutil
import subprocess

import vswlab
from vswlab import LabCase, port, synthetic

MAC_VF0 = "02:00:00:00:d0:f0"
MAC_VM1 = "02:00:00:00:d0:01"


class TopologyDotTest(LabCase):
    def test_dot_of_a_nic_switch_topology(self):
        if shutil.which("dot") is None:
            self.skipTest("dot not installed (Debian package graphviz)")
        lab = self.lab
        _, host_if, _ = lab.add_veth_netns()
        nicsw = "\n".join([
            "nic_switches:",
            "  - name: nic0",
            "    backend: emulated",
            "    pf: %s" % json.dumps("net_af_packet1,iface=" + host_if),
            "    num_vfs: 2",
            "    queue_pairs: { total: 4, default_vport: 1 }",
            "    asymmetric: true",
            "    vf_socket_dir: %s" % json.dumps(lab.path("vf")),
            "    vports:",
            "      - { id: 1, function: vf0, filters: [ { mac: %s, vlan: 0 } ] }" % (
                json.dumps(MAC_VF0)),
            ""])
        lab.start_vswd(lab.write_topology(
            [port("uplink", "external", nic_switch="nic0"),
             synthetic("vm1", MAC_VM1, lab.path("vm1.sock"))], extra_yaml=nicsw))
        dot = lab.vswctl("show", "topology", "dot")
        self.assertEqual(lab.vswctl("show", "topology", "--dot"), dot)

        svg = subprocess.run(["dot", "-Tsvg"], input=dot, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual((svg.returncode, svg.stderr), (0, ""), dot)
        nodes = {"vswitch", "port:uplink", "port:vm1", "port:nic0-vf0", "port:nic0-vf1",
                 "nicsw:nic0", "vport:nic0:0", "vport:nic0:1"}
        for n in nodes:  # drawn: each node is an SVG group titled with its id
            self.assertIn("<title>%s</title>" % n, html.unescape(svg.stdout))

        self.assertEqual(set(re.findall(r'^  "([^"]+)" \[label=', dot, re.M)), nodes, dot)
        edges = {(a, b): label for a, b, label in
                 re.findall(r'^  "([^"]+)" -- "([^"]+)" \[label="([^"]*)"', dot, re.M)}
        self.assertEqual(edges, {
            ("port:uplink", "nicsw:nic0"): "PF wire",
            ("nicsw:nic0", "vport:nic0:0"): "",
            ("vport:nic0:0", "vswitch"): "default VPort",
            ("nicsw:nic0", "vport:nic0:1"): "",
            ("vport:nic0:1", "port:nic0-vf0"): "VF",
            ("nicsw:nic0", "port:nic0-vf1"): "no VPort",
            ("vswitch", "port:vm1"): "datapath: synthetic",
        }, dot)
        vport1 = re.search(r'"vport:nic0:1" \[label="([^"]*)"', dot).group(1)
        self.assertIn("filter 1: %s vlan 0" % MAC_VF0, vport1.lower())
        self.assertIn("vf0", vport1)
        uplink = re.search(r'"port:uplink" \[label="([^"]*)"', dot).group(1)
        self.assertRegex(uplink, r"ethdev \d+ net_af_packet1")

        # Given VF 1, the VM is attaching (its guest has not used the VF yet): the graph says
        # so on its vSwitch edge and joins it to the VF's port with a dashed edge.
        lab.vswctl("vm", "attach-vf", "vm1", "vf", "1")
        dot = lab.vswctl("show", "topology", "dot")
        self.assertIn('"vswitch" -- "port:vm1" [label="datapath: attaching"];', dot)
        self.assertIn('"port:vm1" -- "port:nic0-vf1" [label="VF path (attaching)", '
                      'style=dashed];', dot)
        svg = subprocess.run(["dot", "-Tsvg"], input=dot, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual((svg.returncode, svg.stderr), (0, ""), dot)


if __name__ == "__main__":
    vswlab.main()
