#!/usr/bin/env bash
# Regenerates the hashed lock files from pyproject.toml's pins (run after changing a dependency):
#   requirements/portal.lock  what ./run installs      requirements/test.lock  what ./test installs
# pip-tools resolves the whole dependency tree and records every file's sha256, so that ./run and
# ./test install exactly these files (pip --require-hashes) and a changed upload on the index is refused.
set -euo pipefail
cd "$(dirname "$0")/.."
tool=.tools/lockenv
if [ ! -x "$tool/bin/pip-compile" ]; then
  python3 -m venv "$tool"
  "$tool/bin/python" -m pip install --quiet --disable-pip-version-check "pip-tools==7.6.2"
fi
common=(--quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links
        --no-emit-trusted-host --resolver=backtracking --newline=lf)
"$tool/bin/pip-compile" "${common[@]}" --output-file requirements/portal.lock pyproject.toml
"$tool/bin/pip-compile" "${common[@]}" --extra test --output-file requirements/test.lock pyproject.toml
echo "requirements/portal.lock and requirements/test.lock written"
