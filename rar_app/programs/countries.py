"""Reference data shared by programs: countries (ISO 3166-1, names from Debian's iso-codes)."""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path

from rar_app.programs.engine import Context, Option

_CSV = Path(__file__).resolve().parent.parent / "services" / "data" / "countries.csv"


@lru_cache(maxsize=1)
def countries() -> list[dict[str, str]]:
    with _CSV.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def sort_key(text: str) -> str:
    """Alphabetical order with accents and case ignored (« Égypte » between « Équateur »'s
    neighbours, not after « Zimbabwe »)."""
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))


def country_options(lang: str) -> list[dict[str, str]]:
    """[{code, label}] sorted by name in `lang`."""
    key = "name_fr" if lang == "fr" else "name_en"
    return sorted(({"code": c["iso2"], "label": c[key]} for c in countries()), key=lambda o: sort_key(o["label"]))


def country_name(code: str, lang: str) -> str:
    for c in countries():
        if c["iso2"] == code:
            return c["name_fr" if lang == "fr" else "name_en"]
    return code


@lru_cache(maxsize=1)
def _all_country_options() -> tuple[Option, ...]:
    # Built once: the list is static and validating a step checks against it.
    return tuple(Option(c["iso2"], label_fr=c["name_fr"], label_en=c["name_en"]) for c in countries())


def country_field_options(_ctx: Context, _n: int | None) -> tuple[Option, ...]:
    """`Field.options` for a country select (the page shows `country_options`)."""
    return _all_country_options()
