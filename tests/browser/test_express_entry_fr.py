"""Express Entry in French, the whole journey in a real browser: eligibility pages (bad score,
unknown NOC refused at the field) → « Vos résultats » → the « Profil d’Entrée express » task list
(sections prefilled from step 1, each Terminé) → declaration (J’accepte / Je refuse) → Signature
→ « Transmettre » → Félicitations; the profile enters the pool (number and validation code in the
application's messages); staff run a round from the back office; the representative sees the
invitation (days left) on « État du profil Entrée express », starts the permanent residence
application, answers it, uploads the documents its checklist calls for, signs, pays the fees in
force by card (the receipt), reaches « Félicitations! » with the portal reference and the client's
number, and « État du profil Entrée express » says the application is in."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.ee_steps import BASE, at, eligibility, fill, next_page, radio, select, step
from tests.browser.harness import assert_accessible, portal_db, wait_ready
from tests.browser.vsw_steps import answer_for, arrive, fill_card, pick, upload
from tests.browser.dates import fill_date, expect_date

PR = "/fr/entree-express-residence-permanente"


def _section(page, section: str, app_id: int) -> None:
    page.click(f"#section-{section}")
    step(page, "fr")


def _back_to_profile(page, app_id: int) -> None:
    page.click("#nav-next")
    page.wait_for_url(re.compile(rf"{BASE['fr']}/profil\?id={app_id}"))
    wait_ready(page, "fr")
    page.locator("#task-list").wait_for()


def test_express_entry_from_eligibility_to_the_permanent_residence_application(portal, browser, tmp_path):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    sign_in(page, portal, lang="fr")
    page.get_by_role("link", name="Présenter une demande d’Entrée express").click()
    eligibility(page, "fr", strong=True)
    page.click("#nav-next")
    arrive(page, rf"{BASE['fr']}/vos-resultats\?id=\d+$", "Vos résultats", "fr", ready="#results-verdict")
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    main = page.locator("main")
    expect(page.locator("#results-verdict")).to_contain_text("Votre client est admissible.")
    expect(main).to_contain_text("Programme des travailleurs qualifiés (fédéral)")
    expect(main).to_contain_text("Note totale estimée au Système de classement global (SCG)")
    page.click("#nav-continue")

    # The task list: every section, prefilled from step 1 where it can be.
    page.wait_for_url(re.compile(rf"{BASE['fr']}/profil\?id={app_id}"))
    wait_ready(page, "fr")
    page.locator("#task-list").wait_for()
    assert_accessible(page, "profile")
    # Prefilled from step 1 (date of birth): « En cours », yet never opened (guide, Étape 2);
    # changing those answers means starting again: said before any change, « Recommencer » offered.
    expect(page.locator("#section-status-ee_sec_personal")).to_have_text("En cours")
    expect(page.locator("#section-ee_sec_personal")).to_have_text("Commencer à remplir le formulaire")
    expect(page.locator("#profile-prefilled")).to_contain_text("vous devrez recommencer complètement")
    # « Vérifier si le formulaire est bien rempli »: a link to each form still to fill.
    page.click("#profile-check-button")
    missing = page.locator("#profile-missing a")
    expect(missing.first).to_be_visible()
    assert "/fr/entree-express/profil-" in missing.first.get_attribute("href")
    # « Enregistrer et quitter », then « Continuer à remplir le formulaire » on the account home,
    # and « Modifier les renseignements sur la famille » at the top of the task list.
    page.click("#profile-save-exit")
    page.wait_for_url(re.compile(r"/fr/accueil-du-compte"))
    wait_ready(page, "fr")
    page.locator(f"#draft-{app_id}").get_by_role("link", name=re.compile("^Continuer à remplir le formulaire")).click()
    page.wait_for_url(re.compile(rf"{BASE['fr']}/profil\?id={app_id}"))
    wait_ready(page, "fr")
    page.locator("#task-list").wait_for()
    page.locator("#profile-shortcuts").get_by_role("link", name="Modifier les renseignements sur la famille").click()
    page.wait_for_url(re.compile(rf"{BASE['fr']}/profil-renseignements-sur-la-famille\?id={app_id}"))
    step(page, "fr")
    fill(page, "children", "0")
    _back_to_profile(page, app_id)
    expect(page.locator("#section-status-ee_sec_family")).to_have_text("Terminé")

    _section(page, "ee_sec_personal", app_id)
    expect_date(page, "date_of_birth", "1997-05-05")  # prefilled from step 1
    fill(page, "family_name", "Lefebvre")
    fill(page, "given_names", "Camille")
    select(page, "sex", "female")
    fill(page, "country_of_birth", "France")
    fill(page, "citizenship", "France")
    next_page(page, "fr", r"/fr/entree-express/profil-sommaire-des-pieces-d-identite\?id=")
    # « Sommaire des pièces d’identité »: each document as on it, « Enregistrer et ajouter ».
    expect(page.locator("#item-list-empty")).to_be_visible()
    for n, (kind, number, issued, expires) in enumerate((("passport", "18AB12345", "2020-01-15", "2030-01-14"),
                                                         ("national_id", "ID778899", "2021-06-01", "2031-05-31")), 1):
        select(page, "doc_type", kind)
        fill(page, "number", number)
        fill(page, "issuing_country", "France")
        fill_date(page, "issued_on", issued)
        fill_date(page, "expires_on", expires)
        page.click("#save-and-add")
        page.wait_for_url(re.compile(rf"profil-sommaire-des-pieces-d-identite\?id={app_id}&client={n + 1}$"))
        step(page, "fr")
        expect(page.locator("#item-list tbody tr")).to_have_count(n)
        expect(page.locator("#item-list")).to_contain_text(number)
        expect(page.locator("#number")).to_have_value("")  # an empty form for the next one
    expect(page.locator("#item-list tbody tr").first).to_contain_text("Passeport")
    page.get_by_role("button", name=re.compile("^Supprimer.*ID778899")).click()
    page.wait_for_url(re.compile(rf"profil-sommaire-des-pieces-d-identite\?id={app_id}&client=1$"))
    step(page, "fr")
    expect(page.locator("#item-list tbody tr")).to_have_count(1)
    expect(page.locator("#item-list")).not_to_contain_text("ID778899")
    expect(page.locator("#number")).to_have_value("18AB12345")
    next_page(page, "fr", rf"profil-sommaire-des-pieces-d-identite\?id={app_id}&client=2$")
    _back_to_profile(page, app_id)  # « Suivant » on the empty form: nothing more to add
    expect(page.locator("#section-status-ee_sec_personal")).to_have_text("Terminé")

    for section in ("ee_sec_education", "ee_sec_offer", "ee_sec_nomination", "ee_sec_funds"):
        _section(page, section, app_id)
        _back_to_profile(page, app_id)
    _section(page, "ee_sec_languages", app_id)
    expect(page.locator("#speaking")).to_have_value("9")
    next_page(page, "fr", at("fr", "ee_l_second"))
    _back_to_profile(page, app_id)
    _section(page, "ee_sec_work", app_id)
    next_page(page, "fr", at("fr", "ee_w_foreign"))
    _back_to_profile(page, app_id)
    _section(page, "ee_sec_contact", app_id)
    fill(page, "email", "camille.lefebvre@example.invalid")
    fill(page, "phone", "+33 1 23 45 67 89")
    fill(page, "address", "1 rue Fictive, 75001 Paris")
    radio(page, "language", "fr", "fr")
    _back_to_profile(page, app_id)
    page.click("#profile-check-button")
    expect(page.locator("#profile-complete")).to_be_visible()
    page.click("#nav-continue")

    # Review, declaration with the research consent, signature, « Transmettre ».
    page.wait_for_url(re.compile(rf"{BASE['fr']}/revision\?id={app_id}"))
    wait_ready(page, "fr")
    page.click("#nav-continue")
    page.wait_for_function("/(liste-de-verification-des-documents|declaration-solennelle-et-signature)[?]id=/"
                           ".test(location.href)")
    if "liste-de-verification-des-documents" in page.url:  # nothing to upload for a profile
        arrive(page, rf"/liste-de-verification-des-documents\?id={app_id}$", "Liste de vérification des documents", "fr")
        page.click("#nav-continue")
    arrive(page, rf"/declaration-solennelle-et-signature\?id={app_id}$",
           "Votre déclaration solennelle et votre signature électronique", "fr")
    expect(main).to_contain_text("Consentement à l’utilisation de renseignements à des fins de recherche et d’évaluation")
    pick(page, "#privacy")
    pick(page, "#research-refuse")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")
    page.wait_for_function("/(liste-de-controle-personnelle|\\/signature)[?]id=/.test(location.href)")
    if "liste-de-controle-personnelle" in page.url:
        wait_ready(page, "fr")
        page.click("#nav-continue")
    arrive(page, rf"/signature\?id={app_id}$", "Signature", "fr")
    # « Elle fait état des réponses que vous avez données et de votre consentement ».
    expect(page.locator("#signature-answers")).to_contain_text("Lefebvre")
    expect(page.locator("#signature-consent")).to_contain_text("J’accepte")
    expect(page.locator("#signature-consent")).to_contain_text("Je refuse")
    page.click("#transmit")
    arrive(page, rf"/demande-soumise\?id={app_id}$",
           "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.", "fr")

    # The pool: admitted at once, number and validation code in the application's messages.
    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import Message, PoolEntry
        from sqlmodel import select as q

        with session_scope() as db:
            entry = db.exec(q(PoolEntry).where(PoolEntry.application_id == app_id)).one()
            number, code, score = entry.profile_number, entry.validation_code, entry.score
            texts = [m.body_fr for m in db.exec(q(Message).where(Message.application_id == app_id))]
    assert any(number in b and code in b and "Guichet-Emplois" in b for b in texts)
    page.goto(portal.url(f"/fr/etat-du-profil?id={app_id}"))
    wait_ready(page, "fr")
    expect(page.locator("#pool-title")).to_have_text("État du profil Entrée express")
    expect(page.locator("#pool-score")).to_have_text(str(score))
    assert_accessible(page, "profile status")

    # The situation changed: « Mettre à jour le profil » (bad input kept and refused, then a new
    # level of education: a new score, the history of scores, the pool date unchanged).
    entered = page.locator("#pool-entered").inner_text()
    page.click("#update-ee_l_first")
    arrive(page, rf"{BASE['fr']}/mise-a-jour/profil-premiere-langue-officielle\?id={app_id}$",
           "Mettre à jour le profil", "fr", ready="#update-form")
    expect(page.locator("#speaking")).to_have_value("9")  # the profile's current answer
    fill(page, "speaking", "9.7")  # out of the IELTS scale
    page.click("#update-save")
    expect(page.locator("#speaking-error")).to_be_visible()
    expect(page.locator("#error-summary a[href$='#speaking']")).to_be_visible()
    expect(page.locator("#speaking")).to_have_value("9.7")
    assert_accessible(page, "update refused")
    page.click("#update-back")
    arrive(page, rf"/fr/etat-du-profil\?id={app_id}$", "État du profil", "fr", ready="#pool-title")
    expect(page.locator("#pool-score")).to_have_text(str(score))  # nothing was saved
    page.click("#update-ee_ed")
    arrive(page, rf"{BASE['fr']}/mise-a-jour/profil-etudes\?id={app_id}$", "Mettre à jour le profil", "fr",
           ready="#update-form")
    select(page, "level", "doctoral")
    page.click("#update-save")
    expect(page.locator("#update-notice")).to_contain_text("Nouvelle note")
    new_score = int(page.locator("#update-score").inner_text())
    assert new_score > score
    history = page.locator("#update-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.nth(1)).to_contain_text("Profil mis à jour")
    expect(history.nth(1)).to_contain_text(str(new_score))
    assert_accessible(page, "profile updated")
    page.click("#update-back")
    arrive(page, rf"/fr/etat-du-profil\?id={app_id}$", "État du profil", "fr", ready="#pool-title")
    expect(page.locator("#pool-score")).to_have_text(str(new_score))
    expect(page.locator("#pool-entered")).to_have_text(entered)
    expect(page.locator("#pool-history tbody tr")).to_have_count(2)
    score = new_score

    # Staff run a round of one: the highest score of the pool is this profile.
    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(staff, portal, lang="fr", username="demo.staff")
    staff.goto(portal.url("/fr/arriere-guichet/rondes-invitations"))
    wait_ready(staff, "fr")
    staff.wait_for_function("document.querySelector('#round-pool')?.value === 'express_entry'")
    staff.fill("#round-size", "1")
    staff.click("#round-run")
    staff.wait_for_function("(s) => (document.querySelector('#notice')?.innerText || '').includes('note minimale ' + s)",
                            arg=str(score))

    # The invitation: 60 days; the permanent residence application starts.
    page.reload()
    wait_ready(page, "fr")
    expect(page.locator("#pool-deadline")).to_contain_text("il reste 60 jour(s)")
    page.click("#pool-accept")
    expect(page.locator("#notice")).to_contain_text("La demande a été commencée")
    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import PoolInvitation
        from sqlmodel import select as q

        with session_scope() as db:
            pr_id = db.exec(q(PoolInvitation.application_id).where(PoolInvitation.state == "accepted")
                            .order_by(PoolInvitation.id.desc())).first()
    page.goto(portal.url(f"{PR}?id={pr_id}"))
    step(page, "fr")
    radio(page, "unchanged", "yes", "yes")
    next_page(page, "fr", rf"{PR}/membres-de-la-famille\?id=")
    radio(page, "spouse_included", "no", "yes")
    fill(page, "children", "0")
    next_page(page, "fr", rf"{PR}/certificats-de-police-et-examen-medical\?id=")
    fill(page, "police_countries", "France")
    radio(page, "medical_done", "yes", "yes")
    page.click("#nav-next")
    page.wait_for_url(re.compile(rf"{PR}/revision\?id={pr_id}"))
    wait_ready(page, "fr")
    page.click("#nav-continue")
    arrive(page, rf"{PR}/liste-de-verification-des-documents\?id={pr_id}$", "Liste de vérification des documents", "fr")
    for code in ("pr_passport", "pr_language_results", "pr_eca", "pr_work_reference", "pr_police_certificate",
                 "pr_medical_exam", "pr_photos"):
        upload(page, tmp_path, code, "fr")
    page.click("#nav-continue")
    arrive(page, rf"{PR}/declaration-solennelle-et-signature\?id={pr_id}$",
           "Votre déclaration solennelle et votre signature électronique", "fr")
    pick(page, "#privacy")
    pick(page, "#research")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.fill("#answer", answer_for(page, "fr"))
    page.click("#sign")
    page.wait_for_function("/(liste-de-controle-personnelle|\\/signature)[?]id=/.test(location.href)")
    if "liste-de-controle-personnelle" in page.url:
        wait_ready(page, "fr")
        page.click("#nav-continue")
    arrive(page, rf"{PR}/signature\?id={pr_id}$", "Signature", "fr")
    expect(main).to_contain_text("1\u00a0610,00\u00a0$")  # 950 + 575 + 85 biometrics, in force today
    page.click("#transmit")
    arrive(page, rf"{PR}/paiement\?id={pr_id}$", "Paiement des frais", "fr")
    expect(page.locator("#amount-due")).to_contain_text("1\u00a0610,00\u00a0$")
    fill_card(page, "4242 4242 4242 4242")
    page.click("#process-transaction")
    # The answer: the receipt, or an error the page shows (never silence).
    page.wait_for_function("location.href.includes('transaction-approuvee') || !!document.querySelector('#error-summary')"
                           " || !!document.querySelector('#payment-outcome, #notice')", timeout=60_000)
    assert "transaction-approuvee" in page.url, page.locator("main").inner_text()
    arrive(page, rf"{PR}/transaction-approuvee\?id={pr_id}$", "Transaction approuvée – Merci", "fr")
    expect(page.locator("#receipt-total")).to_have_text("1\u00a0610,00\u00a0$")  # what the Signature page said
    expect(page.locator("#transaction-number")).not_to_be_empty()
    page.click("#receipt-return")
    arrive(page, rf"{PR}/demande-soumise\?id={pr_id}$",
           "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.", "fr")
    expect(page.locator("#portal-reference")).to_have_text(re.compile(r"^Référence du portail\u00a0: RAR\d{9}$"))
    reference = page.locator("#portal-reference").inner_text().rsplit(" ", 1)[-1]
    expect(main).to_contain_text("Demande de résidence permanente (Entrée express)")
    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import Applicant, Application, PoolEntry, PoolInvitation
        from sqlmodel import select as q

        with session_scope() as db:
            pr = db.get(Application, pr_id)
            assert pr.kind == "express_entry_pr" and pr.status == "submitted" and pr.submitted_at is not None
            assert pr.reference == reference
            number = db.exec(q(Applicant.application_number).where(Applicant.application_id == pr_id)).one()
            invitation = db.exec(q(PoolInvitation).where(PoolInvitation.application_id == pr_id)).one()
            assert invitation.state == "accepted"
            assert db.exec(q(PoolEntry).where(PoolEntry.application_id == app_id)).one().entered_at is not None
    assert number.startswith("E")
    expect(main).to_contain_text(number)  # the client's application number on the confirmation

    # « État du profil Entrée express »: the application is in (its reference, no deadline any more).
    page.goto(portal.url(f"/fr/etat-du-profil?id={app_id}"))
    arrive(page, rf"/fr/etat-du-profil/?\?id={app_id}$", "État du profil", "fr", ready="#pool-title")
    expect(page.locator("#pool-status")).to_have_text("Demande de résidence permanente soumise")
    expect(page.locator("#pool-invitation-state")).to_contain_text("Acceptée")
    expect(page.locator("#pool-deadline")).to_contain_text(reference)
    expect(page.locator("#pool-accept")).to_have_count(0)
    page.click("#pool-continue")
    arrive(page, rf"{PR}/demande-soumise\?id={pr_id}$",
           "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.", "fr")
