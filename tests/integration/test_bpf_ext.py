#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""eBPF extensions (include/vsw/bpf_ext.h) on a real vswd, counted at the receivers.

The three example programs of examples/bpf change traffic exactly as they say; loading and
unloading under traffic loses nothing on the other ports; a malformed object and a program
the verifier refuses are refused with the reason while vswd keeps forwarding. Objects come
from the build tree (VSW_BPF_DIR, VSW_BPF_FIXTURES: meson sets them).
"""

import os
import re

import vswlab
from vswlab import LISTEN_MS, LabCase, external, synthetic

BPF_DIR = os.environ.get("VSW_BPF_DIR", os.path.join(vswlab.BUILD, "examples", "bpf"))
BPF_FIXTURES = os.environ.get("VSW_BPF_FIXTURES",
                              os.path.join(vswlab.BUILD, "tests", "integration"))
MAC_A = "02:00:00:00:0a:01"
MAC_B = "02:00:00:00:0b:01"
MAC_M = "02:00:00:00:0c:01"
MAC_NS = "02:00:00:00:ee:01"
TEST_ETHERTYPE = 0x88b5  # vsw-vm's and nsraw's test frames
N = 2000
NS_PPS = 20000


def obj(name):
    return os.path.join(BPF_DIR, name + ".o")


class BpfCase(LabCase):
    def setUp(self):
        super().setUp()
        if not os.path.exists(obj("empty")):
            self.skipTest("eBPF examples not built (clang missing?)")

    def start_vms(self, names, extra_yaml="", ports_before=()):
        lab = self.lab
        self.socks = {n: lab.path("%s.sock" % n) for n in names}
        macs = {"vma": MAC_A, "vmb": MAC_B, "mon": MAC_M}
        ports = list(ports_before) + [synthetic(n, macs[n], self.socks[n]) for n in names]
        lab.start_vswd(lab.write_topology(ports, extra_yaml=extra_yaml))

    def ext_stats(self, name):
        out = self.lab.vswctl("show", "extension", "stats")
        for line in out.splitlines()[1:]:
            f = line.split()
            if f and f[0] == name:
                keys = ["runs", "passes", "drops", "redirects", "errors", "skipped", "cycles"]
                return dict(zip(keys, map(int, f[1:8])))
        raise AssertionError("no extension %s in\n%s" % (name, out))

    def counters(self, name):
        out = self.lab.vswctl("extension", "show", name)
        body = out.split("counters", 1)[1]
        return {int(k): int(v) for k, v in re.findall(r"^\s+(\d+): (\d+)$", body, re.M)}


class ExamplesTest(BpfCase):
    def test_drop_ethertype(self):
        """Frames of the ethertype in vsw_params[0] are dropped, all others pass."""
        lab = self.lab
        self.start_vms(["vma", "vmb"])
        out = lab.vswctl("extension", "load", "dropper", obj("drop_ethertype"), "port", "vma",
                         "stage", "ingress")
        self.assertIn("extension dropper loaded", out)
        lab.vswctl("extension", "param", "dropper", "0", str(TEST_ETHERTYPE))
        b = lab.start_vm("b", self.socks["vmb"], MAC_B, linger_ms=LISTEN_MS)
        lab.wait_links(["vmb"])
        a = lab.start_vm("a", self.socks["vma"], MAC_A, send=N, dst=MAC_B, linger_ms=LISTEN_MS)
        lab.wait_count("vma", "drops", N)
        st = self.ext_stats("dropper")
        self.assertEqual((st["runs"], st["drops"], st["passes"]), (N, N, 0), st)
        self.assertEqual(self.counters("dropper"), {0: N})
        lab.finish(a)
        # Another ethertype to drop: the test frames pass again, every one of them.
        lab.vswctl("extension", "param", "dropper", "0", "0x0800")
        a = lab.start_vm("a2", self.socks["vma"], MAC_A, send=N, dst=MAC_B,
                         linger_ms=LISTEN_MS)
        lab.wait_count("vmb", "tx_packets", N)
        lab.finish(a)
        rb = lab.finish(b)
        self.assertEqual((rb["rx_test"], rb["rx_gap"], rb["rx_dup"]), (N, 0, 0), rb)
        st = self.ext_stats("dropper")
        self.assertEqual((st["runs"], st["drops"], st["passes"]), (2 * N, N, N), st)
        self.assertEqual(lab.stats()["vma"]["drops"], N)

    def test_redirect_monitor(self):
        """Broadcasts from A go to the monitoring port only; A's unicast to B is untouched."""
        lab = self.lab
        self.start_vms(["vma", "vmb", "mon"])
        mon_id = lab.stats()["mon"]["id"]
        lab.vswctl("extension", "load", "tap", obj("redirect_monitor"), "section", ".text",
                   "port", "vma", "stage", "ingress", "position", "0")
        lab.vswctl("extension", "param", "tap", "0", str(mon_id))
        self.assertRegex(lab.vswctl("extension", "list"), r"\n0\s+tap\s+ebpf\s+ingress\s+vma")
        m = lab.start_vm("m", self.socks["mon"], MAC_M, linger_ms=LISTEN_MS)
        b = lab.start_vm("b", self.socks["vmb"], MAC_B, linger_ms=LISTEN_MS)
        lab.wait_links(["vmb", "mon"])
        a = lab.start_vm("a", self.socks["vma"], MAC_A, send=N, broadcast=True,
                         linger_ms=LISTEN_MS)
        lab.wait_count("mon", "tx_packets", N)
        lab.finish(a)
        a = lab.start_vm("a2", self.socks["vma"], MAC_A, send=N, dst=MAC_B,
                         linger_ms=LISTEN_MS)
        lab.wait_count("vmb", "tx_packets", N)
        lab.finish(a)
        rm, rb = lab.finish(m), lab.finish(b)
        self.assertEqual((rm["rx_test"], rm["rx_gap"], rm["rx_from"]), (N, 0, {MAC_A: N}), rm)
        self.assertEqual((rb["rx_test"], rb["rx_gap"], rb["rx_from"]), (N, 0, {MAC_A: N}), rb)
        st = self.ext_stats("tap")
        self.assertEqual((st["runs"], st["redirects"], st["passes"]), (2 * N, N, N), st)

    def test_vlan_count_from_yaml(self):
        """Loaded from the topology on a trunk uplink: frames counted per VLAN, all passed."""
        lab = self.lab
        ns, host_if, ns_if = lab.add_veth_netns()
        uplink = external("uplink", "net_af_packet0,iface=%s" % host_if,
                          vlan="{ mode: trunk, allowed: [10, 20] }")
        self.socks = {n: lab.path("%s.sock" % n) for n in ("vma", "vmb")}
        ports = [uplink, synthetic("vma", MAC_A, self.socks["vma"], vlan="{ mode: access, id: 10 }"),
                 synthetic("vmb", MAC_B, self.socks["vmb"], vlan="{ mode: access, id: 20 }")]
        lab.start_vswd(lab.write_topology(ports, extra_yaml=(
            "extensions:\n"
            "  - { name: perv, file: %s, port: uplink, stage: ingress }\n" % obj("vlan_count"))))
        a = lab.start_vm("a", self.socks["vma"], MAC_A, linger_ms=LISTEN_MS)
        b = lab.start_vm("b", self.socks["vmb"], MAC_B, linger_ms=LISTEN_MS)
        lab.wait_links(["uplink", "vma", "vmb"])
        lab.nsraw_send(ns, ns_if, MAC_NS, MAC_A, 300, pps=NS_PPS, vlan=10)
        lab.nsraw_send(ns, ns_if, MAC_NS, MAC_B, 700, pps=NS_PPS, vlan=20)
        lab.wait_count("vmb", "tx_packets", 700)
        ra, rb = lab.finish(a), lab.finish(b)
        self.assertEqual((ra["rx_test"], rb["rx_test"]), (300, 700))
        self.assertEqual(self.counters("perv"), {10: 300, 20: 700})


class ChurnTest(BpfCase):
    def test_load_unload_under_traffic(self):
        """A streams to B while extensions come and go on another port and on all ports:
        B receives every frame, in order."""
        lab = self.lab
        self.start_vms(["vma", "vmb", "mon"])
        n, pps = 40000, 20000
        b = lab.start_vm("b", self.socks["vmb"], MAC_B, expect=n, timeout_s=60)
        lab.wait_links(["vmb"])
        a = lab.start_vm("a", self.socks["vma"], MAC_A, send=n, dst=MAC_B, pps=pps,
                         linger_ms=LISTEN_MS)
        cycles = 0
        while b.alive() and cycles < 40:
            port = "mon" if cycles % 2 == 0 else "all"
            lab.vswctl("extension", "load", "e%d" % cycles, obj("empty"), "port", port, "stage",
                       "ingress" if cycles % 4 < 2 else "egress")
            lab.vswctl("extension", "unload", "e%d" % cycles)
            cycles += 1
        rb = b.result()
        ra = lab.finish(a)
        # Unpaced, A outruns what B (a "VM" sleeping when idle, on shared cores) drains, and
        # B's ring drops frames whatever the switch does: a lab that lost --pps once sent a
        # datapath change hunting for a bug it did not have.
        self.assertLessEqual(ra["tx_pps"], 1.5 * pps, "A not paced: %r" % ra)
        self.assertEqual((rb["rx_test"], rb["rx_in_order"], rb["rx_gap"], rb["rx_dup"]),
                         (n, n, 0, 0), rb)
        self.assertGreaterEqual(cycles, 4, "too few load/unload cycles during the stream")
        self.assertNotIn("ebpf", lab.vswctl("extension", "list"))
        self.note("%d load/unload cycles during %d frames" % (cycles, n))
        # A port that goes away takes its extensions' binding along: a later port with the
        # same id does not inherit the program.
        lab.vswctl("extension", "load", "bound", obj("drop_ethertype"), "port", "mon", "stage",
                   "ingress")
        lab.vswctl("port", "delete", "mon")
        self.assertRegex(lab.vswctl("extension", "list"),
                         r"bound\s+ebpf\s+ingress\s+\(deleted\)")
        lab.vswctl("extension", "unload", "bound")


class RefusalTest(BpfCase):
    def refused(self, *words):
        p = vswlab.run([vswlab.VSWCTL, "-s", self.lab.control_socket] + list(words),
                       check=False)
        self.assertNotEqual(p.returncode, 0, p.stdout)
        return p.stdout

    def test_bad_objects_refused_daemon_keeps_running(self):
        lab = self.lab
        self.start_vms(["vma", "vmb"])
        text = lab.path("notelf.o")
        with open(text, "w") as f:
            f.write("this is not an ELF object\n")
        truncated = lab.path("truncated.o")
        with open(obj("drop_ethertype"), "rb") as f:
            data = f.read()
        with open(truncated, "wb") as f:
            f.write(data[:200])
        out = self.refused("extension", "load", "x", text, "port", "all", "stage", "ingress")
        self.assertIn("not a 64-bit ELF object", out)
        out = self.refused("extension", "load", "x", truncated, "port", "all", "stage",
                           "ingress")
        self.assertIn("refused by librte_bpf", out)
        out = self.refused("extension", "load", "x", obj("empty"), "section", "nosuch",
                           "port", "all", "stage", "ingress")
        self.assertIn("refused by librte_bpf", out)
        out = self.refused("extension", "load", "x",
                           os.path.join(BPF_FIXTURES, "out_of_bounds.o"), "port", "all",
                           "stage", "ingress")
        self.assertRegex(out, r"refused by librte_bpf: .*(boundary|violation)")
        out = self.refused("extension", "load", "x", lab.path("missing.o"), "port", "all",
                           "stage", "ingress")
        self.assertIn("No such file", out)
        out = self.refused("extension", "load", "x", obj("empty"), "port", "nosuch", "stage",
                           "ingress")
        self.assertIn("no port nosuch", out)
        self.refused("extension", "unload", "spoof-guard")  # built-ins are not eBPF
        self.assertNotIn("ebpf", lab.vswctl("extension", "list"))
        # Still forwarding.
        b = lab.start_vm("b", self.socks["vmb"], MAC_B, expect=N)
        lab.wait_links(["vmb"])
        a = lab.start_vm("a", self.socks["vma"], MAC_A, send=N, dst=MAC_B, linger_ms=LISTEN_MS)
        rb = b.result()
        lab.finish(a)
        self.assertEqual(rb["rx_test"], N, rb)


if __name__ == "__main__":
    vswlab.main()
