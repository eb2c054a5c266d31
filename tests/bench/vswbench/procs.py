# SPDX-License-Identifier: BSD-3-Clause
"""The processes of one V2V-loop trial: the generator (testpmd or vsw-loopgen playing both
VMs) and the switches under test (vsw, testpmd io, OVS-DPDK), each with its own file
prefix and temp dir so that two people running the suite at once do not collide.

CPU layout (TESTBED.md section 6): the generator on CPU 0, the switch's forwarding core
alone on CPU 1, the switch's other threads on CPU 0.
"""

import itertools
import json
import os
import re
import select
import shutil
import subprocess
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(os.path.dirname(HERE))
BUILD = os.environ.get("VSW_BUILD", os.path.join(ROOT, "build"))
VSWD = os.environ.get("VSWD", os.path.join(BUILD, "src", "vswd", "vswd"))
VSWCTL = os.environ.get("VSWCTL", os.path.join(BUILD, "src", "vswctl", "vswctl"))
LOOPGEN = os.environ.get("VSW_LOOPGEN", os.path.join(BUILD, "tests", "tools", "vsw-loopgen"))
STAGEBENCH = os.path.join(BUILD, "tests", "tools", "vsw-stagebench")
TESTPMD = shutil.which("dpdk-testpmd") or "/usr/bin/dpdk-testpmd"
MAC0, MAC1 = "02:00:00:00:00:01", "02:00:00:00:00:02"
# Room for learned MACs in vsw's FDB topology, and in OVS's bridge on the same loop.
FDB_MAX_ENTRIES = 131072
OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
OVS_DPDK = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"

_seq = itertools.count()


def bpf_object_built(name):
    return os.path.join(BUILD, "examples", "bpf", name + ".o")


def bpf_object(name):
    """The object of eBPF extension examples/bpf/@p name.c in the build. Meson builds them when
    it finds clang: a build set up before clang was installed is set up again to get them."""
    built = bpf_object_built(name)
    if not os.path.exists(built):
        subprocess.run(["meson", "setup", "--reconfigure", BUILD], check=True,
                       capture_output=True)
        subprocess.run(["ninja", "-C", BUILD, os.path.relpath(built, BUILD)], check=True,
                       capture_output=True)
    return built


def prefix(tag):
    """A DPDK --file-prefix nobody else uses: tag, our pid, a counter."""
    return "vb%s%d_%d" % (tag, os.getpid(), next(_seq))


def stop(procs):
    """TERM newest first, KILL after 5 s (TESTBED.md section 7)."""
    for p in reversed([p for p in procs if p is not None]):
        if p.poll() is None:
            p.terminate()
    for p in reversed([p for p in procs if p is not None]):
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


class Testpmd:
    """An interactive dpdk-testpmd driven through its stdin."""

    def __init__(self, argv):
        # stdbuf: its printf output must reach the pipe as it is printed.
        self.p = subprocess.Popen(["stdbuf", "-o0"] + argv, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.pid = self.p.pid

    def cmd(self, line, until, timeout=15):
        """Send a command; return the output once it matches until (the prompt comes
        without a newline, so read what is there instead of lines)."""
        if line is not None:
            self.p.stdin.write(line + "\n")
            self.p.stdin.flush()
        out, end = "", time.monotonic() + timeout
        while time.monotonic() < end and not re.search(until, out):
            ready, _, _ = select.select([self.p.stdout], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                break
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk.decode(errors="replace")
        return out


# The two ends of the loop: a VM port of the vSwitch ("vm": vswd connects to the generator's
# socket) or a VF of the NIC switch nic0 ("vf": the generator connects to vswd's VF socket).
LOOP_VMS = ("vm", "vm")


def loop_sockets(d, loop=LOOP_VMS):
    """(socket path, generator is its server) of each end of @p loop."""
    return [("%s/sock%d" % (d, i), True) if end == "vm" else ("%s/vf/nic0-vf%d.sock" % (d, i), False)
            for i, end in enumerate(loop)]


def wait_paths(paths, timeout=30):
    end = time.monotonic() + timeout
    while time.monotonic() < end and not all(os.path.exists(p) for p in paths):
        time.sleep(0.1)


class TestpmdGen(Testpmd):
    """testpmd with two net_virtio_user ports in io forwarding: both VMs of the loop, on
    the ends @p loop names (loop_sockets())."""

    def __init__(self, d, size, burst=32, loop=LOOP_VMS):
        socks = loop_sockets(d, loop)
        # A virtio_user client fails when its socket is not there yet: vswd makes the VFs'.
        wait_paths([path for path, is_server in socks if not is_server])
        vdevs = []
        for i, ((path, is_server), mac) in enumerate(zip(socks, (MAC0, MAC1))):
            vdevs += ["--vdev", "net_virtio_user%d,path=%s,queues=1,mac=%s,server=%d" % (
                i, path, mac, is_server)]
        super().__init__([
            "nice", "-n", "-15", "taskset", "-c", "0", TESTPMD, "--lcores", "0@0,1@0", "--file-prefix",
            prefix("g"), "--in-memory", "--single-file-segments", "--iova-mode=va", "-m", "512",
            "--no-pci", "--log-level", "*:error"] + vdevs + [
            "--", "-i", "--forward-mode=io", "--nb-cores=1", "--rxq=1", "--txq=1",
            "--burst=%d" % burst, "--txpkts=%d" % size, "--eth-peer=0,%s" % MAC1,
            "--eth-peer=1,%s" % MAC0, "--total-num-mbufs=16384", "--record-core-cycles"])
        self.fwd_tid_hint = "lcore-worker"

    def start(self):
        self.cmd(None, r"testpmd>", 30)

    def go(self, bursts=4):
        self.cmd("start tx_first %d" % bursts, r"testpmd>|Start", 20)

    def clear(self):
        self.cmd("clear fwd stats all", r"testpmd>", 10)

    def rx_total(self):
        out = self.cmd("show port stats all", r"(?s)Tx-bps.*Tx-bps", 10)
        return sum(int(v) for v in re.findall(r"RX-packets:\s+(\d+)", out)), time.monotonic()

    def cycles(self):
        """Generator busy cycles/packet over its run (testpmd's --record-core-cycles)."""
        out = self.cmd("show fwd stats all", r"CPU cycles/packet=[\d.]+", 10)
        m = re.search(r"CPU cycles/packet=([\d.]+)", out)
        return float(m.group(1)) if m else None

    def close(self):
        stop([self.p])


class LoopGen:
    """tests/tools/vsw-loopgen: the same loop, each frame's MAC pair rotated over N pairs
    as it passes, so that the switch's lookups spread over the whole MAC table."""

    def __init__(self, d, size, n_macs, in_flight=128):
        argv = ["taskset", "-c", "0", LOOPGEN, "--lcores", "0@0", "--file-prefix", prefix("l"),
                "--in-memory", "--single-file-segments", "--iova-mode=va", "-m", "512",
                "--no-pci", "--log-level", "*:error",
                "--vdev", "net_virtio_user0,path=%s/sock0,queues=1,mac=%s,server=1" % (d, MAC0),
                "--vdev", "net_virtio_user1,path=%s/sock1,queues=1,mac=%s,server=1" % (d, MAC1),
                "--", "--size", str(size), "--macs", str(n_macs), "--in-flight", str(in_flight)]
        self.p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.pid = self.p.pid
        self.fwd_tid_hint = None
        self.buf = b""
        self.marks = []  # (rx, busy_tsc) of the last two rx_total() calls

    def _lines(self, timeout):
        """Complete lines that arrived within @p timeout (all that are there if any). Reads
        the pipe itself: a buffered readline() would keep lines select() no longer sees, and
        rx_total() would take a stale one for the newest."""
        fd = self.p.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        while ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            self.buf += chunk
            ready, _, _ = select.select([fd], [], [], 0)
        *lines, self.buf = self.buf.split(b"\n")
        return [l.decode(errors="replace") for l in lines]

    def start(self):
        end = time.monotonic() + 30
        while time.monotonic() < end and self.p.poll() is None:
            if any(l.startswith("READY") for l in self._lines(end - time.monotonic())):
                return

    def go(self, bursts=None):
        pass  # the frames are in the loop since READY

    def rx_total(self):
        """(frames received, time) from a report line printed after this call: the generator
        prints one per 100 ms, so the window's ends are that exact."""
        self._lines(0)
        end = time.monotonic() + 2
        while time.monotonic() < end:
            got = [l for l in self._lines(end - time.monotonic()) if l.startswith("{")]
            if got:
                s = json.loads(got[-1])
                self.marks = (self.marks + [(s["rx"], s.get("busy_tsc"))])[-2:]
                return s["rx"], s["t_ns"] / 1e9
        raise RuntimeError("vsw-loopgen reports nothing")

    def cycles(self):
        """Busy cycles per frame between the last two rx_total() calls."""
        if len(self.marks) < 2 or None in (self.marks[0][1], self.marks[1][1]):
            return None
        (n0, c0), (n1, c1) = self.marks
        return round((c1 - c0) / (n1 - n0)) if n1 > n0 else None

    def close(self):
        stop([self.p])


def max_ethports():
    """DPDK's RTE_MAX_ETHPORTS (32 in Debian 12's build): the most ports one testpmd has."""
    for path in ("/usr/include/x86_64-linux-gnu/dpdk/rte_build_config.h",
                 "/usr/include/dpdk/rte_build_config.h"):
        try:
            m = re.search(r"#define RTE_MAX_ETHPORTS (\d+)", open(path).read())
        except OSError:
            continue
        if m:
            return int(m.group(1))
    return 32


class _IdleGroup(Testpmd):
    """One testpmd whose net_virtio_user clients connect to idle ports @p first.. and then
    never send (ports started, forwarding never started)."""

    def __init__(self, d, first, n):
        vdevs = []
        for i in range(first, first + n):
            vdevs += ["--vdev", "net_virtio_user%d,path=%s/idle%d.sock,queues=1" % (i, d, i)]
        super().__init__(["taskset", "-c", "0", TESTPMD, "--lcores", "0@0,1@0",
                          "--file-prefix", prefix("i"), "--no-huge", "--no-shconf", "-m", "512",
                          "--no-pci", "--log-level", "*:error"] + vdevs +
                         ["--", "-i", "--total-num-mbufs=%d" % (1024 + 512 * n)])
        self.cmd(None, r"testpmd>", 60)


class IdleVms:
    """The guests of the idle ports. A port nobody connects to is not idle but absent: vsw
    polls only connected ones. testpmd, like any DPDK process of Debian's build, has at most
    RTE_MAX_ETHPORTS (32) ports, so the guests are spread over several testpmd processes
    (vswd's VM ports take no ethdev and are not so limited)."""

    def __init__(self, d, n):
        per = max(1, max_ethports() - 2)
        self.groups = [_IdleGroup(d, first, min(per, n - first)) for first in range(0, n, per)]
        self.ps = [g.p for g in self.groups]


def vsw_topology(d, n_idle=0, learning=False, guard=True, ext=None, no_huge=False, uplink=None,
                 idle_rxq_poll_us=None, loop=LOOP_VMS, nic_switch=False):
    """vswd's YAML: vm0, vm1 on the generator's sockets; n_idle more vhost-user ports whose
    sockets nobody serves; learning: trunk ports that learn (FDB scale) without spoof guard;
    uplink: the rest of an external port's mapping (e.g. 'netdev: veth0'), in vm1's place (P2V);
    idle_rxq_poll_us: workers.idle_rxq_poll_us, None for vswd's default; ext: an eBPF
    extension on every port's ingress, "object path:params". nic_switch: the emulated NIC
    switch nic0, its PF a null device and its default VPort the vSwitch's uplink, with a VF VPort
    (receive filter: that end's MAC) in the place of each VM that @p loop puts on a VF."""
    vlan = ', vlan: { mode: trunk, allowed: all, native: 0 }' if learning else ""
    sec = "" if guard and not learning else ", security: { mac_spoof_guard: false }"
    # no_huge: valgrind refuses the large virtual areas EAL reserves for hugepage memory.
    mem = ["--no-huge", "--no-shconf", "-m", "512"] if no_huge else ["--in-memory", "-m", "1024"]
    eal = ['"%s"' % a for a in ["-l", "0,1", "--iova-mode=va", "--no-pci", "--file-prefix",
                                prefix("v"), "--log-level", "*:error"] + mem]
    lines = ["eal: { args: [%s] }" % ", ".join(eal),
             "workers: { lcores: [1], idle_sleep_max_us: 0%s }" % (
                 "" if idle_rxq_poll_us is None else ", idle_rxq_poll_us: %d" % idle_rxq_poll_us),
             'control: { socket: "%s/ctl.sock" }' % d,
             "fdb: { aging_s: 0, max_entries: %d }" % FDB_MAX_ENTRIES,
             "ports:"]
    for i, mac in enumerate((MAC0,) if uplink else (MAC0, MAC1)):
        if loop[i] != "vm":
            continue
        lines.append('  - { name: vm%d, type: synthetic, mac: "%s", vhost: { path: "%s/sock%d",'
                     ' mode: client }%s%s }' % (i, mac, d, i, vlan, sec))
    if nic_switch:
        # no-rx: nothing comes from the wire; what the NIC switch sends there is freed.
        lines += ["  - { name: uplink, type: external, nic_switch: nic0 }",
                  "nic_switches:",
                  '  - { name: nic0, backend: emulated, pf: "net_null0,no-rx=1", num_vfs: 2,',
                  "      queue_pairs: { total: 4 }, vf_socket_dir: \"%s/vf\", vports: [" % d,
                  ",\n".join('      { id: %d, function: vf%d, filters: [ { mac: "%s", vlan: 0 } ] }'
                             % (i + 1, i, mac) for i, mac in enumerate((MAC0, MAC1))
                             if loop[i] == "vf"),
                  "    ] }"]
    if uplink:
        lines.append("  - { name: uplink, type: external, %s }" % uplink)
    for i in range(n_idle):
        lines.append('  - { name: idle%d, type: synthetic, mac: "02:00:00:01:00:%02x", '
                     'vhost: { path: "%s/idle%d.sock", mode: server } }' % (i, i + 1, d, i))
    if ext:
        path, _, params = ext.partition(":")
        lines += ["extensions:",
                  '  - { name: bench, file: "%s", port: all, stage: ingress, params: [%s] }'
                  % (os.path.abspath(path), params)]
    return "\n".join(lines) + "\n"


class Vsw:
    name = "vsw"

    def __init__(self, d, **topo):
        self.d = d
        path = os.path.join(d, "vsw.yaml")
        with open(path, "w") as f:
            f.write(vsw_topology(d, **topo))
        self.p = subprocess.Popen([VSWD, "-c", path], stdout=subprocess.DEVNULL,
                                  stderr=open(os.path.join(d, "vswd.log"), "w"))
        self.pid = self.p.pid
        self.fwd_tid_hint = "lcore-worker-1"
        self.n_idle, self.idle_vms = topo.get("n_idle", 0), None

    ctl_timeout = 20

    def ctl(self, *words):
        try:
            r = subprocess.run([VSWCTL, "-s", self.d + "/ctl.sock", "--json"] + list(words),
                               capture_output=True, text=True, timeout=self.ctl_timeout)
            return json.loads(r.stdout)
        except (ValueError, subprocess.TimeoutExpired):
            return None

    def ready(self, timeout=30):
        """vswd answers, and the idle ports' guests are connected."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.p.poll() is not None:
                self._why_dead()
                return False
            if os.path.exists(self.d + "/ctl.sock") and self.ctl("show", "pmd", "stats"):
                break
            time.sleep(0.3)
        else:
            return False
        if not self.n_idle:
            return True
        self.idle_vms = IdleVms(self.d, self.n_idle)
        end = time.monotonic() + max(60, timeout)
        while time.monotonic() < end:
            if self.n_connected() >= 2 + self.n_idle:
                return True
            time.sleep(0.3)
        print("  vswd: %d of %d ports connected" % (self.n_connected(), 2 + self.n_idle))
        return False

    def _why_dead(self):
        try:
            lines = open(os.path.join(self.d, "vswd.log")).read().strip().splitlines()
        except OSError:
            lines = []
        print("  vswd exited %s: %s" % (self.p.returncode, lines[-1] if lines else "?"))

    def n_connected(self):
        return sum(1 for p in (self.ctl("show", "port") or {}).get("ports", [])
                   if p.get("nic_state") == "connected")

    def clear(self):
        self.ctl("clear", "pmd", "stats")

    def cycles(self):
        j = self.ctl("show", "pmd", "stats") or {}
        w = (j.get("workers") or j.get("pmds") or [{}])[0]
        self.per_pass = (w["rx_packets"] / w["busy_iterations"]
                         if w.get("busy_iterations") else None)
        return w.get("busy_cycles_per_packet") or None

    def uplink_endpoint(self):
        """The devargs vsw opened its uplink with: which PMD a `netdev:` uplink got."""
        for p in (self.ctl("show", "port") or {}).get("ports", []):
            if p.get("type") == "external":
                return p.get("endpoint")
        return None

    def n_learned(self):
        j = self.ctl("show", "fdb", "stats") or {}
        return (j.get("stats") or {}).get("entries")

    def close(self):
        stop([self.p] + (self.idle_vms.ps if self.idle_vms else []))


class TestpmdSwitch(Testpmd):
    name = "testpmd-io"

    def __init__(self, d, mode="io"):
        super().__init__([
            TESTPMD, "--lcores", "0@0,1@1", "--file-prefix", prefix("t"), "--in-memory",
            "--iova-mode=va", "-m", "512", "--no-pci", "--log-level", "*:error",
            "--vdev", "net_vhost0,iface=%s/sock0,queues=1,client=1" % d,
            "--vdev", "net_vhost1,iface=%s/sock1,queues=1,client=1" % d,
            "--", "-i", "--forward-mode=%s" % mode, "--nb-cores=1", "--record-core-cycles"])
        self.fwd_tid_hint = "lcore-worker-1"
        self.cmd(None, r"testpmd>", 30)
        self.cmd("start", r"testpmd>", 10)

    def ready(self, timeout=30):
        return self.p.poll() is None

    def clear(self):
        self.cmd("clear fwd stats all", r"testpmd>", 10)

    def cycles(self):
        out = self.cmd("show fwd stats all", r"CPU cycles/packet=[\d.]+", 10)
        m = re.search(r"CPU cycles/packet=([\d.]+)", out)
        return float(m.group(1)) if m else None

    def close(self):
        stop([self.p])


class Ovs:
    """OVS-DPDK 3.1 run privately (TESTBED.md section 6): own db, run dir and netns, no
    service, --no-pci. flows=True: port-to-port flows; else the NORMAL action, with room for
    @p mac_table_size learned MACs (OVS's default is 2048)."""

    def __init__(self, d, flows, mac_table_size=None):
        self.d, self.name = d, "ovs-flows" if flows else "ovs-normal"
        self.ns = "vb%d_%d" % (os.getpid(), next(_seq))
        env = dict(os.environ, OVS_RUNDIR=d, OVS_LOGDIR=d, OVS_DBDIR=d, OVS_SYSCONFDIR=d)
        self.env = env
        self.procs = []
        subprocess.run(["ovsdb-tool", "create", d + "/conf.db", OVS_SCHEMA], check=True,
                       env=env, capture_output=True)
        self.procs.append(subprocess.Popen(
            ["ovsdb-server", d + "/conf.db", "--remote=punix:%s/db.sock" % d,
             "--pidfile=%s/db.pid" % d, "--unixctl=%s/db.ctl" % d,
             "--log-file=%s/db.log" % d], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        self._wait_path(d + "/db.sock")
        self.vs("--no-wait", "init")
        self.vs("--no-wait", "set", "Open_vSwitch", ".", "other_config:dpdk-init=true",
                "other_config:dpdk-socket-mem=1024", "other_config:dpdk-socket-limit=1024",
                "other_config:dpdk-lcore-mask=0x1", "other_config:pmd-cpu-mask=0x2",
                "other_config:dpdk-extra=--in-memory --iova-mode=va --no-pci --file-prefix=%s"
                % prefix("o"))
        subprocess.run(["ip", "netns", "add", self.ns], check=True)
        self.procs.append(subprocess.Popen(
            ["ip", "netns", "exec", self.ns, "taskset", "-c", "0", OVS_DPDK,
             "unix:%s/db.sock" % d, "--pidfile=%s/vs.pid" % d, "--unixctl=%s/vs.ctl" % d,
             "--log-file=%s/vs.log" % d], env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL))
        self.pid = None
        self.fwd_tid_hint = "pmd-c01"
        # Its revalidators dump every datapath flow twice a second on CPU 0, the generator's:
        # with one flow per MAC pair that takes the generator's time.
        self.gen_wait_is_own = mac_table_size is not None
        self.vs("add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=netdev")
        if mac_table_size:
            self.vs("set", "bridge", "br0", "other_config:mac-table-size=%d" % mac_table_size)
        for i in (0, 1):
            self.vs("add-port", "br0", "vhu%d" % i, "--", "set", "Interface", "vhu%d" % i,
                    "type=dpdkvhostuserclient", "options:vhost-server-path=%s/sock%d" % (d, i),
                    "ofport_request=%d" % (i + 1))
        if flows:
            subprocess.run(["ovs-ofctl", "del-flows", "br0"], env=env, capture_output=True)
            for a, b in ((1, 2), (2, 1)):
                subprocess.run(["ovs-ofctl", "add-flow", "br0",
                                "in_port=%d,actions=output:%d" % (a, b)], env=env,
                               capture_output=True)

    def _wait_path(self, path, timeout=20):
        end = time.monotonic() + timeout
        while time.monotonic() < end and not os.path.exists(path):
            time.sleep(0.1)

    def vs(self, *args):
        return subprocess.run(["ovs-vsctl", "--db=unix:%s/db.sock" % self.d, "--timeout=60"]
                              + list(args), env=self.env, capture_output=True, text=True)

    def appctl(self, *args):
        return subprocess.run(["ovs-appctl", "-t", self.d + "/vs.ctl"] + list(args),
                              env=self.env, capture_output=True, text=True, timeout=20).stdout

    def ready(self, timeout=60):
        """Both vhost devices added: frames sent before are lost."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                log = open(self.d + "/vs.log").read()
            except OSError:
                log = ""
            if len(re.findall(r"vHost Device .* has been added", log)) >= 2:
                try:
                    self.pid = int(open(self.d + "/vs.pid").read())
                except (OSError, ValueError):
                    pass
                return True
            time.sleep(0.3)
        return False

    def clear(self):
        self.appctl("dpif-netdev/pmd-stats-clear")

    def cycles(self):
        m = re.search(r"avg processing cycles per packet:\s+([\d.]+)",
                      self.appctl("dpif-netdev/pmd-stats-show"))
        return float(m.group(1)) if m else None

    def n_learned(self):
        m = re.search(r"Current/maximum MAC entries in the table:\s*(\d+)",
                      self.appctl("fdb/stats-show", "br0"))
        return int(m.group(1)) if m else None

    def n_flows(self):
        """Flows in the datapath: NORMAL installs one per (in port, source, destination)."""
        m = re.search(r"flows\s*:\s*\(current (\d+)\)", self.appctl("upcall/show"))
        return int(m.group(1)) if m else None

    def close(self):
        stop(self.procs)
        subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)
