"""The document uploader: one slot per document of a checklist.

Usage (a wizard page)
---------------------
The uploader is bound to `rar_app.state.documents.DocumentsState` (one uploader
per page). The page's own state says which application (and applicant) and
which slots, after checking the session, in its on_load handler::

    from rar_app.components.document_uploader import document_uploader
    from rar_app.state.documents import DocumentsState

    class ClientDocumentsState(rx.State):
        @rx.event
        async def load(self):
            info = require_session(self)
            if info is None:
                return sign_in_redirect(self)
            docs = await self.get_state(DocumentsState)
            try:
                await docs._configure(info, app_id, applicant_id, slot_defs, editable=status == "draft")
            except documents.NotFound:
                ...  # not theirs, or gone: show "not found"

    def page_body(lang):
        return rx.fragment(rx.el.h2(...), document_uploader(lang))

`slot_defs` is the rules engine's checklist shape, as
`applications.document_checklist(...)[i]["documents"]` and
`rules.required_documents(...)` give it: ``[{code, label_fr, label_en, help_fr,
help_en, required}]``. `applicant_id=None` keeps documents of the application as
a whole. `editable=False` (submitted application) shows the files, with
"Download" only.

What the state loads, per slot (`DocumentsState.slots`, `SlotRow`): ``slot_code,
label, help, required, status`` (``missing | uploaded | refused | replaced``),
``status_label, file_name, size_label, document_id`` (the newest file; ``files``
lists them all: ``document_id, file_name, size_label, content_label``),
``error`` (why the last file was refused, in the page's language), ``notice``
(a warning, e.g. the same file elsewhere in the application), ``progress``
(-1, or 0..100 while uploading), ``can_add``. `DocumentsState.errors` feeds the
error summary (``[{field, message}]``), `DocumentsState.status_message` the
polite live region.

Handlers (each re-checks the session — except ``upload_progress``, which only
moves the bar of an upload ``begin_upload`` checked — and passes the acting
representative to the document service, which checks ownership again; slot
codes and document ids not shown by this uploader are ignored):

- ``begin_upload(slot_code)`` then ``upload(files: list[rx.UploadFile], slot_code)``:
  wired to each slot's drop zone (`rx.upload_files` with ``on_upload_progress=
  upload_progress(slot_code, progress)``). Reflex's upload endpoint spools the
  request to a private temporary file; the handler streams it into
  `documents.upload` (which enforces the size limit and checks the content) —
  never into Reflex's public upload folder (``/_upload``);
- ``replace(files, document_id)``: the "Replace" button's own drop zone
  (`documents.replace`: same slot, the old file becomes "replaced");
- ``remove(document_id)``;
- ``download(document_id)``: issues a 5-minute token bound to the session, then
  follows a ``download`` link to ``/api/documents/download?t=…``
  (`rar_app/api_documents.py`), which checks the session again and streams;
- ``rejected(slot_code, rejections)``: the browser's chooser filter turned a file down;
- ``refresh()``: load the slots again.

The drop zones are `rx.memo` components (their react-dropzone hooks must live
inside the loop over slots and files); the page needs nothing else.

Accessibility: every control is a native button (Tab, Enter, Space); its name
includes the document or the file; refusals appear beside the slot
(``doc-<slot>-error``, referenced by the button's aria-describedby) and in the
error summary, which receives focus; successes are announced in a polite
status region and focus returns to the slot's "Choose a file" button (or its
heading when the slot is full). On phones a "Take a photo" button opens the
camera (``capture=environment``); the server decides what is acceptable.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from rar_app.components.widgets import error_summary, field_error, help_icon, progress_bar
from rar_app.i18n import t
from rar_app.settings import get_settings
from rar_app.state.documents import STATUS_ID, SUMMARY_ID, DocumentsState, FileRow, SlotRow, size_label
from rar_app.services.casework.document_intake import ACCEPTED_LABELS

# Offered by the browser's file chooser (a hint only: the server checks content).
# `image/*` lets phones offer the camera and lets HEIC photos reach the server's clear refusal.
ACCEPT = {"application/pdf": [".pdf"], "image/*": [".jpg", ".jpeg", ".png", ".tif", ".tiff"]}
PHOTO_ACCEPT = {"image/*": []}

_STYLES: dict[str, Any] = {
    "uploader": {"max_width": "48rem"},
    "slots": {"list_style": "none", "padding": "0", "margin": "1rem 0"},
    "slot": {"border": "1px solid #b1b9c3", "border_radius": "4px", "padding": ".75rem 1rem", "margin": "0 0 1rem",
             "overflow_wrap": "anywhere"},
    "title": {"font_size": "1.1rem", "margin": "0"},
    "status": {"margin": ".5rem 0"},
    "files": {"list_style": "none", "padding": "0", "margin": ".5rem 0"},
    "file": {"display": "flex", "flex_wrap": "wrap", "align_items": "center", "gap": ".5rem",
             "padding": ".5rem 0", "border_top": "1px solid #e1e4e7"},
    "file_name": {"flex": "1 1 12rem", "min_width": "0", "font_weight": "700"},
    "actions": {"display": "flex", "flex_wrap": "wrap", "gap": ".5rem"},
    "add": {"display": "flex", "flex_wrap": "wrap", "align_items": "center", "gap": ".5rem .75rem",
            "border": "2px dashed #b1b9c3", "padding": ".75rem", "margin": ".5rem 0"},
    # Only where the pointer is a finger (phones, tablets): the camera button.
    "photo": {"display": "none", "@media (pointer: coarse)": {"display": "block"}},
}

_BADGE = {
    "missing": {"background": "#e6e6e6", "color": "#333"},
    "uploaded": {"background": "#d8eeca", "color": "#1d4f1f"},
    "replaced": {"background": "#d7e5f5", "color": "#183c5e"},
    "refused": {"background": "#f8d7d5", "color": "#7a1a12"},
}


def _hide_input(zone: rx.Component, **attrs: Any) -> rx.Component:
    """The drop zone's own <input type=file> is hidden and out of the tab order
    (react-dropzone); our button is the control, so hide the input from
    assistive technologies too, and give it extra attributes (capture)."""
    from reflex_components_core.el.elements.forms import Input

    def walk(component: Any) -> None:
        for child in getattr(component, "children", []) or []:
            if isinstance(child, Input):
                child.custom_attrs = {**child.custom_attrs, "aria-hidden": "true", **attrs}
                return
            walk(child)

    walk(zone)
    return zone


def _drop_zone(zone_id: Any, on_drop: Any, on_rejected: Any, *children: rx.Component, accept: dict,
               style: dict | None = None, **input_attrs: Any) -> rx.Component:
    zone = rx.upload.root(
        *children,
        id=zone_id,
        on_drop=on_drop,
        on_drop_rejected=on_rejected,
        accept=accept,
        multiple=False,
        no_keyboard=True,  # the button inside is the keyboard control
        style=style or {},
    )
    return _hide_input(zone, **input_attrs)


# The drop zones are memo components: each keeps its own react-dropzone hooks, so
# they can sit inside rx.foreach (hooks of an inline rx.upload would be hoisted to
# the page, outside the loop).


@rx.memo
def doc_upload_zone(zone_id: rx.Var[str], slot_code: rx.Var[str], button_id: rx.Var[str],
                    button_text: rx.Var[str], hidden_text: rx.Var[str], described_by: rx.Var[str],
                    hint: rx.Var[str]) -> rx.Component:
    """A slot's "Choose a file" button (also a drop target)."""
    return _drop_zone(
        zone_id,
        [DocumentsState.begin_upload(slot_code),
         DocumentsState.upload(
             rx.upload_files(upload_id=zone_id,
                             on_upload_progress=lambda p: DocumentsState.upload_progress(slot_code, p)),
             slot_code)],
        DocumentsState.rejected(slot_code),
        rx.el.button(button_text, rx.el.span(hidden_text, class_name="visually-hidden"), type="button",
                     class_name="btn btn-primary", id=button_id, aria_describedby=described_by),
        rx.el.span(hint, class_name="hint"),
        accept=ACCEPT,
        style={"display": "flex", "flex_wrap": "wrap", "align_items": "center", "gap": ".5rem .75rem"},
    )


@rx.memo
def doc_photo_zone(zone_id: rx.Var[str], slot_code: rx.Var[str], button_id: rx.Var[str],
                   button_text: rx.Var[str], hidden_text: rx.Var[str], described_by: rx.Var[str]) -> rx.Component:
    """A slot's "Take a photo" button: the phone's camera (capture=environment)."""
    return _drop_zone(
        zone_id,
        [DocumentsState.begin_upload(slot_code),
         DocumentsState.upload(
             rx.upload_files(upload_id=zone_id,
                             on_upload_progress=lambda p: DocumentsState.upload_progress(slot_code, p)),
             slot_code)],
        DocumentsState.rejected(slot_code),
        rx.el.button(button_text, rx.el.span(hidden_text, class_name="visually-hidden"), type="button",
                     class_name="btn btn-secondary", id=button_id, aria_describedby=described_by),
        accept=PHOTO_ACCEPT,
        capture="environment",
    )


@rx.memo
def doc_replace_zone(zone_id: rx.Var[str], slot_code: rx.Var[str], document_id: rx.Var[int],
                     button_id: rx.Var[str], button_text: rx.Var[str], hidden_text: rx.Var[str]) -> rx.Component:
    """A file's "Replace" button."""
    return _drop_zone(
        zone_id,
        [DocumentsState.begin_upload(slot_code),
         DocumentsState.replace(
             rx.upload_files(upload_id=zone_id,
                             on_upload_progress=lambda p: DocumentsState.upload_progress(slot_code, p)),
             document_id)],
        DocumentsState.rejected(slot_code),
        rx.el.button(button_text, rx.el.span(hidden_text, class_name="visually-hidden"), type="button",
                     class_name="btn btn-secondary", id=button_id),
        accept=ACCEPT,
    )


def _file_row(lang: str, slot: SlotRow, row: FileRow) -> rx.Component:
    doc_id = row.document_id.to_string()
    hidden_name = rx.el.span(" ", row.file_name, class_name="visually-hidden")
    editable = [
        doc_replace_zone(zone_id="doc-replace-" + doc_id, slot_code=slot.slot_code, document_id=row.document_id,
                         button_id="doc-replace-button-" + doc_id, button_text=t("documents.replace", lang),
                         hidden_text=" " + row.file_name),
        rx.el.button(
            t("documents.remove", lang), hidden_name,
            type="button", class_name="btn btn-danger", id="doc-remove-" + doc_id,
            on_click=DocumentsState.remove(row.document_id),
        ),
    ]
    return rx.el.li(
        rx.el.span(
            row.file_name,
            rx.el.span(" (", row.size_label, rx.cond(row.content_label != "", ", ", ""), row.content_label, ")",
                       style={"font_weight": "400"}),
            style=_STYLES["file_name"],
        ),
        rx.el.div(
            rx.el.button(
                t("documents.download", lang), hidden_name,
                type="button", class_name="btn btn-secondary", id="doc-download-" + doc_id,
                on_click=DocumentsState.download(row.document_id),
            ),
            rx.cond(DocumentsState.removable, rx.fragment(*editable)),
            style=_STYLES["actions"],
        ),
        style=_STYLES["file"],
        id="doc-file-" + doc_id,
        class_name="doc-file",
    )


def _add_area(lang: str, slot: SlotRow) -> rx.Component:
    code = slot.slot_code
    described = rx.cond(slot.error != "", "doc-rules doc-" + code + "-error", "doc-rules")
    hidden = " — " + slot.label
    main = doc_upload_zone(
        zone_id="doc-upload-" + code, slot_code=code, button_id="doc-choose-" + code,
        button_text=rx.cond(slot.files.length() > 0, t("documents.add_file", lang), t("documents.choose_file", lang)),
        hidden_text=hidden, described_by=described, hint=t("documents.drop_hint", lang),
    )
    photo = rx.el.div(
        doc_photo_zone(zone_id="doc-photo-" + code, slot_code=code, button_id="doc-photo-button-" + code,
                       button_text=t("documents.take_photo", lang), hidden_text=hidden, described_by=described),
        style=_STYLES["photo"],
        class_name="doc-photo",
    )
    return rx.cond(
        slot.can_add,
        rx.el.div(main, photo, style=_STYLES["add"], class_name="doc-add"),
        rx.el.p(t("documents.slot_full", lang), class_name="hint"),
    )


def _slot(lang: str, slot: SlotRow) -> rx.Component:
    code = slot.slot_code
    return rx.el.li(
        rx.el.div(
            rx.el.h3(
                slot.label,
                rx.cond(slot.required, rx.el.span(" ", t("common.required", lang), class_name="required")),
                id="doc-slot-" + code + "-title",
                tab_index=-1,
                style=_STYLES["title"],
            ),
            rx.cond(slot.help != "", help_icon(lang, slot.label, slot.help, "doc-" + code)),
            class_name="label-row",
        ),
        rx.el.p(
            t("documents.status_heading", lang), " ",
            rx.el.strong(
                slot.status_label,
                class_name="badge doc-status-" + slot.status,
                style={prop: rx.match(slot.status, *[(k, v[prop]) for k, v in _BADGE.items()], _BADGE["missing"][prop])
                       for prop in ("background", "color")},
            ),
            style=_STYLES["status"],
            id="doc-slot-" + code + "-status",
        ),
        field_error(lang, slot.error, "doc-" + code),
        rx.cond(slot.notice != "", rx.el.p(slot.notice, class_name="alert alert-warning")),
        rx.cond(
            slot.files.length() > 0,
            rx.el.ul(
                rx.foreach(slot.files, lambda row: _file_row(lang, slot, row)),
                aria_label=t("documents.files_label", lang, label=slot.label),
                style=_STYLES["files"],
            ),
            rx.el.p(t("documents.no_file", lang), class_name="hint"),
        ),
        rx.cond(slot.progress >= 0, progress_bar(slot.progress, t("documents.progress_label", lang))),
        rx.cond(DocumentsState.editable, _add_area(lang, slot)),
        id="doc-slot-" + code,
        class_name="doc-slot",
        style={**_STYLES["slot"], "border_left": rx.cond(slot.error != "", "5px solid var(--error)", _STYLES["slot"]["border"])},
    )


def document_uploader(lang: str, slots: rx.Var | None = None, *, summary: bool = True) -> rx.Component:
    """The uploader for the slots of `DocumentsState` (see the module docstring).

    `slots` defaults to `DocumentsState.slots` (a filtered view of it may be passed).
    `summary=False` when the page shows `DocumentsState.errors` in its own error summary."""
    settings = get_settings()
    rules = t("documents.rules", lang, formats=ACCEPTED_LABELS,
              limit=size_label(settings.max_upload_bytes, lang), count=settings.max_files_per_slot)
    return rx.el.div(
        rx.el.p(rules, id="doc-rules", class_name="hint"),
        *([error_summary(lang, DocumentsState.errors, SUMMARY_ID)] if summary else []),
        rx.el.div(DocumentsState.status_message, role="status", aria_live="polite", id=STATUS_ID,
                  class_name=rx.cond(DocumentsState.status_message != "", "alert alert-success", "")),
        rx.cond(~DocumentsState.editable, rx.el.p(t("documents.read_only", lang), class_name="alert")),
        rx.el.ul(
            rx.foreach(slots if slots is not None else DocumentsState.slots, lambda slot: _slot(lang, slot)),
            style=_STYLES["slots"],
            class_name="doc-slots",
        ),
        class_name="doc-uploader",
        style=_STYLES["uploader"],
    )
