#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Who may drive vswd: the control socket is mode 0660 with the group of `vswd -g GROUP`, and
each peer is checked with SO_PEERCRED (and its supplementary groups): root or a member of the
group is served, anyone else is refused with an error reply and a logged reason.

The test makes its own unprivileged user and group (useradd/groupadd) and removes them
afterwards; vswctl runs as that user through runuser and setpriv (util-linux).
"""

import grp
import os
import pwd
import stat

import vswlab
from vswlab import LabCase, synthetic

MAC_A = "02:00:00:00:0a:01"


class AccessTest(LabCase):
    def make_user(self):
        tag = self.lab.tag
        self.group, self.user = "vswtg%s" % tag, "vswtu%s" % tag
        vswlab.run(["groupadd", self.group])
        self.addCleanup(vswlab.run, ["groupdel", self.group], check=False)
        # -N: the user's primary group is the default one, not the test group.
        vswlab.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", self.user])
        self.addCleanup(vswlab.run, ["userdel", self.user], check=False)
        self.gid = grp.getgrnam(self.group).gr_gid
        self.uid = pwd.getpwnam(self.user).pw_uid

    def start(self):
        lab = self.lab
        os.chmod(lab.dir, 0o711)  # the user must reach the socket; mkdtemp made it 0700
        topo = lab.write_topology([synthetic("vma", MAC_A, lab.path("vma.sock"))])
        self.vswd = lab.spawn("vswd", [vswlab.VSWD, "-c", topo, "-g", self.group], merge=True)
        self.vswd.wait_for(r"vswd: ready", vswlab.READY_TIMEOUT_S)

    def vswctl_as_user(self, *words, setpriv=None):
        argv = [vswlab.VSWCTL, "-s", self.lab.control_socket] + list(words)
        prefix = setpriv or ["runuser", "-u", self.user, "--"]
        return vswlab.run(prefix + argv, check=False)

    def test_socket_mode_and_group(self):
        self.make_user()
        self.start()
        st = os.stat(self.lab.control_socket)
        self.assertEqual((stat.S_IMODE(st.st_mode), st.st_gid, st.st_uid), (0o660, self.gid, 0))

    def test_non_member_refused_member_served(self):
        self.make_user()
        self.start()
        sock = self.lab.control_socket
        # The file mode is the first gate: connect() fails.
        p = self.vswctl_as_user("show", "port")
        self.assertEqual(p.returncode, 2, p.stdout)
        self.assertEqual(p.stdout, "vswctl: cannot reach vswd at %s: Permission denied\n" % sock)
        # With the mode opened behind vswd's back, the credential check still refuses.
        os.chmod(sock, 0o666)
        p = self.vswctl_as_user("show", "port")
        self.assertEqual(p.returncode, 1, p.stdout)
        why = r"pid \d+ uid %d is neither root nor in group %d" % (self.uid, self.gid)
        self.assertRegex(p.stdout, r"^error: permission denied: %s\n$" % why)
        self.vswd.wait_for(r"cli: control socket: connection refused: " + why, 5)
        os.chmod(sock, 0o660)
        # A supplementary member (as login, runuser and sudo set the groups up) is served.
        vswlab.run(["usermod", "-a", "-G", self.group, self.user])
        p = self.vswctl_as_user("show", "port")
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertRegex(p.stdout, r"^ID +NAME .*\n0 +vma +synthetic")
        # So is a process whose primary group it is, with no supplementary groups.
        p = self.vswctl_as_user("show", "port", setpriv=[
            "setpriv", "--reuid", str(self.uid), "--regid", str(self.gid), "--clear-groups"])
        self.assertEqual(p.returncode, 0, p.stdout)

    def test_unknown_group_refused_at_start(self):
        lab = self.lab
        topo = lab.write_topology([synthetic("vma", MAC_A, lab.path("vma.sock"))])
        p = vswlab.run([vswlab.VSWD, "-c", topo, "-g", "vswt-no-such-group"], check=False,
                       timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout)
        self.assertIn("vswd: control socket group vswt-no-such-group: no such group\n", p.stdout)
        self.assertFalse(os.path.exists(lab.control_socket))


if __name__ == "__main__":
    vswlab.main()
