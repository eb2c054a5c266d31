#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the .deb from a scratch copy of the source tree with dpkg-buildpackage, unpack it with
# dpkg -x and check what a host gets: the programs, the unit, the man pages, the example
# configurations, the completion, and the conffile. The tree is copied so that the build
# leaves nothing behind (debian/vsw, obj-*). Usage: test_deb.sh SOURCE_DIR
set -euo pipefail

src=${1:?usage: test_deb.sh SOURCE_DIR}
for tool in dpkg-buildpackage dpkg-checkbuilddeps dh; do
	command -v $tool >/dev/null || { echo "SKIP: $tool missing (Debian packages dpkg-dev debhelper)"; exit 77; }
done
scratch=$(mktemp -d /tmp/vswt-deb-XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/vsw"
# The tracked and new files, not build trees or git metadata.
(cd "$src" && git ls-files -co --exclude-standard 2>/dev/null || find . -type f -not -path './build*' -not -path './.git/*') |
	grep -v -E '^(\./)?build' | (cd "$src" && tar -cf - -T -) | tar -xf - -C "$scratch/vsw"

cd "$scratch/vsw"
# nocheck: the suites need root and hugepages and run from the tree in CI anyway;
# noautodbgsym: a second package nobody checks here, and time.
if ! DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b >"$scratch/build.log" 2>&1; then
	tail -40 "$scratch/build.log"
	echo "FAIL: dpkg-buildpackage"
	exit 1
fi
deb=$(ls "$scratch"/vsw_*.deb)
dpkg-deb --info "$deb" | grep -E '^ (Package|Version|Depends):'
dpkg -x "$deb" "$scratch/root"
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)

fail=0
check() { # check PATH [x]: PATH exists in the package (and is executable)
	if [ ! -f "$scratch/root/$1" ]; then
		echo "FAIL: missing /$1"
		fail=1
	elif [ "${2:-}" = x ] && [ ! -x "$scratch/root/$1" ]; then
		echo "FAIL: /$1 not executable"
		fail=1
	fi
}
check usr/sbin/vswd x
check usr/sbin/vswctl x
check usr/libexec/vsw/vsw-hugepages x
check lib/systemd/system/vswd.service
check etc/vsw/vsw.yaml
check usr/share/man/man8/vswd.8.gz
check usr/share/man/man8/vswctl.8.gz
check usr/share/man/man5/vsw.yaml.5.gz
check usr/share/bash-completion/completions/vswctl
check usr/share/doc/vsw/examples/default.yaml
check usr/share/doc/vsw/examples/libvirt/vm1-vhostuser-client.xml
check usr/share/doc/vsw/examples/libvirt/vm2-vhostuser-server.xml
# The unit runs the packaged programs on the packaged topology.
grep -qx 'ExecStart=/usr/sbin/vswd -c /etc/vsw/vsw.yaml' "$scratch/root/lib/systemd/system/vswd.service" ||
	{ echo "FAIL: the unit's ExecStart does not run /usr/sbin/vswd on /etc/vsw/vsw.yaml"; fail=1; }
grep -qx '/etc/vsw/vsw.yaml' <<<"$conffiles" || { echo "FAIL: /etc/vsw/vsw.yaml is not a conffile"; fail=1; }
# The packaged daemon accepts the packaged topology.
"$scratch/root/usr/sbin/vswd" -c "$scratch/root/etc/vsw/vsw.yaml" --check ||
	{ echo "FAIL: vswd --check on the packaged vsw.yaml"; fail=1; }
# Nothing from the build tree or the tests leaks into the package.
if (cd "$scratch/root" && find . -type f | grep -E 'test|vsw-vm|\.a$|/include/'); then
	echo "FAIL: test or development files in the package"
	fail=1
fi
[ $fail -eq 0 ] && echo "ok: $(basename "$deb"), $(cd "$scratch/root" && find . -type f | wc -l) files"
exit $fail
