#!/usr/bin/env bash
# Set up the environment and build the website into _build/html (executing every page).
# Usage: bash tools/build_book.sh [extra jupyter-book options]
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
export PATH="$PWD/.venv/bin:$PATH"   # as if .venv were activated
export UNROLLED_BUILD=1          # tidy output: no progress bars, one line per epoch
export TF_CPP_MIN_LOG_LEVEL=2    # keep TensorFlow's start-up chatter out of the pages
.venv/bin/python tools/notebooks.py check
start=$(date +%s)
.venv/bin/jupyter-book build . --all "$@"
echo "book: built in $(( $(date +%s) - start )) s -> _build/html/index.html"
