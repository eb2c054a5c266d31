#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send or count vsw test frames on one interface with an AF_PACKET raw socket.

Runs inside a test network namespace (``ip netns exec NS python3 nsraw.py ...``) and plays the
external host behind vswd's uplink. The frame format is vsw-vm's (tests/tools/vsw_vm.c): dst,
src, ethertype 0x88b5, then big endian magic u32 "vswv", stream id u32, sequence number u64,
zero padding up to --size bytes. Both commands print one JSON line shaped like vsw-vm's:

  send --iface IF --src MAC --dst MAC --count N [--pps R] [--size B] [--stream ID]
  send --iface IF --raw HEX --count N [--pps R]    (that exact frame: hostile-frame tests)
  recv --iface IF --count N --timeout S [--linger-ms MS]   (prints READY once bound)

recv counts only 0x88b5 frames the interface received (not ones it sent); rx_other counts
0x88b5 frames without the magic. Announcements of a VM that moved: rx_rarp counts RARP frames
by source MAC, rx_garp gratuitous ARPs (sender IP = target IP) by sender MAC. SIGTERM/SIGINT:
print the JSON line, exit 0. Stdlib only.
"""

import argparse
import json
import signal
import socket
import struct
import sys
import time

ETH_P_TEST = 0x88B5
ETH_P_ALL = 0x0003
ETH_P_8021Q = 0x8100
ETH_P_RARP = 0x8035
ETH_P_ARP = 0x0806
# ARP for IPv4 over Ethernet after the Ethernet header: htype, ptype, hlen, plen, op, sha, spa,
# tha, tpa
ARP_IPV4 = struct.Struct("!HHBBH6s4s6s4s")
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 0x10
# struct tpacket_auxdata: status, len, snaplen, mac, net, vlan_tci, vlan_tpid
AUXDATA = struct.Struct("=IIIHHHH")
MAGIC = 0x76737776
HDR = struct.Struct("!6s6sHIIQ")  # dst, src, ethertype, magic, stream, seq
SIZE_MIN = 60
PACKET_OUTGOING = 4  # linux/if_packet.h: a frame this host sent
RCVBUF_SIZE = 8 << 20  # holds a few seconds of test traffic if python falls behind
IDLE_S = 0.0001  # back-off when the kernel queue is full


class Stopped(Exception):
    pass


def on_signal(signum, frame):
    raise Stopped()


def mac_bytes(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise argparse.ArgumentTypeError("bad MAC %r" % text)
    return bytes(int(p, 16) for p in parts)


def mac_str(raw):
    return ":".join("%02x" % b for b in raw)


def rate(n, first, last):
    return round((n - 1) / (last - first)) if n >= 2 and last > first else 0


def report(res):
    print(json.dumps(res, separators=(",", ":")), flush=True)


def new_result():
    return {"sent": 0, "rx_test": 0, "rx_other": 0, "rx_in_order": 0, "rx_dup": 0,
            "rx_gap": 0, "rx_from": {}, "rx_vlan": {}, "rx_rarp": {}, "rx_garp": {},
            "rx_pps": 0, "tx_pps": 0}


def tagged(frame, vlan):
    """frame with an 802.1Q tag (priority 0, VLAN vlan) after its two MACs; None: as is."""
    if vlan is None:
        return frame
    return frame[:12] + struct.pack("!HH", ETH_P_8021Q, vlan) + frame[12:]


def untag(data, aux_tci):
    """(frame without its outer tag, "untagged" or the VLAN id as text). The kernel may have
    taken the tag out already (VLAN offload): then it is in the auxdata."""
    if aux_tci is not None:
        return data, str(aux_tci & 0xFFF)
    if len(data) >= 18 and struct.unpack_from("!H", data, 12)[0] == ETH_P_8021Q:
        return data[:12] + data[16:], str(struct.unpack_from("!H", data, 14)[0] & 0xFFF)
    return data, "untagged"


def aux_vlan(ancdata):
    """The VLAN TCI from PACKET_AUXDATA, or None when the frame had no offloaded tag."""
    for level, kind, blob in ancdata:
        if level == SOL_PACKET and kind == PACKET_AUXDATA and len(blob) >= AUXDATA.size:
            status, _, _, _, _, tci, _ = AUXDATA.unpack_from(blob)
            if status & TP_STATUS_VLAN_VALID:
                return tci
    return None


def cmd_send(args, res):
    # Protocol 0: this socket transmits only and never queues received frames.
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    sock.bind((args.iface, 0))
    pad = bytes(max(0, args.size - HDR.size))
    start = time.monotonic()
    first = last = start
    for seq in range(args.count):
        if args.pps:
            ahead = start + seq / args.pps - time.monotonic()
            if ahead > 0:
                time.sleep(ahead)
        frame = args.raw or tagged(
            HDR.pack(args.dst, args.src, ETH_P_TEST, MAGIC, args.stream, seq) + pad, args.vlan)
        while True:
            try:
                sock.send(frame)
                break
            except (BlockingIOError, InterruptedError):
                time.sleep(IDLE_S)
            except OSError as e:
                if e.errno != 105:  # ENOBUFS: the qdisc is full, wait and retry
                    raise
                time.sleep(IDLE_S)
        last = time.monotonic()
        if seq == 0:
            first = last
        res["sent"] += 1
    res["tx_pps"] = rate(res["sent"], first, last)


def count_frame(res, streams, data):
    if len(data) < HDR.size:
        res["rx_other"] += 1
        return
    _, src, _, magic, stream, seq = HDR.unpack_from(data)
    if magic != MAGIC:
        res["rx_other"] += 1
        return
    res["rx_test"] += 1
    src = mac_str(src)
    res["rx_from"][src] = res["rx_from"].get(src, 0) + 1
    want = streams.get(stream, 0)
    if seq < want:
        res["rx_dup"] += 1
        return
    if seq == want:
        res["rx_in_order"] += 1
    else:
        res["rx_gap"] += seq - want
    streams[stream] = seq + 1


def is_garp(data):
    """A gratuitous ARP: a request or reply about the sender's own IPv4 address, what a host
    broadcasts when it arrives somewhere (or its address or MAC changed)."""
    if len(data) < 14 + ARP_IPV4.size or struct.unpack_from("!H", data, 12)[0] != ETH_P_ARP:
        return False
    htype, ptype, hlen, plen, op, _, spa, _, tpa = ARP_IPV4.unpack_from(data, 14)
    return (htype, ptype, hlen, plen) == (1, 0x0800, 6, 4) and op in (1, 2) and spa == tpa


def cmd_recv(args, res):
    # Every protocol: a tagged test frame arrives as 0x8100 unless the kernel took its tag.
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    try:
        sock.setsockopt(socket.SOL_SOCKET, 33, RCVBUF_SIZE)  # SO_RCVBUFFORCE (root)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF_SIZE)
    sock.bind((args.iface, ETH_P_ALL))
    print("READY", flush=True)
    streams = {}
    first = last = 0.0
    end = time.monotonic() + args.timeout
    linger_end = None
    while True:
        now = time.monotonic()
        if linger_end is None and (res["rx_test"] >= args.count or now >= end):
            linger_end = now + args.linger_ms / 1000.0
        if linger_end is not None and now >= linger_end:
            break
        sock.settimeout(max(0.001, min(0.1, (linger_end or end) - now)))
        try:
            data, ancdata, _, addr = sock.recvmsg(65536, socket.CMSG_SPACE(AUXDATA.size))
        except socket.timeout:
            continue
        if addr[2] == PACKET_OUTGOING:
            continue
        data, vlan = untag(data, aux_vlan(ancdata))
        if len(data) >= 14 and struct.unpack_from("!H", data, 12)[0] == ETH_P_RARP:
            src = mac_str(data[6:12])
            res["rx_rarp"][src] = res["rx_rarp"].get(src, 0) + 1
            continue
        if is_garp(data):
            sha = mac_str(ARP_IPV4.unpack_from(data, 14)[5])
            res["rx_garp"][sha] = res["rx_garp"].get(sha, 0) + 1
            continue
        if len(data) < 14 or struct.unpack_from("!H", data, 12)[0] != ETH_P_TEST:
            continue
        res["rx_vlan"][vlan] = res["rx_vlan"].get(vlan, 0) + 1
        count_frame(res, streams, data)
        if res["rx_test"] == 1 and first == 0.0:
            first = time.monotonic()
        last = time.monotonic()
    res["rx_pps"] = rate(res["rx_test"], first, last)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--iface", required=True)
    s.add_argument("--src", type=mac_bytes)
    s.add_argument("--dst", type=mac_bytes)
    s.add_argument("--raw", type=bytes.fromhex, default=None, help="send this frame instead")
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--pps", type=float, default=0.0, help="0: as fast as the socket takes them")
    s.add_argument("--size", type=int, default=SIZE_MIN)
    s.add_argument("--stream", type=int, default=0)
    s.add_argument("--vlan", type=int, default=None, help="send with this 802.1Q VLAN id")
    r = sub.add_parser("recv")
    r.add_argument("--iface", required=True)
    r.add_argument("--count", type=int, required=True)
    r.add_argument("--timeout", type=float, required=True)
    r.add_argument("--linger-ms", type=int, default=200)
    args = ap.parse_args()
    if args.cmd == "send" and not SIZE_MIN <= args.size <= 1514:
        ap.error("--size must be 60..1514")
    if args.cmd == "send" and args.raw is None and (args.src is None or args.dst is None):
        ap.error("send needs --src and --dst, or --raw")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    res = new_result()
    try:
        (cmd_send if args.cmd == "send" else cmd_recv)(args, res)
    except Stopped:
        pass
    report(res)
    return 0


if __name__ == "__main__":
    sys.exit(main())
