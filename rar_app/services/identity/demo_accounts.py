"""The demo accounts of a training deployment: an active representative, an
administrator and back-office staff, with a known password and security answers."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from rar_app.models import Account, utcnow
from rar_app.services import audit
from rar_app.services.identity.accounts import _store_questions, find_by_username
from rar_app.services.identity.passwords import hash_secret

DEMO_PASSWORD = "Portail2026Rar"  # meets the rules for demo.rep, demo.admin and demo.staff; not a common password
DEMO_SECURITY_ANSWERS: tuple[tuple[str, str], ...] = (
    ("first_pet", "Pixel"),
    ("birth_city", "Trois-Rivières"),  # accents and case do not matter: "trois-rivieres" works too
    ("primary_school", "Sainte-Marie"),
)
# The demo administrator's and staff's second factor (TOTP) on a loopback training
# portal: published, like the password, so trainers can add it to an authenticator app
# (or compute the code). A deployment others can reach never gets it: they enrol their own.
DEMO_TOTP_SECRET = "RARDEMOTOTPKEYFORTRAININGONLY234"
DEMO_ACCOUNTS: dict[str, dict[str, Any]] = {
    "demo.rep": dict(role="representative", family_name="Démo", given_names="Camille",
                     email="demo.rep@example.invalid", phone="514-555-0100",
                     business_name="Cabinet Démo Immigration", business_address="100, rue Exemple, Montréal (Québec)  H2X 1Y4",
                     language="fr", regulatory_body="CICC", membership_number="R700001"),
    "demo.admin": dict(role="admin", family_name="Admin", given_names="Démo", email="demo.admin@example.invalid",
                       phone="613-555-0101", business_name="Portail des RAR", business_address="Ottawa (Ontario)",
                       language="fr"),
    "demo.staff": dict(role="staff", family_name="Agent", given_names="Démo", email="demo.staff@example.invalid",
                       phone="613-555-0102", business_name="Portail des RAR", business_address="Ottawa (Ontario)",
                       language="fr"),
}


def ensure_demo_accounts(db: Session) -> dict[str, int]:
    """Create the demo accounts if missing (idempotent): an active representative
    `demo.rep`, an administrator `demo.admin` and back-office staff `demo.staff`,
    all with password DEMO_PASSWORD and the security answers DEMO_SECURITY_ANSWERS.
    Returns username → account id."""
    ids: dict[str, int] = {}
    for username, details in DEMO_ACCOUNTS.items():
        account = find_by_username(db, username)
        if account is None:
            now = utcnow()
            account = Account(username=username, password_hash=hash_secret(DEMO_PASSWORD), status="active",
                              created_at=now, approved_at=now, **details)
            db.add(account)
            db.flush()
            _store_questions(db, account.id, DEMO_SECURITY_ANSWERS)
            audit.record(db, "account.demo_created", object_type="account", object_id=account.id,
                         username=username, role=account.role)
        ids[username] = account.id
    return ids
