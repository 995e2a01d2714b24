"""The account home's « Invitations à présenter une demande »: every open invitation of the
profiles the account holds, with the days left and a link to the profile's status page.
Program-neutral (services/office/pool_profile.open_invitations)."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app import routes
from rar_app.i18n import t
from rar_app.programs import registry
from rar_app.services.office import pool_profile
from rar_app.state.session import page_lang, require_session


class PoolHomeState(rx.State):
    rows: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        info = require_session(self)
        if info is None:
            self.rows = []
            return
        lang = page_lang(self)
        found = await asyncio.to_thread(pool_profile.open_invitations, info.account_id)
        rows = []
        for r in found:
            try:
                title = t(registry.get(r["kind"]).title_key, lang)
            except KeyError:
                title = r["kind"]
            rows.append({"text": t("pools.home_row", lang, number=r["profile_number"], program=title,
                                   days=r["days_left"], deadline=r["deadline"]),
                         "label": t("pools.home_open", lang, number=r["profile_number"]),
                         "href": f"{routes.url('pool_status', lang)}?id={r['application_id']}"})
        self.rows = rows


def home_invitations(lang: str) -> rx.Component:
    """Shown only when there is an open invitation."""
    return rx.el.div(
        rx.cond(PoolHomeState.rows.length() > 0, rx.el.section(
            rx.el.h2(t("pools.home_heading", lang)),
            rx.el.ul(rx.foreach(PoolHomeState.rows, lambda r: rx.el.li(
                r["text"], " ", rx.el.a(r["label"], href=r["href"]))), id="home-invitations"),
            class_name="home-section",
        )),
        on_mount=PoolHomeState.load,
    )
