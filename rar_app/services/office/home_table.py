"""The account home's table of applications (the guide: « Lorsqu’une demande est liée à
votre compte, elle devrait apparaître dans le tableau des demandes »): the submitted
applications the representative holds whose processing is not over, the most recently
submitted or linked first (linking touches `updated_at`). Finished ones are found with
« Rechercher »."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from rar_app.models import Applicant, Application, Client
from rar_app.services.office.search import OPEN_STATUSES, actor_account, visible

LIMIT = 10


def open_applications(db: Session, actor_id: int, *, limit: int = LIMIT) -> list[dict[str, Any]]:
    """[{number, name, category, status, received, principal}], one row per applicant."""
    account = actor_account(db, actor_id)
    apps = select(Application.id).where(Application.submitted_at.is_not(None))
    recent = list(db.exec(visible(apps, account).where(Application.id.in_(
        select(Applicant.application_id).where(Applicant.status.in_(OPEN_STATUSES))))
        .order_by(Application.updated_at.desc(), Application.id.desc()).limit(max(1, min(int(limit), 50)))))
    if not recent:
        return []
    order = {app_id: n for n, app_id in enumerate(recent)}
    rows = db.exec(select(Applicant, Client).join(Client, Applicant.client_id == Client.id, isouter=True)
                   .where(Applicant.application_id.in_(recent), Applicant.application_number.is_not(None)))
    out = []
    for applicant, client in sorted(rows, key=lambda r: (order[r[0].application_id], r[0].position)):
        out.append(dict(number=applicant.application_number or "",
                        name=" ".join(x for x in ((client.given_names if client else ""),
                                                  (client.family_name if client else "")) if x),
                        category=applicant.application_type, status=applicant.status,
                        received=applicant.date_received.isoformat() if applicant.date_received else "",
                        principal=applicant.position == 1))
    return out
