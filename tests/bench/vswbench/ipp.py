# SPDX-License-Identifier: BSD-3-Clause
"""Instructions per packet of vsw's worker in the V2V loop, by callgrind: deterministic on a
noisy machine where cycles are not (perf's hardware counters are not exposed in this VM).

vswd runs under valgrind (callgrind, one output file per thread); the loop is the usual
testpmd generator, which easily outruns a switch slowed down ~50x, so nearly every worker pass
is busy. Over a window opened by `callgrind_control -z` + `clear pmd stats` and closed by
`show pmd stats` + `callgrind_control -d`, instructions/packet = the worker thread's
instructions / the packets it received. It includes everything the worker does per pass:
rx and tx bursts in the vhost PMD, switching, counters.
"""

import glob
import os
import re
import shutil
import subprocess
import tempfile
import time

from . import procs


def l2_cache():
    """This CPU's L2 as callgrind's --LL=size,assoc,line: callgrind models two levels only, and
    its default LL is the L3 (480 MiB as this VM reports it), which no table here overflows.
    What a big FDB costs is L2 misses, served by L3."""
    base = "/sys/devices/system/cpu/cpu0/cache/index2/"
    try:
        size = open(base + "size").read().strip()
        ways = int(open(base + "ways_of_associativity").read())
        line = int(open(base + "coherency_line_size").read())
    except (OSError, ValueError):
        return None
    n = int(size.rstrip("KMG"))
    n *= {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(size[-1], 1)
    # callgrind wants a power-of-two number of sets
    while ways > 1 and (n // (ways * line)) & (n // (ways * line) - 1):
        ways -= 1
    return "%d,%d,%d" % (n, ways, line)


class ValgrindVsw(procs.Vsw):
    name = "vsw (callgrind)"
    ctl_timeout = 120  # valgrind runs one thread at a time: the control thread waits its turn

    def __init__(self, d, cache_sim=False, branch_sim=False, **topo):
        self.d = d
        path = os.path.join(d, "vsw.yaml")
        with open(path, "w") as f:
            f.write(procs.vsw_topology(d, no_huge=True, **topo))
        self.out = os.path.join(d, "cg.out")
        self.p = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--separate-threads=yes", "--fair-sched=yes",
             "--cache-sim=%s" % ("yes" if cache_sim else "no"),
             "--branch-sim=%s" % ("yes" if branch_sim else "no")]
            + (["--LL=" + l2_cache()] if cache_sim and l2_cache() else [])
            + ["--callgrind-out-file=" + self.out, procs.VSWD, "-c", path],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.p.pid
        self.n_idle, self.idle_vms = topo.get("n_idle", 0), None


class ValgrindTestpmd(procs.Testpmd):
    """testpmd io forwarding between two net_vhost ports, the no-logic anchor, likewise."""

    def __init__(self, d):
        self.out = os.path.join(d, "cg.out")
        super().__init__([
            "valgrind", "--tool=callgrind", "--separate-threads=yes", "--fair-sched=yes",
            "--callgrind-out-file=" + self.out, procs.TESTPMD, "--lcores", "0@0,1@1",
            "--no-huge", "--no-shconf", "-m", "512", "--iova-mode=va", "--no-pci",
            "--file-prefix", procs.prefix("t"), "--log-level", "*:error",
            "--vdev", "net_vhost0,iface=%s/sock0,queues=1,client=1" % d,
            "--vdev", "net_vhost1,iface=%s/sock1,queues=1,client=1" % d,
            "--", "-i", "--forward-mode=io", "--nb-cores=1", "--total-num-mbufs=8192"])
        self.cmd(None, r"testpmd>", 180)
        self.cmd("start", r"testpmd>", 120)

    def ready(self, timeout=30):
        return self.p.poll() is None

    def clear(self):
        self.cmd("clear port stats all", r"testpmd>", 120)

    def packets(self):
        out = self.cmd("show port stats all", r"(?s)Tx-bps.*Tx-bps", 120)
        return sum(int(v) for v in re.findall(r"RX-packets:\s+(\d+)", out))

    def close(self):
        procs.stop([self.p])


def calls_to(dump, name, inclusive=False):
    """Calls made to function @p name (or a clone GCC made of it) in a callgrind dump (names
    are compressed to ids);
    inclusive: (calls, instructions inside those calls, callees included)."""
    ids, total, cost, want, take_cost = {}, 0, 0, False, False
    with open(dump, errors="replace") as fh:
        for line in fh:
            if take_cost:  # the line after calls=: position, then the call's inclusive events
                fields = line.split()
                cost += int(fields[1]) if len(fields) > 1 else 0
                take_cost = False
                continue
            if line.startswith("cfn="):
                m = re.match(r"cfn=\((\d+)\)(?: (.*))?", line.strip())
                if m:
                    if m.group(2):
                        ids[m.group(1)] = m.group(2)
                    # GCC's clones of a static function (name.isra.0) are the function.
                    want = (ids.get(m.group(1)) or "").split(".")[0] == name
                continue
            if line.startswith(("fn=", "fi=", "fe=")):
                m = re.match(r"fn=\((\d+)\)(?: (.*))?", line.strip())
                if m and m.group(2):
                    ids[m.group(1)] = m.group(2)
                continue
            if want and line.startswith("calls="):
                total += int(line[6:].split()[0])
                want = False
                take_cost = True
    return (total, cost) if inclusive else total


# What polls one rx queue: a port of the vSwitch, or the PF or a VF of the emulated NIC switch.
POLLS = ("vsw_dp_switch_burst", "vsw_dp_nicsw_burst")


def worker_passes(dump, polls, n_rxqs):
    """Worker passes in a dump: calls to poll_pass(), kept out of line for this. Quiet queues
    are polled once per workers.idle_rxq_poll_us, not every pass, so calls to
    vsw_dp_switch_burst do not count passes; @p polls / @p n_rxqs only for a vswd from before."""
    return calls_to(dump, "poll_pass") or polls / n_rxqs


def _thread_totals(files):
    out = {}
    for f in files:
        with open(f, errors="replace") as fh:
            for line in fh:
                m = re.match(r"(?:summary|totals):\s+(\d+)", line)
                if m:
                    out[f] = int(m.group(1))
    return out


def _events(dump):
    """The totals of a dump by event name (Ir, D1mr, Bcm...), or None."""
    events, totals = None, None
    with open(dump, errors="replace") as fh:
        for line in fh:
            if line.startswith("events:"):
                events = line.split()[1:]
            m = re.match(r"(?:summary|totals):\s+(.*)", line)
            if m:
                totals = [int(v) for v in m.group(1).split()]
    if not events or not totals:
        return None
    return dict(zip(events, totals))


def data_misses(dump, pkts):
    """(D1, LL) data misses per packet from a --cache-sim=yes dump: read + write misses of the
    simulated first-level and last-level caches (callgrind's model, not this CPU's)."""
    ev = _events(dump)
    if ev is None:
        return None
    return ((ev.get("D1mr", 0) + ev.get("D1mw", 0)) / pkts,
            (ev.get("DLmr", 0) + ev.get("DLmw", 0)) / pkts)


def mispredicts(dump, pkts):
    """Mispredicted branches per packet from a --branch-sim=yes dump: conditional and indirect
    (callgrind's simple predictor model: a stand-in for the misses a layout change adds or
    removes, not this CPU's count), or None."""
    ev = _events(dump)
    if ev is None or "Bcm" not in ev:
        return None
    return (ev["Bcm"] + ev.get("Bim", 0)) / pkts


def own_instructions(dump):
    """Instructions spent in the switch's own code (its functions and what is inlined into them),
    not in DPDK's shared libraries: what vsw's datapath changes move."""
    out = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no", dump],
                         capture_output=True, text=True).stdout
    own = 0
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S.*)$", line)
        if not m or "(100.0%)" in line:  # totals and the thread's root frames
            continue
        obj = re.search(r"\[([^\]]+)\]\s*$", m.group(2))
        if obj is None or os.path.basename(obj.group(1)) in ("vswd", "dpdk-testpmd"):
            own += int(m.group(1).replace(",", ""))
    return own


def measure(size=60, seconds=20, warmup=8, keep=None, switch="vsw", macs=None, cache_sim=False,
            branch_sim=False, **topo):
    """@return {total: instructions per packet, own: of which in vswd's own code, busy: total
    without the passes that found nothing, packets,
    per_pass: packets per busy worker pass, d1_misses, ll_misses: data misses per packet or
    None, mispredicts: mispredicted branches per packet or None}. keep: a path to copy the
    worker thread's callgrind dump to, for callgrind_annotate. macs: vsw-loopgen spreads the frames over that many MAC pairs per
    direction, which vsw learns (FDB scale) before the window opens. cache_sim: callgrind's
    cache simulator on (slower): without it, callgrind counts instructions only, no misses.
    branch_sim: its branch predictor model too, for mispredicts per packet."""
    d = tempfile.mkdtemp(prefix="vsw-ipp-")
    sw = gen = None
    try:
        if switch == "vsw":
            if macs:
                topo["learning"] = True
            sw = ValgrindVsw(d, cache_sim=cache_sim, branch_sim=branch_sim, **topo)
            # More than the vrings hold: every poll of the slowed-down switch finds a full
            # burst whatever was lost while it came up, so the per-burst costs are spread alike.
            gen = procs.LoopGen(d, size, macs, in_flight=512) if macs else procs.TestpmdGen(
                d, size, loop=topo.get("loop", procs.LOOP_VMS))
            gen.start()
            if not sw.ready(timeout=180):
                raise RuntimeError("vswd under valgrind did not come up")
            if macs:
                end = time.monotonic() + 300
                while (sw.n_learned() or 0) < 2 * macs:
                    if time.monotonic() > end:
                        raise RuntimeError("vsw learned %s of %d MACs" % (sw.n_learned(), 2 * macs))
                    time.sleep(2)
        else:
            gen = procs.TestpmdGen(d, size)
            sw = ValgrindTestpmd(d)
            gen.start()
        time.sleep(2)
        gen.go(bursts=16)
        time.sleep(warmup)
        subprocess.run(["callgrind_control", "-z", str(sw.pid)], capture_output=True,
                       timeout=60)
        sw.clear()
        time.sleep(seconds)
        if switch == "vsw":
            for _ in range(3):  # a loaded machine and valgrind: the reply can be late
                stats = sw.ctl("show", "pmd", "stats")
                if stats:
                    break
            else:
                raise RuntimeError("vswd under valgrind does not answer show pmd stats")
            w = (stats.get("pmds") or stats.get("workers") or [{}])[0]
            pkts = w.get("rx_packets", 0)
            if not pkts:
                raise RuntimeError("the loop is dead: vsw received nothing in the window")
            # Two rx queues per pass: 64 when every poll gets a full burst.
            per_pass = pkts / max(1, w.get("busy_iterations", 1))
            # Passes that found nothing: they cost instructions too, and not the same number
            # in every run (valgrind's thread scheduling), so they are reported apart.
            idle_per_busy = w.get("idle_iterations", 0) / max(1, w.get("busy_iterations", 1))
        else:
            pkts = sw.packets()
        subprocess.run(["callgrind_control", "-d", str(sw.pid)], capture_output=True,
                       timeout=60)
        # Dumps after the zeroing: the newest one of each thread; the worker has the most.
        totals = _thread_totals(sorted(glob.glob(sw.out + "*"), key=os.path.getmtime)[-8:])
        if not pkts or not totals:
            raise RuntimeError("no packets or no callgrind dump")
        worker = max(totals, key=totals.get)
        if keep:
            shutil.copy(worker, keep)
        if switch == "vsw":
            # The control thread answers vswctl late under valgrind, so the packet counter's
            # window is not exactly callgrind's: count the packets in the dump itself, as
            # switched bursts (one call per rx burst: the vSwitch's, or the NIC switch's from a
            # VF) times the frames per burst.
            bursts = sum(calls_to(worker, f) for f in ("vsw_dp_switch_received",
                                                        "nicsw_received"))
            if bursts:
                pkts = bursts * per_pass / 2
        misses = data_misses(worker, pkts) if cache_sim else None
        mispredicted = mispredicts(worker, pkts) if branch_sim else None
        own = own_instructions(worker)
        polls = sum(calls_to(worker, f) for f in POLLS) if switch == "vsw" else 0
        passes = worker_passes(worker, polls, 2 + topo.get("n_idle", 0)) if switch == "vsw" else 0
        for p in (gen, sw):
            p.close()
        gen = sw = None
        busy = idle = None
        if switch == "vsw" and bursts:
            # Passes that found the loop's queues empty (valgrind's scheduling makes them,
            # 20 per busy pass was seen, and their number varies from run to run): take them
            # out at the cost of a pass over empty queues of the same topology, measured
            # apart.
            empty_passes = max(0.0, passes - bursts / 2)
            idle = idle_pass_cost(**topo)
            busy = (totals[worker] - empty_passes * idle["per_pass"]) / pkts
        return {"total": totals[worker] / pkts, "own": own / pkts,
                "busy": busy, "idle_pass": idle["per_pass"] if idle else None, "packets": pkts, "per_pass": per_pass if switch == "vsw" else None,
                "polls": polls, "passes": passes,
                "idle_per_busy": idle_per_busy if switch == "vsw" else None,
                "d1_misses": misses[0] if misses else None,
                "ll_misses": misses[1] if misses else None,
                "mispredicts": mispredicted}
    finally:
        for p in (gen, sw):
            if p is not None:
                p.close()
        shutil.rmtree(d, ignore_errors=True)


def idle_pass_cost(n_idle=0, seconds=10, warmup=5, keep=None, **topo):
    """Instructions of one worker pass over empty queues, by callgrind: vm0, vm1 and @p n_idle
    idle ports connected, nothing sent. Against n_idle=0 this gives the cost of polling one
    empty vhost-user queue, free of what traffic adds (partial bursts, idle passes of the busy
    queues). Under callgrind a pass takes ~50x longer than natively, so with the default
    idle_rxq_poll_us (in **topo) quiet queues are due nearly every pass; 0 polls every queue
    every pass, 1000 shows the passes between polls of the quiet ones. @return {per_pass,
    per_poll: instructions per rx queue poll, passes, polls_per_pass, in_poll: instructions
    inside one poll (POLLS), between_polls: instructions per pass outside them}."""
    d = tempfile.mkdtemp(prefix="vsw-ipp-")
    sw = gen = None
    try:
        sw = ValgrindVsw(d, n_idle=n_idle, **topo)
        gen = procs.TestpmdGen(d, 60, loop=topo.get("loop", procs.LOOP_VMS))
        gen.start()
        if not sw.ready(timeout=180):
            raise RuntimeError("vswd under valgrind did not come up")
        time.sleep(warmup)
        subprocess.run(["callgrind_control", "-z", str(sw.pid)], capture_output=True,
                       timeout=60)
        time.sleep(seconds)
        subprocess.run(["callgrind_control", "-d", str(sw.pid)], capture_output=True,
                       timeout=60)
        totals = _thread_totals(sorted(glob.glob(sw.out + "*"), key=os.path.getmtime)[-8:])
        if not totals:
            raise RuntimeError("no callgrind dump")
        worker = max(totals, key=totals.get)
        if keep:
            shutil.copy(worker, keep)
        polls, in_polls = (sum(v) for v in zip(*(calls_to(worker, f, inclusive=True)
                                                 for f in POLLS)))
        if not polls:
            raise RuntimeError("the worker polled nothing")
        passes = worker_passes(worker, polls, 2 + n_idle)
        return {"per_pass": totals[worker] / passes, "per_poll": totals[worker] / polls,
                "passes": passes, "polls_per_pass": polls / passes,
                "in_poll": in_polls / polls,
                "between_polls": (totals[worker] - in_polls) / passes}
    finally:
        for p in (gen, sw):
            if p is not None:
                p.close()
        shutil.rmtree(d, ignore_errors=True)

