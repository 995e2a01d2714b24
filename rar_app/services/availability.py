"""Telling a momentary outage of the database from a fault of the portal.

When PostgreSQL restarts (or the network to it drops) in the middle of an event, the
driver raises an operational error; the transaction that was open is rolled back whole
(services/transactions, db.session_scope), so nothing is half written. The pages then say
« service momentarily unavailable, your answers are kept » and try again by themselves
(state/questions.py: « Suivant », « Précédent », « Quitter »), instead of a traceback
or a generic error. Other exceptions are real faults: they are logged and the user sees
a plain translated message (rar_app.py's backend exception handler)."""

from __future__ import annotations

from sqlalchemy import exc as sa_exc

# Seconds between automatic retries, and how many before the page asks the user to try later.
RETRY_SECONDS = 3.0
MAX_RETRIES = 20


def database_unavailable(error: BaseException | None) -> bool:
    """True when `error` (or what caused it) says the database cannot be reached now:
    a refused or dropped connection, a server shutting down, a pool that timed out."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, sa_exc.DBAPIError) and (
                error.connection_invalidated or isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError))):
            return True
        if isinstance(error, sa_exc.TimeoutError):  # no pooled connection came back in time
            return True
        name = type(error).__module__ + "." + type(error).__name__
        if name in ("psycopg.OperationalError", "psycopg.errors.AdminShutdown", "psycopg.InterfaceError"):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False
