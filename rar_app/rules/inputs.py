"""Strict reading of JSON-like input: unknown fields, wrong types and out-of-range values become RulesInputError."""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any, Iterable

from .errors import RulesInputError

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO2_RE = re.compile(r"^[A-Za-z]{2}$")

TYPE_NAMES = {
    "integer": ("an integer", "un entier"),
    "number": ("a number", "un nombre"),
    "boolean": ("true or false", "true ou false"),
    "string": ("a string", "une chaîne de caractères"),
    "object": ("an object", "un objet"),
    "array": ("a list", "une liste"),
    "date": ("a date (YYYY-MM-DD)", "une date (AAAA-MM-JJ)"),
}


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _short(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


def wrong_type(path: str, expected: str) -> RulesInputError:
    en, fr = TYPE_NAMES[expected]
    return RulesInputError("wrong_type", path, f"'{path or 'input'}' must be {en}.", f"« {path or 'entrée'} » doit être {fr}.")


def missing(path: str) -> RulesInputError:
    return RulesInputError("missing_field", path, f"'{path}' is required.", f"« {path} » est obligatoire.")


def out_of_range(path: str, lo: Any, hi: Any, what: str = "") -> RulesInputError:
    """``what`` = "length" or "items" when the bound is on a string's length or a list's size."""
    if what:
        what_fr = {"length": "longueur", "items": "nombre d’éléments"}[what]
        what_en = {"length": "length", "items": "number of items"}[what]
        return RulesInputError(
            "out_of_range", path, f"The {what_en} of '{path}' must be between {lo} and {hi}.", f"La {what_fr} de « {path} » doit être entre {lo} et {hi}." if what == "length" else f"Le {what_fr} de « {path} » doit être entre {lo} et {hi}."
        )
    if hi is None:
        return RulesInputError("out_of_range", path, f"'{path}' must be at least {lo}.", f"« {path} » doit être au moins {lo}.")
    return RulesInputError(
        "out_of_range", path, f"'{path}' must be between {lo} and {hi}.", f"« {path} » doit être entre {lo} et {hi}."
    )


def invalid_value(path: str, choices: Iterable[str] | None = None, detail_en: str = "", detail_fr: str = "") -> RulesInputError:
    if choices is not None:
        listed = ", ".join(choices)
        return RulesInputError(
            "invalid_value", path, f"'{path}' must be one of: {listed}.", f"« {path} » doit être l’une des valeurs : {listed}."
        )
    return RulesInputError("invalid_value", path, detail_en or f"'{path}' is not valid.", detail_fr or f"« {path} » n’est pas valide.")


def parse_date(text: Any, path: str) -> _dt.date:
    if not isinstance(text, str):
        raise wrong_type(path, "date")
    if not _DATE_RE.match(text):
        raise RulesInputError(
            "invalid_date", path, f"'{path}' must be a date written YYYY-MM-DD.", f"« {path} » doit être une date écrite AAAA-MM-JJ."
        )
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise RulesInputError(
            "invalid_date", path, f"'{path}' is not a real calendar date.", f"« {path} » n’est pas une date du calendrier."
        ) from None


class Fields:
    """One JSON object being read. ``allowed`` lists every key the object may have."""

    def __init__(self, data: Any, path: str, allowed: Iterable[str]):
        if not isinstance(data, dict):
            raise wrong_type(path, "object")
        self.data = data
        self.path = path
        allowed = set(allowed)
        for key in sorted(data, key=str):
            if key not in allowed:
                p = join(path, str(key))
                raise RulesInputError("unknown_field", p, f"Unknown field '{p}'.", f"Champ inconnu « {p} ».")

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def _raw(self, key: str, required: bool) -> Any:
        v = self.data.get(key)
        if v is None and required:
            raise missing(join(self.path, key))
        return v

    def integer(self, key: str, *, required: bool = False, default: int | None = 0, lo: int | None = None, hi: int | None = None) -> int | None:
        v = self._raw(key, required)
        p = join(self.path, key)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, int):
            raise wrong_type(p, "integer")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise out_of_range(p, lo, hi)
        return v

    def number(self, key: str, *, required: bool = False, default: float | None = None, lo: float | None = None, hi: float | None = None) -> float | int | None:
        v = self._raw(key, required)
        p = join(self.path, key)
        if v is None:
            return default
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (isinstance(v, float) and not math.isfinite(v)):
            raise wrong_type(p, "number")
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise out_of_range(p, lo, hi)
        return v

    def boolean(self, key: str) -> bool:
        v = self._raw(key, False)
        if v is None:
            return False
        if not isinstance(v, bool):
            raise wrong_type(join(self.path, key), "boolean")
        return v

    def string(self, key: str, *, required: bool = False, default: str | None = None, choices: Iterable[str] | None = None, max_len: int = 200) -> str | None:
        v = self._raw(key, required)
        p = join(self.path, key)
        if v is None:
            return default
        if not isinstance(v, str):
            raise wrong_type(p, "string")
        if choices is not None:
            choices = list(choices)
            if v not in choices:
                raise invalid_value(p, choices)
        elif len(v) > max_len:
            raise out_of_range(p, 0, max_len, "length")
        return v

    def country(self, key: str, *, required: bool = False) -> str | None:
        v = self.string(key, required=required, max_len=10)
        if v is None:
            return None
        if not _ISO2_RE.match(v):
            p = join(self.path, key)
            raise invalid_value(p, None, f"'{p}' must be a two-letter ISO 3166-1 country code.", f"« {p} » doit être un code de pays ISO 3166-1 à deux lettres.")
        return v.upper()

    def date(self, key: str, *, required: bool = False) -> _dt.date | None:
        v = self._raw(key, required)
        if v is None:
            return None
        return parse_date(v, join(self.path, key))

    def obj(self, key: str, allowed: Iterable[str], *, required: bool = False) -> "Fields | None":
        v = self._raw(key, required)
        if v is None:
            return None
        return Fields(v, join(self.path, key), allowed)

    def array(self, key: str, *, required: bool = False, max_items: int = 1000) -> list:
        v = self._raw(key, required)
        p = join(self.path, key)
        if v is None:
            return []
        if not isinstance(v, list):
            raise wrong_type(p, "array")
        if len(v) > max_items:
            raise out_of_range(p, 0, max_items, "items")
        return v


def root(data: Any, allowed: Iterable[str]) -> Fields:
    return Fields(data, "", allowed)
