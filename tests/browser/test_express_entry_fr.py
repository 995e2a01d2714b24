"""Express Entry in French, the whole journey in a real browser: eligibility pages (bad score,
unknown NOC refused at the field) → « Vos résultats » → the « Profil d’Entrée express » task list
(sections prefilled from step 1, each Terminé) → declaration (J’accepte / Je refuse) → Signature
→ « Transmettre » → Félicitations; the profile enters the pool (number and validation code in the
application's messages); staff run a round from the back office; the representative sees the
invitation (days left) on « État du profil Entrée express », starts the permanent residence
application, answers it, uploads the documents its checklist calls for, signs, and reaches the
payment of the fees in force (paying is left to the generic payment tests)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.ee_steps import BASE, eligibility, fill, next_page, radio, select, step
from tests.browser.harness import assert_accessible, portal_db, wait_ready
from tests.browser.vsw_steps import answer_for, arrive, pick, upload

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
    expect(page.locator("#section-status-ee_sec_personal")).to_have_text("Pas commencé")

    _section(page, "ee_sec_personal", app_id)
    expect(page.locator("#date_of_birth")).to_have_value("1997-05-05")  # prefilled from step 1
    fill(page, "family_name", "Lefebvre")
    fill(page, "given_names", "Camille")
    select(page, "sex", "female")
    fill(page, "country_of_birth", "France")
    fill(page, "citizenship", "France")
    next_page(page, "fr", r"ee-p-identity")
    select(page, "doc_type", "passport")
    fill(page, "number", "18AB12345")
    fill(page, "issuing_country", "France")
    fill(page, "issued_on", "2020-01-15")
    fill(page, "expires_on", "2030-01-14")
    _back_to_profile(page, app_id)
    expect(page.locator("#section-status-ee_sec_personal")).to_have_text("Terminé")

    _section(page, "ee_sec_family", app_id)
    fill(page, "children", "0")
    _back_to_profile(page, app_id)
    for section in ("ee_sec_education", "ee_sec_offer", "ee_sec_nomination", "ee_sec_funds"):
        _section(page, section, app_id)
        _back_to_profile(page, app_id)
    _section(page, "ee_sec_languages", app_id)
    expect(page.locator("#speaking")).to_have_value("9")
    next_page(page, "fr", r"ee-l-second")
    _back_to_profile(page, app_id)
    _section(page, "ee_sec_work", app_id)
    next_page(page, "fr", r"ee-w-foreign")
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
    next_page(page, "fr", r"pr-family")
    radio(page, "spouse_included", "no", "yes")
    fill(page, "children", "0")
    next_page(page, "fr", r"pr-history")
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
    # Paying and the final submission are the generic payment pages' (tests/browser/test_vsw_payment.py).
    with portal_db(portal):
        from rar_app.db import session_scope
        from rar_app.models import Application

        with session_scope() as db:
            pr = db.get(Application, pr_id)
            assert pr.kind == "express_entry_pr" and pr.status in ("signed", "paying")
