#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Set up a Debian 12 host for vsw and run it or test it. As root:
#   scripts/bootstrap.sh run    install what is missing, build, start vswd on config/default.yaml
#   scripts/bootstrap.sh test   install what is missing, build, run every test suite
# Installs only the Debian packages that are missing, reserves hugepages only if too few are
# free, and builds in build/, build-asan/ (gcc, ASan+UBSan: unit and integration suites) and
# build-fuzz/ (clang, libFuzzer: tests/fuzz/README.md).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

packages=(gcc pkg-config meson ninja-build libdpdk-dev dpdk-dev libyaml-dev libbpf-dev
	libcmocka-dev python3 iproute2 ethtool clang-format passwd util-linux clang libclang-rt-14-dev
	dpdk git debhelper dpkg-dev groff-base man-db systemd graphviz libvirt-clients libxml2-utils
	qemu-system-x86 cpio iputils-ping python3-scapy)
# dpdk-dev: testpmd and dpdk-telemetry.py; passwd (useradd) and util-linux (runuser, setpriv):
# the control socket access test. clang: the eBPF examples (-target bpf) and the libFuzzer
# harnesses (with libclang-rt-14-dev). dpdk: dpdk-dumpcap (capture test). The rest is for the
# package suite and docs: the .deb (debhelper), man pages (groff, man), the unit
# (systemd-analyze), the topology drawing (graphviz) and the libvirt examples
# (virt-xml-validate, which runs xmllint). qemu-system-x86, cpio, iputils-ping: the QEMU guests
# of test_guest.py (their image is built with cpio). python3-scapy: test_capture reads the
# pcapng files with it too.
# Seconds each libFuzzer harness runs in the test command (tests/fuzz/run.sh).
fuzz_seconds=${VSW_FUZZ_SECONDS:-30}
# 2 MiB pages free for vswd and the tests (EAL -m 256 each, a few at once).
hugepages_wanted=512

say() { printf '== %s\n' "$*"; }

install_missing() {
	local missing=() p
	for p in "${packages[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing ${missing[*]}"
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

reserve_hugepages() {
	local free total
	free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
	if [ "$free" -lt "$hugepages_wanted" ]; then
		total=$(awk '/^HugePages_Total:/ {print $2}' /proc/meminfo)
		say "reserving $((hugepages_wanted - free)) more 2 MiB hugepages"
		sysctl -qw vm.nr_hugepages=$((total + hugepages_wanted - free))
		free=$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)
		[ "$free" -ge "$hugepages_wanted" ] ||
			say "warning: only $free hugepages free; tests fall back to --no-huge"
	fi
	# vswd runs --in-memory and needs no mount; tools without it (testpmd) do.
	mkdir -p /dev/hugepages
	mountpoint -q /dev/hugepages || mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages ||
		say "warning: cannot mount hugetlbfs on /dev/hugepages"
}

build() { # build DIR [meson options...]
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@"
	fi
	ninja -C "$dir"
}

[ "$(id -u)" -eq 0 ] || { echo "run as root: vswd needs hugepages, vhost sockets in /run, netns" >&2; exit 1; }
install_missing
reserve_hugepages

case "${1:-run}" in
run)
	build build -Dasserts=true
	say "starting vswd on config/default.yaml (Ctrl-C stops it)"
	if [ -t 0 ]; then
		exec build/src/vswd/vswd -c config/default.yaml -i
	fi
	exec build/src/vswd/vswd -c config/default.yaml
	;;
test)
	build build -Dasserts=true
	meson test -C build --print-errorlogs
	# vswd under ASan runs on hugepages (--in-memory) or without (--no-huge) alike: DPDK
	# 22.11 maps its memory at addresses ASan leaves alone, and ASan only sees malloc'ed
	# memory, not rte_malloc or mempools (DPDK is not built with ASan). vswlab fails a test
	# whose processes printed any sanitizer report (tests/integration/README.md).
	say "unit and integration tests under AddressSanitizer and UndefinedBehaviorSanitizer"
	build build-asan -Dasserts=true -Db_sanitize=address,undefined
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --suite unit --suite integration --print-errorlogs
	# The soak once more with a sanitized vswd: LeakSanitizer checks the control plane at exit
	# after churn (60 s here, 120 s in the plain run above, to bound CI time).
	VSW_SOAK_SECONDS=${VSW_SOAK_SECONDS:-60} ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --suite soak --print-errorlogs
	say "libFuzzer harnesses: the seed corpora, then ${fuzz_seconds} s of fuzzing each"
	CC=clang build build-fuzz -Dfuzz=true -Dasserts=true -Db_sanitize=address,undefined \
		-Db_lundef=false
	meson test -C build-fuzz --suite fuzz --print-errorlogs
	tests/fuzz/run.sh build-fuzz "$fuzz_seconds"
	say "all tests passed"
	;;
*)
	echo "usage: $0 run|test" >&2
	exit 1
	;;
esac
