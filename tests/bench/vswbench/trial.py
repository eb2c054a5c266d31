# SPDX-License-Identifier: BSD-3-Clause
"""One trial: fresh switch and generator, warm-up, a timed window read from the generator's
exact counters, the switch's busy cycles/packet over the same window, and the noise gates."""

import os
import shutil
import tempfile
import time

from . import noise, procs


class Noisy(Exception):
    pass


def _delays(pids):
    """(pid, tid, run delay) of each process's forwarding (busiest) thread."""
    out = []
    for pid in pids:
        if pid:
            tid = noise.busiest_thread(pid)
            out.append((pid, tid, noise.run_delay_ns(pid, tid)))
    return out


def run(make_switch, make_gen, seconds, warmup, quiet_pct=15.0, delay_pct=5.0,
        ready_check=None, quiet_wait=30):
    """@return dict(mpps, cycles, gen_cycles, others_pct, sw_wait_pct, gen_wait_pct) or
    raise Noisy(reason, that dict)."""
    others = noise.wait_quiet(quiet_pct, quiet_wait)
    d = tempfile.mkdtemp(prefix="vsw-bench-")
    sw = gen = None
    try:
        # The switch first: vsw and testpmd are vhost-user clients and retry, while the
        # generator's virtio_user servers block in accept() until a client connects.
        sw = make_switch(d)
        gen = make_gen(d)
        gen.start()
        if not sw.ready():
            raise Noisy("switch not ready")
        if ready_check:
            ready_check(sw)
        time.sleep(1)
        gen.go()
        time.sleep(warmup)
        if hasattr(gen, "clear"):
            gen.clear()
        sw.clear()
        d0 = _delays([sw.pid, gen.pid])
        n0, t0 = gen.rx_total()
        time.sleep(seconds)
        n1, t1 = gen.rx_total()
        d1 = _delays([sw.pid, gen.pid])
        window = t1 - t0
        # Percent of the window each forwarding thread (switch, generator) was runnable but
        # waiting for its CPU: the other processes' share of it.
        waited = [(b[2] - a[2]) / 1e9 / window * 100
                  if a[2] is not None and b[2] is not None and a[1] == b[1] else None
                  for a, b in zip(d0, d1)] + [None, None]
        res = {"mpps": (n1 - n0) / window / 1e6, "cycles": sw.cycles(),
               "gen_cycles": gen.cycles(), "others_pct": others, "sw_wait_pct": waited[0],
               "gen_wait_pct": waited[1]}
        if getattr(sw, "per_pass", None):
            res["per_pass"] = sw.per_pass  # packets per busy worker pass (vsw)
        if getattr(sw, "endpoint", None):
            res["uplink"] = sw.endpoint
        # A switch whose own control threads share the generator's CPU (OVS's revalidators
        # with many flows) makes the generator wait itself: that is its cost, not noise, and
        # the generator's cycles/packet tell nothing of the host's phase (SlowGate).
        if getattr(sw, "gen_wait_is_own", False):
            res["gen_wait_is_own"] = True
        gated = waited[:1] if res.get("gen_wait_is_own") else waited[:2]
        worst = max([w for w in gated if w is not None] or [0])
        if worst >= delay_pct:
            raise Noisy("switch thread waited %s %%, generator %s %% of the window" % (
                "%.1f" % waited[0] if waited[0] is not None else "?",
                "%.1f" % waited[1] if waited[1] is not None else "?"), res)
        return res
    finally:
        for p in (gen, sw):
            if p is not None:
                p.close()
        shutil.rmtree(d, ignore_errors=True)


# A trial whose generator needed more than this times its fewest cycles/packet in the same
# loop (gate key) in this run ran while the host was in a slow phase.
SLOW_FACTOR = 1.3


class SlowGate:
    """The host of this machine has slow phases that slow every thread alike, the generator as
    much as the switch, with no other process running and no thread waiting for a CPU: the
    other gates do not see them (a register-only loop pinned to either CPU runs 0.72 to 1.39
    TSC cycles per iteration from one second to the next). The generator's own cycles/packet
    does: its work per packet is the same in every trial of one loop, whichever switch
    forwards (the V2V loop's: 110-160 in fast phases with each of the four). Keys: the V2V
    and P2V loops per frame size, all switches together, so that a switch whose trials all
    fell in slow phases is judged by the others'; FDB and port scale per case (vsw-loopgen's
    work grows with its MAC table)."""

    def __init__(self):
        self.best = {}

    def note(self, key, r):
        g = r.get("gen_cycles") if r and not r.get("gen_wait_is_own") else None
        if g:
            self.best[key] = min(self.best.get(key, g), g)

    def is_slow(self, key, r):
        g = r.get("gen_cycles") if r and not r.get("gen_wait_is_own") else None
        return bool(g) and key in self.best and g > SLOW_FACTOR * self.best[key]


def _why_slow(gate, key, r):
    return "host slow phase: generator %.0f cycles/packet, %.0f at best" % (
        r["gen_cycles"], gate.best[key])


def run_gated(label, make_switch, make_gen, a, gate_key=None, **kw):
    """run() with up to a.reruns reruns of a trial that is noisy or, with @p gate_key, ran in
    a host slow phase (a.slow_gate). Kept when they run out, flagged noisy: the slow attempt
    whose generator was fastest, else the last noisy one."""
    gate = getattr(a, "slow_gate", None) if gate_key is not None else None
    attempts = []
    for attempt in range(a.reruns + 1):
        then = "rerun" if attempt < a.reruns else "kept, flagged"
        try:
            r = run(make_switch, make_gen, a.seconds, a.warmup, a.quiet_pct, a.delay_pct,
                    quiet_wait=a.quiet_wait, **kw)
            r["noisy"] = False
        except Noisy as e:
            r = e.args[1] if len(e.args) > 1 else None
            print("  %s: noisy (%s), %s" % (label, e.args[0], then), flush=True)
            if r is not None:
                r["noisy"] = True
                attempts.append(r)
            continue
        if gate is None:
            return r
        gate.note(gate_key, r)
        if not gate.is_slow(gate_key, r):
            return r
        print("  %s: %s, %s" % (label, _why_slow(gate, gate_key, r), then), flush=True)
        r["slow"] = r["noisy"] = True
        attempts.append(r)
    slow = [r for r in attempts if r.get("slow")]
    if slow:
        return min(slow, key=lambda r: r["gen_cycles"])
    return attempts[-1] if attempts else {
        "mpps": 0.0, "cycles": None, "gen_cycles": None, "others_pct": None,
        "sw_wait_pct": None, "gen_wait_pct": None, "noisy": True}


def rerun_slow(a, label, trials, gate_key, rerun):
    """After a block of trials: one that ran before the generator's best was seen and is slow
    against it is run again (@p rerun(), which is gated itself); the result replaces it when
    its generator was faster."""
    gate = getattr(a, "slow_gate", None)
    if gate is None:
        return
    for i, r in enumerate(trials):
        if (r.get("noisy") and not r.get("slow")) or not gate.is_slow(gate_key, r):
            continue
        print("  %s trial %d: %s, rerun" % (label, i, _why_slow(gate, gate_key, r)), flush=True)
        new = rerun()
        if new.get("gen_cycles") and (new.get("slow") or not new.get("noisy")) and \
                new["gen_cycles"] < r["gen_cycles"]:
            trials[i] = r = new
        r["slow"] = r["noisy"] = gate.is_slow(gate_key, r)


def gen_testpmd(size, loop=procs.LOOP_VMS):
    return lambda d: procs.TestpmdGen(d, size, loop=loop)


def gen_loop(size, n_macs):
    return lambda d: procs.LoopGen(d, size, n_macs)


def tmp_cleanup(path):
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
