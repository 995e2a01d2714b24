"""Reference lists the eTA and IFHP questions offer beside the countries
(`rar_app.programs.countries`): the designated bodies of paid representatives (a dated
rules parameter)."""

from __future__ import annotations

import unicodedata
from datetime import date
from functools import lru_cache

from rar_app import rules


def sort_key(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


@lru_cache(maxsize=8)
def regulatory_bodies(on_date: date) -> tuple[dict[str, str], ...]:
    """[{code, name_en, name_fr, province, kind}] in force on `on_date` (French name falls back to English)."""
    rows = rules.parameter("representatives.regulatory_bodies", on_date).value
    return tuple({**r, "name_fr": r["name_fr"] or r["name_en"]} for r in rows)
