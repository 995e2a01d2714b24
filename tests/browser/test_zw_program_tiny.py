"""A program is a definition: the test-only program of tests/programs/tiny.py (two
questions, a declaration, no fee), registered only through RAR_EXTRA_PROGRAMS, is driven
end to end through the generic pages — question pages, review with its pens, document
checklist, declaration and signature, personal checklist, Signature (« Transmettre »,
nothing to pay), « Félicitations » — in a running portal; and tests/programs/tiny_profile.py
(eligibility, « Vos résultats », a task-list profile of two forms) through « Vos résultats »
and the task list to its submission. axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.harness import assert_accessible, portal_db, wait_ready
from tests.browser.vsw_steps import answer_for, arrive, pick

BASE = "/fr/programme-d-essai"


@pytest.fixture(scope="module")
def tiny_portal(server_pool):
    return server_pool.get("tiny", {"RAR_EXTRA_PROGRAMS": "tests.programs.tiny,tests.programs.tiny_profile"})


def test_a_test_only_program_runs_through_the_generic_pages(tiny_portal, page):
    portal = tiny_portal
    sign_in(page, portal, "fr")
    page.goto(portal.url(BASE))
    wait_ready(page, "fr")
    page.locator("#wizard-form").wait_for()
    assert_accessible(page, "first question")
    page.click("#nav-next")  # nothing typed: the error names the field
    expect(page.locator("#error-summary")).to_contain_text("Nom de famille")
    page.fill("#family_name", "Essai-Tiny")
    page.click("#nav-next")
    page.wait_for_url(re.compile(rf"{BASE}/tiny-minor\?id=\d+$"))
    wait_ready(page, "fr")
    page.locator("#wizard-form").wait_for()
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    pick(page, "#minor-no")
    page.click("#nav-next")

    # The review: every answer with its pen, whose accessible name says which question.
    arrive(page, rf"{BASE}/revision\?id={app_id}$", "Révisez vos réponses", "fr", ready="#nav-start-again")
    main = page.locator("main")
    expect(main).to_contain_text("Essai-Tiny")
    pens = page.locator("a.pencil-link")
    expect(pens).to_have_count(2)
    expect(pens.first).to_have_accessible_name(re.compile("Nom de famille"))
    pens.first.click()
    page.wait_for_url(re.compile(rf"{BASE}\?id={app_id}&review=1$"))  # the first step is the bare address
    wait_ready(page, "fr")
    expect(page.locator("#family_name")).to_have_value("Essai-Tiny")
    page.fill("#family_name", "Essai-Modifié")
    page.click("#nav-next")
    arrive(page, rf"{BASE}/revision\?id={app_id}$", "Révisez vos réponses", "fr", ready="#nav-start-again")
    expect(main).to_contain_text("Essai-Modifié")
    page.click("#nav-continue")

    # No document to provide, no fee: on to the declaration.
    arrive(page, rf"{BASE}/liste-de-verification-des-documents\?id={app_id}$", "Liste de vérification des documents",
           "fr")
    page.click("#nav-continue")
    arrive(page, rf"{BASE}/declaration-solennelle-et-signature\?id={app_id}$",
           "Votre déclaration solennelle et votre signature électronique", "fr")
    expect(main).to_contain_text("Je déclare solennellement")
    page.click("#agree-no")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")
    expect(page.locator("#agree-error")).to_contain_text("Je refuse")
    pick(page, "#agree")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")

    arrive(page, rf"{BASE}/liste-de-controle-personnelle\?id={app_id}$", "Votre liste de contrôle personnelle", "fr")
    page.click("#nav-continue")
    arrive(page, rf"{BASE}/signature\?id={app_id}$", "Signature", "fr")
    expect(page.locator("#transmit")).to_have_text("Transmettre")
    page.click("#transmit")

    arrive(page, rf"{BASE}/demande-soumise\?id={app_id}$",
           "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.", "fr")
    number = page.locator(".application-number").first.inner_text()
    assert re.fullmatch(r"T\d{9}", number), number
    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import Application

        with session_scope() as db:
            app = db.get(Application, app_id)
            assert (app.kind, app.status, app.client_file_number) == ("tiny_test_program", "submitted", "Essai-Modifié")
    page.click("#nav-exit-after-submission")
    page.wait_for_url(re.compile(r"/fr/accueil-du-compte"))


def test_the_test_program_has_its_english_addresses_and_stays_off_the_home_page(tiny_portal, page):
    sign_in(page, tiny_portal, "en")
    assert "test-program" not in page.locator("main").inner_html()
    page.goto(tiny_portal.url("/en/test-program"))
    wait_ready(page, "en")
    page.locator("#wizard-form").wait_for()
    expect(page.locator("label[for=family_name]")).to_contain_text("Family name")


def _sign_and_submit(page, base: str, app_id: int) -> None:
    page.click("#nav-continue")
    arrive(page, rf"{base}/liste-de-verification-des-documents\?id={app_id}$", "Liste de vérification des documents",
           "fr")
    page.click("#nav-continue")
    arrive(page, rf"{base}/declaration-solennelle-et-signature\?id={app_id}$",
           "Votre déclaration solennelle et votre signature électronique", "fr")
    pick(page, "#agree")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")
    arrive(page, rf"{base}/liste-de-controle-personnelle\?id={app_id}$", "Votre liste de contrôle personnelle", "fr")
    page.click("#nav-continue")
    arrive(page, rf"{base}/signature\?id={app_id}$", "Signature", "fr")
    page.click("#transmit")
    arrive(page, rf"{base}/demande-soumise\?id={app_id}$",
           "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.", "fr")


def test_results_and_the_task_list_profile_of_a_test_only_program(tiny_portal, page):
    base = "/fr/profil-essai"
    sign_in(page, tiny_portal, "fr")
    page.goto(tiny_portal.url(base))
    wait_ready(page, "fr")
    page.locator("#wizard-form").wait_for()
    pick(page, "#minor-no")
    page.click("#nav-next")

    # « Vos résultats »: eligible, the reason with its reference.
    arrive(page, rf"{base}/vos-resultats\?id=\d+$", "Vos résultats", "fr", ready="#nav-continue")
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    expect(page.locator("#results-verdict")).to_contain_text("admissible")
    expect(page.locator("main")).to_contain_text("IRPR s. 0")
    page.click("#nav-continue")

    # The task list: the first form prefilled from step 1 (« En cours »), the second not started;
    # « Vérifier… » links every missing answer.
    arrive(page, rf"{base}/profil\?id={app_id}$", "Profil de votre client", "fr", ready="#task-list")
    expect(page.locator("#section-status-pt_one")).to_have_text("En cours")
    expect(page.locator("#section-status-pt_two")).to_have_text("Pas commencé")
    page.click("#profile-check-button")
    expect(page.locator("#profile-missing a")).to_have_count(3)
    expect(page.locator("#section-pt_one")).to_have_text("Commencer à remplir le formulaire")
    page.click("#section-pt_one")
    page.wait_for_url(re.compile(rf"{base}/pt-name\?id={app_id}$"))
    wait_ready(page, "fr")
    expect(page.locator("#family_name")).to_have_value("Prérempli")  # from the eligibility answers
    page.fill("#family_name", "Diallo")
    page.click("#nav-next")
    arrive(page, rf"{base}/profil\?id={app_id}$", "Profil de votre client", "fr", ready="#task-list")
    expect(page.locator("#section-status-pt_one")).to_have_text("Terminé")
    expect(page.locator("#section-status-pt_one")).to_have_class(re.compile("badge-ok"))
    expect(page.locator("#section-pt_one")).to_have_text("Mettre à jour le formulaire")
    expect(page.locator("#nav-continue")).to_have_count(0)
    page.click("#section-pt_two")
    page.wait_for_url(re.compile(rf"{base}/pt-a\?id={app_id}$"))
    wait_ready(page, "fr")
    page.locator("#wizard-form").wait_for()
    pick(page, "#minor-no")
    page.click("#nav-next")
    page.wait_for_url(re.compile(rf"{base}/pt-b\?id={app_id}$"))
    wait_ready(page, "fr")
    page.locator("#wizard-form").wait_for()
    page.fill("#given_names", "Awa")
    page.click("#nav-next")
    arrive(page, rf"{base}/profil\?id={app_id}$", "Profil de votre client", "fr", ready="#task-list")
    expect(page.locator("#section-status-pt_two")).to_have_text("Terminé")
    page.click("#profile-check-button")
    expect(page.locator("#profile-complete")).to_be_visible()
    page.click("#nav-continue")
    arrive(page, rf"{base}/revision\?id={app_id}$", "Révisez vos réponses", "fr", ready="#nav-start-again")
    expect(page.locator("a.pencil-link")).to_have_count(3)
    _sign_and_submit(page, base, app_id)
