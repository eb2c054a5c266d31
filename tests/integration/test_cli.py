#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every command of the CLI (R-IF-3) through vswctl against a running vswd: each one succeeds
once and fails at least once, and the failure's exact error line and exit status are
asserted. Show commands are also read as JSON (vswctl --json) and checked against the
topology. The topology has a NIC switch (nic0, its PF on a veth; VF 0 taken by a VPort of the
topology, VF 1 free for vm1) so that the NIC switch and vm commands have something to show
and attach. The extension commands load examples/bpf/empty.o from the build tree.
"""

import json
import os
import re

import vswlab
from vswlab import LabCase

MAC_VM = "02:00:00:00:0a:01"
MAC_VF0 = "02:00:00:00:f0:00"
MAC_NEW = "02:00:00:00:0c:01"
EMPTY_O = os.path.join(os.environ.get("VSW_BPF_DIR",
                                      os.path.join(vswlab.BUILD, "examples", "bpf")), "empty.o")
VM_HEADER = ("port         path       vf vport prio attaches detaches failovers forced last    "
             "   last_ms  lost waiting_vf\n")


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
            "    num_vfs: 2",
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

    def js_fails(self, *words):
        """A command that must fail in JSON mode: returns its {"error", "errno"} object."""
        p = vswlab.run([vswlab.VSWCTL, "-s", self.lab.control_socket, "--json"] + list(words),
                       check=False)
        self.assertEqual(p.returncode, 1, p.stdout)
        return json.loads(p.stdout)

    def vm1(self):
        """vm1's row of `show vm datapath` read as JSON."""
        vms = self.js("show", "vm", "datapath")["vms"]
        self.assertEqual([v["port"] for v in vms], ["vm1"], vms)
        return vms[0]

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
        # The counters alone, the same as under the listing (nothing learned here).
        stats = self.js("show", "fdb", "stats")
        self.assertEqual(stats, {"stats": self.js("show", "fdb")["stats"]})
        self.assertEqual((stats["stats"]["entries"], stats["stats"]["learned"]), (0, 0), stats)
        self.assertRegex(self.ok("show", "fdb", "stats"),
                         r"^learned 0 entries 0 moved 0 aged 0 flushed 0 full 0 "
                         r"requests-dropped 0\n$")
        self.bad("bad arguments", "show", "fdb", "stats", "all")

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
                         ("nic0", 2, 2, "asymmetric"), sw)
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

    def test_show_vm_datapath(self):
        out = self.ok("show", "vm", "datapath")
        self.assertEqual(out, VM_HEADER + "vm1          synthetic   -     -    0        0        0"
                         "         0      0 none           0.0     0 -\n")
        self.assertEqual(self.vm1(), {
            "port": "vm1", "path": "synthetic", "vf": None, "vport": None, "priority": 0,
            "attaches": 0, "detaches": 0, "failovers": 0, "forced": 0, "last_change": "none",
            "last_change_us": 0, "last_change_lost": 0, "waiting_vf": None})
        self.bad("bad arguments", "show", "vm", "datapath", "now")

    def test_show_topology_dot(self):
        out = self.ok("show", "topology", "dot")
        self.assertTrue(out.startswith("graph vsw {\n") and out.endswith("}\n"), out)
        self.assertIn('"port:vm1"', out)
        self.assertEqual(self.ok("show", "topology", "--dot"), out)
        self.assertEqual(self.js("show", "topology", "dot"), {"dot": out})
        self.bad("bad arguments", "show", "topology", "svg")

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

    def test_port_create_past_the_dpdk_ethdev_limit(self):
        # VM ports take no ethdev (the vhost library serves them): more of them than DPDK has
        # ethdevs (RTE_MAX_ETHPORTS, 32 in Debian's build) fit, up to vsw's own 64 ports;
        # past those a create fails with the reason and changes nothing.
        def create(i):
            return vswlab.run([vswlab.VSWCTL, "-s", self.lab.control_socket, "port", "create",
                               "vmx%d" % i, "synthetic", "02:00:00:00:0e:%02x" % i,
                               self.lab.path("vmx%d.sock" % i), "server"], check=False)
        created = []
        try:
            for i in range(70):
                p = create(i)
                if p.returncode != 0:
                    break
                created.append("vmx%d" % i)
            self.assertRegex(p.stdout, r"^error: port vmx%d: .*64.*\n$" % i)
            self.assertGreater(len(created), 40)
            self.assertEqual(len(self.lab.stats()), 64)
            self.assertNotIn("vmx%d" % i, self.lab.stats())
            # The failed create took nothing: one delete makes room for exactly one more.
            self.ok("port", "delete", created.pop())
            self.assertEqual(create(i).returncode, 0)
            created.append("vmx%d" % i)
            self.assertEqual(create(i + 1).returncode, 1)
        finally:
            for name in created:
                self.ok("port", "delete", name)

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

    def test_vm_attach_and_detach(self):
        # VF 0 is the topology's own VPort's: refused, and nothing changes.
        self.fails("error: vm vm1: vf 0 has a VPort of its own in the topology",
                   "vm", "attach-vf", "vm1", "vf", "0")
        self.fails("error: vm vm1: vf 2: the NIC switch has VFs 0..1",
                   "vm", "attach-vf", "vm1", "vf", "2")
        self.fails("error: vm uplink: not a VM port (synthetic)", "vm", "attach-vf", "uplink")
        self.fails("error: vm vm9: no such port", "vm", "attach-vf", "vm9")
        self.fails("error: vm vm1: already synthetic", "vm", "detach-vf", "vm1")
        self.bad("bad arguments", "vm", "attach-vf", "vm1", "vf", "one")
        self.assertEqual(self.vm1()["path"], "synthetic")
        self.assertEqual(self.ok("vm", "attach-vf", "vm1"),
                         "vm vm1: attaching, the VF path starts when the guest uses it\n")
        vm = self.vm1()
        self.assertEqual((vm["path"], vm["vf"], vm["waiting_vf"]), ("attaching", 1, None), vm)
        self.assertIsInstance(vm["vport"], int, vm)
        self.assertRegex(self.ok("show", "vm", "datapath"),
                         r"\nvm1 +attaching +1 +%d +0 +0 +0 +0 +0 +none " % vm["vport"])
        self.fails("error: vm vm1: already attaching", "vm", "attach-vf", "vm1")
        self.assertEqual(self.ok("vm", "detach-vf", "vm1"), "vm vm1: detaching, the VF goes when "
                         "the guest is back on the synthetic path\n")
        self.assertEqual(self.vm1()["path"], "detaching")
        self.fails("error: vm vm1: already detaching", "vm", "detach-vf", "vm1")
        self.assertEqual(self.js_fails("vm", "detach-vf", "vm9"),
                         {"error": "vm vm9: no such port", "errno": -2})

    def test_vm_attach_given_vf(self):
        self.assertEqual(self.ok("vm", "attach-vf", "vm1", "vf", "1"),
                         "vm vm1: attaching, the VF path starts when the guest uses it\n")
        self.assertEqual((self.vm1()["path"], self.vm1()["vf"]), ("attaching", 1))
        self.assertEqual(self.js_fails("vm", "attach-vf", "vm1", "vf", "1"),
                         {"error": "vm vm1: already attaching", "errno": -114})

    def test_vm_set_vf_priority(self):
        self.assertEqual(self.ok("vm", "set", "vm1", "vf-priority", "1000"),
                         "vm vm1: vf priority set\n")
        self.assertEqual(self.vm1()["priority"], 1000)
        self.assertEqual(self.js("vm", "set", "vm1", "vf-priority", "7"),
                         {"result": "vm vm1: vf priority set"})
        self.fails("error: vm adapter: no such adapter, or priority above 1000",
                   "vm", "set", "vm1", "vf-priority", "1001")
        self.fails("error: vm uplink: not a VM port (synthetic)",
                   "vm", "set", "uplink", "vf-priority", "1")
        self.bad("bad arguments", "vm", "set", "vm1", "vf-priority")
        self.assertEqual(self.vm1()["priority"], 7)

    def test_vm_announce(self):
        vm = self.lab.start_vm("vm1", self.vm_sock, MAC_VM, timeout_s=120,
                               linger_ms=vswlab.LISTEN_MS)
        self.lab.wait_links(["vm1"])
        before = self.lab.stats()
        self.assertEqual(self.ok("vm", "announce", "vm1"), "vm vm1: announced\n")
        # One RARP (vm1 has one MAC, 60 bytes) floods out of the uplink. The guest must be
        # connected: vsw takes frames only from a connected VM's port.
        after = self.lab.wait_count("uplink", "tx_packets", before["uplink"]["tx_packets"] + 1)
        self.assertEqual(after["uplink"]["tx_bytes"] - before["uplink"]["tx_bytes"], 60, after)
        self.fails("error: vm uplink: not a VM port (synthetic)", "vm", "announce", "uplink")
        self.fails("error: vm vm9: no such port", "vm", "announce", "vm9")
        self.bad("bad arguments", "vm", "announce")
        self.lab.finish(vm)
        self.lab.wait_links(["vm1"], state="down")
        self.fails("error: vm vm1: its NIC is not connected, nothing to announce", "vm",
                   "announce", "vm1")

    # --- extensions ------------------------------------------------------------------------

    def ebpf(self):
        """The eBPF rows of `extension list` as JSON, by name."""
        return {e["name"]: e for e in self.js("extension", "list")["extensions"]
                if e["type"] == "ebpf"}

    def test_extension_load_spellings_and_unload(self):
        if not os.path.exists(EMPTY_O):
            self.skipTest("eBPF examples not built (clang missing?)")
        out = self.ok("extension", "load", "e1", EMPTY_O, "port", "vm1", "stage", "ingress")
        bottom = int(re.fullmatch(r"extension e1 loaded at position (\d+)\n", out).group(1))
        self.assertEqual(self.ok("extension", "load", "e2", EMPTY_O, "section", ".text", "port",
                                 "all", "stage", "egress"),
                         "extension e2 loaded at position %d\n" % (bottom + 1))
        self.assertEqual(self.ok("extension", "load", "e3", EMPTY_O, "port", "vm1", "stage",
                                 "egress", "position", "0"), "extension e3 loaded at position 0\n")
        self.assertEqual(self.js("extension", "load", "e4", EMPTY_O, "section", ".text", "port",
                                 "uplink", "stage", "ingress", "position", "1"),
                         {"result": "extension e4 loaded at position 1"})
        ext = self.ebpf()
        self.assertEqual(sorted((e["position"], n) for n, e in ext.items()),
                         [(0, "e3"), (1, "e4"), (bottom + 2, "e1"), (bottom + 3, "e2")], ext)
        self.assertEqual((ext["e2"]["port"], ext["e2"]["stage"], ext["e2"]["section"],
                          ext["e2"]["file"]), ("all", "egress", ".text", EMPTY_O), ext)
        self.assertRegex(self.ok("extension", "list"),
                         r"\n0 +e3 +ebpf +egress +vm1 +%s:\.text \((jit|interpreted)\)\n"
                         % re.escape(EMPTY_O))
        self.fails("error: extension e1: name already used in the stack", "extension", "load",
                   "e1", EMPTY_O, "port", "vm1", "stage", "ingress")
        self.fails("error: extension e5: no port vm9", "extension", "load", "e5", EMPTY_O,
                   "port", "vm9", "stage", "ingress")
        self.fails("error: cannot open /nonexistent/x.o: No such file or directory", "extension",
                   "load", "e5", "/nonexistent/x.o", "port", "vm1", "stage", "ingress")
        self.bad("bad arguments", "extension", "load", "e5", EMPTY_O, "port", "vm1", "stage",
                 "sideways")
        self.assertEqual(sorted(self.ebpf()), ["e1", "e2", "e3", "e4"])
        self.assertEqual(self.ok("extension", "unload", "e3"), "extension e3 unloaded\n")
        self.fails("error: extension e3: no eBPF extension of that name",
                   "extension", "unload", "e3")
        self.assertEqual(self.js_fails("extension", "unload", "e3"),
                         {"error": "extension e3: no eBPF extension of that name", "errno": -2})
        self.assertEqual(sorted(self.ebpf()), ["e1", "e2", "e4"])
        self.bad("bad arguments", "extension", "list", "all")

    def test_extension_show_param_and_stats(self):
        if not os.path.exists(EMPTY_O):
            self.skipTest("eBPF examples not built (clang missing?)")
        self.ok("extension", "load", "e1", EMPTY_O, "port", "vm1", "stage", "ingress")
        self.assertEqual(self.ok("extension", "param", "e1", "3", "0x88b5"),
                         "extension e1: vsw_params[3] set to 34997\n")
        self.fails("error: extension e1: param 8 not in 0..7", "extension", "param", "e1", "8",
                   "1")
        self.fails("error: extension e9: no eBPF extension of that name", "extension", "param",
                   "e9", "0", "1")
        out = self.ok("extension", "show", "e1")
        self.assertRegex(out, r"^extension e1: %s section \.text, port vm1, ingress, "
                         r"(jit|interpreted)\nparams: 0 0 0 34997 0 0 0 0\n" % re.escape(EMPTY_O))
        e1 = self.js("extension", "show", "e1")
        self.assertEqual((e1["name"], e1["port"], e1["stage"], e1["params"], e1["counters"]),
                         ("e1", "vm1", "ingress", [0, 0, 0, 34997, 0, 0, 0, 0], {}), e1)
        self.assertEqual(e1["stats"]["runs"], 0, e1)  # no VM connected: nothing ran
        self.fails("error: extension e9: no eBPF extension of that name", "extension", "show",
                   "e9")
        out = self.ok("show", "extension", "stats")
        self.assertRegex(out, r"^NAME +RUNS +PASSES +DROPS +REDIRECTS +ERRORS +SKIPPED +CYCLES "
                         r"+CYCLES/RUN\ne1 +0 +0 +0 +0 +0 +0 +0 +0\.0\n$")
        self.assertEqual(self.js("show", "extension", "stats"), {"extensions": [{
            "name": "e1", "runs": 0, "passes": 0, "drops": 0, "redirects": 0, "errors": 0,
            "skipped": 0, "cycles": 0, "cycles_per_run": 0}]})
        self.bad("bad arguments", "show", "extension", "stats", "e1")

    def test_help(self):
        out = self.ok("help")
        for words in ("show port:", "show port stats:", "show port stats <name>:",
                      "show port info <name>:", "show fdb:", "show fdb stats:", "show datapath:",
                      "show pmd stats:",
                      "show nic-switch <nic>:", "show vport <nic>:", "show filter <nic> <vport>:",
                      "port create <name> synthetic", "port create <name> external",
                      "port delete <name>:", "clear port stats all|<name>:", "clear pmd stats:",
                      "set log level <type> <level>:", "show vm datapath:", "vm announce <port>:",
                      "extension load <name> <file.o> port <port>|all stage ingress|egress:",
                      "extension list:", "show extension stats:", "help:", "quit:"):
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
