#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Fuzz each harness for SECONDS, one after the other, and fail on the first crash, leak,
# sanitizer report or harness check. Usage (from the top of the tree):
#   tests/fuzz/run.sh BUILD_DIR SECONDS [HARNESS...]     (default: frame nicsw topo cli)
# BUILD_DIR is a -Dfuzz=true build (README.md). New inputs go to a work corpus that
# survives runs (FUZZ_WORK, default BUILD_DIR/fuzz-work/<harness>); the seeds in
# tests/fuzz/corpus and tests/fixtures/topo are read, never written. A crash leaves its input
# in FUZZ_WORK/<harness>-crash-*: add it to tests/fuzz/corpus/<harness>/ with the fix.
set -euo pipefail

[ $# -ge 2 ] || { echo "usage: $0 BUILD_DIR SECONDS [HARNESS...]" >&2; exit 2; }
build=$(cd "$1" && pwd)
seconds=$2
shift 2
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(frame nicsw topo cli)
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${FUZZ_WORK:-$build/fuzz-work}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

for h in "${harnesses[@]}"; do
	exe=$build/tests/fuzz/fuzz_$h
	[ -x "$exe" ] || { echo "$exe: not built (meson setup with -Dfuzz=true)" >&2; exit 2; }
	seeds=("$top/tests/fuzz/corpus/$h")
	[ "$h" = topo ] && seeds+=("$top/tests/fixtures/topo")
	mkdir -p "$work/$h"
	echo "== fuzz_$h for ${seconds}s"
	# -timeout: one input taking longer than this is a hang, reported as a crash.
	if ! "$exe" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$work/$h-" "$work/$h" "${seeds[@]}" >"$work/$h.log" 2>&1; then
		tail -n 60 "$work/$h.log"
		echo "== fuzz_$h FAILED: input in $work/$h-*, log $work/$h.log" >&2
		exit 1
	fi
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' "$work/$h.log" |
		sed "s/^/fuzz_$h /"
done
