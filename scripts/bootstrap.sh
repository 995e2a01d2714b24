#!/usr/bin/env bash
# Installs what the portal needs into the checkout: the Python virtual environment with
# the locked dependencies (requirements/*.lock, hashes checked; the test lock with --test) and bun from the npm registry.
# A second call with nothing changed returns at once.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment (.venv)…"
  "$PY" -m venv .venv
fi

lock=requirements/portal.lock
[ "$with_tests" = 1 ] && lock=requirements/test.lock
flag=""
[ "$with_tests" = 1 ] && flag="--test"
.venv/bin/python scripts/lock_check.py "$lock" $flag
stamp=".venv/.installed-$(cat "$lock" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing the locked Python dependencies ($lock, hashes checked)…"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==26.3"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r "$lock"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ ! -x .tools/node_modules/.bin/bun ]; then
  echo "Installing bun from the npm registry (.tools)…"
  npm install --silent --no-audit --no-fund --prefix .tools bun@1.4.4
fi
