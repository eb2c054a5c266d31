# SPDX-License-Identifier: BSD-3-Clause
"""Frame-level evidence of what a running vswd did, from Debian's dpdk-dumpcap
(docs/capture.md): which frames each port received and sent, read back from pcapng here.

dpdk-dumpcap is a DPDK secondary process: vswd must keep its shared EAL configuration
(no --in-memory) on hugepages, which share_config() arranges in a topology file.

    prefix = "vswt-%s-x" % lab.tag
    topo = dumpcap.share_config(lab, lab.write_topology(..., prefix=prefix), prefix)
    lab.start_vswd(topo)
    cap = dumpcap.Dumpcap(lab, prefix, "icmp")      # all ports; port="vm1": one
    ...
    for port, direction, frame in cap.stop(): ...
"""

import glob
import os
import re
import shutil
import signal
import struct

import vswlab

DUMPCAP = shutil.which("dpdk-dumpcap") or "/usr/bin/dpdk-dumpcap"
# pcapng (draft-ietf-opsawg-pcapng): block types and the EPB flags' direction bits.
SHB, IDB, EPB = 0x0A0D0D0A, 1, 6
OPT_IF_NAME, OPT_EPB_FLAGS = 2, 2
INBOUND, OUTBOUND = 1, 2  # into the switch (the port's rx) / out of it (its tx)
STOP_TIMEOUT_S = 30


def unavailable():
    """Why no capture can run here, or None."""
    if not os.access(DUMPCAP, os.X_OK):
        return "dpdk-dumpcap not installed (Debian package dpdk)"
    if vswlab.hugepages_free() < vswlab.HUGEPAGES_MIN:
        # Without hugepages vswd runs --no-huge --no-shconf: nothing to attach to.
        return "capture needs %d free 2 MiB hugepages" % vswlab.HUGEPAGES_MIN
    return None


def share_config(lab, topo, prefix):
    """Rewrite the topology file topo (written with this EAL file prefix) so that vswd keeps
    the shared configuration dumpcap attaches to; the files the EAL then leaves behind go
    once the lab's processes are stopped. Returns topo."""
    with open(topo) as f:
        text = f.read()
    if '"--in-memory"' not in text:
        raise AssertionError("%s: no --in-memory to replace (no hugepages?)" % topo)
    # dumpcap maps vswd's memory at the same addresses: put it where a secondary's own
    # mappings never are, including those of a vswd built with AddressSanitizer.
    with open(topo, "w") as f:
        f.write(text.replace(', "--in-memory"', ', "--base-virtaddr", "0x200000000000"'))
    lab.add_after_stop(lambda: remove_shared_files(prefix))
    return topo


def remove_shared_files(prefix):
    """Without --in-memory the EAL leaves its hugepage files and runtime directory."""
    for path in glob.glob("/dev/hugepages/%smap_*" % prefix):
        os.unlink(path)
    shutil.rmtree("/var/run/dpdk/" + prefix, ignore_errors=True)


def ethdevs(lab, sock=None):
    """{vswd port name: (ethdev id, ethdev name)}, from the DOT graph's port labels."""
    return {name: (int(eth_id), eth_name) for name, eth_id, eth_name in re.findall(
        r'"port:([^"]+)" \[label="[^"]*\\nethdev (\d+) ([^\\"]+)',
        lab.vswctl("show", "topology", "dot", sock=sock))}


class Dumpcap:
    """One dpdk-dumpcap on one of vswd's ports or on all of them (ports None), with a
    libpcap filter; running once the constructor returns. One tool at a time: each names
    its ring and pool after itself. Debian's dumpcap (22.11) keeps only the last of several
    -i options; "-i *" takes every port."""

    def __init__(self, lab, prefix, bpf, port=None, name="dumpcap", sock=None):
        self.lab, self.path = lab, lab.path(name + ".pcapng")
        devs = ethdevs(lab, sock)
        self.port_of = {eth_id: p for p, (eth_id, _) in devs.items()}
        argv = [DUMPCAP, "--file-prefix=" + prefix, "-f", bpf, "-w", self.path,
                "-i", devs[port][1] if port else "*"]
        self.proc = lab.spawn(name, argv, merge=True)
        lab.add_closer(self.close)
        # Printed once its callbacks are in vswd; the file has no blocks until then.
        self.proc.wait_for(r"Packets captured:", vswlab.READY_TIMEOUT_S)

    def stop(self):
        """SIGINT, and the frames: [(vswd port name, INBOUND or OUTBOUND, frame bytes)]."""
        self.lab.stop(self.proc, signal.SIGINT, STOP_TIMEOUT_S)
        if self.proc.proc.returncode != 0:
            raise AssertionError("dumpcap failed\n" + self.proc.describe())
        # A frame the capture itself dropped (its ring full, no mbuf) is not in the file: a
        # test reading the file as the truth must know.
        dropped = [int(d) for d in re.findall(r"received/dropped on interface '[^']*': \d+/(\d+)",
                                              self.proc.output())]
        if any(dropped):
            raise AssertionError("dumpcap dropped frames\n" + self.proc.describe())
        cap = parse_pcapng(self.path)
        # Interface Description Blocks come one per ethdev, in id order.
        return [(self.port_of.get(if_id, "ethdev %d" % if_id), d, f)
                for if_id, d, f in cap["packets"]]

    def close(self):
        if self.proc.alive():
            self.lab.stop(self.proc, signal.SIGINT, STOP_TIMEOUT_S)


def parse_pcapng(path):
    """{"interfaces": [name...], "packets": [(if_id, direction, frame bytes)...]}."""
    with open(path, "rb") as f:
        data = f.read()
    off, endian, interfaces, packets = 0, "<", [], []
    while off + 12 <= len(data):
        btype = struct.unpack_from("<I", data, off)[0]
        if btype == SHB:
            magic = struct.unpack_from("<I", data, off + 8)[0]
            endian = "<" if magic == 0x1A2B3C4D else ">"
        blen = struct.unpack_from(endian + "I", data, off + 4)[0]
        if blen < 12 or off + blen > len(data):
            raise AssertionError("%s: bad block length %d at %d" % (path, blen, off))
        body = data[off + 8:off + blen - 4]
        if btype == IDB:
            opts = parse_options(body[8:], endian)
            interfaces.append(opts.get(OPT_IF_NAME, b"").rstrip(b"\0").decode())
        elif btype == EPB:
            if_id, _, _, caplen, _ = struct.unpack_from(endian + "IIIII", body, 0)
            frame = body[20:20 + caplen]
            opts = parse_options(body[20 + (caplen + 3) // 4 * 4:], endian)
            flags = struct.unpack(endian + "I", opts[OPT_EPB_FLAGS])[0] \
                if OPT_EPB_FLAGS in opts else 0
            packets.append((if_id, flags & 3, frame))
        off += blen
    return {"interfaces": interfaces, "packets": packets}


def parse_options(buf, endian):
    opts, off = {}, 0
    while off + 4 <= len(buf):
        code, length = struct.unpack_from(endian + "HH", buf, off)
        if code == 0:
            break
        opts[code] = buf[off + 4:off + 4 + length]
        off += 4 + (length + 3) // 4 * 4
    return opts


def icmp_echo(frame):
    """(ICMP type, id, seq) of an untagged IPv4 ICMP echo request (8) or reply (0), else
    None."""
    if len(frame) < 14 + 20 + 8 or frame[12:14] != b"\x08\x00" or frame[23] != 1:
        return None
    icmp = 14 + (frame[14] & 0x0F) * 4
    if len(frame) < icmp + 8 or frame[icmp] not in (0, 8):
        return None
    return frame[icmp], struct.unpack_from("!H", frame, icmp + 4)[0], \
        struct.unpack_from("!H", frame, icmp + 6)[0]
