"""The Reflex app: registers every page once per language."""

from __future__ import annotations

import reflex as rx

import rar_app.pages  # noqa: F401  (registers the pages)
from rar_app import routes
from rar_app.api import body_limit_guard, build_api, origin_guard, security_headers
from rar_app.i18n import LANGS, t
from rar_app.pages import info
from rar_app.pages.registry import PAGES
from rar_app.services.messaging import mailer
from rar_app.services.office import simulation
from rar_app.settings import get_settings, harden_data_dir
from rar_app.state.session import SessionState
from rar_app import packet_merge, worker_failover

# With Redis: a browser whose worker died reconnects to another with its state (see the module).
worker_failover.install()
# A handler's delta and the browser events it returns (redirect, focus) in one packet.
packet_merge.install()

harden_data_dir(get_settings())  # data folder 0700, database and outbox 0600 (umask 077 from here on)

app = rx.App(
    stylesheets=["/rar.css"],
    html_lang="fr",
    # Innermost first: bodies bounded, then foreign origins refused, headers on every answer.
    api_transformer=[build_api(), body_limit_guard, origin_guard, security_headers],
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        # The language toggle keeps the page, its query and what was typed (assets/rar.js).
        rx.el.script(src="/rar.js", defer=True),
    ],
)


def register_pages(application: rx.App) -> None:
    for spec in PAGES.values():
        route = routes.ROUTES[spec.page_id]
        for lang in LANGS:
            application.add_page(
                spec.builder(lang),
                route=route.path(lang),
                title=f"{t(spec.title_key, lang)} — {t('common.portal_short', lang)}",
                on_load=[SessionState.enter_page, *spec.on_load],
            )
    application.add_page(
        info.splash_page(),
        route="/",
        title=f"{t('common.portal_short', 'fr')} | {t('common.portal_short', 'en')}",
        on_load=SessionState.choose_landing,
    )


register_pages(app)
# Started with the app, never from a page: the mail delivery thread, and the training
# simulation with the scheduled demo reset when the settings turn them on.
app.register_lifespan_task(mailer.delivery_at_startup)
app.register_lifespan_task(simulation.training_at_startup)
