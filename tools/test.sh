#!/usr/bin/env bash
# Set up the environment (tools/setup.sh) and run the whole test suite.
# Extra arguments go to pytest, e.g. `bash tools/test.sh -k lstm -x`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
exec .venv/bin/python -m pytest "$@"
