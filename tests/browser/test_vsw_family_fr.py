"""Visitor visa questionnaire in French for a family of four, end to end: from
"Accueil du compte" through the questionnaire (file number, number of applicants,
each client, "Information relative au client", the fee selector with "Tarif familial"
on client 1, "Tarif familial – Dispensé des frais" for the others and one child
without biometrics), "Révisez vos réponses", the document checklist (every required
document uploaded in the browser), the solemn declaration and signature, the personal
checklist, "Transmettre et payer", an approved card on the payment page, the receipt
(transaction number, per client and per fee line), "Retour", "Félicitations!" with one
V number per client, and "Sortie questionnaire". Every amount is the rules engine's;
axe on every step."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import expect

from rar_app import rules
from rar_app.settings import get_settings
from tests.browser.conftest import sign_in
from tests.browser.harness import assert_accessible
from tests.browser.dates import fill_date
from tests.browser.vsw_steps import (
    BASE,
    WIZARD_READY,
    answer_for,
    approved_payment,
    arrive,
    fill_card,
    money,
    payments_of,
    pick,
    upload,
)

FAMILY = [
    # family name, given names, date of birth, minor
    ("Benali", "Youssef", "1982-03-14", "no"),
    ("Benali", "Salma", "1984-09-02", "no"),
    ("Benali", "Amine", "2007-01-20", "no"),
    ("Benali", "Lina", "2017-06-30", "yes"),
]
# What the family chooses on "Types de frais": the family rate paid by client 1, the
# others covered by it, and no biometrics for the youngest (client 4).
FEES = [{"application": "visitor_visa", "fee": "family_rate", "biometrics": "family_rate"},
        {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "family_rate_exempt"},
        {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "family_rate_exempt"},
        {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "none"}]
CARD = "4242 4242 4242 4242"  # the demo gateway approves it (docs/payments.md)


def wait_step(page, url_part: str, heading: str, client: str | None = None) -> None:
    arrive(page, url_part, heading, "fr", client=client, ready=WIZARD_READY)


def name(n: int) -> str:
    family, given, _born, _minor = FAMILY[n - 1]
    return f"{given} {family}"


def to_upload(n: int, picked: list[str]) -> list[str]:
    """The rules engine's required documents for client n, and the additional ones picked."""
    minor = FAMILY[n - 1][3] == "yes"
    return [d["code"] for d in rules.required_documents("visitor_visa", minor=minor, on_date=get_settings().rules_on())
            if d["required"] or d["code"] in picked]


def test_family_of_four_visitors_in_french_to_the_receipt_and_congratulations(portal, page, tmp_path):
    expected = rules.fee_summary(FEES, get_settings().rules_on(), "fr")
    total = money(expected["total"], "fr")
    assert Decimal(expected["total"]) > 0

    # Accueil du compte.
    sign_in(page, portal, "fr")
    arrive(page, r"/fr/accueil-du-compte", "Accueil du compte", "fr", ready="#drafts")
    page.get_by_role("link", name="Faire une demande\u00a0: Visa de visiteur, permis d’études et/ou permis de travail").click()

    # 1. The client's file number: server-side validation first (error summary, focus, translated).
    wait_step(page, rf"{BASE['fr']}$", "Numéro de dossier de votre client")
    page.click("#nav-next")
    expect(page.locator("#error-summary")).to_contain_text("Entrez le numéro de dossier de votre client.")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#file_number-error")).to_be_visible()
    assert_accessible(page, "file number with errors")
    page.fill("#file_number", "FAM-2026-01")
    page.click("#nav-next")

    # 2. Number of applicants: 11 is refused and kept, 4 is fine.
    wait_step(page, r"nombre-de-demandeurs", "Nombre de demandeurs")
    page.fill("#count", "11")
    page.click("#nav-next")
    expect(page.locator("#error-summary")).to_contain_text("de 1 à 10")
    expect(page.locator("#count")).to_have_value("11")
    page.fill("#count", "4")
    page.click("#nav-next")

    # 3. Each client, then "Information relative au client" (the rules engine's documents).
    picked: dict[int, list[str]] = {}
    for n, (family, given, born, minor) in enumerate(FAMILY, start=1):
        wait_step(page, rf"/client\?id=\d+&client={n}$", "Renseignements sur le client", f"Client {n}")
        # The same total on every page, a repeated page counted once (issue 17).
        expect(page.locator(".step-caption")).to_contain_text("Étape 3 de 6")
        if n > 1:  # clients 2–N start with client 1's family name and country, editable
            expect(page.locator("#family_name")).to_have_value(FAMILY[0][0])
            expect(page.locator("#country")).to_have_value("MA")
        page.fill("#family_name", family)
        page.fill("#given_names", given)
        fill_date(page, "date_of_birth", born)
        page.select_option("#country", "MA")
        pick(page, "#application_type")  # first choice: Visa de visiteur
        pick(page, "#minor" if minor == "yes" else "#minor-no")
        if minor == "yes":
            # Both parents in this application: no parental consent letter (issue 17, point 14) …
            pick(page, "#both_parents")
            page.click("#nav-next")
            wait_step(page, rf"information-relative-au-client\?id=\d+&client={n}$", "Information relative au client",
                      f"Client {n}")
            expect(page.locator("#required-documents")).to_contain_text("Acte de naissance")
            expect(page.locator("#required-documents")).not_to_contain_text("Lettre de consentement des parents")
            # … but this family says one parent stays home: the letter is asked for.
            page.click("#nav-previous")
            wait_step(page, rf"/client\?id=\d+&client={n}$", "Renseignements sur le client", f"Client {n}")
            pick(page, "#both_parents-no")
        page.click("#nav-next")
        wait_step(page, rf"information-relative-au-client\?id=\d+&client={n}$", "Information relative au client",
                  f"Client {n}")
        required = page.locator("#required-documents")
        for d in rules.required_documents("visitor_visa", minor=minor == "yes", on_date=get_settings().rules_on()):
            if d["required"]:
                expect(required).to_contain_text(d["label_fr"])
        expect(page.locator(".step-caption")).to_contain_text("Étape 4 de 6")
        picked[n] = []
        if n == 1:
            pick(page, "#documents")  # the first additional document
            picked[1] = [page.locator("#documents").get_attribute("value")]
        if n == 2:  # « Aucun document additionnel n’est requis pour ce client »: a choice, never with documents
            expect(page.locator("label[for=documents-none]")).to_have_text(
                "Aucun document additionnel n’est requis pour ce client")
            pick(page, "#documents")
            pick(page, "#documents-none")
            expect(page.locator("#documents")).not_to_be_checked()
        page.click("#nav-next")

    # 4. Types de frais: the fee selector. Tarif familial is offered to client 1 only.
    wait_step(page, r"types-de-frais", "Types de frais")
    assert page.locator("#fee-1-family_rate").count() == 1
    assert page.locator("#fee-2-family_rate").count() == 0
    assert page.locator("#fee-1-family_rate_exempt").count() == 0
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
    expect(page.locator("#bio-4")).to_have_count(0)  # no biometrics option when none are needed

    # The live fee summary is the rules engine's: every line, the total, its warning.
    expect(page.locator("#fee-total")).to_have_text(total)
    summary = page.locator("#fee-summary")
    for line in expected["lines"]:
        expect(summary).to_contain_text(line["explanation_fr"])
    assert [w["code"] for w in expected["warnings"]] == ["family_rate_costs_more"]
    expect(page.locator("#fee-warnings")).to_contain_text(expected["warnings"][0]["message_fr"])
    expect(page.locator("#cheapest-text")).to_contain_text(money(expected["cheapest"]["total"], "fr"))
    assert_accessible(page, "fee summary with warnings")

    # One click: the cheapest valid choice, then back to the family's own choice.
    page.click("#use-cheapest")
    expect(page.locator("#fee-total")).to_have_text(money(expected["cheapest"]["total"], "fr"))
    expect(page.locator("#fee-1")).to_be_checked()  # standard fee
    pick(page, "#fee-1-family_rate")
    for n in (2, 3, 4):
        pick(page, f"#fee-{n}-family_rate_exempt")
    pick(page, "#bio-1-family_rate")
    for n in (2, 3):
        pick(page, f"#bio-{n}-family_rate_exempt")
    expect(page.locator("#bio_needed-4-no")).to_be_checked()
    expect(page.locator("#fee-total")).to_have_text(total)
    page.click("#nav-next")

    # 5. Révisez vos réponses.
    wait_step(page, r"/revision\?id=\d+$", "Révisez vos réponses")
    app_id = int(re.search(r"id=(\d+)", page.url).group(1))
    main = page.locator("main")
    expect(main).to_contain_text("FAM-2026-01")
    expect(main).to_contain_text("Client 4\u00a0: Lina Benali")
    expect(main).to_contain_text("Tarif familial – Dispensé des frais")
    expect(main).to_contain_text("Données biométriques – Tarif familial")
    expect(page.locator("#fee-total")).to_have_text(total)
    assert page.locator("a.pencil-link").count() >= 4 * 6
    expect(page.locator(".step-caption")).to_contain_text("Étape 6 de 6")
    # Pens (issue 17): 44 px, the word « Modifier », a name with the question; none on computed lines;
    # the fee choices in a « Frais » section.
    expect(page.get_by_role("heading", name="Frais", exact=True)).to_be_visible()
    pen = page.locator("#pen-client-3-date_of_birth")
    expect(pen).to_contain_text("Modifier")
    expect(pen).to_have_accessible_name(re.compile(r"^Modifier\u00a0: Date de naissance \(Client 3"))
    box = pen.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box
    expect(page.locator("tr", has=page.locator("th", has_text="Documents exigés")).locator("a.pencil-link")).to_have_count(0)
    expect(main).to_contain_text("Aucun document additionnel n’est requis pour ce client")
    # After a pen edit the review comes back to the edited line.
    pen.click()
    wait_step(page, r"/client\?id=\d+&client=3&review=1$", "Renseignements sur le client", "Client 3")
    page.click("#nav-next")
    wait_step(page, r"/revision\?id=\d+$", "Révisez vos réponses")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'pen-client-3-date_of_birth'")
    page.click("#nav-continue")

    # 6. Liste de vérification des documents: Continuer is refused while documents are missing.
    arrive(page, rf"/liste-de-verification-des-documents\?id={app_id}$", "Liste de vérification des documents", "fr")
    expect(page.locator("#fee-total")).to_have_text(total)
    page.click("#nav-continue")
    errors = page.locator("#error-summary")
    expect(errors).to_contain_text("Lettre de consentement des parents")
    for n in range(1, 5):
        expect(errors).to_contain_text(name(n))
    assert_accessible(page, "documents missing")
    for n in range(1, 5):
        if n > 1:
            page.get_by_role("link", name=re.compile(rf"^Client {n} : {name(n)}")).click()
            page.wait_for_url(re.compile(rf"client={n}$"))
        elided = "d’" if name(n)[:1] in "AEIOUÉÈÊÀÂÎÔÛ" else "de "  # French elision (issue 17): « d’Amine »
        expect(page.locator("#uploader-title")).to_have_text(f"Documents {elided}{name(n)}")
        for code in to_upload(n, picked[n]):
            upload(page, tmp_path, code, "fr", marker=str(n))
        assert_accessible(page, f"documents of client {n}")
    page.click("#nav-continue")

    # 7. Votre déclaration solennelle et votre signature électronique.
    arrive(page, rf"/declaration-solennelle-et-signature\?id={app_id}$",
           "Votre déclaration solennelle et votre signature électronique", "fr")
    for text in ("Avis de confidentialité", "Sommaire des frais", "Lettre de consentement des parents"):
        expect(main).to_contain_text(text)
    expect(page.locator("#fee-total")).to_have_text(total)
    expect(page.locator("label[for=agree]")).to_have_text("J’accepte")
    pick(page, "#agree")
    page.fill("#given-names", "Camille")
    page.fill("#family-name", "Démo")
    page.fill("#answer", answer_for(page, "fr"))
    expect(page.locator("#sign")).to_have_text("Signer")
    page.click("#sign")

    # 8. Votre liste de contrôle personnelle: nothing is transmitted yet.
    arrive(page, rf"/liste-de-controle-personnelle\?id={app_id}$", "Votre liste de contrôle personnelle", "fr")
    expect(page.locator("#not-submitted-warning")).to_contain_text("pas encore transmise")
    for n in range(1, 5):
        expect(page.locator("#clients-table")).to_contain_text(name(n))
    page.click("#nav-continue")

    # 9. Signature: "Transmettre et payer" with the Sommaire des frais.
    arrive(page, rf"/signature\?id={app_id}$", "Signature", "fr")
    expect(page.locator("#transmit")).to_have_text("Transmettre et payer")
    expect(page.locator("#fee-total")).to_have_text(total)
    page.click("#transmit")

    # 10. Paiement des frais: a card the demo gateway approves.
    arrive(page, rf"/paiement\?id={app_id}$", "Paiement des frais", "fr")
    fill_card(page, CARD)
    expect(page.locator("#process-transaction")).to_have_text("Traiter la transaction")
    page.click("#process-transaction")

    # 11. Transaction approuvée – Merci: the transaction number, per client and per fee line.
    arrive(page, rf"/transaction-approuvee\?id={app_id}$", "Transaction approuvée – Merci", "fr")
    paid = approved_payment(portal, app_id)
    assert paid["amount_cents"] == int(Decimal(expected["total"]) * 100)
    assert (paid["card_brand"], paid["card_last4"]) == ("visa", "4242")
    expect(page.locator("#transaction-number")).to_have_text(paid["transaction_number"])
    expect(page.locator("#paid-by")).to_have_text("Visa se terminant par 4242")
    clients = page.locator("#receipt .receipt-client")
    expect(clients).to_have_count(4)
    receipt_numbers = []
    for n in range(1, 5):
        section = clients.nth(n - 1)
        expect(section.locator("h3")).to_have_text(f"Client {n} : {name(n)}")
        lines = [ln for ln in expected["lines"] if ln["applicant"] == n - 1]
        rows = section.locator("tbody tr")
        expect(rows).to_have_count(len(lines))
        for i, line in enumerate(lines):
            expect(rows.nth(i).locator("td").nth(0)).to_have_text(line["explanation_fr"])
            expect(rows.nth(i).locator("td").nth(1)).to_have_text(money(line["amount"], "fr"))
        subtotal = sum((Decimal(ln["amount"]) for ln in lines), Decimal(0))
        expect(section.locator("tfoot td")).to_have_text(money(subtotal, "fr"))
        number = section.locator(".application-number")
        expect(number).to_have_text(re.compile(r"^Numéro de demande\u00a0: V[1-9]\d{8}$"))
        receipt_numbers.append(number.inner_text().rsplit(" ", 1)[-1])
    expect(page.locator("#receipt-total")).to_have_text(total)
    rows_, status, actions = payments_of(portal, app_id)
    assert rows_ == [("approved", "card", "visa", "4242", None)] and status == "submitted"
    assert actions.count("application.submitted") == 1 and actions.count("payment.attempt") == 1
    expect(page.locator("#receipt-return")).to_have_text("Retour")
    page.click("#receipt-return")

    # 12. Félicitations!: each client's application number (V and nine digits).
    arrive(page, rf"/demande-soumise\?id={app_id}$",
           "Félicitations\u00a0! Votre demande ou profil a été soumis avec succès.", "fr")
    table_rows = page.locator("#clients-table tbody tr")
    expect(table_rows).to_have_count(4)
    numbers = []
    for n in range(1, 5):
        row = table_rows.nth(n - 1)
        expect(row.locator("th")).to_contain_text(name(n))
        expect(row.locator(".application-number")).to_have_text(re.compile(r"^V[1-9]\d{8}$"))
        numbers.append(row.locator(".application-number").inner_text())
    assert len(set(numbers)) == 4 and numbers == receipt_numbers
    expect(page.locator("#next-steps")).to_contain_text("données biométriques")

    # 13. Sortie questionnaire: back home, nothing left to continue.
    expect(page.locator("#nav-exit-after-submission")).to_have_text("Sortie questionnaire")
    page.click("#nav-exit-after-submission")
    arrive(page, r"/fr/accueil-du-compte", "Accueil du compte", "fr", ready="#drafts")
    expect(page.locator("#drafts")).not_to_contain_text("FAM-2026-01")
