"""Dated parameters, in the spirit of OpenFisca's parameters.

Every amount, threshold, table and list the engine uses lives in ``parameters/*.yaml`` (the format is described in
``README.md``). A parameter's name is the file's stem plus the key inside the file, e.g. ``fees.biometrics.individual``
or ``crs.core.age``. ``parameter(name, on_date)`` gives the value in force on that date, with its source.
"""

from __future__ import annotations

import copy
import csv
import datetime as _dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .common import fr_typography
from .errors import RulesInputError

PARAMETERS_DIR = Path(__file__).with_name("parameters")
DATA_DIR = Path(__file__).with_name("data")


@dataclass(frozen=True)
class DatedValue:
    start: _dt.date
    value: Any
    reference: str
    notes: str | None = None


@dataclass(frozen=True)
class ParameterValue:
    """The value of one parameter in force on a date, with where it comes from."""

    name: str
    value: Any
    start: _dt.date
    end: _dt.date | None  # first day it is no longer in force (exclusive), or None if still in force
    reference: str
    description: str
    description_fr: str
    unit: str | None = None
    notes: str | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "value": self.value,
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "reference": self.reference,
            "description": self.description,
            "description_fr": self.description_fr,
            "unit": self.unit,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str
    description_fr: str
    reference: str
    unit: str | None
    notes: str | None
    values: tuple[DatedValue, ...] = field(default_factory=tuple)

    def at(self, on_date: _dt.date) -> ParameterValue:
        found = None
        end = None
        for i, dv in enumerate(self.values):
            if dv.start <= on_date:
                found = dv
                end = self.values[i + 1].start if i + 1 < len(self.values) else None
            else:
                break
        if found is None or found.value is None:
            first = self.values[0].start.isoformat() if self.values else "?"
            raise RulesInputError(
                "no_rules_in_force",
                "date",
                f"No value of parameter '{self.name}' is in force on {on_date.isoformat()}"
                + (f" (first value from {first})." if found is None else " (it was ended)."),
                f"Aucune valeur du paramètre « {self.name} » n’est en vigueur le {on_date.isoformat()}"
                + (f" (première valeur le {first})." if found is None else " (il a pris fin)."),
            )
        notes = " ".join(n for n in (self.notes, found.notes) if n) or None
        return ParameterValue(
            name=self.name,
            value=found.value,
            start=found.start,
            end=end,
            reference=found.reference,
            description=self.description,
            description_fr=self.description_fr,
            unit=self.unit,
            notes=notes,
        )


class ParameterFileError(Exception):
    """A parameter file is malformed (a programming/data error, never user input)."""


def _as_date(key: Any, where: str) -> _dt.date:
    if isinstance(key, _dt.datetime):
        return key.date()
    if isinstance(key, _dt.date):
        return key
    if isinstance(key, str):
        try:
            return _dt.date.fromisoformat(key)
        except ValueError:
            pass
    raise ParameterFileError(f"{where}: '{key}' is not a date (YYYY-MM-DD)")


@functools.lru_cache(maxsize=None)
def read_csv(filename: str) -> tuple[dict, ...]:
    """Rows of a CSV in data/ as dicts (cached, read-only by convention). French columns
    (`*_fr`) get French typography: the sources write plain apostrophes and spaces."""
    with (DATA_DIR / filename).open(encoding="utf-8", newline="") as fh:
        return tuple({k: fr_typography(v) if k.endswith("_fr") and isinstance(v, str) else v for k, v in row.items()}
                     for row in csv.DictReader(fh))


def _resolve(value: Any, where: str) -> Any:
    """Expand ``{csv: FILE[, add, remove]}`` country lists into sorted ISO code lists, ``{csv: FILE}`` into rows."""
    if isinstance(value, dict) and "csv" in value and set(value) <= {"csv", "add", "remove"}:
        rows = read_csv(value["csv"])
        if rows and "iso2" in rows[0] and ("add" in value or "remove" in value or _is_country_list(value["csv"])):
            codes = {r["iso2"] for r in rows}
            codes |= set(value.get("add") or [])
            missing = set(value.get("remove") or []) - codes
            if missing:
                raise ParameterFileError(f"{where}: cannot remove {sorted(missing)}, not in {value['csv']}")
            codes -= set(value.get("remove") or [])
            return sorted(codes)
        return [dict(r) for r in rows]
    return value


def _is_country_list(filename: str) -> bool:
    return filename in {"eta_visa_exempt_countries.csv", "visa_required_countries.csv"}


def _parse_parameter(name: str, node: Any, where: str) -> Parameter:
    if not isinstance(node, dict) or "values" not in node:
        raise ParameterFileError(f"{where}: parameter '{name}' needs a 'values' mapping")
    default_ref = node.get("reference")
    values = []
    raw_values = node["values"]
    if not isinstance(raw_values, dict) or not raw_values:
        raise ParameterFileError(f"{where}: '{name}.values' must be a non-empty mapping of dates")
    for key, entry in raw_values.items():
        start = _as_date(key, f"{where}: {name}")
        if isinstance(entry, dict) and "value" in entry:
            value = entry["value"]
            ref = entry.get("reference") or default_ref
            vnotes = entry.get("notes")
        else:
            value, ref, vnotes = entry, default_ref, None
        if not ref:
            raise ParameterFileError(f"{where}: '{name}' value of {start} has no reference")
        values.append(DatedValue(start, _resolve(value, f"{where}: {name}"), str(ref).strip(), vnotes))
    values.sort(key=lambda v: v.start)
    return Parameter(
        name=name,
        description=str(node.get("description", "")).strip(),
        description_fr=str(node.get("description_fr", node.get("description", ""))).strip(),
        reference=str(default_ref or values[0].reference).strip(),
        unit=node.get("unit"),
        notes=(str(node["notes"]).strip() if node.get("notes") else None),
        values=tuple(values),
    )


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: much faster start-up


@functools.lru_cache(maxsize=None)
def load_file(stem: str) -> dict[str, Parameter]:
    """The parameters of one file ``parameters/<stem>.yaml``, by full name."""
    path = PARAMETERS_DIR / f"{stem}.yaml"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=_Loader) or {}
    if not isinstance(doc, dict):
        raise ParameterFileError(f"{path.name}: top level must be a mapping")
    return {f"{stem}.{key}": _parse_parameter(f"{stem}.{key}", node, path.name) for key, node in doc.items()}


@functools.lru_cache(maxsize=1)
def load_parameters() -> dict[str, Parameter]:
    """All parameters of all files, by full name."""
    out: dict[str, Parameter] = {}
    for path in sorted(PARAMETERS_DIR.glob("*.yaml")):
        out.update(load_file(path.stem))
    return out


def _lookup(name: str) -> Parameter | None:
    return load_file(name.split(".", 1)[0]).get(name)


def parameter_names() -> list[str]:
    return sorted(load_parameters())


@functools.lru_cache(maxsize=4096)
def _at(name: str, on_date: _dt.date) -> ParameterValue:
    p = _lookup(name)
    if p is None:
        raise KeyError(f"unknown parameter {name!r}")
    return p.at(on_date)


def value(name: str, on_date: _dt.date) -> Any:
    """The raw value in force (shared, do not mutate). Raises RulesInputError when none is in force."""
    return _at(name, on_date).value


def ref(name: str, on_date: _dt.date) -> ParameterValue:
    """The cached ParameterValue (shared, do not mutate its value)."""
    return _at(name, on_date)


def parameter(name: str, on_date: _dt.date | str) -> ParameterValue:
    """Public accessor: the value of ``name`` in force on ``on_date`` plus its reference (a private copy).

    Raises ``RulesInputError('no_rules_in_force', 'date', ...)`` when no value is in force on that date, and
    ``RulesInputError('unknown_parameter', 'name', ...)`` for a name that does not exist.
    """
    if isinstance(on_date, str):
        from .inputs import parse_date

        on_date = parse_date(on_date, "date")
    if not isinstance(name, str) or _lookup(name) is None:
        raise RulesInputError(
            "unknown_parameter", "name", f"Unknown parameter '{name}'.", f"Paramètre inconnu « {name} »."
        )
    pv = _at(name, on_date)
    return ParameterValue(**{**pv.__dict__, "value": copy.deepcopy(pv.value)})
