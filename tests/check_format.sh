#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The tree is formatted with the root .clang-format: fail on any C file that is not.
set -euo pipefail
cd "$1"
find include lib src tests examples -name '*.[ch]' -print0 |
	xargs -0 clang-format --dry-run --Werror
