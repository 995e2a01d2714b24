"""Test drafts for the end of the visitor/study/work wizard, answered through part A's
questionnaire service (`services.applications.save_step`), as the wizard pages do.

`make_draft()` is used by the service tests and, with RAR_DATA_DIR pointed at the
portal's data folder, by the browser tests (`python -m tests.services.test_submission_drafts`)."""

from __future__ import annotations

import dataclasses
import json
import secrets
import sys
from datetime import date
from functools import lru_cache

from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Account, AuthSession, Document, SecurityQuestion
from rar_app.services.casework import applications, submission
from rar_app.services.identity import sessions
from rar_app.services.identity.passwords import hash_secret, normalise_answer

ANSWER = "Mistigri"  # every test representative's security answer


@dataclasses.dataclass
class Draft:
    account_id: int
    session_id: int
    application_id: int
    applicant_ids: list[int]


@lru_cache(maxsize=None)
def _hash(secret: str) -> str:
    return hash_secret(secret)


def make_rep(username: str = "rep.finish", given: str = "Hélène", family: str = "Côté-Lévesque") -> int:
    with session_scope() as db:
        rep = Account(username=username, role="representative", status="active", given_names=given,
                      family_name=family, password_hash=_hash("x"))
        db.add(rep)
        db.flush()
        for position in (1, 2, 3):
            db.add(SecurityQuestion(account_id=rep.id, position=position, question=f"Question {position}?",
                                    answer_hash=_hash(normalise_answer(ANSWER))))
        return rep.id


def new_session(account_id: int) -> int:
    with session_scope() as db:
        sessions.create(db, db.get(Account, account_id))
        db.flush()
        return db.exec(select(AuthSession.id).where(AuthSession.account_id == account_id)
                       .order_by(AuthSession.id.desc())).first()


def _answers(person: dict, position: int) -> dict:
    minor = bool(person.get("minor", False))
    born = person.get("born") or (date(2015, 5, position) if minor else date(1980 + position, 5, position))
    return {"family_name": person.get("family", "Test"), "given_names": person.get("given", f"Client{position}"),
            "date_of_birth": born.isoformat(), "country": person.get("country", "MA"),
            "application_type": person.get("type", "visitor_visa"), "minor": "yes" if minor else "no"}


def make_draft(account_id: int, people: list[dict], *, file_number: str = "DOSSIER-1", upload: bool = True,
               status: str = "draft") -> Draft:
    """A complete draft built through part A's questionnaire service (every step saved
    with "Suivant"), at the document checklist. people: [{"given", "family", "type",
    "fee", "biometrics", "minor", "country", "documents"}]; principal first. `upload`
    adds a (fake, metadata-only) file for every required document."""
    def save(app_id, ref, raw):
        result = applications.save_step(account_id, app_id, ref, raw)
        assert result.ok, (ref, result.problems)
        return result.app_id

    app_id = save(None, "file_number", {"file_number": file_number})
    save(app_id, "applicants", {"count": str(len(people))})
    for n, person in enumerate(people, start=1):  # the flow goes client by client
        save(app_id, f"client.{n}", _answers(person, n))
        save(app_id, f"documents.{n}", {"documents": list(person.get("documents", []))})
    fees = {}
    for n, person in enumerate(people, start=1):
        bio = person.get("biometrics", "none")
        fees.update({f"fee-{n}": person.get("fee", "standard"), f"bio_needed-{n}": "no" if bio == "none" else "yes",
                     f"bio-{n}": "" if bio == "none" else bio})
        if person.get("fee") == "exempt":  # « Dispensé des frais » needs its reason
            fees[f"fee_reason-{n}"] = person.get("fee_reason", "Statut diplomatique : note de l’ambassade jointe")
    save(app_id, "fees", fees)
    applications.set_position(account_id, app_id, "documents")
    checklist = applications.document_checklist(account_id, app_id)
    with session_scope() as db:
        if upload:
            for entry in checklist:
                for item in entry["documents"]:
                    if item["required"]:
                        db.add(Document(owner_id=account_id, application_id=app_id, applicant_id=entry["applicant_id"],
                                        slot_code=item["code"], original_name=f"{item['code']}.pdf",
                                        content_type="application/pdf", size_bytes=1234,
                                        storage_key="test-" + secrets.token_hex(16)))
        ids = [e["applicant_id"] for e in checklist]
    if status == "signed":
        applications.mark_signed(account_id, app_id)
    return Draft(account_id, 0, app_id, ids)


def test_make_draft_builds_a_complete_draft(migrated_db):
    rep = make_rep()
    draft = make_draft(rep, [{"type": "study_permit", "biometrics": "standard"}])
    view = submission.view(rep, draft.application_id)
    assert view.status == "draft" and len(view.applicants) == 1
    assert view.missing_documents == []
    assert view.total_cents == 23500


def main(argv: list[str]) -> None:
    """For browser tests: print a JSON Draft for the demo representative.
    argv[0]: JSON list of people; argv[1] (optional): file number."""
    people = json.loads(argv[0])
    with session_scope() as db:
        rep = db.exec(select(Account).where(Account.username == "demo.rep")).one()
        rep_id = rep.id
    draft = make_draft(rep_id, people, file_number=argv[1] if len(argv) > 1 else "DOSSIER-NAV")
    print(json.dumps(dataclasses.asdict(draft)))


if __name__ == "__main__":
    main(sys.argv[1:])
