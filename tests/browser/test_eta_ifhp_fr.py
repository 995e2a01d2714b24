"""« Demande d'autorisation de voyage électronique (AVE) » and « Demande au titre du
Programme fédéral de santé intérimaire (PFSI) » in French, end to end in a running
portal, following the guide's numbered steps: the eTA paid once (a double click on
« Transmettre et payer » and on the payment) and approved by the simulated office with
its number and validity; the IFHP request uploaded, signed, transmitted and its
certificate of eligibility issued and downloaded. axe on every page (harness)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.harness import assert_accessible, portal_db, wait_ready
from tests.browser.vsw_steps import answer_for, arrive, fill_card, pick, upload

ETA = "/fr/autorisation-de-voyage-electronique"
IFHP = "/fr/programme-federal-de-sante-interimaire"
READY = "#wizard-form"


def step(page, part: str, heading: str, *, phone: bool = False) -> None:
    arrive(page, part, heading, page.evaluate("document.documentElement.lang") or "fr", ready=READY, phone=phone)


def office_decides(portal, app_id: int) -> tuple[str, str]:
    """The simulated office's move(s) on the request until it is decided: (decision path, number)."""
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import Applicant, Document, DocumentRequest
    from rar_app.services.office import automated, backoffice

    path = []
    with portal_db(portal):
        for _ in range(3):
            with session_scope() as db:
                applicant = db.exec(select(Applicant).where(Applicant.application_id == app_id)).one()
                if applicant.status == "closed":
                    break
                path.append(automated.advance(db, backoffice.SIMULATION, applicant.id))
            with session_scope() as db:  # further review: the representative answers the request
                for request in db.exec(select(DocumentRequest).where(DocumentRequest.application_id == app_id,
                                                                     DocumentRequest.status == "open")):
                    db.add(Document(owner_id=None, application_id=app_id, applicant_id=applicant.id,
                                    slot_code=f"request-{request.id}", original_name="passeport.pdf",
                                    content_type="application/pdf", storage_key=f"browser{request.id:025d}"))
                    request.status = "received"
                    db.add(request)
                    applicant.status = "in_review"
                    db.add(applicant)
        with session_scope() as db:
            applicant = db.exec(select(Applicant).where(Applicant.application_id == app_id)).one()
            return "+".join(p for p in path if p), applicant.application_number


def test_eta_in_french_paid_once_and_approved(portal, page):
    sign_in(page, portal, "fr")
    # 1–3. Home → the introduction page → « Continuer » → the eTA page → « Présenter une demande d'AVE ».
    page.get_by_role("link", name="Demander une autorisation de voyage électronique (AVE)").click()
    arrive(page, rf"{ETA}/introduction$", "Autorisation de voyage électronique (AVE)", "fr", ready="#intro-continue")
    page.click("#intro-continue")
    arrive(page, rf"{ETA}/demande-en-ligne$", "Demande d’AVE en ligne", "fr", ready="#program-start")
    expect(page.locator("#fee-in-force")).to_contain_text("7,00\u00a0$")
    page.click("#program-start")

    # 4. « Répondez aux questions pour savoir si votre client a besoin d'obtenir une AVE ».
    step(page, rf"{ETA}$", "Répondez aux questions pour savoir si votre client a besoin d’obtenir une AVE")
    page.click("#nav-next")  # nothing answered: every question in the summary, linked to it
    expect(page.locator("#error-summary a")).to_have_count(5)
    expect(page.locator("#error-summary a").first).to_have_attribute("href", re.compile("#citizenship$"))
    page.select_option("#citizenship", "FR")
    pick(page, "#canadian-no")
    pick(page, "#us_lpr-no")
    pick(page, "#holds_visa-no")
    pick(page, "#travel_mode")
    page.click("#nav-next")
    arrive(page, rf"{ETA}/vos-resultats\?id=\d+$", "Vos résultats", "fr", ready="#nav-continue")
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    expect(page.locator("main")).to_contain_text("Votre client a besoin d’une AVE")
    page.click("#nav-continue")

    # 5–6. « Faites-vous une demande pour une autre personne? » Oui.
    step(page, rf"{ETA}/pour-une-autre-personne\?id={app_id}$", "Faites-vous une demande pour une autre personne\u00a0?")
    pick(page, "#for_other")
    page.click("#nav-next")
    # 7–9. « Je suis »: prefilled from the account (CICC, its membership number).
    step(page, rf"{ETA}/parent-tuteur-ou-representant\?id={app_id}$",
         "Données personnelles du parent/tuteur ou du représentant")
    expect(page.locator("#i_am")).to_have_value("CICC")
    expect(page.locator("#membership_number")).to_have_value("R700001")
    page.click("#nav-next")
    # 10. « Déclaration du représentant »: every box.
    step(page, rf"{ETA}/declaration-du-representant\?id={app_id}$", "Déclaration du représentant")
    page.click("#nav-next")
    expect(page.locator("#error-summary")).to_contain_text("Cochez chacune des déclarations")
    for box in ("#statements", "#statements-authorized", "#statements-informed"):
        pick(page, box)
    page.click("#nav-next")

    # 11. The client's details; bad input first: a message at each field, nothing typed lost.
    step(page, rf"{ETA}/passeport\?id={app_id}$", "Passeport et renseignements sur le client")
    expect(page.locator("#nationality")).to_have_value("FR")  # from the eligibility answers
    page.fill("#passport_number", "123456789")
    page.fill("#family_name", "Martin")
    page.fill("#given_names", "Claire")
    page.fill("#date_of_birth", (date.today() + timedelta(days=3)).isoformat())
    page.select_option("#country_of_birth", "FR")
    pick(page, "#sex")
    page.fill("#passport_issued", "2022-01-10")
    page.fill("#passport_expiry", (date.today() - timedelta(days=1)).isoformat())
    page.click("#nav-next")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("futur")
    page.fill("#date_of_birth", "1990-05-04")
    page.click("#nav-next")
    expect(summary).to_contain_text("format des numéros de passeport")
    expect(summary).to_contain_text("expiré")
    expect(page.locator("#passport_expiry-error")).to_contain_text("expiré")
    expect(page.locator("#family_name")).to_have_value("Martin")
    page.select_option("#nationality", "IN")  # a nationality that needs a visa
    page.fill("#passport_number", "12AB34567")
    page.fill("#passport_expiry", (date.today() + timedelta(days=1000)).isoformat())
    page.click("#nav-next")
    expect(page.locator("#nationality-error")).to_contain_text("visa")
    assert_accessible(page, "passport errors")
    page.select_option("#nationality", "FR")
    page.click("#nav-next")
    step(page, rf"{ETA}/coordonnees\?id={app_id}$", "Coordonnées du client")
    page.fill("#email", "claire.martin@example.invalid")
    pick(page, "#language")
    page.click("#nav-next")
    step(page, rf"{ETA}/emploi\?id={app_id}$", "Emploi du client")
    page.select_option("#occupation", "retired")
    page.click("#nav-next")
    step(page, rf"{ETA}/antecedents\?id={app_id}$", "Antécédents")
    for q in ("#refused-no", "#criminal-no", "#tuberculosis-no"):
        pick(page, q)
    page.click("#nav-next")

    # Review with the pen icon.
    arrive(page, rf"{ETA}/revision\?id={app_id}$", "Révisez vos réponses", "fr", ready="#nav-start-again")
    expect(page.locator("main")).to_contain_text("12AB34567")
    expect(page.locator("main")).to_contain_text("7,00\u00a0$")
    page.click("#nav-continue")

    # 12–14. « Consentement et déclaration »: J'accepte, the name in « Signature », « Procéder au paiement ».
    arrive(page, rf"{ETA}/consentement-et-declaration\?id={app_id}$", "Consentement et déclaration", "fr",
           ready="#sign")
    expect(page.locator("#sign")).to_have_text("Procéder au paiement")
    pick(page, "#consent")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")

    # 15. « Sommaire des frais » → « Transmettre et payer » (clicked twice at once).
    arrive(page, rf"{ETA}/signature\?id={app_id}$", "Sommaire des frais", "fr", ready="#transmit")
    expect(page.locator("#transmit")).to_have_text("Transmettre et payer")
    page.evaluate("() => { const b = document.querySelector('#transmit'); b.click(); b.click(); }")
    # 16. Payment of the eTA fee in force, the button pressed twice at once.
    arrive(page, rf"{ETA}/paiement\?id={app_id}$", "Paiement des frais", "fr", ready="#process-transaction")
    expect(page.locator("#amount-due")).to_contain_text("7,00\u00a0$")
    fill_card(page, "4242 4242 4242 4242")
    page.evaluate("() => { const b = document.querySelector('#process-transaction'); b.click(); b.click(); }")
    page.wait_for_url(re.compile(rf"{ETA}/transaction-approuvee\?id={app_id}$"))
    wait_ready(page, "fr")
    with portal_db(portal):
        from sqlmodel import select

        from rar_app.db import session_scope
        from rar_app.models import Application, Message, Payment

        with session_scope() as db:
            paid = db.exec(select(Payment).where(Payment.application_id == app_id)).all()
            assert [(p.status, p.amount_cents) for p in paid] == [("approved", 700)], "charged once"
            assert db.get(Application, app_id).status == "submitted"
            # Forwarded at once: the confirmation in the client's application messages.
            assert db.exec(select(Message).where(Message.application_id == app_id)).first() is not None

    # The simulated office decides; the status page shows the eTA number and its validity.
    decision, number = office_decides(portal, app_id)
    assert decision.endswith("approved"), decision
    page.goto(portal.url(f"/fr/etat-de-la-demande?n={number}"))
    wait_ready(page, "fr")
    expect(page.locator("#issued-number")).to_have_text(re.compile(r"E\d{9}"))
    expect(page.locator("#issued-valid")).to_contain_text("Du ")
    assert_accessible(page, "status with the eTA")


def test_ifhp_in_french_submitted_and_certificate_issued(portal, page, tmp_path):
    sign_in(page, portal, "fr")
    # 1. Home → the questions.
    page.get_by_role("link", name="Présenter une demande de couverture temporaire de soins de santé pour réfugiés").click()
    step(page, rf"{IFHP}$", "Répondez aux questions")
    pick(page, "#in_canada")
    pick(page, "#provincial_coverage-no")
    page.click("#nav-next")
    # 4. « Choisissez le type de demande de couverture »: no choice → message; each with its explanation.
    step(page, rf"{IFHP}/type-de-couverture\?id=\d+$", "Choisissez le type de demande de couverture")
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    expect(page.locator("main")).to_contain_text("a présenté une demande d’asile au Canada")
    page.click("#nav-next")
    expect(page.locator("#group-error")).to_contain_text("Choisissez le type de demande de couverture")
    pick(page, "#group-refugee_claimant")
    page.click("#nav-next")
    step(page, rf"{IFHP}/client\?id={app_id}$", "Renseignements sur le client")
    page.fill("#family_name", "Haddad")
    page.fill("#given_names", "Samir")
    page.fill("#date_of_birth", "1985-03-02")
    page.select_option("#nationality", "SY")
    page.click("#nav-next")
    # 6. « la ville où il vit, ou encore la ville la plus près ».
    step(page, rf"{IFHP}/ville\?id={app_id}$", "Ville du client")
    page.select_option("#city", "QC-montreal")
    page.click("#nav-next")
    # 8. The documents that will be uploaded.
    step(page, rf"{IFHP}/documents-a-televerser\?id={app_id}$", "Choisissez les documents que vous téléverserez")
    pick(page, "#documents")
    pick(page, "#documents-photo_id")
    page.click("#nav-next")
    # 10–11. Review with the pen icon, « Continuer ».
    arrive(page, rf"{IFHP}/revision\?id={app_id}$", "Révisez vos réponses", "fr", ready="#nav-start-again")
    pens = page.locator("a.pencil-link")
    expect(pens.first).to_have_accessible_name(re.compile("Canada"))
    expect(page.locator("main")).to_contain_text("Montréal (QC)")
    page.click("#nav-continue")
    # 12–13. The « sommaire des quatre étapes ».
    arrive(page, rf"{IFHP}/sommaire-des-quatre-etapes\?id={app_id}$", "Sommaire des quatre étapes", "fr",
           ready="#nav-continue")
    expect(page.locator("#summary-steps li")).to_have_count(4)
    page.click("#nav-continue")
    # 14–15. Upload the documents chosen.
    arrive(page, rf"{IFHP}/liste-de-verification-des-documents\?id={app_id}$",
           "Liste de vérification des documents", "fr")
    upload(page, tmp_path, "claimant_document", "fr")
    upload(page, tmp_path, "photo_id", "fr")
    page.click("#nav-continue")
    # 16. J'accepte, the names, the security question, « Signer ».
    arrive(page, rf"{IFHP}/declaration-solennelle-et-signature\?id={app_id}$",
           "Votre déclaration solennelle et votre signature électronique", "fr", ready="#sign")
    pick(page, "#agree")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")
    # 17. Signature → « Transmettre » (no fee).
    arrive(page, rf"{IFHP}/signature\?id={app_id}$", "Signature", "fr", ready="#transmit")
    expect(page.locator("#transmit")).to_have_text("Transmettre")
    page.click("#transmit")
    # 18–19. « Félicitations! … » → « Sortie questionnaire ».
    arrive(page, rf"{IFHP}/demande-soumise\?id={app_id}$",
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
    path = download.value.path()
    data = open(path, "rb").read()
    assert data.startswith(b"%PDF-") and download.value.suggested_filename.endswith(".pdf")
