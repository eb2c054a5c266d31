#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The soak test for longer than CI runs it: tests/soak.sh [BUILD_DIR] [SECONDS] (build, 600).
# Samples (RSS, mbufs in use) go to BUILD_DIR/meson-logs/soak.json. Root, like the
# integration tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
export VSW_SOAK_SECONDS=${2:-600}
export VSWD=$build/src/vswd/vswd VSWCTL=$build/src/vswctl/vswctl VSW_VM=$build/tests/tools/vsw-vm
export VSW_SOAK_OUT=$build/meson-logs
export LSAN_OPTIONS=suppressions=$root/tests/integration/lsan.supp
exec python3 "$root/tests/integration/test_soak.py"
