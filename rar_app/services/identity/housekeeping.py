"""Periodic clean-up of identity data (a manage command or a timer)."""

from __future__ import annotations

from sqlmodel import Session

from rar_app.services.identity import demo_partner, oidc, sessions
from rar_app.services.identity.throttle import purge_throttles


def housekeeping(db: Session) -> dict[str, int]:
    """Ended sessions and tickets, spent throttle counters, abandoned Sign-In Partner logins, unused demo partner codes."""
    return {"sessions": sessions.purge_expired(db), "throttles": purge_throttles(db),
            "oidc_logins": oidc.purge_expired(db), "demo_partner_codes": demo_partner.purge_expired(db)}
