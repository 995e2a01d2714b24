"""Demo data for `./run` and training decks: loaded when the database is empty.

All names and numbers are fictional."""

from __future__ import annotations

from sqlmodel import Session, select

from rar_app.models import Account, SecurityQuestion, utcnow
from rar_app.services import audit
from rar_app.services.passwords import hash_secret, normalise_answer

DEMO_USERNAME = "demo.rep"
DEMO_PASSWORD = "Demo2026rar"
DEMO_SECURITY_ANSWER = "demo"  # the answer to each of the demo representative's questions


def database_is_empty(db: Session) -> bool:
    return db.exec(select(Account.id).limit(1)).first() is None


def load_demo_world(db: Session) -> Account:
    """Creates the demo representative (and, as features land, the rest of the demo world)."""
    rep = Account(
        role="representative",
        status="active",
        username=DEMO_USERNAME,
        password_hash=hash_secret(DEMO_PASSWORD),
        family_name="Tremblay-Démo",
        given_names="Camille",
        email="camille.demo@example.invalid",
        phone="+1 613 555 0100",
        business_name="Cabinet Démo Immigration inc.",
        business_address="100, rue Fictive, Ottawa (Ontario) K1A 0A0",
        language="fr",
        regulatory_body="CICC",
        membership_number="R000000",
        approved_at=utcnow(),
    )
    db.add(rep)
    db.flush()
    questions = [
        "Nom de votre premier animal de compagnie? / Name of your first pet?",
        "Ville de naissance de votre mère? / Your mother's city of birth?",
        "Titre de votre livre préféré? / Title of your favourite book?",
    ]
    for position, question in enumerate(questions, start=1):
        db.add(SecurityQuestion(account_id=rep.id, position=position, question=question,
                                answer_hash=hash_secret(normalise_answer(DEMO_SECURITY_ANSWER))))
    audit.record(db, "demo.loaded", object_type="account", object_id=rep.id)
    return rep
