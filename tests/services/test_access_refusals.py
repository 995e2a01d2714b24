"""Generated from the access table (rar_app/access_table.py, issue 14): every handler
that takes an object id is called with the id of another representative's object —
signed out, as another representative, as a client, as staff (as an administrator for
staff-only handlers) — on a state primed as a crafted event would find it, and must be
refused with nothing changed in the database."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import io

import pytest
from sqlalchemy import MetaData, select as sa_select

from rar_app import access_table
from rar_app.db import get_engine, session_scope
from rar_app.models import Account, AccountRequest, Message, Payment, StaffReview
from rar_app.services.casework import documents
from rar_app.services.casework.documents import Actor
from rar_app.services.identity import sessions
from tests import state_harness
from tests.fixtures.documents import samples
from tests.services.test_search_helpers import make_account, make_application, stop_mail_worker  # noqa: F401

VOLATILE = {"audit_event", "auth_session", "auth_throttle", "login_ticket"}  # refusals are logged; sessions touched


@pytest.fixture
def world(migrated_db):
    with session_scope() as db:
        victim = make_account(db)
        people = {"other_rep": make_account(db), "client": make_account(db, "client"),
                  "staff": make_account(db, "staff"), "admin": make_account(db, "admin")}
        submitted, applicant = _app(db, victim, number="V900000901")
        draft, _ = _app(db, victim, number=None, submitted=False)
        signed, _ = _app(db, victim, number=None, submitted=False)
        signed.status = "signed"
        db.add(signed)
        message = Message(account_id=victim.id, subject_fr="Demande V900000901 — Exemple",
                          subject_en="Application V900000901 — Exemple", body_fr="Exemple", body_en="Exemple")
        db.add(message)
        request = AccountRequest(account_id=victim.id, kind="name_change", details="{}")
        db.add(request)
        payment = Payment(application_id=submitted.id, idempotency_key="pay_access_table_victim_0001",
                          amount_cents=18500, method="card", status="approved", account_id=victim.id)
        db.add(payment)
        db.flush()
        review = StaffReview(kind="representative_removal", application_id=submitted.id,
                             applicant_id=applicant.id, requested_by_id=people["client"].id)
        db.add(review)
        db.flush()
        ids = {"victim": victim.id, **{k: v.id for k, v in people.items()},
               "application": submitted.id, "application_number": "V900000901", "draft": draft.id,
               "signed": signed.id, "message": message.id,
               "account_request": request.id, "payment": payment.id, "review": review.id}
    doc = documents.upload(Actor(ids["victim"], "representative", session_id=1), ids["draft"], None, "passport",
                           "p.pdf", io.BytesIO(samples.pdf(marker="victim")))
    ids["document"] = doc.document.id
    return ids


def _app(db, rep, *, number, submitted=True):
    out = make_application(db, rep, number=number, submitted=submitted)
    return out[0], out[1]


def _snapshot() -> dict[str, list[tuple]]:
    meta = MetaData()
    meta.reflect(get_engine())
    with get_engine().connect() as conn:
        return {name: sorted(map(tuple, conn.execute(sa_select(table)).all()), key=repr)
                for name, table in meta.tables.items() if name not in VOLATILE}


def _token(account_id: int) -> str:
    with session_scope() as db:
        return sessions.create(db, db.get(Account, account_id))


def _personas(roles: tuple[str, ...]) -> list[str]:
    """Signed out, another representative, a client, staff — and an administrator instead of
    staff when staff are the handler's own users."""
    base = ["signed_out", "other_rep", "client"]
    return base + (["admin"] if "staff" in roles else ["staff"] + (["admin"] if "admin" not in roles else []))


CASES = []
for key, (source, name, kind) in sorted(access_table.ID.items()):
    state_path, handler = key.rsplit(".", 1)
    roles = access_table.HANDLERS[state_path][0]
    for persona in _personas(roles):
        CASES.append(pytest.param(state_path, handler, source, name, kind, persona, id=f"{key}-{persona}"))


def _state_class(path: str):
    module, cls = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), cls)


class _Upload:
    def __init__(self) -> None:
        self.file, self.filename, self.headers = io.BytesIO(samples.pdf(marker="attacker")), "a.pdf", {}


ATTEMPT = "attempt-key-issued-to-this-page"
# What a crafted event sends as a handler's form: complete and valid, so that only the
# object check can refuse it (a test card the demo gateway approves, an attempt key this
# page issued, the signature's names and answer).
FORM = {"attempt_key": ATTEMPT, "card-holder": "Anne Intruse", "card-number": "4242424242424242",
        "card-expiry-month": "12", "card-expiry-year": "2035", "card-security-code": "123",
        "institution": "rbc", "answer": "Pixel", "agree": "yes"}


def _prime(state, kind: str, world: dict) -> None:
    """What a crafted event could count on: the uploader configured on the victim's draft,
    showing the victim's document (backend vars the attacker cannot set, set here anyway);
    the payment page with an attempt key issued and a bank chosen; the signature's names."""
    from rar_app.state.documents import FileRow, SlotRow

    name = type(state).__name__
    if name == "DocumentsState":
        state._application_id = world["draft"]
        state._slot_defs = [{"code": "passport", "label_fr": "Passeport", "label_en": "Passport"}]
        state.slots = [SlotRow(slot_code="passport", files=[FileRow(document_id=world["document"])])]
        state.editable = True
    elif name == "FinishPayState":
        state._issued_keys = [ATTEMPT]
        state.institution = "rbc"
    elif name == "FinishSignState":
        state.given_names, state.family_name = "Anne", "Intruse"


def _route(state_path: str) -> str:
    """The page the handler serves: program pages need a program's address (the default
    program's, else the first program that has that page)."""
    import rar_app.rar_app  # noqa: F401  (registers every page)
    from rar_app import routes
    from rar_app.programs import registry

    pages = {"QuestionState": None, "ProgramResultsState": "results", "FinishSignState": "signature",
             "FinishPayState": "payment"}
    cls = state_path.rsplit(".", 1)[1]
    if cls in pages:
        programs = [registry.default()] + [p for p in registry.all_programs() if p is not registry.default()]
        for program in programs:
            page_id = program.page_id(pages[cls] or program.start_page())
            if page_id in routes.ROUTES:
                return routes.url(page_id, "fr")
        raise AssertionError(f"no program page for {cls}")
    return "/fr/arriere-guichet" if "backoffice" in state_path else "/fr/etat-de-la-demande"


@pytest.mark.parametrize("state_path, handler, source, name, kind, persona", CASES)
def test_foreign_ids_are_refused_with_nothing_changed(world, state_path, handler, source, name, kind, persona):
    value = world[kind]
    token = None if persona == "signed_out" else _token(world[persona])
    cls = _state_class(state_path)
    route = _route(state_path)
    query = {name: str(value)} if source == "query" else None
    state = state_harness.state(cls, token=token, path=route, query=query)
    _prime(state, kind, world)
    if source == "var":  # set as a crafted `setvar` event would
        setattr(state, name, type(getattr(state, name))(value))
    before = _snapshot()
    args: tuple = ()
    if source == "arg":  # the id where it goes; any other parameter gets the victim's account id

        params = list(inspect.signature(cls.event_handlers[handler].fn).parameters)[1:]
        args = tuple(value if p == name else [_Upload()] if p == "files" else world["victim"] for p in params)
    elif source == "var":  # a form handler gets a complete, valid form
        params = list(inspect.signature(cls.event_handlers[handler].fn).parameters)[1:]
        args = tuple(dict(FORM) if p in ("form", "_form") else world["victim"] for p in params)
    asyncio.run(state_harness.call(state, handler, *args))
    after = _snapshot()
    changed = {t for t in before if before[t] != after[t]}
    assert not changed, f"{persona} changed {changed} through {state_path}.{handler}({value!r})"
    # Nothing of the victim's file reached the state either (its number, its client's name).
    shown = repr(state.dict())
    assert "Exemple" not in shown and ("V900000901" not in shown or source == "query"), shown[:500]


def test_the_generated_cases_cover_every_id_handler():
    assert {c.values[0] + "." + c.values[1] for c in CASES} == set(access_table.ID)
    assert len(CASES) >= 4 * len(access_table.ID)


CONTROLS = [  # the same crafted calls by the owner do change things: the priming reaches the services
    ("rar_app.state.program_payment.FinishPayState.pay_card", "payment"),
    ("rar_app.state.program_sign.FinishSignState.withdraw_signature", "application"),
    ("rar_app.pages.messages.MessageState.load", "message"),
]


@pytest.mark.parametrize("key, table", CONTROLS, ids=[c[0].rsplit(".", 2)[-2] + "." + c[0].rsplit(".", 1)[1]
                                                      for c in CONTROLS])
def test_the_owner_gets_through_the_same_call(world, key, table):
    source, name, kind = access_table.ID[key]
    state_path, handler = key.rsplit(".", 1)
    cls = _state_class(state_path)
    value = world[kind]
    state = state_harness.state(cls, token=_token(world["victim"]), path=_route(state_path),
                                query={name: str(value)} if source == "query" else None)
    _prime(state, kind, world)
    args: tuple = ()
    if source == "var":
        setattr(state, name, type(getattr(state, name))(value))
        params = list(inspect.signature(cls.event_handlers[handler].fn).parameters)[1:]
        args = tuple(dict(FORM) if p in ("form", "_form") else world["victim"] for p in params)
    before = _snapshot()
    asyncio.run(state_harness.call(state, handler, *args))
    assert before[table] != _snapshot()[table], f"the owner's {handler} changed nothing in {table}"
