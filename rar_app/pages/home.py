"""Accueil du compte: every action the guide lists. Actions whose pages are not
built yet say so plainly instead of linking nowhere."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.deadlines_panel import home_deadlines
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.programs import registry
from rar_app.pages.status_common import category_label, status_label, status_url
from rar_app.services import transactions
from rar_app.services.office import home_table
from rar_app.state.session import SessionState, page_lang, require_session, sign_in_redirect
from rar_app.state.wizard_drafts import DraftsState

MODIFIED = "2026-12-04"


def _entry_page(program) -> str:
    """A program's introduction page when it has one (pages/program_intro.py), else its first page."""
    intro = program.page_id("intro")
    return intro if intro in routes.ROUTES else program.page_id(program.start_page())


def apply_actions() -> list[tuple[str, str | None]]:
    """« Faire une demande »: the guide's lines of business (`registry.HOME_ENTRIES`), each
    linking to its program once registered, else « Offert prochainement » (called when the
    page is built, after every program page is registered)."""
    return [(key, _entry_page(program) if program else None) for key, program in registry.home_entries()]


SEARCH_ACTIONS = [("home.search_submitted", "search"), ("home.search_all", "search_all")]
LINK_ACTIONS = [("home.link_application", "link_application")]
MESSAGE_ACTIONS = [("home.account_messages", "account_messages")]
ACCOUNT_ACTIONS = [("common.account_profile", "profile"), ("home.change_password", "change_password")]


def action_item(lang: str, key: str, page_id: str | None) -> rx.Component:
    if page_id and page_id in routes.ROUTES:
        return rx.el.li(rx.el.a(t(key, lang), href=routes.url(page_id, lang)))
    return rx.el.li(
        rx.el.span(t(key, lang)), " ", rx.el.span(t("common.coming_soon", lang), class_name="badge"),
        class_name="action-unavailable",
    )


def section(lang: str, heading_key: str, actions: list[tuple[str, str | None]], *extra: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.el.h2(t(heading_key, lang)),
        *extra,
        rx.el.ul(*[action_item(lang, k, p) for k, p in actions], class_name="action-list"),
        class_name="home-section",
    )


def drafts_section(lang: str) -> rx.Component:
    """Poursuivre une demande que vous n'avez pas soumise: one page of drafts (DraftsState)."""
    S = DraftsState
    row = lambda r: rx.el.tr(  # noqa: E731
        rx.el.th(r.file_number, scope="row"),
        rx.el.td(r.kind),
        rx.el.td(r.clients),
        rx.el.td(rx.el.time(r.updated, date_time=r.updated)),
        rx.el.td(
            rx.el.a(r.continue_text, href=r.href, aria_label=r.continue_label,
                    class_name="draft-continue"),
            " ",
            rx.el.a(t("history.title", lang), href=r.history_href, aria_label=r.history_label,
                    class_name="draft-history"),
            rx.cond(
                r.deletable,
                rx.fragment(
                    " ",
                    rx.el.button(t("wizard.drafts_delete", lang), type="button", aria_label=r.delete_label,
                                 on_click=S.ask_delete(r.id), class_name="link-button draft-delete"),
                ),
            ),
        ),
        id=f"draft-{r.id}",
    )
    return rx.el.section(
        rx.el.h2(t("home.section_drafts", lang), id="drafts-title", tab_index=-1),
        rx.el.p(S.message, id="drafts-message", role="status", tab_index=-1),
        rx.cond(
            S.confirm_id != 0,
            rx.el.div(
                rx.el.p(S.confirm_text, id="delete-confirm-text"),
                rx.el.div(
                    rx.el.button(t("wizard.drafts_delete_yes", lang), type="button", on_click=S.confirm_delete,
                                 class_name="btn btn-danger", id="delete-yes"),
                    rx.el.button(t("wizard.drafts_delete_no", lang), type="button", on_click=S.cancel_delete,
                                 class_name="btn btn-secondary", id="delete-no"),
                    class_name="nav-bar",
                ),
                id="delete-confirm", role="alertdialog", aria_labelledby="delete-confirm-text", tab_index=-1,
                class_name="alert alert-warning",
            ),
        ),
        rx.cond(
            S.total > 0,
            rx.fragment(
                rx.el.p(t("wizard.drafts_intro", lang)),
                rx.el.div(
                    rx.el.table(
                        rx.el.caption(t("wizard.drafts_caption", lang), class_name="visually-hidden"),
                        rx.el.thead(rx.el.tr(*[rx.el.th(t(k, lang), scope="col") for k in (
                            "wizard.drafts_file_number", "fidelity.col_application_type", "wizard.drafts_clients",
                            "wizard.drafts_updated", "wizard.drafts_action")])),
                        rx.el.tbody(rx.foreach(S.rows, row)),
                        id="drafts-table",
                    ),
                    class_name="table-wrap",
                ),
                rx.cond(
                    S.pages > 1,
                    rx.el.nav(
                        rx.cond(S.page > 1, rx.el.button(t("wizard.drafts_previous_page", lang), type="button",
                                                         on_click=S.go_to_page(S.page - 1), class_name="btn btn-secondary")),
                        rx.el.span(S.page, " / ", S.pages, class_name="hint"),
                        rx.cond(S.page < S.pages, rx.el.button(t("wizard.drafts_next_page", lang), type="button",
                                                               on_click=S.go_to_page(S.page + 1), class_name="btn btn-secondary")),
                        class_name="nav-bar", aria_label=t("wizard.drafts_caption", lang),
                    ),
                ),
            ),
            rx.el.p(t("home.no_drafts", lang), id="drafts-empty"),
        ),
        class_name="home-section",
        id="drafts",
    )


class HomeApplicationsState(rx.State):
    """The table of applications in process (submitted or linked), one row per applicant."""

    rows: list[dict[str, str]] = []

    @rx.event
    def load(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        found = transactions.run(home_table.open_applications, info.account_id)
        self.rows = [{"number": r["number"], "name": r["name"], "category": category_label(r["category"], lang),
                      "status": status_label(r["status"], lang), "received": r["received"],
                      "href": status_url(r["number"], lang),
                      "action_label": t("search.check_status_for", lang, name=r["name"])} for r in found]
        return None


def applications_section(lang: str) -> rx.Component:
    S = HomeApplicationsState
    row = lambda r: rx.el.tr(  # noqa: E731
        rx.el.th(r["number"], scope="row"),
        rx.el.td(r["name"]),
        rx.el.td(r["category"]),
        rx.el.td(r["status"]),
        rx.el.td(r["received"]),
        rx.el.td(rx.el.a(t("search.check_status", lang), href=r["href"], aria_label=r["action_label"])),
    )
    return rx.el.section(
        rx.el.h2(t("fidelity.applications_heading", lang), id="applications-title"),
        rx.cond(
            S.rows.length() > 0,
            rx.fragment(
                rx.el.p(t("fidelity.applications_intro", lang)),
                rx.el.div(
                    rx.el.table(
                        rx.el.caption(t("fidelity.applications_caption", lang), class_name="visually-hidden"),
                        rx.el.thead(rx.el.tr(*[rx.el.th(t(k, lang), scope="col") for k in (
                            "search.col_number", "search.col_client", "fidelity.col_application_type",
                            "search.col_status", "search.col_received", "search.col_action")])),
                        rx.el.tbody(rx.foreach(S.rows, row)),
                        id="applications-table",
                    ),
                    class_name="table-wrap",
                ),
            ),
            rx.el.p(t("fidelity.applications_none", lang), id="applications-empty"),
        ),
        class_name="home-section",
        id="applications",
        aria_labelledby="applications-title",
    )


@page("home", fr="/fr/accueil-du-compte", en="/en/account-home", title_key="home.title",
      on_load=(DraftsState.load, HomeApplicationsState.load))
def home_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "home",
        t("home.title", lang),
        rx.el.p(t("home.intro", lang)),
        home_deadlines(lang),
        section(lang, "home.section_apply", apply_actions()),
        drafts_section(lang),
        applications_section(lang),
        section(lang, "home.section_submitted", SEARCH_ACTIONS),
        section(lang, "home.section_link", LINK_ACTIONS),
        section(lang, "home.section_messages", MESSAGE_ACTIONS),
        section(lang, "home.section_account", ACCOUNT_ACTIONS),
        modified=MODIFIED,
    )
