#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write docs/reliability.md from what the tests printed (issue 8's acceptance table).

Reads, for each build directory given (default: every build*/ at the top of the tree):
  <build>/meson-logs/testlog*.json   meson's log of the last `meson test` run(s)
  <build>/meson-logs/soak.json       samples of the soak test (tests/integration/test_soak.py)
  <build>/fuzz-work/<harness>.log    libFuzzer's final stats (tests/fuzz/run.sh)
Nothing is run and nothing is assumed: a test that is not in the logs is reported as "not
run", a failed one as "FAILED". Stdlib only.

  tests/report.py [--out docs/reliability.md] [BUILD_DIR ...]
"""

import argparse
import glob
import json
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Fault injections: (test file, method) -> what the fault is.
FAULTS = [
    ("hostile", "test_faults_return_every_mbuf",
     "VM SIGKILLed mid-flood to it, 3 times; uplink veth down/up under traffic"),
    ("vhost", "test_c_reconnect", "vhost-user VM disconnects and reconnects"),
    ("switch", "test_churn_third_vm_while_a_to_b_flows", "a third VM churned while A -> B flows"),
    ("lifecycle", "test_stuck_control_client_does_not_stall_vswd",
     "a control client stuck mid-command"),
    ("lifecycle", "test_start_on_stale_sockets", "vswd restarted over sockets of a killed one"),
    ("vm_datapath", "test_vf_that_vanishes_fails_over", "a VF's device vanishes"),
    ("soak", "test_soak_mixed_traffic_and_churn",
     "port create/delete and VM SIGKILL/reconnect churn under mixed traffic"),
]

# Malformed and hostile frame classes: (class, where from, test file, method, counter).
MALFORMED = [
    ("runt, 10 bytes", "VM", "hostile", "test_hostile_frames_dropped_and_counted", "drop-runt"),
    ("runt, 13 bytes", "VM", "hostile", "test_hostile_frames_dropped_and_counted", "drop-runt"),
    ("802.1Q tag cut short", "VM", "hostile", "test_hostile_frames_dropped_and_counted",
     "drop-runt"),
    ("QinQ on an access port", "VM", "hostile", "test_hostile_frames_dropped_and_counted",
     "drop-vlan"),
    ("over the MTU (2 mbufs)", "VM", "hostile", "test_hostile_frames_dropped_and_counted",
     "drop-oversize"),
    ("9000-byte jumbo (5 mbufs)", "VM", "hostile", "test_hostile_frames_dropped_and_counted",
     "drop-oversize"),
    ("zero source MAC", "VM, wire", "hostile", "test_hostile_frames_dropped_and_counted",
     "drop-bad-src"),
    ("broadcast source MAC", "VM", "hostile", "test_hostile_frames_dropped_and_counted",
     "drop-bad-src"),
    ("multicast source MAC", "VM, wire", "hostile", "test_hostile_frames_dropped_and_counted",
     "drop-bad-src"),
    ("a VM's own MAC back from the wire (loop)", "wire", "hostile",
     "test_hostile_frames_dropped_and_counted", "drop-loop"),
    ("QinQ from the wire (outer VLAN kept, inner tag delivered)", "wire", "hostile",
     "test_hostile_frames_dropped_and_counted", "(forwarded)"),
    ("foreign source MAC (spoofing)", "VM", "switch", "test_spoof_guard_drops_foreign_source",
     "drop-ext"),
    ("DHCP server message (UDP from 67)", "VM", "guards", "test_dhcp_and_router_guards",
     "drop-dhcp-guard"),
    ("IPv6 router advertisement, also behind a hop-by-hop header", "VM", "guards",
     "test_dhcp_and_router_guards", "drop-router-guard"),
    ("IPv6 and IPv4 ICMP redirects", "VM", "guards", "test_dhcp_and_router_guards",
     "drop-router-guard"),
    ("broadcast storm over storm_pps", "VM", "guards", "test_storm_control", "drop-storm"),
]

# Guards and checks of item 6: (guard, test file, method).
GUARDS = [
    ("MAC spoof guard", "switch", "test_spoof_guard_drops_foreign_source"),
    ("DHCP guard and router guard", "guards", "test_dhcp_and_router_guards"),
    ("broadcast/multicast storm control", "guards", "test_storm_control"),
    ("vhost socket owner/group/mode, socket_dirs", "guards", "test_socket_owner_mode_and_dirs"),
    ("VLAN isolation against double tags", "hostile", "test_hostile_frames_dropped_and_counted"),
]

# unittest -v: "test_x (__main__.Case.test_x) ... ", or the name alone on its line and the
# docstring's first line before the " ... " when the test has one.
METHOD_RX = re.compile(r"^(test_\w+) \(__main__\.\w+\.\1\)(?:$| \.\.\. )", re.M)
RESULT_RX = re.compile(r"(?:^|\.\.\. )(ok|FAIL|ERROR|skipped.*|expected failure)$", re.M)
NOTE_RX = re.compile(r"\[vswlab\] (test_\w+): (.*)$", re.M)


def read_testlogs(build):
    """[(suite test name, result, duration, stdout)] of every testlog*.json in build."""
    runs = []
    for path in sorted(glob.glob(os.path.join(build, "meson-logs", "testlog*.json"))):
        with open(path) as f:
            for line in f:
                if line.strip():
                    d = json.loads(line)
                    # unittest reports on stderr; meson keeps it apart unless merged.
                    runs.append((d["name"], d["result"], d.get("duration", 0.0),
                                 (d.get("stdout") or "") + (d.get("stderr") or "")))
    return runs


def methods_of(stdout):
    """{method: (result, [notes])} from a python unittest run's output."""
    out = {}
    starts = list(METHOD_RX.finditer(stdout))
    for i, m in enumerate(starts):
        chunk = stdout[m.end():starts[i + 1].start() if i + 1 < len(starts) else len(stdout)]
        res = RESULT_RX.findall(chunk)
        notes = [n for t, n in NOTE_RX.findall(chunk) if t == m.group(1)]
        out[m.group(1)] = ("passed" if res and res[0] == "ok" else
                           res[0] if res else "no result", notes)
    return out


def collect(builds):
    """{build: {test file: {method: (result, notes)}}} and meson-level rows."""
    methods, rows = {}, []
    for b in builds:
        name = os.path.basename(os.path.normpath(b))
        for test, result, duration, stdout in read_testlogs(b):
            rows.append((name, test, result, duration))
            short = test.split(" / ")[-1]
            methods.setdefault(name, {}).setdefault(short, {}).update(methods_of(stdout))
    return methods, rows


def lookup(methods, tfile, method):
    """[(build, result, notes)] of one method over every build that ran it."""
    found = []
    for build, files in sorted(methods.items()):
        if method in files.get(tfile, {}):
            found.append((build,) + files[tfile][method])
    return found


def results_cell(found):
    if not found:
        return "not run"
    return ", ".join("%s: %s" % (b, r) for b, r, _ in found)


def fuzz_stats(builds):
    rows = []
    for b in builds:
        for log in sorted(glob.glob(os.path.join(b, "fuzz-work", "*.log"))):
            text = open(log, errors="replace").read()
            execs = re.findall(r"^stat::number_of_executed_units:\s*(\d+)", text, re.M)
            rate = re.findall(r"^stat::average_exec_per_sec:\s*(\d+)", text, re.M)
            secs = re.findall(r"^Done \d+ runs in (\d+) second", text, re.M)
            crashed = bool(re.search(r"ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer)|"
                                     r"runtime error:", text))
            rows.append((os.path.basename(log)[:-4], os.path.basename(os.path.normpath(b)),
                         execs[-1] if execs else "?", rate[-1] if rate else "?",
                         secs[-1] if secs else "?", "FAILED" if crashed else
                         ("passed" if execs else "no stats")))
    return rows


def soak_rows(builds):
    rows = []
    for b in builds:
        path = os.path.join(b, "meson-logs", "soak.json")
        if os.path.exists(path):
            with open(path) as f:
                rows.append((os.path.basename(os.path.normpath(b)), json.load(f)))
    return rows


def mbuf_rows(methods, soaks):
    rows = []
    for tfile, method, _ in FAULTS + [("hostile", "test_hostile_frames_dropped_and_counted", "")]:
        for build, result, notes in lookup(methods, tfile, method):
            for n in notes:
                m = re.search(r"(\d+) mbufs in use idle", n)
                if m:
                    after = m.group(1) if result == "passed" else "differs (test failed)"
                    rows.append((tfile, method, build, m.group(1), after))
    for build, s in soaks:
        rows.append(("soak", "test_soak_mixed_traffic_and_churn", build, s["mbufs_idle"],
                     s["mbufs_end"]))
    return rows


def render(builds, methods, rows, fuzz, soaks):
    out = ["# Reliability and security: what the tests showed", "",
           "Generated by `tests/report.py` from the test outputs of %s (meson testlogs, "
           "soak samples, libFuzzer logs); do not edit by hand. A line says \"not run\" when "
           "the logs read did not have it." % ", ".join(
               "`%s`" % os.path.relpath(b, TOP) for b in builds), ""]
    out += ["## Test runs", "", "| build | suite | tests | passed | failed |", "|---|---|---|---|---|"]
    per = {}
    for build, test, result, _ in rows:
        suite = test.split(" / ")[0].split(":")[-1]
        c = per.setdefault((build, suite), [0, 0])
        c[0 if result in ("OK", "EXPECTEDFAIL", "SKIP") else 1] += 1
    for (build, suite), (ok, bad) in sorted(per.items()):
        out.append("| %s | %s | %d | %d | %d |" % (build, suite, ok + bad, ok, bad))
    out += ["", "## Fault tests", "", "| fault | test | result | measured |", "|---|---|---|---|"]
    for tfile, method, what in FAULTS:
        found = lookup(methods, tfile, method)
        notes = "; ".join(sorted({n for _, _, ns in found for n in ns}))
        out.append("| %s | `%s.%s` | %s | %s |" % (what, tfile, method, results_cell(found),
                                                  notes or ""))
    out += ["", "## Malformed and hostile frames", "",
            "Each class is sent and must be dropped and counted under its reason in "
            "`show port stats` (exact counts), the worker forwarding on afterwards.", "",
            "| class | from | counter | test | result |", "|---|---|---|---|---|"]
    for cls, src, tfile, method, counter in MALFORMED:
        out.append("| %s | %s | `%s` | `%s.%s` | %s |" % (
            cls, src, counter, tfile, method, results_cell(lookup(methods, tfile, method))))
    out += ["", "## Fuzzing (libFuzzer, ASan+UBSan)", "",
            "| harness | build | executions | exec/s | seconds | result |",
            "|---|---|---|---|---|---|"]
    out += ["| %s | %s | %s | %s | %s | %s |" % r for r in fuzz] or ["| (no fuzz logs) | | | | | |"]
    out += ["", "## mbufs in use, idle before and after", "",
            "| test | build | idle before | after |", "|---|---|---|---|"]
    out += ["| `%s.%s` | %s | %s | %s |" % r for r in mbuf_rows(methods, soaks)] or [
        "| (none in the logs) | | | |"]
    if soaks:
        out += ["", "## Soak", "", "| build | seconds | churn cycles | VM kills | A->B lost | "
                "private RSS first -> last (KiB) | RSS max (KiB) |", "|---|---|---|---|---|---|---|"]
        for build, s in soaks:
            out.append("| %s | %d | %d | %d | %d of %d | %d -> %d | %d |" % (
                build, s["seconds"], s["churns"], s["vm_kills"], s["ab_lost"], s["ab_sent"],
                s["private_first_kb"], s["private_last_kb"], s["rss_max_kb"]))
    out += ["", "## Guards", "", "| guard | test | result | measured |", "|---|---|---|---|"]
    for guard, tfile, method in GUARDS:
        found = lookup(methods, tfile, method)
        notes = "; ".join(sorted({n for _, _, ns in found for n in ns}))
        out.append("| %s | `%s.%s` | %s | %s |" % (guard, tfile, method, results_cell(found),
                                                  notes))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(TOP, "docs", "reliability.md"))
    ap.add_argument("builds", nargs="*")
    args = ap.parse_args()
    builds = args.builds or sorted(d for d in glob.glob(os.path.join(TOP, "build*"))
                                   if os.path.isdir(os.path.join(d, "meson-logs")))
    builds = [os.path.abspath(b) for b in builds]
    methods, rows = collect(builds)
    text = render(builds, methods, rows, fuzz_stats(builds), soak_rows(builds))
    with open(args.out, "w") as f:
        f.write(text)
    print("%s: %d test runs, %d fuzz logs, %d soak runs" % (
        args.out, len(rows), len(fuzz_stats(builds)), len(soak_rows(builds))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
