"""Whether an application an accepted invitation started may still be submitted: past the
pool's application period (`PoolInvitation.apply_by`) the invitation lapses and it may not.
Models only, so the submission service can ask without importing the pool services."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from rar_app.models import PoolInvitation, utcnow


def application_lapsed(db: Session, application_id: int, now: datetime | None = None) -> bool:
    invitation = db.exec(select(PoolInvitation).where(PoolInvitation.application_id == application_id)
                         .order_by(PoolInvitation.id.desc())).first()
    if invitation is None:
        return False
    now = now or utcnow()
    return invitation.state == "lapsed" or (invitation.apply_by is not None and invitation.apply_by <= now)
