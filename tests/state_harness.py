"""Drive Reflex states without a browser: build the state tree the way the framework
does for one client, give it the router data of a page (path, session cookie, address),
and call an event handler as a crafted websocket event would — with any arguments.

    state = harness.state(DocumentsState, token=token, path="/fr/...")
    await harness.call(state, "remove", 42)

Handlers run for real (services, database); only the websocket and the frontend are
left out. Used by the access-table tests and by tests of crafted events."""

from __future__ import annotations

import inspect
from typing import Any

import reflex as rx
from reflex.istate.data import RouterData

from rar_app.services.identity import sessions


def state(state_cls: type[rx.State], *, token: str | None = None, path: str = "/fr",
          query: dict[str, str] | None = None, ip: str = "127.0.0.1") -> rx.State:
    """An instance of `state_cls` inside a fresh state tree of one client on `path`."""
    import rar_app.rar_app  # noqa: F401  (registers every page's state)

    root = rx.State(_reflex_internal_init=True)
    headers = {"host": "127.0.0.1:3000", "origin": "http://127.0.0.1:3000"}
    if token:
        headers["cookie"] = f"{sessions.cookie_name()}={token}"
    as_path = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    root.router = RouterData.from_router_data({
        "pathname": path, "asPath": as_path, "query": dict(query or {}), "headers": headers,
        "ip": ip, "token": "harness-client", "sid": "harness-sid"})
    return root.get_substate(state_cls.get_full_name().split(".")[1:])


def handlers(state_cls: type[rx.State]) -> dict[str, Any]:
    """The public event handlers a state class declares itself (not inherited ones)."""
    return {name: h for name, h in state_cls.event_handlers.items()
            if not name.startswith("_") and name in state_cls.__dict__}


async def call(instance: rx.State, name: str, *args: Any, **kwargs: Any) -> list[Any]:
    """Run handler `name` on `instance` with these arguments; returns what it yielded/returned."""
    fn = type(instance).event_handlers[name].fn
    out = fn(instance, *args, **kwargs)
    results: list[Any] = []
    if inspect.isasyncgen(out):
        async for item in out:
            results.append(item)
    elif inspect.isgenerator(out):
        results.extend(out)
    else:
        if inspect.isawaitable(out):
            out = await out
        results.append(out)
    return results
