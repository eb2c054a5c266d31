#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""vsw benchmark suite: one command, the whole table.

  sudo tests/bench/run.py [--trials 5] [--seconds 10] [--sizes 60,1514] [--quick]
                          [--only v2v,fdb,ports,nicsw,ext,ipp,p2v] [--switches vsw,...]

V2V loop (TESTBED.md section 6): one dpdk-testpmd plays both VMs (two net_virtio_user
ports, io forwarding, `start tx_first 4`); the switch under test forwards between its two
vhost-user ports with one forwarding core on CPU 1, the generator on CPU 0. Switches alternate
within each trial: vsw (full L2 path: VLAN, spoof guard, FDB lookup, built-in extensions on),
OVS-DPDK with the NORMAL action, OVS-DPDK with port-to-port flows, testpmd io between two
net_vhost ports. Then FDB scale (2, 1K, 64K learned MACs, traffic spread over them by
vsw-loopgen; OVS NORMAL at 2 and 64K MACs alternating with them), port scale (62 connected idle
vhost-user ports beside the 2 busy ones), the NIC-switch stage (the loop's ends on VM ports or
on VFs of the emulated NIC switch: VM to VM, VF to VF, VM to VF) and eBPF extensions (none,
empty, drop_ethertype, vlan_count on every port's ingress), each with Mpps trials and
callgrind's instructions per packet (FDB:
also simulated cache misses, and the FDB cases on the stage alone, tests/tools/vsw-stagebench), and vsw's instructions per packet in the V2V loop (callgrind). `--only p2v` (not in the default run): the P2V loop, VM -> vsw -> uplink on a
veth -> the generator's af_xdp port in a netns -> back, vsw's uplink on AF_XDP (`netdev:`)
against af_packet (`device:`), alternating (vswbench/p2v.py). Noise gates: wait for other processes to leave the CPUs; rerun a trial whose
forwarding thread waited for a CPU, or whose generator needed more than 1.3x its fewest
cycles/packet in that loop (a host slow phase, which slows every thread alike).
Writes docs/bench/results.{md,json,png}; prints the table.

Installs its peers from Debian when missing (dpdk, openvswitch-switch-dpdk, python3-matplotlib)
and runs OVS privately (own db and run dir, own netns, --no-pci), never as a service.
Build vsw first without datapath asserts, e.g. `meson setup build-rel -Dasserts=false &&
ninja -C build-rel`, then VSW_BUILD=build-rel. Not part of `meson test`.
"""

import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vswbench import procs, report, trial  # noqa: E402

SWITCHES = {
    "vsw": lambda d: procs.Vsw(d),
    "ovs-normal": lambda d: procs.Ovs(d, flows=False),
    "ovs-flows": lambda d: procs.Ovs(d, flows=True),
    "testpmd-io": lambda d: procs.TestpmdSwitch(d, "io"),
}
# (label, pairs per direction): 2 x pairs MACs learned.
FDB_CASES = (("2 MACs", 1), ("1K MACs", 512), ("64K MACs", 32768))
# The peer on the same FDB loop, alternating with vsw's cases: what 64K MACs cost OVS-DPDK.
FDB_PEER_CASES = (("OVS NORMAL, 2 MACs", 1), ("OVS NORMAL, 64K MACs", 32768))
DEBIAN_PYTHON = "/usr/bin/python3"
# 62 idle VM ports beside the 2 busy ones: vswd's 64 (VM ports take no ethdev).
N_IDLE = 62
PORT_CASES = (("0 idle ports", 0), ("%d idle ports" % N_IDLE, N_IDLE))
# The NIC-switch stage: the loop's two ends on VM ports of the vSwitch or on VFs of the emulated
# NIC switch nic0 (procs.loop_sockets()); nic0 and its uplink exist in every case.
NICSW_CASES = (("VM to VM", ("vm", "vm")), ("VF to VF", ("vf", "vf")), ("VM to VF", ("vm", "vf")))
# eBPF extensions (examples/bpf) on every port's ingress: (object, params) or None.
EXT_CASES = (("no extension", None), ("eBPF empty", ("empty", "")),
             ("eBPF drop_ethertype", ("drop_ethertype", "0x88b5")),
             ("eBPF vlan_count", ("vlan_count", "")))


def ensure_peers(need_ovs, need_kernel_pmds=False, need_bpf=False):
    pkgs = []
    if need_bpf and not shutil.which("clang") and not all(
            os.path.exists(procs.bpf_object_built(e[0])) for _, e in EXT_CASES if e):
        pkgs.append("clang")
    if not shutil.which("dpdk-testpmd"):
        pkgs += ["dpdk", "librte-net-vhost23", "librte-net-virtio23"]
    if need_kernel_pmds:
        have = subprocess.run(["dpkg-query", "-W", "-f", "${Status} ${Package}\\n",
                               "librte-net-af-xdp23", "librte-net-af-packet23", "ethtool"],
                              capture_output=True, text=True).stdout
        pkgs += [p for p in ("librte-net-af-xdp23", "librte-net-af-packet23", "ethtool")
                 if "installed " + p not in have]
    if need_ovs and not os.path.exists(procs.OVS_DPDK):
        pkgs.append("openvswitch-switch-dpdk")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        # Another interpreter first on PATH (pyenv) does not see Debian's python3 packages.
        if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) and \
                os.path.exists(DEBIAN_PYTHON):
            os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON] + sys.argv)
        pkgs.append("python3-matplotlib")
    if pkgs:
        print("installing " + " ".join(pkgs), flush=True)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends"] + pkgs,
                       env=env, check=True)
    if need_ovs:
        subprocess.run(["update-alternatives", "--set", "ovs-vswitchd", procs.OVS_DPDK],
                       capture_output=True)


def _n(v, fmt="%.0f"):
    return fmt % v if v is not None else "?"


def _flags(r):
    return (" NOISY" if r.get("noisy") else "") + (" (host slow phase)" if r.get("slow") else "")


def alternate(a, block, names, one, gate_key, line, title):
    """a.trials rounds of one trial of each of @p names in turn (A B C A B C ...): @p one(name)
    runs it, @p line(round, name, result) prints it, into @p block[name]. Then each trial that
    ran in a host slow phase seen only later is run again (trial.rerun_slow(), gated by
    @p gate_key(name))."""
    for t in range(a.trials):
        for n in names:
            r = one(n)
            block[n].append(r)
            print(line(t, n, r), flush=True)
    for n in names:
        trial.rerun_slow(a, "%s %s" % (title, n), block[n], gate_key(n), lambda n=n: one(n))


def v2v(a, res):
    names = [s for s in a.switches.split(",") if s]
    for size in a.sizes:
        block = res["v2v"].setdefault(str(size), {n: [] for n in names})
        def one(n):
            return trial.run_gated(n, SWITCHES[n], trial.gen_testpmd(size), a,
                                   gate_key=("v2v", size))

        def line(t, n, r):
            return "v2v %4dB trial %d %-11s %6.2f Mpps  cycles/pkt %s  gen %s  wait %s/%s%s" % (
                size + 4, t, n, r["mpps"], _n(r["cycles"]), _n(r["gen_cycles"]),
                _n(r.get("sw_wait_pct"), "%.1f"), _n(r.get("gen_wait_pct"), "%.1f"), _flags(r))

        alternate(a, block, names, one, lambda n: ("v2v", size), line, "v2v %dB" % (size + 4))


def p2v(a, res):
    from vswbench import p2v as p2vmod
    veth = p2vmod.Veth()
    try:
        for size in a.sizes:
            block = res.setdefault("p2v", {}).setdefault(
                str(size), {n: [] for n in p2vmod.UPLINKS})
            def one(n):
                return trial.run_gated(n, lambda d: p2vmod.P2vVsw(d, veth, n),
                                       lambda d: p2vmod.P2vGen(d, size, veth), a,
                                       gate_key=("p2v", size))

            def line(t, n, r):
                return ("p2v %4dB trial %d %-24s %6.2f Mpps  cycles/pkt %s  gen %s  wait %s/%s"
                        "  uplink %s%s" % (
                            size + 4, t, n, r["mpps"], _n(r["cycles"]), _n(r["gen_cycles"]),
                            _n(r.get("sw_wait_pct"), "%.1f"), _n(r.get("gen_wait_pct"), "%.1f"),
                            r.get("uplink"), _flags(r)))

            alternate(a, block, p2vmod.UPLINKS, one, lambda n: ("p2v", size), line,
                      "p2v %dB" % (size + 4))
    finally:
        veth.close()


def wait_learned(n):
    """Until the switch has learned @p n MACs and, for OVS, its datapath holds a flow for each
    (the flows, limited by OVS while its revalidators catch up, take longer than the MACs)."""
    def check(sw):
        import time
        end = time.monotonic() + 90
        while time.monotonic() < end and ((sw.n_learned() or 0) < n or (
                hasattr(sw, "n_flows") and (sw.n_flows() or 0) < n)):
            time.sleep(1)
    return check


def fdb_trial(case):
    """(switch, generator, ready check) of an FDB-scale case: (is OVS, MAC pairs)."""
    is_ovs, pairs = case

    def switch(d):
        if is_ovs:
            return procs.Ovs(d, flows=False, mac_table_size=procs.FDB_MAX_ENTRIES)
        return procs.Vsw(d, learning=True)
    return switch, trial.gen_loop(60, pairs), wait_learned(2 * pairs)


def fdb_stage(res, rounds=30):
    """The vSwitch stage alone over FDB_CASES (tests/tools/vsw-stagebench): TSC cycles per
    frame with the cases alternating every few milliseconds, which the host's slow phases
    cannot tilt as they tilt 10 s trials."""
    import json
    cmd = [procs.STAGEBENCH, "-l", "1", "--in-memory", "-m", "512", "--no-pci",
           "--file-prefix", procs.prefix("s"), "--log-level", "*:error", "--",
           "--pairs", ",".join(str(v) for _, v in FDB_CASES), "--rounds", str(rounds)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        print("fdb stage: vsw-stagebench failed: %s" % p.stderr.strip(), flush=True)
        return
    out = json.loads(p.stdout.strip().splitlines()[-1])
    res["fdb_stage"] = {label: c for (label, _), c in zip(FDB_CASES, out["cases"])}
    res["fdb_stage"][FDB_CASES[0][0]]["rounds"] = out["rounds"]
    for label, c in res["fdb_stage"].items():
        print("fdb stage %-9s %6.1f cycles/frame (median of %d rounds, best %.1f), %.2fx %s" % (
            label, c["cycles_median"], out["rounds"], c["cycles_min"], c["ratio_median"],
            FDB_CASES[0][0]), flush=True)


def scale(a, res, key, cases, make):
    if a.trials == 0:  # --trials 0: callgrind only
        return
    block = res[key] = {label: [] for label, _ in cases}

    values = dict(cases)

    def one(label):
        sw, gen, check = make(values[label])
        return trial.run_gated(label, sw, gen, a, gate_key=(key, label), ready_check=check)

    def line(t, label, r):
        return "%s trial %d %-14s %6.2f Mpps  cycles/pkt %s  gen %s%s" % (
            key, t, label, r["mpps"], _n(r["cycles"]), _n(r["gen_cycles"]), _flags(r))

    alternate(a, block, list(values), one, lambda label: (key, label), line, key)


def nicsw_topo(loop):
    return {"loop": loop, "nic_switch": True}


def ext_topo(ext):
    return {"ext": "%s:%s" % (procs.bpf_object(ext[0]), ext[1])} if ext else {}


def scale_ipp(res, key, cases, cache_sim, kw):
    """Instructions (and with cache_sim, data misses and mispredicted branches) per packet of
    each case, by callgrind."""
    from vswbench import ipp
    block = res[key + "_ipp"] = {}
    for label, v in cases:
        try:
            r = block[label] = ipp.measure(60, cache_sim=cache_sim, branch_sim=cache_sim,
                                           **kw(v))
        except (RuntimeError, OSError) as e:
            print("%s callgrind %s: %s" % (key, label, e), flush=True)
            continue
        print("%s callgrind %-14s instructions/pkt %s busy, %.0f total (own %.0f, %.1f empty "
              "passes per busy one) over %d packets, %.1f packets/pass%s" % (
                  key, label, "%.0f" % r["busy"] if r["busy"] else "?", r["total"], r["own"],
                  r["idle_per_busy"], r["packets"], r["per_pass"],
                  ", D1 %.2f LL %.3f misses/pkt, %.2f mispredicts/pkt" % (
                      r["d1_misses"], r["ll_misses"], r["mispredicts"] or 0)
                  if r["d1_misses"] is not None else ""), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trials", type=int, default=5,
                    help="fdb, ports: 0 runs their callgrind measurements only")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--sizes", default="60,1514", help="frame sizes without FCS")
    ap.add_argument("--switches", default=",".join(SWITCHES))
    ap.add_argument("--only", default="v2v,fdb,ports,nicsw,ext,ipp")
    ap.add_argument("--quick", action="store_true", help="3 trials of 5 s, for a smoke run")
    ap.add_argument("--reruns", type=int, default=2, help="reruns of a noisy trial")
    ap.add_argument("--quiet-pct", type=float, default=15,
                    help="wait until other processes use at most this %% of one CPU")
    ap.add_argument("--quiet-wait", type=float, default=30,
                    help="seconds to wait for that before a trial runs anyway")
    ap.add_argument("--delay-pct", type=float, default=5,
                    help="noisy when a forwarding thread waited this %% of the window")
    ap.add_argument("--no-slow-gate", action="store_true",
                    help="keep trials whose generator ran > %.1fx its best cycles/packet (a "
                    "host slow phase) instead of rerunning them" % trial.SLOW_FACTOR)
    ap.add_argument("--no-callgrind", action="store_true",
                    help="fdb, ports: Mpps trials only, no instructions/packet")
    ap.add_argument("--out", default=os.path.join(procs.ROOT, "docs", "bench"))
    a = ap.parse_args()
    if a.quick:
        a.trials, a.seconds = 3, 5
    a.sizes = [int(s) for s in a.sizes.split(",") if s]
    a.slow_gate = None if a.no_slow_gate else trial.SlowGate()
    only = set(a.only.split(","))
    ensure_peers(bool({"v2v", "fdb"} & only) and "ovs" in a.switches, "p2v" in only,
                 "ext" in only)
    res = {"machine": report.machine(), "args": {"trials": a.trials, "seconds": a.seconds,
                                                 "warmup": a.warmup}, "v2v": {}}
    if "v2v" in only:
        v2v(a, res)
    if "p2v" in only:
        p2v(a, res)
    if "fdb" in only:
        peer = "ovs-normal" in a.switches.split(",")
        cases = [(label, (False, pairs)) for label, pairs in FDB_CASES]
        cases += [(label, (True, pairs)) for label, pairs in FDB_PEER_CASES if peer]
        scale(a, res, "fdb", cases, fdb_trial)
        if res.get("fdb") and peer:
            res["fdb_peer"] = {label: res["fdb"].pop(label) for label, _ in FDB_PEER_CASES}
        if a.trials != 0:  # --trials 0: callgrind only
            fdb_stage(res)
        report.write(dict(res), a.out)  # the trials are kept whatever callgrind does
        if not a.no_callgrind:
            # Callgrind simulates caches and branches only when asked, and misses are what
            # 64K MACs could cost: all are counted in one run (instruction counts do not
            # change).
            scale_ipp(res, "fdb", FDB_CASES, True, lambda pairs: {"macs": pairs})
    if "ports" in only:
        scale(a, res, "ports", PORT_CASES, lambda n: (
            lambda d: procs.Vsw(d, n_idle=n), trial.gen_testpmd(60), None))
        report.write(dict(res), a.out)
        if not a.no_callgrind:
            scale_ipp(res, "ports", PORT_CASES, False, lambda n: {"n_idle": n})
    for key, cases, topo in (("nicsw", NICSW_CASES, nicsw_topo), ("ext", EXT_CASES, ext_topo)):
        if key not in only:
            continue
        def make(v, topo=topo):
            t = topo(v)
            return (lambda d: procs.Vsw(d, **t),
                    trial.gen_testpmd(60, t.get("loop", procs.LOOP_VMS)), None)

        scale(a, res, key, cases, make)
        report.write(dict(res), a.out)
        if not a.no_callgrind:
            scale_ipp(res, key, cases, False, topo)
    if "ipp" in only:
        from vswbench import ipp
        res["ipp"] = {}
        for label, topo in (("vsw, full L2 path", {}), ("vsw, spoof guard off", {"guard": False}),
                            ("testpmd io", {"switch": "testpmd"})):
            try:
                r = ipp.measure(60, **topo)
                total, own = r["total"], r["own"]
                print("ipp %s: total %.0f, own %.0f" % (label, total, own), flush=True)
                res["ipp"][label] = [total, own]
            except (RuntimeError, OSError) as e:
                print("ipp %s: %s" % (label, e))
    print(report.write(res, a.out))


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("run as root (hugepages, vhost-user, netns)")
    main()
