"""Maintenance commands: `python -m rar_app.manage migrate|init|reset-demo|deliver-mail|simulate|check-config|verify-audit`."""

from __future__ import annotations

import argparse
import sys

from rar_app import migrate
from rar_app.settings import ConfigurationError, get_settings, harden_data_dir


def cmd_migrate(_args: argparse.Namespace) -> int:
    settings = get_settings()
    harden_data_dir(settings)
    migrate.upgrade(settings.database_url)
    harden_data_dir(settings)  # the database file the migration may have created
    return 0


def cmd_init(_args: argparse.Namespace) -> int:
    """Migrate, then load the demo world when the database is empty and demo mode is on."""
    from rar_app.db import session_scope
    from rar_app.services.office import demo

    settings = get_settings()
    harden_data_dir(settings)
    migrate.upgrade(settings.database_url)
    harden_data_dir(settings)
    if settings.demo_mode:
        with session_scope() as db:
            if demo.database_is_empty(db):
                demo.load_demo_world(db)
                generated = demo.generated_passwords(db)
                print("Demo data loaded (back office: demo.staff; client: demo.client; same password).")
                if generated:
                    print("Training deployment reachable from other machines: the published password does not "
                          "open these accounts. Their passwords, shown this once:")
                    for username, password in generated.items():
                        print(f"  {username:12} {password}")
                paper = demo.PAPER_TO_LINK
                print(f"Paper application ready to link: {paper['application_number']}, {paper['family_name']} "
                      f"{paper['given_names']}, born {paper['date_of_birth']}, UCI {paper['uci']}.")
    from rar_app.services.casework import document_orphans

    document_orphans.startup_check()  # logs the orphan report (or that storage is unreachable); never raises
    return 0


def cmd_reset_demo(_args: argparse.Namespace) -> int:
    """Empty the database and the document store, and load the demo world again."""
    from rar_app.services.office import demo

    settings = get_settings()
    if not settings.demo_mode:
        print("reset-demo refuses to run without demo mode (RAR_DEMO=true).", file=sys.stderr)
        return 1
    migrate.upgrade(settings.database_url)
    demo.reset_demo_world()
    print("Demo world restored. Sign-ins (password " + demo.DEMO_PASSWORD + "):")
    for role, username, _password in demo.demo_sign_ins():
        print(f"  {role:15} {username}")
    return 0


def cmd_deliver_mail(args: argparse.Namespace) -> int:
    """Send the e-mail notices that are due (for cron, or after an SMTP outage)."""
    from rar_app.services.messaging import mailer

    report = mailer.deliver_due(limit=args.limit)
    print(f"sent {report.sent}, retrying {report.retrying}, failed {report.failed}, skipped {report.skipped}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    """Advance applications along the processing-time estimates (training)."""
    import time
    from datetime import datetime, timezone

    from rar_app.services.office import simulation

    speed = args.speed if args.speed is not None else simulation.simulation_settings().speed
    if speed <= 0:
        print("Speed is 0: set RAR_SIMULATION_SPEED or pass --speed (e.g. 1440 = one day per minute).",
              file=sys.stderr)
        return 1
    since = simulation.EPOCH if args.once else datetime.now(timezone.utc)
    while True:
        done = simulation.tick(speed=speed, since=since)
        if done:
            print(", ".join(f"{action}: {n}" for action, n in sorted(done.items())), flush=True)
        if args.once:
            return 0
        time.sleep(args.interval)


def cmd_check_config(_args: argparse.Namespace) -> int:
    settings = get_settings()  # raises (exit 1, with the reasons) when production mode refuses
    for line in settings.what_is_on():
        print(line)
    if settings.simulation_speed > 0:
        print(f"Training simulation on: {settings.simulation_speed:g} simulated seconds per second, "
              f"a round every {settings.simulation_interval:g} s.")
    if settings.demo_reset_hours > 0:
        print(f"Demo world reset every {settings.demo_reset_hours:g} h.")
    return 0


def cmd_verify_audit(_args: argparse.Namespace) -> int:
    """Walk the audit log's hash chain; exit 1 at the first entry that does not fit."""
    from rar_app.db import session_scope
    from rar_app.services import audit

    with session_scope() as db:
        report = audit.verify_chain(db)
    if report.intact:
        print(f"Audit log intact: {report.checked} entries, each linked to the one before.")
        return 0
    print(f"Audit log BROKEN at entry {report.first_break}: {report.reason}. "
          f"{report.checked} entries before it are intact.", file=sys.stderr)
    return 1


def _explain_refusal() -> None:
    """What is on, read again without production's refusal, so the operator sees why."""
    import os

    from rar_app.settings import load_settings

    try:
        settings = load_settings(dict(os.environ), refuse_unsafe=False)
    except ConfigurationError:
        return
    print("What is on:", file=sys.stderr)
    for line in settings.what_is_on()[1:]:
        print("  " + line, file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rar_app.manage")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="migrate the database to the newest schema").set_defaults(func=cmd_migrate)
    sub.add_parser("init", help="migrate, and load demo data into an empty database").set_defaults(func=cmd_init)
    sub.add_parser("reset-demo", help="empty the database and load the demo world again").set_defaults(
        func=cmd_reset_demo)
    mail = sub.add_parser("deliver-mail", help="send the e-mail notices that are due")
    mail.add_argument("--limit", type=int, default=500)
    mail.set_defaults(func=cmd_deliver_mail)
    sim = sub.add_parser("simulate", help="advance applications on their own (training)")
    sim.add_argument("--speed", type=float, default=None, help="simulated seconds per real second")
    sim.add_argument("--interval", type=float, default=5.0, help="seconds between ticks")
    sim.add_argument("--once", action="store_true", help="one tick, counting time from each file's last change")
    sim.set_defaults(func=cmd_simulate)
    sub.add_parser("check-config", help="read the settings; exit 1 with a clear message when wrong").set_defaults(func=cmd_check_config)
    sub.add_parser("verify-audit", help="check the audit log's hash chain (exit 1 when broken)").set_defaults(
        func=cmd_verify_audit)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigurationError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        if args.command == "check-config":
            _explain_refusal()
        return 1


if __name__ == "__main__":
    sys.exit(main())
