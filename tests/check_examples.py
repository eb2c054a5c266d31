#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every topology the repository shows as valid passes `vswd --check`: the files under config/
and examples/ (*.yaml), and the complete files in docs/topology.md and README.md (```yaml
blocks with top-level eal: and ports:; fragments are left out). Usage: check_examples.py VSWD SRCROOT."""

import glob
import os
import re
import subprocess
import sys
import tempfile


def doc_blocks(path):
    with open(path) as f:
        text = f.read()
    blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
    return [b for b in blocks if re.search(r"^eal:", b, re.M) and re.search(r"^ports:", b, re.M)]


def main():
    vswd, root = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(root, "config", "**", "*.yaml"), recursive=True) +
                   glob.glob(os.path.join(root, "examples", "**", "*.yaml"), recursive=True))
    tmpdir = tempfile.TemporaryDirectory(prefix="vsw-examples-")
    tmp = tmpdir.name
    for doc in ("docs/topology.md", "README.md"):
        for i, block in enumerate(doc_blocks(os.path.join(root, doc))):
            path = os.path.join(tmp, "%s-%d.yaml" % (os.path.basename(doc), i))
            with open(path, "w") as f:
                f.write(block)
            files.append(path)
    failed = 0
    for path in files:
        p = subprocess.run([vswd, "-c", path, "--check"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        print("%s: %s" % ("ok" if p.returncode == 0 else "FAIL", p.stdout.strip()))
        failed += p.returncode != 0
    if len(files) < 2:
        print("FAIL: found only %d topologies" % len(files))
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
