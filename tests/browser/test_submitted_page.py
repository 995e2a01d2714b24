"""Issue 17, point 11 (the receipt's time), in French and English at 1280 and 375 px:
the « Félicitations » page says when IRCC received the application in the portal's time
zone (America/Toronto), the zone named."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import visit
from tests.browser.harness import assert_no_horizontal_scroll, portal_db
from tests.browser.test_uci_linking import sign_in_test_rep
from tests.browser.vsw_steps import BASE

SUBMITTED = {"fr": "demande-soumise", "en": "application-submitted"}
ZONE = {"fr": r"à \d{2}:\d{2} \(heure de Toronto, E[SD]T\)", "en": r"at \d{2}:\d{2} \(Toronto time, E[SD]T\)"}


def submitted_application(portal) -> tuple[str, int]:
    import uuid

    from rar_app.services.casework import submission
    from tests.services.test_submission_drafts import ANSWER, make_draft, make_rep, new_session

    username = f"rcpt.rep.{uuid.uuid4().hex[:8]}"
    with portal_db(portal):
        rep = make_rep(username=username)
        draft = make_draft(rep, [{"given": "Inès", "family": "Reçu", "type": "visitor_visa", "fee": "exempt",
                                  "biometrics": "exempt"}])
        submission.sign(rep, new_session(rep), draft.application_id, ip="127.0.0.1", agree="yes",
                        given_names="Hélène", family_name="Côté-Lévesque", answer=ANSWER)
        submission.submit_free(rep, draft.application_id, ip="127.0.0.1")
    return username, draft.application_id


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_receipt_time_in_toronto_with_the_zone(portal, page, phone_context, lang):
    username, app_id = submitted_application(portal)
    path = f"{BASE[lang]}/{SUBMITTED[lang]}?id={app_id}"
    for p in (page, phone_context.new_page()):
        sign_in_test_rep(p, portal, lang, username)
        visit(p, portal, path, lang)
        expect(p.locator("#received")).to_have_text(re.compile(ZONE[lang]))
        assert_no_horizontal_scroll(p)
