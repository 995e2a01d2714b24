"""Read-only after submission: a `before_flush` guard (installed when this module is
imported — `submission` imports it, as the portal always does) refuses any change to a
submitted application's content or its applicants' content and raises
`ReadOnlyApplication`. Processing fields (Applicant.status, processing_step,
biometrics_*, decision, issued_*, status_changed_at) and who holds the file
(Application.representative_id, client_account_id) stay writable. "Submitted" means:
when the transaction first read it (an application created, or submitted, in the same
transaction can still be completed in it)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect as sa_inspect, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.util import identity_key

from rar_app.models import Applicant, Application
from rar_app.services.casework.errors import ReadOnlyApplication

# Fields that may still change once an application is submitted: processing by IRCC,
# and who holds the file (linking, a client taking it over).
_APPLICANT_PROCESSING_FIELDS = frozenset(
    {"status", "processing_step", "biometrics_status", "biometrics_at", "decision", "issued_document", "issued_at",
     "status_changed_at"})
_APPLICATION_PROCESSING_FIELDS = frozenset(
    {"status", "updated_at", "reference", "representative_id", "client_account_id"})


def _committed(obj: Any, attr: str) -> Any:
    history = sa_inspect(obj).attrs[attr].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    return getattr(obj, attr)


def _changed_fields(obj: Any) -> set[str]:
    state = sa_inspect(obj)
    return {a.key for a in state.attrs if a.history.has_changes()}


_LOADED = "rar_application_status_at_load"


def _remember_status(target: Application, context: Any, *_attrs: Any) -> None:
    """The status an application had when this transaction read it: a flush in the
    middle of the transaction (autoflush before a query) must not make the guard
    believe it was submitted before."""
    session = getattr(context, "session", None)
    if session is not None and target.id is not None:
        session.info.setdefault(_LOADED, {})[target.id] = target.status


def _remember_new(session: OrmSession, instance: Any) -> None:
    """An application created in this transaction is being built: not guarded until committed."""
    if isinstance(instance, Application) and instance.id is not None:
        session.info.setdefault(_LOADED, {})[instance.id] = "new"


def _forget_statuses(session: OrmSession, *_args: Any) -> None:
    session.info.pop(_LOADED, None)


def _status_at_start(session: OrmSession, app: Application) -> str:
    return session.info.get(_LOADED, {}).get(app.id, _committed(app, "status"))


def _submitted_before(session: OrmSession, application_id: int | None) -> bool:
    if application_id is None:
        return False
    app = session.identity_map.get(identity_key(Application, application_id))
    if app is not None:
        return _status_at_start(session, app) == "submitted"
    with session.no_autoflush:
        status = session.execute(select(Application.status).where(Application.id == application_id)).scalar()
    return status == "submitted"


def _guard(session: OrmSession, _context: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted) + list(session.new):
        if isinstance(obj, Application) and obj not in session.new:
            if _status_at_start(session, obj) != "submitted":
                continue
            if obj in session.deleted or _changed_fields(obj) - _APPLICATION_PROCESSING_FIELDS:
                raise ReadOnlyApplication()
        elif isinstance(obj, Applicant):
            app_id = _committed(obj, "application_id") if obj not in session.new else obj.application_id
            if not _submitted_before(session, app_id):
                continue
            if obj in session.new or obj in session.deleted or _changed_fields(obj) - _APPLICANT_PROCESSING_FIELDS:
                raise ReadOnlyApplication()


def install_read_only_guard() -> None:
    if not event.contains(OrmSession, "before_flush", _guard):
        event.listen(OrmSession, "before_flush", _guard)
        event.listen(Application, "load", _remember_status)
        event.listen(Application, "refresh", _remember_status)
        event.listen(OrmSession, "pending_to_persistent", _remember_new)
        for name in ("after_commit", "after_soft_rollback"):
            event.listen(OrmSession, name, _forget_statuses)


install_read_only_guard()
