"""International Experience Canada end to end in a real browser, in French: from « Accueil
du compte » through « Vérifier l’admissibilité du client » (one page per question, a birth
date in the future refused with its reason), « Vos résultats », the task-list profile (forms
prefilled from step 1, « Détails de ma demande » with its warning), the declaration,
« Signature », « Transmettre », « Félicitations »; then the pool (admission message), a
round of the France Working Holiday pool, the IPD in « Échéances », acceptance, and the work
permit application (documents, fees in force, signature, card payment) submitted."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect
from sqlmodel import select

from tests.browser.conftest import sign_in
from tests.browser.harness import portal_db, wait_ready
from tests.browser.test_accounts import wait_text
from tests.browser.test_tracking import account_id, new_account
from tests.browser.vsw_steps import answer_for, arrive, fill_card, pick, upload

BASE = "/fr/experience-internationale-canada"
PERMIT = "/fr/experience-internationale-canada-permis-de-travail"
QUESTION = "#wizard-form"
CARD = "4242 4242 4242 4242"


def step(page, slug: str) -> None:
    page.wait_for_url(re.compile(rf"{BASE}/{slug}\?id=\d+"))
    wait_ready(page, "fr")
    page.locator(QUESTION).wait_for()


def test_iec_profile_pool_ipd_accepted_work_permit_submitted_fr(portal, page, tmp_path):
    rep = new_account(portal, language="fr")
    sign_in(page, portal, "fr", username=rep)
    link = page.get_by_role("link", name=re.compile("Expérience internationale Canada"))
    href = link.first.get_attribute("href") or ""
    assert href.endswith(BASE), href  # the first question is the program's bare address
    link.first.click()
    page.wait_for_url(re.compile(rf"{BASE}(\?.*)?$"))
    wait_ready(page, "fr")
    page.locator(QUESTION).wait_for()

    # Étape 1 – Vérifier l'admissibilité du client.
    page.select_option("#passport_country", "FR")
    page.select_option("#residence_country", "FR")
    page.fill("#date_of_birth", "2030-01-01")
    page.click("#nav-next")
    expect(page.locator("#error-summary")).to_contain_text("dans le futur")
    page.fill("#date_of_birth", "1999-04-02")
    page.click("#nav-next")
    step(page, "organisation-reconnue")
    expect(page.locator("main")).to_contain_text("lettre de l’une des organisations énumérées")
    pick(page, "#has_letter-no")
    page.click("#nav-next")
    step(page, "fonds-et-assurance")
    expect(page.locator("main")).to_contain_text("Oui, au moins 2\u00a0500,00\u00a0$")
    pick(page, "#funds")
    pick(page, "#health_insurance")
    page.click("#nav-next")
    step(page, "personnes-a-charge")
    pick(page, "#dependants_accompanying-no")
    page.click("#nav-next")
    step(page, "offre-d-emploi")
    pick(page, "#job_offer")
    pick(page, "#professional_development")
    page.click("#nav-next")
    step(page, "etudes")
    pick(page, "#post_secondary_student-no")
    page.click("#nav-next")
    step(page, "declarations")
    pick(page, "#criminal_record-no")
    pick(page, "#medical_condition-no")
    page.click("#nav-next")

    # Vos résultats: the categories, and why not International Co-op.
    page.wait_for_url(re.compile(rf"{BASE}/vos-resultats\?id=\d+"))
    wait_ready(page, "fr")
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    main = page.locator("main")
    expect(main).to_contain_text("Vacances-travail")
    expect(main).to_contain_text("Jeunes professionnels")
    expect(main).to_contain_text("Stage coop international")
    expect(main).to_contain_text("inscrit dans un établissement postsecondaire")
    page.click("#nav-continue")

    # Étape 2 – the profile: prefilled forms, then « Détails de ma demande ».
    page.wait_for_url(re.compile(rf"{BASE}/profil\?id={app_id}"))
    wait_ready(page, "fr")
    page.locator("#task-list").wait_for()
    expect(page.locator("#section-personal")).to_have_text("Commencer à remplir le formulaire")
    page.click("#section-personal")
    step(page, "renseignements-personnels")
    expect(page.locator("#date_of_birth")).to_have_value("1999-04-02")  # from step 1
    expect(main).to_contain_text("vous devrez recommencer complètement")
    page.fill("#family_name", "Martin")
    page.fill("#given_names", "Léa")
    pick(page, "#sex")
    page.fill("#passport_number", "AB123456")
    page.click("#nav-next")
    page.wait_for_url(re.compile(rf"{BASE}/profil\?id={app_id}"))
    expect(page.locator("#section-status-personal")).to_have_text("Terminé")
    page.click("#section-contact")
    step(page, "coordonnees")
    page.fill("#email", "lea.martin@example.invalid")
    page.fill("#address", "3 rue de la Paix, Lyon")
    page.click("#nav-next")
    page.wait_for_url(re.compile(rf"{BASE}/profil\?id={app_id}"))
    page.click("#section-details")
    step(page, "details-de-ma-demande")
    expect(main).to_contain_text("Si vous choisissez Non pour une catégorie, votre client ne sera pas invité")
    pick(page, "#want_working_holiday-no")
    pick(page, "#want_young_professionals-no")
    page.click("#nav-next")
    expect(page.locator("#error-summary")).to_contain_text("au moins une catégorie")
    pick(page, "#want_working_holiday")
    page.click("#nav-next")
    page.wait_for_url(re.compile(rf"{BASE}/profil\?id={app_id}"))
    wait_ready(page, "fr")
    page.locator("#nav-continue").click()

    # Review, (no documents for a profile), declaration, Signature, Transmettre.
    arrive(page, rf"{BASE}/revision\?id={app_id}$", "Révisez vos réponses", "fr", ready="#nav-continue")
    expect(main).to_contain_text("Martin")
    page.click("#nav-continue")
    arrive(page, rf"{BASE}/liste-de-verification-des-documents\?id={app_id}$", "Liste de vérification des documents", "fr")
    page.click("#nav-continue")  # a profile has no document to upload
    arrive(page, rf"{BASE}/declaration-solennelle-et-signature\?id={app_id}$",
           "Votre déclaration solennelle et votre signature électronique", "fr")
    pick(page, "#agree_privacy")
    pick(page, "#agree_disclosure")
    page.fill("#given-names", "Representative")
    page.fill("#family-name", "Essai")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")
    arrive(page, rf"{BASE}/liste-de-controle-personnelle\?id={app_id}$", "Votre liste de contrôle personnelle", "fr")
    page.click("#nav-continue")
    arrive(page, rf"{BASE}/signature\?id={app_id}$", "Signature", "fr")
    expect(page.locator("#transmit")).to_have_text("Transmettre")
    page.click("#transmit")
    arrive(page, rf"{BASE}/demande-soumise\?id={app_id}$",
           "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.", "fr")
    expect(page.locator("#nav-exit-after-submission")).to_have_text("Sortie questionnaire")
    page.click("#nav-exit-after-submission")
    page.wait_for_url(re.compile(r"/fr/accueil-du-compte"))

    # The back office admits the profile to the France Working Holiday pool; a round invites it.
    from rar_app.db import session_scope
    from rar_app.models import Application, Message, PoolEntry, PoolInvitation
    from rar_app.programs import registry
    from rar_app.services.office import pool_flow, pools

    with portal_db(portal), session_scope() as db:
        entry = pools.entry_of(db, app_id) or pool_flow.admit_submitted(db, db.get(Application, app_id))
        assert entry.streams == ",FR-WH,"  # admitted as it was submitted (the simulated office)
        assert db.exec(select(Message).where(Message.application_id == app_id,
                                             Message.account_id == account_id(portal, rep))).first() is not None
    with portal_db(portal), session_scope() as db:
        pools.run_round(db, registry.get("iec").extra["pool"], size=1000, stream="FR-WH")

    # The IPD in « Échéances », accepted from the profile's status page.
    page.goto(portal.url("/fr/accueil-du-compte"))
    wait_ready(page, "fr")
    wait_text(page, "#deadlines-table", "Accepter ou refuser l’IPD")
    page.locator("#deadlines-table a").first.click()
    page.wait_for_url(re.compile(r"/fr/etat-du-profil\?id="))
    wait_text(page, "#pool-deadline", "heure(s)")
    page.click("#pool-accept")
    wait_text(page, "#pool-deadline", "Demande à soumettre")
    with portal_db(portal), session_scope() as db:
        entry = db.exec(select(PoolEntry).where(PoolEntry.application_id == app_id)).one()
        permit_id = db.exec(select(PoolInvitation.application_id).where(PoolInvitation.entry_id == entry.id)).one()

    # The work permit application (Working Holiday: no employer step).
    page.goto(portal.url(f"{PERMIT}/sejour-au-canada?id={permit_id}"))
    wait_ready(page, "fr")
    page.locator(QUESTION).wait_for()
    page.select_option("#intended_province", "qc")
    pick(page, "#insurance_confirmed")
    pick(page, "#biometrics_needed")
    page.click("#nav-next")
    arrive(page, rf"{PERMIT}/revision\?id={permit_id}$", "Révisez vos réponses", "fr", ready="#nav-continue")
    expect(page.locator("#fee-total")).to_contain_text("369,75")
    page.click("#nav-continue")
    arrive(page, rf"{PERMIT}/liste-de-verification-des-documents\?id={permit_id}$", "Liste de vérification des documents", "fr")
    for code in ("passport", "digital_photo", "resume", "use_of_representative", "family_information"):
        upload(page, tmp_path, code, "fr")
    page.click("#nav-continue")
    arrive(page, rf"{PERMIT}/declaration-solennelle-et-signature\?id={permit_id}$",
           "Votre déclaration solennelle et votre signature électronique", "fr")
    pick(page, "#agree_privacy")
    pick(page, "#agree_disclosure")
    page.fill("#given-names", "Representative")
    page.fill("#family-name", "Essai")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")
    arrive(page, rf"{PERMIT}/liste-de-controle-personnelle\?id={permit_id}$", "Votre liste de contrôle personnelle", "fr")
    page.click("#nav-continue")
    arrive(page, rf"{PERMIT}/signature\?id={permit_id}$", "Signature", "fr")
    expect(page.locator("#transmit")).to_have_text("Transmettre et payer")
    page.click("#transmit")
    arrive(page, rf"{PERMIT}/paiement\?id={permit_id}$", "Paiement des frais", "fr")
    fill_card(page, CARD)
    page.click("#process-transaction")
    arrive(page, rf"{PERMIT}/transaction-approuvee\?id={permit_id}$", "Transaction approuvée – Merci", "fr")
    expect(page.locator("#receipt-total")).to_contain_text("369,75")
    page.click("#receipt-return")
    arrive(page, rf"{PERMIT}/demande-soumise\?id={permit_id}$",
           "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.", "fr")
    with portal_db(portal), session_scope() as db:
        permit = db.get(Application, permit_id)
        assert (permit.kind, permit.status) == ("iec_permit", "submitted")
    assert Decimal("369.75") == Decimal("184.75") + Decimal("100.00") + Decimal("85.00")
