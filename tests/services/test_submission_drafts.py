"""Test drafts for the end of the visitor/study/work wizard, written straight into
the database with the models (part A's wizard builds them the same way).

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
from rar_app.models import Account, Applicant, Application, AuthSession, Client, Document, SecurityQuestion, utcnow
from rar_app.services import sessions, submission
from rar_app.services.passwords import hash_secret, normalise_answer

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


def make_draft(account_id: int, people: list[dict], *, file_number: str = "DOSSIER-1", upload: bool = True,
               status: str = "draft") -> Draft:
    """people: [{"given", "family", "type", "fee", "biometrics", "minor"}]; principal first."""
    with session_scope() as db:
        app = Application(representative_id=account_id, client_file_number=file_number, status=status,
                          wizard_step="review")
        db.add(app)
        db.flush()
        ids = []
        for position, person in enumerate(people, start=1):
            client = Client(representative_id=account_id, given_names=person.get("given", f"Client{position}"),
                            family_name=person.get("family", "Test"),
                            date_of_birth=person.get("born", date(1990 + position, 5, position)))
            db.add(client)
            db.flush()
            applicant = Applicant(application_id=app.id, position=position, client_id=client.id,
                                  application_type=person.get("type", "visitor_visa"),
                                  fee_option=person.get("fee", "standard"),
                                  biometrics_option=person.get("biometrics", "none"),
                                  is_minor=bool(person.get("minor", False)))
            db.add(applicant)
            db.flush()
            ids.append(applicant.id)
            if upload:
                for item in submission.chosen_documents(app, applicant):
                    if item["required"]:
                        db.add(Document(owner_id=account_id, application_id=app.id, applicant_id=applicant.id,
                                        slot_code=item["code"], original_name=f"{item['code']}.pdf",
                                        content_type="application/pdf", size_bytes=1234,
                                        storage_key="test-" + secrets.token_hex(16)))
        if status == "signed":
            app.signed_at = utcnow()
        return Draft(account_id, 0, app.id, ids)


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
