"""The account home's "Poursuivre une demande que vous n'avez pas soumise": one page
of the representative's drafts, continued where they were left or deleted (with
a confirmation). Loaded by the home page's on_load."""

from __future__ import annotations

import dataclasses

import reflex as rx

from rar_app import routes
from rar_app.i18n import t
from rar_app.programs import engine, registry
from rar_app.services.casework import applications
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect
from rar_app.state.program_nav import step_url


@dataclasses.dataclass
class DraftView:
    id: int = 0
    file_number: str = ""
    kind: str = ""
    clients: str = ""
    updated: str = ""
    href: str = ""
    continue_text: str = ""
    continue_label: str = ""
    delete_label: str = ""
    deletable: bool = True
    history_href: str = ""  # « Historique du dossier » of this client file
    history_label: str = ""


def _kind_label(kind: str, lang: str) -> str:
    program = registry.find(kind)
    if program is None:
        return kind
    return t(program.drafts_key or program.title_key, lang)


def _has_profile(kind: str) -> bool:
    program = registry.find(kind)
    return bool(program is not None and program.profile)


def _task_list_first(kind: str, resume: str) -> str:
    """A profile being filled in resumes on its task list (« Continuer à remplir le formulaire »:
    the « Profil » page, where each form shows its status), not inside one of its forms."""
    program = registry.find(kind)
    if program is None or not program.profile:
        return resume
    if resume == "results":  # eligibility done (the task list sends back there when not eligible)
        return "profile"
    try:
        found = program.wizard_of(engine.parse_ref(resume)[0])
    except ValueError:
        return resume
    return "profile" if found is not None and found[0] not in ("eligibility", "application") else resume


class DraftsState(rx.State):
    rows: list[DraftView] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    confirm_id: int = 0
    confirm_text: str = ""
    message: str = ""

    def _load(self, account_id: int, lang: str) -> None:
        result = applications.list_drafts(account_id, page=self.page)
        self.page, self.pages, self.total = result.page, result.pages, result.total
        rows = []
        for r in result.rows:
            file_number = r.client_file_number or t("wizard.drafts_no_file_number", lang)
            rows.append(DraftView(
                id=r.id,
                file_number=file_number,
                kind=_kind_label(r.kind, lang),
                clients=", ".join(r.applicant_names) or t("wizard.drafts_no_clients", lang),
                updated=r.updated_at.strftime("%Y-%m-%d %H:%M"),
                href=step_url(lang, r.id, _task_list_first(r.kind, r.resume), kind=r.kind),
                # A task-list profile (the guide: « Continuer à remplir le formulaire »).
                continue_text=t("task_list.continue_form" if _has_profile(r.kind) else "wizard.drafts_continue", lang),
                continue_label=t("task_list.continue_form_label" if _has_profile(r.kind)
                                 else "wizard.drafts_continue_label", lang, file=file_number),
                delete_label=t("wizard.drafts_delete_label", lang, file=file_number),
                deletable=r.deletable,
                history_href=routes.url("file_history", lang) + f"?id={r.id}",
                history_label=t("wizard.drafts_history_label", lang, file=file_number),
            ))
        self.rows = rows

    @rx.event
    def load(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        self.page = 1
        self.confirm_id = 0
        self.message = ""
        self._load(info.account_id, page_lang(self))
        return None

    @rx.event
    def go_to_page(self, page: int):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        self.page = max(1, int(page))
        self.confirm_id = 0
        self._load(info.account_id, page_lang(self))
        return None

    @rx.event
    def ask_delete(self, app_id: int):
        lang = page_lang(self)
        row = next((r for r in self.rows if r.id == int(app_id)), None)
        if row is None:
            return None
        self.confirm_id = row.id
        self.confirm_text = t("wizard.drafts_delete_confirm", lang, file=row.file_number)
        self.message = ""
        return rx.set_focus("delete-confirm")

    @rx.event
    def cancel_delete(self):
        self.confirm_id = 0
        return rx.set_focus("drafts-title")

    @rx.event
    def confirm_delete(self):
        info = require_session(self)
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        row = next((r for r in self.rows if r.id == self.confirm_id), None)
        self.confirm_id = 0
        if row is None:
            return None
        try:
            applications.delete_draft(info.account_id, row.id, ip=client_ip(self))
            self.message = t("wizard.drafts_deleted", lang, file=row.file_number)
        except applications.NotFound:
            self.message = t("wizard.not_found", lang)
        except applications.NotEditable:
            self.message = t("wizard.not_editable", lang)
        self._load(info.account_id, lang)
        return rx.set_focus("drafts-message")
