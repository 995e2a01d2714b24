"""Production launcher: `reflex run …` whose worker processes are supervised.

    python -m rar_app.serve run --env prod --single-port      (what ./run does)

Reflex 0.10 serves production through Granian, whose supervisor (the process
`reflex run` becomes) forks the workers. Out of the box Granian stops *every*
worker and exits when one of them dies unexpectedly (« Unexpected exit from
worker-1 », « Reflex app stopped »): a single `kill -9`, an out-of-memory kill or a
segfault in one worker took the whole portal down. This launcher turns on Granian's
own supervision (`respawn_failed_workers`): the dead worker is replaced at once
(forked from the supervisor, which already holds the compiled app), the others keep
serving, and the browsers it held reconnect to a live worker — with Redis, their
state is there. A worker that dies again within a few seconds of its replacement is
a crash loop: Granian then stops, and the machine's supervisor (systemd, a container
restart policy: see the README) restarts the whole portal.

Nothing else changes: the arguments are Reflex's own command line."""

from __future__ import annotations

import os
import sys


def respawn_interval() -> float:
    """Seconds Granian waits before replacing a worker on a reload (not on a crash)."""
    try:
        return max(0.0, float(os.environ.get("RAR_RESPAWN_INTERVAL", "1")))
    except ValueError:
        return 1.0


def install_worker_supervision() -> None:
    """Make the Granian server Reflex builds replace failed workers."""
    import granian.server as granian_server

    base = granian_server.Server
    if getattr(base, "_rar_supervised", False):
        return

    class SupervisedServer(base):  # type: ignore[misc, valid-type]
        _rar_supervised = True

        def __init__(self, *args, **kwargs):
            kwargs.setdefault("respawn_failed_workers", True)
            kwargs.setdefault("respawn_interval", respawn_interval())
            super().__init__(*args, **kwargs)

    SupervisedServer.__name__ = base.__name__
    SupervisedServer.__qualname__ = base.__qualname__
    # Reflex imports it at call time (`from granian.server import Server as Granian`).
    granian_server.Server = SupervisedServer


def main(argv: list[str] | None = None) -> None:
    install_worker_supervision()
    from rar_app import sampler

    sampler.install_from_env()  # bench only: RAR_PROFILE_OUT
    from reflex.reflex import cli

    cli.main(args=list(sys.argv[1:] if argv is None else argv), prog_name="reflex")


if __name__ == "__main__":
    main()
