#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Draw a topology file as the running vswd sees it: start vswd on a private copy of the file,
# ask `vswctl show topology dot`, stop it, render with Graphviz (Debian package graphviz).
#   scripts/topology-png.sh [TOPOLOGY.yaml [OUT.png]]   default: config/default.yaml docs/topology.png
# The copy gets its own EAL file-prefix, control socket, vhost-user directory and tap names, so
# it runs beside a production vswd; the drawing shows the file's own paths and names. As root.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
topo=${1:-$top/config/default.yaml}
out=${2:-$top/docs/topology.png}
build=${VSW_BUILD:-$top/build}
command -v dot >/dev/null || { echo "dot not found: apt-get install graphviz" >&2; exit 1; }

tmp=$(mktemp -d /tmp/vsw-topo-XXXXXX)
tag=t$$
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# Private names: sockets under $tmp instead of /run/vsw, tap names suffixed, another prefix,
# no hugepages (the drawing needs no traffic).
sed -e "s#/run/vsw#$tmp#g" \
	-e "s#iface=\([A-Za-z0-9_-]*\)#iface=\1$tag#g" \
	-e "s#\"--file-prefix\", \"\([^\"]*\)\"#\"--file-prefix\", \"\1-$tag\"#" \
	-e 's#"--in-memory", ##; s#"-m", "[0-9]*"#"--no-huge", "--no-shconf", "-m", "256"#' \
	"$topo" >"$tmp/topo.yaml"
grep -q "socket:" "$tmp/topo.yaml" || printf 'control: { socket: %s/vswd.sock }\n' "$tmp" >>"$tmp/topo.yaml"
sock=$(sed -n 's/^ *socket: *\([^ }]*\).*/\1/p' "$tmp/topo.yaml" | head -1)

"$build/src/vswd/vswd" -c "$tmp/topo.yaml" >"$tmp/vswd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
	grep -q "vswd: ready" "$tmp/vswd.log" && break
	kill -0 "$pid" 2>/dev/null || { cat "$tmp/vswd.log" >&2; exit 1; }
	sleep 0.1
done
"$build/src/vswctl/vswctl" -s "$sock" show topology dot >"$tmp/topo.dot"
# Back to the file's own names in the labels.
sed -i -e "s#$tmp#/run/vsw#g" -e "s#$tag##g" "$tmp/topo.dot"
dot -Tpng -Gdpi=80 "$tmp/topo.dot" -o "$out"
echo "$out"
