# SPDX-License-Identifier: BSD-3-Clause
"""The guest image of the QEMU test VMs: a Debian cloud kernel and a busybox initramfs, built
once and cached. Used by guest.py; nothing is installed on the host.

The kernel and busybox .debs are fetched with `apt-get download` and unpacked with
`dpkg-deb -x` (TESTBED section 4.2). The initramfs holds busybox, the network modules the
tests need with their dependencies in load order (read from each module's .modinfo; the guest
loads them with busybox insmod) and GUEST_INIT as /init.

Cache: $VSW_GUEST_CACHE, else /var/cache/vsw-test. An image lives in a directory named after
the kernel package and a hash of everything that shapes it (package versions, module list,
/init), so a new Debian kernel, a busybox update or an edit of GUEST_INIT builds a new one
and a fresh checkout builds its own. Builds are serialized by a lock file and published by
one rename, so concurrent test runs never see half an image. The .debs stay in debs/ for
the next build; old image directories are never deleted here (each is ~16 MB).
"""

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

KERNEL_META = "linux-image-cloud-amd64"  # points to the current linux-image-<abi>-cloud-amd64
BUSYBOX = "busybox-static"
# The closure of these, in load order, goes into the initramfs (the cloud kernel has no
# e1000/e1000e: vmxnet3 is the emulated PCI NIC a net_failover primary can be).
MODULES = ["virtio_pci", "virtio_net", "failover", "net_failover", "bonding", "vmxnet3"]
# Module parameters: bonding makes no bond0 by itself (tests create bonds through sysfs).
MODULE_PARAMS = {"bonding": "max_bonds=0"}
FORMAT = 1  # bump when the layout of an image directory changes

# The guest's /init. The console (ttyS0) gets the boot log; ttyS1 is the command channel:
# each request is one line "<id> <base64 of a sh script>"; the reply is "VSWG-BEGIN <id>",
# the script's output (stdout and stderr) in base64 lines, "VSWG-END <id> <exit status>".
# The script's output goes to a file, not a pipe, so a script may leave a background job
# behind (its own output redirected) and the loop still answers. One request at a time.
GUEST_INIT = r"""#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
# Emergencies only: at 0 even a panic or an oops would leave the console empty.
echo 1 > /proc/sys/kernel/printk
while read -r m args; do
	insmod /lib/modules/$m $args || echo "VSWG-ERROR insmod $m"
done </lib/modules/load.order
ip link set lo up
echo "VSWG-INIT uptime $(cut -d' ' -f1 /proc/uptime)"
# fd 3 keeps ttyS1 open for good: the last close of a tty drops its unread input.
exec 3<>/dev/ttyS1
stty -F /dev/ttyS1 raw -echo || echo "VSWG-ERROR stty ttyS1"
echo "VSWG-READY uptime $(cut -d' ' -f1 /proc/uptime)"
{
	echo VSWG-READY
	while read -r id script; do
		echo "$script" | base64 -d > /tmp/cmd.sh
		sh /tmp/cmd.sh </dev/null >/tmp/cmd.out 2>&1
		rc=$?
		echo "VSWG-BEGIN $id"
		base64 /tmp/cmd.out
		echo "VSWG-END $id $rc"
	done
} <&3 >&3 2>&1
# Only a failed read of ttyS1 gets here; the console says so before QEMU exits.
echo "VSWG-EXIT command channel read failed; powering off"
poweroff -f
"""


class ImageError(RuntimeError):
    pass


def _run(argv, cwd=None, timeout=300):
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=timeout)
    if p.returncode != 0:
        raise ImageError("%s: exit %d\n%s" % (" ".join(argv), p.returncode, p.stdout))
    return p.stdout


def _versions(pkgs):
    """{package: version apt would install} for those apt knows."""
    out = subprocess.run(["apt-cache", "show", "--no-all-versions"] + pkgs,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    return dict(re.findall(r"^Package: (\S+)\n(?:.+\n)*?Version: (\S+)$", out, re.M))


def _apt_stamp():
    """Changes when apt's package lists do (apt-get update replaces the files)."""
    try:
        st = os.stat("/var/lib/apt/lists")
        return [st.st_mtime_ns, len(os.listdir("/var/lib/apt/lists"))]
    except OSError:
        return None


def _resolve(root):
    """(kernel package, its version, busybox version). apt-cache takes a second or two on a
    busy host, so the answer is remembered in <root>/resolved.json until the package lists
    change. Runs `apt-get update` once when the lists are missing (a fresh container)."""
    memo = os.path.join(root, "resolved.json")
    try:
        with open(memo) as f:
            saved = json.load(f)
        if saved["stamp"] == _apt_stamp() and saved["stamp"] is not None:
            return tuple(saved["resolved"])
    except (OSError, ValueError, KeyError):
        pass
    for attempt in range(2):
        out = subprocess.run(["apt-cache", "depends", KERNEL_META], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        m = re.search(r"Depends: (linux-image-\S+-cloud-amd64)$", out, re.M)
        kpkg = m.group(1) if m else None
        versions = _versions([kpkg, BUSYBOX] if kpkg else [BUSYBOX])
        if kpkg in versions and BUSYBOX in versions:
            resolved = (kpkg, versions[kpkg], versions[BUSYBOX])
            with open(memo + ".tmp", "w") as f:
                json.dump({"stamp": _apt_stamp(), "resolved": resolved}, f)
            os.rename(memo + ".tmp", memo)
            return resolved
        if attempt == 0 and os.geteuid() == 0:
            _run(["apt-get", "update", "-q"], timeout=600)
    raise ImageError("apt knows no %s/%s: the guest kernel and busybox come from the Debian "
                     "archive (apt-get download)" % (KERNEL_META, BUSYBOX))


def _download(debs, pkg, version):
    """The .deb of pkg=version in debs/, fetched when missing."""
    quoted = version.replace(":", "%3a")
    path = os.path.join(debs, "%s_%s_amd64.deb" % (pkg, quoted))
    if not os.path.exists(path):
        _run(["apt-get", "download", "-q", "%s=%s" % (pkg, version)], cwd=debs, timeout=600)
    if not os.path.exists(path):
        raise ImageError("apt-get download %s=%s left no %s" % (pkg, version, path))
    return path


def _load_order(kroot, abi):
    """Module files (paths relative to kroot) in the order insmod must load them: each
    module's "depends=" in its .modinfo, depth first (what modprobe --show-depends prints,
    without needing kmod or a depmod run on the host)."""
    tree = os.path.join("lib", "modules", abi, "kernel")
    paths = {}
    for dirpath, _, files in os.walk(os.path.join(kroot, tree)):
        for f in files:
            if f.endswith(".ko"):
                paths[f[:-3].replace("-", "_")] = os.path.relpath(os.path.join(dirpath, f), kroot)
    order = []

    def visit(name, chain):
        if name in chain:
            raise ImageError("module dependency loop: %s" % " -> ".join(chain + [name]))
        if name not in paths:
            raise ImageError("%s: no module %s.ko (built in, compressed or renamed?)" % (
                tree, name))
        if paths[name] in order:
            return
        with open(os.path.join(kroot, paths[name]), "rb") as f:
            m = re.search(rb"\0depends=([A-Za-z0-9_,-]*)\0", f.read())
        for dep in (m.group(1).decode().split(",") if m and m.group(1) else []):
            visit(dep.replace("-", "_"), chain + [name])
        order.append(paths[name])

    for mod in MODULES:
        visit(mod, [])
    return order


def _build(out, kpkg, kver, bbver, debs):
    work = tempfile.mkdtemp(prefix="build-", dir=os.path.dirname(out))
    try:
        kroot, bb, root = (os.path.join(work, d) for d in ("kroot", "bb", "root"))
        _run(["dpkg-deb", "-x", _download(debs, kpkg, kver), kroot])
        _run(["dpkg-deb", "-x", _download(debs, BUSYBOX, bbver), bb])
        abi = os.listdir(os.path.join(kroot, "lib", "modules"))
        if len(abi) != 1:
            raise ImageError("%s: expected one module tree, found %s" % (kpkg, abi))
        abi = abi[0]
        order = _load_order(kroot, abi)
        for d in ("bin", "dev", "proc", "sys", "tmp", "etc", "lib/modules"):
            os.makedirs(os.path.join(root, d))
        shutil.copy(os.path.join(bb, "bin", "busybox"), os.path.join(root, "bin"))
        os.symlink("busybox", os.path.join(root, "bin", "sh"))
        names = []
        for path in order:
            name = os.path.basename(path)
            shutil.copy(os.path.join(kroot, path), os.path.join(root, "lib/modules"))
            names.append(name)
        with open(os.path.join(root, "lib/modules/load.order"), "w") as f:
            f.writelines("%s %s\n" % (n, MODULE_PARAMS.get(n[:-3], "")) for n in names)
        with open(os.path.join(root, "init"), "w") as f:
            f.write(GUEST_INIT)
        os.chmod(os.path.join(root, "init"), 0o755)
        os.makedirs(out)
        shutil.copy(os.path.join(kroot, "boot", "vmlinuz-" + abi), os.path.join(out, "vmlinuz"))
        with open(os.path.join(out, "initramfs.gz"), "wb") as f:
            find = subprocess.Popen(["find", "."], cwd=root, stdout=subprocess.PIPE)
            cpio = subprocess.Popen(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root,
                                    stdin=find.stdout, stdout=subprocess.PIPE)
            gz = subprocess.Popen(["gzip", "-1"], stdin=cpio.stdout, stdout=f)
            find.stdout.close()
            cpio.stdout.close()
            if (gz.wait(), cpio.wait(), find.wait()) != (0, 0, 0):
                raise ImageError("find | cpio | gzip failed for " + root)
        return abi, names
    finally:
        shutil.rmtree(work, ignore_errors=True)


class Image:
    def __init__(self, path, manifest, built_s):
        self.dir = path
        self.kernel = os.path.join(path, "vmlinuz")
        self.initrd = os.path.join(path, "initramfs.gz")
        self.manifest = manifest
        self.built_s = built_s  # seconds this process spent building it; 0.0 when cached


_image = None


def get():
    """The guest Image, built on first use; raises ImageError with the reason."""
    global _image
    if _image is not None:
        return _image
    t0 = time.monotonic()
    root = os.environ.get("VSW_GUEST_CACHE", "/var/cache/vsw-test")
    os.makedirs(os.path.join(root, "debs"), exist_ok=True)
    kpkg, kver, bbver = _resolve(root)
    key = hashlib.sha256(json.dumps([FORMAT, kpkg, kver, bbver, MODULES, MODULE_PARAMS, GUEST_INIT])
                         .encode()).hexdigest()[:12]
    path = os.path.join(root, "guest-%s-%s" % (kpkg.replace("linux-image-", ""), key))
    manifest_path = os.path.join(path, "manifest.json")
    built = 0.0
    with open(os.path.join(root, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(manifest_path):
            tmp = path + ".tmp%d" % os.getpid()
            shutil.rmtree(tmp, ignore_errors=True)
            abi, names = _build(tmp, kpkg, kver, bbver, os.path.join(root, "debs"))
            built = time.monotonic() - t0
            with open(os.path.join(tmp, "manifest.json"), "w") as f:
                json.dump({"kernel_package": kpkg, "kernel_version": kver, "abi": abi,
                           "busybox_version": bbver, "modules": names,
                           "build_s": round(built, 2)}, f, indent=1)
            os.rename(tmp, path)
    with open(manifest_path) as f:
        _image = Image(path, json.load(f), built)
    return _image
