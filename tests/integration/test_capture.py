#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Packet capture with Debian's dpdk-dumpcap on a running vswd (docs/capture.md).

dpdk-dumpcap is a DPDK secondary process: it attaches to vswd's shared EAL configuration
(the topology's --file-prefix, without --in-memory), asks vswd to copy the rx and tx of one
port into its ring, and writes pcapng. Each test captures a known stream and parses the file
here: the frame count, the MACs of every frame, the direction flag of its Enhanced Packet
Block and the interface name of its Interface Description Block.

Topology: uplink on net_af_packet behind a veth (its peer in a netns, where nsraw.py plays the
external host), VMs vm1 and vm2 played by vsw-vm, and an emulated NIC switch whose VF 0 is a
vhost-user port played by a third vsw-vm.
"""

import json
import os

import dumpcap
import vswlab
from dumpcap import DUMPCAP, INBOUND, OUTBOUND, parse_pcapng
from vswlab import LISTEN_MS, LabCase, mac_norm

MAC_VM1 = "02:00:00:00:c1:01"
MAC_VM2 = "02:00:00:00:c1:02"
MAC_VF0 = "02:00:00:00:c1:f0"
MAC_NS = "02:00:00:00:c1:ee"
N = 100  # frames captured per test
NOISE = 50  # frames the capture filter must leave out
PPS = 20000
CAPTURE_TIMEOUT_S = 30
# Debian's python3, whose dist-packages hold python3-scapy (python3 may be another install).
SYSTEM_PYTHON = "/usr/bin/python3"


def mac_str(b):
    return ":".join("%02x" % x for x in b)


class CaptureTest(LabCase):
    def setUp(self):
        super().setUp()
        why = dumpcap.unavailable()
        if why and not os.access(DUMPCAP, os.X_OK):
            self.fail(why)
        if why:
            self.skipTest(why)

    def start(self):
        lab = self.lab
        self.ns, host_if, self.ns_if = lab.add_veth_netns()
        self.prefix = "vswt-%s-cap" % lab.tag
        nicsw = "\n".join([
            "nic_switches:",
            "  - name: nic0",
            "    backend: emulated",
            "    pf: %s" % json.dumps("net_af_packet1,iface=" + host_if),
            "    num_vfs: 1",
            "    queue_pairs: { total: 4, default_vport: 1 }",
            "    asymmetric: true",
            "    vf_socket_dir: %s" % json.dumps(lab.path("vf")),
            "    vports:",
            "      - { id: 1, function: vf0, filters: [ { mac: %s, vlan: 0 } ] }" % (
                json.dumps(MAC_VF0)),
            ""])
        topo = dumpcap.share_config(lab, lab.write_topology(
            [vswlab.port("uplink", "external", nic_switch="nic0"),
             # dumpcap sees ethdevs: the VMs ask for the vhost PMD's
             vswlab.synthetic("vm1", MAC_VM1, lab.path("vm1.sock"), ethdev=True),
             vswlab.synthetic("vm2", MAC_VM2, lab.path("vm2.sock"), ethdev=True)],
            prefix=self.prefix, extra_yaml=nicsw), self.prefix)
        self.vswd = lab.start_vswd(topo, wait=False)
        self.vswd.wait_for(r"vswd: ready", vswlab.READY_TIMEOUT_S)
        # The DOT graph names each port's ethdev: its id and the name dumpcap -i takes.
        self.ethdevs = dumpcap.ethdevs(lab)

    def capture(self, port, bpf, count):
        """Start dpdk-dumpcap on @port and return it once its callbacks are in place."""
        out = self.lab.path("%s.pcapng" % port)
        proc = self.lab.spawn("dumpcap-" + port, [
            DUMPCAP, "--file-prefix=" + self.prefix, "-i", self.ethdevs[port][1], "-f", bpf,
            "-c", str(count), "-w", out], merge=True)
        # Printed once its rx/tx callbacks are in vswd; the file has no blocks until then.
        proc.wait_for(r"Packets captured:", vswlab.READY_TIMEOUT_S)
        proc.pcapng = out
        return proc

    def finish_capture(self, proc, count):
        rc = proc.wait(CAPTURE_TIMEOUT_S)
        self.assertEqual(rc, 0, proc.describe())
        cap = parse_pcapng(proc.pcapng)
        self.assertEqual(len(cap["packets"]), count, proc.describe())
        # One Interface Description Block per ethdev, in id order: frames name the port's.
        eth_id = self.ethdevs[proc.name[len("dumpcap-"):]][0]
        self.assertGreater(len(cap["interfaces"]), eth_id, cap["interfaces"])
        self.assertEqual({if_id for if_id, _, _ in cap["packets"]}, {eth_id})
        self.assert_scapy_reads(proc.pcapng, cap["packets"])
        return cap["packets"]

    def assert_scapy_reads(self, path, packets):
        """Debian's scapy (python3-scapy, for Debian's own python3) reads the same frames."""
        code = ("import sys; from scapy.utils import rdpcap; "
                "print('\\n'.join(bytes(p).hex() for p in rdpcap(sys.argv[1])))")
        p = vswlab.run([SYSTEM_PYTHON, "-c", code, path], check=False, timeout=60)
        if "No module named 'scapy'" in p.stdout:  # scripts/bootstrap.sh installs it
            self.note("python3-scapy not installed: pcapng checked by the test's own reader only")
            return
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertEqual(p.stdout.split(), [f.hex() for _, _, f in packets])

    def assert_frames(self, packets, src, dst, direction):
        got = {(mac_str(f[6:12]), mac_str(f[0:6]), d) for _, d, f in packets}
        self.assertEqual(got, {(mac_norm(src), mac_norm(dst), direction)})

    def test_external_port_rx_with_filter(self):
        """The uplink's rx, filtered: frames to vm2 only, though vm1's came first."""
        lab = self.lab
        self.start()
        lab.wait_links(["uplink"])
        cap = self.capture("uplink", "ether dst %s" % MAC_VM2, N)
        sent = lab.nsraw_send(self.ns, self.ns_if, MAC_NS, MAC_VM1, NOISE, pps=PPS)
        self.assertEqual(sent["sent"], NOISE, sent)
        sent = lab.nsraw_send(self.ns, self.ns_if, MAC_NS, MAC_VM2, N, pps=PPS, stream=2)
        self.assertEqual(sent["sent"], N, sent)
        self.assert_frames(self.finish_capture(cap, N), MAC_NS, MAC_VM2, INBOUND)

    def test_vhost_port_rx_and_tx(self):
        """A VM's vhost-user port: what vm1 sends is its rx; with a filter on the source,
        what reaches vm2 through the switch is vm2's tx."""
        lab = self.lab
        self.start()
        vm2 = lab.start_vm("vm2", lab.path("vm2.sock"), MAC_VM2, expect=N, linger_ms=LISTEN_MS)
        lab.wait_links(["vm2"])
        rx = self.capture("vm1", "ether src %s" % MAC_VM1, N)
        # One dumpcap at a time: each names its ring and pool after itself.
        vm1 = lab.start_vm("vm1", lab.path("vm1.sock"), MAC_VM1, send=N, dst=MAC_VM2,
                           pps=PPS, linger_ms=LISTEN_MS)
        self.assert_frames(self.finish_capture(rx, N), MAC_VM1, MAC_VM2, INBOUND)
        lab.wait_count("vm2", "tx_packets", N)
        lab.finish(vm1)
        tx = self.capture("vm2", "ether src %s" % MAC_VM1, N)
        vm1 = lab.start_vm("vm1b", lab.path("vm1.sock"), MAC_VM1, send=N, dst=MAC_VM2,
                           pps=PPS, linger_ms=LISTEN_MS, stream=2)
        self.assert_frames(self.finish_capture(tx, N), MAC_VM1, MAC_VM2, OUTBOUND)
        lab.finish(vm1)
        lab.finish(vm2)

    def test_vf_port_tx(self):
        """A VF's port: frames from the wire that VPort 1's filter sends to VF 0."""
        lab = self.lab
        self.start()
        vf = lab.start_vm("vf0", lab.path("vf/nic0-vf0.sock"), MAC_VF0, expect=N,
                          linger_ms=LISTEN_MS)
        lab.wait_links(["uplink", "nic0-vf0"])
        cap = self.capture("nic0-vf0", "ether dst %s" % MAC_VF0, N)
        sent = lab.nsraw_send(self.ns, self.ns_if, MAC_NS, MAC_VF0, N, pps=PPS)
        self.assertEqual(sent["sent"], N, sent)
        self.assert_frames(self.finish_capture(cap, N), MAC_NS, MAC_VF0, OUTBOUND)
        lab.finish(vf)


if __name__ == "__main__":
    vswlab.main()
