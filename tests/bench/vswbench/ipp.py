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


class ValgrindVsw(procs.Vsw):
    name = "vsw (callgrind)"
    ctl_timeout = 120  # valgrind runs one thread at a time: the control thread waits its turn

    def __init__(self, d, **topo):
        self.d = d
        path = os.path.join(d, "vsw.yaml")
        with open(path, "w") as f:
            f.write(procs.vsw_topology(d, no_huge=True, **topo))
        self.out = os.path.join(d, "cg.out")
        self.p = subprocess.Popen(
            ["valgrind", "--tool=callgrind", "--separate-threads=yes", "--fair-sched=yes",
             "--callgrind-out-file=" + self.out, procs.VSWD, "-c", path],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.pid = self.p.pid


def _thread_totals(files):
    out = {}
    for f in files:
        with open(f, errors="replace") as fh:
            for line in fh:
                m = re.match(r"(?:summary|totals):\s+(\d+)", line)
                if m:
                    out[f] = int(m.group(1))
    return out


def own_instructions(dump):
    """Instructions spent in vswd's own code (its functions and what is inlined into them),
    not in DPDK's shared libraries: what vsw's datapath changes move."""
    out = subprocess.run(["callgrind_annotate", "--threshold=100", "--auto=no", dump],
                         capture_output=True, text=True).stdout
    own = 0
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(\S.*)$", line)
        if not m or "(100.0%)" in line:  # totals and the thread's root frames
            continue
        obj = re.search(r"\[([^\]]+)\]\s*$", m.group(2))
        if obj is None or os.path.basename(obj.group(1)) == "vswd":
            own += int(m.group(1).replace(",", ""))
    return own


def measure(size=60, seconds=20, warmup=8, keep=None, **topo):
    """@return (instructions per packet, of which in vswd's own code, packets). keep: a path to copy the
    worker thread's callgrind dump to, for callgrind_annotate."""
    d = tempfile.mkdtemp(prefix="vsw-ipp-")
    sw = gen = None
    try:
        sw = ValgrindVsw(d, **topo)
        gen = procs.TestpmdGen(d, size)
        gen.start()
        if not sw.ready(timeout=180):
            raise RuntimeError("vswd under valgrind did not come up")
        time.sleep(2)
        gen.go()
        time.sleep(warmup)
        subprocess.run(["callgrind_control", "-z", str(sw.pid)], capture_output=True,
                       timeout=60)
        sw.clear()
        time.sleep(seconds)
        stats = sw.ctl("show", "pmd", "stats") or {}
        subprocess.run(["callgrind_control", "-d", str(sw.pid)], capture_output=True,
                       timeout=60)
        w = (stats.get("pmds") or stats.get("workers") or [{}])[0]
        pkts = w.get("rx_packets", 0)
        # Dumps after the zeroing: the newest one of each thread; the worker has the most.
        totals = _thread_totals(sorted(glob.glob(sw.out + "*"), key=os.path.getmtime)[-8:])
        if not pkts or not totals:
            raise RuntimeError("no packets or no callgrind dump")
        worker = max(totals, key=totals.get)
        if keep:
            shutil.copy(worker, keep)
        return totals[worker] / pkts, own_instructions(worker) / pkts, pkts
    finally:
        for p in (gen, sw):
            if p is not None:
                p.close()
        shutil.rmtree(d, ignore_errors=True)
