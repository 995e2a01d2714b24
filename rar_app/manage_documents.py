"""Document storage maintenance.

    python -m rar_app.manage_documents check             # is the store reachable and writable?
    python -m rar_app.manage_documents orphans [--json]  # objects without rows, rows without objects
    python -m rar_app.manage_documents orphans --purge   # ... and delete the objects without rows

`orphans` skips objects younger than --grace-minutes (default 60): they may be
uploads between their put and their commit. Rows without objects are only
reported. Exit status: 0 consistent, 1 inconsistencies found, 2 storage or
database unavailable (or the database not migrated).
"""

from __future__ import annotations

import argparse
import json
import sys

from sqlalchemy.exc import SQLAlchemyError

from rar_app.services.casework import document_orphans
from rar_app.storage import StorageUnavailable, get_store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rar_app.manage_documents", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="check that the document store is reachable and writable")
    orphans = sub.add_parser("orphans", help="report (and optionally purge) orphans")
    orphans.add_argument("--purge", action="store_true", help="delete the objects that have no row")
    orphans.add_argument("--grace-minutes", type=float, default=60.0)
    orphans.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)

    store = get_store()
    try:
        if args.command == "check":
            store.check()
            print(f"ok: {store!r}")
            return 0
        report = document_orphans.find_orphans(store=store, grace_seconds=args.grace_minutes * 60)
        purged = document_orphans.purge_orphans(report, store=store) if args.purge else []
    except StorageUnavailable as exc:
        print(f"storage unavailable: {exc.detail or exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"database unavailable or not migrated: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({**report.as_dict(), "purged": purged}, indent=2))
    else:
        print(report.summary())
        for obj in report.objects_without_rows:
            print(f"  object without row: {obj.key} ({obj.size} bytes, {obj.last_modified:%Y-%m-%d %H:%M} UTC)"
                  + (" — deleted" if obj.key in purged else ""))
        for obj in report.recent_objects_without_rows:
            print(f"  recent object without row (left alone): {obj.key}")
        for doc_id, key in report.rows_without_objects:
            print(f"  row without object: document {doc_id} (key {key})")
    remaining = [o for o in report.objects_without_rows if o.key not in purged]
    return 0 if not remaining and not report.rows_without_objects else 1


if __name__ == "__main__":
    sys.exit(main())
