"""The simulated IRCC receives an application: each client gets a UCI.

The unique client identifier (UCI, « identificateur unique de client ») is IRCC's, not
the representative's: the portal never asks for it on an application. When the
simulated IRCC receives an application (submission through the portal), each client
who has none gets one —

- a known client keeps theirs: the same client row already has one, or another client
  row with the same family name, given names (none for a client with a single name) and
  date of birth has one (the person applied before, through this portal or on paper);
- a new client gets a new one, ten digits written 12-3456-7890, unique in the portal.

Until then a status page says « pas encore attribué ». No Reflex here; the caller owns
the transaction (submission.mark_submitted).
"""

from __future__ import annotations

import secrets
from typing import Iterable

from sqlmodel import Session, select

from rar_app.models import Applicant, Client, name_key, uci_key
from rar_app.services import audit


def format_uci(digits: str) -> str:
    """Ten digits as IRCC writes them (12-3456-7890); eight digits as 1234-5678."""
    if len(digits) == 10:
        return f"{digits[:2]}-{digits[2:6]}-{digits[6:]}"
    if len(digits) == 8:
        return f"{digits[:4]}-{digits[4:]}"
    return digits


def _known_uci(db: Session, client: Client) -> str | None:
    """The UCI of the same person in another client row, if exactly one UCI is known for them."""
    if not client.family_name or client.date_of_birth is None:
        return None
    rows = db.exec(select(Client.uci, Client.given_names).where(
        Client.family_name_key == name_key(client.family_name), Client.date_of_birth == client.date_of_birth,
        Client.uci_key != "", Client.id != client.id))
    found = {uci for uci, given in rows if uci and name_key(given) == name_key(client.given_names)}
    return found.pop() if len(found) == 1 else None


def _new_uci(db: Session) -> str:
    for _ in range(100):
        digits = f"{secrets.randbelow(9 * 10**9) + 10**9:010d}"  # never 00-…, the demo world's range
        if db.exec(select(Client.id).where(Client.uci_key == digits)).first() is None:
            return format_uci(digits)
    raise RuntimeError("no free UCI")  # pragma: no cover - nine billion numbers


def give_ucis(db: Session, applicants: Iterable[Applicant], *, application_id: int | None = None) -> list[str]:
    """On receipt: every applicant's client gets a UCI (kept when known). Returns them in order."""
    given: list[str] = []
    for applicant in applicants:
        client = db.get(Client, applicant.client_id) if applicant.client_id else None
        if client is None:
            client = Client()
            db.add(client)
            db.flush()
            applicant.client_id = client.id
            db.add(applicant)
        if not uci_key(client.uci):
            known = _known_uci(db, client)
            client.uci = known or _new_uci(db)
            db.add(client)
            db.flush()
            audit.record(db, "client.uci_given", actor_id=None, actor_role="ircc", object_type="client",
                         object_id=client.id, application_id=application_id or applicant.application_id,
                         applicant_id=applicant.id, known=bool(known))
        given.append(client.uci or "")
    return given
