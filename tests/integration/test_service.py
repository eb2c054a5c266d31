#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vswd under a service manager, without one running: the test plays systemd.

Readiness (sd_notify): with $NOTIFY_SOCKET set, vswd sends "READY=1" to that datagram socket
once its ports exist and its control socket answers, and "STOPPING=1" when SIGTERM arrives;
the address may be a path or an abstract name ("@name").
Reload as the unit does it (ExecReload: `vswd --check`, then SIGHUP): "RELOADING=1", the file
applied, "READY=1"; a file that fails the check is never signalled and changes nothing.
Journal logging: when $JOURNAL_STREAM names vswd's stderr (device:inode), every DPDK log line
starts with its syslog priority "<N>" and "[log type]"; otherwise lines are unchanged.
"""

import contextlib
import os
import re
import signal
import socket

import vswlab
from vswlab import LabCase, synthetic

MAC_VM1 = "02:00:00:00:5e:01"
NOTIFY_TIMEOUT_S = 30
# "<prio>[type] message": DPDK levels EMERG..DEBUG (1..8) are syslog priorities 0..7.
JOURNAL_LINE = re.compile(r"^<[0-7]>\[[A-Za-z0-9_.]+\] ")


@contextlib.contextmanager
def environ(**values):
    """vswlab starts processes with the test's environment: set it around a start."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update({k: v for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class ServiceTest(LabCase):
    def notify_socket(self, address):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(s.close)
        s.bind(address)
        s.settimeout(NOTIFY_TIMEOUT_S)
        return s

    def topology(self, *more):
        """vm1 and the ports in more; the same EAL prefix each time (a reload keeps it)."""
        return self.lab.write_topology(
            [synthetic("vm1", MAC_VM1, self.lab.path("vm1.sock"))] + list(more),
            prefix="vswt-%s-svc" % self.lab.tag)

    def test_ready_then_stopping_on_a_path(self):
        lab = self.lab
        sock = self.notify_socket(lab.path("notify.sock"))
        topo = self.topology()
        with environ(NOTIFY_SOCKET=lab.path("notify.sock")):
            vswd = lab.start_vswd(topo, wait=False)
        msg = sock.recv(4096).decode()
        self.assertEqual(msg, "READY=1")
        # Ready means usable: the control socket answers with every port, at once.
        self.assertIn("vm1", lab.stats())
        os.kill(vswd.pid, signal.SIGTERM)
        self.assertEqual(sock.recv(4096).decode(), "STOPPING=1")
        self.assertEqual(vswd.wait(vswlab.STOP_GRACE_S * 2), 0, vswd.describe())

    def test_reload_as_the_unit_does(self):
        """vswd started as vswd.service starts it (`vswd -c FILE`), reloaded as its ExecReload
        does: `vswd --check -c FILE` must pass, then SIGHUP."""
        lab = self.lab
        sock = self.notify_socket(lab.path("notify.sock"))
        topo = self.topology()
        with environ(NOTIFY_SOCKET=lab.path("notify.sock")):
            vswd = lab.start_vswd(topo, wait=False)
        self.assertEqual(sock.recv(4096).decode(), "READY=1")
        self.assertNotIn("vm2", lab.stats())
        self.topology(synthetic("vm2", "02:00:00:00:5e:02", lab.path("vm2.sock")))
        check = vswlab.run([vswlab.VSWD, "--check", "-c", topo], check=False)
        self.assertEqual(check.returncode, 0, check.stdout)
        os.kill(vswd.pid, signal.SIGHUP)
        self.assertEqual(sock.recv(4096).decode(), "RELOADING=1")
        self.assertEqual(sock.recv(4096).decode(), "READY=1")
        self.assertIn("vm2", lab.stats())
        # A broken file fails the check; ExecReload stops there and vswd keeps its ports.
        with open(topo, "a") as f:
            f.write("bogus_key: 1\n")
        check = vswlab.run([vswlab.VSWD, "--check", "-c", topo], check=False)
        self.assertEqual(check.returncode, 1, check.stdout)
        self.assertIn("unknown key 'bogus_key'", check.stdout)
        self.assertIn("vm2", lab.stats())
        lab.stop(vswd)

    def test_abstract_socket_and_journal_lines(self):
        lab = self.lab
        name = "vswt-notify-%s" % lab.tag
        sock = self.notify_socket("\0" + name)
        topo = self.topology()
        out = lab.path("vswd.out")  # vswlab reopens it for vswd's stdout and stderr
        open(out, "w").close()
        st = os.stat(out)
        with environ(NOTIFY_SOCKET="@" + name, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino)):
            vswd = lab.start_vswd(topo, wait=False)
        self.assertEqual(sock.recv(4096).decode(), "READY=1")
        self.assertEqual(os.stat(out).st_ino, st.st_ino, "vswd's stderr is not the file")
        lab.stop(vswd)
        lines = [l for l in vswd.output().splitlines() if l.strip()]
        bad = [l for l in lines if not JOURNAL_LINE.match(l)]
        self.assertEqual(bad, [], "lines without priority and log type")
        text = "\n".join(lines)
        # NOTICE is DPDK level 6, syslog priority 5; the EAL's INFO lines are priority 6.
        self.assertRegex(text, r"(?m)^<5>\[vsw\.vswd\] vswd: ready: 1 ports")
        self.assertRegex(text, r"(?m)^<6>\[lib\.eal\] EAL: ")

    def test_plain_lines_without_journal(self):
        """A $JOURNAL_STREAM naming another file (a child of a journaled shell) is ignored."""
        lab = self.lab
        with environ(JOURNAL_STREAM="1:1", NOTIFY_SOCKET=None):
            vswd = lab.start_vswd(self.topology())
        lab.stop(vswd)
        text = vswd.output()
        self.assertRegex(text, r"(?m)^vswd: ready: 1 ports")
        self.assertNotRegex(text, r"(?m)^<[0-7]>")


if __name__ == "__main__":
    vswlab.main()
