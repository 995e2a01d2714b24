"""Issue 14, point 2, in a browser: a page opened while the application was a draft
still shows « Supprimer » and the file chooser once the application has been signed
elsewhere; clicking them changes nothing — the document service refuses, and the
refusal is shown beside the slot and in the error summary (FR and EN)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.browser.conftest import sign_in
from tests.browser.harness import assert_accessible, portal_db
from tests.browser.test_documents import (
    PASSWORD, TEXT, choose, create_representative, file_ids, open_demo, wait_files, wait_status, write,
)
from tests.fixtures.documents import samples

FROZEN = {"fr": "signée ou soumise", "en": "signed or submitted"}


def _demo_application(portal, username: str):
    from rar_app.db import session_scope
    from rar_app.models import Account, Application, Document

    with portal_db(portal), session_scope() as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        app = db.exec(select(Application).where(Application.representative_id == account.id)).one()
        live = list(db.exec(select(Document.id).where(Document.application_id == app.id,
                                                       Document.deleted_at.is_(None)).order_by(Document.id)))
        return app.id, live


def _sign(portal, app_id: int) -> None:
    from rar_app.db import session_scope
    from rar_app.models import Application, utcnow

    with portal_db(portal), session_scope() as db:
        app = db.get(Application, app_id)
        app.status, app.signed_at = "signed", utcnow()
        db.add(app)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_signed_application_refuses_stale_remove_and_upload(portal, page, tmp_path, lang):
    user = create_representative(portal, f"frozen-{lang}")
    sign_in(page, portal, lang=lang, username=user, password=PASSWORD)
    open_demo(page, portal, lang, axe=False)
    choose(page, "passport", write(tmp_path, "passeport.pdf", samples.pdf(marker="frozen-" + lang)))
    wait_files(page, "passport", 1)
    wait_status(page, "passport", TEXT[lang]["uploaded"])
    [doc_id] = file_ids(page, "passport")

    app_id, live = _demo_application(portal, user)
    assert live == [doc_id]
    _sign(portal, app_id)  # signed in another tab: this page still offers the buttons

    page.click(f"#doc-remove-{doc_id}")
    page.wait_for_function("([m]) => document.querySelector('#documents-error-summary')?.innerText.includes(m)",
                           arg=[FROZEN[lang]], timeout=30_000)
    wait_files(page, "passport", 1)
    assert _demo_application(portal, user)[1] == [doc_id], "the file is still there"

    choose(page, "digital_photo", write(tmp_path, "photo.png", samples.png()))
    page.wait_for_function(
        "([m]) => document.querySelector('#doc-digital_photo-error')?.innerText.includes(m)",
        arg=[FROZEN[lang]], timeout=30_000)
    assert _demo_application(portal, user)[1] == [doc_id], "nothing was added"
    assert_accessible(page, "frozen application refusals")
