#!/usr/bin/env bash
# Set up the environment and build the website into _build/html (executing every page).
# Usage: bash tools/build_book.sh [extra jupyter-book options]
# The chapter pages are first executed in parallel (tools/execute_book.py, one page per
# CPU core) into the jupyter-cache that `execute_notebooks: cache` reads; the Sphinx
# build then finds every page cached and only renders.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export PATH="$PWD/.venv/bin:$PATH"   # as if .venv were activated
export UNROLLED_BUILD=1          # tidy output: no progress bars, one line per epoch
export TF_CPP_MIN_LOG_LEVEL=2    # keep TensorFlow's start-up chatter out of the pages
export PYTHONWARNINGS=ignore
.venv/bin/python tools/notebooks.py check
start=$(date +%s)
.venv/bin/python tools/execute_book.py
executed=$(date +%s)
.venv/bin/jupyter-book build . --all "$@"
end=$(date +%s)
echo "book: executed in $(( executed - start )) s, rendered in $(( end - executed )) s," \
     "built in $(( end - start )) s -> _build/html/index.html"
