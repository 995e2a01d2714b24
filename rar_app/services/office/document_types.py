"""What each uploaded file is: the document type (the checklist's label) of its slot,
for the pages that list an application's files after submission."""

from __future__ import annotations

from sqlmodel import Session, select

from rar_app import rules
from rar_app.models import Applicant, Application
from rar_app.services.casework import answers


def slot_labels(db: Session, app: Application) -> dict[str, tuple[str, str]]:
    """{slot code: (French label, English label)} from the program's checklist for every
    applicant, under the rules in force when the application was submitted."""
    try:
        program = answers.program_of(app)
    except answers.NotFound:
        program = None
    when = app.submitted_at.date() if app.submitted_at else None
    ctx = answers.context(app, when)
    labels: dict[str, tuple[str, str]] = {}
    for row in db.exec(select(Applicant).where(Applicant.application_id == app.id).order_by(Applicant.position)):
        items = list(program.checklist(ctx, row.position)) if program and program.checklist else []
        try:  # the rules' checklist of the applicant's type (files of paper or imported applications too)
            items += rules.required_documents(row.application_type, minor=row.is_minor, sds=row.sds, on_date=when)
        except rules.RulesInputError:
            pass
        for item in items:
            labels.setdefault(str(item["code"]), (str(item.get("label_fr") or ""), str(item.get("label_en") or "")))
    return labels
