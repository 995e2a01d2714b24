"""The idle-session warning: "Votre session va bientôt expirer" with a "Rester
connecté" button, `settings.session_idle_warning_minutes` before the session's
idle end (`settings.session_idle_minutes`), or before its absolute end.

No polling: the server computes, from its own clock, how long until the next
thing to do (show the warning, or check whether the session ended), and one
browser timer waits that long and then "clicks" a hidden button whose handler
asks the server again (`sessions.peek`, which does not refresh the idle timer).
Activity elsewhere moves the deadline: the handler then simply sets a later
timer. After the end, the same handler sends the browser to the sign-in page
with "Votre session a expiré".

Rendered by the page template for signed-in pages only."""

from __future__ import annotations

import json
import math

import reflex as rx

from rar_app import routes
from rar_app.i18n import t
from rar_app.services.identity import sessions
from rar_app.state.session import SessionState, page_lang

TICK_ID = "session-timeout-tick"
DIALOG_ID = "session-timeout"
MAX_DELAY_MS = 2**31 - 1
# Stays in view wherever the person has scrolled to.
DIALOG_STYLE = {"position": "fixed", "left": "1rem", "right": "1rem", "bottom": "1rem", "z_index": "1000",
                "max_width": "40rem", "margin": "0 auto", "box_shadow": "0 2px 12px rgba(0,0,0,.35)"}


def _timer_script(delay_ms: int) -> str:
    delay_ms = max(1000, min(int(delay_ms), MAX_DELAY_MS))
    return (
        "clearTimeout(window.__rarIdleTimer);"
        f"window.__rarIdleTimer=setTimeout(()=>document.getElementById('{TICK_ID}')?.click(),{delay_ms});"
    )


class SessionTimeoutState(rx.State):
    warning: bool = False
    message: str = ""

    def _token(self) -> str | None:
        return sessions.token_from_cookie_header(self.router.headers.cookie)

    def _expired(self):
        self.warning = False
        self.message = ""
        target = routes.url("sign_in", page_lang(self)) + "?expired=1"
        # A full navigation with a new Reflex state token: nothing of the ended
        # session's pages stays in this tab's state for whoever comes next.
        return rx.call_script("clearTimeout(window.__rarIdleTimer);window.sessionStorage.removeItem('token');"
                              f"window.location.replace({json.dumps(target)})")

    def _schedule(self, info: sessions.SessionInfo):
        """Show or hide the warning, and set the one timer for what comes next."""
        now = sessions.utcnow()
        left = info.seconds_left(now)
        if info.should_warn(now):
            minutes = max(1, math.ceil(left / 60))
            self.message = t("auth.timeout_body", page_lang(self), minutes=minutes)
            first = not self.warning
            self.warning = True
            # Check again when it ends (or a minute from now, to keep the minutes right).
            events = [rx.call_script(_timer_script(min(left, 60) * 1000 + 500))]
            if first:
                events.append(rx.call_script(
                    f"setTimeout(()=>document.getElementById('{DIALOG_ID}-stay')?.focus(),60)"))
            return events
        self.warning = False
        self.message = ""
        until_warning = (info.warn_at - now).total_seconds() if info.warn_at else left
        return rx.call_script(_timer_script(int(max(until_warning, 1) * 1000) + 500))

    @rx.event
    def tick(self):
        """On mount and whenever the timer fires: where do we stand?"""
        info = sessions.peek(self._token())
        if info is None or not info.is_complete:
            return self._expired()
        return self._schedule(info)

    @rx.event
    def stay(self):
        """"Rester connecté": refresh the idle timer on the server."""
        info = sessions.keep_alive(self._token())
        if info is None or not info.is_complete:
            return self._expired()
        events = self._schedule(info)
        return [*(events if isinstance(events, list) else [events]),
                rx.call_script("document.getElementById('main')?.focus()")]


def session_timeout(lang: str) -> rx.Component:
    S = SessionTimeoutState
    return rx.cond(
        SessionState.signed_in,
        rx.el.div(
            # Clicked by the timer only; hidden from everyone.
            rx.el.button(type="button", id=TICK_ID, on_click=S.tick, hidden=True, tab_index=-1,
                         aria_hidden="true"),
            rx.cond(
                S.warning,
                rx.el.div(
                    rx.el.h2(t("auth.timeout_title", lang), id=f"{DIALOG_ID}-title"),
                    rx.el.p(S.message, id=f"{DIALOG_ID}-body"),
                    rx.el.div(
                        rx.el.button(t("auth.timeout_stay", lang), type="button", on_click=S.stay,
                                     class_name="btn btn-primary", id=f"{DIALOG_ID}-stay"),
                        class_name="nav-bar",
                    ),
                    id=DIALOG_ID,
                    role="alertdialog",
                    aria_labelledby=f"{DIALOG_ID}-title",
                    aria_describedby=f"{DIALOG_ID}-body",
                    tab_index=-1,
                    class_name="alert alert-warning session-timeout",
                    style=DIALOG_STYLE,
                ),
            ),
            on_mount=S.tick,
            class_name="session-timeout-holder",
        ),
    )
