#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write the hand-made seeds of the harnesses into corpus/<harness>/ (run once; the files are
committed). Each seed is a valid start the fuzzer mutates from: frames the switch must handle,
a NIC switch program, control-socket sessions. Input formats: see each fuzz_<harness>.c."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
VM10 = bytes.fromhex("525400000010")
VM0 = bytes.fromhex("525400000001")
VF0 = bytes.fromhex("52540000f000")
VF1 = bytes.fromhex("52540000f100")
FAR = bytes.fromhex("0200000000ee")
BCAST = b"\xff" * 6


def tag(vid, tpid=0x8100):
    return struct.pack("!HH", tpid, vid)


def frame(dst, src, tags=b"", ethertype=0x88B5, size=60):
    f = dst + src + tags + struct.pack("!H", ethertype)
    return f + bytes(max(0, size - len(f)))


def rec(data, ctl=0, tci=0):
    return struct.pack("!BHH", ctl, tci, len(data)) + data


UPLINK, PVM10, PVM0, PVF0, PVF1, TRUNK_ALL = range(6)
frames = {
    "vm_unicast": (PVM0, [rec(frame(FAR, VM0))]),
    "vm_broadcast": (PVM10, [rec(frame(BCAST, VM10))]),
    "wire_tagged_to_vm": (UPLINK, [rec(frame(VM10, FAR, tag(10)))]),
    "wire_to_vf": (UPLINK, [rec(frame(VF0, FAR)), rec(frame(VF1, FAR, tag(10)))]),
    "wire_qinq": (UPLINK, [rec(frame(VM10, FAR, tag(10) + tag(20))),
                           rec(frame(VM10, FAR, tag(10, 0x88A8) + tag(20)))]),
    "runts": (PVM0, [rec(b""), rec(VM0[:5]), rec(frame(FAR, VM0, size=13)),
                     rec(FAR + VM0 + b"\x81\x00\x00")]),
    "truncated_tag": (UPLINK, [rec(FAR + VM0 + b"\x81\x00\x00\x0a"),
                               rec(FAR + VM0 + b"\x81\x00\x00\x0a\x08")]),
    "stripped_tag": (UPLINK, [rec(frame(VM10, FAR), ctl=0x08, tci=10)]),
    "multiseg": (TRUNK_ALL, [rec(frame(BCAST, FAR, tag(10), size=3000), ctl=0x03),
                             rec(frame(VM0, FAR, size=1514), ctl=0x05)]),
    "no_headroom": (PVM10, [rec(frame(BCAST, VM10), ctl=0x10)]),
    "vf_to_vf": (PVF0, [rec(frame(VF1, VF0, tag(10))), rec(frame(BCAST, VF0))]),
    "bad_sources": (UPLINK, [rec(frame(VM0, bytes(6))), rec(frame(VM0, BCAST)),
                             rec(frame(VM0, VM10)), rec(frame(VM0, b"\x01\x00\x5e\x00\x00\x01"))]),
    "oversize": (PVM0, [rec(frame(FAR, VM0, size=9000))]),
}


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


for name, (port, recs) in frames.items():
    write("frame", name, bytes([port, 1]) + b"".join(recs))
    write("frame", name + "_wire_down", bytes([port, 0]) + b"".join(recs))


def ip4(proto, l4, frag=0):
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, frag, 64, proto, 0,
                       bytes(4), b"\xff" * 4) + l4


def ip6(next_hdr, l4):
    return struct.pack("!IHBB16s16s", 6 << 28, len(l4), next_hdr, 255, bytes(16), bytes(16)) + l4


DHCP_OFFER = ip4(17, struct.pack("!HHHH", 67, 68, 8, 0))
RA = ip6(58, bytes([134, 0, 0, 0]))
RA_HBH = ip6(0, bytes([58, 0]) + bytes(6) + bytes([134, 0, 0, 0]))
RA_FRAG = ip6(44, bytes([58, 0, 0, 0]) + bytes(4) + bytes([134, 0, 0, 0]))
REDIRECT4 = ip4(1, bytes([5, 1, 0, 0]))
ALL_NODES = bytes.fromhex("333300000001")
# The guards of the ingress port on (flag bit 1): whole, cut and chained headers.
guards = {
    "guard_dhcp": (PVM0, [rec(frame(BCAST, VM0, ethertype=0x0800)[:14] + DHCP_OFFER)]),
    "guard_router": (PVM10, [rec(frame(ALL_NODES, VM10, ethertype=0x86DD)[:14] + x)
                             for x in (RA, RA_HBH, RA_FRAG)] +
                     [rec(frame(BCAST, VM10, ethertype=0x0800)[:14] + REDIRECT4)]),
    "guard_cut": (PVM0, [rec(frame(BCAST, VM0, ethertype=0x0800)[:14] + DHCP_OFFER[:24]),
                         rec(frame(ALL_NODES, VM0, ethertype=0x86DD)[:14] + RA_HBH[:41])]),
    "guard_qinq": (TRUNK_ALL, [rec(frame(BCAST, FAR, tag(10) + tag(20), ethertype=0x0800)[:22]
                                   + DHCP_OFFER)]),
    "guard_storm": (PVM0, [rec(frame(BCAST, VM0))] * 40),
}
for name, (port, recs) in guards.items():
    write("frame", name, bytes([port, 3]) + b"".join(recs))

# num_vfs 4, 16 queue pairs, 2 for the default VPort, asymmetric; then two VF VPorts with
# filters, a PF VPort made operational, lookups, a filter cleared, a VPort deleted.
nicsw = bytes([4, 0, 16, 2, 1, 0])
nicsw += bytes([0, 0, 1, 0, 1, 0, 0, 0])          # CREATE_VPORT vf0 -> id 1
nicsw += bytes([0, 0, 1, 1, 2, 0, 0, 0])          # CREATE_VPORT vf1 -> id 2
nicsw += bytes([0, 0, 0, 0, 1, 0, 0, 0])          # CREATE_VPORT pf -> id 3
nicsw += bytes([3, 1, 0x01, 0, 0])                # SET_FILTER vport 1, mac :01, vlan 0
nicsw += bytes([3, 2, 0x02, 0, 10])               # SET_FILTER vport 2, mac :02, vlan 10
nicsw += bytes([3, 3, 0x03, 0, 20])               # SET_FILTER vport 3 (not operational)
nicsw += bytes([1, 3, 0x01, 1, 0, 0, 0, 0, 0, 0])  # VPORT_PARAMETERS vport 3 operational
nicsw += bytes([5, 0, 0x01, 1, 0x20, 0x00])       # lookup :01 priority-tagged
nicsw += bytes([5, 0, 0x02, 1, 0xe0, 0x0a])       # lookup :02 vlan 10, PCP 7
nicsw += bytes([4, 1, 1])                         # CLEAR_FILTER vport 1, filter 1
nicsw += bytes([2, 2])                            # DELETE_VPORT 2
nicsw += bytes([5, 0, 0x42, 0, 0, 0])             # lookup a multicast
write("nicsw", "program", nicsw)
write("nicsw", "symmetric", bytes([2, 0, 8, 2, 0, 3]) + bytes([0, 0, 1, 0, 3, 0, 0, 0]))

cli = {
    "show": b"show port\nshow port stats\nshow port stats vm1\nshow port info uplink\n"
            b"show fdb\nshow datapath\nhelp\n",
    "nicsw": b"show nic-switch\nshow vport nic0\nshow filter nic0 0\n",
    "errors": b"show port stats nosuch\nfoo bar\nshow\n\n# comment\nshow port info\r\n",
    "delete": b"port delete vm1\nshow port\nport delete vm1\n",
    "no_newline": b"show port",
    "long_line": b"show port stats " + b"x" * 1100 + b"\nshow port\n",
    "nul": b"show\x00port\nshow port\x00\n",
}
for name, data in cli.items():
    write("cli", name, data)

write("topo", "minimal.yaml", b'eal: { args: ["-l", "0,1"] }\nworkers: { lcores: [1] }\n'
      b'ports:\n  - { name: up, type: external, device: net_null0 }\n')
