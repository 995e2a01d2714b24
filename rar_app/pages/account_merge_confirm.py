"""« Confirmer la fusion »: the page the merge link (e-mailed to the address of the
earlier account a new enrolment names) opens. Opening it changes nothing (mail
scanners open links); pressing the button proves control of the earlier account
and spends the link (services/identity/merge_proof.py). The link is read once on
load, kept in a backend-only var and removed from the address bar."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary, nav_bar
from rar_app.i18n import t
from rar_app.pages.account_common import one_error
from rar_app.pages.registry import page
from rar_app.services import transactions
from rar_app.services.identity import accounts, email_links, merge_proof
from rar_app.state.session import client_ip, page_lang

MODIFIED = "2026-12-05"
FIELDS = ("merge-back",)


class MergeConfirmState(rx.State):
    step: str = "invalid"  # "invalid", "ask" or "done"
    previous_username: str = ""
    new_username: str = ""
    new_name: str = ""
    errors: list[dict[str, str]] = []
    _token: str = ""

    def _invalid(self, lang: str, message: str):
        self.step, self._token = "invalid", ""
        self.previous_username = self.new_username = self.new_name = ""
        _, self.errors = one_error("merge-back", message, FIELDS)
        return rx.set_focus("error-summary")

    @rx.event
    def load(self):
        lang = page_lang(self)
        self.errors = []
        token = str(self.router.url.query_parameters.get(email_links.QUERY, "") or "")[:200]
        forget_link = rx.call_script("history.replaceState(null, '', location.pathname)")
        try:
            view = transactions.run(merge_proof.merge_link_view, token)
        except accounts.AccountError as exc:
            return [forget_link, self._invalid(lang, exc.message(lang))]
        self._token = token
        self.step = "ask"
        self.previous_username, self.new_username, self.new_name = (
            view.previous_username, view.new_username, view.new_name)
        return forget_link

    @rx.event
    def confirm(self, _form: dict | None = None):
        lang = page_lang(self)
        if self.step != "ask" or not self._token:
            return self._invalid(lang, accounts.message("merge_link_invalid", lang))
        try:
            transactions.run(merge_proof.confirm_merge_link, self._token, ip=client_ip(self))
        except accounts.AccountError as exc:
            return self._invalid(lang, exc.message(lang))
        self._token = ""
        self.step = "done"
        return rx.set_focus("merge-confirmed")


@page("merge_confirm", fr=email_links.PATHS["merge"]["fr"], en=email_links.PATHS["merge"]["en"],
      title_key="account.merge_confirm_title", protected=False, on_load=MergeConfirmState.load)
def merge_confirm_page(lang: str) -> rx.Component:
    S = MergeConfirmState
    return page_template(
        lang,
        "merge_confirm",
        t("account.merge_confirm_title", lang),
        error_summary(lang, S.errors),
        rx.match(
            S.step,
            ("ask", rx.el.form(
                rx.el.p(t("account.merge_confirm_intro", lang)),
                rx.el.ul(
                    rx.el.li(t("account.merge_confirm_previous", lang), " ",
                             rx.el.strong(S.previous_username, id="merge-previous")),
                    rx.el.li(t("account.merge_confirm_new", lang), " ",
                             rx.el.strong(S.new_username, id="merge-new"), " (", S.new_name, ")"),
                ),
                rx.el.p(t("account.merge_confirm_effect", lang)),
                nav_bar(rx.el.button(t("account.merge_confirm_button", lang), type="submit",
                                     class_name="btn btn-primary", id="merge-confirm")),
                on_submit=S.confirm, prevent_default=True, no_validate=True, id="merge-confirm-form",
            )),
            ("done", rx.el.p(t("account.merge_confirm_done", lang), id="merge-confirmed", tab_index=-1)),
            rx.el.p(rx.el.a(t("auth.back_to_sign_in", lang), href=routes.url("sign_in", lang)), id="merge-back"),
        ),
        modified=MODIFIED,
    )
