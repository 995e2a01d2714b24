"""Pools in a real browser (French): staff run a round of invitations from the back office
(bad number refused at the field; the cut-off shown); the representative sees the invitation
on the account home (« Échéances ») with the days left, opens « État du profil Entrée express » (score and
breakdown, deadline with days left), declines it: the profile is back in the pool."""

from __future__ import annotations

from tests.browser.conftest import sign_in, visit
from tests.browser.harness import assert_accessible


def test_staff_round_then_the_representative_declines_the_invitation(portal, browser):
    staff_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    rep_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = staff_ctx.new_page()
    sign_in(page, portal, lang="fr", username="demo.staff")
    page.click("#bo-rounds")
    page.wait_for_url("**/fr/arriere-guichet/rondes-invitations")
    page.wait_for_function("document.querySelector('#round-pool')?.value === 'express_entry'")
    # The demo pool's 6 profiles, or more when an earlier module on this shared portal submitted one.
    page.wait_for_function("Number(((document.querySelector('#round-in-pool')?.innerText || '').match(/\\d+/) || ['0'])[0]) >= 6")
    assert_accessible(page, "rounds")
    # Bad input: the number is required, at the field and in the summary; what was typed stays.
    page.fill("#round-size", "deux")
    page.click("#round-run")
    page.wait_for_selector("#error-summary a")
    assert (page.locator("#error-summary a").get_attribute("href") or "").endswith("#round-size")
    assert "entre 1 et 100" in page.inner_text("#round-size-error")
    assert page.input_value("#round-size") == "deux"
    page.fill("#round-size", "1")
    page.click("#round-run")
    page.wait_for_function("(document.querySelector('#notice')?.innerText || '').includes('1 invitation')")
    notice = page.inner_text("#notice")
    cut_off = notice.split("note minimale")[1].strip(" .\u00a0")
    assert cut_off.isdigit() and int(cut_off) > 400
    page.wait_for_function(f"(document.querySelector('#round-table tbody tr td:nth-child(5)')?.innerText || '') === '{cut_off}'")

    rep = rep_ctx.new_page()
    sign_in(rep, portal, lang="fr")
    rep.wait_for_selector("#deadlines-table tbody tr")
    row = rep.locator("#deadlines-table tbody tr", has_text="Entrée express").first
    assert "jours et" in row.inner_text()  # « Échéances »: days and hours left
    row.locator("a").click()
    rep.wait_for_url("**/fr/etat-du-profil?id=*")
    rep.wait_for_selector("#pool-title")
    assert rep.inner_text("#pool-title") == "État du profil Entrée express"
    assert rep.inner_text("#pool-score") == cut_off
    assert "60 jour(s)" in rep.inner_text("#pool-deadline")
    assert rep.locator("#pool-sections tbody tr").count() == 4
    assert_accessible(rep, "profile status")
    rep.click("#pool-decline")
    rep.wait_for_selector("#decline-confirm")
    rep.click("#decline-yes")
    rep.wait_for_function("(document.querySelector('#notice')?.innerText || '').includes('de retour dans le bassin')")
    rep.wait_for_function("(document.querySelector('#pool-status')?.innerText || '') === 'Dans le bassin'")
    assert rep.locator("#pool-accept").count() == 0
