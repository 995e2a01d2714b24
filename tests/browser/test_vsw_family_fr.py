"""Visitor visa questionnaire in French for a family of four, from the account home to
"Révisez vos réponses": family rate on client 1, "Tarif familial – Dispensé des frais"
for the others, one child without biometrics; the live fee summary shows the rules
engine's figures; axe on every step."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from rar_app import rules
from rar_app.rules.common import fmt_money
from rar_app.settings import get_settings
from tests.browser.conftest import sign_in
from tests.browser.harness import assert_accessible, wait_ready

FAMILY = [
    # family name, given names, date of birth, minor
    ("Benali", "Youssef", "1982-03-14", "no"),
    ("Benali", "Salma", "1984-09-02", "no"),
    ("Benali", "Amine", "2007-01-20", "no"),
    ("Benali", "Lina", "2017-06-30", "yes"),
]


def wait_step(page, url_part: str, heading: str, client: str | None = None) -> None:
    page.wait_for_url(re.compile(url_part))
    wait_ready(page, "fr")
    page.wait_for_function("(h) => document.querySelector('h1')?.innerText === h", arg=heading)
    if client:
        page.wait_for_function("(c) => (document.querySelector('#step-client')?.innerText || '').startsWith(c)", arg=client)
    page.locator("#wizard-form, #nav-start-again").first.wait_for()
    assert_accessible(page, heading)


def pick(page, selector: str) -> None:
    """Click a radio or checkbox whose checked state the server confirms (controlled input)."""
    page.click(selector)
    expect(page.locator(selector)).to_be_checked()


def money(amount: str) -> str:
    from decimal import Decimal

    return fmt_money(Decimal(amount), "fr")


def test_family_of_four_visitors_in_french(portal, page):
    sign_in(page, portal, "fr")
    page.get_by_role("link", name="Faire une demande : Visa de visiteur, permis d'études et/ou permis de travail").click()
    wait_step(page, r"/fr/visa-visiteur-permis-etudes-travail$", "Numéro de dossier de votre client")

    # Server-side validation: error summary, focus, error beside the field, translated.
    page.click("#nav-next")
    page.locator("#error-summary").wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Entrez le numéro de dossier de votre client." in page.locator("#error-summary").inner_text()
    assert page.locator("#file_number-error").is_visible()
    assert_accessible(page, "file number with errors")
    page.fill("#file_number", "FAM-2026-01")
    page.click("#nav-next")

    wait_step(page, r"nombre-de-demandeurs", "Nombre de demandeurs")
    page.fill("#count", "11")
    page.click("#nav-next")
    page.wait_for_function("document.querySelector('#error-summary')?.innerText.includes('de 1 à 10')")
    assert page.input_value("#count") == "11", "what was typed is kept"
    page.fill("#count", "4")
    page.click("#nav-next")

    for n, (family, given, born, minor) in enumerate(FAMILY, start=1):
        wait_step(page, rf"/client\?id=\d+&client={n}$", "Renseignements sur le client", f"Client {n}")
        page.fill("#family_name", family)
        page.fill("#given_names", given)
        page.fill("#date_of_birth", born)
        page.select_option("#country", "MA")
        pick(page, "#application_type")  # first choice: Visa de visiteur
        pick(page, "#minor" if minor == "yes" else "#minor-no")
        page.click("#nav-next")
        wait_step(page, rf"information-relative-au-client\?id=\d+&client={n}$", "Information relative au client", f"Client {n}")
        assert "Passeport ou titre de voyage" in page.locator("#required-documents").inner_text()
        if minor == "yes":
            assert "Consentement" in page.locator("#required-documents").inner_text() or \
                "parent" in page.locator("#required-documents").inner_text().lower()
        if n == 1:
            pick(page, "#documents")  # the first additional document
        page.click("#nav-next")

    wait_step(page, r"types-de-frais", "Types de frais")
    # Tarif familial is offered to client 1 only.
    assert page.locator("#fee-1-family_rate").count() == 1
    assert page.locator("#fee-2-family_rate").count() == 0
    assert page.locator("#fee-2-family_rate_exempt").count() == 1
    pick(page, "#fee-1-family_rate")
    pick(page, "#bio_needed-1")
    pick(page, "#bio-1-family_rate")
    for n in (2, 3):
        pick(page, f"#fee-{n}-family_rate_exempt")
        pick(page, f"#bio_needed-{n}")
        pick(page, f"#bio-{n}-family_rate_exempt")
    pick(page, "#fee-4-family_rate_exempt")
    pick(page, "#bio_needed-4-no")
    assert page.locator("#bio-4").count() == 0, "no biometrics option when none are needed"

    expected = rules.fee_summary(
        [{"application": "visitor_visa", "fee": "family_rate", "biometrics": "family_rate"},
         {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "family_rate_exempt"},
         {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "family_rate_exempt"},
         {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "none"}],
        get_settings().rules_on(), "fr")
    page.wait_for_function("(t) => document.querySelector('#fee-total')?.innerText === t", arg=money(expected["total"]))
    summary = page.locator("#fee-summary").inner_text()
    for line in expected["lines"]:
        assert line["explanation"] in summary
    # The family rate costs more than four individual fees: the rules engine says so.
    assert "coûte plus cher" in page.locator("#fee-warnings").inner_text()
    assert money(expected["cheapest"]["total"]) in page.locator("#cheapest-text").inner_text()
    assert_accessible(page, "fee summary with warnings")

    # One click: the cheapest valid choice, then back to the family's own choice.
    page.click("#use-cheapest")
    page.wait_for_function("(t) => document.querySelector('#fee-total')?.innerText === t",
                           arg=money(expected["cheapest"]["total"]))
    assert page.is_checked("#fee-1")  # standard fee
    pick(page, "#fee-1-family_rate")
    for n in (2, 3, 4):
        pick(page, f"#fee-{n}-family_rate_exempt")
    page.wait_for_function("(t) => document.querySelector('#fee-total')?.innerText === t", arg=money(expected["total"]))
    page.click("#nav-next")

    wait_step(page, r"/revision\?id=\d+$", "Révisez vos réponses")
    review = page.locator("main").inner_text()
    assert "FAM-2026-01" in review
    assert "Client 4 : Lina Benali" in review
    assert "Tarif familial – Dispensé des frais" in review
    assert "Données biométriques – Tarif familial" in review
    assert page.locator("#fee-total").inner_text() == money(expected["total"])
    assert page.locator("a.pencil-link").count() >= 4 * 6
    # The document checklist page is part B: until it exists, Continuer says so.
    assert page.get_by_text("Offert prochainement").count() >= 1 or page.locator("#nav-continue").is_enabled()
