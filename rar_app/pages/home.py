"""Accueil du compte: every action the guide lists. Actions whose pages are not
built yet say so plainly instead of linking nowhere."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.state.session import SessionState

MODIFIED = "2026-11-27"

# (catalogue key, page id or None while the page does not exist yet)
APPLY_ACTIONS = [
    ("home.apply_vsw", "vsw_start"),
    ("home.apply_ee", None),
    ("home.apply_iec", None),
    ("home.apply_eta", None),
    ("home.apply_ifhp", None),
]
SEARCH_ACTIONS = [("home.search_submitted", "search"), ("home.search_all", "search_all")]
LINK_ACTIONS = [("home.link_application", "link_application")]
MESSAGE_ACTIONS = [("home.account_messages", "account_messages")]
ACCOUNT_ACTIONS = [("common.account_profile", "profile"), ("home.change_password", "change_password")]


def action_item(lang: str, key: str, page_id: str | None) -> rx.Component:
    if page_id and page_id in routes.ROUTES:
        return rx.el.li(rx.el.a(t(key, lang), href=routes.url(page_id, lang)))
    return rx.el.li(
        rx.el.span(t(key, lang)), " ", rx.el.span(t("common.coming_soon", lang), class_name="badge"),
        class_name="action-unavailable",
    )


def section(lang: str, heading_key: str, actions: list[tuple[str, str | None]], *extra: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.el.h2(t(heading_key, lang)),
        *extra,
        rx.el.ul(*[action_item(lang, k, p) for k, p in actions], class_name="action-list"),
        class_name="home-section",
    )


@page("home", fr="/fr/accueil-du-compte", en="/en/account-home", title_key="home.title")
def home_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "home",
        t("home.title", lang),
        rx.el.p(t("home.intro", lang)),
        section(lang, "home.section_apply", APPLY_ACTIONS),
        rx.el.section(
            rx.el.h2(t("home.section_drafts", lang)),
            rx.el.p(t("home.no_drafts", lang), id="drafts-empty"),
            class_name="home-section",
            id="drafts",
        ),
        section(lang, "home.section_submitted", SEARCH_ACTIONS),
        section(lang, "home.section_link", LINK_ACTIONS),
        section(lang, "home.section_messages", MESSAGE_ACTIONS),
        section(lang, "home.section_account", ACCOUNT_ACTIONS),
        modified=MODIFIED,
    )
