"""Consistency of the document store with the rows: the orphan report (objects
without a live row, live rows without an object), the purge of stray objects, and
the check the portal runs at start-up."""

from __future__ import annotations

import dataclasses
import time
from typing import Any, Iterable

from sqlmodel import select

from rar_app.db import session_scope
from rar_app.models import Document
from rar_app.services.casework.documents import _live, log  # the documents service's log
from rar_app.storage import DocumentStore, StorageUnavailable, StoredObject, check_key, get_store

# ---------------------------------------------------------------------------
# Consistency: the orphan report


@dataclasses.dataclass
class OrphanReport:
    store: str
    objects_checked: int = 0
    rows_checked: int = 0
    objects_without_rows: list[StoredObject] = dataclasses.field(default_factory=list)
    # Newer than the grace period: possibly an upload between its put and its commit.
    recent_objects_without_rows: list[StoredObject] = dataclasses.field(default_factory=list)
    rows_without_objects: list[tuple[int, str]] = dataclasses.field(default_factory=list)  # (document id, key)

    @property
    def consistent(self) -> bool:
        return not self.objects_without_rows and not self.rows_without_objects

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "consistent": self.consistent,
            "objects_checked": self.objects_checked,
            "rows_checked": self.rows_checked,
            "objects_without_rows": [o.key for o in self.objects_without_rows],
            "recent_objects_without_rows": [o.key for o in self.recent_objects_without_rows],
            "rows_without_objects": [{"document_id": i, "key": k} for i, k in self.rows_without_objects],
        }

    def summary(self) -> str:
        return (f"{self.store}: {self.objects_checked} objects, {self.rows_checked} live rows; "
                f"{len(self.objects_without_rows)} objects without rows "
                f"(+{len(self.recent_objects_without_rows)} recent, maybe uploads in progress), "
                f"{len(self.rows_without_objects)} rows without objects")


def _live_keys(keys: Iterable[str] | None = None) -> dict[str, int]:
    with session_scope() as db:
        query = _live(select(Document.storage_key, Document.id))
        if keys is not None:
            query = query.where(Document.storage_key.in_(list(keys)))
        return {key: doc_id for key, doc_id in db.exec(query)}


def find_orphans(*, store: DocumentStore | None = None, grace_seconds: float = 3600) -> OrphanReport:
    """Compare the live rows with the stored objects, both ways. Candidates are
    checked a second time, so a document added or deleted during the scan is
    not reported. Raises StorageUnavailable when the store cannot be listed."""
    store = store or get_store()
    store.check()
    rows = _live_keys()
    report = OrphanReport(store=repr(store), rows_checked=len(rows))
    seen: set[str] = set()
    strays: list[StoredObject] = []
    for obj in store.list_objects():
        report.objects_checked += 1
        seen.add(obj.key)
        if obj.key not in rows:
            strays.append(obj)
    if strays:
        now_rows = _live_keys(o.key for o in strays)
        cutoff = time.time() - grace_seconds
        for obj in strays:
            if obj.key in now_rows:
                continue
            recent = obj.last_modified.timestamp() > cutoff
            (report.recent_objects_without_rows if recent else report.objects_without_rows).append(obj)
    missing = [key for key in rows if key not in seen]
    if missing:
        still_live = _live_keys(missing)
        for key in missing:
            if key in still_live and not store.exists(key):
                report.rows_without_objects.append((still_live[key], key))
    return report


def purge_orphans(report: OrphanReport, *, store: DocumentStore | None = None) -> list[str]:
    """Delete the objects without rows that `report` lists (not the recent ones),
    each checked once more against the database first. Rows without objects are
    only reported: a person decides (restore the object from backup, or delete
    the document). Returns the deleted keys."""
    store = store or get_store()
    deleted: list[str] = []
    candidates = []
    for obj in report.objects_without_rows:
        try:
            candidates.append(check_key(obj.key))
        except ValueError:
            log.warning("not deleting %r: not a key the portal creates", obj.key)
    live = _live_keys(candidates)
    for key in candidates:
        if key not in live:
            store.delete(key)
            deleted.append(key)
    remove_partials = getattr(store, "remove_stale_partials", None)
    if remove_partials is not None:
        remove_partials()
    return deleted


def startup_check(*, store: DocumentStore | None = None) -> OrphanReport | None:
    """For the portal's start-up: log the orphan report (a warning when
    inconsistent, an error when the store is unreachable). Never raises."""
    try:
        report = find_orphans(store=store)
    except StorageUnavailable as exc:
        log.error("document storage unavailable at start-up: %s", exc.detail or exc)
        return None
    except Exception:
        log.exception("document orphan check failed")
        return None
    (log.info if report.consistent else log.warning)("documents: %s", report.summary())
    return report
