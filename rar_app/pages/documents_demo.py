"""Documents du client (démonstration): the document uploader on a small draft
application of the signed-in representative, to try it (and to test it) on its own."""

from __future__ import annotations

import asyncio

import reflex as rx

from rar_app.components.document_uploader import document_uploader
from rar_app.components.layout import page_template
from rar_app.i18n import t
from rar_app.pages.registry import page
from rar_app.services.office import document_demo
from rar_app.services.casework import documents
from rar_app.state.documents import DocumentsState
from rar_app.state.session import client_ip, require_session, sign_in_redirect

MODIFIED = "2026-11-28"


class DocumentsDemoState(rx.State):
    unavailable: bool = False

    @rx.event
    async def load(self):
        info = await asyncio.to_thread(require_session, self)
        if info is None:
            return sign_in_redirect(self)
        docs = await self.get_state(DocumentsState)
        try:
            demo = await asyncio.to_thread(document_demo.ensure_document_demo, info.account_id, ip=client_ip(self))
            await docs._configure(info, demo.application_id, demo.applicant_id, document_demo.demo_slots(),
                                  editable=demo.status == "draft")
        except (ValueError, documents.NotFound):
            self.unavailable = True
            return None
        self.unavailable = False
        return None


@page("documents_demo", fr="/fr/documents-demonstration", en="/en/documents-demonstration",
      title_key="documents.demo_title", on_load=DocumentsDemoState.load)
def documents_demo_page(lang: str) -> rx.Component:
    return page_template(
        lang,
        "documents_demo",
        t("documents.demo_title", lang),
        rx.el.p(t("documents.demo_intro", lang)),
        rx.cond(
            DocumentsDemoState.unavailable,
            rx.el.p(t("documents.demo_unavailable", lang), class_name="alert alert-warning"),
            rx.el.section(
                rx.el.h2(t("documents.demo_client", lang)),
                document_uploader(lang),
            ),
        ),
        modified=MODIFIED,
    )
