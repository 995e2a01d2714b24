"""Clients the portal already knows: the details a representative gave for the same client
in their own earlier applications, offered again on a new application's first visit of a
step (issue 13: « fields prefilled where the portal already knows the client »).

A client is recognised by UCI, or by family name, given names and date of birth compared as
search compares names (no accents, case or punctuation). Only the signed-in representative's
own applications are read — never another representative's — and a match is recorded in the
audit log as a read of personal information. Saved answers are never overwritten: the caller
prefills a step only when it has no saved values."""

from __future__ import annotations

from typing import Any, Mapping

from sqlmodel import Session, select

from rar_app.models import Application, name_key, uci_key
from rar_app.programs import registry
from rar_app.programs.base import CLIENT_KEYS, Program
from rar_app.services import audit
from rar_app.services.casework.answers import answers_of

# The newest applications looked at: enough for a representative's history of one client,
# bounded so a first visit stays one small query.
LOOKBACK = 200


def _identity(details: Mapping[str, str]) -> tuple[str, tuple[str, str, str] | None]:
    names = (name_key(details.get("family_name")), name_key(details.get("given_names")),
             (details.get("date_of_birth") or "").strip())
    return uci_key(details.get("uci")), names if names[0] and names[2] else None


def same_client(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    """Same UCI when both have one; otherwise the same names and date of birth. Clients with
    a single name (no given names) match on an empty given name on both sides."""
    uci_a, names_a = _identity(a)
    uci_b, names_b = _identity(b)
    if uci_a and uci_b:
        return uci_a == uci_b
    return names_a is not None and names_a == names_b


def _details_of(app: Application) -> dict[str, str]:
    program = registry.find(app.kind)
    if program is None or program.client_details is None:
        return {}
    return _clean(program.client_details(answers_of(app)))


def _clean(details: Mapping[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in details.items() if k in CLIENT_KEYS and v not in (None, "")}


def known_details(db: Session, account_id: int, program: Program, answers: Mapping[str, Mapping[str, Any]],
                  app_id: int | None = None) -> dict[str, str]:
    """The client of this draft as the representative described them before: the draft's own
    identifying answers, completed by the newest matching earlier application first. Empty
    when the draft does not identify its client yet or the program declares no client details."""
    if program.client_details is None:
        return {}
    me = _clean(program.client_details(answers))
    uci, names = _identity(me)
    if not uci and names is None:
        return {}
    rows = db.exec(select(Application)
                   .where(Application.representative_id == account_id, Application.status != "deleted",
                          Application.id != (app_id or -1))
                   .order_by(Application.updated_at.desc(), Application.id.desc()).limit(LOOKBACK)).all()
    found: dict[str, str] = {}
    sources: list[int] = []
    for app in rows:
        details = _details_of(app)
        if details and same_client(me, details):
            sources.append(app.id)
            for key, value in details.items():
                found.setdefault(key, value)
    if not sources:
        return {}
    audit.record(db, "personal.read", actor_id=account_id, actor_role="representative",
                 object_type="application", object_id=app_id, reason="known_client_prefill",
                 sources=sources[:10])
    return {**found, **me}
