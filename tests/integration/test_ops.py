#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Operating vsw (R-IF-4): DPDK telemetry, `vswctl --json`, per-worker (PMD) counters and the
run-time commands that reset counters and change log levels, all against a running vswd with
known traffic: VM A sends N frames of SIZE bytes to VM B and nothing else is sent, so every
counter has one right value.

Telemetry is read with Debian's dpdk-telemetry.py (package dpdk-dev), pointed at vswd's EAL
file-prefix with -f, as an operator would.
"""

import json
import os
import re
import shutil
import subprocess
import time

import vswlab
from vswlab import LISTEN_MS, LabCase, synthetic

MAC_A = "02:00:00:00:0a:01"
MAC_B = "02:00:00:00:0b:01"
N = 3000
SIZE = 60  # vsw-vm's default frame size, without FCS
TELEMETRY = shutil.which("dpdk-telemetry.py") or "/usr/bin/dpdk-telemetry.py"  # dpdk-dev
STAT_KEYS = ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drops")


class OpsTest(LabCase):
    def start(self):
        lab = self.lab
        self.sock_a, self.sock_b = lab.path("vma.sock"), lab.path("vmb.sock")
        self.prefix = "vswt-%s-ops" % lab.tag
        topo = lab.write_topology([synthetic("vma", MAC_A, self.sock_a),
                                   synthetic("vmb", MAC_B, self.sock_b)], prefix=self.prefix)
        self.vswd = lab.start_vswd(topo)

    def traffic(self, n=N):
        """A sends n frames to B; returns once vswd has passed all of them to B."""
        lab = self.lab
        before = lab.stats()["vmb"]["tx_packets"]
        b = lab.start_vm("b%d" % before, self.sock_b, MAC_B, expect=n, timeout_s=60,
                         linger_ms=LISTEN_MS)
        lab.wait_links(["vmb"])
        a = lab.start_vm("a%d" % before, self.sock_a, MAC_A, send=n, dst=MAC_B,
                         linger_ms=LISTEN_MS)
        lab.wait_count("vmb", "tx_packets", before + n)
        lab.finish(a)
        rb = lab.finish(b)
        self.assertEqual(rb["rx_test"], n, rb)

    def json(self, *words):
        out = self.lab.vswctl("--json", *words)
        return json.loads(out)

    def telemetry(self, cmd):
        if not os.access(TELEMETRY, os.X_OK):
            self.fail("%s missing: install the Debian package dpdk-dev" % TELEMETRY)
        p = subprocess.run([TELEMETRY, "-f", self.prefix], input=cmd + "\n", text=True,
                           capture_output=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        # The script prints its prompt-less replies as JSON objects, one per command.
        replies = [json.loads(l) for l in p.stdout.splitlines() if l.startswith("{")]
        self.assertEqual(len(replies), 1, p.stdout)
        return replies[0][cmd.split(",")[0]]

    # --- telemetry ------------------------------------------------------------------------

    def test_telemetry_matches_cli(self):
        self.start()
        self.traffic()
        cli = self.lab.stats()  # the text table, as the other tests read it
        self.assertEqual((cli["vma"]["rx_packets"], cli["vmb"]["tx_packets"]), (N, N), cli)
        ports = self.telemetry("/vsw/ports")
        self.assertEqual(sorted(ports), ["vma", "vmb"], ports)
        for name in ("vma", "vmb"):
            for k in STAT_KEYS:
                self.assertEqual(ports[name][k], cli[name][k], (name, k, ports, cli))
            self.assertEqual(ports[name]["link"], cli[name]["link"], ports)
        self.assertEqual(ports["vma"]["rx_bytes"], N * SIZE, ports)
        self.assertEqual(ports["vmb"]["tx_unicast"], N, ports)

        port = self.telemetry("/vsw/port,vma")
        self.assertEqual((port["name"], port["type"], port["nic_state"], port["port_state"]),
                         ("vma", "synthetic", "none", "created"), port)
        self.assertEqual(port["stats"]["rx_packets"], N, port)
        self.assertEqual(port["queues"], {"worker": 0, "rxqs": 1, "txqs": 1, "txqs_usable": 1},
                         port)
        # The VMs have left: each port saw its NIC connect and go.
        life = self.telemetry("/vsw/lifecycle")
        self.assertTrue(life["vmb"]["lifecycle"].startswith(
            "port_create nic_create nic_connect nic_disconnect nic_delete"), life)
        self.assertEqual(life["vmb"]["nic_state"], "none", life)
        info = self.lab.port_detail("info", "vmb")
        self.assertEqual((life["vmb"]["lifecycle"], life["vmb"]["transitions"]),
                         (info["lifecycle"], info["transitions"]), (life, info))

        fdb = self.telemetry("/vsw/fdb")
        entries = sorted((e["mac"].lower(), e["port"], e["type"]) for k, e in fdb.items()
                         if k != "stats")
        self.assertEqual(entries, [(MAC_A, "vma", "static"), (MAC_B, "vmb", "static")], fdb)
        self.assertEqual(fdb["stats"]["entries"], 0, fdb)

        pmd = self.telemetry("/vsw/pmd")
        cli_pmd = self.json("show", "pmd", "stats")["pmds"][0]
        self.assertEqual(pmd["worker0"]["rx_packets"], N, pmd)  # nothing else was received
        self.assertEqual(pmd["worker0"]["tx_packets"], N, pmd)
        self.assertEqual(pmd["worker0"]["rx_packets"], cli_pmd["rx_packets"], (pmd, cli_pmd))
        self.assertEqual(pmd["worker0"]["lcore"], 1, pmd)

        # No NIC switch in this topology: the command answers with no data, not a crash.
        self.assertIsNone(self.telemetry("/vsw/vports"))
        self.assertIsNone(self.telemetry("/vsw/port,nope"))

    def test_telemetry_sees_cleared_counters(self):
        self.start()
        self.traffic(500)
        self.lab.vswctl("clear", "port", "stats", "vma")
        ports = self.telemetry("/vsw/ports")
        self.assertEqual((ports["vma"]["rx_packets"], ports["vmb"]["tx_packets"]), (0, 500),
                         ports)

    def test_telemetry_vms(self):
        """/vsw/vms says what `show vm datapath` says, and follows a priority change."""
        self.start()
        self.lab.vswctl("vm", "set", "vmb", "vf-priority", "9")
        vms = self.telemetry("/vsw/vms")
        self.assertEqual(sorted(vms), ["vma", "vmb"], vms)
        # No NIC switch: synthetic, no VF nor VPort (left out), nothing changed yet.
        self.assertEqual(vms["vmb"], {
            "id": 1, "path": "synthetic", "priority": 9, "attaches": 0, "detaches": 0,
            "failovers": 0, "forced": 0, "last_change": "none", "last_change_us": 0,
            "last_change_lost": 0}, vms)
        self.assertEqual(vms["vma"]["priority"], 0, vms)
        cli = {v["port"]: v for v in self.json("show", "vm", "datapath")["vms"]}
        for name in ("vma", "vmb"):
            for k in ("path", "priority", "attaches", "failovers", "last_change"):
                self.assertEqual(vms[name][k], cli[name][k], (name, k, vms, cli))

    def test_telemetry_vms_with_a_vf(self):
        """A VM given a VF of a NIC switch: /vsw/vms shows the path, VF and VPort."""
        lab = self.lab
        _, host_if, _ = lab.add_veth_netns()
        self.prefix = "vswt-%s-opsvf" % lab.tag
        lab.control_socket = lab.path("vswd.sock")
        q = json.dumps
        lines = [
            "eal: { args: %s }" % q(lab.eal_args(self.prefix)),
            "workers: { lcores: [1] }",
            "control: { socket: %s }" % q(lab.control_socket),
            "ports:",
            "  - { name: uplink, type: external, nic_switch: nic0 }",
            "  - { name: vma, type: synthetic, mac: %s, vf_priority: 3, vhost: { path: %s } }"
            % (q(MAC_A), q(lab.path("vma.sock"))),
            "nic_switches:",
            "  - { name: nic0, backend: emulated, pf: %s, num_vfs: 1, vf_socket_dir: %s,"
            % (q("net_af_packet1,iface=%s" % host_if), q(lab.path("vf"))),
            "      queue_pairs: { total: 4, default_vport: 2 }, asymmetric: true }",
        ]
        path = lab.path("topo.yaml")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.vswd = lab.start_vswd(path)
        lab.vswctl("vm", "attach-vf", "vma", "vf", "0")
        vma = self.telemetry("/vsw/vms")["vma"]
        cli = self.json("show", "vm", "datapath")["vms"][0]
        self.assertEqual((vma["path"], vma["vf"], vma["priority"]), ("attaching", 0, 3), vma)
        self.assertEqual(vma["vport"], cli["vport"], (vma, cli))
        self.assertNotIn("waiting_vf", vma)
        vports = [v["id"] for v in self.json("show", "vport", "nic0")["vports"]]
        self.assertIn(vma["vport"], vports)

    # --- vswctl --json --------------------------------------------------------------------

    def test_json_show_commands(self):
        self.start()
        self.traffic()
        st = {p["name"]: p for p in self.json("show", "port", "stats")["ports"]}
        self.assertEqual((st["vma"]["rx_packets"], st["vma"]["rx_bytes"]), (N, N * SIZE), st)
        self.assertEqual((st["vmb"]["tx_packets"], st["vmb"]["tx_bytes"]), (N, N * SIZE), st)
        self.assertEqual((st["vma"]["tx_packets"], st["vmb"]["rx_packets"]), (0, 0), st)
        self.assertEqual((st["vma"]["drops"], st["vmb"]["drops"]), (0, 0), st)
        one = self.json("show", "port", "stats", "vmb")["ports"]
        self.assertEqual(len(one), 1, one)
        self.assertEqual((one[0]["tx_packets"], one[0]["tx_unicast"]), (N, N), one)

        ports = {p["name"]: p for p in self.json("show", "port")["ports"]}
        self.assertEqual((ports["vma"]["mac"].lower(), ports["vma"]["type"],
                          ports["vma"]["endpoint"]),
                         (MAC_A, "synthetic", self.sock_a + " (server)"), ports)
        info = self.json("show", "port", "info", "vma")
        self.assertEqual((info["name"], info["nic_state"], info["transitions"]),
                         ("vma", "none", 5), info)
        fdb = self.json("show", "fdb")
        self.assertEqual(sorted((e["mac"].lower(), e["port"]) for e in fdb["entries"]),
                         [(MAC_A, "vma"), (MAC_B, "vmb")], fdb)
        dp = self.json("show", "datapath")
        self.assertEqual(dp["workers"][0]["rx_packets"], N, dp)
        self.assertEqual(dp["mbufs_in_use"] >= 0, True, dp)

    def test_json_errors_and_results(self):
        self.start()
        p = vswlab.run([vswlab.VSWCTL, "-s", self.lab.control_socket, "--json", "show", "port",
                        "info", "nope"], check=False)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertEqual(json.loads(p.stdout), {"error": "port nope: no such port", "errno": -2})
        p = vswlab.run([vswlab.VSWCTL, "-s", self.lab.control_socket, "--json", "frobnicate"],
                       check=False)
        self.assertEqual(json.loads(p.stdout),
                         {"error": "unknown command: 'frobnicate' (try 'help')", "errno": -22})
        self.assertEqual(self.json("clear", "pmd", "stats"), {"result": "pmd stats cleared"})
        self.assertIn("show pmd stats: per worker lcore cycles (busy, idle), iterations, packets",
                      self.json("help")["commands"])

    # --- pmd stats ------------------------------------------------------------------------

    def test_pmd_stats_move_and_clear(self):
        self.start()
        self.traffic()
        pmd = self.json("show", "pmd", "stats")["pmds"]
        self.assertEqual(len(pmd), 1, pmd)
        w = pmd[0]
        self.assertEqual((w["rx_packets"], w["tx_packets"]), (N, N), w)
        self.assertGreater(w["busy_iterations"], 0, w)
        self.assertEqual(w["iterations"], w["busy_iterations"] + w["idle_iterations"], w)
        self.assertGreater(w["idle_cycles"], w["busy_cycles"], w)  # a paced sender
        # One pass receives one burst of at most 32 frames and sends it on: between a few tens
        # of cycles per frame and the cost of a whole pass for one frame (a shared CPU can
        # stretch that; 100 us at the 2.6 GHz TSC is a generous ceiling).
        self.assertGreater(w["busy_cycles_per_packet"], 20, w)
        self.assertLess(w["busy_cycles_per_packet"], 260000, w)
        self.assertEqual(w["busy_cycles_per_packet"], w["busy_cycles"] // w["rx_packets"], w)
        text = self.lab.vswctl("show", "pmd", "stats")
        self.assertRegex(text, r"pmd worker 0 lcore 1:\n  iterations: \d+ \(busy \d+, idle \d+\)\n"
                         r"  packets received: %d\n  packets sent: %d\n" % (N, N))

        self.lab.vswctl("clear", "pmd", "stats")
        w = self.json("show", "pmd", "stats")["pmds"][0]
        self.assertEqual((w["rx_packets"], w["tx_packets"], w["busy_iterations"],
                          w["busy_cycles"]), (0, 0, 0, 0), w)
        self.assertLess(w["idle_cycles"], 5 * 2600 * 10**6, w)  # not the totals since start
        self.traffic(1000)
        w = self.json("show", "pmd", "stats")["pmds"][0]
        self.assertEqual((w["rx_packets"], w["tx_packets"]), (1000, 1000), w)
        # show datapath reads the same (cleared) counters.
        self.assertEqual(self.json("show", "datapath")["workers"][0]["rx_packets"], 1000)

    # --- clear port stats, set log level --------------------------------------------------

    def test_clear_port_stats(self):
        self.start()
        self.traffic(1000)
        self.assertEqual(self.lab.vswctl("clear", "port", "stats", "vma"),
                         "port vma: stats cleared\n")
        st = self.lab.stats()
        self.assertEqual((st["vma"]["rx_packets"], st["vma"]["rx_bytes"]), (0, 0), st)
        self.assertEqual(st["vmb"]["tx_packets"], 1000, st)
        detail = self.lab.port_detail("stats", "vma")
        self.assertEqual((detail["rx-unicast"], detail["rx-packets"]), (0, 0), detail)
        self.assertEqual(self.lab.vswctl("clear", "port", "stats", "all"), "port stats cleared\n")
        self.assertEqual(self.lab.stats()["vmb"]["tx_packets"], 0)
        self.traffic(700)
        st = self.lab.stats()
        self.assertEqual((st["vma"]["rx_packets"], st["vmb"]["tx_packets"]), (700, 700), st)
        self.assertEqual(st["vmb"]["tx_bytes"], 700 * SIZE, st)

    def test_set_log_level_takes_effect(self):
        self.start()
        lab = self.lab
        # `clear port stats` logs at INFO on vsw.control: silenced at err, back at info.
        self.assertEqual(lab.vswctl("set", "log", "level", "vsw.control", "err"),
                         "log level of vsw.control set to err (1 types)\n")
        lab.vswctl("clear", "port", "stats", "vma")
        self.assertEqual(lab.vswctl("set", "log", "level", "vsw.*", "7"),
                         "log level of vsw.* set to info (%d types)\n" % self.vsw_types())
        lab.vswctl("clear", "port", "stats", "vmb")
        out = self.vswd.output()
        self.assertNotIn("port vma: stats cleared", out)
        self.assertIn("port vmb: stats cleared", out)
        self.assertEqual(lab.vswctl("set", "log", "level", "lib.eal", "debug"),
                         "log level of lib.eal set to debug (1 types)\n")

    def vsw_types(self):
        """vsw's log types vswd registered, as its own dump would say: the modules with logs."""
        out = self.lab.vswctl("set", "log", "level", "vsw.*", "info")
        return int(re.search(r"\((\d+) types\)", out).group(1))


if __name__ == "__main__":
    vswlab.main()
