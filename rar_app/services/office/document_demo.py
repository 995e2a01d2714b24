"""A small draft application on which a representative can try the document
uploader (page `documents_demo`). No Reflex here.

The draft is an ordinary visitor-visa application of the signed-in
representative, with one applicant, found again by its client file number;
it appears among their unsubmitted applications like any other."""

from __future__ import annotations

import dataclasses
from datetime import date

from sqlmodel import select

from rar_app import rules
from rar_app.db import session_scope
from rar_app.models import Account, Applicant, Application, Client
from rar_app.services import audit

DEMO_FILE_NUMBER = "DEMO-DOCUMENTS"
DEMO_APPLICATION_TYPE = "visitor_visa"


@dataclasses.dataclass(frozen=True)
class DemoApplication:
    application_id: int
    applicant_id: int
    status: str


def ensure_document_demo(account_id: int, *, ip: str = "") -> DemoApplication:
    """The representative's document demonstration draft, created on first use.
    Only for an active representative account (ValueError otherwise)."""
    with session_scope() as db:
        account = db.get(Account, account_id)
        if account is None or account.role != "representative" or account.status != "active":
            raise ValueError("not an active representative")
        app = db.exec(
            select(Application)
            .where(Application.representative_id == account_id, Application.client_file_number == DEMO_FILE_NUMBER,
                   Application.status != "deleted")
            .order_by(Application.id.desc())
        ).first()
        if app is None:
            app = Application(representative_id=account_id, client_file_number=DEMO_FILE_NUMBER)
            db.add(app)
            db.flush()
            audit.record(db, "application.create", actor_id=account_id, actor_role="representative",
                         object_type="application", object_id=app.id, ip=ip, purpose="document_demo")
        applicant = db.exec(
            select(Applicant).where(Applicant.application_id == app.id).order_by(Applicant.position)
        ).first()
        if applicant is None:
            client = Client(representative_id=account_id, family_name="Démo", given_names="Marie",
                            date_of_birth=date(1990, 1, 1), country_of_residence="FR")
            db.add(client)
            db.flush()
            applicant = Applicant(application_id=app.id, position=1, client_id=client.id,
                                  application_type=DEMO_APPLICATION_TYPE)
            db.add(applicant)
            db.flush()
        return DemoApplication(app.id, applicant.id, app.status)


def demo_slots() -> list[dict]:
    """The visitor visa checklist of the rules engine (the uploader's slot definitions)."""
    return rules.required_documents(DEMO_APPLICATION_TYPE, minor=False, sds=False)
