"""Administration: the open account requests (enrolments, merges, name
changes, closures), each with "Approuver" / "Refuser". Administrators only
(role "admin"): the page guard, every handler and the requests service check it.

A name change's proof document is downloaded through the websocket
(`rx.download` of the bytes), authorised on every click by the requests service
(administrators only) and recorded in the audit log: the document is attached to
no application, so the client-document download route does not serve it."""

from __future__ import annotations

import asyncio
import dataclasses

import reflex as rx

from rar_app import routes

from rar_app.components.layout import page_template
from rar_app.components.widgets import error_summary
from rar_app.i18n import t
from rar_app.pages.account_common import focus_later, status_message
from rar_app.pages.account_profile import KIND_KEYS
from rar_app.pages.registry import page
from rar_app.services.identity import accounts
from rar_app.services.casework import account_proofs, requests
from rar_app.services.casework.document_errors import StorageUnavailable
from rar_app.services import transactions
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

MODIFIED = "2026-11-29"
ADMIN = ("admin",)


@dataclasses.dataclass
class Candidate:
    code: str = ""
    label: str = ""


@dataclasses.dataclass
class RequestRow:
    request_id: int = 0
    kind: str = ""
    kind_label: str = ""
    created: str = ""
    who: str = ""
    details: list[str] = dataclasses.field(default_factory=list)
    candidates: list[Candidate] = dataclasses.field(default_factory=list)
    approve_label: str = ""
    refuse_label: str = ""
    proof_label: str = ""  # non-empty when the request has a proof document


def _name(summary: requests.AccountSummary) -> str:
    return f"{summary.given_names} {summary.family_name}".strip()


def _row(view: requests.RequestView, lang: str) -> RequestRow:
    a = view.account
    details: list[str] = []
    if view.kind == "enrolment":
        body = accounts.regulatory_body(a.regulatory_body)
        details.append(t("admin.detail_body", lang, body=body.name(lang) if body else "-",
                         number=a.membership_number or "-"))
        details.append(t("admin.detail_contact", lang, email=a.email, phone=a.phone))
    elif view.kind == "merge":
        previous = view.details.get("previous_username") or view.details.get("previous_membership_number") or "-"
        details.append(t("admin.detail_previous", lang, previous=previous))
        if not view.merge_candidates:
            details.append(t("admin.no_candidate", lang))
        proven = next((c for c in view.merge_candidates if c.account_id == view.details.get("proven_account_id")), None)
        if proven is None:
            details.append(t("admin.merge_proof_none", lang))
        else:
            details.append(t("admin.merge_proof_done", lang, username=proven.username or proven.membership_number or "-",
                             how=t(f"admin.merge_proof_{view.details.get('proof', 'email_link')}", lang)))
    elif view.kind == "name_change":
        old = f"{view.details.get('old_given_names', '')} {view.details.get('old_family_name', '')}".strip()
        new = f"{view.details.get('given_names', '')} {view.details.get('family_name', '')}".strip()
        details.append(t("admin.detail_name", lang, new=new, old=old))
        details.append(t("admin.detail_request_type", lang))
        if view.document_id:
            details.append(t("admin.detail_proof", lang, id=view.document_id))
    elif view.kind == "close" and view.details.get("reason"):
        details.append(t("admin.detail_reason", lang, reason=view.details["reason"]))
    kind_label = t(KIND_KEYS.get(view.kind, "account.kind_enrolment"), lang)
    return RequestRow(
        request_id=view.request_id, kind=view.kind, kind_label=kind_label,
        created=view.created_at.date().isoformat(),
        who=f"{_name(a)} ({a.username or '-'})",
        details=details,
        candidates=[Candidate(str(c.account_id), f"{c.username or '-'} — {_name(c)} — {c.membership_number or '-'}")
                    for c in view.merge_candidates],
        approve_label=t("admin.approve_label", lang, id=view.request_id, kind=kind_label),
        refuse_label=t("admin.refuse_label", lang, id=view.request_id, kind=kind_label),
        proof_label=t("admin.proof_label", lang, id=view.request_id) if view.document_id else "",
    )


class AdminState(rx.State):
    rows: list[RequestRow] = []
    choices: dict[str, str] = {}  # merge request id → chosen previous account id
    status: str = ""
    errors: list[dict[str, str]] = []

    def _reload(self, actor_id: int, lang: str) -> None:
        views = transactions.run(requests.list_open, actor_id)
        self.rows = [_row(v, lang) for v in views]
        self.choices = {str(r.request_id): (r.candidates[0].code if r.candidates else "")
                        for r in self.rows if r.kind == "merge"}

    @rx.event
    def load(self):
        info = require_session(self, ADMIN)
        if info is None:
            return sign_in_redirect(self)
        self.status = ""
        self.errors = []
        self._reload(info.account_id, page_lang(self))
        return None

    @rx.event
    def choose(self, request_id: int, account_id: str):
        if str(request_id) in self.choices:
            self.choices[str(request_id)] = str(account_id)

    def _decide(self, request_id: int, approve: bool):
        info = require_session(self, ADMIN)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        try:
            request_id = int(request_id)
            previous = self.choices.get(str(request_id)) or None
            if approve:
                transactions.run(requests.approve, info.account_id, request_id,
                                 previous_account_id=int(previous) if previous else None, ip=client_ip(self))
            else:
                transactions.run(requests.refuse, info.account_id, request_id, ip=client_ip(self))
        except (TypeError, ValueError):
            self.errors = [{"field": "requests", "message": accounts.message("not_found", lang)}]
            return focus_later("error-summary")
        except accounts.AccountError as exc:
            self.status = ""
            self.errors = [{"field": f"request-{request_id}", "message": exc.message(lang)}]
            self._reload(info.account_id, lang)
            return focus_later("error-summary")
        self.errors = []
        self.status = t("admin.approved" if approve else "admin.refused", lang, id=request_id)
        self._reload(info.account_id, lang)
        return focus_later("form-status")

    @rx.event
    async def download_proof(self, request_id: int):
        info = require_session(self, ADMIN)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        try:
            data, name, content_type = await asyncio.to_thread(account_proofs.read_proof, info.account_id, int(request_id),
                                                               client_ip(self))
        except (TypeError, ValueError, accounts.AccountError):
            self.errors = [{"field": "requests", "message": accounts.message("not_found", lang)}]
            return focus_later("error-summary")
        except StorageUnavailable:
            self.errors = [{"field": "requests", "message": t("common.error_generic", lang)}]
            return focus_later("error-summary")
        self.errors = []
        return rx.download(data=data, filename=name, mime_type=content_type or "application/octet-stream")

    @rx.event
    def approve(self, request_id: int):
        return self._decide(request_id, True)

    @rx.event
    def refuse(self, request_id: int):
        return self._decide(request_id, False)


def _request(lang: str, r: RequestRow) -> rx.Component:
    rid = r.request_id.to_string()
    return rx.el.tr(
        rx.el.th(r.kind_label, rx.el.br(), rx.el.span(t("admin.number", lang), " ", rid, class_name="hint"),
                 scope="row"),
        rx.el.td(rx.el.time(r.created)),
        rx.el.td(r.who),
        rx.el.td(
            rx.el.ul(rx.foreach(r.details, lambda d: rx.el.li(d))),
            rx.cond(
                r.proof_label != "",
                rx.el.button(t("admin.download_proof", lang), type="button", class_name="btn btn-secondary",
                             aria_label=r.proof_label, id="proof-" + rid,
                             on_click=AdminState.download_proof(r.request_id)),
            ),
            rx.cond(
                r.candidates.length() > 0,
                rx.el.div(
                    rx.el.label(t("admin.candidate", lang), html_for="candidate-" + rid),
                    rx.el.select(
                        rx.foreach(r.candidates, lambda c: rx.el.option(c.label, value=c.code)),
                        id="candidate-" + rid,
                        value=AdminState.choices[rid],
                        on_change=lambda v: AdminState.choose(r.request_id, v),
                        class_name="input",
                    ),
                ),
            ),
        ),
        rx.el.td(
            rx.el.div(
                rx.el.button(t("admin.approve", lang), type="button", class_name="btn btn-primary",
                             aria_label=r.approve_label, id="approve-" + rid,
                             on_click=AdminState.approve(r.request_id)),
                rx.el.button(t("admin.refuse", lang), type="button", class_name="btn btn-secondary",
                             aria_label=r.refuse_label, id="refuse-" + rid,
                             on_click=AdminState.refuse(r.request_id)),
                class_name="nav-bar",
            ),
        ),
        id="request-" + rid,
        custom_attrs={"data-kind": r.kind},
    )


@page("admin_requests", fr="/fr/administration/demandes", en="/en/administration/requests",
      title_key="admin.title", roles=ADMIN, on_load=AdminState.load)
def admin_requests_page(lang: str) -> rx.Component:
    S = AdminState
    return page_template(
        lang,
        "admin_requests",
        t("admin.title", lang),
        status_message(S.status),
        error_summary(lang, S.errors),
        rx.el.p(t("admin.intro", lang)),
        rx.el.p(rx.el.a(t("history.search_title", lang), href=routes.url("audit_search", lang), id="audit-link")),
        rx.cond(
            S.rows.length() > 0,
            rx.el.div(
                rx.el.table(
                    rx.el.caption(t("admin.caption", lang)),
                    rx.el.thead(rx.el.tr(*[rx.el.th(t(f"admin.col_{c}", lang), scope="col")
                                           for c in ("request", "date", "account", "details", "action")])),
                    rx.el.tbody(rx.foreach(S.rows, lambda r: _request(lang, r))),
                    id="requests-table",
                ),
                class_name="table-wrap",
                id="requests",
            ),
            rx.el.p(t("admin.no_requests", lang), id="requests"),
        ),
        modified=MODIFIED,
    )
