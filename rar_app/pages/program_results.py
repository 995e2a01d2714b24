"""« Vos résultats »: what a program's eligibility answers lead to — what the client may
apply for and why (each reason with its legal reference), what not and why, what would
change that, program figures (a CRS breakdown…), « Continuer » when eligible. One page
per program with eligibility questions (state: `ProgramResultsState`)."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import nav_bar
from rar_app.i18n import t
from rar_app.pages.program_finish import program_pages, scroll_region
from rar_app.programs.base import Program
from rar_app.state.program_results import ProgramResultsState as R

MODIFIED = "2026-12-04"


def _reasons(lang: str, items) -> rx.Component:
    return rx.el.ul(rx.foreach(items, lambda r: rx.el.li(
        r.text,
        rx.cond(r.reference != "", rx.el.span(" (", t("programs.results_reference", lang), r.reference, ")",
                                              class_name="hint reference")),
    )), class_name="reasons")


def _group(lang: str, heading_key: str, items, group_id: str) -> rx.Component:
    return rx.cond(items.length() > 0, rx.el.section(
        rx.el.h2(t(heading_key, lang), id=group_id),
        rx.foreach(items, lambda g: rx.el.div(rx.el.h3(g.title), _reasons(lang, g.reasons), class_name="result")),
        aria_labelledby=group_id,
    ))


def shell(lang: str, page_id: str, title_key: str, *body: rx.Component) -> rx.Component:
    return page_template(
        lang, page_id, t(title_key, lang),
        rx.cond(
            R.notice != "",
            rx.el.div(rx.el.p(R.notice), rx.el.p(rx.el.a(t("common.back_home", lang), href=routes.url("home", lang))),
                      class_name="alert alert-warning", role="alert", id="results-notice"),
            rx.cond(R.loaded, rx.fragment(*body), rx.el.p(t("common.loading", lang), role="status")),
        ),
        modified=MODIFIED,
    )


def results_page(lang: str, program: Program) -> rx.Component:
    return shell(
        lang, program.page_id("results"), "programs.results_title",
        rx.el.p(rx.el.strong(rx.cond(R.eligible, t("programs.results_eligible", lang),
                                     t("programs.results_not_eligible", lang))),
                id="results-verdict", class_name=rx.cond(R.eligible, "alert alert-success", "alert alert-warning")),
        _group(lang, "programs.results_may_apply", R.results, "results-yes"),
        _group(lang, "programs.results_may_not", R.refusals, "results-no"),
        rx.cond(R.advice.length() > 0, rx.el.section(
            rx.el.h2(t("programs.results_advice", lang), id="results-advice"),
            _reasons(lang, R.advice), aria_labelledby="results-advice")),
        rx.cond(R.details.length() > 0, rx.el.section(
            rx.el.h2(t("programs.results_details", lang), id="results-details"),
            rx.el.div(rx.el.table(rx.el.tbody(rx.foreach(R.details, lambda d: rx.el.tr(
                rx.el.th(d.label, scope="row"), rx.el.td(d.value))))),
                **scroll_region(t("programs.results_details_table", lang))),
            aria_labelledby="results-details")),
        rx.cond(R.redirect_href != "", rx.el.p(rx.el.a(R.redirect_text, href=R.redirect_href, id="results-redirect"))),
        nav_bar(
            rx.el.a(t("nav.previous", lang), href=R.back_href, class_name="btn btn-secondary", id="nav-previous"),
            rx.cond(R.eligible, rx.el.a(t("nav.continue", lang), href=R.continue_href, class_name="btn btn-primary",
                                        id="nav-continue")),
            rx.el.a(t("nav.exit_questionnaire", lang), href=routes.url("home", lang) + "#drafts",
                    class_name="btn btn-secondary", id="nav-exit-questionnaire"),
        ),
    )


program_pages("results", "programs.results_title", R.load_results, results_page,
              when=lambda p: p.eligibility is not None)
