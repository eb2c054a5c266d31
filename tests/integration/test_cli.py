#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every command of the CLI (R-IF-3) through vswctl against a running vswd: each one succeeds
once and fails at least once, and the failure's exact error line and exit status are
asserted. Show commands are also read as JSON (vswctl --json) and checked against the
topology. The topology has a NIC switch (nic0, its PF on a veth) so that the NIC switch
commands have something to show.
"""

import json
import os

import vswlab
from vswlab import LabCase

MAC_VM = "02:00:00:00:0a:01"
MAC_VF0 = "02:00:00:00:f0:00"
MAC_NEW = "02:00:00:00:0c:01"


class CliTest(LabCase):
    def setUp(self):
        super().setUp()
        lab = self.lab
        ns, host_if, _ = lab.add_veth_netns()
        self.vm_sock = lab.path("vm1.sock")
        lab.control_socket = lab.path("vswd.sock")
        q = json.dumps
        lines = [
            "eal: { args: %s }" % q(lab.eal_args("vswt-%s-cli" % lab.tag)),
            "workers: { lcores: [1] }",
            "control: { socket: %s }" % q(lab.control_socket),
            "ports:",
            "  - { name: uplink, type: external, nic_switch: nic0 }",
            "  - { name: vm1, type: synthetic, mac: %s, vhost: { path: %s, mode: server } }" % (
                q(MAC_VM), q(self.vm_sock)),
            "nic_switches:",
            "  - name: nic0",
            "    backend: emulated",
            "    pf: %s" % q("net_af_packet1,iface=%s" % host_if),
            "    num_vfs: 1",
            "    queue_pairs: { total: 4, default_vport: 2 }",
            "    asymmetric: true",
            "    vf_socket_dir: %s" % q(lab.path("vf")),
            "    vports:",
            "      - { id: 1, function: vf0, queue_pairs: 1, filters: [ { mac: %s, vlan: 5 } ] }"
            % q(MAC_VF0),
        ]
        path = lab.path("topo.yaml")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.vswd = lab.start_vswd(path)

    def ok(self, *words):
        """Run a command that must succeed; returns its output."""
        return self.lab.vswctl(*words)

    def fails(self, line, *words, status=1):
        """Run a command that must fail with exactly the error line given."""
        p = vswlab.run([vswlab.VSWCTL, "-s", self.lab.control_socket] + list(words),
                       check=False)
        self.assertEqual((p.returncode, p.stdout), (status, line + "\n"), words)

    def bad(self, kind, *words):
        """A line the parser refuses: unknown command or bad arguments."""
        self.fails("error: %s: '%s' (try 'help')" % (kind, " ".join(words)), *words)

    def js(self, *words):
        return json.loads(self.lab.vswctl("--json", *words))

    # --- show ------------------------------------------------------------------------------

    def test_show_port(self):
        out = self.ok("show", "port")
        self.assertRegex(out, r"^ID +NAME +TYPE +LINK +NIC +MAC +ENDPOINT\n")
        self.assertRegex(out, r"\n1 +vm1 +synthetic +down +created +02:00:00:00:0A:01 +%s \(server\)"
                         % self.vm_sock)
        names = [p["name"] for p in self.js("show", "port")["ports"]]
        self.assertEqual(names[:2], ["uplink", "vm1"], names)
        self.assertIn("nic0-vf0", names)
        self.bad("bad arguments", "show", "port", "vm1")

    def test_show_port_stats(self):
        self.assertIn("vm1", self.lab.stats())
        out = self.ok("show", "port", "stats", "vm1")
        self.assertTrue(out.startswith("port vm1 (1)\n  rx-packets: 0\n"), out)
        self.assertEqual(self.js("show", "port", "stats", "vm1")["ports"][0]["name"], "vm1")
        self.fails("error: port vm9: no such port", "show", "port", "stats", "vm9")
        self.bad("bad arguments", "show", "port", "stats", "vm1", "extra")

    def test_show_port_info(self):
        info = self.lab.port_detail("info", "vm1")
        self.assertEqual((info["type"], info["nic-state"], info["lifecycle"]),
                         ("synthetic", "created", "port_create nic_create"), info)
        self.assertEqual(self.js("show", "port", "info", "vm1")["lifecycle"],
                         "port_create nic_create")
        self.fails("error: port vm9: no such port", "show", "port", "info", "vm9")

    def test_show_fdb(self):
        fdb = self.lab.fdb()
        self.assertEqual(fdb[(MAC_VM, "-")], ("vm1", "static"), fdb)
        entries = self.js("show", "fdb")["entries"]
        self.assertIn({"mac": MAC_VM.upper(), "port": "vm1", "type": "static"}, entries)
        self.bad("bad arguments", "show", "fdb", "all")

    def test_show_datapath(self):
        out = self.ok("show", "datapath")
        self.assertRegex(out, r"^WORKER +BUSY-PASSES +IDLE-PASSES +SLEEPS +SLEPT-NS +RX-PACKETS"
                         r" +CYCLES/PKT\n0 +\d+ +\d+ +0 +0 +\d+ +\d+\nmbufs-in-use \d+\n$")
        self.assertEqual(len(self.js("show", "datapath")["workers"]), 1)
        self.bad("bad arguments", "show", "datapath", "now")

    def test_show_nic_switch(self):
        out = self.ok("show", "nic-switch", "nic0")
        self.assertIn("  queue-pairs: total 4 default 2 used 1 free 1\n", out)
        sw = self.js("show", "nic-switch", "nic0")
        self.assertEqual((sw["name"], sw["vfs"], sw["vports"], sw["allocation"]),
                         ("nic0", 1, 2, "asymmetric"), sw)
        self.assertEqual(sw["queue_pairs"], {"total": 4, "default": 2, "used": 1, "free": 1})
        self.fails("error: nic switch nic9: no such NIC switch", "show", "nic-switch", "nic9")

    def test_show_vport(self):
        out = self.ok("show", "vport", "nic0")
        self.assertRegex(out, r"\n1 +vf0 +1 +yes +0 +0 +0 +0 +0\n")
        vports = self.js("show", "vport", "nic0")["vports"]
        self.assertEqual([(v["id"], v["function"], v["operational"]) for v in vports],
                         [(0, "pf", True), (1, "vf0", True)], vports)
        self.assertEqual(vports[1]["filters"], [{"filter_id": vports[1]["filters"][0]["filter_id"],
                                                 "mac": MAC_VF0.upper(), "vlan": 5}])
        self.fails("error: nic switch nic9: no such NIC switch", "show", "vport", "nic9")

    def test_show_filter(self):
        out = self.ok("show", "filter", "nic0", "1")
        self.assertRegex(out, r"^FILTER-ID +MAC +VLAN\n\d+ +02:00:00:00:F0:00 +5\n$")
        f = self.js("show", "filter", "nic0", "1")
        self.assertEqual((f["vport"], f["filters"][0]["vlan"]), (1, 5), f)
        self.fails("error: nic switch nic0: no vport 7", "show", "filter", "nic0", "7")
        self.fails("error: nic switch nic0: no vport x", "show", "filter", "nic0", "x")

    def test_show_pmd_stats(self):
        out = self.ok("show", "pmd", "stats")
        self.assertRegex(out, r"^pmd worker 0 lcore 1:\n  iterations: \d+")
        self.assertEqual(self.js("show", "pmd", "stats")["pmds"][0]["lcore"], 1)
        self.bad("bad arguments", "show", "pmd")

    # --- change ----------------------------------------------------------------------------

    def test_port_create_synthetic_and_delete(self):
        sock = self.lab.path("vmc.sock")
        self.assertEqual(self.ok("port", "create", "vmc", "synthetic", MAC_NEW, sock, "server"),
                         "port vmc created\n")
        self.assertIn("vmc", self.lab.stats())
        self.fails("error: port vm1: name already used", "port", "create", "vm1", "synthetic",
                   "02:00:00:00:0d:01", self.lab.path("x.sock"), "server")
        self.fails("error: port vmd: socket path must be absolute", "port", "create", "vmd",
                   "synthetic", "02:00:00:00:0d:01", "x.sock", "server")
        self.fails("error: port vmd: mac must be a unicast address", "port", "create", "vmd",
                   "synthetic", "01:00:5e:00:00:01", self.lab.path("y.sock"), "server")
        self.bad("bad arguments", "port", "create", "vmd", "synthetic", "not-a-mac", "/x", "server")
        self.assertEqual(self.ok("port", "delete", "vmc"), "port vmc deleted\n")
        self.assertNotIn("vmc", self.lab.stats())
        self.fails("error: port vmc: no such port", "port", "delete", "vmc")

    def test_port_create_external(self):
        # The NIC switch's PF is the one uplink: a second external port is refused.
        p = vswlab.run([vswlab.VSWCTL, "-s", self.lab.control_socket, "port", "create", "ext2",
                        "external", "net_null7"], check=False)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertRegex(p.stdout, r"^error: port ext2: .*\n$")
        self.fails("error: port name too long: 31 bytes at most", "port", "create", "x" * 40,
                   "external", "net_null7")
        self.assertNotIn("ext2", self.lab.stats())

    def test_clear_port_stats(self):
        self.assertEqual(self.ok("clear", "port", "stats", "vm1"), "port vm1: stats cleared\n")
        self.assertEqual(self.ok("clear", "port", "stats", "all"), "port stats cleared\n")
        self.fails("error: port vm9: no such port", "clear", "port", "stats", "vm9")
        self.bad("bad arguments", "clear", "port", "stats")

    def test_clear_pmd_stats(self):
        self.assertEqual(self.ok("clear", "pmd", "stats"), "pmd stats cleared\n")
        self.bad("bad arguments", "clear", "pmd")

    def test_set_log_level(self):
        self.assertEqual(self.ok("set", "log", "level", "vsw.cli", "debug"),
                         "log level of vsw.cli set to debug (1 types)\n")
        self.assertEqual(self.ok("set", "log", "level", "pmd.net.vhost", "warning"),
                         "log level of pmd.net.vhost set to warning (1 types)\n")
        self.fails("error: log type vsw.nothing: no such log type", "set", "log", "level",
                   "vsw.nothing", "info")
        self.fails("error: log level 9: unknown level (emerg alert crit err warning notice info"
                   " debug, or 1..8)", "set", "log", "level", "vsw.cli", "9")
        self.bad("bad arguments", "set", "log", "level", "vsw.cli")

    def test_help(self):
        out = self.ok("help")
        for words in ("show port:", "show port stats:", "show port stats <name>:",
                      "show port info <name>:", "show fdb:", "show datapath:", "show pmd stats:",
                      "show nic-switch <nic>:", "show vport <nic>:", "show filter <nic> <vport>:",
                      "port create <name> synthetic", "port create <name> external",
                      "port delete <name>:", "clear port stats all|<name>:", "clear pmd stats:",
                      "set log level <type> <level>:", "help:", "quit:"):
            self.assertIn("\n  " + words, "\n" + out)
        self.bad("bad arguments", "help", "me")
        self.bad("unknown command", "frobnicate")

    def test_quit(self):
        self.bad("bad arguments", "quit", "now")
        self.assertEqual(self.ok("quit"), "stopping vswd\n")
        self.assertEqual(self.vswd.wait(15), 0)
        self.assertFalse(os.path.exists(self.lab.control_socket))


if __name__ == "__main__":
    vswlab.main()
