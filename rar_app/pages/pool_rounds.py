"""Back office: « Rondes d’invitations » (staff). A pool (every program that declares one),
all programs / one program / a category, the number of invitations; the service ranks,
invites, records the cut-off and notifies (services/office/pools.py). The last rounds show
their cut-off and tie-break time; automatic training rounds are listed too."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, field_error
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.pages.status_common import MODIFIED, notice_box, table
from rar_app.services.office import pools, simulation
from rar_app.services.office.search import NotFound
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

STAFF = ("staff",)


class RoundsState(rx.State):
    pool: str = ""
    stream: str = ""
    size: str = ""
    pools_list: list[dict[str, str]] = []
    streams: list[dict[str, str]] = []
    rounds: list[dict[str, str]] = []
    in_pool: str = ""
    invited: str = ""
    auto_text: str = ""
    notice: str = ""
    errors: list[dict[str, str]] = []
    size_error: str = ""

    @rx.event
    def set_size(self, value: str):
        self.size = str(value)[:8]

    @rx.event
    def set_stream(self, value: str):
        self.stream = str(value)[:40]

    async def _refresh(self, account_id: int) -> None:
        lang = page_lang(self)
        data = await asyncio.to_thread(pools.staff_overview, account_id, self.pool, lang)
        self.streams = data["streams"]
        self.rounds = data["rounds"]
        self.in_pool = t("pools.in_pool_count", lang, count=data["in_pool"])
        self.invited = t("pools.invited_count", lang, count=data["invited"])

    @rx.event
    async def load(self):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.pools_list = pools.pool_choices(lang)
        if self.pool not in {p["code"] for p in self.pools_list}:
            self.pool = self.pools_list[0]["code"] if self.pools_list else ""
        self.notice, self.errors, self.size_error = "", [], ""
        sim = simulation.simulation_settings()
        self.auto_text = t("pools.auto_on" if sim.speed > 0 else "pools.auto_off", lang)
        if self.pool:
            await self._refresh(info.account_id)
        return None

    @rx.event
    async def choose_pool(self, value: str):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        if value in {p["code"] for p in self.pools_list}:
            self.pool, self.stream = value, ""
            await self._refresh(info.account_id)
        return None

    @rx.event
    async def run(self, _form: dict | None = None):
        info = require_session(self, STAFF)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        self.notice, self.errors, self.size_error = "", [], ""
        try:
            done = await asyncio.to_thread(pools.staff_round, info.account_id, self.pool, self.stream, self.size,
                                           ip=client_ip(self))
        except pools.PoolError as e:
            message = t(f"pools.error_{e.code}", lang)
            field = "round-size" if e.code == "size" else "round-stream"
            if e.code == "size":
                self.size_error = message
            self.errors = [{"field": field, "message": message}]
            return rx.set_focus("error-summary")
        except NotFound:
            return sign_in_redirect(self)
        self.notice = (t("pools.round_done", lang, invited=done.invited, cut_off=done.cut_off) if done.invited
                       else t("pools.round_empty", lang))
        await self._refresh(info.account_id)
        return rx.set_focus("notice")


@page("pool_rounds", fr="/fr/arriere-guichet/rondes-invitations", en="/en/back-office/rounds-of-invitations",
      title_key="pools.rounds_title", roles=STAFF, on_load=RoundsState.load)
def pool_rounds_page(lang: str) -> rx.Component:
    c = [t(f"pools.col_{k}", lang) for k in ("date", "time", "stream", "invited", "cut_off", "tie_break", "by")]
    body = rx.el.tbody(rx.foreach(RoundsState.rounds, lambda r: rx.el.tr(
        rx.el.td(r["date"]), rx.el.td(r["time"]), rx.el.td(r["stream"]), rx.el.td(r["invited"]),
        rx.el.td(r["cut_off"]), rx.el.td(r["tie_break"]), rx.el.td(r["by"]))))
    return page_template(
        lang, "pool_rounds", t("pools.rounds_title", lang),
        rx.el.p(rx.el.a(t("backoffice.title", lang), href=routes.url("backoffice", lang))),
        rx.el.p(t("pools.rounds_intro", lang)),
        rx.el.p(RoundsState.auto_text, class_name="hint", id="round-auto"),
        notice_box(RoundsState.notice, "success"),
        error_summary(lang, RoundsState.errors),
        rx.el.form(
            rx.el.div(
                rx.el.label(t("pools.pool_label", lang), html_for="round-pool"),
                rx.el.select(rx.foreach(RoundsState.pools_list, lambda p: rx.el.option(p["label"], value=p["code"])),
                             id="round-pool", name="round-pool", value=RoundsState.pool,
                             on_change=RoundsState.choose_pool, class_name="input"),
                class_name="field",
            ),
            rx.el.div(
                rx.el.label(t("pools.stream_label", lang), html_for="round-stream"),
                rx.el.select(rx.el.option(t("pools.all_streams", lang), value=""),
                             rx.foreach(RoundsState.streams, lambda s: rx.el.option(s["label"], value=s["code"])),
                             id="round-stream", name="round-stream", value=RoundsState.stream,
                             on_change=RoundsState.set_stream, class_name="input"),
                class_name="field",
            ),
            rx.el.div(
                rx.el.label(t("pools.size_label", lang), html_for="round-size"),
                field_error(lang, RoundsState.size_error, "round-size"),
                rx.el.input(id="round-size", name="round-size", type="text", input_mode="numeric",
                            value=RoundsState.size, on_change=RoundsState.set_size,
                            aria_invalid=rx.cond(RoundsState.size_error != "", "true", "false"),
                            aria_describedby="round-size-error",
                            class_name=rx.cond(RoundsState.size_error != "", "input input-error", "input")),
                class_name=rx.cond(RoundsState.size_error != "", "field field-has-error", "field"),
            ),
            rx.el.div(rx.el.button(t("pools.run", lang), type="submit", class_name="btn btn-primary", id="round-run"),
                      class_name="nav-bar"),
            on_submit=RoundsState.run, prevent_default=True, no_validate=True,
        ),
        rx.el.p(RoundsState.in_pool, id="round-in-pool"),
        rx.el.p(RoundsState.invited, id="round-invited"),
        rx.el.section(
            rx.el.h2(t("pools.rounds_heading", lang)),
            table(c, body, caption=t("pools.rounds_heading", lang), table_id="round-table"),
        ),
        modified=MODIFIED,
    )
