# SPDX-License-Identifier: BSD-3-Clause
"""Real QEMU guests as test peers of vswd: a Linux kernel with virtio-net, net_failover and
vmxnet3 drivers, driven from the test over a command channel and QMP.

    g = Guest(lab, "g1", nics=[VhostNic(lab.path("vm1.sock"), MAC)])  # started, booted
    ifname = g.ifname(MAC)
    g.check("ip addr add 10.77.0.2/24 dev %s; ip link set %s up" % (ifname, ifname))
    g.ping("10.77.0.1", count=5)      # {"sent": 5, "received": 5, "rc": 0, ...}

QEMU runs under TCG (the host's KVM cannot run these guests, TESTBED 4.1) on a q35 machine
with guest RAM in a shared memfd (a vhost-user backend maps it) and one PCIe root port per
NIC plus free ones for hot-plug. Devices:
  - ttyS0: the console, kept in <lab>/<name>.console for failure reports;
  - ttyS1: the command channel, a unix socket QEMU serves (protocol in guest_image.GUEST_INIT);
  - QMP on a unix socket: device_add/device_del, set_link, events (DEVICE_DELETED ...);
  - VhostNic: virtio-net-pci on vhost-user (vectors=0, required under TCG), QEMU as client
    (vswd serves the socket) or as server (vswd connects), optionally failover=on (standby);
  - TapNetdev: a tap netdev without a device, the backend of a hot-plugged failover primary
    (add_primary()), or TapNic: a NIC on a tap from the start.

A Guest belongs to a vswlab.Lab: the lab stops it before any other process (QEMU before its
vhost backend, even when the backend was started first) and removes its files. Failures
raise GuestError with the console tail and QEMU's output. The image comes from
guest_image.get(). require_qemu() skips a test only when no QEMU binary can run at all.
"""

import base64
import itertools
import json
import os
import re
import shlex
import socket
import subprocess
import time

import guest_image
import vswlab

QEMU = os.environ.get("VSW_QEMU", "qemu-system-x86_64")
MEM_MB = 256
BOOT_TIMEOUT_S = 90  # TCG boot is ~4 s on an idle host; two guests on 2 busy CPUs, much more
CMD_TIMEOUT_S = 30
QMP_TIMEOUT_S = 10
HOTPLUG_SLOTS = 2  # free root ports for device_add
MIGRATE_TIMEOUT_S = 120  # 256 MiB of guest RAM over a unix socket: ~1-3 s idle, TCG busy longer


class GuestError(AssertionError):
    pass


def require_qemu(case):
    """Skip the unittest case when QEMU cannot run here at all (not installed or broken);
    anything else that goes wrong later is a failure."""
    try:
        p = subprocess.run([QEMU, "-version"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=30)
    except OSError as e:
        case.skipTest("%s cannot run (%s): install qemu-system-x86" % (QEMU, e))
    if p.returncode != 0:
        case.skipTest("%s -version: exit %d: %s" % (QEMU, p.returncode, p.stdout.strip()))


class VhostNic:
    """virtio-net-pci on a vhost-user socket. server=False: vswd serves the socket (its port
    mode: server) and QEMU reconnects to it; server=True: QEMU serves it (vswd mode: client).
    failover=True: the standby of a net_failover pair."""

    def __init__(self, path, mac, server=False, failover=False, id=None):
        self.path, self.mac, self.server, self.failover, self.id = path, mac, server, failover, id

    def args(self, n, bus):
        chardev = "socket,id=chr%d,path=%s" % (n, self.path) + (
            ",server=on,wait=off" if self.server else ",reconnect=1")
        dev = "virtio-net-pci,id=%s,netdev=net%d,mac=%s,vectors=0,bus=%s" % (
            self.id, n, self.mac, bus)
        if self.failover:
            dev += ",failover=on"
        return ["-chardev", chardev, "-netdev", "vhost-user,id=net%d,chardev=chr%d" % (n, n),
                "-device", dev]


class TapNic:
    """An emulated NIC (default vmxnet3) on an existing tap interface from boot on."""

    def __init__(self, ifname, mac, driver="vmxnet3", id=None):
        self.ifname, self.mac, self.driver, self.id = ifname, mac, driver, id

    def args(self, n, bus):
        return ["-netdev", "tap,id=net%d,ifname=%s,script=no,downscript=no" % (n, self.ifname),
                "-device", "%s,id=%s,netdev=net%d,mac=%s,bus=%s" % (
                    self.driver, self.id, n, self.mac, bus)]


class TapNetdev:
    """A tap netdev with no device yet: what add_primary() plugs a NIC onto. The interface
    must exist (ip tuntap add) when QEMU starts; its owner (vswd or the test) keeps it."""

    def __init__(self, ifname, id):
        self.ifname, self.id = ifname, id

    def args(self):
        return ["-netdev", "tap,id=%s,ifname=%s,script=no,downscript=no" % (
            self.id, self.ifname)]


class Qmp:
    """A QMP client: greeting, qmp_capabilities, then commands; events are kept in order
    until a wait_event() takes them."""

    def __init__(self, path, alive, timeout=QMP_TIMEOUT_S):
        self.events, self._buf, self._alive = [], b"", alive
        end = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError as e:
                self.sock.close()
                if not alive() or time.monotonic() > end:
                    raise GuestError("QMP %s: cannot connect: %s" % (path, e)) from None
                time.sleep(0.05)
        greeting = self._read(end)
        if "QMP" not in greeting:
            raise GuestError("QMP %s: no greeting: %r" % (path, greeting))
        self.execute("qmp_capabilities")

    def _read(self, end):
        while b"\n" not in self._buf:
            left = end - time.monotonic()
            if left <= 0:
                raise GuestError("QMP: no answer in time")
            self.sock.settimeout(min(left, 0.5))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                if not self._alive():
                    raise GuestError("QMP: QEMU exited") from None
                continue
            except OSError as e:
                raise GuestError("QMP: %s" % e) from None
            if not data:
                raise GuestError("QMP: connection closed by QEMU")
            self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        return json.loads(line)

    def execute(self, command, timeout=QMP_TIMEOUT_S, **arguments):
        """Run a command; returns its "return" value, raises GuestError on "error"."""
        msg = {"execute": command}
        if arguments:
            msg["arguments"] = arguments
        try:
            self.sock.sendall(json.dumps(msg).encode() + b"\n")
        except OSError as e:
            raise GuestError("QMP %s: %s" % (command, e)) from None
        end = time.monotonic() + timeout
        while True:
            reply = self._read(end)
            if "event" in reply:
                self.events.append(reply)
            elif "error" in reply:
                raise GuestError("QMP %s %s: %s" % (command, arguments, reply["error"]))
            elif "return" in reply:
                return reply["return"]

    def wait_event(self, name, timeout=QMP_TIMEOUT_S, **data):
        """The first event called name whose data has these items (earlier ones included)."""
        end = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["event"] == name and all(
                        ev.get("data", {}).get(k) == v for k, v in data.items()):
                    return self.events.pop(i)
            reply = self._read(end)
            if "event" in reply:
                self.events.append(reply)

    def drain(self, timeout=0.3):
        """Take the events QEMU sent without being asked (its SHUTDOWN says why it quit)."""
        try:
            while True:
                reply = self._read(time.monotonic() + timeout)
                if "event" in reply:
                    self.events.append(reply)
        except (GuestError, OSError, ValueError):
            pass
        return self.events

    def close(self):
        self.sock.close()


class Guest:
    def __init__(self, lab, name, nics=(), netdevs=(), mem_mb=MEM_MB, append="",
                 boot=True, timeout=BOOT_TIMEOUT_S, incoming=False):
        """Start QEMU; with boot=True also wait until the guest's command channel answers.
        boot=False lets the test start a vhost backend in between (QEMU serving the socket
        blocks until it connects) or boot guests in parallel; call wait_booted() later.
        incoming=True: the destination of a live migration (see migrate()): the same machine
        and NICs as the source, waiting for its state instead of booting."""
        self.lab, self.name = lab, name
        self.image = guest_image.get()
        self.console = lab.path(name + ".console")
        self.qmp_path, self.cmd_path = lab.path(name + ".qmp"), lab.path(name + ".cmd")
        self.nics = list(nics)
        self.slots = {}  # root port -> device id, for the ones in use
        self.qmp, self.cmd, self._buf, self.boot_s = None, None, b"", None
        self.incoming = incoming
        self._req = itertools.count(1)
        args = self._argv(nics, netdevs, mem_mb, append)
        if incoming:
            # defer: the listening socket comes with migrate-incoming, so the source can only
            # connect once the destination is fully set up (its vhost backend connected).
            args += ["-incoming", "defer"]
            boot = False
        self.t_start = time.monotonic()
        self.proc = lab.spawn("qemu-" + name, args, merge=True)
        lab.add_closer(self.close)
        lab.add_report(self.report)
        try:
            # Connected at once so that nothing the guest writes is lost; QEMU accepts it
            # once its main loop runs.
            self.cmd = self._connect(self.cmd_path)
            if incoming:
                self.qmp = Qmp(self.qmp_path, self.proc.alive, timeout)
            if boot:
                self.wait_booted(timeout)
        except GuestError:
            raise
        except Exception as e:
            raise GuestError(self._explain(repr(e))) from None

    def _argv(self, nics, netdevs, mem_mb, append):
        n_ports = len(nics) + HOTPLUG_SLOTS
        argv = [QEMU, "-accel", "tcg", "-m", "%dM" % mem_mb, "-smp", "1", "-nodefaults",
                "-no-user-config", "-display", "none", "-no-reboot",
                "-object", "memory-backend-memfd,id=mem0,size=%dM,share=on" % mem_mb,
                "-machine", "q35,memory-backend=mem0",
                "-chardev", "file,id=ser0,path=" + self.console, "-serial", "chardev:ser0",
                "-chardev", "socket,id=ser1,path=%s,server=on,wait=off" % self.cmd_path,
                "-serial", "chardev:ser1",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "-kernel", self.image.kernel, "-initrd", self.image.initrd,
                # ipv6.disable: no DAD, RS or MLD frames in the switch's counters
                "-append", "console=ttyS0 quiet panic=-1 ipv6.disable=1 " + append]
        for i in range(n_ports):
            argv += ["-device", "pcie-root-port,id=rp%d,chassis=%d,slot=%d,bus=pcie.0,addr=0x%x"
                     % (i, i + 1, i + 1, 4 + i)]
        for i, nic in enumerate(nics):
            nic.id = nic.id or "nic%d" % i
            self.slots["rp%d" % i] = nic.id
            argv += nic.args(i, "rp%d" % i)
        for nd in netdevs:
            argv += nd.args()
        self.free_ports = ["rp%d" % i for i in range(len(nics), n_ports)]
        return argv

    def _connect(self, path, timeout=QMP_TIMEOUT_S):
        end = time.monotonic() + timeout
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                return s
            except OSError as e:
                s.close()
                if not self.proc.alive() or time.monotonic() > end:
                    raise GuestError("%s: cannot connect: %s" % (path, e)) from None
                time.sleep(0.05)

    # --- failure reports ----------------------------------------------------------------

    def threads(self):
        """What each of QEMU's threads waits in (state, kernel wait channel, kernel stack top):
        a vCPU blocked on the big lock looks unlike one halted with nothing to wake it."""
        base = "/proc/%d/task" % self.proc.proc.pid

        def read(tid, name):
            try:
                with open(os.path.join(base, tid, name)) as f:
                    return f.read().strip()
            except OSError:
                return "?"

        try:
            tids = sorted(os.listdir(base), key=int)
        except OSError:
            return "(QEMU gone)\n"
        rows = []
        for tid in tids:
            stat = read(tid, "stat")
            state = stat.rsplit(")", 1)[-1].split()[0] if ")" in stat else "?"
            stack = [l.split()[-1] for l in read(tid, "stack").splitlines()[:4]]
            rows.append("%s %-16s %s %-24s %s" % (tid, read(tid, "comm"), state,
                                                  read(tid, "wchan"), " < ".join(stack)))
        return "\n".join(rows) + "\n"

    def report(self):
        events = self.qmp.drain() if self.qmp is not None else []
        return ("guest %s: console %s (last lines)\n%s--- QEMU output\n%s--- QEMU threads\n%s"
                "--- QMP events\n%s" % (
                    self.name, self.console, vswlab.tail(self.console, 30),
                    vswlab.tail(self.proc.out, 20), self.threads(),
                    "\n".join(json.dumps(ev) for ev in events[-10:])))

    def _explain(self, what):
        try:  # a channel that just broke: let a dying QEMU be reaped, to say so
            self.proc.proc.wait(0.3)
        except subprocess.TimeoutExpired:
            pass
        state = "running" if self.proc.alive() else "exited %s" % self.proc.proc.returncode
        return "guest %s (QEMU %s): %s\n%s" % (self.name, state, what, self.report())

    # --- the command channel --------------------------------------------------------------

    def _line(self, end):
        while b"\n" not in self._buf:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.cmd.settimeout(min(left, 0.5))
            try:
                data = self.cmd.recv(65536)
            except socket.timeout:
                if not self.proc.alive():
                    raise GuestError(self._explain("QEMU exited")) from None
                continue
            except OSError as e:
                raise GuestError(self._explain("command channel: %s" % e)) from None
            if not data:
                raise GuestError(self._explain("command channel closed"))
            self._buf += data
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode(errors="replace").strip()

    def wait_booted(self, timeout=BOOT_TIMEOUT_S):
        """Connect QMP and wait for /init's READY on the command channel; returns seconds
        since QEMU started. QEMU serving a vhost-user socket answers QMP only once its
        backend has connected: start that backend before calling this."""
        end = time.monotonic() + timeout
        if self.qmp is None:
            self.qmp = Qmp(self.qmp_path, self.proc.alive, timeout)
        while True:
            line = self._line(end)
            if line is None:
                raise GuestError(self._explain("not booted after %s s" % timeout))
            if line == "VSWG-READY":
                self.boot_s = time.monotonic() - self.t_start
                vswlab.log("guest %s: booted in %.1f s" % (self.name, self.boot_s))
                errors = [l for l in vswlab.tail(self.console, 200).splitlines()
                          if "VSWG-ERROR" in l]
                if errors:
                    raise GuestError(self._explain("/init: " + "; ".join(errors)))
                return self.boot_s

    def run(self, script, timeout=CMD_TIMEOUT_S):
        """Run a sh script in the guest; returns (exit status, output with stderr)."""
        rid = next(self._req)
        try:
            self.cmd.sendall(b"%d %s\n" % (rid, base64.b64encode(script.encode())))
        except OSError as e:
            raise GuestError(self._explain("command channel: %s" % e)) from None
        end = time.monotonic() + timeout
        out, inside = [], False
        while True:
            line = self._line(end)
            if line is None:
                raise GuestError(self._explain("no answer to %r within %s s" % (script, timeout)))
            if line == "VSWG-BEGIN %d" % rid:
                inside = True
            elif inside and line.startswith("VSWG-END %d " % rid):
                return int(line.split()[2]), base64.b64decode("".join(out)).decode(
                    errors="replace")
            elif inside:
                out.append(line)
            # anything else: the answer to an earlier request that timed out

    def check(self, script, timeout=CMD_TIMEOUT_S):
        """Run a script that must succeed; returns its output."""
        rc, out = self.run(script, timeout)
        if rc != 0:
            raise GuestError(self._explain("%r: exit %d\n%s" % (script, rc, out)))
        return out

    # --- network helpers --------------------------------------------------------------------

    def interfaces(self):
        """{ifname: {"mac", "driver", "lowers", "operstate", "carrier"}} of the guest's netdevs.
        driver: of the device under it, "" for virtual ones (lo, a bond); a net_failover
        master shares its standby's device, so it shows virtio_net too."""
        out = self.check(
            "for d in /sys/class/net/*; do [ -d $d ] || continue; n=${d##*/}; "
            "drv=$(readlink $d/device/driver); l=$(cd $d; echo lower_* | sed 's/lower_//g'); "
            "[ \"$l\" = '*' ] && l=; "
            "echo \"$n|$(cat $d/address)|${drv##*/}|$l|$(cat $d/operstate)|"
            "$(cat $d/carrier 2>/dev/null)\"; done")
        res = {}
        for line in out.splitlines():
            n, mac, drv, lowers, oper, carrier = line.split("|")
            res[n] = {"mac": mac, "driver": drv, "lowers": lowers.split(), "operstate": oper,
                      "carrier": carrier == "1"}
        return res

    def ifname(self, mac):
        """The netdev with this MAC; with net_failover, the master (three share the MAC)."""
        found = {n: i for n, i in self.interfaces().items() if i["mac"] == mac.lower()}
        masters = [n for n, i in found.items() if i["lowers"]]
        if len(masters) == 1:
            return masters[0]
        if len(found) != 1:
            raise GuestError(self._explain("MAC %s: interfaces %s" % (mac, found)))
        return next(iter(found))

    def failover(self):
        """The net_failover triple {"master", "standby", "primary"}: interface names, None
        for what is not there (no primary while none is plugged)."""
        ifs = self.interfaces()
        res = {"master": None, "standby": None, "primary": None}
        for n, i in ifs.items():
            if i["lowers"] and i["driver"] == "virtio_net":
                res["master"] = n
                for low in i["lowers"]:
                    if low not in ifs:
                        continue  # appeared after the interfaces were listed: next time
                    res["standby" if ifs[low]["driver"] == "virtio_net" else "primary"] = low
        return res

    def wait_failover(self, primary, timeout=30):
        """Wait until the master has (primary=True) or has lost (False) its primary; returns
        the triple and the seconds it took."""
        t0 = time.monotonic()
        while True:
            fo = self.failover()
            if fo["master"] and bool(fo["primary"]) == primary:
                return fo, time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                raise GuestError(self._explain("net_failover primary %s after %s s: %s" % (
                    "absent" if primary else "still present", timeout, fo)))
            time.sleep(0.05)

    def set_ip(self, ifname, cidr):
        self.check("ip addr add %s dev %s && ip link set %s up" % (cidr, ifname, ifname))

    def wait_link(self, ifname, timeout=20):
        """Wait until ifname has carrier and is up (net_failover: some lower is up)."""
        rc, out = self.run(
            "i=0; while [ $i -lt %d ]; do [ \"$(cat /sys/class/net/%s/operstate)\" = up ] && "
            "exit 0; usleep 100000; i=$((i+1)); done; ip link show %s; exit 1" % (
                timeout * 10, ifname, ifname), timeout + 10)
        if rc != 0:
            raise GuestError(self._explain("%s not up after %s s: %s" % (ifname, timeout, out)))

    def wait_reachable(self, dst, timeout=20):
        """Ping dst once a second until one answers (ARP, a backend still starting); returns
        the seconds it took."""
        t0 = time.monotonic()
        rc, out = self.run(
            "end=$(( $(cut -d. -f1 /proc/uptime) + %d )); "
            "until ping -c 1 -W 1 %s >/dev/null; do "
            "[ $(cut -d. -f1 /proc/uptime) -ge $end ] && exit 1; done" % (timeout, dst),
            timeout + 10)
        if rc != 0:
            raise GuestError(self._explain("%s unreachable for %s s" % (dst, timeout)))
        return time.monotonic() - t0

    def ping(self, dst, count=5, interval=0.2, wait_s=2, iface=None):
        """busybox ping from the guest: {"rc", "sent", "received", "avg_ms", "out"}."""
        argv = "ping -c %d -i %s -W %d %s%s" % (count, interval, wait_s,
                                                 "-I %s " % iface if iface else "", dst)
        rc, out = self.run(argv, timeout=count * interval + wait_s + 30)
        m = re.search(r"(\d+) packets transmitted, (\d+) packets received", out)
        avg = re.search(r"min/avg/max = [\d.]+/([\d.]+)/", out)
        return {"rc": rc, "sent": int(m.group(1)) if m else 0,
                "received": int(m.group(2)) if m else 0,
                "avg_ms": float(avg.group(1)) if avg else None, "out": out}

    def ping_start(self, dst, interval=0.1, tag="bg"):
        """A ping that runs in the guest's background until ping_stop(tag): for loss and
        outage measurements across a failover. Returns the host's monotonic start time."""
        self.check("ping -i %s %s >/tmp/ping-%s.log 2>&1 & echo $! >/tmp/ping-%s.pid" % (
            interval, dst, tag, tag))
        return time.monotonic()

    def ping_stop(self, tag="bg"):
        """Stop a ping_start() ping: {"sent", "received", "seqs" (answered icmp_seq, in
        order), "out"}. With interval i, seq n left about n * i after the start."""
        out = self.check("kill -INT $(cat /tmp/ping-%s.pid); i=0; while kill -0 "
                         "$(cat /tmp/ping-%s.pid) 2>/dev/null && [ $i -lt 30 ]; do "
                         "usleep 100000; i=$((i+1)); done; cat /tmp/ping-%s.log" % (
                             tag, tag, tag))
        m = re.search(r"(\d+) packets transmitted, (\d+) packets received", out)
        return {"sent": int(m.group(1)) if m else 0, "received": int(m.group(2)) if m else 0,
                "seqs": [int(x) for x in re.findall(r"seq=(\d+) ", out)], "out": out}

    def counters(self, ifname):
        """/sys/class/net/<ifname>/statistics as {name: int}."""
        out = self.check("cd /sys/class/net/%s/statistics && grep . *" % shlex.quote(ifname))
        return {k: int(v) for k, v in (l.split(":", 1) for l in out.splitlines())}

    # --- QMP: hot-plug ------------------------------------------------------------------------

    def add_primary(self, netdev, mac, standby, id="primary0", driver="vmxnet3", **props):
        """device_add a net_failover primary for the standby NIC (its id) on a free root port.
        QEMU holds it back until the guest's virtio-net has acked STANDBY. props: more device
        properties (romfile="": no option ROM, whose RAM block a migration destination that
        never had the device refuses)."""
        if not self.free_ports:
            raise GuestError(self._explain("no free root port for %s" % id))
        port = self.free_ports.pop(0)
        try:
            self.qmp.execute("device_add", driver=driver, id=id, netdev=netdev, mac=mac,
                             failover_pair_id=standby, bus=port, **props)
        except GuestError:
            self.free_ports.insert(0, port)
            raise
        self.slots[port] = id

    def device_del(self, id, timeout=30):
        """device_del and wait for DEVICE_DELETED; returns the seconds it took."""
        t0 = time.monotonic()
        self.qmp.execute("device_del", id=id)
        try:
            self.qmp.wait_event("DEVICE_DELETED", timeout, device=id)
        except GuestError as e:
            raise GuestError(self._explain("device_del %s: %s" % (id, e))) from None
        for port, dev in list(self.slots.items()):
            if dev == id:
                del self.slots[port]
                self.free_ports.append(port)
        return time.monotonic() - t0

    def set_link(self, id, up):
        self.qmp.execute("set_link", name=id, up=up)

    # --- live migration ----------------------------------------------------------------------

    def migrate(self, dest, timeout=MIGRATE_TIMEOUT_S, during=None):
        """Live-migrate this guest into dest (a Guest started with incoming=True) over a unix
        socket in the lab directory; wait until QEMU reports it completed and the destination
        runs. Afterwards this object drives the destination (its QEMU, QMP and command channel)
        and the source QEMU is gone. during(status, seconds since migrate) runs at each poll of
        the source's state ("setup", "wait-unplug" while a failover primary goes, "active"...)
        to watch the hosts meanwhile; the source's QMP events so far are in self.qmp.events. Returns QEMU's figures in ms: {"total_ms", "downtime_ms", "setup_ms",
        "ram_mb", "wall_s" (the test's view, migrate to destination running), "phases" (the
        statuses seen, each with the seconds since migrate when first seen)}."""
        if not dest.incoming or dest.qmp is None:
            raise GuestError(self._explain("migrate: %s is not an incoming guest" % dest.name))
        uri = "unix:" + self.lab.path("%s-to-%s.migrate" % (self.name, dest.name))
        t0 = time.monotonic()
        dest.qmp.execute("migrate-incoming", uri=uri)
        self.qmp.execute("migrate", uri=uri)
        end, phases = t0 + timeout, []
        while True:
            info = self.qmp.execute("query-migrate")
            status = info.get("status")
            if not phases or phases[-1][0] != status:
                phases.append((status, time.monotonic() - t0))
            if status == "completed":
                break
            if during is not None:
                during(status, time.monotonic() - t0)
            if status in ("failed", "cancelled") or time.monotonic() > end:
                raise GuestError(self._explain("migration to %s: %s after %.1f s: %s\n%s" % (
                    dest.name, status, time.monotonic() - t0, info, dest.report())))
            time.sleep(0.02)
        while dest.qmp.execute("query-status").get("status") != "running":
            if time.monotonic() > end:
                raise GuestError(dest._explain("not running %s s after the migration" % timeout))
            time.sleep(0.01)
        res = {"total_ms": info.get("total-time"), "downtime_ms": info.get("downtime"),
               "setup_ms": info.get("setup-time"),
               "ram_mb": info.get("ram", {}).get("transferred", 0) / 2**20,
               "wall_s": time.monotonic() - t0, "phases": phases,
               "events": [ev["event"] for ev in self.qmp.events]}
        vswlab.log("guest %s: migrated to %s in %s ms, downtime %s ms; phases %s; source "
                   "events %s" % (self.name, dest.name, res["total_ms"], res["downtime_ms"],
                                  phases, res["events"]))
        source = (self.proc, self.qmp, self.cmd)
        # The source paused itself at the end; what it still holds goes now, while the test
        # carries on with the destination under this object's name.
        try:
            self.qmp.execute("quit", timeout=2)
        except (GuestError, OSError):
            pass
        self.qmp.close()
        self.cmd.close()
        self.lab.stop(source[0])
        self.proc, self.qmp, self.cmd, self._buf = dest.proc, dest.qmp, dest.cmd, dest._buf
        self.console, self.qmp_path, self.cmd_path = dest.console, dest.qmp_path, dest.cmd_path
        self.nics, self.slots, self.free_ports = dest.nics, dest.slots, dest.free_ports
        self.migrated_from = getattr(self, "migrated_from", []) + [self.name]
        self.name = dest.name
        dest.incoming = False
        return res

    # --- shutdown ---------------------------------------------------------------------------

    def close(self):
        """Stop QEMU (QMP quit, then SIGTERM, SIGKILL) and close the sockets. Idempotent."""
        if self.proc.alive() and self.qmp is not None:
            try:
                self.qmp.execute("quit", timeout=2)
            except (GuestError, OSError):
                pass
        try:
            self.proc.proc.wait(2)
        except subprocess.TimeoutExpired:
            pass
        self.lab.stop(self.proc)
        for s in (self.qmp, self.cmd):
            if s is not None:
                s.close()
        self.qmp = self.cmd = None


# What the guest's kernel prints when it dies or hangs (its console shows emergencies only).
KERNEL_CRASH_RX = re.compile(r"Kernel panic|BUG: |Oops: |general protection fault|soft lockup")


def kernel_crash(g):
    """The console line where guest g's kernel said it crashed or locked up, else None."""
    try:
        with open(g.console, errors="replace") as f:
            for line in f:
                if KERNEL_CRASH_RX.search(line):
                    return line.strip()
    except OSError:
        pass
    return None


def add_tap(lab):
    """A persistent tap interface, up, IPv6 off, deleted with the lab: the backend of a
    guest's emulated NIC that vswd (or the test) also opens. Returns its name."""
    name = "vg%s%d" % (lab.tag, next(lab._n))
    if len(name) > 15:
        raise RuntimeError("interface name too long: " + name)
    vswlab.run(["ip", "tuntap", "add", "dev", name, "mode", "tap"])
    lab.links.append(name)
    vswlab.run(["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % name])
    vswlab.run(["ip", "link", "set", name, "up"])
    return name


class GuestCase(vswlab.LabCase):
    """A LabCase whose tests start Guests: skipped only when QEMU cannot run at all."""

    image_noted = False

    def setUp(self):
        require_qemu(self)
        super().setUp()
        t0 = time.monotonic()
        try:
            img = guest_image.get()
        except guest_image.ImageError as e:
            self.fail("guest image: %s" % e)
        if img.built_s and not GuestCase.image_noted:
            GuestCase.image_noted = True
            self.note("guest image built in %.1f s: %s" % (img.built_s, img.dir))
        elif time.monotonic() - t0 > 0.5:
            self.note("guest image resolved in %.1f s" % (time.monotonic() - t0))

