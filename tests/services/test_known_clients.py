"""A client the portal already knows: the details the same representative gave in an earlier
application are offered on a new one's first visit of a step (issue 13), never another
representative's, never over saved answers; the reuse is logged as a read of personal data."""

from __future__ import annotations

import pytest
from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import AuditEvent
from rar_app.services.casework import applications, known_clients
from rar_app.programs import registry
from tests.services.test_eta_ifhp_flows import ETA_ORDER, IFHP_ORDER, _fill
from tests.services.test_office_eta_ifhp import ETA_ANSWERS, IFHP_ANSWERS
from tests.services.test_submission_drafts import make_rep

BEFORE_CONTACT = ETA_ORDER[:ETA_ORDER.index("contact")]


@pytest.fixture
def rep(migrated_db):
    return make_rep()


def _earlier_eta(rep: int, **contact) -> int:
    answers = {**ETA_ANSWERS, "contact": {"email": "claire.martin@example.invalid", "phone": "+33 1 23 45 67 89",
                                          "language": "fr", **contact},
               "employment": {"occupation": "employed", "job_title": "Ingénieure", "employer": "Airbus"}}
    return _fill(rep, "eta", ETA_ORDER, answers)


def _new_eta_up_to_contact(rep: int, passport: dict | None = None) -> int:
    answers = {**ETA_ANSWERS, "passport": {**ETA_ANSWERS["passport"], **(passport or {})}}
    app_id = None
    for ref in BEFORE_CONTACT:
        app_id = applications.save_step(rep, app_id, ref, dict(answers[ref]), kind="eta").app_id
    return app_id


def test_eta_contact_and_employment_prefilled_for_the_same_client(rep):
    _earlier_eta(rep)
    app_id = _new_eta_up_to_contact(rep)
    contact = applications.open_step(rep, app_id, "contact").values
    assert contact == {"email": "claire.martin@example.invalid", "phone": "+33 1 23 45 67 89", "language": "fr"}
    assert applications.save_step(rep, app_id, "contact", contact, kind="eta").ok  # « Suivant » as shown
    employment = applications.open_step(rep, app_id, "employment").values
    assert employment == {"occupation": "employed", "job_title": "Ingénieure", "employer": "Airbus"}
    with session_scope() as db:
        reads = db.exec(select(AuditEvent).where(AuditEvent.action == "personal.read",
                                                 AuditEvent.object_id == str(app_id))).all()
    assert reads, "reusing a known client's details is logged"


def test_names_compare_without_accents_case_or_punctuation(rep):
    _earlier_eta(rep)
    app_id = _new_eta_up_to_contact(rep, {"family_name": "MARTÎN", "given_names": "claire"})
    assert applications.open_step(rep, app_id, "contact").values["email"] == "claire.martin@example.invalid"


def test_another_client_or_birth_date_is_not_matched(rep):
    _earlier_eta(rep)
    app_id = _new_eta_up_to_contact(rep, {"date_of_birth": "1991-05-04"})
    assert applications.open_step(rep, app_id, "contact").values == {}


def test_never_another_representatives_client(rep):
    other = make_rep("rep.other", "Paul", "Gagnon")
    _earlier_eta(other)
    app_id = _new_eta_up_to_contact(rep)
    assert applications.open_step(rep, app_id, "contact").values == {}
    applications.save_step(rep, app_id, "contact", {"email": "x@example.invalid", "language": "fr"}, kind="eta")
    assert applications.open_step(rep, app_id, "employment").values == {}


def test_saved_answers_are_never_overwritten(rep):
    _earlier_eta(rep)
    app_id = _new_eta_up_to_contact(rep)
    applications.save_step(rep, app_id, "contact", {"email": "nouvelle@example.invalid", "language": "en"}, kind="eta")
    saved = applications.open_step(rep, app_id, "contact").values
    assert (saved["email"], saved["language"], saved.get("phone")) == ("nouvelle@example.invalid", "en", "")


def test_ifhp_city_from_an_earlier_request_matched_by_uci(rep):
    _fill(rep, "ifhp", IFHP_ORDER, IFHP_ANSWERS)
    # Same UCI, names written differently: the UCI decides.
    client = {**IFHP_ANSWERS["client"], "family_name": "Hadad", "uci": "0012345678"}
    app_id = None
    for ref in IFHP_ORDER[:IFHP_ORDER.index("city")]:
        raw = client if ref == "client" else IFHP_ANSWERS[ref]
        app_id = applications.save_step(rep, app_id, ref, dict(raw), kind="ifhp").app_id
    assert applications.open_step(rep, app_id, "city").values == {"city": "Montréal (QC)"}


def test_same_client_rules():
    a = {"family_name": "Côté", "given_names": "Anne-Marie", "date_of_birth": "1990-01-02"}
    assert known_clients.same_client(a, {"family_name": "COTE", "given_names": "anne marie",
                                         "date_of_birth": "1990-01-02"})
    assert not known_clients.same_client(a, {**a, "uci": "1111111111"} | {"given_names": "Anne"})
    assert known_clients.same_client({**a, "uci": "11-1111-1111"}, {"family_name": "X", "uci": "1111111111"})
    assert not known_clients.same_client({**a, "uci": "1111111111"}, {**a, "uci": "2222222222"})
    # A single-name client (no given names) matches on the family name and birth date alone.
    single = {"family_name": "Suharto", "date_of_birth": "1970-06-08"}
    assert known_clients.same_client(single, dict(single))
    assert not known_clients.same_client({"family_name": "Suharto"}, {"family_name": "Suharto"})


def test_programs_without_client_details_know_nobody(rep):
    program = registry.get("eta")
    with session_scope() as db:
        assert known_clients.known_details(db, rep, program, {}) == {}
