"""Pieces shared by the account pages (sign-in, security question, enrolment,
password recovery, profile, requests, administration). Not a page itself.

- `form_errors` turns the accounts service's FieldErrors into the page's error
  summary and the per-field messages (in the page's language).
- `session_token` reads the HttpOnly session cookie from the websocket handshake.
- `landing_for(role, lang)`: where a fully signed-in person goes after the
  security question (the account home for representatives, the requests page
  for administrators).
- `password_rules(lang)`: the password rules shown beside every new-password field.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping

import reflex as rx

from rar_app import routes
from rar_app.i18n import catalogue, t
from rar_app.services.identity import accounts, sessions

# Every signed-in role may manage their own account (profile, password).
ACCOUNT_ROLES = ("representative", "admin", "staff", "client")

# Where each role lands after the security question, best first (a page id that
# is not registered is skipped).
LANDING = {
    "representative": ("home",),
    "admin": ("admin_requests",),
    "staff": ("backoffice", "staff_home", "profile"),
    "client": ("client_home", "profile"),
}


def establish(ticket: str, next_path: str):
    """Hand the session over: a full navigation that POSTs the one-time ticket to
    /api/session/establish (its HTTP response sets the HttpOnly cookie, and the new
    page opens a websocket that carries it). A form post, not a link: the ticket
    never appears in an address, the history or a Referer.

    The tab's Reflex state token is forgotten first, so the next page starts from
    an empty state: nothing a previous person did in this tab is sent to the one
    signing in now."""
    return rx.call_script(
        "window.sessionStorage.removeItem('token');"
        "(() => {const f = document.createElement('form'); f.method = 'post';"
        " f.action = '/api/session/establish'; f.style.display = 'none';"
        f" for (const [k, v] of Object.entries({json.dumps({'ticket': ticket, 'next': next_path})}))"
        " {const i = document.createElement('input'); i.type = 'hidden'; i.name = k; i.value = v; f.appendChild(i);}"
        " document.body.appendChild(f); f.submit();})()"
    )


def go_to(url: str, *, fresh_state: bool = True):
    """A full navigation to `url` (forgetting this tab's Reflex state token when `fresh_state`)."""
    forget = "window.sessionStorage.removeItem('token');" if fresh_state else ""
    return rx.call_script(f"{forget}window.location.assign({json.dumps(url)})")


def browser_key(state: rx.State) -> str:
    """The pre-sign-in cookie of this tab's browser (from the websocket handshake)."""
    return sessions.presign_from_cookie_header(state.router.headers.cookie) or ""


def landing_for(role: str, lang: str) -> str:
    for page_id in LANDING.get(role, ("home",)):
        if page_id in routes.ROUTES:
            return routes.url(page_id, lang)
    return routes.url("profile", lang)


def session_token(state: rx.State) -> str | None:
    return sessions.token_from_cookie_header(state.router.headers.cookie)


def blank(fields: Iterable[str]) -> dict[str, str]:
    return {f: "" for f in fields}


# The question each account-form field asks, so its message names it (issue 17, point 4):
# « Nom d’utilisateur : Ce champ est obligatoire. »
FIELD_LABEL_KEYS = {
    "family_name": "account.family_name", "given_names": "account.given_names", "email": "account.email",
    "phone": "account.phone", "business_name": "account.business_name",
    "business_address": "account.business_address", "membership_number": "account.membership_number",
    "username": "auth.username", "password": "auth.password", "current_password": "account.current_password",
    "new_password": "auth.new_password", "new_password_confirmation": "auth.new_password_confirmation",
}


def field_label(field: str, lang: str) -> str:
    """The label of an account-form field ("" when unknown): security answers are « Réponse n »."""
    if field.startswith("answer_") and field[7:].isdigit():
        return t("account.answer_label", lang, n=int(field[7:]))
    key = FIELD_LABEL_KEYS.get(field)
    return t(key, lang) if key and key in catalogue(lang) else ""


def form_errors(errors: Iterable[accounts.FieldError], lang: str, fields: Iterable[str],
                anchors: Mapping[str, str] | None = None) -> tuple[dict[str, str], list[dict[str, str]]]:
    """(per-field messages for every field of the form, the error summary rows).
    `anchors` maps a service field name to the form element the summary links to.
    Each message starts with its field's label."""
    by_field = blank(fields)
    summary: list[dict[str, str]] = []
    for error in errors:
        anchor = (anchors or {}).get(error.field, error.field)
        text = error.message(lang)
        label = field_label(error.field, lang).rstrip(" ?:\u00a0\u202f")
        if label:
            text = f"{label}{t('typography.colon', lang)}{text}"
        by_field[anchor] = f"{by_field[anchor]} {text}".strip() if by_field.get(anchor) else text
        summary.append({"field": anchor, "message": text})
    return by_field, summary


def one_error(field: str, text: str, fields: Iterable[str]) -> tuple[dict[str, str], list[dict[str, str]]]:
    by_field = blank(fields)
    by_field[field] = text
    return by_field, [{"field": field, "message": text}]


def question_options(lang: str) -> list[dict[str, str]]:
    """The catalogue of security questions (reference data from the accounts service)."""
    return [{"code": key, "label": accounts.question_text(key, lang)} for key in accounts.SECURITY_QUESTIONS]


def body_options(lang: str) -> list[dict[str, str]]:
    """Regulatory bodies whose members may represent for a fee (from the accounts service)."""
    return [{"code": b.code, "label": b.name(lang)} for b in accounts.regulatory_bodies()]


def password_rules(lang: str, rules_id: str = "password-rules") -> rx.Component:
    """The password rules, shown before the new-password field (and referenced by it)."""
    return rx.el.div(
        rx.el.p(t("auth.password_rules_title", lang), class_name="hint"),
        rx.el.ul(*[rx.el.li(t(f"auth.password_rule_{k}", lang))
                   for k in ("length", "upper", "lower", "digit", "username", "common")],
                 class_name="hint"),
        id=rules_id,
    )


def status_message(message: rx.Var, status_id: str = "form-status") -> rx.Component:
    """A success message, announced (role=status) and focusable."""
    return rx.cond(
        message != "",
        rx.el.div(rx.el.p(message), class_name="alert alert-success", id=status_id, role="status", tab_index=-1),
    )


def notice(message: rx.Var, notice_id: str = "notice") -> rx.Component:
    """An information notice (for example "Votre session a expiré")."""
    return rx.cond(
        message != "",
        rx.el.div(rx.el.p(message), class_name="alert alert-warning", id=notice_id, role="status", tab_index=-1),
    )


def focus_later(element_id: str):
    """Move focus once the element has rendered."""
    return rx.call_script(f"setTimeout(() => document.getElementById({json.dumps(element_id)})?.focus(), 60)")
