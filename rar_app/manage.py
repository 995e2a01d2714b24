"""Maintenance commands: `python -m rar_app.manage migrate|init|reset-demo|check-config`."""

from __future__ import annotations

import argparse
import sys

from rar_app import migrate
from rar_app.settings import ConfigurationError, get_settings


def cmd_migrate(_args: argparse.Namespace) -> int:
    migrate.upgrade(get_settings().database_url)
    return 0


def cmd_init(_args: argparse.Namespace) -> int:
    """Migrate, then load the demo world when the database is empty and demo mode is on."""
    from rar_app.db import session_scope
    from rar_app.services import demo

    settings = get_settings()
    migrate.upgrade(settings.database_url)
    if settings.demo_mode:
        with session_scope() as db:
            if demo.database_is_empty(db):
                demo.load_demo_world(db)
                print("Demo data loaded.")
    from rar_app.services import documents

    documents.startup_check()  # logs the orphan report (or that storage is unreachable); never raises
    return 0


def cmd_check_config(_args: argparse.Namespace) -> int:
    get_settings()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rar_app.manage")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="migrate the database to the newest schema").set_defaults(func=cmd_migrate)
    sub.add_parser("init", help="migrate, and load demo data into an empty database").set_defaults(func=cmd_init)
    sub.add_parser("check-config", help="read the settings; exit 1 with a clear message when wrong").set_defaults(func=cmd_check_config)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigurationError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
