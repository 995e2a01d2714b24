"""« Révisez vos réponses » for every program: each answer with a pen (« Modifier »,
whose accessible name includes the question) that opens its step, the fees when the
program has some, « Recommencer », « Continuer » to the document checklist."""

from __future__ import annotations

import reflex as rx

from rar_app.components.fee_selector import fee_summary_panel
from rar_app.components.widgets import nav_bar, nav_button
from rar_app.components.wizard_form import confirm_panel
from rar_app.i18n import t
from rar_app.pages.program_questions import frame
from rar_app.pages.registry import page
from rar_app.programs import registry
from rar_app.programs.base import Program
from rar_app.state.questions import QuestionState as Q


def _review_group(lang: str, group) -> rx.Component:
    return rx.el.section(
        rx.el.h2(group.heading),
        rx.el.div(
            rx.el.table(
                rx.el.thead(rx.el.tr(
                    rx.el.th(t("wizard.review_question", lang), scope="col"),
                    rx.el.th(t("wizard.review_answer", lang), scope="col"),
                    rx.el.th(rx.el.span(t("wizard.review_change", lang), class_name="visually-hidden"), scope="col"),
                )),
                rx.el.tbody(rx.foreach(group.answers, lambda item: rx.el.tr(
                    rx.el.th(item.label, scope="row"),
                    rx.el.td(item.value),
                    rx.el.td(rx.el.a(
                        rx.el.span(t("wizard.pencil_icon", lang), aria_hidden="true", class_name="pencil"),
                        rx.el.span(item.edit_label, class_name="visually-hidden"),
                        href=item.href, class_name="pencil-link", title=t("wizard.review_change", lang),
                    )),
                ))),
                class_name="review-table",
            ),
            class_name="table-wrap",
        ),
        class_name="review-group",
    )


def review_page(lang: str, program: Program) -> rx.Component:
    return frame(
        lang, program, program.page_id("review"), "wizard.step_review",
        nav_bar(nav_button("start_again", lang, on_click=Q.ask_restart)),
        rx.cond(
            Q.confirm_restart,
            confirm_panel(
                "restart-confirm", t("wizard.restart_confirm_title", lang), t("wizard.restart_confirm_body", lang),
                rx.el.button(t("wizard.restart_confirm_yes", lang), type="button", class_name="btn btn-danger",
                             on_click=Q.confirm_restart_now, id="restart-yes"),
                rx.el.button(t("wizard.restart_confirm_no", lang), type="button", class_name="btn btn-secondary",
                             on_click=Q.cancel_restart, id="restart-no"),
            ),
        ),
        rx.el.p(t("wizard.review_intro", lang)),
        rx.foreach(Q.review_groups, lambda g: _review_group(lang, g)),
        *([fee_summary_panel(lang, Q.fee_lines, Q.review_total, Q.fee_warnings)]
          if program.fee_summary is not None or program.fees is not None else []),
        nav_bar(nav_button("continue", lang, primary=True, on_click=Q.continue_after_review),
                nav_button("exit_questionnaire", lang, on_click=Q.leave)),
    )


for _program in registry.all_programs():
    page(_program.page_id("review"), fr=_program.path("review", "fr"), en=_program.path("review", "en"),
         title_key="wizard.step_review", on_load=Q.load)(lambda lang, p=_program: review_page(lang, p))
