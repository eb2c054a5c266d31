# SPDX-License-Identifier: BSD-3-Clause
"""Noise gates (TESTBED.md section 6): the machine is shared, so a trial is only kept when
other processes left the CPUs alone and the forwarding threads did not wait for a CPU."""

import os
import time

HZ = os.sysconf("SC_CLK_TCK")


def _ours():
    """This process and every descendant: their CPU use is the benchmark's."""
    children = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/stat" % pid) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(pid))
    out, todo = set(), [os.getpid()]
    while todo:
        p = todo.pop()
        out.add(p)
        todo += children.get(p, [])
    return out


def _ticks():
    t = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open("/proc/%s/stat" % pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                t[int(pid)] = int(fields[11]) + int(fields[12])
            except (OSError, IndexError, ValueError):
                pass
    return t


def others_cpu(seconds=1.0):
    """Percent of one CPU used by processes that are not ours, over @p seconds."""
    a = _ticks()
    time.sleep(seconds)
    b = _ticks()
    ours = _ours()
    used = sum(v - a.get(p, v) for p, v in b.items() if p not in ours and p in a)
    return 100.0 * used / HZ / seconds


def wait_quiet(max_pct, timeout):
    """Wait until others use <= max_pct of one CPU; @return the last reading."""
    end = time.monotonic() + timeout
    pct = others_cpu()
    while pct > max_pct and time.monotonic() < end:
        pct = others_cpu(2.0)
    return pct


def busiest_thread(pid):
    """The thread of @p pid with the most CPU time: its forwarding core."""
    best, best_t = None, -1
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return None
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                run_ns = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
        if run_ns > best_t:
            best, best_t = int(tid), run_ns
    return best


def run_delay_ns(pid, tid):
    """Nanoseconds thread @p tid has waited for a CPU while runnable."""
    try:
        with open("/proc/%d/task/%d/schedstat" % (pid, tid)) as f:
            return int(f.read().split()[1])
    except (OSError, ValueError, IndexError, TypeError):
        return None
