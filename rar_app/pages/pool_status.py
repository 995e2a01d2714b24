"""« État du profil … » (« État du profil Entrée express »): a profile in a pool, for the
representative who holds it — profile number and validation code, status, pool date and
expiry, score and its breakdown, the programs and categories it is eligible under, the
score history, what to gather meanwhile, and the invitation with its deadline and days
left (accept: the application it allows starts; decline: back to the pool).
Program-neutral: the data comes from services/office/pool_profile.py."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.i18n import t
from rar_app.pages.pool_update import update_links
from rar_app.pages.registry import page
from rar_app.programs import registry
from rar_app.pages.status_common import MODIFIED, keep_query_in_toggle, notice_box, query_param, table
from rar_app.services.office import pool_profile, pools
from rar_app.services.office.search import NotFound
from rar_app.state.program_nav import page_url
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

HOLDERS = ("representative", "client")


class PoolStatusState(rx.State):
    app_id: str = ""
    found: bool = False
    title: str = ""
    profile_number: str = ""
    validation_code: str = ""
    status_label: str = ""
    entered: str = ""
    expires: str = ""
    score: str = ""
    streams: list[str] = []
    sections: list[dict[str, str]] = []
    breakdown: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    gather: list[str] = []
    has_invitation: bool = False
    invitation_open: bool = False
    invitation_text: str = ""
    invitation_state: str = ""
    started_href: str = ""
    started_label: str = ""
    application_in: bool = False
    confirm_decline: bool = False
    notice: str = ""
    update_links: list[dict[str, str]] = []

    def _fill(self, data: dict[str, Any], lang: str) -> None:
        self.found = True
        self.title = t("pools.status_title_for", lang, program=data["program_title"])
        for name in ("profile_number", "validation_code", "status_label", "entered", "expires", "score", "streams",
                     "sections", "breakdown", "history", "gather"):
            setattr(self, name, data[name])
        inv = data["invitation"]
        self.has_invitation = bool(inv)
        self.invitation_open = bool(inv and inv["open"])
        self.invitation_text = ""
        self.application_in = bool(inv and inv["submitted"])
        if inv and inv["open"]:
            self.invitation_text = t("pools.invitation_deadline", lang, deadline=inv["deadline"], days=inv["left"][0],
                                     hours=inv["left"][1])
        elif inv and inv["submitted"]:
            self.invitation_text = t("pools.application_submitted", lang, date=inv["submitted_on"],
                                     reference=inv["reference"])
        elif inv and inv["state"] == "accepted" and inv["apply_by"]:
            self.invitation_text = t("pools.apply_deadline", lang, deadline=inv["apply_by"], days=inv["apply_left"][0],
                                     hours=inv["apply_left"][1])
        self.invitation_state = t("pools.invitation_state", lang, state=inv["state_label"]) if inv else ""
        self.started_href = routes.url("home", lang) + "#drafts" if inv and inv["application_id"] else ""
        self.started_label = t("pools.continue_application", lang)
        follow = registry.find(inv["follow_up"]) if inv and inv["follow_up"] else None
        if inv and inv["submitted"] and follow is not None:  # its confirmation (« Félicitations! », the numbers)
            self.started_href = page_url(follow, "submitted", lang, id=inv["application_id"])
            self.started_label = t("pools.view_submitted", lang)
        self.update_links = update_links(data["program"], data["application_id"], lang) if data["updatable"] else []

    async def _reload(self, account_id: int) -> None:
        lang = page_lang(self)
        try:
            data = await asyncio.to_thread(pool_profile.status, account_id, self.app_id, lang)
        except NotFound:
            self.found = False
            self.title = t("pools.status_title", lang)
            return
        self._fill(data, lang)

    @rx.event
    async def load(self):
        info = require_session(self, HOLDERS)
        if info is None:
            return sign_in_redirect(self)
        self.app_id = query_param(self, "id", 20)
        self.notice, self.confirm_decline = "", False
        await self._reload(info.account_id)
        return keep_query_in_toggle()

    @rx.event
    async def accept(self):
        info = require_session(self, HOLDERS)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        try:
            await asyncio.to_thread(pool_profile.accept, info.account_id, self.app_id, ip=client_ip(self))
            self.notice = t("pools.accepted_notice", lang)
        except pools.PoolError as e:
            self.notice = t(f"pools.error_{e.code}", lang)
        except NotFound:
            self.notice = t("pools.not_found", lang)
        await self._reload(info.account_id)
        return rx.set_focus("notice")

    @rx.event
    def ask_decline(self):
        self.confirm_decline = True
        return rx.set_focus("decline-confirm")

    @rx.event
    def cancel_decline(self):
        self.confirm_decline = False
        return rx.set_focus("pool-decline")

    @rx.event
    async def decline(self):
        info = require_session(self, HOLDERS)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.confirm_decline = False
        try:
            await asyncio.to_thread(pool_profile.decline, info.account_id, self.app_id, ip=client_ip(self))
            self.notice = t("pools.declined_notice", lang)
        except pools.PoolError as e:
            self.notice = t(f"pools.error_{e.code}", lang)
        except NotFound:
            self.notice = t("pools.not_found", lang)
        await self._reload(info.account_id)
        return rx.set_focus("notice")


def _dl(lang: str) -> rx.Component:
    S = PoolStatusState
    item = lambda key, value, id_: rx.fragment(rx.el.dt(t(key, lang)), rx.el.dd(value, id=id_))  # noqa: E731
    return rx.el.dl(
        item("pools.profile_number", S.profile_number, "pool-number"),
        rx.cond(S.validation_code != "", item("pools.validation_code", S.validation_code, "pool-code")),
        item("pools.profile_status", S.status_label, "pool-status"),
        item("pools.entered_on", S.entered, "pool-entered"),
        item("pools.expires_on", S.expires, "pool-expires"),
        item("pools.score", S.score, "pool-score"),
        class_name="summary-list",
    )


def _invitation(lang: str) -> rx.Component:
    S = PoolStatusState
    return rx.cond(S.has_invitation, rx.el.section(
        rx.el.h2(t("pools.invitation_heading", lang)),
        rx.el.p(S.invitation_state, id="pool-invitation-state"),
        rx.cond(S.invitation_text != "", rx.el.p(
            S.invitation_text, id="pool-deadline",
            class_name=rx.cond(S.application_in, "alert alert-success", "alert alert-warning"))),
        rx.cond(S.invitation_open, rx.fragment(
            rx.el.div(
                rx.el.button(t("pools.accept_invitation", lang), type="button", class_name="btn btn-primary",
                             on_click=S.accept, id="pool-accept"),
                rx.el.button(t("pools.decline_invitation", lang), type="button", class_name="btn btn-secondary",
                             on_click=S.ask_decline, id="pool-decline"),
                class_name="nav-bar",
            ),
            rx.cond(S.confirm_decline, rx.el.div(
                rx.el.p(t("pools.decline_confirm", lang), id="decline-confirm-text"),
                rx.el.div(
                    rx.el.button(t("pools.decline_yes", lang), type="button", class_name="btn btn-danger",
                                 on_click=S.decline, id="decline-yes"),
                    rx.el.button(t("pools.decline_no", lang), type="button", class_name="btn btn-secondary",
                                 on_click=S.cancel_decline, id="decline-no"),
                    class_name="nav-bar"),
                id="decline-confirm", role="alertdialog", aria_labelledby="decline-confirm-text", tab_index=-1,
                class_name="alert alert-warning")),
        )),
        rx.cond(S.started_href != "", rx.el.p(rx.el.a(S.started_label, href=S.started_href,
                                                      id="pool-continue"))),
        id="pool-invitation",
    ))


@page("pool_status", fr="/fr/etat-du-profil", en="/en/profile-status", title_key="pools.status_title",
      roles=HOLDERS, on_load=PoolStatusState.load)
def pool_status_page(lang: str) -> rx.Component:
    S = PoolStatusState
    rows = lambda var: rx.el.tbody(rx.foreach(var, lambda r: rx.el.tr(rx.el.td(r["label"]), rx.el.td(r["points"]))))  # noqa: E731
    return page_template(
        lang, "pool_status", t("pools.status_title", lang),
        notice_box(S.notice, "", "notice"),
        rx.cond(S.found, rx.fragment(
            rx.el.h2(S.title, id="pool-title"),
            _dl(lang),
            _invitation(lang),
            rx.el.section(
                rx.el.h2(t("pools.eligible_for", lang)),
                rx.el.ul(rx.foreach(S.streams, lambda s: rx.el.li(s)), id="pool-streams"),
            ),
            rx.el.section(
                rx.el.h2(t("pools.breakdown", lang)),
                table([t("pools.col_factor", lang), t("pools.col_points", lang)], rows(S.sections),
                      caption=t("pools.breakdown_sections", lang), table_id="pool-sections"),
                table([t("pools.col_factor", lang), t("pools.col_points", lang)], rows(S.breakdown),
                      caption=t("pools.breakdown_factors", lang), table_id="pool-breakdown"),
            ),
            rx.cond(S.update_links.length() > 0, rx.el.section(
                rx.el.h2(t("pool_update.links_heading", lang)),
                rx.el.p(t("pool_update.links_intro", lang)),
                rx.el.ul(rx.foreach(S.update_links, lambda u: rx.el.li(rx.el.a(u["label"], href=u["href"], id=u["id"]))),
                         id="pool-update-links"),
            )),
            rx.el.section(
                rx.el.h2(t("pools.gather_heading", lang)),
                rx.el.p(t("pools.gather_intro", lang)),
                rx.el.ul(rx.foreach(S.gather, lambda g: rx.el.li(g)), id="pool-gather"),
            ),
            rx.el.section(
                rx.el.h2(t("pools.history_heading", lang)),
                table([t("pools.col_date", lang), t("pools.col_reason", lang), t("pools.col_score", lang)],
                      rx.el.tbody(rx.foreach(S.history, lambda h: rx.el.tr(rx.el.td(h["date"]), rx.el.td(h["reason"]),
                                                                            rx.el.td(h["score"])))),
                      caption=t("pools.history_heading", lang), table_id="pool-history"),
            ),
        ), rx.el.p(t("pools.not_found", lang), id="pool-not-found")),
        modified=MODIFIED,
    )
