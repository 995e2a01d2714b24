"""« Échéances »: every deadline of the representative's clients, soonest first — answering
an invitation to apply (IPD/ITA of any pool program: Express Entry, IEC…) and submitting
the application an accepted invitation started — with the days and hours left and the
date in Toronto time, each linking to the profile's status page. Program-neutral
(services/office/pool_deadlines.deadlines_for)."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import routes
from rar_app.i18n import t
from rar_app.programs import registry
from rar_app.services.office import pool_deadlines
from rar_app.state.session import page_lang, require_session


def _rows(account_id: int, lang: str) -> list[dict[str, str]]:
    found = pool_deadlines.deadlines_of(account_id)
    rows = []
    for d in found:
        program = registry.find(d.program)
        title = t(program.title_key, lang) if program is not None else d.program
        what = t(f"deadlines.kind_{d.kind}", lang)
        rows.append({
            "client": d.client or t("deadlines.profile", lang, number=d.profile_number),
            "what": f"{what} – {title}",
            "when": t("deadlines.due", lang, when=d.when[lang]),
            "left": t("deadlines.left", lang, days=d.days, hours=d.hours),
            "href": f"{routes.url('pool_status', lang)}?id={d.profile_application_id}",
            "label": t("deadlines.open_label", lang, what=what, number=d.profile_number),
        })
    return rows


class DeadlinesState(rx.State):
    rows: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        info = require_session(self)
        if info is None:
            self.rows = []
            return
        self.rows = await asyncio.to_thread(_rows, info.account_id, page_lang(self))


def _row(r: rx.Var) -> rx.Component:
    return rx.el.tr(
        rx.el.td(r["client"]), rx.el.td(r["what"]), rx.el.td(r["when"]), rx.el.td(r["left"], class_name="deadline-left"),
        rx.el.td(rx.el.a(r["label"], href=r["href"])),
    )


def home_deadlines(lang: str) -> rx.Component:
    """The account home's panel; says so when there is no deadline."""
    return rx.el.section(
        rx.el.h2(t("deadlines.title", lang), id="deadlines-heading"),
        rx.cond(
            DeadlinesState.rows.length() > 0,
            rx.el.div(
                rx.el.table(
                    rx.el.caption(t("deadlines.intro", lang)),
                    rx.el.thead(rx.el.tr(*(rx.el.th(t(f"deadlines.column_{c}", lang), scope="col")
                                           for c in ("client", "what", "when", "left")),
                                         rx.el.th(t("deadlines.open", lang), scope="col"))),
                    rx.el.tbody(rx.foreach(DeadlinesState.rows, _row)),
                    id="deadlines-table",
                ),
                class_name="table-wrap",
            ),
            rx.el.p(t("deadlines.none", lang), id="deadlines-empty"),
        ),
        class_name="home-section",
        id="deadlines",
        aria_labelledby="deadlines-heading",
        on_mount=DeadlinesState.load,
    )
