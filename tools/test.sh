#!/usr/bin/env bash
# Set up the environment (tools/setup.sh) and run the whole test suite.
# Two pytest workers: the book build and the browser tests stay together on one
# (xdist group "book") while the other runs the package and grading tests.
# Extra arguments go to pytest, e.g. `bash tools/test.sh -k lstm -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export TF_CPP_MIN_LOG_LEVEL=2
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
