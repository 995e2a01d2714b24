"""Helpers shared by the rules-engine tests (imported as ``rules_testlib``; conftest.py puts this folder on sys.path)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TODAY_RULES = dt.date(2026, 1, 15)


def lang_levels(level: int, language: str | None = "en", **over) -> dict:
    d = {"speaking": level, "listening": level, "reading": level, "writing": level}
    d.update(over)
    if language:
        d["language"] = language
    return d


def cli(command: str, payload, *args: str) -> tuple[int, dict, str]:
    """Run the real command line as a subprocess."""
    data = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    if isinstance(data, str):
        data = data.encode("utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, "-m", "rar_app.rules", command, *args], input=data, capture_output=True, cwd=str(REPO), env=env, timeout=60
    )
    out = proc.stdout.decode("utf-8")
    return proc.returncode, json.loads(out) if out.strip() else {}, proc.stderr.decode("utf-8", "replace")
