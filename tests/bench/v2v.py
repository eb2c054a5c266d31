#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""V2V loop benchmark: vsw against testpmd io forwarding, the same loop, alternating.

One dpdk-testpmd plays both VMs (two net_virtio_user ports, vhost-user servers, io
forwarding, 4 bursts of 32 frames per port put in flight with `start tx_first 4`); the
switch under test connects to both sockets as a vhost-user client and forwards between
them with its one forwarding core on CPU 1, the generator on CPU 0 (TESTBED.md section 6).
Rate = frames the generator receives per second over the window, from its exact counters.
vsw runs its full L2 path: VLAN classification, spoof guard, static FDB lookup.

Not part of the test suite: numbers on a shared 2-core machine are noisy; compare the
ratio of adjacent trials, not the absolute Mpps.
  sudo tests/bench/v2v.py [--trials 5] [--seconds 10] [--size 60] [--ext PROG.o[:P0,P1..]]
--ext (repeatable) adds a vsw variant with that eBPF extension on all ports at ingress,
params as given (pick ones that pass every frame to measure the program's cost alone); its
cycles per run come from `show extension stats`.
"""

import argparse
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(os.path.dirname(HERE)), "build")
VSWD = os.environ.get("VSWD", os.path.join(BUILD, "src", "vswd", "vswd"))
VSWCTL = os.environ.get("VSWCTL", os.path.join(BUILD, "src", "vswctl", "vswctl"))
TESTPMD = shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd"
MAC0, MAC1 = "02:00:00:00:00:01", "02:00:00:00:00:02"
WARMUP_S = 3


def generator(d, size):
    # stdbuf: testpmd's printf output must reach the pipe as it is printed.
    argv = ["stdbuf", "-o0", "taskset", "-c", "0", TESTPMD, "--lcores", "0@0,1@0",
            "--file-prefix", "bgen",
            "--in-memory", "--single-file-segments", "--iova-mode=va", "-m", "512",
            "--no-pci", "--log-level", "*:error",
            "--vdev", "net_virtio_user0,path=%s/sock0,queues=1,mac=%s,server=1" % (d, MAC0),
            "--vdev", "net_virtio_user1,path=%s/sock1,queues=1,mac=%s,server=1" % (d, MAC1),
            "--", "-i", "--forward-mode=io", "--nb-cores=1", "--rxq=1", "--txq=1", "--burst=32",
            "--txpkts=%d" % size, "--eth-peer=0,%s" % MAC1, "--eth-peer=1,%s" % MAC0,
            "--total-num-mbufs=16384"]
    return subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def cmd(gen, line, until, timeout=15):
    """Send a testpmd command; return its output once it matches until (testpmd's prompt
    comes without a newline, so read what is there instead of lines)."""
    gen.stdin.write(line + "\n")
    gen.stdin.flush()
    out, end = "", time.monotonic() + timeout
    while time.monotonic() < end and not re.search(until, out):
        ready, _, _ = select.select([gen.stdout], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            break
        chunk = os.read(gen.stdout.fileno(), 65536)
        if not chunk:
            break
        out += chunk.decode(errors="replace")
    return out


def rx_total(gen):
    out = cmd(gen, "show port stats all", r"(?s)Tx-bps.*Tx-bps", 10)
    return sum(int(v) for v in re.findall(r"RX-packets:\s+(\d+)", out)), time.monotonic()


def ext_yaml(ext):
    """`extensions:` of the topology for --ext PROG.o[:P0,P1,..], or ""."""
    if not ext:
        return ""
    path, _, params = ext.partition(":")
    return ("extensions:\n  - { name: bench, file: \"%s\", port: all, stage: ingress, "
            "params: [%s] }\n" % (os.path.abspath(path), params))


def vsw_switch(d, ext=None):
    topo = os.path.join(d, "vsw.yaml")
    with open(topo, "w") as f:
        f.write('eal: { args: ["-l", "0,1", "--in-memory", "--iova-mode=va", "-m", "512", '
                '"--no-pci", "--file-prefix", "bvsw", "--log-level", "*:error"] }\n'
                "workers: { lcores: [1] }\n"
                'control: { socket: "%s/ctl.sock" }\n'
                "ports:\n"
                '  - { name: vm0, type: synthetic, mac: "%s", vhost: { path: "%s/sock0", '
                "mode: client } }\n"
                '  - { name: vm1, type: synthetic, mac: "%s", vhost: { path: "%s/sock1", '
                "mode: client } }\n" % (d, MAC0, d, MAC1, d) + ext_yaml(ext))
    return subprocess.Popen([VSWD, "-c", topo], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def testpmd_switch(d):
    argv = [TESTPMD, "--lcores", "0@0,1@1", "--file-prefix", "btpm", "--in-memory",
            "--iova-mode=va", "-m", "512", "--no-pci", "--log-level", "*:error",
            "--vdev", "net_vhost0,iface=%s/sock0,queues=1,client=1" % d,
            "--vdev", "net_vhost1,iface=%s/sock1,queues=1,client=1" % d,
            "--", "--forward-mode=io", "--nb-cores=1", "--auto-start", "--stats-period", "100"]
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def vsw_cycles(d):
    out = subprocess.run([VSWCTL, "-s", d + "/ctl.sock", "show", "datapath"],
                         capture_output=True, text=True).stdout
    m = re.search(r"^0\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else None


def ext_cycles(d):
    """Cycles per program run of the bench extension, hook bookkeeping included."""
    out = subprocess.run([VSWCTL, "-s", d + "/ctl.sock", "show", "extension", "stats"],
                         capture_output=True, text=True).stdout
    m = re.search(r"^bench\s+(?:\d+\s+){7}([\d.]+)", out, re.M)
    return float(m.group(1)) if m else None


def trial(name, start_switch, seconds, size):
    d = tempfile.mkdtemp(prefix="vsw-bench-")
    # The switch first: it is the vhost-user client and retries, while the generator's
    # virtio_user servers block in accept() until it connects.
    sw = start_switch(d)
    gen = generator(d, size)
    try:
        cmd(gen, "", r"testpmd>", 30)
        time.sleep(2)  # both vhost devices up on the switch side before frames are sent
        cmd(gen, "start tx_first 4", r"testpmd>|Start", 20)
        time.sleep(WARMUP_S)
        n0, t0 = rx_total(gen)
        time.sleep(seconds)
        n1, t1 = rx_total(gen)
        mpps = (n1 - n0) / (t1 - t0) / 1e6
        cycles = vsw_cycles(d) if name.startswith("vsw") else None
        if name.startswith("vsw+"):
            print("  %s: %.1f cycles per program run" % (name, ext_cycles(d) or -1), flush=True)
        return mpps, cycles
    finally:
        for p in (sw, gen):
            if p is not None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--size", type=int, default=60, help="frame size without FCS")
    ap.add_argument("--ext", action="append", default=[],
                    help="also run vsw with this eBPF extension: PROG.o[:P0,P1,..]")
    a = ap.parse_args()
    switches = [("vsw", vsw_switch)] + [
        ("vsw+" + os.path.basename(e.partition(":")[0])[:-2], lambda d, e=e: vsw_switch(d, e))
        for e in a.ext] + [("testpmd-io", testpmd_switch)]
    results = {name: [] for name, _ in switches}
    cycles = {name: [] for name, _ in switches}
    for t in range(a.trials):
        for name, fn in switches:
            mpps, cyc = trial(name, fn, a.seconds, a.size)
            results[name].append(mpps)
            if cyc:
                cycles[name].append(cyc)
            print("trial %d %-22s %6.2f Mpps%s" % (
                t, name, mpps, " (%d cycles/packet)" % cyc if cyc else ""), flush=True)
    ratios = [v / p for v, p in zip(results["vsw"], results["testpmd-io"]) if p > 0] or [0]
    print("\n| switch | min | median | max | busy cycles/packet, median | Mpps, %dB, %d trials "
          "of %gs |" % (a.size + 4, a.trials, a.seconds))
    print("|---|---|---|---|---|---|")
    for name, v in results.items():
        c = "%d" % statistics.median(cycles[name]) if cycles[name] else "-"
        print("| %s | %.2f | %.2f | %.2f | %s | |" % (
            name, min(v), statistics.median(v), max(v), c))
    print("\nvsw/testpmd-io, adjacent pairs: median %.2f (min %.2f, max %.2f)" % (
        statistics.median(ratios), min(ratios), max(ratios)))

if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("run as root (hugepages, vhost-user)")
    main()
