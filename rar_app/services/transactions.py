"""One service call in its own transaction, for the pages and states (which never
open one themselves: they do not import rar_app.db).

    profile = transactions.run(own_account.get_profile, info.account_id)

runs `own_account.get_profile(db, info.account_id)` inside `session_scope()`: committed
when it returns, rolled back when it raises. Only functions of rar_app.services are
accepted, so every read or write still goes through a service that checks session,
role and owner itself."""

from __future__ import annotations

from typing import Any, Callable, TypeVar

from rar_app.db import session_scope

T = TypeVar("T")


def run(service_call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    module = getattr(service_call, "__module__", "") or ""
    if not module.startswith("rar_app.services."):
        raise TypeError(f"transactions.run takes a service function, not {service_call!r}")
    with session_scope() as db:
        return service_call(db, *args, **kwargs)
