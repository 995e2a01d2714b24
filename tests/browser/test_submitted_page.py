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


MOMENT = {"fr": r"^\d{4}-\d{2}-\d{2} à \d{2}:\d{2} \(heure de Toronto, E[SD]T\)$",
          "en": r"^\d{4}-\d{2}-\d{2} at \d{2}:\d{2} \(Toronto time, E[SD]T\)$"}
TYPE_HEADER = {"fr": "Type de document", "en": "Document type"}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_after_submission_files_by_type_countries_by_name_time_in_toronto(portal, browser, lang):
    """Point 11: the status page lists the files by document type; « Voir la demande »
    names the countries (« France », not « FR »), gives the submission time in Toronto
    with the zone, and lists the files sent by document type. FR at 1280 px, EN at 375 px."""
    from tests.browser.conftest import sign_in
    from tests.browser.test_tracking import PATHS, number_of, open_status

    phone = lang == "en"
    ctx = browser.new_context(viewport={"width": 375, "height": 740} if phone else {"width": 1280, "height": 900},
                              is_mobile=phone, has_touch=phone)
    page = ctx.new_page()
    sign_in(page, portal, lang=lang)
    number = number_of(portal, "Romarin")
    open_status(page, portal, lang, number)
    expect(page.locator("#documents th").first).to_have_text(TYPE_HEADER[lang])
    types = page.locator("#documents tbody tr td:first-child").all_inner_texts()
    assert types and all(t.strip() and not re.fullmatch(r"[a-z0-9_\-]+", t.strip()) for t in types), types
    from rar_app.programs.countries import sort_key

    assert types == sorted(types, key=sort_key), "by document type, accents ignored"
    if phone:
        assert_no_horizontal_scroll(page)

    visit(page, portal, f"{PATHS['view'][lang]}?n={number}", lang, axe=False)
    page.wait_for_selector("#people")
    countries = page.locator("#people tbody tr td:nth-child(5)").all_inner_texts()
    assert countries and all(c.strip() == "France" for c in countries), countries
    expect(page.locator("#view-submitted")).to_have_text(re.compile(MOMENT[lang]))
    expect(page.locator("#view-documents th").first).to_have_text(TYPE_HEADER[lang])
    files = page.locator("#view-documents tbody tr td:first-child").all_inner_texts()
    assert files and not any(re.fullmatch(r"[a-z0-9_\-]+", f.strip()) for f in files), files
    from tests.browser.harness import assert_accessible

    assert_accessible(page, "view application")
    if phone:
        assert_no_horizontal_scroll(page)
    ctx.close()
