"""Rules-engine tests: pure Python (no database, no Reflex). Puts the repo and this folder on sys.path so the
helpers module ``rules_testlib`` imports whatever pytest's import mode."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for p in (HERE.parents[2], HERE):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))
