"""Steps of the International Experience Canada browser tests (test_iec_flow*.py), in French
or English, on a desktop or a 375 px phone: « Vérifier l'admissibilité du client » (one page
per question), « Vos résultats », the task-list profile (forms prefilled from step 1, the
warning that changing those answers means starting again, « Détails de ma demande »), the
declaration, « Signature », « Transmettre », « Félicitations »; the pool admission; the IPD
accepted from the profile's status page; the work permit application paid and submitted.
Each helper clicks the real pages; the texts checked are the guide's, per language."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from rar_app.programs import registry
from tests.browser.dates import expect_date, fill_date
from tests.browser.harness import assert_no_horizontal_scroll, portal_db, wait_ready
from tests.browser.test_accounts import wait_text
from tests.browser.test_tracking import account_id
from tests.browser.vsw_steps import answer_for, arrive, fill_card, pick, upload

QUESTION = "#wizard-form"
CARD = "4242 4242 4242 4242"
HOME = {"fr": "/fr/accueil-du-compte", "en": "/en/account-home"}
# The participation fee, the open work permit holder fee and biometrics (Working Holiday).
PERMIT_TOTAL = {"fr": "369,75", "en": "369.75"}
PERMIT_DOCUMENTS = ("passport", "digital_photo", "resume", "use_of_representative", "family_information")

TEXT = {
    "fr": {
        "home_link": "Expérience internationale Canada",
        "future": "dans le futur",
        "letter": "lettre de l’une des organisations énumérées",
        "funds": "Oui, au moins 2\u00a0500,00\u00a0$",
        "categories": ("Vacances-travail", "Jeunes professionnels", "Stage coop international"),
        "not_coop": "inscrit dans un établissement postsecondaire",
        "start_form": "Commencer à remplir le formulaire",
        "in_progress": "En cours",
        "not_started": "Pas commencé",
        "done": "Terminé",
        "prefilled": "vous devrez recommencer complètement",
        "step_warning": "Ces renseignements viennent de la vérification de l’admissibilité",
        "restart": "Recommencer",
        "details_warning": "Si vous choisissez Non pour une catégorie, votre client ne sera pas invité",
        "no_category": "au moins une catégorie",
        "review": "Révisez vos réponses",
        "review_note": "Vient de la vérification de l’admissibilité",
        "documents": "Liste de vérification des documents",
        "declaration": "Votre déclaration solennelle et votre signature électronique",
        "checklist": "Votre liste de contrôle personnelle",
        "signature": "Signature",
        "transmit": "Transmettre",
        "transmit_pay": "Transmettre et payer",
        "submitted": "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.",
        "exit": "Sortie questionnaire",
        "ipd": "Accepter ou refuser l’IPD",
        "hours": "heure(s)",
        "apply_deadline": "Demande à soumettre",
        "payment": "Paiement des frais",
        "receipt": "Transaction approuvée – Merci",
        "status_path": "/fr/etat-du-profil",
    },
    "en": {
        "home_link": "International Experience Canada",
        "future": "in the future",
        "letter": "letter from one of the listed organizations",
        "funds": "Yes, at least $2,500.00",
        "categories": ("Working Holiday", "Young Professionals", "International Co-op (Internship)"),
        "not_coop": "registered at a post-secondary",
        "start_form": "Start form",
        "in_progress": "In progress",
        "not_started": "Not started",
        "done": "Complete",
        "prefilled": "you will have to start again completely",
        "step_warning": "This information comes from your client's eligibility check",
        "restart": "Start again",
        "details_warning": "If you choose No for a category, your client will not be invited",
        "no_category": "at least one category",
        "review": "Review your answers",
        "review_note": "From the eligibility check",
        "documents": "Document checklist",
        "declaration": "Your solemn declaration and electronic signature",
        "checklist": "Your personal checklist",
        "signature": "Signature",
        "transmit": "Transmit",
        "transmit_pay": "Transmit and pay",
        "submitted": "Congratulations! Your application or profile has been successfully submitted.",
        "exit": "Exit questionnaire",
        "ipd": "Accept or decline the ITA",
        "hours": "hour(s)",
        "apply_deadline": "Application to submit",
        "payment": "Fee payment",
        "receipt": "Transaction approved – Thank you",
        "status_path": "/en/profile-status",
    },
}


def path(name: str, lang: str, *, permit: bool = False) -> str:
    """A page of the IEC profile (or of its work permit application) in `lang`."""
    return registry.get("iec_permit" if permit else "iec").path(name, lang)


def step(page, name: str, lang: str, *, phone: bool = False, permit: bool = False) -> None:
    """The question page of step `name` has rendered (the first step is the bare address)."""
    # A typed address gets the static host's trailing slash (…/sejour-au-canada/?id=…).
    page.wait_for_url(re.compile(rf"{re.escape(path(name, lang, permit=permit))}/?\?id=\d+"))
    wait_ready(page, lang)
    page.locator(QUESTION).wait_for()
    if phone:
        assert_no_horizontal_scroll(page)


def _next(page) -> None:
    page.click("#nav-next")


def eligibility(page, lang: str, *, country: str, born: str, phone: bool = False) -> int:
    """From the account home: « Vérifier l'admissibilité du client », a birth date in the
    future refused with its reason, then every question (Oui for a job offer that develops
    the client's career, not a student); « Vos résultats »: the categories, and why not
    International Co-op. Returns the profile's id."""
    words = TEXT[lang]
    link = page.get_by_role("link", name=re.compile(words["home_link"]))
    href = link.first.get_attribute("href") or ""
    assert href.endswith(path("passport", lang)), href  # the first question is the program's bare address
    link.first.click()
    page.wait_for_url(re.compile(rf"{re.escape(path('passport', lang))}(\?.*)?$"))
    wait_ready(page, lang)
    page.locator(QUESTION).wait_for()
    if phone:
        assert_no_horizontal_scroll(page)
    page.select_option("#passport_country", country)
    page.select_option("#residence_country", country)
    fill_date(page, "date_of_birth", "2030-01-01")
    _next(page)
    expect(page.locator("#error-summary")).to_contain_text(words["future"])
    fill_date(page, "date_of_birth", born)
    _next(page)
    step(page, "organization", lang, phone=phone)
    expect(page.locator("main")).to_contain_text(words["letter"])
    pick(page, "#has_letter-no")
    _next(page)
    step(page, "funds", lang, phone=phone)
    expect(page.locator("main")).to_contain_text(words["funds"])
    pick(page, "#funds")
    pick(page, "#health_insurance")
    _next(page)
    step(page, "family", lang, phone=phone)
    pick(page, "#dependants_accompanying-no")
    _next(page)
    step(page, "job", lang, phone=phone)
    pick(page, "#job_offer")
    pick(page, "#professional_development")
    _next(page)
    step(page, "studies", lang, phone=phone)
    pick(page, "#post_secondary_student-no")
    _next(page)
    step(page, "admissibility", lang, phone=phone)
    pick(page, "#criminal_record-no")
    pick(page, "#medical_condition-no")
    _next(page)
    page.wait_for_url(re.compile(rf"{re.escape(path('results', lang))}\?id=\d+"))
    wait_ready(page, lang)
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    main = page.locator("main")
    for category in words["categories"]:
        expect(main).to_contain_text(category)
    expect(main).to_contain_text(words["not_coop"])
    if phone:
        assert_no_horizontal_scroll(page)
    page.click("#nav-continue")
    return app_id


def _task_list(page, lang: str, app_id: int, phone: bool) -> None:
    page.wait_for_url(re.compile(rf"{re.escape(path('profile', lang))}\?id={app_id}"))
    wait_ready(page, lang)
    page.locator("#task-list").wait_for()
    if phone:
        assert_no_horizontal_scroll(page)


def profile(page, lang: str, app_id: int, *, born: str, family: str, given: str, email: str, address: str,
            phone: bool = False) -> None:
    """Étape 2: the task list (the forms prefilled from step 1 « En cours », the guide's
    warning and « Recommencer »), « Renseignements personnels » (the date of birth from step 1,
    the warning before any change, « Recommencer » offered then declined), « Coordonnées »,
    « Détails de ma demande » (its warning; no category refused), then « Continuer »."""
    words = TEXT[lang]
    main = page.locator("main")
    _task_list(page, lang, app_id, phone)
    expect(page.locator("#section-status-personal")).to_have_text(words["in_progress"])
    expect(page.locator("#section-status-contact")).to_have_text(words["in_progress"])
    expect(page.locator("#section-status-details")).to_have_text(words["not_started"])
    expect(page.locator("#section-personal")).to_have_text(words["start_form"])
    expect(page.locator("#profile-prefilled")).to_contain_text(words["prefilled"])
    expect(page.locator("#profile-restart")).to_have_text(words["restart"])
    page.click("#section-personal")
    step(page, "personal", lang, phone=phone)
    expect_date(page, "date_of_birth", born)  # from step 1
    # Before any change: these answers come from step 1; changing them means starting again.
    expect(page.locator("#eligibility-warning")).to_contain_text(words["step_warning"])
    page.click("#eligibility-restart")
    page.locator("#restart-confirm").wait_for()
    page.click("#restart-no")  # keep the answers
    expect(page.locator("#restart-confirm")).to_have_count(0)
    page.fill("#family_name", family)
    page.fill("#given_names", given)
    pick(page, "#sex")
    page.fill("#passport_number", "AB123456")
    _next(page)
    _task_list(page, lang, app_id, phone)
    expect(page.locator("#section-status-personal")).to_have_text(words["done"])
    page.click("#section-contact")
    step(page, "contact", lang, phone=phone)
    page.fill("#email", email)
    page.fill("#address", address)
    _next(page)
    _task_list(page, lang, app_id, phone)
    page.click("#section-details")
    step(page, "details", lang, phone=phone)
    expect(main).to_contain_text(words["details_warning"])
    pick(page, "#want_working_holiday-no")
    pick(page, "#want_young_professionals-no")
    _next(page)
    expect(page.locator("#error-summary")).to_contain_text(words["no_category"])
    pick(page, "#want_working_holiday")
    _next(page)
    _task_list(page, lang, app_id, phone)
    page.locator("#nav-continue").click()


def sign_and_transmit(page, lang: str, app_id: int, *, family: str, phone: bool = False) -> None:
    """Review (the answers from step 1 marked), no document for a profile, the declaration
    (« J'accepte » twice, names, security question), « Signer », the personal checklist,
    « Signature », « Transmettre », « Félicitations! », « Sortie questionnaire »."""
    words = TEXT[lang]
    arrive(page, rf"{re.escape(path('review', lang))}\?id={app_id}$", words["review"], lang, ready="#nav-continue",
           phone=phone)
    expect(page.locator("main")).to_contain_text(family)
    expect(page.locator("#review-eligibility-note")).to_be_visible()
    expect(page.locator(".eligibility-note").first).to_contain_text(words["review_note"])
    page.click("#nav-continue")
    arrive(page, rf"{re.escape(path('document_checklist', lang))}\?id={app_id}$", words["documents"], lang, phone=phone)
    page.click("#nav-continue")  # a profile has no document to upload
    _declare(page, lang, rf"{re.escape(path('declaration', lang))}\?id={app_id}$", phone)
    arrive(page, rf"{re.escape(path('checklist', lang))}\?id={app_id}$", words["checklist"], lang, phone=phone)
    page.click("#nav-continue")
    arrive(page, rf"{re.escape(path('signature', lang))}\?id={app_id}$", words["signature"], lang, phone=phone)
    expect(page.locator("#transmit")).to_have_text(words["transmit"])
    page.click("#transmit")
    arrive(page, rf"{re.escape(path('submitted', lang))}\?id={app_id}$", words["submitted"], lang, phone=phone)
    expect(page.locator("#nav-exit-after-submission")).to_have_text(words["exit"])
    page.click("#nav-exit-after-submission")
    page.wait_for_url(re.compile(re.escape(HOME[lang])))


def _declare(page, lang: str, url: str, phone: bool) -> None:
    arrive(page, url, TEXT[lang]["declaration"], lang, phone=phone)
    pick(page, "#agree_privacy")
    pick(page, "#agree_disclosure")
    page.fill("#given-names", "Representative")
    page.fill("#family-name", "Essai")
    page.fill("#answer", answer_for(page, lang))
    page.click("#sign")


def admitted(portal, username: str, app_id: int, stream: str) -> None:
    """The simulated back office admits the submitted profile to the pool of its country and
    category, and tells the representative in the application's messages."""
    from rar_app.db import session_scope
    from rar_app.models import Application, Message
    from rar_app.services.office import pool_flow, pools

    with portal_db(portal), session_scope() as db:
        entry = pools.entry_of(db, app_id) or pool_flow.admit_submitted(db, db.get(Application, app_id))
        assert entry.streams == f",{stream},"  # admitted as it was submitted
        assert db.exec(select(Message).where(Message.application_id == app_id,
                                             Message.account_id == account_id(portal, username))).first() is not None


def accept_ipd(page, portal, lang: str, app_id: int, *, phone: bool = False) -> int:
    """The IPD in « Échéances » on the account home (days and hours left), the profile's
    status page, « Accepter »: the work permit application starts with its 20-day deadline.
    Returns its id."""
    from rar_app.db import session_scope
    from rar_app.models import PoolEntry, PoolInvitation

    words = TEXT[lang]
    page.goto(portal.url(HOME[lang]))
    wait_ready(page, lang)
    wait_text(page, "#deadlines-table", words["ipd"])
    if phone:
        assert_no_horizontal_scroll(page)
    page.locator("#deadlines-table a").first.click()
    page.wait_for_url(re.compile(rf"{re.escape(words['status_path'])}\?id={app_id}"))
    wait_text(page, "#pool-deadline", words["hours"])
    page.click("#pool-accept")
    wait_text(page, "#pool-deadline", words["apply_deadline"])
    with portal_db(portal), session_scope() as db:
        entry = db.exec(select(PoolEntry).where(PoolEntry.application_id == app_id)).one()
        return db.exec(select(PoolInvitation.application_id).where(PoolInvitation.entry_id == entry.id)).one()


def open_permit(page, lang: str, permit_id: int) -> None:
    """From the profile's status page after « Accepter »: « Poursuivre une demande » (the account
    home's drafts), then the started work permit application's « Continuer »."""
    page.click("#pool-continue")
    page.wait_for_url(re.compile(re.escape(HOME[lang])))
    wait_ready(page, lang)
    page.locator(f"#draft-{permit_id} a.draft-continue").click()


def permit_application(page, lang: str, permit_id: int, tmp_path, *, phone: bool = False) -> None:
    """The work permit application (Working Holiday: no employer step): stay in Canada, the
    review with the fees in force, the IEC documents, the declaration, « Transmettre et payer »,
    the card payment, the receipt, « Félicitations! »."""
    words = TEXT[lang]

    def url(name: str) -> str:
        return rf"{re.escape(path(name, lang, permit=True))}\?id={permit_id}$"

    step(page, "travel", lang, phone=phone, permit=True)
    page.select_option("#intended_province", "qc")
    pick(page, "#insurance_confirmed")
    pick(page, "#biometrics_needed")
    _next(page)
    arrive(page, url("review"), words["review"], lang, ready="#nav-continue", phone=phone)
    expect(page.locator("#fee-total")).to_contain_text(PERMIT_TOTAL[lang])
    page.click("#nav-continue")
    arrive(page, url("document_checklist"), words["documents"], lang, phone=phone)
    for code in PERMIT_DOCUMENTS:
        upload(page, tmp_path, code, lang)
    page.click("#nav-continue")
    _declare(page, lang, url("declaration"), phone)
    arrive(page, url("checklist"), words["checklist"], lang, phone=phone)
    page.click("#nav-continue")
    arrive(page, url("signature"), words["signature"], lang, phone=phone)
    expect(page.locator("#transmit")).to_have_text(words["transmit_pay"])
    page.click("#transmit")
    arrive(page, url("payment"), words["payment"], lang, phone=phone)
    fill_card(page, CARD)
    page.click("#process-transaction")
    arrive(page, url("receipt"), words["receipt"], lang, phone=phone)
    expect(page.locator("#receipt-total")).to_contain_text(PERMIT_TOTAL[lang])
    page.click("#receipt-return")
    arrive(page, url("submitted"), words["submitted"], lang, phone=phone)
