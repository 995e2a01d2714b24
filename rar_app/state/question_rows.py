"""Rows and field helpers of the generic question pages (`state/questions.py`): the small
plain dataclasses its vars hold (choices, documents, the fee selector's rows, review and list
rows) and the names a step's form uses (typed values, errors, date boxes, checkboxes).
No state here."""

from __future__ import annotations

import dataclasses
from typing import Any

from rar_app import date_parts
from rar_app.i18n import t
from rar_app.programs.base import Program

# The fee selector widget's field names for client n (rar_app/components/fee_selector.py).
FEE_KEYS = ("fee-{n}", "bio_needed-{n}", "bio-{n}")


def fee_keys(n: int) -> tuple[str, str, str]:
    return tuple(k.format(n=n) for k in FEE_KEYS)  # type: ignore[return-value]


def reason_key(n: int) -> str:
    """The reason of client n's « Dispensé des frais » (shown when that fee is chosen)."""
    return f"fee_reason-{n}"


REASON_MAX = 500


@dataclasses.dataclass
class Choice:
    code: str = ""
    label: str = ""
    help: str = ""
    amount: str = ""


@dataclasses.dataclass
class Doc:
    code: str = ""
    label: str = ""
    help: str = ""


@dataclasses.dataclass
class FeeRow:
    """One client in the fee selector: their options and current choices."""

    position: int = 0
    heading: str = ""
    type_label: str = ""
    fee: str = ""
    bio_needed: str = ""
    bio: str = ""
    fee_options: list[Choice] = dataclasses.field(default_factory=list)
    bio_options: list[Choice] = dataclasses.field(default_factory=list)
    fee_error: str = ""
    bio_needed_error: str = ""
    bio_error: str = ""
    reason: str = ""  # why the fee is exempt (required with « Dispensé des frais »)
    reason_error: str = ""


@dataclasses.dataclass
class SummaryLine:
    text: str = ""
    amount: str = ""


@dataclasses.dataclass
class ReviewItem:
    label: str = ""
    value: str = ""
    href: str = ""  # the pen's link ("" for a computed line: no pen)
    edit_label: str = ""
    pen_id: str = ""  # after a pen edit the review puts the focus back on this pen (assets/rar.js)
    note: str = ""  # « Vient de la vérification de l'admissibilité »: changing it means starting again


@dataclasses.dataclass
class ItemRow:
    """One item of a list step's summary (« Sommaire des pièces d'identité »)."""
    index: int = 0
    text: str = ""
    href: str = ""
    edit_label: str = ""
    remove_label: str = ""
    current: bool = False


@dataclasses.dataclass
class ReviewGroup:
    heading: str = ""
    answers: list[ReviewItem] = dataclasses.field(default_factory=list)


def _step(program: Program | None, step_id: str):
    found = program.wizard_of(step_id) if program is not None else None
    return found[1].step(step_id) if found else None


def _field_names(program: Program | None, step_id: str) -> list[str]:
    """The keys of the step's typed values (a date: its three boxes)."""
    step = _step(program, step_id)
    if step is None:
        return []
    return [k for f in step.fields if f.kind != "checkboxes"
            for k in (date_parts.keys(f.name) if f.kind == "date" else [f.name])]


def _eligibility_note(program: Program | None, step_id: str, names: tuple[str, ...], lang: str) -> str:
    """« These come from the eligibility check (…): to change them, start again », naming the questions."""
    step = _step(program, step_id)
    labels = [t(f.label_key, lang) for f in (step.fields if step else ()) if f.name in names]
    return t("wizard.from_eligibility_step", lang, fields=", ".join(labels)) if labels else ""


def _error_names(program: Program | None, step_id: str) -> list[str]:
    """The keys of the step's field errors: each question, and each box of a date (marked
    when that box is wrong)."""
    step = _step(program, step_id)
    if step is None:
        return []
    return [k for f in step.fields
            for k in ([f.name, *date_parts.keys(f.name)] if f.kind == "date" else [f.name])]


def _form_values(program: Program | None, step_id: str, saved: dict[str, Any]) -> dict[str, str]:
    """The saved answers as the form shows them (a stored ISO date split into its boxes)."""
    step = _step(program, step_id)
    out: dict[str, str] = {}
    for f in step.fields if step is not None else ():
        if f.kind == "date":
            out.update(date_parts.form_values(f.name, saved))
        elif f.kind != "checkboxes":
            out[f.name] = _as_text(saved.get(f.name))
    return out


def _checkbox_names(program: Program | None, step_id: str) -> list[str]:
    step = _step(program, step_id)
    return [f.name for f in step.fields if f.kind == "checkboxes"] if step is not None else []


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ""
    return str(value)
