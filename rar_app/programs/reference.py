"""Reference lists the programs' questions offer: countries (ISO 3166-1 with French and
English names) and the designated bodies of paid representatives (a dated rules
parameter). Options are built once; validation checks answers against them."""

from __future__ import annotations

import csv
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

from rar_app import rules
from rar_app.programs.engine import Option

# The portal's one country list (Debian iso-codes names), kept with the services' data files.
_COUNTRIES = Path(__file__).resolve().parent.parent / "services" / "data" / "countries.csv"


def sort_key(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def countries() -> tuple[dict[str, str], ...]:
    with _COUNTRIES.open(encoding="utf-8", newline="") as fh:
        return tuple(dict(r) for r in csv.DictReader(fh))


@lru_cache(maxsize=1)
def country_options() -> tuple[Option, ...]:
    return tuple(Option(c["iso2"], label_fr=c["name_fr"], label_en=c["name_en"]) for c in countries())


def country_name(code: str, lang: str) -> str:
    for c in countries():
        if c["iso2"] == code:
            return c["name_fr" if lang == "fr" else "name_en"]
    return code


@lru_cache(maxsize=8)
def regulatory_bodies(on_date: date) -> tuple[dict[str, str], ...]:
    """[{code, name_en, name_fr, province, kind}] in force on `on_date` (French name falls back to English)."""
    rows = rules.parameter("representatives.regulatory_bodies", on_date).value
    return tuple({**r, "name_fr": r["name_fr"] or r["name_en"]} for r in rows)
