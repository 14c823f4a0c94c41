#!/usr/bin/env bash
# Set up the environment (tools/setup.sh) and run the whole test suite.
# The website is built in the background while the other tests run (tests/conftest.py).
# Extra arguments go to pytest, e.g. `bash tools/test.sh -k lstm -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export PATH="$PWD/.venv/bin:$PATH"   # as if .venv were activated
export TF_CPP_MIN_LOG_LEVEL=2
# The book build, the gradings and the tests run side by side on a 2-core machine:
# one thread per process avoids the oversubscription that makes small torch ops stall.
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
exec .venv/bin/python -m pytest "$@"
