"""The task-list profile page: one row per form (section) with its status « Pas commencé /
En cours / Terminé » (Terminé in green), « Commencer à remplir le formulaire » or
« Mettre à jour le formulaire », « Vérifier si le formulaire est bien rempli » (a link to
each missing answer), « Enregistrer et quitter », and « Continuer » to the review once
every form is complete. One page per program with a profile."""

from __future__ import annotations

import reflex as rx

from rar_app.components.widgets import nav_bar
from rar_app.components.wizard_form import confirm_panel
from rar_app.i18n import t
from rar_app.pages.program_finish import program_pages, scroll_region
from rar_app.pages.program_results import shell
from rar_app.programs.base import Program
from rar_app.state.program_results import ProgramResultsState as R


def _row(lang: str, s) -> rx.Component:
    return rx.el.tr(
        rx.el.th(s.title, scope="row"),
        rx.el.td(rx.el.strong(s.status_text, class_name=rx.cond(s.status == "done", "badge badge-ok", "badge"),
                              id="section-status-" + s.id)),
        rx.el.td(rx.el.a(s.action, href=s.href, aria_label=s.action_label, class_name="section-action",
                         id="section-" + s.id)),
    )


def profile_page(lang: str, program: Program) -> rx.Component:
    return shell(
        lang, program.page_id("profile"), "programs.profile_title",
        rx.cond(R.shortcuts.length() > 0, rx.el.ul(
            rx.foreach(R.shortcuts, lambda x: rx.el.li(rx.el.a(x.label, href=x.href))),
            class_name="shortcut-links", id="profile-shortcuts")),
        rx.el.p(t("programs.profile_intro", lang)),
        # Guide, Étape 2: sections prefilled from step 1 are « En cours »; changing those answers means
        # starting again — said before any change, with the way to do it.
        rx.cond(R.prefilled, rx.el.div(
            rx.el.p(t("programs.profile_prefilled", lang)),
            rx.el.button(t("nav.start_again", lang), type="button", class_name="btn btn-secondary",
                         on_click=R.ask_restart, id="profile-restart"),
            rx.cond(R.confirm_restart, confirm_panel(
                "restart-confirm", t("wizard.restart_confirm_title", lang), t("wizard.restart_confirm_body", lang),
                rx.el.button(t("wizard.restart_confirm_yes", lang), type="button", class_name="btn btn-danger",
                             on_click=R.confirm_restart_now, id="restart-yes"),
                rx.el.button(t("wizard.restart_confirm_no", lang), type="button", class_name="btn btn-secondary",
                             on_click=R.cancel_restart, id="restart-no"),
            )),
            class_name="alert alert-warning", id="profile-prefilled",
        )),
        rx.el.div(
            rx.el.table(
                rx.el.thead(rx.el.tr(*[rx.el.th(t(k, lang), scope="col") for k in (
                    "programs.profile_section", "programs.profile_status", "programs.profile_action")])),
                rx.el.tbody(rx.foreach(R.sections, lambda s: _row(lang, s))),
                class_name="task-list", id="task-list",
            ),
            **scroll_region(t("programs.profile_title", lang)),
        ),
        rx.el.button(t("programs.profile_check", lang), type="button", class_name="btn btn-secondary",
                     on_click=R.check_profile, id="profile-check-button"),
        rx.cond(R.checked, rx.el.section(
            rx.el.h2(t("programs.profile_missing", lang), id="profile-check", tab_index=-1),
            rx.cond(R.missing.length() > 0,
                    rx.el.ul(rx.foreach(R.missing, lambda m: rx.el.li(rx.el.a(m.label, href=m.href))),
                             id="profile-missing"),
                    rx.el.p(t("programs.profile_missing_none", lang), id="profile-complete")),
            aria_labelledby="profile-check", role="status",
        )),
        nav_bar(
            rx.cond(R.complete, rx.el.a(t("nav.continue", lang), href=R.review_href, class_name="btn btn-primary",
                                        id="nav-continue")),
            rx.el.button(t("programs.profile_save_exit", lang), type="button", class_name="btn btn-secondary",
                         on_click=R.save_and_exit, id="profile-save-exit"),
        ),
    )


program_pages("profile", "programs.profile_title", R.load_profile, profile_page, when=lambda p: bool(p.profile))
