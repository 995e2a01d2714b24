"""Administrators search the audit log (« Journal d’audit »): by actor (username or
account number), action (or its family), object and date range; newest first, 20 a
page. Every search is itself audited (services/audit_views.search)."""

from __future__ import annotations

import asyncio
import json
from datetime import date

import reflex as rx

from rar_app import date_parts, routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import date_field, error_summary, text_field
from rar_app.i18n import t
from rar_app.pages.audit_common import action_label, entry_card, when, who_label
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED
from rar_app.services import audit_views, transactions
from rar_app.services.office.search import NotFound
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

ADMIN = ("admin",)
FIELDS = ("actor", "action", "object_type", "object_id")
DATES = ("date_from", "date_to")  # three boxes each, Jour / Mois / Année (rar_app/date_parts.py)
NO_DATE = {"day": "", "month": "", "year": ""}


def date_errors(parts: dict[str, dict[str, str]], lang: str
                ) -> tuple[dict[str, date | None], list[dict[str, str]], dict[str, dict[str, str]]]:
    """The two dates read from their boxes: (dates, errors, boxes to mark per date). Each
    error names its field (« Du : le mois doit être entre 1 et 12. ») and links to the wrong box."""
    colon = t("typography.colon", lang)
    dates: dict[str, date | None] = {}
    errors: list[dict[str, str]] = []
    marked: dict[str, dict[str, str]] = {}
    for name in DATES:
        field = f"audit-{name}"
        value, error = date_parts.parse(tuple(str((parts.get(name) or {}).get(p, "")) for p in date_parts.PARTS))
        dates[name] = value
        if error is not None:
            errors.append({"field": date_parts.part_id(field, error.part),
                           "message": f"{t(f'history.field_{name}', lang)}{colon}{t(error.key, lang, **error.params)}"})
            marked[name] = {p: "1" for p in date_parts.marked(error.key, error.part)}
    if not errors and dates["date_from"] and dates["date_to"] and dates["date_from"] > dates["date_to"]:
        errors.append({"field": "audit-date_to", "message": t("history.error_date_order", lang)})
        marked["date_to"] = {p: "1" for p in date_parts.PARTS}
    return dates, errors, marked


class AuditSearchState(rx.State):
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: dict[str, str] = dict(NO_DATE)
    date_to: dict[str, str] = dict(NO_DATE)
    date_marked: dict[str, dict[str, str]] = {}  # per date, the boxes that are wrong
    field_errors: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    entries: list[dict[str, str]] = []
    searched: bool = False
    page_number: int = 0
    has_next: bool = False

    @rx.event
    def set_field(self, field: str, value: str):
        if field in FIELDS:
            setattr(self, field, str(value)[:60])

    @rx.event
    def set_date(self, name: str, part: str, value: str):
        if name in DATES and part in date_parts.PARTS:
            setattr(self, name, {**getattr(self, name), part: str(value)[:4]})

    def _criteria(self, lang: str) -> audit_views.Criteria | None:
        dates, errors, self.date_marked = date_errors({n: getattr(self, n) for n in DATES}, lang)
        self.errors = errors
        self.field_errors = {("audit-date_from" if e["field"].startswith("audit-date_from") else
                              "audit-date_to" if e["field"].startswith("audit-date_to") else e["field"]): e["message"]
                             for e in errors}
        if errors:
            return None
        return audit_views.Criteria(actor=self.actor, action=self.action, object_type=self.object_type,
                                    object_id=self.object_id, date_from=dates["date_from"], date_to=dates["date_to"])

    async def _show(self, account_id: int, criteria: audit_views.Criteria) -> None:
        lang = page_lang(self)
        result = await asyncio.to_thread(transactions.run, audit_views.search, account_id, criteria,
                                         page=self.page_number, ip=client_ip(self))
        self.entries = [{"id": str(e.id), "action": action_label(e.action, lang) + f" ({e.action})",
                         "who": (who_label(e, lang) + (f" — {e.actor_role} #{e.actor_id}" if e.actor_id else "")),
                         "at": when(e.at), "iso": e.at.isoformat() if e.at else "", "ip": e.ip,
                         "object": f"{e.object_type} {e.object_id}".strip(),
                         "details": json.dumps(e.details, ensure_ascii=False, sort_keys=True)[:400]}
                        for e in result.entries]
        self.has_next = result.has_next
        self.searched = True

    @rx.event
    def load(self):
        info = require_session(self, ADMIN)
        if info is None:
            return sign_in_redirect(self)
        self.entries, self.errors, self.field_errors, self.searched, self.page_number = [], [], {}, False, 0
        return None

    @rx.event
    async def search(self, _form: dict | None = None):
        info = require_session(self, ADMIN)
        if info is None:
            return sign_in_redirect(self)
        criteria = self._criteria(page_lang(self))
        if criteria is None:
            return rx.set_focus("error-summary")
        self.page_number = 0
        try:
            await self._show(info.account_id, criteria)
        except NotFound:
            return sign_in_redirect(self)
        return rx.set_focus("audit-results")

    async def _turn(self, step: int):
        info = require_session(self, ADMIN)
        if info is None:
            return sign_in_redirect(self)
        criteria = self._criteria(page_lang(self))
        if criteria is None:
            return rx.set_focus("error-summary")
        self.page_number = max(0, self.page_number + step) if (step < 0 or self.has_next) else self.page_number
        try:
            await self._show(info.account_id, criteria)
        except NotFound:
            return sign_in_redirect(self)
        return rx.set_focus("audit-results")

    @rx.event
    async def next_page(self):
        return await self._turn(1)

    @rx.event
    async def previous_page(self):
        return await self._turn(-1)


def _field(lang: str, name: str, **props) -> rx.Component:
    S = AuditSearchState
    return text_field(lang, f"audit-{name}", t(f"history.field_{name}", lang), getattr(S, name),
                      lambda v: S.set_field(name, v), S.field_errors.get(f"audit-{name}", ""), required=False,
                      **props)


def _date_field(lang: str, name: str) -> rx.Component:
    S = AuditSearchState
    value = getattr(S, name)
    return date_field(lang, f"audit-{name}", t(f"history.field_{name}", lang),
                      {p: value[p] for p in date_parts.PARTS}, lambda part, v: S.set_date(name, part, v),
                      S.field_errors.get(f"audit-{name}", ""),
                      {p: S.date_marked.get(name, {}).get(p, "") for p in date_parts.PARTS},
                      hint=t("history.date_hint", lang), required=False)


@page("audit_search", fr="/fr/administration/journal-d-audit", en="/en/administration/audit-log",
      title_key="history.search_title", roles=ADMIN, on_load=AuditSearchState.load)
def audit_search_page(lang: str) -> rx.Component:
    S = AuditSearchState
    return page_template(
        lang, "audit_search", t("history.search_title", lang),
        rx.el.p(rx.el.a(t("history.back_to_admin", lang), href=routes.url("admin_requests", lang))),
        rx.el.p(t("history.search_intro", lang)),
        error_summary(lang, S.errors),
        rx.el.form(
            _field(lang, "actor"),
            _field(lang, "action", hint=t("history.hint_action", lang)),
            _field(lang, "object_type", hint=t("history.hint_object_type", lang)),
            _field(lang, "object_id"),
            _date_field(lang, "date_from"),
            _date_field(lang, "date_to"),
            rx.el.div(rx.el.button(t("history.search", lang), type="submit", class_name="btn btn-primary",
                                   id="audit-search"), class_name="nav-bar"),
            on_submit=S.search, prevent_default=True, no_validate=True,
        ),
        rx.el.section(
            rx.el.h2(t("history.results", lang), id="audit-results", tab_index=-1),
            rx.cond(S.searched, rx.el.p(t("history.page", lang), " ", S.page_number + 1, role="status",
                                        id="audit-page")),
            rx.cond(S.entries.length() > 0,
                    rx.el.ol(rx.foreach(S.entries, lambda e: entry_card(lang, e, with_details=True)),
                             id="audit-entries", class_name="card-list"),
                    rx.cond(S.searched, rx.el.p(t("history.none", lang), id="audit-none"))),
            rx.el.div(
                rx.cond(S.page_number > 0,
                        rx.el.button(t("history.previous_page", lang), type="button", class_name="btn btn-secondary",
                                     on_click=S.previous_page, id="audit-previous")),
                rx.cond(S.has_next,
                        rx.el.button(t("history.next_page", lang), type="button", class_name="btn btn-secondary",
                                     on_click=S.next_page, id="audit-next")),
                class_name="nav-bar",
            ),
        ),
        modified=MODIFIED,
    )
