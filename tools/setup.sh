#!/usr/bin/env bash
# Create (or refresh) the course environment in .venv at the repository root.
# Idempotent: a stamp of the requirement files skips work that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PY" -m venv .venv
fi

stamp=.venv/.unrolled-setup
want=$(cat requirements-ci.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "setup: installing the pinned requirements (requirements-ci.txt)"
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r requirements-ci.txt
    .venv/bin/python -m pip install -q --no-deps -e .
    echo "$want" > "$stamp"
fi

# MathJax for the website, from the npm registry (pinned in book/_ext/package.json and
# package-lock.json; book/_ext/offline_mathjax.py copies it into the built site).
mathjax_want=$(sed -n 's/.*"mathjax": *"\([^"]*\)".*/\1/p' book/_ext/package.json)
mathjax_have=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' book/_ext/node_modules/mathjax/package.json 2>/dev/null | head -1 || true)
if [ "$mathjax_have" != "$mathjax_want" ]; then
    if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing Debian's npm for MathJax"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
    fi
    if command -v npm >/dev/null 2>&1; then
        echo "setup: installing MathJax $mathjax_want for the website (npm ci in book/_ext)"
        npm ci --prefix book/_ext --no-audit --no-fund --silent
    else
        echo "setup: npm not found; the website would load MathJax from a CDN (online only)" >&2
    fi
fi

# A real browser for the website tests: Debian's chromium (never a browser download).
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing Debian's chromium for the browser tests"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "setup: chromium not found; the browser tests will be skipped" >&2
    fi
fi
echo "setup: ready ($(.venv/bin/python -c 'import torch, keras; print("torch", torch.__version__, "| keras", keras.__version__)'))"
