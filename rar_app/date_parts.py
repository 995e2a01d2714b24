"""Dates typed as three boxes, Jour / Mois / Année (the GC and GOV.UK design systems' date
input), whatever the browser's locale: a native date box shows mm/dd/yyyy in an English
browser while the hint said AAAA-MM-JJ, and typing in the hinted order gave 0002-03-14.

Pure functions, no Reflex, no database: the wizard engine, the pages' states and the
services all read the same three parts and store one ISO date (AAAA-MM-JJ).

Ids and keys: the day box carries the field's own id (so a link to ``#date_of_birth``,
from a review pen, lands on the first box); the month and year boxes carry
``date_of_birth-month`` and ``date_of_birth-year``. A form's values hold the three parts
under ``date_of_birth-day``, ``date_of_birth-month``, ``date_of_birth-year`` (a hyphen never
appears in a field name, so the keys cannot clash with another field).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any, Mapping

PARTS = ("day", "month", "year")
EARLIEST_YEAR = 1900  # nothing a representative enters (births, passports, tests) is older


def part_key(name: str, part: str) -> str:
    """The key of one part in a form's values."""
    return f"{name}-{part}"


def part_id(name: str, part: str) -> str:
    """The id of one part's input box (the day box carries the field's own id)."""
    return name if part == "day" else f"{name}-{part}"


def keys(name: str) -> list[str]:
    return [part_key(name, p) for p in PARTS]


def split(value: Any) -> dict[str, str]:
    """An ISO date (or nothing) -> {"day", "month", "year"} as shown in the boxes: « 14 », « 3 », « 1990 »."""
    text = str(value or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not m:
        return {"day": "", "month": "", "year": ""}
    return {"day": str(int(m.group(3))), "month": str(int(m.group(2))), "year": m.group(1)}


def form_values(name: str, saved: Mapping[str, Any]) -> dict[str, str]:
    """The three boxes' values from saved answers: the parts kept from an unfinished
    page if there are any, else the stored ISO date split."""
    if any(part_key(name, p) in saved for p in PARTS):
        return {part_key(name, p): str(saved.get(part_key(name, p)) or "")[:10] for p in PARTS}
    return {part_key(name, p): v for p, v in split(saved.get(name)).items()}


def submitted(name: str, raw: Mapping[str, Any]) -> Any:
    """What a form submitted for the date `name`: the three parts (a tuple) when the form
    has the boxes, else the single value (an ISO string from the API, saved answers)."""
    if any(part_key(name, p) in raw for p in PARTS):
        return tuple(str(raw.get(part_key(name, p)) or "").strip() for p in PARTS)
    return raw.get(name)


@dataclasses.dataclass(frozen=True)
class DateError:
    """Why the parts are not a date: a catalogue key of `dates.yaml` (`dates.<code>`)
    and the first wrong part (where the error summary's link puts the focus)."""

    code: str
    part: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"dates.{self.code}"


def parse(value: Any, *, today: date | None = None, allow_future: bool = True,
          allow_past: bool = True) -> tuple[date | None, DateError | None]:
    """Three parts (day, month, year) or an ISO string -> (date, None), (None, error), or
    (None, None) when nothing at all was given (the caller decides whether that is required).

    Checks, in the order a person reads them: every part present, each a number in its
    range (day 1–31, month 1–12, year four digits from 1900), a real day of that month,
    then past/future against `today`."""
    if isinstance(value, (tuple, list)) and len(value) == 3:
        day, month, year = (str(v or "").strip() for v in value)
    else:
        text = str(value or "").strip()
        if not text:
            return None, None
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
        if not m:
            return None, DateError("error_invalid", "day")
        year, month, day = m.group(1), m.group(2), m.group(3)
    given = {"day": day, "month": month, "year": year}
    if not any(given.values()):
        return None, None
    for part in PARTS:
        if not given[part]:
            return None, DateError(f"error_missing_{part}", part)
    if not re.fullmatch(r"\d{1,2}", day) or not 1 <= int(day) <= 31:
        return None, DateError("error_day_range", "day")
    if not re.fullmatch(r"\d{1,2}", month) or not 1 <= int(month) <= 12:
        return None, DateError("error_month_range", "month")
    if not re.fullmatch(r"\d{4}", year):
        return None, DateError("error_year_digits", "year")
    if int(year) < EARLIEST_YEAR:
        return None, DateError("error_year_range", "year", {"earliest": EARLIEST_YEAR})
    try:
        d = date(int(year), int(month), int(day))
    except ValueError:  # 31 avril, 29 février of a common year
        return None, DateError("error_not_real", "day")
    if today is not None and not allow_future and d > today:
        return None, DateError("error_future", "day")
    if today is not None and not allow_past and d < today:
        return None, DateError("error_past", "day")
    return d, None


_ONE_PART = {f"dates.error_{c}" for c in ("missing_day", "missing_month", "missing_year", "day_range",
                                          "month_range", "year_digits", "year_range")}


def marked(key: str, part: str) -> tuple[str, ...]:
    """Which boxes to mark for an error (catalogue key, first wrong part): the one box
    when the error is about one part, all three when it is about the whole date."""
    if not part:
        return ()
    return (part,) if key in _ONE_PART else PARTS


def merge(values: Mapping[str, Any], names: tuple[str, ...] | list[str]) -> tuple[dict[str, Any], dict[str, DateError]]:
    """A form's values with each date's three boxes replaced by its ISO value ("" when
    empty or wrong), and the wrong dates' errors: for forms that hand a service ISO dates."""
    out = dict(values)
    errors: dict[str, DateError] = {}
    for name in names:
        if not any(part_key(name, p) in values for p in PARTS):
            continue
        d, error = parse(submitted(name, values))
        for p in PARTS:
            out.pop(part_key(name, p), None)
        if error is not None:
            errors[name] = error
        out[name] = d.isoformat() if d else ""
    return out, errors
