"""Public information pages: landing, glossary, help, and the component gallery."""

from __future__ import annotations

import os

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import (
    error_summary,
    nav_bar,
    nav_button,
    progress_bar,
    status_tile,
    text_field,
)
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.state.session import page_lang

MODIFIED = "2026-12-04"


def splash_page() -> rx.Component:
    """'/' — both languages side by side, as on Canada.ca's splash page."""
    return rx.el.div(
        rx.el.main(
            rx.el.div(
                rx.el.h1(t("common.portal_name", "fr"), lang="fr"),
                rx.el.a(t("common.language_toggle", "en"), href="/fr", lang="fr", class_name="btn btn-primary", id="choose-fr"),
                class_name="splash-col",
            ),
            rx.el.div(
                rx.el.p(t("common.portal_name", "en"), lang="en", class_name="splash-title"),
                rx.el.a(t("common.language_toggle", "fr"), href="/en", lang="en", class_name="btn btn-primary", id="choose-en"),
                class_name="splash-col",
            ),
            class_name="splash",
            id="main",
        ),
        class_name="page",
    )


@page("landing", fr="/fr", en="/en", title_key="home.landing_title", protected=False)
def landing_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "landing",
        t("home.landing_title", lang),
        rx.el.p(t("home.landing_intro", lang)),
        rx.el.p(
            rx.el.a(t("auth.sign_in", lang), href=routes.url("sign_in", lang), class_name="btn btn-primary", id="landing-sign-in"),
        ),
        modified=MODIFIED,
    )


@page("glossary", fr="/fr/glossaire", en="/en/glossary", title_key="glossary.title", protected=False)
def glossary_page(lang: str) -> rx.Component:
    entries = ["rar", "ee", "ifhp", "eta"]
    return page_template(
        lang,
        "glossary",
        t("glossary.title", lang),
        rx.el.p(t("glossary.intro", lang)),
        rx.el.dl(
            *[
                item
                for e in entries
                for item in (
                    rx.el.dt(t(f"glossary.{e}_term", lang), id=f"term-{e}"),
                    rx.el.dd(t(f"glossary.{e}_def", lang)),
                )
            ],
            class_name="glossary",
        ),
        modified=MODIFIED,
    )


@page("help", fr="/fr/aide", en="/en/help", title_key="help.title", protected=False)
def help_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "help",
        t("help.title", lang),
        rx.el.p(t("help.intro", lang)),
        rx.el.p(t("wayfinding.self_service_note", lang), class_name="alert", id="self-service-note"),
        rx.el.section(
            rx.el.h2(t("wayfinding.support_heading", lang), id="support-heading"),
            rx.el.ul(
                rx.el.li(t("wayfinding.help_icon", lang)),
                rx.el.li(t("wayfinding.non_technical", lang), " ",
                         rx.el.a(t("wayfinding.support_email", lang), href="mailto:" + t("wayfinding.support_email", lang),
                                 id="support-email"), "."),
                rx.el.li(t("wayfinding.technical", lang), " ",
                         rx.el.a(t("wayfinding.web_form_link", lang), href=t("wayfinding.web_form_url", lang),
                                 id="web-form-link", rel="noopener")),
                rx.el.li(rx.el.a(t("help.glossary_link", lang), href=routes.url("glossary", lang))),
            ),
            aria_labelledby="support-heading",
        ),
        rx.el.section(
            rx.el.h2(t("wayfinding.navigation_heading", lang), id="navigation-heading"),
            rx.el.ul(
                rx.el.li(t("wayfinding.navigation_intro", lang)),
                rx.el.li(t("wayfinding.navigation_change", lang)),
                rx.el.li(rx.el.strong(t("wayfinding.no_back_button", lang)), id="no-back-button"),
                rx.el.li(t("help.keyboard", lang)),
            ),
            aria_labelledby="navigation-heading",
        ),
        rx.el.section(
            rx.el.h2(t("wayfinding.fees_heading", lang), id="fees-heading"),
            rx.el.p(t("wayfinding.multiple_entry", lang), id="multiple-entry"),
            aria_labelledby="fees-heading",
        ),
        modified=MODIFIED,
    )


class GalleryState(rx.State):
    """Only drives the gallery's sample field (no data, no session needed)."""

    file_number: str = ""
    file_number_error: str = ""
    errors: list[dict[str, str]] = []
    message: str = ""
    # Which backend worker handled the last event: lets trainers (and the scale-out
    # test) see that several workers share one session's state through Redis.
    served_by: str = ""

    @rx.event
    def set_file_number(self, value: str):
        self.file_number = value[:60]

    @rx.event
    def check(self):
        lang = page_lang(self)
        self.served_by = str(os.getpid())
        if not self.file_number.strip():
            self.file_number_error = t("components.gallery_error_required", lang)
            self.errors = [{"field": "file-number", "message": self.file_number_error}]
            self.message = ""
            return rx.set_focus("error-summary")
        self.file_number_error = ""
        self.errors = []
        self.message = t("components.gallery_ok", lang)
        return None


@page("components", fr="/fr/composants", en="/en/components", title_key="components.gallery_title", protected=False)
def components_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "components",
        t("components.gallery_title", lang),
        rx.el.p(t("components.gallery_intro", lang)),
        error_summary(lang, GalleryState.errors),
        rx.el.form(
            text_field(
                lang, "file-number", t("components.gallery_field_label", lang), GalleryState.file_number,
                GalleryState.set_file_number, GalleryState.file_number_error,
                help_text=t("components.gallery_field_help", lang),
            ),
            rx.el.button(t("components.gallery_validate", lang), type="submit", class_name="btn btn-primary", id="gallery-check"),
            rx.el.p(GalleryState.message, role="status", id="gallery-status"),
            rx.el.p(GalleryState.served_by, id="served-by", class_name="visually-hidden"),
            on_submit=GalleryState.check,
            prevent_default=True,
            no_validate=True,
        ),
        rx.el.h2(t("components.gallery_tiles", lang)),
        rx.el.ul(
            status_tile(lang, t("components.gallery_tile_1", lang), "complete"),
            status_tile(lang, t("components.gallery_tile_2", lang), "in_progress"),
            status_tile(lang, t("components.gallery_tile_3", lang), "not_started"),
            class_name="task-list",
        ),
        rx.el.h2(t("components.gallery_progress", lang)),
        progress_bar(40, t("components.gallery_progress", lang)),
        rx.el.h2(t("components.gallery_navigation", lang)),
        nav_bar(
            nav_button("previous", lang),
            nav_button("next", lang, primary=True),
            nav_button("return_previous", lang),
            nav_button("start_again", lang),
            nav_button("exit_questionnaire", lang),
        ),
        modified=MODIFIED,
    )
