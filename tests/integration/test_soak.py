#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Soak: mixed traffic plus port churn for VSW_SOAK_SECONDS (120 by default; tests/soak.sh runs
600), through the real vswd (issue 8, item 5).

Traffic, all paced and running the whole time: VM A -> VM B unicast, the wire (a host in a
netns behind an af_packet uplink) -> VM A, VM D -> the wire, and VM C's broadcasts (which
every port gets). Churn, in a loop: a port is created (`port create`), a VM connects to it and
receives, then the VM is SIGKILLed or stopped and the port deleted; and VM C is killed and
restarted on its socket (vhost-user reconnect). Every few seconds vswd's resident memory and
the mbufs in use are sampled.

Asserts: vswd answers throughout; A -> B loses at most 0.1 % (a starved VM may overflow its
ring, and the soak runs on a shared machine); vswd's private resident memory is flat (the mean
of the last third of the samples at most 4 MiB + 5 % over the mean of the first third after
warm-up; shared mappings, DPDK's and the guests' memory, are sampled and reported); the
mbufs in use return to their idle count once the traffic stops; under the sanitizer build,
vswd exits with no LeakSanitizer report (Lab.close() fails the test on any report).
The samples are written to soak.json in VSW_SOAK_OUT (default: the build's meson-logs) for
tests/report.py.
"""

import json
import os
import signal
import statistics
import time

import vswlab
from vswlab import LISTEN_MS, LabCase, external, synthetic

MAC_A = "02:00:00:00:5a:01"
MAC_B = "02:00:00:00:5b:01"
MAC_C = "02:00:00:00:5c:01"
MAC_D = "02:00:00:00:5d:01"
MAC_X = "02:00:00:00:5e:01"
MAC_NS = "02:00:00:00:ee:05"
# Not a test frame: receivers count it apart (rx_other), so A -> B stays exact.
BCAST_FRAME = b"\xff" * 6 + bytes.fromhex(MAC_C.replace(":", "")) + b"\x88\xb5" + bytes(46)
SECONDS = int(os.environ.get("VSW_SOAK_SECONDS", "120"))
PPS_AB = 2000
PPS_WIRE = 500
PPS_BCAST = 100
SAMPLE_S = 2.0
RSS_SLACK_KB = 4096


def rss_kb(pid):
    """(resident KiB, of which private): shared mappings are DPDK's memory (memfd or
    hugepages) and the guests' memory mapped for vhost-user, which fill up as buffers are first
    touched and come and go with VMs; private ones are vswd's own heap, stacks and libraries,
    where a control-plane leak would show."""
    total = private = 0
    is_shared = False
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            head = line.split(None, 2)
            if "-" in head[0] and len(head) > 1 and len(head[1]) == 4:
                is_shared = head[1][3] == "s"
            elif head[0] == "Rss:":
                total += int(head[1])
                private += 0 if is_shared else int(head[1])
    return total, private


class SoakTest(LabCase):
    def mbufs_in_use(self):
        out = self.lab.vswctl("show", "datapath")
        return int(out.split("mbufs-in-use")[1].split()[0])

    def test_soak_mixed_traffic_and_churn(self):
        lab = self.lab
        ns, host_if, ns_if = lab.add_veth_netns()
        sock = {n: lab.path("vm%s.sock" % n) for n in "abcdx"}
        topo = lab.write_topology([
            external("uplink", "net_af_packet0,iface=%s,qpairs=1" % host_if),
            synthetic("vma", MAC_A, sock["a"]),
            synthetic("vmb", MAC_B, sock["b"]),
            synthetic("vmc", MAC_C, sock["c"]),
            synthetic("vmd", MAC_D, sock["d"])])
        vswd = lab.start_vswd(topo)
        n_ab = PPS_AB * SECONDS
        b = lab.start_vm("b", sock["b"], MAC_B, expect=n_ab, timeout_s=SECONDS + 120)
        lab.wait_links(["uplink", "vmb"])
        idle = self.mbufs_in_use()
        a = lab.start_vm("a", sock["a"], MAC_A, send=n_ab, dst=MAC_B, pps=PPS_AB,
                         linger_ms=LISTEN_MS)
        d = lab.start_vm("d", sock["d"], MAC_D, send=PPS_WIRE * SECONDS, dst=MAC_NS,
                         pps=PPS_WIRE, linger_ms=LISTEN_MS)
        wire = lab.spawn("wire", [
            "ip", "netns", "exec", ns, vswlab.sys.executable, vswlab.NSRAW, "send",
            "--iface", ns_if, "--src", MAC_NS, "--dst", MAC_A,
            "--count", str(PPS_WIRE * SECONDS), "--pps", str(PPS_WIRE)])
        samples, churns, kills = [], 0, 0
        t0 = time.monotonic()
        next_sample = t0
        c = None
        while time.monotonic() - t0 < SECONDS:
            now = time.monotonic()
            if now >= next_sample:
                total, private = rss_kb(vswd.pid)
                samples.append({"t_s": round(now - t0, 1), "rss_kb": total,
                                "private_kb": private, "mbufs_in_use": self.mbufs_in_use()})
                next_sample += SAMPLE_S
            # VM C: (re)connects, broadcasts for a while, dies hard every other round.
            if c is not None:
                lab.stop(c, sig=signal.SIGKILL if churns % 2 else signal.SIGTERM)
                kills += churns % 2 == 1
            c = lab.start_vm("c%d" % churns, sock["c"], MAC_C, send=PPS_BCAST * 60,
                             raw=BCAST_FRAME, pps=PPS_BCAST, linger_ms=LISTEN_MS)
            # A port that comes and goes, with a VM on it for a moment.
            lab.vswctl("port", "create", "vmx", "synthetic", MAC_X, sock["x"], "server")
            x = lab.start_vm("x%d" % churns, sock["x"], MAC_X, linger_ms=LISTEN_MS)
            lab.wait_links(["vmx"])
            time.sleep(0.5)
            lab.stop(x, sig=signal.SIGKILL if churns % 3 == 0 else signal.SIGTERM)
            kills += churns % 3 == 0
            lab.vswctl("port", "delete", "vmx")
            churns += 1
            time.sleep(0.5)
        if c is not None:
            lab.stop(c, sig=signal.SIGKILL)
            kills += 1
        rb = b.result(timeout=SECONDS + 180)
        for p in (a, d):
            lab.finish(p)
        wire.result(timeout=120)
        end = time.monotonic() + 15
        while self.mbufs_in_use() != idle and time.monotonic() < end:
            time.sleep(0.2)
        in_use_end = self.mbufs_in_use()
        lost = n_ab - rb["rx_from"].get(MAC_A, 0)
        rss = [s["private_kb"] for s in samples]
        warm = len(rss) // 5
        third = max(1, (len(rss) - warm) // 3)
        first, last = statistics.mean(rss[warm:warm + third]), statistics.mean(rss[-third:])
        report = {"seconds": SECONDS, "churns": churns, "vm_kills": kills,
                  "ab_sent": n_ab, "ab_lost": lost, "mbufs_idle": idle,
                  "mbufs_end": in_use_end, "private_first_kb": round(first),
                  "private_last_kb": round(last), "rss_max_kb": max(s["rss_kb"] for s in samples), "samples": samples}
        out_dir = os.environ.get("VSW_SOAK_OUT", os.path.join(vswlab.BUILD, "meson-logs"))
        if os.path.isdir(out_dir):
            with open(os.path.join(out_dir, "soak.json"), "w") as f:
                json.dump(report, f, indent=1)
        self.assertLessEqual(lost, n_ab // 1000, rb)
        self.assertEqual(in_use_end, idle, samples[-3:])
        self.assertLessEqual(last, first * 1.05 + RSS_SLACK_KB, rss)
        self.note("%d s: %d port create/delete cycles, %d VM kills, A->B lost %d of %d; "
                  "private RSS %d -> %d KiB; mbufs in use %d idle, %d at the end" % (
                      SECONDS, churns, report["vm_kills"], lost, n_ab, first, last, idle,
                      in_use_end))


if __name__ == "__main__":
    vswlab.main()
