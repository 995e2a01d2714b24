"""Shared by the tracking pages (search, status, messages, link, client portal, back
office): labels for processing codes in the page's language, addresses that carry a
query, and the language-toggle fix for such addresses."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from rar_app import routes
from rar_app.i18n import t
from rar_app.services.messaging import messages as messages_service

MODIFIED = "2026-11-28"

STATUS_CODES = ("draft", "submitted", "biometrics_requested", "in_review", "documents_requested", "approved",
                "refused", "closed")
STEP_STATES = ("done", "current", "action_required", "upcoming", "not_required", "not_applicable")
BIOMETRICS = ("", "requested", "completed", "not_required")
DOCUMENT_STATES = ("uploaded", "accepted", "refused", "replaced", "requested")
REQUEST_STATES = ("open", "received", "cancelled")


def status_label(code: str, lang: str) -> str:
    return t(f"status.state_{code}", lang) if code in STATUS_CODES else code


def step_state_label(code: str, lang: str) -> str:
    return t(f"status.step_{code}", lang) if code in STEP_STATES else code


def biometrics_label(code: str, lang: str) -> str:
    return t(f"status.bio_{code or 'pending'}", lang) if code in BIOMETRICS else code


def document_label(code: str, lang: str) -> str:
    return t(f"status.doc_{code}", lang) if code in DOCUMENT_STATES else code


def request_label(code: str, lang: str) -> str:
    return t(f"status.request_{code}", lang) if code in REQUEST_STATES else code


def category_label(code: str, lang: str) -> str:
    return messages_service.category_label(code, lang)


def type_label(code: str, lang: str) -> str:
    """An application type's name from the catalogue (the same words as the rules engine's labels)."""
    from rar_app.i18n import catalogue

    key = f"status.type_{code}"
    return t(key, lang) if key in catalogue(lang) else category_label(code, lang)


def type_options(lang: str, first_key: str, codes: Any = None) -> list[rx.Component]:
    """<option>s for a choice of application type; the first, empty one says `first_key`."""
    from rar_app import rules

    codes = codes if codes is not None else [a["code"] for a in rules.APPLICATION_TYPES]
    return [rx.el.option(t(first_key, lang), value="")] + [rx.el.option(type_label(c, lang), value=c) for c in codes]


def url_with(page_id: str, lang: str, **query: Any) -> str:
    return routes.url(page_id, lang) + ("?" + urlencode(query) if query else "")


def status_url(number: str, lang: str) -> str:
    return url_with("application_status", lang, n=number)


def keep_query_in_toggle():
    """The language toggle is a client-side link to the other language's address,
    without the query: give it this page's query (?n=…, ?id=…) so the same application
    opens, and follow it with a full navigation (the router would drop the query)."""
    return rx.call_script(
        "(function(){var a=document.getElementById('lang-toggle');if(!a||!location.search)return;"
        "a.setAttribute('href',a.getAttribute('href').split('?')[0]+location.search);"
        "if(window.__rarToggleQuery)return;window.__rarToggleQuery=true;"
        "document.addEventListener('click',function(e){var t=e.target&&e.target.closest?"
        "e.target.closest('#lang-toggle'):null;if(!t||t.getAttribute('href').indexOf('?')<0)return;"
        "e.preventDefault();e.stopPropagation();window.location.assign(t.getAttribute('href'));},true);})()"
    )


def query_param(state: rx.State, name: str, max_length: int = 40) -> str:
    raw = state.router.url.query_parameters.get(name, "")
    value = str(raw[0] if isinstance(raw, list) and raw else raw or "")
    return value[:max_length]


def table(headers: list[str], body: rx.Component, *, caption: str | None = None, table_id: str = "") -> rx.Component:
    """A table that scrolls inside its own box on narrow screens (never the page)."""
    return rx.el.div(
        rx.el.table(
            *([rx.el.caption(caption, class_name="visually-hidden")] if caption else []),
            rx.el.thead(rx.el.tr(*[rx.el.th(h, scope="col") for h in headers])),
            body,
            id=table_id or None,
        ),
        class_name="table-wrap",
        tab_index=0,
        role="region",
        aria_label=caption or ", ".join(headers),  # distinct from the other tables' names on the page
    )


def notice_box(text: rx.Var, kind: rx.Var | str = "", box_id: str = "notice") -> rx.Component:
    """A message after an action: `kind` is "", "success", "warning" or "error"."""
    return rx.cond(
        text != "",
        rx.el.div(
            rx.el.p(text),
            class_name=rx.match(kind, ("success", "alert alert-success"), ("warning", "alert alert-warning"),
                                ("error", "alert alert-warning"), "alert"),
            role="status",
            id=box_id,
            tab_index=-1,
        ),
    )


def toronto_moment(value: str, lang: str) -> str:
    """An ISO date-time (UTC when it names no zone) as the portal shows times: in
    America/Toronto, the zone named (« 2026-12-04 à 15:30 (heure de Toronto, EST) »)."""
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(ZoneInfo("America/Toronto"))
    zone = f"{t('wayfinding.zone_toronto', lang)}, {local.tzname()}"
    return t("after.moment", lang, date=local.date().isoformat(), time=local.strftime("%H:%M"), zone=zone)
