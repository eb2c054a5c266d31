# SPDX-License-Identifier: BSD-3-Clause
"""Harness for vsw's end-to-end tests: one Lab per test, and everything it starts dies with it.

A Lab owns a temporary directory, the processes it starts (vswd, vsw-vm "VMs", nsraw helpers in
network namespaces) and the namespaces and veth links it creates. Lab.close() removes all of it,
also when the test failed: processes newest first (SIGTERM, SIGKILL after 5 s), then namespaces,
links and the directory. LabCase is a unittest.TestCase that gives each test a Lab and, when the
test fails, prints the tail of every log the Lab collected.

Programs come from the environment (meson sets them), with the build tree as fallback:
  VSWD    build/src/vswd/vswd         VSWCTL  build/src/vswctl/vswctl
  VSW_VM  build/tests/tools/vsw-vm
Other knobs: VSWLAB_KEEP=1 keeps the directory, VSWLAB_PPS sets the VMs' default send rate.
Needs root (vhost sockets, namespaces, AF_PACKET). Stdlib only.
"""

import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(os.path.dirname(HERE)), "build")
VSWD = os.environ.get("VSWD", os.path.join(BUILD, "src", "vswd", "vswd"))
VSWCTL = os.environ.get("VSWCTL", os.path.join(BUILD, "src", "vswctl", "vswctl"))
VSW_VM = os.environ.get("VSW_VM", os.path.join(BUILD, "tests", "tools", "vsw-vm"))
NSRAW = os.path.join(HERE, "nsraw.py")

STATS_COLUMNS = ["ID", "NAME", "TYPE", "LINK", "RX-PACKETS", "RX-BYTES", "TX-PACKETS",
                 "TX-BYTES", "DROPS"]
# A paced sender: a "VM" that sleeps 50 us when idle, or vswd, may lose the CPU for a while
# (2 shared cores) and still catch up without overflowing a ring, so counts are exact.
# 10000 frames take 0.2 s at this rate.
PPS = int(os.environ.get("VSWLAB_PPS", "50000"))
READY_TIMEOUT_S = 30  # vswd or a VM slower than this to start is broken, not slow
STOP_GRACE_S = 5  # SIGTERM, then SIGKILL (TESTBED section 7)
VM_QUEUE_SIZE = 4096  # virtio ring of a VM: 80 ms of slack at PPS when a VM or vswd stalls
HUGEPAGES_MIN = 256  # free 2 MiB pages that vswd's "-m 256" needs
# A VM that runs until the test stops it (Lab.finish). Senders do this too: a virtio driver
# that exits drops what is still in its tx ring, so a sender stays until the test has seen
# its frames arrive (or vswd count them).
LISTEN_MS = 120000
# The first line of a report of AddressSanitizer, LeakSanitizer or UndefinedBehaviorSanitizer.
SANITIZER_RX = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error: |"
                          r"SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer")

_serial = itertools.count(1)
_open_labs = []  # closed by main() when a signal or an error ends the run early

# `vswctl show vm datapath`
VM_DATAPATH_COLUMNS = ["port", "path", "vf", "vport", "prio", "attaches", "detaches", "failovers",
                       "forced", "last", "last_ms", "lost", "waiting_vf"]


def log(msg):
    print("[vswlab] " + msg, file=sys.stderr, flush=True)


def run(argv, check=True, timeout=30):
    """Run a short command; raise with its output when it fails and check is set."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s" % (" ".join(argv), p.returncode, p.stdout))
    return p


def hugepages_free():
    """Free 2 MiB hugepages, 0 when the default size is another or there are none."""
    info = {}
    with open("/proc/meminfo") as f:
        for line in f:
            key, _, value = line.partition(":")
            info[key] = value.split()
    if info.get("Hugepagesize", ["0"])[0] != "2048":
        return 0
    return int(info.get("HugePages_Free", ["0"])[0])


def tail(path, n=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def mac_norm(mac):
    return mac.lower()


class Proc:
    """A started process; its stdout and stderr go to files in the lab directory."""

    def __init__(self, name, argv, out, err, proc):
        self.name, self.argv, self.out, self.err, self.proc = name, argv, out, err, proc
        self.pid = proc.pid

    def alive(self):
        return self.proc.poll() is None

    def output(self):
        text = tail(self.out, 10**6)
        return text if self.err == self.out else text + tail(self.err, 10**6)

    def describe(self):
        return "%s (pid %d, %s)\n--- %s\n%s--- %s\n%s" % (
            self.name, self.pid, " ".join(self.argv), self.out, tail(self.out),
            self.err, tail(self.err) if self.err != self.out else "(same)\n")

    def wait_for(self, pattern, timeout, stream=None):
        """Wait for a line matching pattern (a regex) in the process's output."""
        path = stream or self.out
        rx = re.compile(pattern, re.M)
        end = time.monotonic() + timeout
        while True:
            if rx.search(tail(path, 10**6)):
                return
            if not self.alive():
                raise AssertionError("%s exited (%s) before %r\n%s" % (
                    self.name, self.proc.returncode, pattern, self.describe()))
            if time.monotonic() > end:
                raise AssertionError("%s: no %r within %s s\n%s" % (
                    self.name, pattern, timeout, self.describe()))
            time.sleep(0.02)

    def wait(self, timeout):
        """Wait for the exit status; raise when the process outlives timeout."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("%s still running after %s s\n%s" % (
                self.name, timeout, self.describe())) from None

    def result(self, timeout=60):
        """Exit status 0 and the JSON line of vsw-vm or nsraw.py, as a dict."""
        rc = self.wait(timeout)
        lines = [l for l in tail(self.out, 10**6).splitlines() if l.startswith("{")]
        if rc != 0 or len(lines) != 1:
            raise AssertionError("%s: exit %s, %d JSON lines\n%s" % (
                self.name, rc, len(lines), self.describe()))
        res = json.loads(lines[0])
        res["rx_from"] = {mac_norm(k): v for k, v in res["rx_from"].items()}
        return res


class Lab:
    def __init__(self, name="lab"):
        self.serial = next(_serial)
        self.tag = "%x%d" % (os.getpid(), self.serial)  # short: goes into interface names
        self.dir = tempfile.mkdtemp(prefix="vswt-%s-%s-" % (name, self.tag))
        self.procs = []
        self.netns = []
        self.links = []
        self.control_socket = None
        self.closers = []  # run before any process is stopped (QEMU guests)
        self.after_stop = []  # run once every process is stopped (files they leave)
        self.log_reporters = []  # more text for dump_logs (a guest's console)
        self.reports = []  # sanitizer reports found in the processes' output
        self._n = itertools.count(1)
        self._huge_by_prefix = {}
        _open_labs.append(self)

    # --- files and topology -----------------------------------------------------------

    def path(self, name):
        return os.path.join(self.dir, name)

    def eal_args(self, prefix, n_workers=1):
        """vswd's EAL: hugepages in memory when there are enough, else no hugepages at all.
        More than one worker: the extra worker lcores share CPU 1 (the host has two)."""
        lcores = ["-l", "0,1"] if n_workers == 1 else [
            "--lcores", "0@0," + ",".join("%d@1" % (w + 1) for w in range(n_workers))]
        args = lcores + ["--no-pci", "-m", "256", "--file-prefix", prefix]
        # Decided once per prefix: a topology that reloads a running vswd must repeat its EAL
        # arguments, whatever the pages it and other processes took since (vswd refuses a
        # reload that changes them).
        if prefix not in self._huge_by_prefix:
            self._huge_by_prefix[prefix] = hugepages_free() >= HUGEPAGES_MIN
        if self._huge_by_prefix[prefix]:
            return args + ["--in-memory"]
        return args + ["--no-huge", "--no-shconf"]

    def write_topology(self, ports, control_socket=None, name="topo.yaml", prefix=None,
                       n_workers=1, idle_sleep_max_us=None, mirrors=(), fdb=None,
                       extra_yaml=""):
        """Write a topology file; ports are dicts made by external() and synthetic()."""
        control_socket = control_socket or self.path("vswd.sock")
        prefix = prefix or "vswt-%s-%d" % (self.tag, next(self._n))
        q = json.dumps  # JSON strings and lists are valid YAML flow scalars
        workers = "lcores: %s" % q(list(range(1, n_workers + 1)))
        if idle_sleep_max_us is not None:
            workers += ", idle_sleep_max_us: %d" % idle_sleep_max_us
        lines = ["eal: { args: %s }" % q(self.eal_args(prefix, n_workers)),
                 "workers: { %s }" % workers,
                 "control: { socket: %s }" % q(control_socket)] + (
                     ["fdb: %s" % fdb] if fdb else []) + [
                 "ports:"]
        for p in ports:
            extra = "".join(", %s: %s" % (k, v) for k, v in p.get("extra", {}).items())
            if p["type"] == "external" and "device" in p:
                lines.append("  - { name: %s, type: external, device: %s%s }" % (
                    q(p["name"]), q(p["device"]), extra))
            elif p["type"] != "synthetic":
                lines.append("  - { name: %s, type: %s%s }" % (q(p["name"]), p["type"], extra))
            else:
                lines.append("  - { name: %s, type: synthetic, mac: %s, "
                             "vhost: { path: %s, mode: %s%s }%s }" % (
                                 q(p["name"]), q(p["mac"]), q(p["path"]), p["mode"],
                                 ", ethdev: true" if p.get("ethdev") else "", extra))
        if mirrors:
            lines.append("mirrors:")
            lines += ["  - { name: m%d, source: %s, direction: %s, destination: %s }" % (
                i, q(src), direction, q(dst)) for i, (src, direction, dst) in enumerate(mirrors)]
        path = self.path(name)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n" + extra_yaml)
        if self.control_socket is None:
            self.control_socket = control_socket
        return path

    # --- processes ----------------------------------------------------------------------

    def spawn(self, name, argv, merge=False):
        out = self.path("%s.out" % name)
        err = out if merge else self.path("%s.err" % name)
        with open(out, "w") as fo, open(err, "a") as fe:
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=fo,
                                 stderr=subprocess.STDOUT if merge else fe,
                                 start_new_session=True)
        proc = Proc(name, argv, out, err, p)
        self.procs.append(proc)
        return proc

    def start_vswd(self, topo, name="vswd", wait=True, timeout=READY_TIMEOUT_S):
        proc = self.spawn(name, [VSWD, "-c", topo], merge=True)
        if wait:
            proc.wait_for(r"vswd: ready", timeout)
        return proc

    def stop(self, proc, sig=signal.SIGTERM, grace=STOP_GRACE_S):
        """Signal one process and reap it; SIGKILL when it outlives grace. Returns its status."""
        if proc.alive():
            try:
                os.kill(proc.pid, sig)
            except ProcessLookupError:
                pass
            try:
                return proc.proc.wait(grace)
            except subprocess.TimeoutExpired:
                log("%s (pid %d) ignored signal %d for %s s: SIGKILL" % (
                    proc.name, proc.pid, sig, grace))
                proc.proc.kill()
        return proc.proc.wait()

    def vm_eal_args(self, name, sock, mac, server=False):
        vdev = "net_virtio_user0,path=%s,queues=1,mac=%s,queue_size=%d" % (
            sock, mac, VM_QUEUE_SIZE)
        if server:
            vdev += ",server=1"
        return ["-l", "0", "--no-huge", "--no-shconf", "-m", "128", "--no-pci",
                "--no-telemetry", "--file-prefix", "vm-%s-%s-%d" % (name, self.tag, next(self._n)),
                "--vdev", vdev]

    def start_vm(self, name, sock, mac, server=False, send=0, dst=None, broadcast=False,
                 pps=PPS, size=None, expect=0, timeout_s=20, linger_ms=300, stream=None,
                 wait=True, src=None, raw=None):
        """Start a vsw-vm on a vhost-user socket; wait for READY unless wait is False
        (a server=1 VM blocks until its vhost client connects). src: the source MAC of the
        frames it sends when it is not the NIC's own (a spoofing VM). raw: bytes of a frame
        it sends send times instead of test frames (any length, chained mbufs if long)."""
        argv = [VSW_VM] + self.vm_eal_args(name, sock, mac, server) + [
            "--", "--mac", src or mac]
        if send and raw is not None:
            argv += ["--send", str(send), "--raw", raw.hex()]
        elif send:
            argv += ["--send", str(send)] + (["--broadcast"] if broadcast else ["--dst", dst])
        elif dst:
            argv += ["--dst", dst]  # for frames sent on SIGUSR1
        if pps and (send or dst):
            argv += ["--pps", str(pps)]
        for opt, val in (("--size", size), ("--expect", expect), ("--timeout-s", timeout_s),
                         ("--linger-ms", linger_ms), ("--stream", stream)):
            if val is not None:
                argv += [opt, str(val)]
        proc = self.spawn(name, argv)
        if wait:
            self.wait_ready(proc)
        return proc

    def wait_ready(self, proc, timeout=READY_TIMEOUT_S):
        proc.wait_for(r"^READY$", timeout)

    def finish(self, proc):
        """Stop a listening vsw-vm or nsraw.py with SIGTERM; returns its JSON line."""
        self.stop(proc)
        return proc.result()

    # --- vswctl -------------------------------------------------------------------------

    def stats(self, sock=None):
        """`vswctl show port stats` as {port name: {column: value}}; numbers as ints."""
        sock = sock or self.control_socket
        argv = [VSWCTL, "-s", sock, "show", "port", "stats"]
        try:
            p = run(argv, check=False, timeout=10)
        except subprocess.TimeoutExpired as e:
            raise AssertionError("%s: no answer within 10 s; output so far: %r" % (
                " ".join(argv), e.output)) from None
        if p.returncode != 0:
            raise AssertionError("%s: exit %d\n%s" % (" ".join(argv), p.returncode, p.stdout))
        rows = [l.split() for l in p.stdout.splitlines() if l.strip()]
        if not rows or rows[0] != STATS_COLUMNS:
            raise AssertionError("vswctl: unexpected header\n" + p.stdout)
        ports = {}
        for r in rows[1:]:
            if len(r) != len(STATS_COLUMNS):
                raise AssertionError("vswctl: bad row %r\n%s" % (r, p.stdout))
            row = dict(zip([c.lower().replace("-", "_") for c in STATS_COLUMNS], r))
            for k in ("id", "rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "drops"):
                row[k] = int(row[k])
            ports[row["name"]] = row
        return ports

    def vswctl(self, *words, sock=None):
        """Run one vswctl command; returns its output, fails the test on a non-zero exit."""
        argv = [VSWCTL, "-s", sock or self.control_socket] + list(words)
        p = run(argv, check=False, timeout=10)
        if p.returncode != 0:
            raise AssertionError("%s: exit %d\n%s" % (" ".join(argv), p.returncode, p.stdout))
        return p.stdout

    def fdb(self, sock=None):
        """`vswctl show fdb` entries as {(mac, vlan): (port, type)}; vlan "-" for static."""
        rows = [l.split() for l in self.vswctl("show", "fdb", sock=sock).splitlines()]
        return {(mac_norm(r[0]), r[1]): (r[2], r[3]) for r in rows[1:]
                if len(r) == 5 and r[3] in ("static", "learned")}

    def wait_fdb(self, mac, vlan, port, timeout=10, sock=None):
        """Wait until (mac, vlan) is learned on port."""
        end = time.monotonic() + timeout
        while True:
            fdb = self.fdb(sock)
            if fdb.get((mac_norm(mac), str(vlan))) == (port, "learned"):
                return fdb
            if time.monotonic() > end:
                raise AssertionError("%s vlan %s not learned on %s after %s s: %s" % (
                    mac, vlan, port, timeout, fdb))
            time.sleep(0.05)

    def port_detail(self, what, name, sock=None):
        """`vswctl show port info NAME` (what="info") or `show port stats NAME` (what="stats")
        as {key: value}, keys as vswctl prints them ("nic-state", "drop-port-down");
        numbers as ints."""
        out = self.vswctl("show", "port", what, name, sock=sock)
        res = {}
        for line in out.splitlines()[1:]:  # the first line names the port
            key, sep, value = line.strip().partition(":")
            if not sep:
                raise AssertionError("vswctl: bad line %r\n%s" % (line, out))
            value = value.strip()
            res[key] = int(value) if value.isdigit() else value
        return res

    def vm_datapath(self, sock=None):
        """`vswctl show vm datapath` as {port: {column: value}}, counters as ints."""
        out = self.vswctl("show", "vm", "datapath", sock=sock)
        rows = [l.split() for l in out.splitlines() if l.strip()]
        if not rows or rows[0] != VM_DATAPATH_COLUMNS:
            raise AssertionError("show vm datapath: unexpected header\n" + out)
        res = {}
        for r in rows[1:]:
            if len(r) != len(VM_DATAPATH_COLUMNS):
                raise AssertionError("show vm datapath: bad row %r\n%s" % (r, out))
            row = dict(zip(VM_DATAPATH_COLUMNS, r))
            for k in ("prio", "attaches", "detaches", "failovers", "forced", "lost"):
                row[k] = int(row[k])
            row["last_ms"] = float(row["last_ms"])
            res[row["port"]] = row
        return res

    def wait_vm_path(self, port, path, timeout=10, sock=None):
        """Until VM port's data path is path ("synthetic", "attaching", "vf", "detaching");
        returns its row of `show vm datapath`."""
        end = time.monotonic() + timeout
        while True:
            row = self.vm_datapath(sock)[port]
            if row["path"] == path:
                return row
            if time.monotonic() > end:
                raise AssertionError("%s: path %s, not %s, after %s s\n%s" % (
                    port, row["path"], path, timeout,
                    self.vswctl("show", "vm", "datapath", sock=sock)))
            time.sleep(0.02)

    def wait_links(self, names, state="up", timeout=20, sock=None):
        """Wait until vswd shows LINK state for every named port; returns the last stats."""
        end = time.monotonic() + timeout
        while True:
            st = self.stats(sock)
            if all(n in st and st[n]["link"] == state for n in names):
                return st
            if time.monotonic() > end:
                raise AssertionError("ports %s not all %s after %s s: %s" % (
                    names, state, timeout, {n: st.get(n, {}).get("link") for n in names}))
            time.sleep(0.1)

    def wait_count(self, port, column, value, timeout=20, sock=None):
        """Wait until vswd's counter reaches value (e.g. all frames a VM sent were taken)."""
        end = time.monotonic() + timeout
        while True:
            st = self.stats(sock)
            if port in st and st[port][column] >= value:
                return st
            if time.monotonic() > end:
                raise AssertionError("port %s: %s below %d after %s s: %s" % (
                    port, column, value, timeout, st.get(port)))
            time.sleep(0.05)

    # --- external host: veth + netns (TESTBED section 3) --------------------------------

    def add_veth_netns(self):
        """A veth pair: the host end stays here for vswd, the peer goes into a new netns.
        Offloads off and IPv6 disabled on both ends. Returns (netns, host_if, netns_if)."""
        n = next(self._n)
        ns, host_if = "vswt-%s-%d" % (self.tag, n), "vt%s%d" % (self.tag, n)
        peer_if = host_if + "p"
        if len(peer_if) > 15:
            raise RuntimeError("interface name too long: " + peer_if)
        run(["ip", "netns", "add", ns])
        self.netns.append(ns)
        run(["ip", "link", "add", host_if, "type", "veth", "peer", "name", peer_if])
        self.links.append(host_if)
        run(["ip", "link", "set", peer_if, "netns", ns])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
        self._veth_quiet(ns, host_if, peer_if)
        return ns, host_if, peer_if

    def add_bridge_netns(self, legs):
        """One external network for several "hosts": a netns with a bridge (no STP, no forward
        delay) and legs veth pairs, each with its peer on the bridge and its host end here for
        a vswd. Returns (netns, bridge, [host_if], [netns_if]); addresses go on the bridge."""
        ns, first, peer = self.add_veth_netns()
        host_ifs, peer_ifs = [first], [peer]
        for _ in range(legs - 1):
            n = next(self._n)
            host_if = "vt%s%d" % (self.tag, n)
            run(["ip", "link", "add", host_if, "type", "veth", "peer", "name", host_if + "p"])
            self.links.append(host_if)
            run(["ip", "link", "set", host_if + "p", "netns", ns])
            self._veth_quiet(ns, host_if, host_if + "p")
            host_ifs.append(host_if)
            peer_ifs.append(host_if + "p")
        br = "br0"  # the netns is ours: no clash
        run(["ip", "-n", ns, "link", "add", br, "type", "bridge", "forward_delay", "0",
             "stp_state", "0"])
        run(["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % br])
        for p in peer_ifs:
            run(["ip", "-n", ns, "link", "set", p, "master", br])
        run(["ip", "-n", ns, "link", "set", br, "up"])
        return ns, br, host_ifs, peer_ifs

    def _veth_quiet(self, ns, host_if, peer_if):
        """Offloads off, IPv6 off (no DAD, RS or MLD frames in the counts), both ends up."""
        run(["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % host_if])
        run(["ip", "netns", "exec", ns, "sysctl", "-qw",
             "net.ipv6.conf.%s.disable_ipv6=1" % peer_if])
        run(["ethtool", "-K", host_if, "rx", "off", "tx", "off", "tso", "off", "gso", "off",
             "gro", "off"])
        run(["ip", "netns", "exec", ns, "ethtool", "-K", peer_if, "rx", "off", "tx", "off",
             "tso", "off", "gso", "off", "gro", "off"])
        run(["ip", "-n", ns, "link", "set", peer_if, "up"])
        run(["ip", "link", "set", host_if, "up"])

    def ping_start(self, ns, dst, interval):
        """A ping from netns ns to dst every interval s until NsPing.stop(). Its output goes
        to a file: a pipe nobody reads fills up and stops ping after ~1000 lines."""
        ping = NsPing(self, ns, dst, interval)
        self.add_closer(ping.close)
        return ping

    def nsraw_send(self, ns, iface, src, dst, count, pps=20000, stream=None, timeout=60,
                   vlan=None, raw=None):
        """ns None: send from the host's own namespace (a vswd internal port's TAP).
        raw: bytes of a frame sent as is instead of test frames (src and dst unused)."""
        argv = (["ip", "netns", "exec", ns] if ns else []) + [
            sys.executable, NSRAW, "send", "--iface", iface, "--count", str(count),
            "--pps", str(pps)]
        argv += ["--raw", raw.hex()] if raw is not None else ["--src", src, "--dst", dst]
        if vlan is not None:
            argv += ["--vlan", str(vlan)]
        if stream is not None:
            argv += ["--stream", str(stream)]
        proc = self.spawn("nsraw-send-%d" % next(self._n), argv)
        return proc.result(timeout)

    def nsraw_recv(self, ns, iface, count, timeout_s=20, linger_ms=300):
        """Start a receiver in ns and wait until its socket is bound; collect with .result()."""
        argv = ["ip", "netns", "exec", ns, sys.executable, NSRAW, "recv", "--iface", iface,
                "--count", str(count), "--timeout", str(timeout_s), "--linger-ms",
                str(linger_ms)]
        proc = self.spawn("nsraw-recv-%d" % next(self._n), argv)
        self.wait_ready(proc)
        return proc

    # --- cleanup ------------------------------------------------------------------------

    def add_closer(self, fn):
        """fn() runs in close() before the processes are stopped, newest first: a guest's
        QEMU must go before its vhost backend even when it was started after it."""
        self.closers.append(fn)

    def add_after_stop(self, fn):
        """fn() runs in close() once every process is stopped."""
        self.after_stop.append(fn)

    def add_report(self, fn):
        """fn() returns text that dump_logs prints after the processes' logs."""
        self.log_reporters.append(fn)

    def dump_logs(self):
        for p in self.procs:
            log(p.describe())
        for fn in self.log_reporters:
            log(fn())

    def sanitizer_reports(self):
        """Sanitizer reports (ASan, LSan, UBSan) in the output of every process started, as
        "name: first line" strings. Builds with -Db_sanitize print them to stderr; UBSan
        without halt_on_error keeps running, so only the output tells."""
        found = []
        for p in self.procs:
            for line in p.output().splitlines():
                if SANITIZER_RX.search(line):
                    found.append("%s: %s" % (p.name, line.strip()))
                    break
        return found

    def close(self):
        if self not in _open_labs:
            return
        _open_labs.remove(self)
        for fn in reversed(self.closers):
            try:
                fn()
            except Exception as e:  # keep cleaning up
                log("closing: %s" % e)
        for p in reversed(self.procs):
            try:
                self.stop(p)
            except Exception as e:  # keep cleaning up
                log("stopping %s: %s" % (p.name, e))
        for fn in self.after_stop:
            try:
                fn()
            except Exception as e:  # keep cleaning up
                log("closing: %s" % e)
        self.reports = self.sanitizer_reports()
        if self.reports:
            self.dump_logs()
        for ns in reversed(self.netns):
            run(["ip", "netns", "del", ns], check=False)
        for link in reversed(self.links):
            if os.path.exists("/sys/class/net/" + link):
                run(["ip", "link", "del", link], check=False)
        if os.environ.get("VSWLAB_KEEP"):
            log("kept " + self.dir)
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


class NsPing:
    """A running ping in a netns (Lab.ping_start). stop() gives the icmp_seq numbers that got
    no answer; sent_at() when a request left."""

    def __init__(self, lab, ns, dst, interval):
        self.interval = interval
        self.out = open(lab.path("ping-%d.out" % next(lab._n)), "w+")
        # -D: each reply's wall-clock time, which sent_at() turns into time.monotonic().
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", ns, "ping", "-D", "-i", str(interval), "-W", "2", dst],
            stdout=self.out, stderr=subprocess.STDOUT, text=True)
        self.t0 = time.monotonic()
        self.wall_to_mono = self.t0 - time.time()
        self.duplicates, self.replied_at = [], {}

    def stop(self, drain_s=2.5):
        """SIGINT after drain_s (the last requests get their replies, -W 2); returns
        (sent, received, missing icmp_seq list), leaving out the last request if its reply
        had not come yet: ping sends until the SIGINT. Replies that came more than once (a
        switch delivering a request on two paths) are then in self.duplicates, as the list
        of their icmp_seq, once per extra copy."""
        time.sleep(drain_s)
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=20)
        self.out.seek(0)
        text = self.out.read()
        self.out.close()
        m = re.search(r"(\d+) packets transmitted, (\d+) received(?:, \+(\d+) duplicates)?",
                      text)
        if m is None:
            raise AssertionError("ping: no summary\n" + text[-2000:])
        sent = int(m.group(1))
        seqs = {int(q) for q in re.findall(r"icmp_seq=(\d+)", text)}
        for t, q in re.findall(r"^\[(\d+\.\d+)\] .*icmp_seq=(\d+)", text, re.M):
            self.replied_at.setdefault(int(q), float(t) + self.wall_to_mono)
        self.duplicates = [int(q) for q in re.findall(r"icmp_seq=(\d+) .*\(DUP!\)", text)]
        if len(self.duplicates) != int(m.group(3) or 0):
            raise AssertionError("ping: %d DUP! lines, summary says %s\n%s" % (
                len(self.duplicates), m.group(3), text[-2000:]))
        if sent not in seqs:
            sent -= 1  # in flight at the SIGINT: ping counts it sent, and no reply can come
        return sent, int(m.group(2)), sorted(set(range(1, sent + 1)) - seqs)

    def sent_at(self, q):
        """When request q left (time.monotonic(), after stop()): its reply's time (a ping
        round trip is a few ms) or, unanswered, one interval per request after the last
        answered one before it; ping falls behind its interval on a busy host, so counting
        from the start drifts by seconds over a minute."""
        if q in self.replied_at:
            return self.replied_at[q]
        before = [p for p in self.replied_at if p < q]
        if not before:
            return self.t0 + (q - 1) * self.interval
        p = max(before)
        return self.replied_at[p] + (q - p) * self.interval

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.out.closed:
            self.out.close()


def external(name, device, **extra):
    """extra: more keys of the port, as YAML flow text (vlan="{ mode: trunk, ... }")."""
    return {"name": name, "type": "external", "device": device, "extra": extra}


def port(name, type, **extra):
    """Any other port type (internal, emulated): all keys as YAML flow text."""
    return {"name": name, "type": type, "extra": extra}


def synthetic(name, mac, path, mode="server", ethdev=False, **extra):
    """ethdev: through the vhost PMD's ethdev (what dpdk-dumpcap captures), not the library."""
    return {"name": name, "type": "synthetic", "mac": mac, "path": path, "mode": mode,
            "ethdev": ethdev, "extra": extra}


class LabCase(unittest.TestCase):
    """A TestCase with self.lab, closed after each test; logs printed when a test fails."""

    def setUp(self):
        for exe in (VSWD, VSWCTL, VSW_VM):
            if not os.access(exe, os.X_OK):
                self.fail("%s not built (set VSWD, VSWCTL, VSW_VM or build the tree)" % exe)
        if os.geteuid() != 0:
            self.skipTest("needs root")
        self.lab = self._new_lab()
        self.n_problems = self._problems()
        self.addCleanup(self._close_lab)
        self.t0 = time.monotonic()

    def _new_lab(self):
        return Lab(self._testMethodName.replace("test_", "")[:12])

    def restart_lab(self):
        """Close this test's lab, its logs printed and its sanitizer reports failing the test
        as at the end, and give the test a new one: for a test that runs its body again."""
        self.lab.dump_logs()
        self.lab.close()
        if self.lab.reports:
            self.fail("sanitizer reports:\n" + "\n".join(self.lab.reports))
        self.lab = self._new_lab()

    def _problems(self):
        """Failures and errors recorded so far in this run (unittest keeps no per-test flag
        that cleanups can read)."""
        result = getattr(getattr(self, "_outcome", None), "result", None)
        return len(result.failures) + len(result.errors) if result is not None else 0

    def _close_lab(self):
        if self._problems() > self.n_problems:
            self.lab.dump_logs()
        self.lab.close()
        log("%s: %.1f s" % (self.id(), time.monotonic() - self.t0))
        if self.lab.reports:
            self.fail("sanitizer reports:\n" + "\n".join(self.lab.reports))

    def note(self, msg):
        log("%s: %s" % (self._testMethodName, msg))


def _on_sigterm(signum, frame):
    raise KeyboardInterrupt()  # meson's timeout: unwind so that the labs get closed


def main():
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        unittest.main(verbosity=2)
    finally:
        for lab in list(_open_labs):
            lab.close()
