"""Append-only audit log. Call `record` inside the same transaction as the change
it describes, so the entry and the change commit (or roll back) together."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from rar_app.models import AuditEvent


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    actor_role: str = "",
    object_type: str = "",
    object_id: int | str | None = None,
    ip: str = "",
    **details: Any,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        actor_role=actor_role,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        ip=ip[:64],
        details=json.dumps(details, default=str, sort_keys=True),
    )
    session.add(event)
    return event


def events_for(session: Session, object_type: str, object_id: int | str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.id)
        )
    )
