"""Translation catalogues: one YAML file per language, keys shared.

Pages resolve strings when they are compiled (each page is registered once per
language), so no translation table lives in the per-session state. Server texts
(errors, e-mail) call `t(key, lang)` with the session's language.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
_DIR = Path(__file__).resolve().parent


def _flatten(prefix: str, node: Any, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    else:
        out[prefix] = str(node)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}")
    flat: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            _flatten(path.stem, yaml.safe_load(fh) or {}, flat)
    return flat


def t(key: str, lang: str, **values: Any) -> str:
    """The text for `key` in `lang`; a missing key is a programming error (KeyError)."""
    text = catalogue(lang)[key]
    return text.format(**values) if values else text


def other(lang: str) -> str:
    return "en" if lang == "fr" else "fr"


def normalise(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG
