"""The Reflex app: registers every page once per language."""

from __future__ import annotations

from typing import Callable

import reflex as rx

from rar_app import routes
from rar_app.api import build_api
from rar_app.i18n import LANGS, t
from rar_app.pages import home, info, sign_in
from rar_app.state.session import SessionState

app = rx.App(
    stylesheets=["/rar.css"],
    html_lang="fr",
    api_transformer=build_api(),
    head_components=[rx.el.meta(name="viewport", content="width=device-width, initial-scale=1")],
)

# page id -> (builder(lang), title key)
PAGES: dict[str, tuple[Callable[[str], rx.Component], str]] = {
    "landing": (info.landing_page, "home.landing_title"),
    "sign_in": (sign_in.sign_in_page, "auth.sign_in_title"),
    "signed_out": (sign_in.signed_out_page, "auth.signed_out_title"),
    "home": (home.home_page, "home.title"),
    "glossary": (info.glossary_page, "glossary.title"),
    "help": (info.help_page, "help.title"),
    "components": (info.components_page, "components.gallery_title"),
    "profile": (info.profile_placeholder_page, "common.account_profile"),
}


def register_pages(application: rx.App) -> None:
    for page_id, (builder, title_key) in PAGES.items():
        route = routes.ROUTES[page_id]
        for lang in LANGS:
            application.add_page(
                builder(lang),
                route=route.path(lang),
                title=f"{t(title_key, lang)} — {t('common.portal_short', lang)}",
                on_load=SessionState.enter_page,
            )
    application.add_page(
        info.splash_page(),
        route="/",
        title=f"{t('common.portal_short', 'fr')} | {t('common.portal_short', 'en')}",
        on_load=SessionState.choose_landing,
    )


register_pages(app)
