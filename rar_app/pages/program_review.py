"""« Révisez vos réponses » for every program: each answer with a pen (« Modifier »,
whose accessible name includes the question) that opens its step, the fees when the
program has some, « Recommencer », « Continuer » to the document checklist."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.fee_selector import fee_summary_panel
from rar_app.components.widgets import nav_bar, nav_button
from rar_app.i18n import t
from rar_app.pages.program_questions import frame, restart_confirm
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
                    rx.el.td(item.value, rx.cond(item.note != "", rx.el.span(
                        rx.el.br(), item.note, class_name="hint eligibility-note"))),
                    # A 44 px pen with the word « Modifier »; its name adds the question
                    # (« Modifier : Date de naissance (Client 1…) »). None on computed lines.
                    rx.el.td(rx.cond(item.href != "", rx.el.a(
                        rx.el.span(t("wizard.pencil_icon", lang), aria_hidden="true", class_name="pencil"),
                        rx.el.span(t("wizard.review_change", lang), class_name="pencil-word"),
                        href=item.href, class_name="pencil-link", id=item.pen_id, aria_label=item.edit_label,
                    ))),
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
        restart_confirm(lang),
        rx.el.p(t("wizard.review_intro", lang)),
        # Answers from the eligibility questions: changing them means starting again (guide, Étape 2).
        rx.cond(Q.eligibility_note != "", rx.el.p(Q.eligibility_note, class_name="alert alert-warning",
                                                  id="review-eligibility-note")),
        # The guide, at « Révisez vos réponses »: change answers with the pens or « Recommencer ».
        rx.el.p(rx.el.strong(t("wayfinding.no_back_button", lang)), class_name="alert alert-warning",
                id="no-back-button"),
        rx.foreach(Q.review_groups, lambda g: _review_group(lang, g)),
        *([fee_summary_panel(lang, Q.fee_lines, Q.review_total, Q.fee_warnings)]
          if program.fee_summary is not None or program.fees is not None else []),
        # The questionnaire's notes (e.g. every visa is multiple entry) again beside the fees.
        *[rx.el.p(t(key, lang), class_name="alert", id=f"review-note-{key.rsplit('.', 1)[-1].replace('_', '-')}")
          for key in dict.fromkeys(k for s in (program.application.steps if program.application else ())
                                   for k in s.note_keys)],
        # The client file's « Historique du dossier » (who did what, when, from where), drafts included.
        rx.cond(Q.app_id > 0, rx.el.p(rx.el.a(t("history.title", lang), id="file-history-link",
                                              href=f"{routes.url('file_history', lang)}?id={Q.app_id}"))),
        nav_bar(nav_button("continue", lang, primary=True, on_click=Q.continue_after_review),
                nav_button("exit_questionnaire", lang, on_click=Q.leave)),
    )


for _program in registry.all_programs():
    page(_program.page_id("review"), fr=_program.path("review", "fr"), en=_program.path("review", "en"),
         title_key="wizard.step_review", on_load=Q.load, guards_itself=True)(lambda lang, p=_program: review_page(lang, p))
