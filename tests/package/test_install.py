#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""What `meson install` puts on a host, checked from a DESTDIR install of the build tree:
the file list, the systemd unit (systemd-analyze verify), the man pages (groff renders them
without a warning; vswctl(8) documents every command vswd's `help` lists), the bash
completion (it completes every command's words) and the libvirt examples (virt-xml-validate).

argv: BUILD_DIR. Needs root only for the `help` check (vswd takes a lock in /run/vsw).
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("VSW_BUILD", os.path.join(SRC, "build"))
PREFIX = "/usr/local"  # meson's default; the unit is configured with it
EXPECTED = [
    "etc/vsw/vsw.yaml",
    "sbin/vswd",
    "sbin/vswctl",
    "libexec/vsw/vsw-hugepages",
    "share/man/man8/vswd.8",
    "share/man/man8/vswctl.8",
    "share/man/man5/vsw.yaml.5",
    "share/bash-completion/completions/vswctl",
    "share/doc/vsw/examples/default.yaml",
    "share/doc/vsw/examples/libvirt/vm1-vhostuser-client.xml",
    "share/doc/vsw/examples/libvirt/vm2-vhostuser-server.xml",
]


def run(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=kw.pop("timeout", 60), **kw)


def help_commands():
    """The commands vswd's `help` lists, as words, <arg> placeholders kept."""
    tmp = tempfile.mkdtemp(prefix="vswt-help-")
    try:
        topo = os.path.join(tmp, "t.yaml")
        with open(topo, "w") as f:
            f.write('eal: { args: ["-l", "0,1", "--no-huge", "--no-shconf", "-m", "256", '
                    '"--no-pci", "--file-prefix", "vswt-help-%d"] }\n' % os.getpid() +
                    "workers: { lcores: [1] }\n"
                    "control: { socket: %s/c.sock }\n" % tmp +
                    "ports:\n  - { name: vm1, type: synthetic, mac: 02:00:00:00:00:01, "
                    "vhost: { path: %s/vm1.sock } }\n" % tmp)
        p = run([os.path.join(BUILD, "src", "vswd", "vswd"), "-c", topo, "-i"],
                input="help\nquit\n", timeout=60)
        # help prints "  <command words>: <what it does>", one command a line.
        cmds = [l.strip().split(": ", 1)[0] for l in p.stdout.splitlines()
                if l.startswith("  ") and ": " in l]
        if p.returncode != 0 or "help" not in cmds:
            raise AssertionError("vswd -i: exit %d, no help\n%s%s" % (
                p.returncode, p.stdout, p.stderr))
        return cmds
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="vswt-install-")
        cls.dest = os.path.join(cls.tmp, "dest")
        p = run(["meson", "install", "-C", BUILD, "--no-rebuild", "--quiet", "--destdir",
                 cls.dest], timeout=120)
        if p.returncode != 0:
            raise AssertionError("meson install: %s%s" % (p.stdout, p.stderr))
        cls.root = cls.dest + PREFIX
        units = [os.path.join(d, f) for d, _, fs in os.walk(cls.dest) for f in fs
                 if f == "vswd.service"]
        assert len(units) == 1, units
        cls.unit = units[0]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_file_list(self):
        for rel in EXPECTED:
            self.assertTrue(os.path.isfile(os.path.join(self.root, rel)), rel)
        for rel in ("sbin/vswd", "sbin/vswctl", "libexec/vsw/vsw-hugepages"):
            self.assertTrue(os.access(os.path.join(self.root, rel), os.X_OK), rel)

    def test_unit(self):
        with open(self.unit) as f:
            text = f.read()
        self.assertIn("Type=notify", text)
        self.assertIn("ExecStart=%s/sbin/vswd -c %s/etc/vsw/vsw.yaml\n" % (PREFIX, PREFIX), text)
        self.assertIn("RuntimeDirectory=vsw", text)
        self.assertIn("Restart=on-failure", text)
        self.assertNotIn("TODO(reload)", text)
        # A bad file fails `systemctl reload` before vswd hears of it; then SIGHUP reloads.
        self.assertIn("ExecReload=%s/sbin/vswd -c %s/etc/vsw/vsw.yaml --check\n"
                      "ExecReload=/bin/kill -HUP $MAINPID\n" % (PREFIX, PREFIX), text)
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze not installed (Debian package systemd)")
        # Verify a copy whose paths point into the DESTDIR, where the programs exist.
        unit = os.path.join(self.tmp, "vswd.service")
        with open(unit, "w") as f:
            f.write(text.replace(PREFIX + "/", self.root + "/"))
        env = dict(os.environ, MANPATH=os.path.join(self.root, "share", "man"))
        p = run(["systemd-analyze", "verify", unit], env=env)
        self.assertEqual((p.returncode, p.stdout + p.stderr), (0, ""))

    def test_man_pages_render_without_warnings(self):
        for page in ("man8/vswd.8", "man8/vswctl.8", "man5/vsw.yaml.5"):
            path = os.path.join(self.root, "share", "man", page)
            p = run(["groff", "-man", "-Tutf8", "-ww", "-z", path])
            self.assertEqual((p.returncode, p.stderr), (0, ""), page)
            if shutil.which("man"):
                p = run(["man", "--warnings", "-l", path],
                        env=dict(os.environ, MANWIDTH="100", MAN_KEEP_FORMATTING="0"))
                self.assertEqual((p.returncode, p.stderr), (0, ""), page)
                self.assertIn("SEE ALSO", re.sub(".\b", "", p.stdout))  # no overstrike

    def rendered(self, page):
        p = run(["groff", "-man", "-Tascii", "-P-cbou", "-rLL=200n",
                 os.path.join(self.root, "share", "man", page)])
        self.assertEqual(p.returncode, 0, p.stderr)
        return re.sub(r"\s+", " ", p.stdout)

    def test_vswctl_page_documents_every_command(self):
        if os.geteuid() != 0:
            self.skipTest("vswd needs root for its lock in /run/vsw")
        text = self.rendered("man8/vswctl.8")
        cmds = help_commands()
        self.assertGreaterEqual(len(cmds), 10, cmds)
        for cmd in cmds:
            self.assertIn(re.sub(r"[<>]", "", cmd), text, cmd)

    def test_completion_completes_every_command(self):
        if os.geteuid() != 0:
            self.skipTest("vswd needs root for its lock in /run/vsw")
        script = os.path.join(self.root, "share", "bash-completion", "completions", "vswctl")
        def typed(word):  # what a user types for a word: a value, or its first alternative
            alt = word.split("|")[0]
            return "x" if alt.startswith("<") else alt

        cmds = help_commands()
        self.assertEqual(len(cmds), len(set(cmds)), "help lines must differ: %r" % cmds)
        for cmd in cmds:
            words = cmd.split()
            for i, w in enumerate(words):
                # server|client: both are offered; all|<name>: "all" is, the name is typed.
                alts = [a for a in w.split("|") if not a.startswith("<")]
                if not alts:
                    continue
                prefix = " ".join(typed(p) for p in words[:i])
                line = ("source %s; COMP_WORDS=(vswctl %s ''); COMP_CWORD=%d; _vswctl; "
                        "printf '%%s\\n' \"${COMPREPLY[@]}\"" % (script, prefix, i + 1))
                p = run(["bash", "-c", line])
                for alt in alts:
                    self.assertIn(alt, p.stdout.split(), "%r: word %d %r after %r: %r" % (
                        cmd, i, alt, prefix, p.stdout + p.stderr))

    def test_libvirt_examples_validate(self):
        if shutil.which("virt-xml-validate") is None:
            self.skipTest("virt-xml-validate not installed (Debian package libvirt-clients)")
        d = os.path.join(self.root, "share", "doc", "vsw", "examples", "libvirt")
        for name in sorted(os.listdir(d)):
            path = os.path.join(d, name)
            p = run(["virt-xml-validate", path, "domain"])
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            with open(path) as f:
                text = f.read()
            self.assertIn("<interface type='vhostuser'>", text)
            self.assertIn("<access mode='shared'/>", text)
            # The schema must be able to refuse: a misspelt interface type fails.
            bad = os.path.join(self.tmp, name)
            with open(bad, "w") as f:
                f.write(text.replace("type='vhostuser'", "type='vhostusr'"))
            self.assertNotEqual(run(["virt-xml-validate", bad, "domain"]).returncode, 0)
        modes = set()
        for name in os.listdir(d):
            with open(os.path.join(d, name)) as f:
                modes |= set(re.findall(r"<source type='unix' path='[^']+' mode='(\w+)'",
                                        f.read()))
        self.assertEqual(modes, {"client", "server"})


if __name__ == "__main__":
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        BUILD = sys.argv.pop(1)
    unittest.main(verbosity=2)
