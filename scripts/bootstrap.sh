#!/usr/bin/env bash
# Installs what the portal needs into the checkout: the Python virtual environment with
# the pinned dependencies (plus the test ones with --test) and bun from the npm registry.
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

stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)-$with_tests"
if [ ! -f "$stamp" ]; then
  echo "Installing the pinned Python dependencies…"
  .venv/bin/python - "$with_tests" > .venv/requirements.txt <<'PYEOF'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
deps = list(project["dependencies"])
if sys.argv[1] == "1":
    deps += project["optional-dependencies"]["test"]
print("\n".join(deps))
PYEOF
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r .venv/requirements.txt
  rm -f .venv/.installed-*
  touch "$stamp"
fi

if [ ! -x .tools/node_modules/.bin/bun ]; then
  echo "Installing bun from the npm registry (.tools)…"
  npm install --silent --no-audit --no-fund --prefix .tools bun@1.4.4
fi
