"""Translation catalogues: one YAML file per language, keys shared.

Pages resolve strings when they are compiled (each page is registered once per
language), so no translation table lives in the per-session state. Server texts
(errors, e-mail) call `t(key, lang)` with the session's language.
"""

from __future__ import annotations

import re
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


# French elision before a filled-in value: « de {client} » gives « d’Aminata », never « de Aminata ».
_ELIDABLE = re.compile(r"\b([Dd]e|[Qq]ue|[Jj]usque|[Ll]orsque|[Pp]uisque) \{(\w+)\}")
# Y is left out: before a name it is a consonant sound (« de Youssef », « de Yasmine »).
_VOWELS = frozenset("AEIOUÀÂÄÆÉÈÊËÎÏÔŒÙÛÜaeiouàâäæéèêëîïôœùûü")


def elide(template: str, values: dict[str, Any]) -> str:
    """The French template with « de {x} » written « d’{x} » where the value starts with a vowel."""

    def _one(match: re.Match) -> str:
        value = str(values.get(match.group(2), ""))
        if value[:1] in _VOWELS:
            return f"{match.group(1)[:-1]}’{{{match.group(2)}}}"
        return match.group(0)

    return _ELIDABLE.sub(_one, template)


def t(key: str, lang: str, **values: Any) -> str:
    """The text for `key` in `lang`; a missing key is a programming error (KeyError)."""
    text = catalogue(lang)[key]
    if not values:
        return text
    if lang == "fr":
        text = elide(text, values)
    return text.format(**values)


def tn(key: str, lang: str, count: int, **values: Any) -> str:
    """`t` for a text about `count` things: the key's `_one` form when `count` is singular in
    `lang` (French: 0 and 1, « il vous reste 1 tentative »; English: 1), else the key itself."""
    singular = count in (0, 1) if lang == "fr" else count == 1
    one = f"{key}_one"
    return t(one if singular and one in catalogue(lang) else key, lang, **values)


def other(lang: str) -> str:
    return "en" if lang == "fr" else "fr"


def normalise(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG
