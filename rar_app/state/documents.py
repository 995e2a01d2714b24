"""State of the document uploader (`rar_app.components.document_uploader`).

One uploader per page: the state holds which application and applicant it
serves (backend-only vars, never taken from the browser), the slot rows shown
(plain dataclasses, one page's worth) and the status/error texts. The files
themselves live in the document service; every handler re-checks the session
and passes the acting representative to the service, which checks ownership
again ("not found" for anything that is not theirs).

Configure it from the page's own state (see the component's docstring):

    docs = await self.get_state(DocumentsState)
    await docs._configure(info, application_id, applicant_id, slot_defs, editable=True)
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from typing import Any, Iterable, Mapping
from urllib.parse import urlencode

import reflex as rx

from rar_app.i18n import t
from rar_app.services.casework import document_intake, document_links, documents
from rar_app.services.casework.documents import Actor, DocumentRefused, NotFound
from rar_app.services.identity.sessions import SessionInfo
from rar_app.settings import get_settings
from rar_app.state.session import client_ip, page_lang, require_session, sign_in_redirect
from rar_app.services.casework.document_errors import StorageUnavailable

log = logging.getLogger(__name__)

DOWNLOAD_PATH = "/api/documents/download"
SUMMARY_ID = "documents-error-summary"
STATUS_ID = "documents-status"
STATUSES = ("missing", "uploaded", "refused", "replaced")


def download_link(token: str) -> rx.event.EventSpec:
    """Save the document a download token names: a link with `download`, so the browser
    saves the attachment without leaving the page (window.location would fire
    beforeunload, on which Reflex drops its websocket)."""
    url = DOWNLOAD_PATH + "?" + urlencode({"t": token})
    return rx.call_script(
        "(() => { const a = document.createElement('a'); a.href = " + json.dumps(url) + "; a.download = '';"
        " a.rel = 'noopener'; document.body.appendChild(a); a.click(); a.remove(); })()")


def size_label(n: int, lang: str) -> str:
    """1572864 → "1,5 Mo" / "1.5 MB"; 2000 → "2 ko" / "2 KB" (as the service words its limit)."""
    if n >= 1024 * 1024:
        value, unit = n / (1024 * 1024), ("Mo" if lang == "fr" else "MB")
    else:
        value, unit = max(1.0, float(round(n / 1024))), ("ko" if lang == "fr" else "KB")
    text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return f"{text.replace('.', ',') if lang == 'fr' else text} {unit}"


def choose_id(slot_code: str) -> str:
    """Id of a slot's "Choose a file" button (error-summary links and focus point here)."""
    return f"doc-choose-{slot_code}"


def title_id(slot_code: str) -> str:
    """Id of a slot's heading (focusable with tabindex=-1)."""
    return f"doc-slot-{slot_code}-title"


def upload_id(slot_code: str) -> str:
    """Id of a slot's drop zone (Reflex's upload id)."""
    return f"doc-upload-{slot_code}"


@dataclasses.dataclass
class FileRow:
    document_id: int = 0
    file_name: str = ""
    size_label: str = ""
    content_label: str = ""  # PDF, JPEG, PNG, TIFF


@dataclasses.dataclass
class SlotRow:
    slot_code: str = ""
    label: str = ""
    help: str = ""
    required: bool = False
    status: str = "missing"  # missing | uploaded | refused | replaced
    status_label: str = ""
    # The newest file (the brief's flat shape; `files` holds them all, oldest first).
    file_name: str = ""
    size_label: str = ""
    document_id: int = 0
    files: list[FileRow] = dataclasses.field(default_factory=list)
    error: str = ""  # why the last file was refused, in the page's language
    notice: str = ""  # a warning on the last upload (same file elsewhere in the application)
    progress: int = -1  # -1: no upload under way; else 0..100
    can_add: bool = True  # room for another file (RAR_MAX_FILES_PER_SLOT)


_KIND_LABELS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG", "image/tiff": "TIFF"}


class DocumentsState(rx.State):
    """The uploader's memory for one page. Public handlers (the browser may call them):
    `begin_upload`, `upload`, `upload_progress`, `replace`, `remove`, `download`, `refresh`."""

    slots: list[SlotRow] = []
    errors: list[dict[str, str]] = []  # for components.widgets.error_summary
    status_message: str = ""  # announced politely (role=status)
    provided_text: str = ""  # « n sur N » of the slots shown
    editable: bool = True
    removable: bool = True  # files may be replaced or removed (never once the application is signed)
    configured: bool = False

    # Backend only: never sent to the browser, never set by it.
    _application_id: int = 0
    _applicant_id: int = 0  # 0: documents of the application as a whole
    _slot_defs: list[dict[str, Any]] = []
    _last: dict[str, tuple[str, str, str]] = {}  # slot → (status, error, notice) of the last action
    _uploading: str = ""  # slot whose upload is under way

    # -- configuration, by the page's own state -------------------------------------

    async def _configure(self, info: SessionInfo, application_id: int, applicant_id: int | None,
                         slot_defs: Iterable[Mapping[str, Any]], *, editable: bool = True,
                         removable: bool = True) -> None:
        """Show the slots `slot_defs` (``{code, label_fr, label_en, help_fr, help_en, required}``,
        the rules engine's checklist shape) of one application (and applicant) to the signed-in
        representative `info`. Raises documents.NotFound when the application is not theirs."""
        self._application_id = int(application_id)
        self._applicant_id = int(applicant_id or 0)
        self._slot_defs = [dict(d) for d in slot_defs]
        self._last = {}
        self._uploading = ""
        self.editable = editable
        self.removable = editable and removable
        self.errors = []
        self.status_message = ""
        await self._reload(self._actor(info), page_lang(self))
        self.configured = True

    # -- helpers ------------------------------------------------------------------------

    def _actor(self, info: SessionInfo) -> Actor:
        return Actor.from_session(info, ip=client_ip(self))

    def _def(self, slot_code: Any) -> dict[str, Any] | None:
        return next((d for d in self._slot_defs if d.get("code") == slot_code), None)

    def _label(self, slot_code: str, lang: str) -> str:
        d = self._def(slot_code) or {}
        return str(d.get(f"label_{lang}") or d.get("label_fr") or slot_code)

    def _shown_file(self, document_id: Any) -> tuple[SlotRow, FileRow] | None:
        """The slot and file row of a document this uploader shows; None for any other id."""
        for slot in self.slots:
            for row in slot.files:
                if str(row.document_id) == str(document_id):
                    return slot, row
        return None

    async def _reload(self, actor: Actor, lang: str) -> None:
        infos = await asyncio.to_thread(
            documents.list_for_application, actor, self._application_id,
            applicant_id=self._applicant_id or None)
        by_slot: dict[str, list[documents.DocumentInfo]] = {}
        for info in infos:
            if self._applicant_id == 0 and info.applicant_id is not None:
                continue  # application-level uploader: not the applicants' own documents
            by_slot.setdefault(info.slot_code, []).append(info)
        limit = get_settings().max_files_per_slot
        rows: list[SlotRow] = []
        for d in self._slot_defs:
            code = str(d["code"])
            files = [FileRow(i.id, i.name, size_label(i.size_bytes, lang), _KIND_LABELS.get(i.content_type, ""))
                     for i in by_slot.get(code, [])]
            last_status, error, notice = self._last.get(code, ("", "", ""))
            status = last_status or ("uploaded" if files else "missing")
            if status in ("uploaded", "replaced") and not files:
                status = "missing"
            newest = files[-1] if files else FileRow()
            rows.append(SlotRow(
                slot_code=code, label=self._label(code, lang), help=str(d.get(f"help_{lang}") or ""),
                required=bool(d.get("required")), status=status, status_label=t(f"documents.status_{status}", lang),
                file_name=newest.file_name, size_label=newest.size_label, document_id=newest.document_id,
                files=files, error=error, notice=notice,
                progress=0 if self._uploading == code else -1, can_add=len(files) < limit,
            ))
        self.slots = rows
        # « n sur N »: slots with a file, for the page's client counter (it changes at once).
        self.provided_text = t("submit.documents_count", lang, provided=sum(1 for s in rows if s.files), total=len(rows))
        self.errors = [{"field": choose_id(r.slot_code) if r.can_add and self.editable else title_id(r.slot_code), "message": f"{r.label} : {r.error}" if lang == "fr"
                        else f"{r.label}: {r.error}"} for r in rows if r.error]

    def _focus_target(self, slot_code: str) -> str:
        row = next((s for s in self.slots if s.slot_code == slot_code), None)
        return choose_id(slot_code) if row is not None and row.can_add and self.editable else title_id(slot_code)

    def _set_progress(self, slot_code: str, percent: int) -> None:
        self.slots = [dataclasses.replace(s, progress=percent) if s.slot_code == slot_code else s for s in self.slots]

    @staticmethod
    def _focus(element_id: str) -> rx.event.EventSpec:
        # After React has rendered the new state (ids inside lists have no refs for rx.set_focus).
        return rx.call_script(
            f"setTimeout(() => document.getElementById({json.dumps(element_id)})?.focus(), 60)")

    async def _session(self) -> SessionInfo | None:
        return await asyncio.to_thread(require_session, self)

    @staticmethod
    def _failure(lang: str, exc: Exception) -> str:
        """Why an action failed, in `lang`: not found, or the storage unreachable."""
        if isinstance(exc, (NotFound, StorageUnavailable)):
            return exc.message(lang)
        return t("common.error_generic", lang)

    # -- handlers the component wires ------------------------------------------------------

    @rx.event
    async def begin_upload(self, slot_code: str):
        """First event of a drop/selection: shows the progress bar and announces the upload."""
        info = await self._session()
        if info is None:
            return sign_in_redirect(self)
        if not self.editable or self._def(slot_code) is None:
            return None
        lang = page_lang(self)
        self._uploading = slot_code
        self._set_progress(slot_code, 0)
        self.status_message = t("documents.msg_uploading", lang, label=self._label(slot_code, lang))
        return None

    @rx.event
    def upload_progress(self, slot_code: str, progress: dict[str, Any]):
        """rx.upload_files(on_upload_progress=...): {loaded, total, progress 0..1}. Touches only
        the progress bar of the upload `begin_upload` started (after its session check), so it
        does not look the session up again at every progress event."""
        if self._uploading != slot_code:
            return  # a late progress event after the upload ended
        try:
            percent = max(0, min(100, int(float(progress.get("progress", 0)) * 100)))
        except (TypeError, ValueError):
            return
        self._set_progress(slot_code, percent)

    @rx.event
    async def upload(self, files: list[rx.UploadFile], slot_code: str):
        """Add the selected file to `slot_code` of the configured application."""
        return await self._receive(files, slot_code, replacing=None)

    @rx.event
    async def replace(self, files: list[rx.UploadFile], document_id: int):
        """Put the selected file in place of document `document_id` (one this uploader shows)."""
        shown = self._shown_file(document_id)
        if shown is None or not self.removable:
            self._uploading = ""
            return None
        return await self._receive(files, shown[0].slot_code, replacing=shown[1])

    async def _receive(self, files: list[Any], slot_code: str, *, replacing: FileRow | None):
        info = await self._session()
        if info is None:
            self._uploading = ""
            return sign_in_redirect(self)
        lang = page_lang(self)
        actor = self._actor(info)
        try:
            if not self.editable or self._def(slot_code) is None or not files:
                return None
            upload = files[0]  # one file per selection (multiple=False); extra ones are ignored
            name = upload.filename or ""
            declared = upload.headers.get("content-type") if upload.headers else None
            label = self._label(slot_code, lang)
            try:
                if replacing is not None:
                    result = await asyncio.to_thread(documents.replace, actor, replacing.document_id, name,
                                                     upload, declared)
                else:
                    result = await asyncio.to_thread(documents.upload, actor, self._application_id,
                                                     self._applicant_id or None, slot_code, name, upload, declared)
            except DocumentRefused as refusal:
                shown = document_intake.clean_filename(name)
                self._last[slot_code] = ("refused", t("documents.refused_file", lang, name=shown,
                                                     reason=refusal.message(lang)), "")
                self.status_message = ""
                return await self._after_error(actor, lang)
            except (NotFound, StorageUnavailable) as exc:
                self._last[slot_code] = ("refused", self._failure(lang, exc), "")
                self.status_message = ""
                return await self._after_error(actor, lang)
            notice = " ".join(w.message(lang) for w in result.warnings)
            if replacing is not None:
                self._last[slot_code] = ("replaced", "", notice)
                self.status_message = t("documents.msg_replaced", lang, old=replacing.file_name,
                                        name=result.document.name, label=label)
            else:
                self._last[slot_code] = ("uploaded", "", notice)
                self.status_message = t("documents.msg_uploaded", lang, name=result.document.name, label=label)
            self._uploading = ""
            await self._reload(actor, lang)
            return self._focus(self._focus_target(slot_code))
        finally:
            if self._uploading == slot_code:
                self._uploading = ""
                self._set_progress(slot_code, -1)

    async def _after_error(self, actor: Actor, lang: str):
        self._uploading = ""
        try:
            await self._reload(actor, lang)
        except NotFound:  # not (or no longer) this actor's application: show nothing of it
            self.slots, self.configured = [], False
        return rx.call_script(
            f"setTimeout(() => document.getElementById({json.dumps(SUMMARY_ID)})?.focus(), 60)")

    @rx.event
    async def rejected(self, slot_code: str, rejections: list[dict[str, Any]] | None = None):
        """The browser turned the file down before sending it (a type the chooser does not
        offer, or several files at once): say why, as for a server refusal."""
        info = await self._session()
        if info is None:
            return sign_in_redirect(self)
        if self._def(slot_code) is None:
            return None
        lang = page_lang(self)
        self._uploading = ""
        self._last[slot_code] = ("refused", t("documents.client_rejected", lang), "")
        self.status_message = ""
        return await self._after_error(self._actor(info), lang)

    @rx.event
    async def remove(self, document_id: int):
        """Delete a document this uploader shows (before submission)."""
        info = await self._session()
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        shown = self._shown_file(document_id)
        if not self.removable or shown is None:
            return None
        slot, row = shown
        actor = self._actor(info)
        try:
            await asyncio.to_thread(documents.remove, actor, row.document_id)
        except DocumentRefused as refusal:  # the application was signed meanwhile
            self._last[slot.slot_code] = ("refused", refusal.message(lang), "")
            return await self._after_error(actor, lang)
        except (NotFound, StorageUnavailable) as exc:
            self._last[slot.slot_code] = ("refused", self._failure(lang, exc), "")
            return await self._after_error(actor, lang)
        self._last.pop(slot.slot_code, None)
        self.status_message = t("documents.msg_removed", lang, name=row.file_name, label=slot.label)
        await self._reload(actor, lang)
        return self._focus(self._focus_target(slot.slot_code))

    @rx.event
    async def download(self, document_id: int):
        """Issue a short-lived download token (bound to this session) and go to the download route."""
        info = await self._session()
        if info is None:
            return sign_in_redirect(self)
        lang = page_lang(self)
        shown = self._shown_file(document_id)
        if shown is None:
            return None
        actor = self._actor(info)
        try:
            token = await asyncio.to_thread(document_links.issue_download_token, actor, shown[1].document_id)
        except NotFound as exc:
            self._last[shown[0].slot_code] = ("refused", exc.message(lang), "")
            return await self._after_error(actor, lang)
        return download_link(token)

    @rx.event
    async def refresh(self):
        """Load the slots again (after a change made elsewhere)."""
        info = await self._session()
        if info is None:
            return sign_in_redirect(self)
        if not self._application_id:
            return None
        try:
            await self._reload(self._actor(info), page_lang(self))
        except NotFound:
            self.slots, self.configured = [], False
        return None
