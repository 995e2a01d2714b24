"""Small worlds for the tracking services' tests (search, status, messages, linking,
back office, simulation). No tests here; the helpers are imported by the others."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta, timezone

from rar_app.models import Account, Applicant, Application, Client
from rar_app.services.casework import submission  # noqa: F401  (installs the read-only guard, as the portal does)

_serial = itertools.count(1)


def make_account(db, role: str = "representative", *, username: str | None = None, email: str | None = None,
                 language: str = "fr", status: str = "active") -> Account:
    n = next(_serial)
    account = Account(role=role, status=status, username=username or f"{role}.{n}",
                      email=email if email is not None else f"{role}.{n}@example.invalid", language=language,
                      family_name=f"Nom{n}", given_names="Prénom")
    db.add(account)
    db.flush()
    return account


def make_application(db, rep: Account | None, *, family: str = "Exemple", given: str = "Anne",
                     dob: date = date(1990, 1, 2), uci: str | None = "00-0000-0001", number: str | None = None,
                     application_type: str = "visitor_visa", days_ago: int = 3, paper: bool = False,
                     file_number: str = "", status: str = "submitted", biometrics_option: str = "standard",
                     submitted: bool = True, extra: list[tuple[str, str, date]] | None = None):
    """A submitted application (one applicant, or more with `extra` = [(family, given, dob)])."""
    received = date.today() - timedelta(days=days_ago)
    at = datetime.combine(received, time(9, 0), tzinfo=timezone.utc) + timedelta(seconds=next(_serial))
    client = Client(representative_id=rep.id if rep else None, family_name=family, given_names=given,
                    date_of_birth=dob, uci=uci)
    db.add(client)
    app = Application(representative_id=rep.id if rep else None, status="draft",
                      client_file_number=file_number, is_paper=paper, submitted_at=at if submitted else None)
    db.add(app)
    db.flush()
    people = [(client, family, given, dob)]
    for f, g, d in extra or []:
        c = Client(representative_id=rep.id if rep else None, family_name=f, given_names=g, date_of_birth=d)
        db.add(c)
        db.flush()
        people.append((c, f, g, d))
    applicants = []
    letter = {"visitor_visa": "V", "study_permit": "S"}.get(application_type, "W")
    for position, (c, *_rest) in enumerate(people, start=1):
        a = Applicant(application_id=app.id, position=position, client_id=c.id, application_type=application_type,
                      biometrics_option=biometrics_option)
        if submitted:
            a.application_number = (number if position == 1 and number else f"{letter}{800000000 + next(_serial)}")
            a.status, a.processing_step, a.date_received = status, "submitted", received
            a.status_changed_at = at
        db.add(a)
        applicants.append(a)
    db.flush()
    if submitted:  # complete first, then submitted: the guard keeps submitted content read-only
        app.status = "submitted"
        db.add(app)
        db.flush()
    return app, applicants[0], client, applicants


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def stop_mail_worker(portal_env):
    """Notices posted in a test are sent by this process's delivery thread: stop it
    before the test's database goes away (import this fixture into the test module)."""
    yield
    from rar_app.services.messaging import mailer

    mailer.worker().stop()
    mailer.worker().engine = None
