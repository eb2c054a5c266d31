#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Live reload (`vswctl load`, SIGHUP) and `vswctl dump` on the real daemon.

A reload that adds a VM and moves C into another VLAN runs while A sends to B: B must get
every frame, in order, and C must then take frames from the new VM in its new VLAN. A file
with one bad entry among good ones, and a file that fails half-way through being applied (a
device that cannot open), must leave `show port` and `dump` exactly as they were. A dump
loads back into the same vswd as "no change" and into a fresh vswd as the same state.
"""

import os
import re
import signal
import time

import vswlab
from vswlab import LISTEN_MS, VSWCTL, LabCase, synthetic

MAC_A = "02:00:00:00:0a:01"
MAC_B = "02:00:00:00:0b:01"
MAC_C = "02:00:00:00:0c:01"
MAC_D = "02:00:00:00:0d:01"
N = 400
TOTAL = 40000  # A -> B at 5000 pps: ~8 s, the reload falls inside
PPS = 5000


class ReloadTest(LabCase):
    def ports(self, c_vlan=20, with_d=False, extra=()):
        lab = self.lab
        self.socks = {n: lab.path(n + ".sock") for n in ("vma", "vmb", "vmc", "vmd")}
        ports = [synthetic("vma", MAC_A, self.socks["vma"]),
                 synthetic("vmb", MAC_B, self.socks["vmb"]),
                 synthetic("vmc", MAC_C, self.socks["vmc"],
                           vlan="{ mode: access, id: %d }" % c_vlan)]
        if with_d:
            ports.append(synthetic("vmd", MAC_D, self.socks["vmd"]))
        return ports + list(extra)

    def write(self, name, **kw):
        """A topology on the running vswd's EAL prefix and socket, so only ports differ."""
        return self.lab.write_topology(self.ports(**kw), name=name, prefix=self.prefix)

    def start(self):
        self.prefix = "vswt-%s-r" % self.lab.tag
        self.topo = self.write("topo.yaml")
        self.vswd = self.lab.start_vswd(self.topo)

    def load(self, path):
        """`vswctl load PATH`: (exit status, output)."""
        p = vswlab.run([VSWCTL, "-s", self.lab.control_socket, "load", path], check=False,
                       timeout=30)
        return p.returncode, p.stdout

    def dump(self, sock=None):
        return self.lab.vswctl("dump", sock=sock)

    def test_reload_adds_vm_and_moves_vlan_while_traffic_flows(self):
        lab = self.lab
        self.start()
        b = lab.start_vm("b", self.socks["vmb"], MAC_B, expect=TOTAL, timeout_s=120,
                         linger_ms=300)
        lab.wait_links(["vmb"])
        # Paced by hand: vswlab.start_vm() passes --pps only along with --raw.
        a = lab.spawn("a", [vswlab.VSW_VM] + lab.vm_eal_args("a", self.socks["vma"], MAC_A) + [
            "--", "--mac", MAC_A, "--send", str(TOTAL), "--dst", MAC_B, "--pps", str(PPS),
            "--linger-ms", str(LISTEN_MS)])
        lab.wait_ready(a)
        lab.wait_count("vma", "rx_packets", PPS // 2)  # traffic is flowing before the reload
        t0 = time.monotonic()
        rc, out = self.load(self.write("new.yaml", c_vlan=0, with_d=True))
        took = time.monotonic() - t0
        self.assertEqual(rc, 0, out)
        self.assertIn("1 ports added, 0 removed, 1 changed", out)
        self.assertLess(lab.stats()["vma"]["rx_packets"], TOTAL, "reload after A finished")
        rb = b.result(timeout=120)
        lab.finish(a)
        self.assertEqual((rb["rx_test"], rb["rx_in_order"]), (TOTAL, TOTAL), rb)
        self.assertEqual((rb["rx_dup"], rb["rx_gap"]), (0, 0), rb)
        # C is in VLAN 0 now, with the new VM D: D's frames reach it, all of them.
        dump = self.dump()
        self.assertRegex(dump, r'name: "vmc"\n(    .*\n)*    vlan: \{ mode: access, id: 0 \}')
        self.assertIn('name: "vmd"', dump)
        c = lab.start_vm("c", self.socks["vmc"], MAC_C, expect=N, timeout_s=30, linger_ms=300)
        lab.wait_links(["vmc"])
        d = lab.start_vm("d", self.socks["vmd"], MAC_D, send=N, dst=MAC_C, linger_ms=LISTEN_MS)
        rc_ = c.result(timeout=60)
        lab.finish(d)
        self.assertEqual(rc_["rx_test"], N, rc_)
        self.note("reload during %d frames A -> B: 0 lost, load took %.2f s" % (TOTAL, took))

    def test_one_bad_entry_changes_nothing(self):
        lab = self.lab
        self.start()
        before_ports = lab.vswctl("show", "port")
        before = self.dump()
        # Good changes (a new VM, C's VLAN) and one misspelt key.
        bad = self.write("bad.yaml", c_vlan=0, with_d=True, extra=[
            vswlab.port("mgmt", "internal", netdev='"vswt%s"' % lab.tag, mca='"02:00:00:00:ee:01"')])
        rc, out = self.load(bad)
        self.assertEqual(rc, 1, out)
        self.assertRegex(out, r"error: %s:\d+:\d+: port 'mgmt': unknown key 'mca' "
                         r"\(did you mean 'mac'\?\)" % re.escape(bad))
        self.assertEqual(self.dump(), before)
        self.assertEqual(lab.vswctl("show", "port"), before_ports)
        # Valid, but a device that cannot open: the ports deleted and changed before it come
        # back as they were.
        fails = self.lab.write_topology(
            [synthetic("vma", MAC_A, self.socks["vma"]),
             synthetic("vmc", MAC_B, self.socks["vmc"], vlan="{ mode: access, id: 5 }"),
             vswlab.external("up", "net_vsw_no_such_pmd0")],
            name="fails.yaml", prefix=self.prefix)
        rc, out = self.load(fails)
        self.assertEqual(rc, 1, out)
        self.assertIn("port up", out)
        self.assertEqual(self.dump(), before)
        self.assertEqual(lab.vswctl("show", "port"), before_ports)
        # What needs a restart is refused by name, every such change.
        restart = lab.write_topology(self.ports(), name="restart.yaml", n_workers=2,
                                     control_socket=lab.path("other.sock"))
        rc, out = self.load(restart)
        self.assertEqual(rc, 1, out)
        self.assertIn("eal.args: changed, needs a restart of vswd; workers.lcores: changed, "
                      "needs a restart of vswd; control.socket: changed", out)
        self.assertEqual(self.dump(), before)

    def test_dump_loads_back_and_sighup(self):
        lab = self.lab
        self.start()
        # Run-time changes are part of the running state.
        lab.vswctl("port", "create", "vmd", "synthetic", MAC_D, self.socks["vmd"], "client")
        first = self.dump()
        path = lab.path("dump.yaml")
        with open(path, "w") as f:
            f.write(first)
        rc, out = self.load(path)
        self.assertEqual(rc, 0, out)
        self.assertIn("0 ports added, 0 removed, 0 changed, 0 vf policies, mirrors unchanged",
                      out)
        self.assertEqual(self.dump(), first)
        # A fresh vswd on the dump runs the same state.
        lab.stop(self.vswd)
        self.vswd = lab.start_vswd(path, name="vswd2")
        self.assertEqual(self.dump(), first)
        # SIGHUP reloads the -c file: here the dump with C moved to VLAN 7.
        with open(path, "w") as f:
            f.write(first.replace("mode: access, id: 20", "mode: access, id: 7"))
        os.kill(self.vswd.pid, signal.SIGHUP)
        self.vswd.wait_for(r"reloaded %s: 0 ports added, 0 removed, 1 changed" %
                           re.escape(path), 20)
        self.assertIn("vlan: { mode: access, id: 7 }", self.dump())
        # A refused SIGHUP keeps vswd running, unchanged.
        with open(path, "w") as f:
            f.write("ports: [\n")
        os.kill(self.vswd.pid, signal.SIGHUP)
        self.vswd.wait_for(r"reload of %s refused, nothing changed" % re.escape(path), 20)
        self.assertTrue(self.vswd.alive())
        self.assertIn("vlan: { mode: access, id: 7 }", self.dump())


if __name__ == "__main__":
    vswlab.main()
