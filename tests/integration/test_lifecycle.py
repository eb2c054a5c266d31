#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""vswd's process lifecycle: clean exit on SIGTERM and SIGINT, taking over the stale sockets of
a killed vswd, and refusing to start on sockets that another vswd still serves.

A clean exit is status 0 within 10 s with VMs still connected, closes every port (its log shows
each one closed and deleted), and removes what vswd created (vhost server sockets, the control
socket, each in a directory vswd had to create) but not the sockets of VMs it was a client of.
A vswd killed with SIGKILL leaves its sockets behind; the next vswd on the same paths must
remove them, start and forward. A second vswd given a path the first one serves must fail with
a non-zero status and a message naming the path, and must leave the first one working: its
control socket answers and it still forwards, including for VMs that connect after the failed
start.
"""

import os
import signal
import socket
import subprocess
import time

import vswlab
from vswlab import LISTEN_MS, LabCase, synthetic

MAC_A = "02:00:00:00:0a:01"
MAC_B = "02:00:00:00:0b:01"
MAC_C = "02:00:00:00:0c:01"
EXIT_TIMEOUT_S = 10
N = 2000


class LifecycleTest(LabCase):
    def start_two_vms_switch(self):
        """vswd serving vma and vmb (server mode); returns the vswd process."""
        lab = self.lab
        self.sock_a, self.sock_b = lab.path("vma.sock"), lab.path("vmb.sock")
        topo = lab.write_topology([synthetic("vma", MAC_A, self.sock_a),
                                   synthetic("vmb", MAC_B, self.sock_b)])
        return lab.start_vswd(topo)

    def assert_forwards(self, n=N, stream=0):
        """New VMs on vma and vmb: B gets exactly the n frames A sends."""
        lab = self.lab
        b = lab.start_vm("b-%d" % stream, self.sock_b, MAC_B, expect=n)
        lab.wait_links(["vmb"])
        a = lab.start_vm("a-%d" % stream, self.sock_a, MAC_A, send=n, dst=MAC_B, stream=stream,
                         linger_ms=LISTEN_MS)
        rb = b.result()
        self.assertEqual(lab.finish(a)["sent"], n)
        self.assertEqual((rb["rx_test"], rb["rx_in_order"], rb["rx_from"]),
                         (n, n, {MAC_A: n}), rb)

    def exit_on(self, sig):
        lab = self.lab
        # vswd creates the missing directories of the sockets it listens on.
        sock_a, sock_c = lab.path("vhost/vma.sock"), lab.path("vmc.sock")
        topo = lab.write_topology([synthetic("vma", MAC_A, sock_a, "server"),
                                   synthetic("vmc", MAC_C, sock_c, "client")],
                                  control_socket=lab.path("run/vsw/vswd.sock"))
        # C owns its socket (vswd is its client), so it starts first and waits for vswd.
        c = lab.start_vm("c", sock_c, MAC_C, server=True, linger_ms=LISTEN_MS, wait=False)
        vswd = lab.start_vswd(topo)
        lab.wait_ready(c)
        lab.start_vm("a", sock_a, MAC_A, linger_ms=LISTEN_MS)
        lab.wait_links(["vma", "vmc"])
        for path in (sock_a, sock_c, lab.control_socket):
            self.assertTrue(os.path.exists(path), path)

        t0 = time.monotonic()
        os.kill(vswd.pid, sig)
        rc = vswd.wait(EXIT_TIMEOUT_S)
        took = time.monotonic() - t0
        self.assertEqual(rc, 0, vswd.describe())
        self.assertFalse(os.path.exists(sock_a), "vhost server socket left behind")
        self.assertFalse(os.path.exists(lab.control_socket), "control socket left behind")
        self.assertTrue(os.path.exists(sock_c), "vswd removed its vhost peer's socket")
        self.assertTrue(c.alive(), c.describe())
        out = vswd.output()
        for name in ("vma", "vmc"):
            for line in ("port: %s: closed" % name, "control: port %s: port_delete" % name):
                self.assertTrue(line in out, "port %s not closed on exit: no %r" % (name, line))
        self.note("%s: exit 0 in %.2f s" % (signal.Signals(sig).name, took))

    def test_sigterm(self):
        self.exit_on(signal.SIGTERM)

    def test_sigint(self):
        self.exit_on(signal.SIGINT)

    def test_start_on_stale_sockets(self):
        """Sockets nobody listens on any more are removed and taken over."""
        lab = self.lab
        first = self.start_two_vms_switch()
        first.proc.kill()  # SIGKILL: no cleanup, the sockets stay without a listener
        first.proc.wait()
        for path in (self.sock_a, self.sock_b, lab.control_socket):
            self.assertTrue(os.path.exists(path), path)
        lab.start_vswd(lab.path("topo.yaml"), name="vswd-2")
        self.assertEqual(set(lab.stats()), {"vma", "vmb"})
        self.assert_forwards()

    def second_vswd_fails(self, ports, control_socket, path):
        """Run a second vswd; it must exit non-zero and name path in its output."""
        lab = self.lab
        topo = lab.write_topology(ports, control_socket=control_socket, name="second.yaml")
        second = lab.start_vswd(topo, name="vswd-second", wait=False)
        rc = second.wait(vswlab.READY_TIMEOUT_S)
        out = second.output()
        self.assertNotEqual(rc, 0, second.describe())
        self.assertNotIn("vswd: ready", out)
        self.assertIn(path, out, "the error does not name %s" % path)
        self.note("second vswd: exit %d: %s" % (rc, [l for l in out.splitlines()
                                                     if path in l][:1]))

    def test_stuck_control_client_does_not_stall_vswd(self):
        """A control client that sends commands and never reads the replies is disconnected;
        meanwhile other clients are answered and the switch forwards."""
        lab = self.lab
        self.start_two_vms_switch()
        stuck = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        stuck.connect(lab.control_socket)
        stuck.sendall(b"help\n" * 100 + b"show fdb\n" * 200)  # and never read
        t0 = time.monotonic()
        for _ in range(5):
            self.assertIn("mbufs-in-use", lab.vswctl("show", "datapath"))
        self.assertLess(time.monotonic() - t0, 5, "other clients waited on the stuck one")
        self.assert_forwards()
        time.sleep(1.5)  # past the send timeout: the stuck client is gone
        self.assertTrue(self.closed_by_peer(stuck), "vswd kept a client that never reads")
        stuck.close()

    @staticmethod
    def closed_by_peer(sock):
        """Drain sock: True when the peer closed it (end of file or reset), False when it
        is still open after 2 s of silence."""
        sock.settimeout(2)
        try:
            while sock.recv(1 << 20):
                pass
            return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def test_interactive_commands_and_quit(self):
        """vswd -i reads commands from stdin; `quit` stops it cleanly (exit 0, sockets gone)."""
        lab = self.lab
        sock_a = lab.path("vma.sock")
        topo = lab.write_topology([synthetic("vma", MAC_A, sock_a)])
        p = subprocess.run([vswlab.VSWD, "-c", topo, "-i"], input="show port\nbogus\nquit\n",
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"(?m)^0\s+vma\s+synthetic\s")
        self.assertIn("error: unknown command: 'bogus'", p.stdout)
        self.assertIn("stopping vswd", p.stdout)
        self.assertFalse(os.path.exists(sock_a), "vhost server socket left behind")
        self.assertFalse(os.path.exists(lab.control_socket), "control socket left behind")

    def test_cmdline_file(self):
        """--cmdline-file runs its commands once the switch runs (answers on stdout, comments
        and blank lines skipped); the first that fails stops vswd with the file and line."""
        lab = self.lab
        topo = lab.write_topology([synthetic("vma", MAC_A, lab.path("vma.sock"))])
        good = lab.path("good.cmds")
        with open(good, "w") as f:
            f.write("# set up\n\nshow port\nclear port stats all\nquit\n")
        p = subprocess.run([vswlab.VSWD, "-c", topo, "--cmdline-file", good],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"(?m)^0\s+vma\s+synthetic\s")
        self.assertIn("stopping vswd", p.stdout)
        bad = lab.path("bad.cmds")
        with open(bad, "w") as f:
            f.write("show port\nport delete nosuch\nquit\n")
        p = subprocess.run([vswlab.VSWD, "-c", topo, "--cmdline-file", bad],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("error: port nosuch: no such port", p.stdout)
        self.assertIn("vswd: %s:2: command failed: port delete nosuch" % bad, p.stderr)
        self.assertFalse(os.path.exists(lab.control_socket), "control socket left behind")

    def test_second_vswd_same_vhost_socket(self):
        lab = self.lab
        first = self.start_two_vms_switch()
        # A VM sits on the contested socket while the second vswd tries to take it.
        held = lab.start_vm("held", self.sock_a, MAC_A, expect=N)
        lab.wait_links(["vma"])
        self.second_vswd_fails([synthetic("vmx", "02:00:00:00:0d:01", self.sock_a)],
                               lab.path("second.sock"), self.sock_a)
        self.assertTrue(first.alive(), first.describe())
        self.assertTrue(os.path.exists(self.sock_a))
        self.assertFalse(os.path.exists(lab.path("second.sock")), "failed vswd left its socket")
        # The VM that was there still gets its traffic...
        b = lab.start_vm("b", self.sock_b, MAC_B, send=N, dst=MAC_A, linger_ms=LISTEN_MS)
        rheld = held.result()
        self.assertEqual(lab.finish(b)["sent"], N)
        self.assertEqual((rheld["rx_test"], rheld["rx_in_order"], rheld["rx_from"]),
                         (N, N, {MAC_B: N}), rheld)
        # ...and new VMs on the same path still reach the first vswd.
        lab.wait_links(["vma", "vmb"], state="down")
        self.assert_forwards(stream=1)

    def test_second_vswd_same_control_socket(self):
        lab = self.lab
        first = self.start_two_vms_switch()
        other = lab.path("vmx.sock")
        self.second_vswd_fails([synthetic("vmx", "02:00:00:00:0d:01", other)],
                               lab.control_socket, lab.control_socket)
        self.assertTrue(first.alive(), first.describe())
        self.assertFalse(os.path.exists(other), "failed vswd left its vhost socket")
        self.assertEqual(set(lab.stats()), {"vma", "vmb"})  # the first still answers
        self.assert_forwards()


if __name__ == "__main__":
    vswlab.main()
