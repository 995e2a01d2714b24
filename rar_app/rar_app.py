"""The Reflex app: registers every page once per language."""

from __future__ import annotations

import json
import logging
import urllib.parse
from pathlib import Path

import reflex as rx

import rar_app.pages  # noqa: F401  (registers the pages)
from rar_app import routes
from rar_app.api import body_limit_guard, build_api, origin_guard, security_headers, upload_folder_guard
from rar_app.i18n import LANGS, t
from rar_app.pages import info
from rar_app.pages.registry import PAGES
from rar_app.services import availability
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

_log = logging.getLogger("rar_app.events")
# Where the message goes: the page's own language, above the main content, announced (role=alert).
_NOTICE_SCRIPT = """(() => {{ const en = (document.documentElement.lang || 'fr').startsWith('en');
  let box = document.getElementById('service-notice');
  if (!box) {{ box = document.createElement('div'); box.id = 'service-notice'; box.setAttribute('role', 'alert');
    box.className = 'alert alert-warning'; (document.querySelector('main') || document.body).prepend(box); }}
  box.textContent = en ? {en} : {fr}; }})()"""


def backend_exception_handler(exception: Exception):
    """What a person sees when an event fails: never a traceback (it goes to the log), a plain
    message in the page's language — « service momentarily unavailable » when the database is out
    of reach (nothing was written: transactions roll back whole), else that the action was not done."""
    _log.error("event failed", exc_info=exception)
    key = "resilience.unavailable_later" if availability.database_unavailable(exception) else "resilience.unexpected"
    return rx.call_script(_NOTICE_SCRIPT.format(fr=json.dumps(t(key, "fr")), en=json.dumps(t(key, "en"))))


# The favicon (assets/favicon.svg, also served at /favicon.svg for other tools).
FAVICON_DATA_URL = "data:image/svg+xml," + urllib.parse.quote(
    (Path(__file__).resolve().parents[1] / "assets" / "favicon.svg").read_text(encoding="utf-8").strip(), safe=" /:=")


app = rx.App(
    backend_exception_handler=backend_exception_handler,
    stylesheets=["/rar.css"],
    html_lang="fr",
    # Innermost first: bodies bounded, then foreign origins refused, headers on every answer.
    api_transformer=[build_api(), upload_folder_guard, body_limit_guard, origin_guard, security_headers],
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1"),
        # In the page itself (a data: address): one request fewer on every first load (issue 15).
        rx.el.link(rel="icon", href=FAVICON_DATA_URL, type="image/svg+xml"),
        # The language toggle keeps the page, its query and what was typed (assets/rar.js).
        rx.el.script(src="/rar.js", defer=True),
    ],
)


def _built_in_its_module(builder, lang: str):
    """The page as a callable that says it comes from the page's own module. Reflex writes a
    page's memoized components into a file named after that module; a pre-built component
    would put every page's into one file (rar_app.rar_app) that every first load downloads."""
    def build() -> rx.Component:
        return builder(lang)

    build.__module__ = builder.__module__
    return build


def register_pages(application: rx.App) -> None:
    for spec in PAGES.values():
        route = routes.ROUTES[spec.page_id]
        for lang in LANGS:
            application.add_page(
                _built_in_its_module(spec.builder, lang),
                route=route.path(lang),
                title=f"{t(spec.title_key, lang)} — {t('common.portal_short', lang)}",
                on_load=[*spec.on_load] if spec.guards_itself else [SessionState.enter_page, *spec.on_load],
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


def freeze_startup_heap() -> None:
    """Lifespan task (runs last, once the app is built): the objects made while importing and
    building the app (modules, pages, programs, rules) live as long as the worker, so they
    leave the garbage collector's generations. A full collection then walks only what events
    create, instead of the whole heap (hundreds of milliseconds with every program loaded)."""
    import gc

    gc.collect()
    gc.freeze()


app.register_lifespan_task(freeze_startup_heap)

