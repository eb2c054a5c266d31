# SPDX-License-Identifier: BSD-3-Clause
"""P2V loop: vsw's uplink on a kernel interface, AF_XDP (`netdev:`) against af_packet
(`device: net_af_packet...`), with the frames going through the kernel's veth.

One testpmd (the generator), started inside a private netns, owns both ends of the loop:
port 0 is net_virtio_user on vsw's vhost-user socket (the VM: a unix socket is reached by its
path from any netns), port 1 is net_af_xdp on the netns end of a veth whose host end is
vsw's uplink (the external host: an af_xdp vdev needs its interface in the process's netns).
io forwarding keeps each frame's MACs, so there are two closed loops, one per direction:
VM -> vsw -> uplink -> veth -> generator -> VM again, and the reverse. The generator's af_xdp
end stays the same in both variants, so only vsw's uplink PMD changes.

Veth set-up as in TESTBED.md section 3: offloads off (GSO super-frames and partial checksums
do not survive either PMD), IPv6 off (no DAD/RS frames in the loop), native XDP on veth.
"""

import os
import subprocess

from . import procs


def _ip(*args, check=True):
    return subprocess.run(["ip"] + list(args), check=check, capture_output=True, text=True)


class Veth:
    """A netns and a veth pair: host end for vsw's uplink, netns end for the generator. The
    netns end carries MAC1, the address the VM's frames are sent to."""

    def __init__(self):
        tag = "%d%d" % (os.getpid() % 100000, next(procs._seq))
        self.ns, self.host, self.peer = "vbp2v" + tag, "vbp" + tag, "vbq" + tag
        _ip("netns", "add", self.ns)
        try:
            _ip("-n", self.ns, "link", "set", "lo", "up")
            _ip("link", "add", self.host, "type", "veth", "peer", "name", self.peer)
            _ip("link", "set", self.peer, "netns", self.ns)
            for pre, dev in (([], self.host), (["ip", "netns", "exec", self.ns], self.peer)):
                subprocess.run(pre + ["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev],
                               capture_output=True)
                subprocess.run(pre + ["ethtool", "-K", dev, "rx", "off", "tx", "off", "tso",
                                      "off", "gso", "off", "gro", "off"], capture_output=True)
            _ip("-n", self.ns, "link", "set", self.peer, "address", procs.MAC1)
            _ip("-n", self.ns, "link", "set", self.peer, "up")
            _ip("link", "set", self.host, "up")
        except (subprocess.CalledProcessError, OSError):
            self.close()
            raise

    def reset(self):
        """Detach whatever XDP program a previous trial's process left on either end: a
        left-over program would make vsw's `netdev:` uplink fall back to af_packet."""
        _ip("link", "set", "dev", self.host, "xdp", "off", check=False)
        _ip("-n", self.ns, "link", "set", "dev", self.peer, "xdp", "off", check=False)

    def close(self):
        # Deleting the host end deletes its peer; the netns goes after it.
        _ip("link", "del", self.host, check=False)
        _ip("netns", "del", self.ns, check=False)


class P2vGen(procs.TestpmdGen):
    """The generator: virtio_user (the VM) and af_xdp on the veth's netns end, io forwarding."""

    def __init__(self, d, size, veth, burst=32):
        veth.reset()
        procs.Testpmd.__init__(self, [
            "ip", "netns", "exec", veth.ns, "taskset", "-c", "0", procs.TESTPMD, "--lcores",
            "0@0,1@0", "--file-prefix", procs.prefix("p"), "--in-memory",
            "--single-file-segments", "--iova-mode=va", "-m", "512", "--no-pci",
            "--log-level", "*:error",
            "--vdev", "net_virtio_user0,path=%s/sock0,queues=1,mac=%s,server=1" % (d, procs.MAC0),
            "--vdev", "net_af_xdp0,iface=%s,start_queue=0,queue_count=1" % veth.peer,
            "--", "-i", "--forward-mode=io", "--nb-cores=1", "--rxq=1", "--txq=1",
            "--burst=%d" % burst, "--txpkts=%d" % size, "--eth-peer=0,%s" % procs.MAC1,
            "--eth-peer=1,%s" % procs.MAC0, "--total-num-mbufs=16384", "--record-core-cycles"])
        self.fwd_tid_hint = "lcore-worker"


# variant -> the uplink's mapping in vsw's topology, and the PMD it must end up on.
UPLINKS = {
    "vsw af_xdp (netdev:)": (lambda v: "netdev: %s" % v.host, "net_af_xdp"),
    "vsw af_packet (device:)": (lambda v: 'device: "net_af_packet0,iface=%s,qpairs=1"' % v.host,
                                "net_af_packet"),
}


class P2vVsw(procs.Vsw):
    """vsw with vm0 and the uplink; ready() also checks which PMD the uplink runs on, so
    that an AF_XDP variant silently fallen back to af_packet is never reported as AF_XDP."""

    def __init__(self, d, veth, variant):
        veth.reset()
        mapping, self.pmd = UPLINKS[variant]
        super().__init__(d, uplink=mapping(veth))
        self.endpoint = None

    def ready(self, timeout=30):
        if not super().ready(timeout):
            return False
        self.endpoint = self.uplink_endpoint()
        if not (self.endpoint or "").startswith(self.pmd):
            raise RuntimeError("uplink on %s, not %s" % (self.endpoint, self.pmd))
        return True
