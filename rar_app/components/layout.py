"""The page template: skip link, header (portal name, language toggle, account
menu), main landmark with the page title, footer with the page's modification date."""

from __future__ import annotations

import reflex as rx

from rar_app import routes
from rar_app.components.session_timeout import session_timeout
from rar_app.i18n import other, t
from rar_app.state.session import SessionState


def _language_toggle(lang: str, page_id: str) -> rx.Component:
    """The other language's word, visible and first in the accessible name (WCAG 2.5.3),
    then what it does, for screen readers. assets/rar.js keeps this page's query, its
    hash and the values typed but not saved when it is followed (data-base = its address)."""
    target = other(lang)
    base = routes.url(page_id, target)
    return rx.el.a(
        rx.el.span(t("common.language_toggle", lang), lang=target),
        rx.el.span(" – ", t("common.language_toggle_label", lang), class_name="visually-hidden"),
        href=base,
        class_name="lang-toggle",
        id="lang-toggle",
        custom_attrs={"data-base": base},
    )


# Sign-out is a real POST (a cross-site link cannot trigger it). Reflex's form
# component always prevents the native submit, so the button builds one.
_SIGN_OUT_SCRIPT = (
    "const f=document.createElement('form');f.method='post';f.action='/api/session/signout';"
    "const i=document.createElement('input');i.type='hidden';i.name='lang';i.value='LANG';"
    "f.appendChild(i);document.body.appendChild(f);"
    # A new Reflex state token for whoever uses this tab next (the account pages' rows stay behind).
    "window.sessionStorage.removeItem('token');f.submit();"
)


def _account_menu(lang: str) -> rx.Component:
    # As the guide says: « Profil du compte » and « Fermer la session » in the top right
    # corner, always visible (no disclosure to open first).
    return rx.cond(
        SessionState.signed_in,
        rx.el.ul(
            rx.el.li(rx.el.span(t("common.signed_in_as", lang), " ", SessionState.display_name, class_name="who")),
            rx.el.li(rx.el.a(t("common.account_profile", lang), href=routes.url("profile", lang),
                             id="header-profile")),
            rx.el.li(rx.el.a(t("common.help", lang), href=routes.url("help", lang))),
            rx.el.li(
                rx.el.button(
                    t("common.sign_out", lang),
                    type="button",
                    class_name="link-button",
                    id="sign-out",
                    on_click=rx.call_script(_SIGN_OUT_SCRIPT.replace("LANG", lang)),
                )
            ),
            class_name="account-links",
            id="account-menu",
        ),
        rx.el.a(t("common.help", lang), href=routes.url("help", lang), class_name="header-link"),
    )


def page_template(
    lang: str,
    page_id: str,
    title: str,
    *children: rx.Component,
    modified: str,
    lead: str | None = None,
) -> rx.Component:
    """Every page's frame. `title` is already translated; it is the page's only h1."""
    return rx.el.div(
        rx.el.a(t("common.skip_to_content", lang), href="#main", class_name="skip-link"),
        rx.el.header(
            rx.el.div(
                rx.el.div(
                    rx.el.a(
                        rx.el.span(t("common.portal_short", lang), class_name="brand-short"),
                        rx.el.span(t("common.portal_name", lang), class_name="brand-long"),
                        href=routes.url("home", lang),
                        class_name="brand",
                    ),
                    rx.el.span(t("common.gc_signature", lang), class_name="brand-sub"),
                    class_name="brand-block",
                ),
                rx.el.nav(
                    _language_toggle(lang, page_id),
                    _account_menu(lang),
                    class_name="header-nav",
                    aria_label=t("common.account_menu", lang),
                ),
                class_name="header-inner",
            ),
            class_name="site-header",
        ),
        session_timeout(lang),
        rx.el.main(
            rx.el.h1(title, id="page-title", tab_index=-1),
            *([rx.el.p(lead, class_name="lead")] if lead else []),
            *children,
            id="main",
            class_name="main",
            tab_index=-1,
            # "true" once the page's state has arrived and its on_load ran: typing into a
            # controlled field before that can be overwritten by the first state.
            custom_attrs={"data-hydrated": rx.cond(rx.State.is_hydrated, "true", "false")},
        ),
        rx.el.footer(
            rx.el.div(
                rx.el.p(t("common.footer_about", lang)),
                rx.el.p(
                    rx.el.a(t("common.footer_glossary", lang), href=routes.url("glossary", lang)),
                    rx.cond(SessionState.developer_links, rx.fragment(
                        " · ",
                        rx.el.a(t("common.footer_components", lang), href=routes.url("components", lang),
                                id="footer-components"),
                    )),
                ),
                rx.el.dl(
                    rx.el.dt(t("common.date_modified", lang)),
                    rx.el.dd(rx.el.time(modified, date_time=modified)),
                    class_name="date-modified",
                ),
                class_name="footer-inner",
            ),
            class_name="site-footer",
        ),
        lang=lang,
        class_name="page",
        # <html lang> follows the page's language (the root document is shared by both).
        on_mount=rx.call_script(f"document.documentElement.lang='{lang}'"),
    )
