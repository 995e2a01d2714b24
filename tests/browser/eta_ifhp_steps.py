"""Steps shared by the eTA and IFHP browser tests (test_eta_ifhp_fr.py, in French at
1280 px, and test_eta_ifhp_en_phone.py, in English at 375 px): the way in from the
account home, the representative's part of the eTA, its signature and payment, the
IFHP signature, and the simulated office's decision read from the running portal's
database. Each step waits for its page (heading, buttons) and runs axe (harness)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.browser.harness import portal_db, wait_ready
from tests.browser.vsw_steps import answer_for, arrive, fill_card, pick

WIZARD = "#wizard-form"
ETA = {"fr": "/fr/autorisation-de-voyage-electronique", "en": "/en/electronic-travel-authorization"}
IFHP = {"fr": "/fr/programme-federal-de-sante-interimaire", "en": "/en/interim-federal-health-program"}
SLUG = {  # page slugs of the two programs (programs/eta, programs/ifhp)
    "fr": {"intro": "introduction", "landing": "demande-en-ligne", "results": "vos-resultats",
           "for_other": "pour-une-autre-personne", "representative": "parent-tuteur-ou-representant",
           "rep_declaration": "declaration-du-representant", "passport": "passeport", "contact": "coordonnees",
           "employment": "emploi", "background": "antecedents", "review": "revision",
           "consent": "consentement-et-declaration", "signature": "signature", "payment": "paiement",
           "approved": "transaction-approuvee", "declaration": "declaration-solennelle-et-signature",
           "submitted": "demande-soumise"},
    "en": {"intro": "introduction", "landing": "online-application", "results": "your-results",
           "for_other": "on-behalf-of-someone", "representative": "parent-guardian-or-representative",
           "rep_declaration": "representative-declaration", "passport": "passport", "contact": "contact-details",
           "employment": "employment", "background": "background", "review": "review",
           "consent": "consent-and-declaration", "signature": "signature", "payment": "payment",
           "approved": "transaction-approved", "declaration": "solemn-declaration-and-signature",
           "submitted": "application-submitted"},
}
TEXT = {
    "fr": {"eta_link": "Demander une autorisation de voyage électronique (AVE)",
           "eta_intro": "Autorisation de voyage électronique (AVE)", "eta_landing": "Demande d’AVE en ligne",
           "eta_fee": "7,00\u00a0$",
           "eta_questions": "Répondez aux questions pour savoir si votre client a besoin d’obtenir une AVE",
           "results": "Vos résultats",
           "for_other": "Faites-vous une demande pour une autre personne\u00a0?",
           "representative": "Données personnelles du parent/tuteur ou du représentant",
           "rep_declaration": "Déclaration du représentant",
           "review": "Révisez vos réponses", "consent": "Consentement et déclaration",
           "proceed": "Procéder au paiement", "fee_summary": "Sommaire des frais",
           "transmit_pay": "Transmettre et payer", "payment": "Paiement des frais",
           "ifhp_link": "Présenter une demande de couverture temporaire de soins de santé pour réfugiés",
           "ifhp_questions": "Répondez aux questions",
           "declaration": "Votre déclaration solennelle et votre signature électronique",
           "signature": "Signature", "transmit": "Transmettre"},
    "en": {"eta_link": "Apply for an electronic travel authorization (eTA)",
           "eta_intro": "Electronic travel authorization (eTA)", "eta_landing": "Online eTA application",
           "eta_fee": "$7.00",
           "eta_questions": "Answer the questions to find out if your client needs an eTA",
           "results": "Your results",
           "for_other": "Are you applying on behalf of someone?",
           "representative": "Parent/guardian or representative's personal details",
           "rep_declaration": "Representative declaration",
           "review": "Review your answers", "consent": "Consent and declaration",
           "proceed": "Proceed to payment", "fee_summary": "Fee summary",
           "transmit_pay": "Transmit and pay", "payment": "Fee payment",
           "ifhp_link": "Apply for temporary health care coverage for refugees",
           "ifhp_questions": "Answer the questions",
           "declaration": "Your solemn declaration and electronic signature",
           "signature": "Signature", "transmit": "Transmit"},
}
DOUBLE_CLICK = "(sel) => { const b = document.querySelector(sel); b.click(); b.click(); }"


def go(page, part: str, heading: str, lang: str, *, phone: bool = False, ready: str = WIZARD) -> None:
    arrive(page, part, heading, lang, ready=ready, phone=phone)


def app_id_of(page) -> int:
    return int(re.search(r"id=(\d+)", page.url).group(1))


def eta_page(lang: str, name: str, app_id: int | None = None) -> str:
    """The address pattern of an eTA page (`name` a key of SLUG, or "" for the questions)."""
    path = ETA[lang] + (f"/{SLUG[lang][name]}" if name else "")
    return rf"{path}\?id={app_id}$" if app_id else rf"{path}$"


def open_eta(page, portal, lang: str, *, phone: bool = False) -> None:
    """Guide steps 1–3: sign in, the home link, the introduction (« Continuer »), the eTA page
    with the fee in force and « Présenter une demande d'AVE », then the first questions."""
    x = TEXT[lang]
    sign_in(page, portal, lang)
    page.get_by_role("link", name=x["eta_link"]).click()
    go(page, eta_page(lang, "intro"), x["eta_intro"], lang, phone=phone, ready="#intro-continue")
    page.click("#intro-continue")
    go(page, eta_page(lang, "landing"), x["eta_landing"], lang, phone=phone, ready="#program-start")
    expect(page.locator("#fee-in-force")).to_contain_text(x["eta_fee"])
    page.click("#program-start")
    go(page, eta_page(lang, ""), x["eta_questions"], lang, phone=phone)


def eta_eligible(page, lang: str, citizenship: str, *, phone: bool = False) -> int:
    """Guide step 4: a visa-exempt client arriving by air → « Vos résultats » → « Continuer »; the draft's id."""
    page.select_option("#citizenship", citizenship)
    for radio in ("#canadian-no", "#us_lpr-no", "#holds_visa-no", "#travel_mode"):
        pick(page, radio)
    page.click("#nav-next")
    go(page, rf"{ETA[lang]}/{SLUG[lang]['results']}\?id=\d+$", TEXT[lang]["results"], lang, phone=phone,
       ready="#nav-continue")
    return app_id_of(page)


def eta_representative(page, lang: str, app_id: int, *, phone: bool = False) -> None:
    """Guide steps 5–10: « pour une autre personne » Oui, « Je suis » prefilled from the
    account (CICC, its membership number), « Déclaration du représentant » (every box
    required: tried empty first)."""
    x = TEXT[lang]
    page.click("#nav-continue")
    go(page, eta_page(lang, "for_other", app_id), x["for_other"], lang, phone=phone)
    pick(page, "#for_other")
    page.click("#nav-next")
    go(page, eta_page(lang, "representative", app_id), x["representative"], lang, phone=phone)
    expect(page.locator("#i_am")).to_have_value("CICC")
    expect(page.locator("#membership_number")).to_have_value("R700001")
    page.click("#nav-next")
    go(page, eta_page(lang, "rep_declaration", app_id), x["rep_declaration"], lang, phone=phone)
    page.click("#nav-next")
    expect(page.locator("#statements-error")).not_to_be_empty()
    for box in ("#statements", "#statements-authorized", "#statements-informed"):
        pick(page, box)
    page.click("#nav-next")


def eta_sign_and_pay(page, lang: str, app_id: int, *, phone: bool = False) -> None:
    """Guide steps 12–16 from the review: « Consentement et déclaration » (J'accepte, the name
    typed in « Signature », no security question) → « Procéder au paiement » → « Sommaire des
    frais » → « Transmettre et payer » and the payment, each button pressed twice at once."""
    x = TEXT[lang]
    page.click("#nav-continue")
    go(page, eta_page(lang, "consent", app_id), x["consent"], lang, phone=phone, ready="#sign")
    expect(page.locator("#sign")).to_have_text(x["proceed"])
    expect(page.locator("#answer")).to_have_count(0)  # the guide's eTA signature is the name alone
    pick(page, "#consent")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.click("#sign")
    go(page, eta_page(lang, "signature", app_id), x["fee_summary"], lang, phone=phone, ready="#transmit")
    expect(page.locator("#transmit")).to_have_text(x["transmit_pay"])
    page.evaluate(DOUBLE_CLICK, "#transmit")
    go(page, eta_page(lang, "payment", app_id), x["payment"], lang, phone=phone, ready="#process-transaction")
    expect(page.locator("#amount-due")).to_contain_text(x["eta_fee"])
    fill_card(page, "4242 4242 4242 4242")
    page.evaluate(DOUBLE_CLICK, "#process-transaction")
    page.wait_for_url(re.compile(eta_page(lang, "approved", app_id)))
    wait_ready(page, lang)


def open_ifhp(page, portal, lang: str, *, phone: bool = False) -> None:
    """Guide step 1: sign in, the home link, the first questions."""
    sign_in(page, portal, lang)
    page.get_by_role("link", name=TEXT[lang]["ifhp_link"]).click()
    go(page, rf"{IFHP[lang]}$", TEXT[lang]["ifhp_questions"], lang, phone=phone)


def ifhp_sign_and_transmit(page, lang: str, app_id: int, *, phone: bool = False) -> None:
    """Guide steps 16–18 from the document checklist: J'accepte, the names, the security
    question, « Signer » → Signature → « Transmettre » → « Félicitations! »."""
    x = TEXT[lang]
    page.click("#nav-continue")
    go(page, rf"{IFHP[lang]}/{SLUG[lang]['declaration']}\?id={app_id}$", x["declaration"], lang, phone=phone,
       ready="#sign")
    pick(page, "#agree")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Demo")
    page.fill("#answer", answer_for(page, lang))
    page.click("#sign")
    go(page, rf"{IFHP[lang]}/{SLUG[lang]['signature']}\?id={app_id}$", x["signature"], lang, phone=phone,
       ready="#transmit")
    expect(page.locator("#transmit")).to_have_text(x["transmit"])
    page.click("#transmit")
    page.wait_for_url(re.compile(rf"{IFHP[lang]}/{SLUG[lang]['submitted']}\?id={app_id}$"))


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
