"""« Mettre à jour le profil »: a profile already in a pool (« État du profil … ») whose
client's situation changed. One page per updatable profile step of every program with a
pool (`pool_profile.updatable_steps`), its questions asked as on the question pages
(`program_questions.render_field`), filled with the profile's current answers. « Enregistrer
la mise à jour » validates them with the program's own profile wizard, then the service
recomputes eligibility and the score; the page shows the new score and the score history
(the pool date never changes). Nothing typed is lost on an error. Program-neutral.

Addresses: ``/fr/<program slug>/mise-a-jour/<step slug>?id=N`` (``/en/…/update/…``)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from rar_app import date_parts, routes
from rar_app.components.layout import page_template
from rar_app.components.noc_finder import search_form
from rar_app.components.widgets import nav_bar
from rar_app.components.wizard_form import wizard_error_summary
from rar_app.i18n import t
from rar_app.pages.program_questions import render_field
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, notice_box, query_param, table
from rar_app.programs import registry
from rar_app.programs.base import Program
from rar_app.programs.engine import Step
from rar_app.programs.pool import PoolSpec
from rar_app.services.office import pool_profile, pools
from rar_app.services.office.search import NotFound
from rar_app.state.questions import Choice
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

HOLDERS = ("representative", "client")
PART = ("mise-a-jour", "update")


def page_id(program: Program, step_id: str) -> str:
    return f"{program.code}:update:{step_id}"


def update_links(program_code: str, app_id: Any, lang: str) -> list[dict[str, str]]:
    """The status page's links, one per updatable step (title and address)."""
    program = registry.find(program_code)
    if program is None:
        return []
    return [{"label": t(s.title_key, lang), "href": routes.url(page_id(program, s.id), lang) + f"?id={app_id}",
             "id": f"update-{s.id}"}
            for s in pool_profile.updatable_steps(program) if page_id(program, s.id) in routes.ROUTES]


def _where(path: str) -> tuple[Program, Step] | None:
    for program in registry.all_programs():
        if not isinstance(program.extra.get("pool"), PoolSpec):
            continue
        for step in pool_profile.updatable_steps(program):
            if path.rstrip("/") in (program_path(program, step, "fr"), program_path(program, step, "en")):
                return program, step
    return None


def program_path(program: Program, step: Step, lang: str) -> str:
    return f"/{lang}/{program.slug(lang)}/{PART[0 if lang == 'fr' else 1]}/{program.page_slug(step.id, lang)}"


class PoolUpdateState(rx.State):
    app_id: str = ""
    found: bool = False
    loaded: bool = False
    step_title: str = ""
    score: str = ""
    updated_notice: str = ""
    status_href: str = ""
    history: list[dict[str, str]] = []
    # The questions (the names render_field expects).
    values: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    errors: list[dict[str, str]] = []
    dyn_options: dict[str, list[Choice]] = {}  # none: updatable steps have fixed choices

    def _here(self) -> tuple[Program, Step] | None:
        return _where(self.router.url.path or "")

    async def _status(self, account_id: int, lang: str) -> bool:
        try:
            data = await asyncio.to_thread(pool_profile.status, account_id, self.app_id, lang)
        except NotFound:
            self.found = False
            return False
        self.found = bool(data["updatable"])
        self.score = data["score"]
        self.history = data["history"]
        return self.found

    @rx.event
    async def load(self):
        info = require_session(self, HOLDERS)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.loaded = False
        self.app_id = query_param(self, "id", 20)
        self.updated_notice, self.errors = "", []
        self.status_href = routes.url("pool_status", lang) + "?" + urlencode({"id": self.app_id})
        here = self._here()
        if here is None or not await self._status(info.account_id, lang):
            self.found = False
            self.loaded = True
            return None
        _program, step = here
        self.step_title = t(step.title_key, lang)
        try:
            saved = await asyncio.to_thread(pool_profile.profile_values, info.account_id, self.app_id, step.id)
        except NotFound:
            self.found = False
            self.loaded = True
            return None
        values: dict[str, str] = {}
        for f in step.fields:  # a date: its three boxes, from the stored ISO date
            values.update(date_parts.form_values(f.name, saved) if f.kind == "date"
                          else {f.name: "" if saved.get(f.name) is None else str(saved.get(f.name))})
        self.values = values
        self.field_errors = {k: "" for f in step.fields
                             for k in ([f.name, *date_parts.keys(f.name)] if f.kind == "date" else [f.name])}
        self.loaded = True
        return None

    @rx.event
    def set_value(self, name: str, value: str):
        if name in self.values:
            self.values[name] = str(value)[:200]

    @rx.event
    async def save(self, _form: dict | None = None):
        """Enregistrer la mise à jour: the service validates, recomputes and keeps the history."""
        info = require_session(self, HOLDERS)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        here = self._here()
        if here is None or not self.found:
            return None
        _program, step = here
        self.updated_notice = ""
        try:
            problems, score = await asyncio.to_thread(pool_profile.update, info.account_id, self.app_id, step.id,
                                                      dict(self.values), ip=client_ip(self))
        except NotFound:
            self.found = False
            return None
        except pools.PoolError as e:
            self.errors = [{"field": "update-save", "message": t(f"pools.error_{e.code}", lang),
                            "href": self._href("update-save")}]
            return rx.set_focus("error-summary")
        field_errors = {k: "" for k in self.field_errors}
        self.errors = []
        if problems:
            for p in problems:
                message = p.message(lang, t)
                field_errors[p.field] = message
                for part in date_parts.marked(p.key, p.part):  # the wrong box(es) of a date
                    field_errors[date_parts.part_key(p.field, part)] = "1"
                self.errors.append({"field": p.field, "message": message, "href": self._href(p.anchor())})
            self.field_errors = field_errors
            return rx.set_focus("error-summary")
        self.field_errors = field_errors
        await self._status(info.account_id, lang)
        self.updated_notice = t("pool_update.updated", lang, score=score)
        return rx.set_focus("update-notice")

    def _href(self, field: str) -> str:
        return (self.router.url.path or "") + "?" + urlencode({"id": self.app_id}) + f"#{field}"


def update_page(lang: str, program: Program, step: Step) -> rx.Component:
    S = PoolUpdateState
    finders = [search_form(f.name) for f in step.fields if f.finder == "noc"]
    return page_template(
        lang, page_id(program, step.id), t("pool_update.title", lang),
        rx.cond(S.loaded, rx.cond(
            S.found,
            rx.fragment(
                rx.el.h2(t(step.title_key, lang), id="update-step"),
                rx.el.p(t("pool_update.intro", lang)),
                rx.el.p(t("pool_update.current_score", lang), " ", rx.el.strong(S.score, id="update-score")),
                notice_box(S.updated_notice, "", "update-notice"),
                wizard_error_summary(lang, S.errors),
                rx.el.form(
                    *[render_field(lang, f, S) for f in step.fields],
                    nav_bar(
                        rx.el.button(t("pool_update.save", lang), type="submit", class_name="btn btn-primary",
                                     id="update-save"),
                        rx.el.a(t("pool_update.back", lang), href=S.status_href, id="update-back",
                                class_name="btn btn-secondary"),
                    ),
                    on_submit=S.save, prevent_default=True, no_validate=True, id="update-form",
                ),
                *finders,
                rx.el.section(
                    rx.el.h2(t("pools.history_heading", lang)),
                    rx.el.p(t("pool_update.history_intro", lang)),
                    table([t("pools.col_date", lang), t("pools.col_reason", lang), t("pools.col_score", lang)],
                          rx.el.tbody(rx.foreach(S.history, lambda h: rx.el.tr(
                              rx.el.td(h["date"]), rx.el.td(h["reason"]), rx.el.td(h["score"])))),
                          caption=t("pools.history_heading", lang), table_id="update-history"),
                ),
            ),
            rx.el.p(t("pool_update.not_found", lang), id="update-not-found"),
        ), rx.el.p(t("common.loading", lang), class_name="hint", role="status")),
        modified=MODIFIED,
    )


def register_update_pages() -> None:
    for program in registry.all_programs():
        if not isinstance(program.extra.get("pool"), PoolSpec):
            continue
        for step in pool_profile.updatable_steps(program):
            page(page_id(program, step.id), fr=program_path(program, step, "fr"), en=program_path(program, step, "en"),
                 title_key="pool_update.title", roles=HOLDERS, on_load=PoolUpdateState.load)(
                lambda lang, p=program, s=step: update_page(lang, p, s))


register_update_pages()
