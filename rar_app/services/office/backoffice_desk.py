"""What the back-office pages call, each in its own transaction: the list of
files, one file, one processing action from the file's form, a paper application.
Every function checks the actor is staff (backoffice.staff_actor / search) and
goes through the back-office service, which audits and notifies."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from rar_app.db import session_scope
from rar_app.services.office import automated, backoffice, search


def search_files(account_id: int, criteria: search.SearchCriteria, after: str | None, *, limit: int = 25):
    with session_scope() as db:
        return search.search(db, account_id, criteria, after=after, limit=limit)


def file_detail(account_id: int, application_id: str) -> dict[str, Any]:
    with session_scope() as db:
        return backoffice.application_detail(db, account_id, application_id)


def parse_date(value: str) -> date | None:
    """A form's ISO date, or None when empty or not a date."""
    try:
        return date.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        return None


def act(account_id: int, ip: str, action: str, applicant_id: int, form: Mapping[str, str], follow_up: bool,
        lang: str) -> Any:
    """One processing action on an applicant's file, with the fields of the file's form."""
    _parse = parse_date
    with session_scope() as db:
        actor = backoffice.staff_actor(db, account_id, ip)
        if action == "record_biometrics":
            return backoffice.record_biometrics(db, actor, applicant_id, _parse(form.get("biometrics_date", ""))
                                                or date.today())
        if action == "request_documents":
            return backoffice.request_documents(
                db, actor, applicant_id, label_fr=form.get("label_fr", ""), label_en=form.get("label_en", ""),
                note_fr=form.get("note_fr", ""), note_en=form.get("note_en", ""), due_on=_parse(form.get("due_on", "")))
        if action == "refuse":
            return backoffice.refuse(db, actor, applicant_id, reason_fr=form.get("reason_fr", ""),
                                     reason_en=form.get("reason_en", ""))
        if action == "close":
            return backoffice.close(db, actor, applicant_id, issued_document=form.get("issued_document", ""),
                                    issued_at=_parse(form.get("issued_at", "")), lang=lang)
        if action == "send_message":
            return backoffice.send_message(db, actor, applicant_id, subject_fr=form.get("subject_fr", ""),
                                           subject_en=form.get("subject_en", ""), body_fr=form.get("body_fr", ""),
                                           body_en=form.get("body_en", ""), follow_up=follow_up)
        if action == "advance":
            return automated.advance(db, actor, applicant_id)
        if action in backoffice.ACTIONS:
            return backoffice.ACTIONS[action](db, actor, applicant_id)
        raise backoffice.TransitionError("not_allowed")


def enter_paper(account_id: int, ip: str, form: backoffice.PaperApplication) -> tuple[str, int]:
    """A paper application entered by staff: its application number and id."""
    with session_scope() as db:
        actor = backoffice.staff_actor(db, account_id, ip)
        applicant = backoffice.enter_paper_application(db, actor, form)
        return applicant.application_number or "", applicant.application_id
