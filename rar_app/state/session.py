"""Who is signed in, and the page guard every page runs in on_load.

The browser holds only an opaque token in an HttpOnly cookie; the websocket
handshake carries it to the server, where `current_session` looks it up on every
event. Nothing secret is kept in this state: it is sent to the browser."""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any, Callable

import reflex as rx
from reflex.istate.data import RouterData

from rar_app import routes
from rar_app.i18n import normalise
from rar_app.services.identity import sessions
from rar_app.services.identity.sessions import SessionInfo
from rar_app.settings import get_settings


# `router`: the state's `router`, when the caller already has it. Each read of `state.router`
# assembles it anew from five vars (about 25 µs): a handler reads it once and passes it on.


def current_session(state: rx.State, router: RouterData | None = None) -> SessionInfo | None:
    """The live server-side session of the browser that sent this event."""
    token = sessions.token_from_cookie_header((router or state.router).headers.cookie)
    return sessions.lookup(token)


def require_session(state: rx.State, roles: tuple[str, ...] = ("representative",), *,
                    router: RouterData | None = None) -> SessionInfo | None:
    """For every handler that reads or changes data: the signed-in, fully verified
    session with one of `roles`, or None (then return `sign_in_redirect(state)`)."""
    info = current_session(state, router)
    if info is None:
        return None  # signed out (or expired): sent to sign in, nothing to audit
    if not info.is_complete or info.role not in roles:
        _refused(state, info, roles)
        return None
    return info


def _refused(state: rx.State, info: SessionInfo, roles: tuple[str, ...]) -> None:
    """A signed-in account asked for what its role (or an unfinished sign-in: second factor
    not given) does not allow: one `access.refused` audit entry, in its own transaction."""
    from rar_app.services import audit

    audit.record_refusal(actor_id=info.account_id, actor_role=info.role, object_type="page",
                         object_id=(state.router.url.path or "")[:120], ip=client_ip(state)[:64],
                         needed=",".join(roles), complete=info.is_complete)


async def hashing_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """A service call that checks or makes an argon2 hash (password, security answer): about
    110 ms of CPU that argon2 spends outside the GIL. Run on the event loop it stopped every
    other session's events for that long; in a worker thread they go on meanwhile. (Quick
    handlers stay on the loop: for them the hand-off costs more than it saves.)"""
    return await asyncio.to_thread(fn, *args, **kwargs)


def assign_changed(state: rx.State, **values: Any) -> None:
    """Set the vars of `state` whose value changes. Reflex type-checks, marks dirty and sends
    every var assigned, equal or not (a step's load re-set some twenty empty lists and texts;
    the page guard four vars on every page). The current value is read as stored: reading it
    through the var would wrap every list and dict in a change-tracking proxy first."""
    stored = state.__dict__
    for name, value in values.items():
        current = stored[name] if name in stored else getattr(state, name)
        if current != value:
            setattr(state, name, value)


@lru_cache(maxsize=64)
def focus(element_id: str):
    """`rx.set_focus(element_id)`, built once: Reflex builds the event from the function's
    signature each time (about 50 µs of a « Suivant » with errors). The event is immutable."""
    return rx.set_focus(element_id)


def sign_in_redirect(state: rx.State):
    return rx.redirect(routes.url("sign_in", page_lang(state)) + "?expired=1", replace=True)


def page_lang(state: rx.State, router: RouterData | None = None) -> str:
    path = (router or state.router).url.path or ""
    found = routes.find(path)
    return found[1] if found else normalise(path.strip("/").split("/")[0])


def client_ip(state: rx.State, router: RouterData | None = None) -> str:
    """The browser's address (through RAR_TRUSTED_PROXIES when behind a reverse proxy)."""
    from rar_app.services.identity.addresses import real_client_ip

    router = router or state.router
    raw = router.headers.raw_headers or {}
    return real_client_ip(router.session.client_ip or "", raw.get("x-forwarded-for"))


class SessionState(rx.State):
    signed_in: bool = False
    display_name: str = ""
    # The developer component gallery is linked from the footer on a developer's own
    # machine only (development mode on loopback), never in a deployment.
    developer_links: bool = False
    # Remembered language choice (readable by script; not a secret).
    lang_pref: str = rx.Cookie("", name="rar_lang", max_age=365 * 24 * 3600, same_site="lax", path="/")

    @rx.event
    def enter_page(self):
        """on_load of every page: remember the language, check the session for protected pages."""
        return self._enter(self.router)

    def _enter(self, router: RouterData):
        found = routes.find(router.url.path or "")
        if found is None:
            return None
        route, lang = found
        info = current_session(self, router)
        signed_in = bool(info and info.is_complete)
        assign_changed(self, lang_pref=lang, developer_links=get_settings().developer_pages_linked,
                       signed_in=signed_in, display_name=info.display_name if signed_in and info else "")
        if route.protected and (not signed_in or (info and info.role not in route.roles)):
            if info is not None:
                _refused(self, info, tuple(route.roles))
            return rx.redirect(routes.url("sign_in", lang) + "?expired=1", replace=True)
        return None

    @rx.event
    def choose_landing(self):
        """The bare address '/': go to the remembered language, else French."""
        return rx.redirect(routes.url("landing", normalise(self.lang_pref)) if self.lang_pref else "/fr", replace=True)


async def enter_guard(state: rx.State, router: RouterData):
    """`SessionState.enter_page`'s work from inside a page's own on_load handler (pages
    registered with `guards_itself`): its redirect, or None to go on with the page."""
    session = await state.get_state(SessionState)
    return session._enter(router)
