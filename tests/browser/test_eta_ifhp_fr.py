"""« Demande d'autorisation de voyage électronique (AVE) » and « Demande au titre du
Programme fédéral de santé intérimaire (PFSI) » in French, end to end in a running
portal, following the guide's numbered steps: the eTA paid once (a double click on
« Transmettre et payer » and on the payment) and approved by the simulated office with
its number and validity; the IFHP request uploaded, signed, transmitted and its
certificate of eligibility issued and downloaded. axe on every page (harness)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.eta_ifhp_steps import (
    IFHP,
    app_id_of,
    eta_eligible,
    eta_page,
    eta_representative,
    eta_sign_and_pay,
    go,
    ifhp_sign_and_transmit,
    office_decides,
    open_eta,
    open_ifhp,
)
from tests.browser.harness import assert_accessible, portal_db, wait_ready
from tests.browser.vsw_steps import arrive, pick, upload
from tests.browser.dates import fill_date

FR = "fr"


def step(page, name: str, app_id: int, heading: str) -> None:
    go(page, eta_page(FR, name, app_id), heading, FR)


def at(page, part: str, heading: str) -> None:
    go(page, part, heading, FR)


def test_eta_in_french_paid_once_and_approved(portal, page):
    # 1–3. Home → the introduction page → « Continuer » → the eTA page → « Présenter une demande d'AVE ».
    open_eta(page, portal, FR)
    # 4. « Répondez aux questions pour savoir si votre client a besoin d'obtenir une AVE ».
    page.click("#nav-next")  # nothing answered: every question in the summary, linked to it
    expect(page.locator("#error-summary a")).to_have_count(5)
    expect(page.locator("#error-summary a").first).to_have_attribute("href", re.compile("#citizenship$"))
    app_id = eta_eligible(page, FR, "FR")
    expect(page.locator("main")).to_contain_text("Votre client a besoin d’une AVE")
    # 5–10. « pour une autre personne », « Je suis » (prefilled), « Déclaration du représentant ».
    eta_representative(page, FR, app_id)

    # 11. The client's details; bad input first: a message at each field, nothing typed lost.
    step(page, "passport", app_id, "Passeport et renseignements sur le client")
    expect(page.locator("#nationality")).to_have_value("FR")  # from the eligibility answers
    page.fill("#passport_number", "123456789")
    page.fill("#family_name", "Martin")
    page.fill("#given_names", "Claire")
    fill_date(page, "date_of_birth", (date.today() + timedelta(days=3)).isoformat())
    page.select_option("#country_of_birth", "FR")
    pick(page, "#sex")
    fill_date(page, "passport_issued", "2022-01-10")
    fill_date(page, "passport_expiry", (date.today() - timedelta(days=1)).isoformat())
    page.click("#nav-next")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("futur")
    fill_date(page, "date_of_birth", "1990-05-04")
    page.click("#nav-next")
    expect(summary).to_contain_text("format des numéros de passeport")
    expect(summary).to_contain_text("expiré")
    expect(page.locator("#passport_expiry-error")).to_contain_text("expiré")
    expect(page.locator("#family_name")).to_have_value("Martin")
    page.select_option("#nationality", "IN")  # a nationality that needs a visa
    page.fill("#passport_number", "12AB34567")
    fill_date(page, "passport_expiry", (date.today() + timedelta(days=1000)).isoformat())
    page.click("#nav-next")
    expect(page.locator("#nationality-error")).to_contain_text("visa")
    assert_accessible(page, "passport errors")
    page.select_option("#nationality", "FR")
    page.click("#nav-next")
    step(page, "contact", app_id, "Coordonnées du client")
    page.fill("#email", "claire.martin@example.invalid")
    pick(page, "#language")
    page.click("#nav-next")
    step(page, "employment", app_id, "Emploi du client")
    page.select_option("#occupation", "retired")
    page.click("#nav-next")
    step(page, "background", app_id, "Antécédents")
    for q in ("#refused-no", "#criminal-no", "#tuberculosis-no"):
        pick(page, q)
    page.click("#nav-next")

    # Review with the pen icon.
    go(page, eta_page(FR, "review", app_id), "Révisez vos réponses", FR, ready="#nav-start-again")
    expect(page.locator("main")).to_contain_text("12AB34567")
    expect(page.locator("main")).to_contain_text("7,00\u00a0$")

    # 12–16. « Consentement et déclaration » (the name alone in « Signature ») → « Procéder au
    # paiement » → « Sommaire des frais » → « Transmettre et payer » → payment, each pressed twice.
    eta_sign_and_pay(page, FR, app_id)
    with portal_db(portal):
        from sqlmodel import select

        from rar_app.db import session_scope
        from rar_app.models import Applicant, Application, Payment

        with session_scope() as db:
            paid = db.exec(select(Payment).where(Payment.application_id == app_id)).all()
            assert [(p.status, p.amount_cents) for p in paid] == [("approved", 700)], "charged once"
            assert db.get(Application, app_id).status == "submitted"
            number = db.exec(select(Applicant).where(Applicant.application_id == app_id)).one().application_number

    # Forwarded at once: found by search with the other applications, its confirmation in its messages.
    page.goto(portal.url("/fr/rechercher-demandes-soumises"))
    wait_ready(page, FR)
    page.fill("#family_name", "martin")
    page.fill("#given_names", "Claire")
    page.click("#search-submit")
    row = page.locator("#results tbody tr", has_text=number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Martin")
    expect(row).to_contain_text("AVE")
    assert_accessible(page, "search finds the eTA")
    row.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/fr/etat-de-la-demande"))
    wait_ready(page, FR)
    expect(page.locator("#application-messages")).to_contain_text(f"Demande d’AVE transmise – {number}")

    # The simulated office decides; the status page shows the eTA number and its validity.
    decision, decided = office_decides(portal, app_id)
    assert decision.endswith("approved") and decided == number, decision
    page.goto(portal.url(f"/fr/etat-de-la-demande?n={number}"))
    wait_ready(page, "fr")
    expect(page.locator("#issued-number")).to_have_text(re.compile(r"E\d{9}"))
    expect(page.locator("#issued-valid")).to_contain_text("Du ")
    assert_accessible(page, "status with the eTA")


def test_ifhp_in_french_submitted_and_certificate_issued(portal, page, tmp_path):
    # 1. Home → the questions.
    open_ifhp(page, portal, FR)
    pick(page, "#in_canada")
    pick(page, "#provincial_coverage-no")
    page.click("#nav-next")
    # 4. « Choisissez le type de demande de couverture »: no choice → message; each with its explanation.
    at(page, rf"{IFHP[FR]}/type-de-couverture\?id=\d+$", "Choisissez le type de demande de couverture")
    app_id = app_id_of(page)
    expect(page.locator("main")).to_contain_text("a présenté une demande d’asile au Canada")
    page.click("#nav-next")
    expect(page.locator("#group-error")).to_contain_text("Choisissez le type de demande de couverture")
    pick(page, "#group-refugee_claimant")
    page.click("#nav-next")
    at(page, rf"{IFHP[FR]}/client\?id={app_id}$", "Renseignements sur le client")
    page.fill("#family_name", "Haddad")
    page.fill("#given_names", "Samir")
    fill_date(page, "date_of_birth", "1985-03-02")
    page.select_option("#nationality", "SY")
    page.click("#nav-next")
    # 6. « la ville où il vit, ou encore la ville la plus près ».
    at(page, rf"{IFHP[FR]}/ville\?id={app_id}$", "Ville du client")
    # A text box whose suggestions filter as one types (datalist); the server checks the list.
    expect(page.locator("#city")).to_have_attribute("list", "city-choices")
    expect(page.locator('#city-choices option[value="Montréal (QC)"]')).to_have_count(1)
    page.fill("#city", "Paris")
    page.click("#nav-next")
    expect(page.locator("#city-error")).to_contain_text("Choisissez une ville de la liste")
    expect(page.locator("#error-summary")).to_contain_text("Choisissez une ville de la liste")
    expect(page.locator("#city")).to_have_value("Paris")
    assert_accessible(page, "city not in the list")
    page.fill("#city", "montreal")
    page.click("#nav-next")
    # 8. The documents that will be uploaded.
    at(page, rf"{IFHP[FR]}/documents-a-televerser\?id={app_id}$", "Choisissez les documents que vous téléverserez")
    pick(page, "#documents")
    pick(page, "#documents-photo_id")
    page.click("#nav-next")
    # 10–11. Review with the pen icon, « Continuer ».
    arrive(page, rf"{IFHP[FR]}/revision\?id={app_id}$", "Révisez vos réponses", "fr", ready="#nav-start-again")
    pens = page.locator("a.pencil-link")
    expect(pens.first).to_have_accessible_name(re.compile("Canada"))
    expect(page.locator("main")).to_contain_text("Montréal (QC)")
    page.click("#nav-continue")
    # 12–13. The « sommaire des quatre étapes ».
    arrive(page, rf"{IFHP[FR]}/sommaire-des-quatre-etapes\?id={app_id}$", "Sommaire des quatre étapes", "fr",
           ready="#nav-continue")
    expect(page.locator("#summary-steps li")).to_have_count(4)
    page.click("#nav-continue")
    # 14–15. Upload the documents chosen.
    arrive(page, rf"{IFHP[FR]}/liste-de-verification-des-documents\?id={app_id}$",
           "Liste de vérification des documents", "fr")
    upload(page, tmp_path, "claimant_document", "fr")
    upload(page, tmp_path, "photo_id", "fr")
    # 16–17. J'accepte, the names, the security question, « Signer » → Signature → « Transmettre » (no fee).
    ifhp_sign_and_transmit(page, FR, app_id)
    # 18–19. « Félicitations! … » → « Sortie questionnaire ».
    arrive(page, rf"{IFHP[FR]}/demande-soumise\?id={app_id}$",
           "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.", "fr")
    page.click("#nav-exit-after-submission")
    page.wait_for_url(re.compile(r"/fr/accueil-du-compte"))

    decision, number = office_decides(portal, app_id)
    assert decision == "issued", decision
    page.goto(portal.url(f"/fr/etat-de-la-demande?n={number}"))
    wait_ready(page, "fr")
    expect(page.locator("#issued-number")).to_have_text(re.compile(r"IFHC\d{8}"))
    with page.expect_download() as download:
        page.click("#download-issued")
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"%PDF-") and download.value.suggested_filename.endswith(".pdf")
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Samir Haddad" in text and "Montréal (QC)" in text and "IFHC" in text
