"""The document checklist (« Liste de vérification des documents »: instructions, each
client's documents with the uploader, the fees), « Votre déclaration solennelle et votre
signature électronique » (the program's texts and consent questions, the names and the
security question, « Signer ») and « Votre liste de contrôle personnelle », for every
registered program (state: `state/program_sign.py`)."""

from __future__ import annotations

import reflex as rx

from rar_app.components.widgets import error_summary, nav_bar, nav_button, text_field
from rar_app.components.wizard_form import radio_group
from rar_app.i18n import t
from rar_app.pages.program_finish import checklist_table, clients_table, fees_panel, frame, program_pages
from rar_app.programs.base import Program
from rar_app.programs.engine import Field
from rar_app.state.documents import DocumentsState
from rar_app.state.program_sign import FinishSignState

try:  # the document uploader (issue 5); the checklist alone when it is not there
    from rar_app.components.document_uploader import document_uploader
except ImportError:  # pragma: no cover - depends on the other feature
    document_uploader = None  # type: ignore[assignment]

S = FinishSignState


# -- step 8 ------------------------------------------------------------------------------


def _current_count(lang: str) -> rx.Component:
    """« n sur N » of the client whose uploader is shown, from the uploader itself: it
    changes the moment a file is added or removed (the other clients' do not change here)."""
    return rx.fragment(DocumentsState.provided_text)


def _client_switcher(lang: str) -> rx.Component:
    return rx.el.nav(
        rx.el.h2(t("submit.choose_client", lang), id="client-switcher-title"),
        rx.el.ul(rx.foreach(S.clients, lambda c: rx.el.li(
            rx.cond(
                c.position == S.current_client,
                rx.el.strong(c.heading, " (", _current_count(lang), ")", aria_current="true",
                             id="current-client-count"),
                rx.el.a(c.heading, " (", c.documents_count, ")",
                        href="?id=" + S.app_id.to_string() + "&client=" + c.position.to_string()),
            ),
            id="client-row-" + c.position.to_string(),
        ))),
        aria_labelledby="client-switcher-title",
        class_name="client-switcher",
    )


def _uploader_area(lang: str) -> rx.Component:
    if document_uploader is None:
        return rx.el.section(
            rx.el.h2(t("submit.uploader_placeholder_title", lang)),
            rx.el.p(t("submit.uploader_placeholder", lang)),
            class_name="alert uploader-placeholder",
            id="uploader-placeholder",
        )
    return rx.el.section(
        rx.el.h2(S.current_heading, id="uploader-title"),
        document_uploader(lang),
        aria_labelledby="uploader-title",
        id="uploader",
    )


def documents_page(lang: str, program: Program) -> rx.Component:
    tables = rx.foreach(S.clients, lambda c: checklist_table(lang, c))
    return frame(
        lang, program.page_id("document_checklist"), program.page_title("document_checklist", "submit.documents_title"), S,
        error_summary(lang, S.errors),
        rx.cond(S.signed_notice != "", rx.el.div(
            rx.el.p(S.signed_notice),
            rx.el.button(t("submit.withdraw_signature", lang), type="button", class_name="btn btn-secondary",
                         on_click=S.withdraw_signature, id="withdraw-signature"),
            class_name="alert", id="signed-notice", tab_index=-1,
        )),
        rx.el.section(
            rx.el.h2(t("submit.instructions_title", lang)),
            rx.el.ul(rx.el.li(t("submit.instructions_1", lang)), rx.el.li(t("submit.instructions_2", lang)),
                     rx.el.li(t("submit.instructions_3", lang))),
            class_name="instructions",
        ),
        rx.el.h2(t("submit.checklist_heading", lang)),
        *([_client_switcher(lang)] if document_uploader is not None else [tables]),
        _uploader_area(lang),
        rx.el.p(rx.cond(S.has_fees, t("submit.fees_intro", lang), t("submit.no_fees", lang))),
        fees_panel(lang, S),
        nav_bar(
            nav_button("previous", lang, on_click=S.go(program.previous_page("document_checklist"))),
            nav_button("continue", lang, primary=True, on_click=S.continue_documents),
            nav_button("exit_questionnaire", lang, on_click=S.exit_questionnaire),
        ),
    )


# -- step 9 ------------------------------------------------------------------------------


def _consent_group(lang: str, q: Field) -> rx.Component:
    """One consent question of the program's declaration (« J'accepte / Je refuse »)."""
    error = S.consent_errors[q.name]
    options = [(o.code, o.label(lang, t)) for o in q.options]  # type: ignore[union-attr]
    return radio_group(lang, q.name, t(q.label_key, lang), options, S.consent[q.name],
                       lambda v, name=q.name: S.set_consent(name, v), error,
                       help_text=t(q.help_key, lang) if q.help_key else None, required=True)


def _declaration_texts(lang: str, program: Program) -> list[rx.Component]:
    d = program.declaration
    if d is None:
        return []
    out: list[rx.Component] = []
    for n, (heading, paragraphs) in enumerate(d.sections):
        title_id = f"declaration-section-{n}"
        out.append(rx.el.section(
            rx.el.h2(t(heading, lang), id=title_id),
            *[rx.el.p(t(k, lang)) for k in paragraphs],
            aria_labelledby=title_id, class_name="declaration-text",
        ))
    return out


def declaration_page(lang: str, program: Program) -> rx.Component:
    questions = program.declaration.questions if program.declaration else ()
    asks_question = program.declaration is None or program.declaration.security_question
    form = rx.el.form(
        *[_consent_group(lang, q) for q in questions],
        rx.el.h2(t("submit.signature_heading", lang)),
        rx.el.p(t("submit.signature_hint" if asks_question else "submit.signature_hint_names", lang), class_name="hint"),
        text_field(lang, "given-names", t("submit.given_names", lang), S.given_names, S.set_given_names,
                   S.given_names_error, autocomplete="given-name", max_length=100),
        text_field(lang, "family-name", t("submit.family_name", lang), S.family_name, S.set_family_name,
                   S.family_name_error, autocomplete="family-name", max_length=100),
        *([text_field(lang, "answer", S.question, None, None, S.answer_error,
                      hint=t("submit.answer", lang), input_type="password", autocomplete="off", max_length=200)]
          if asks_question else []),
        nav_bar(
            nav_button("previous", lang, on_click=S.go(program.previous_page("declaration"))),
            rx.el.button(t(program.page_buttons.get("declaration", "submit.sign"), lang), type="submit",
                         class_name="btn btn-primary", id="sign"),
            nav_button("exit_questionnaire", lang, on_click=S.exit_questionnaire),
        ),
        on_submit=S.sign,
        no_validate=True,
        id="declaration-form",
    )
    signed = rx.el.div(
        rx.el.p(S.signed_notice),
        nav_bar(
            nav_button("previous", lang, on_click=S.go(program.previous_page("declaration"))),
            nav_button("continue", lang, primary=True, on_click=S.go(program.next_page("declaration"))),
        ),
        class_name="alert alert-success", id="signed-notice",
    )
    return frame(
        lang, program.page_id("declaration"), program.page_title("declaration", "submit.declaration_title"), S,
        error_summary(lang, S.errors),
        *[rx.el.p(t(k, lang)) for k in (program.declaration.text_keys if program.declaration else ())],
        rx.el.h2(t("submit.summary_checklist_title", lang)),
        rx.foreach(S.clients, lambda c: checklist_table(lang, c)),
        fees_panel(lang, S),
        *_declaration_texts(lang, program),
        rx.cond(S.status == "draft", form, signed),
    )


# -- step 10 -----------------------------------------------------------------------------


def checklist_page(lang: str, program: Program) -> rx.Component:
    return frame(
        lang, program.page_id("checklist"), "submit.checklist_title", S,
        rx.el.div(rx.el.p(rx.el.strong(t("submit.not_submitted_warning", lang))), class_name="alert alert-warning",
                  id="not-submitted-warning"),
        rx.el.p(S.signed_notice),
        rx.el.h2(t("submit.clients_title", lang)),
        clients_table(lang, S.clients),
        rx.foreach(S.clients, lambda c: checklist_table(lang, c)),
        fees_panel(lang, S),
        nav_bar(
            nav_button("previous", lang, on_click=S.go(program.previous_page("checklist"))),
            nav_button("continue", lang, primary=True, on_click=S.go(program.next_page("checklist"))),
            nav_button("exit_questionnaire", lang, on_click=S.exit_questionnaire),
        ),
    )


def summary_page(lang: str, program: Program) -> rx.Component:
    """A program's summary between the review and the rest (`Program.summary_keys`: heading,
    introduction, then the steps), e.g. IFHP's « sommaire des quatre étapes »."""
    _heading, intro, *steps = program.summary_keys
    return frame(
        lang, program.page_id("summary"), program.page_title("summary", ""), S,
        rx.el.p(t(intro, lang)),
        rx.el.ol(*[rx.el.li(t(k, lang)) for k in steps], id="summary-steps"),
        nav_bar(
            nav_button("previous", lang, on_click=S.go(program.previous_page("summary"))),
            nav_button("continue", lang, primary=True, on_click=S.go(program.next_page("summary"))),
            nav_button("exit_questionnaire", lang, on_click=S.exit_questionnaire),
        ),
    )


program_pages("summary", "", FinishSignState.load_summary, summary_page,
              when=lambda p: "summary" in p.finish_pages and len(p.summary_keys) > 2)
program_pages("document_checklist", "submit.documents_title", FinishSignState.load_documents, documents_page)
program_pages("declaration", "submit.declaration_title", FinishSignState.load_declaration, declaration_page)
program_pages("checklist", "submit.checklist_title", FinishSignState.load_checklist, checklist_page)
