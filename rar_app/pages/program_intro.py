"""A program's introduction pages, before its questions, for programs that declare them
(``Program.extra["intro_keys"]``): the page the home link opens, with « Continuer »,
then the program's own page (``extra["landing_keys"]``) whose button at the bottom
(``extra["start_key"]``, e.g. « Présenter une demande d'AVE ») starts the questions.

Static pages (every text resolved from the catalogues when the page is compiled),
registered once per program and language; nothing here names a program."""

from __future__ import annotations

from datetime import date

import reflex as rx

from rar_app.components.layout import page_template
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.services.casework import submission
from rar_app.programs import registry
from rar_app.programs.base import Program
from rar_app.programs.engine import Context

MODIFIED = "2026-12-04"
INTRO, LANDING = "intro", "landing"
INTRO_SLUGS = {INTRO: ("introduction", "introduction"), LANDING: ("demande-en-ligne", "online-application")}


def intro_programs() -> list[Program]:
    return [p for p in registry.all_programs() if p.extra.get("intro_keys")]


def intro_path(program: Program, name: str, lang: str) -> str:
    fr, en = INTRO_SLUGS[name]
    return f"/{lang}/{program.slug(lang)}/{fr if lang == 'fr' else en}"


def start_path(program: Program, lang: str) -> str:
    """Where the questions begin: the eligibility questions, else the application."""
    return program.path(program.start_page(), lang)


def _fee_line(program: Program, lang: str) -> list[rx.Component]:
    """The fee in force on the day the page is built, from the program's fee summary (a dated
    parameter), when the program names a text for it."""
    key = program.extra.get("fee_in_force_key")
    view = program.fee_view(Context(date.today(), {}), lang) if key else None
    if not view:
        return []
    return [rx.el.p(t(key, lang, amount=submission.money(submission.cents(view["total"]), lang)), id="fee-in-force")]


def _register(program: Program) -> None:
    intro_heading, *intro_text = program.extra["intro_keys"]
    landing_heading, *landing_text = program.extra.get("landing_keys") or (intro_heading,)
    intro_id, landing_id = program.page_id(INTRO), program.page_id(LANDING)

    @page(intro_id, fr=intro_path(program, INTRO, "fr"), en=intro_path(program, INTRO, "en"), title_key=intro_heading)
    def intro_page(lang: str) -> rx.Component:
        return page_template(
            lang, intro_id, t(intro_heading, lang),
            *[rx.el.p(t(k, lang)) for k in intro_text],
            rx.el.div(
                rx.el.a(t("nav.continue", lang), href=intro_path(program, LANDING, lang), class_name="btn btn-primary",
                        id="intro-continue"),
                class_name="nav-bar",
            ),
            modified=MODIFIED,
        )

    @page(landing_id, fr=intro_path(program, LANDING, "fr"), en=intro_path(program, LANDING, "en"),
          title_key=landing_heading)
    def landing_page(lang: str) -> rx.Component:
        return page_template(
            lang, landing_id, t(landing_heading, lang),
            *[rx.el.p(t(k, lang)) for k in landing_text],
            *_fee_line(program, lang),
            rx.el.div(
                rx.el.a(t(program.extra["start_key"], lang), href=start_path(program, lang),
                        class_name="btn btn-primary", id="program-start"),
                class_name="nav-bar",
            ),
            modified=MODIFIED,
        )


for _program in intro_programs():
    _register(_program)
