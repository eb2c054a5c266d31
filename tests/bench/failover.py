#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Failover benchmark: blackout and loss of VM data path changes with a real guest (R-DP-3).

Runs tests/integration/test_vm_failover.py with many cycles (100 planned changes for the
net_failover and the bonded guest, 20 surprise VF losses by default) and prints, per kind of
change, the time from the command (or the VF vanishing) to vswd's path change and the pings
lost per change (a 50 Hz ping from the external host: blackout = lost x 20 ms; a ping counts
against a change when it was sent from 0.1 s before it to 0.1 s after vswd's switch, its send
time taken from its neighbours' replies), median and worst, and the pings lost outside any
change (a guest starved of CPU answering late), and the replies that came twice (a bonded
guest answers both copies of what vswd sends both ways during a change). Not part of the
test suite: the times depend on the machine (TCG guests).
  sudo tests/bench/failover.py [--planned 100] [--surprise 20] [--only bond ...]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = os.path.join(HERE, "..", "integration", "test_vm_failover.py")
TESTS = {"net_failover": "VmFailoverTest.test_planned_attach_detach_cycles_lose_nothing",
         "bond": "VmBondTest", "surprise": "VmFailoverTest.test_surprise_detach_fails_over"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--planned", type=int, default=100,
                    help="planned changes per guest kind (an attach and a detach are two)")
    ap.add_argument("--surprise", type=int, default=20, help="surprise VF losses")
    ap.add_argument("--only", action="append", choices=sorted(TESTS),
                    help="run this kind only (repeatable); default: all")
    args = ap.parse_args()
    env = dict(os.environ, VSW_FAILOVER_CYCLES=str(max(1, args.planned // 2)),
               VSW_SURPRISE_CYCLES=str(args.surprise))
    p = subprocess.run([sys.executable, TEST] + [TESTS[k] for k in args.only or ()], env=env,
                       capture_output=True, text=True)
    rows = [json.loads(line.split("VSW-BENCH ", 1)[1])
            for line in (p.stdout + p.stderr).splitlines() if "VSW-BENCH " in line]
    print("| change | n | to path change, median / worst (s) | pings lost per change, "
          "median / worst | worst blackout (ms) | lost outside changes | DUP! replies |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        ch, lost = r["change_s"], r["lost"]
        print("| %s | %d | %.3f / %.3f | %g / %d | %.0f | %d | %d |" % (
            r["kind"], len(ch), statistics.median(ch), max(ch), statistics.median(lost),
            max(lost), max(lost) * r["ping_interval_s"] * 1000, r["lost_outside_changes"],
            r["duplicates"]))
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-4000:])
        sys.exit(p.returncode)


if __name__ == "__main__":
    main()
