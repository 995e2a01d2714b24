"""État de la demande et messages (`?n=<application number>`), and "Voir la demande".

For one applicant: the current status, the client's UCI, the number, the date
received, biometrics; the progress bar with the estimated time left (rules engine's
processing-time estimate); each processing step and its state; documents requested by
IRCC with the uploader (also after submission) and "Transmettre les documents"; the
documents submitted and their state; the other people of the same application with
links to their own status; the messages about the application; and, once closed, the
issued document with its date. Representatives see their own applications; a client
sees the ones they took over. Anything else: "not found"."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from rar_app import routes
from rar_app.components.document_uploader import document_uploader
from rar_app.components.layout import page_template
from rar_app.components.widgets import progress_bar
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.programs.countries import country_name, sort_key
from rar_app.pages.status_common import (
    MODIFIED,
    biometrics_label,
    category_label,
    document_label,
    keep_query_in_toggle,
    notice_box,
    query_param,
    request_label,
    status_label,
    status_url,
    step_state_label,
    table,
    toronto_moment,
    url_with,
)
from rar_app.services.office import backoffice, search
from rar_app.services.casework import document_links, documents
from rar_app.services import transactions
from rar_app.state.documents import DocumentsState, download_link
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect

ROLES = ("representative", "client")


def _view(account_id: int, number: str, ip: str = "") -> search.StatusView:
    return transactions.run(search.status_view, account_id, number, ip=ip)


def _transmit(account_id: int, request_ids: list[int], ip: str) -> int:
    sent = 0
    for rid in request_ids:
        try:
            transactions.run(backoffice.answer_request, account_id, rid, ip=ip)
            sent += 1
        except backoffice.TransitionError:
            continue  # nothing uploaded for this one yet
    return sent


class StatusState(rx.State):
    found: bool = False
    loaded: bool = False
    number: str = ""
    name: str = ""
    uci: str = ""
    category: str = ""
    received: str = ""
    status_code: str = ""
    status: str = ""
    file_number: str = ""
    biometrics: str = ""
    is_paper: bool = False
    percent: int = 0
    estimate_text: str = ""
    time_text: str = ""
    steps: list[dict[str, str]] = []
    others: list[dict[str, str]] = []
    documents: list[dict[str, str]] = []
    requests: list[dict[str, str]] = []
    messages: list[dict[str, str]] = []
    issued_document: str = ""
    issued_at: str = ""
    issued_number: str = ""  # an eTA or certificate number, with its validity
    issued_valid: str = ""
    issued_download: bool = False
    open_requests: int = 0
    can_upload: bool = False
    view_href: str = ""
    history_href: str = ""  # « Historique du dossier » of this application
    notice: str = ""
    notice_kind: str = ""

    _applicant_id: int = 0
    _application_id: int = 0
    _open_request_ids: list[int] = []
    _issued_document_id: int = 0

    def _fill(self, v: search.StatusView, lang: str) -> None:
        p = v.progress
        self.found = True
        self.number, self.uci, self.received = v.application_number, v.uci, v.date_received
        self.name = " ".join(x for x in (v.given_names, v.family_name) if x)
        self.category = category_label(v.category, lang)
        self.status_code, self.status = v.status, status_label(v.status, lang)
        self.file_number, self.is_paper = v.client_file_number, v.is_paper
        bio = biometrics_label(v.biometrics_status, lang)
        self.biometrics = t("status.biometrics_on", lang, label=bio, date=v.biometrics_at) if v.biometrics_at else bio
        self.percent = p.percent
        self.estimate_text = t("status.estimate", lang, days=p.estimate_days)
        self.time_text = (t("status.decided", lang) if p.finished or v.status in ("approved", "refused")
                          else t("status.overdue", lang) if p.overdue else t("status.days_left", lang, days=p.days_left))
        self.steps = [{"code": s.code, "label": s.label_fr if lang == "fr" else s.label_en, "state": s.state,
                       "state_label": step_state_label(s.state, lang)} for s in p.steps]
        self.others = [{"number": o.application_number, "name": f"{o.given_names} {o.family_name}".strip(),
                        "role": t("status.principal" if o.principal else "status.dependant", lang),
                        "status": status_label(o.status, lang), "uci": o.uci, "href": status_url(o.application_number, lang),
                        "action_label": t("search.check_status_for", lang, name=f"{o.given_names} {o.family_name}")}
                       for o in v.others]
        labels = {r["id"]: (r["label_fr"] if lang == "fr" else r["label_en"]) for r in v.requests}
        # Files listed by document type (the checklist's label, or the request's).
        self.documents = sorted(({"type": d["type_fr"] if lang == "fr" else d["type_en"], "name": d["name"],
                                  "uploaded": d["uploaded_at"][:10], "state": document_label(d["status"], lang),
                                  "for": labels.get(d["request_id"], "") if d["request_id"] else ""}
                                 for d in v.documents), key=lambda d: sort_key(d["type"]))
        self.requests = [{"id": str(r["id"]), "label": r["label_fr"] if lang == "fr" else r["label_en"],
                          "note": r["note_fr"] if lang == "fr" else r["note_en"],
                          "due": t("status.request_due", lang, date=r["due_on"]) if r["due_on"] else "",
                          "status": r["status"], "status_label": request_label(r["status"], lang),
                          "requested": r["requested_at"][:10]} for r in v.requests]
        self._open_request_ids = [r["id"] for r in v.requests if r["status"] == "open"]
        self.open_requests = len(self._open_request_ids)
        self.messages = [{"date": m["created_at"][:10], "subject": m["subject_fr"] if lang == "fr" else m["subject_en"],
                          "body": m["body_fr"] if lang == "fr" else m["body_en"]} for m in v.messages]
        self.issued_document = v.issued_document if v.status == "closed" else ""
        self.issued_at = v.issued_at if v.status == "closed" else ""
        auth = v.authorization if v.status == "closed" else None
        self.issued_number = auth["number"] if auth else ""
        self.issued_valid = (t("issued.valid", lang, start=auth["valid_from"], end=auth["valid_until"])
                             if auth else "")
        self._issued_document_id = int(auth["document_id"]) if auth else 0
        self.issued_download = self._issued_document_id > 0
        self.view_href = url_with("application_view", lang, n=v.application_number)
        self.history_href = url_with("file_history", lang, id=v.application_id)
        self._applicant_id, self._application_id = v.applicant_id, v.application_id

    def _blank(self) -> None:
        self.found = False
        self.steps, self.others, self.documents, self.requests, self.messages = [], [], [], [], []
        self.number = self.name = self.status = self.issued_document = ""
        self.issued_number = self.issued_valid = ""
        self.issued_download, self._issued_document_id = False, 0
        self._applicant_id = self._application_id = 0
        self._open_request_ids = []
        self.open_requests = 0
        self.can_upload = False

    async def _refresh(self, info: Any) -> None:
        lang = page_lang(self)
        number = query_param(self, "n", 12)
        try:
            view = await asyncio.to_thread(_view, info.account_id, number, client_ip(self))
        except search.NotFound:
            self._blank()
            return
        self._fill(view, lang)
        docs = await self.get_state(DocumentsState)
        slots = [{"code": f"request-{r['id']}", "label_fr": r["label_fr"], "label_en": r["label_en"],
                  "help_fr": r["note_fr"], "help_en": r["note_en"], "required": True}
                 for r in view.requests if r["status"] == "open"]
        self.can_upload = False
        if slots and info.role == "representative":
            try:
                # Answers to requests are added to a submitted application, never replaced or removed.
                await docs._configure(info, view.application_id, view.applicant_id, slots, editable=True,
                                      removable=False)
                self.can_upload = True
            except documents.NotFound:
                self.can_upload = False

    @rx.event
    async def load(self):
        info = require_session(self, ROLES)
        if info is None:
            return sign_in_redirect(self)
        self.notice = self.notice_kind = ""
        await self._refresh(info)
        self.loaded = True
        return keep_query_in_toggle()

    @rx.event
    async def transmit(self):
        info = require_session(self, ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        ids = list(self._open_request_ids)
        sent = await asyncio.to_thread(_transmit, info.account_id, ids, client_ip(self)) if ids else 0
        await self._refresh(info)
        if sent:
            self.notice, self.notice_kind = t("status.transmitted", lang, count=sent), "success"
        else:
            self.notice, self.notice_kind = t("status.nothing_to_transmit", lang), "warning"
        return rx.set_focus("notice")


    @rx.event
    async def download_issued(self):
        """The document the office issued (a certificate PDF), through the secure download route."""
        info = require_session(self, ROLES)
        if info is None:
            return sign_in_redirect(self)
        if not self._issued_document_id:
            return None
        try:
            actor = documents.Actor.from_session(info, ip=client_ip(self))
            token = await asyncio.to_thread(document_links.issue_download_token, actor, self._issued_document_id)
        except documents.NotFound as exc:
            self.notice, self.notice_kind = exc.message(page_lang(self)), "warning"
            return rx.set_focus("notice")
        return download_link(token)


def _dl_row(term: str, value: Any, row_id: str) -> rx.Component:
    return rx.fragment(rx.el.dt(term), rx.el.dd(value, id=row_id))


def summary(lang: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("status.summary", lang)),
        rx.el.dl(
            _dl_row(t("status.client", lang), StatusState.name, "status-client"),
            _dl_row(t("status.uci", lang), rx.cond(StatusState.uci != "", StatusState.uci, t("uci.not_yet", lang)),
                    "status-uci"),
            _dl_row(t("status.number", lang), StatusState.number, "status-number"),
            _dl_row(t("status.category", lang), StatusState.category, "status-category"),
            _dl_row(t("status.received", lang), StatusState.received, "status-received"),
            _dl_row(t("status.current_status", lang), rx.el.strong(StatusState.status), "status-current"),
            _dl_row(t("status.biometrics", lang), StatusState.biometrics, "status-biometrics"),
            rx.cond(StatusState.file_number != "",
                    _dl_row(t("status.file_number", lang), StatusState.file_number, "status-file-number")),
            class_name="summary-list",
            style={"display": "grid", "grid_template_columns": "minmax(8rem, 16rem) 1fr", "gap": ".25rem 1rem"},
        ),
        rx.cond(StatusState.is_paper, rx.el.p(t("status.paper_note", lang), class_name="hint")),
        rx.el.ul(
            rx.el.li(rx.el.a(t("status.view_application", lang), href=StatusState.view_href, id="view-application")),
            rx.el.li(rx.el.a(t("history.title", lang), href=StatusState.history_href, id="file-history-link")),
            rx.cond(StatusState.can_upload,
                    rx.el.li(rx.el.a(t("status.upload_documents", lang), href="#requests-heading", id="upload-link"))),
            class_name="action-list",
        ),
    )


def progress(lang: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("status.progress_heading", lang)),
        progress_bar(StatusState.percent, t("status.progress_label", lang)),
        rx.el.p(StatusState.estimate_text, id="estimate"),
        rx.el.p(rx.el.strong(StatusState.time_text), id="time-left"),
        rx.el.h3(t("status.steps_heading", lang)),
        rx.el.ol(
            rx.foreach(StatusState.steps, lambda s: rx.el.li(
                rx.el.span(s["label"]), " — ",
                rx.el.strong(rx.cond(s["state"] == "done", rx.el.span("✓ ", aria_hidden="true")), s["state_label"],
                             class_name="step-state",
                             style={"color": rx.match(s["state"], ("done", "#1a6b2a"), ("action_required", "#a14a00"),
                                                      "inherit")}),
                class_name="step step-" + s["state"],
                data_step=s["code"],
                style={"margin": ".25rem 0"},
            )),
            id="steps",
            aria_label=t("status.steps_note", lang),
            style={"padding_left": "1.75rem", "list_style": "decimal"},
        ),
    )


def requests(lang: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("status.requests_heading", lang), id="requests-heading", tab_index=-1),
        notice_box(StatusState.notice, StatusState.notice_kind),
        rx.cond(
            StatusState.requests.length() > 0,
            rx.el.ul(rx.foreach(StatusState.requests, lambda r: rx.el.li(
                rx.el.strong(r["label"]), " — ", r["status_label"],
                rx.cond(r["due"] != "", rx.el.span(" · ", r["due"])),
                rx.cond(r["note"] != "", rx.el.p(r["note"], class_name="hint")),
                data_request=r["id"],
            )), id="requests"),
            rx.el.p(t("status.no_open_requests", lang)),
        ),
        rx.cond(
            StatusState.can_upload,
            rx.el.div(
                rx.el.p(t("status.requests_intro", lang)),
                rx.el.p(t("status.requests_frozen", lang), class_name="hint", id="requests-frozen"),
                document_uploader(lang),
                rx.el.div(
                    rx.el.button(t("status.transmit", lang), type="button", class_name="btn btn-primary",
                                 on_click=StatusState.transmit, id="transmit"),
                    class_name="nav-bar",
                ),
            ),
        ),
    )


def submitted_documents(lang: str) -> rx.Component:
    body = rx.el.tbody(rx.foreach(StatusState.documents, lambda d: rx.el.tr(
        rx.el.td(d["type"]),
        rx.el.td(d["name"]),
        rx.el.td(d["uploaded"]),
        rx.el.td(d["state"]),
    )))
    return rx.el.section(
        rx.el.h2(t("status.documents_heading", lang)),
        rx.cond(StatusState.documents.length() > 0,
                table([t("after.col_document_type", lang), t("after.col_file", lang), t("status.col_uploaded", lang),
                       t("status.col_state", lang)],
                      body, caption=t("status.documents_heading", lang), table_id="documents"),
                rx.el.p(t("status.no_documents", lang))),
    )


def others(lang: str) -> rx.Component:
    return rx.cond(
        StatusState.others.length() > 0,
        rx.el.section(
            rx.el.h2(t("status.others_heading", lang)),
            rx.el.p(t("status.others_intro", lang)),
            rx.el.ul(rx.foreach(StatusState.others, lambda o: rx.el.li(
                rx.el.a(o["name"], href=o["href"], aria_label=o["action_label"]),
                " — ", o["role"], " · ", o["number"], " · ", o["status"],
            )), id="others"),
        ),
    )


def messages_section(lang: str) -> rx.Component:
    return rx.el.section(
        rx.el.h2(t("status.messages_heading", lang)),
        rx.cond(
            StatusState.messages.length() > 0,
            rx.el.ul(rx.foreach(StatusState.messages, lambda m: rx.el.li(
                rx.el.details(rx.el.summary(m["date"], " — ", m["subject"]), rx.el.p(m["body"])),
            )), id="application-messages", style={"list_style": "none", "padding": "0"}),
            rx.el.p(t("status.no_messages", lang)),
        ),
    )


def issued(lang: str) -> rx.Component:
    return rx.cond(
        StatusState.issued_document != "",
        rx.el.section(
            rx.el.h2(t("status.issued_heading", lang)),
            table([t("status.col_issued", lang), t("status.col_issued_at", lang)],
                  rx.el.tbody(rx.el.tr(rx.el.td(StatusState.issued_document), rx.el.td(StatusState.issued_at))),
                  caption=t("status.issued_heading", lang), table_id="issued"),
            rx.cond(
                StatusState.issued_number != "",
                rx.el.dl(_dl_row(t("issued.number", lang), StatusState.issued_number, "issued-number"),
                         _dl_row(t("issued.validity", lang), StatusState.issued_valid, "issued-valid"),
                         class_name="summary-list"),
            ),
            rx.cond(
                StatusState.issued_download,
                rx.el.button(t("issued.download", lang), type="button", class_name="btn btn-secondary",
                             on_click=StatusState.download_issued, id="download-issued"),
            ),
        ),
    )


def not_found(lang: str) -> rx.Component:
    return rx.el.div(
        rx.el.p(t("status.not_found", lang), id="status-not-found", class_name="alert alert-warning"),
        rx.el.p(rx.el.a(t("status.back_to_search", lang), href=routes.url("search", lang))),
    )


@page("application_status", fr="/fr/etat-de-la-demande", en="/en/application-status", title_key="status.title",
      roles=ROLES, on_load=StatusState.load)
def status_page(lang: str) -> rx.Component:
    return page_template(
        lang, "application_status", t("status.title", lang),
        rx.cond(
            StatusState.loaded,
            rx.cond(
                StatusState.found,
                rx.el.div(summary(lang), progress(lang), issued(lang), requests(lang), submitted_documents(lang),
                          others(lang), messages_section(lang), id="status"),
                not_found(lang),
            ),
        ),
        modified=MODIFIED,
    )


# -- Voir la demande ----------------------------------------------------------------------


def _summary(account_id: int, number: str, ip: str = "") -> dict[str, Any]:
    return transactions.run(search.application_summary, account_id, number, ip=ip)


class ApplicationViewState(rx.State):
    found: bool = False
    loaded: bool = False
    reference: str = ""
    submitted: str = ""
    file_number: str = ""
    people: list[dict[str, str]] = []
    documents: list[dict[str, str]] = []
    back_href: str = ""

    @rx.event
    async def load(self):
        info = require_session(self, ROLES)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        number = query_param(self, "n", 12)
        try:
            data = await asyncio.to_thread(_summary, info.account_id, number, client_ip(self))
        except search.NotFound:
            self.found, self.people, self.documents, self.loaded = False, [], [], True
            return keep_query_in_toggle()
        self.found, self.loaded = True, True
        self.reference = data["reference"] or data["number"]
        self.submitted = toronto_moment(data["submitted_at"], lang)
        self.file_number = data["client_file_number"]
        self.back_href = status_url(data["number"], lang)
        self.people = [{"name": f"{p['given_names']} {p['family_name']}".strip(), "birth": p["date_of_birth"],
                        "number": p["application_number"], "category": category_label(p["category"], lang),
                        "country": country_name(p["country"], lang) if p["country"] else "",
                        "status": status_label(p["status"], lang),
                        "href": status_url(p["application_number"], lang) if p["application_number"] else ""}
                       for p in data["applicants"]]
        # The files sent with the application, by document type.
        self.documents = sorted(({"type": d["type_fr"] if lang == "fr" else d["type_en"], "name": d["name"],
                                  "person": d["person"]} for d in data.get("documents", [])),
                                key=lambda d: (sort_key(d["type"]), sort_key(d["person"])))
        return keep_query_in_toggle()


@page("application_view", fr="/fr/voir-la-demande", en="/en/view-application", title_key="status.view_title",
      roles=ROLES, on_load=ApplicationViewState.load)
def application_view_page(lang: str) -> rx.Component:
    body = rx.el.tbody(rx.foreach(ApplicationViewState.people, lambda p: rx.el.tr(
        rx.el.td(p["name"]), rx.el.td(p["birth"]), rx.el.td(p["number"]), rx.el.td(p["category"]),
        rx.el.td(p["country"]), rx.el.td(p["status"]),
    )))
    return page_template(
        lang, "application_view", t("status.view_title", lang),
        rx.cond(
            ApplicationViewState.loaded,
            rx.cond(
                ApplicationViewState.found,
                rx.el.div(
                    rx.el.p(t("status.view_intro", lang)),
                    rx.el.dl(
                        _dl_row(t("status.view_reference", lang), ApplicationViewState.reference, "view-reference"),
                        _dl_row(t("status.view_submitted", lang), ApplicationViewState.submitted, "view-submitted"),
                        rx.cond(ApplicationViewState.file_number != "",
                                _dl_row(t("status.file_number", lang), ApplicationViewState.file_number,
                                        "view-file-number")),
                        style={"display": "grid", "grid_template_columns": "minmax(8rem, 16rem) 1fr",
                               "gap": ".25rem 1rem"},
                    ),
                    rx.el.h2(t("status.view_people", lang)),
                    table([t(f"status.col_{c}", lang) for c in ("person", "birth", "number", "category", "country",
                                                                "status")],
                          body, caption=t("status.view_people", lang), table_id="people"),
                    rx.el.h2(t("after.documents_heading", lang), id="view-documents-heading"),
                    rx.cond(
                        ApplicationViewState.documents.length() > 0,
                        table([t("after.col_document_type", lang), t("status.col_person", lang), t("after.col_file", lang)],
                              rx.el.tbody(rx.foreach(ApplicationViewState.documents, lambda d: rx.el.tr(
                                  rx.el.td(d["type"]), rx.el.td(d["person"]), rx.el.td(d["name"])))),
                              caption=t("after.documents_heading", lang), table_id="view-documents"),
                        rx.el.p(t("after.no_documents", lang), id="view-no-documents"),
                    ),
                    rx.el.p(rx.el.a(t("status.back_to_status", lang), href=ApplicationViewState.back_href,
                                    id="back-to-status")),
                ),
                not_found(lang),
            ),
        ),
        modified=MODIFIED,
    )
