"""Following submitted applications in a real browser, in French and English: search,
"État de la demande et messages", documents asked for after submission, account
messages, linking (each match case), a client removing the representative, and one
representative never seeing another's applications, messages or documents."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from sqlmodel import select

from tests.browser.conftest import sign_in, switch_language, visit
from tests.browser.harness import assert_accessible, assert_no_horizontal_scroll, wait_ready, portal_db, close_context
from tests.fixtures.documents import samples
from tests.browser.dates import fill_date

PATHS = {
    "search": {"fr": "/fr/rechercher-demandes-soumises", "en": "/en/search-submitted-applications"},
    "search_all": {"fr": "/fr/rechercher-toutes-les-demandes", "en": "/en/search-all-applications"},
    "status": {"fr": "/fr/etat-de-la-demande", "en": "/en/application-status"},
    "view": {"fr": "/fr/voir-la-demande", "en": "/en/view-application"},
    "inbox": {"fr": "/fr/messages-du-compte", "en": "/en/account-messages"},
    "message": {"fr": "/fr/message-du-compte", "en": "/en/account-message"},
    "link": {"fr": "/fr/ajouter-une-demande-de-client", "en": "/en/add-a-client-application"},
    "home": {"fr": "/fr/accueil-du-compte", "en": "/en/account-home"},
    "client_home": {"fr": "/fr/client/accueil", "en": "/en/client/home"},
    "backoffice": {"fr": "/fr/arriere-guichet", "en": "/en/back-office"},
    "reviews": {"fr": "/fr/arriere-guichet/demandes-a-examiner", "en": "/en/back-office/requests-to-review"},
}
TEXT = {
    "fr": {"dependant": "personne à charge", "check": "Vérifier l’état de la demande complète",
           "not_found": "Nous ne trouvons pas cette demande", "closed": "Dossier fermé", "study": "Permis d’études",
           "follow_up": "Suivi requis", "account": "Compte", "read": "Lu", "unread": "Non lu",
           "linked": "a été ajoutée à votre compte", "already": "déjà liée", "near": "correspondent en partie",
           "none": "Votre tentative a échoué", "in_review": "En cours de traitement", "no_criteria": "au moins un critère",
           "taken_over": "Un agent le vérifiera avant de retirer votre représentant", "transmitted": "ont été transmis",
           "received": "Reçu", "done": "C’est fait"},
    "en": {"dependant": "dependant", "check": "Check full application status",
           "not_found": "We cannot find this application", "closed": "File closed", "study": "Study permit",
           "follow_up": "Follow-up required", "account": "Account", "read": "Read", "unread": "Unread",
           "linked": "was added to your account", "already": "already linked", "near": "partly matches",
           "none": "Your attempt failed", "in_review": "In progress", "no_criteria": "at least one search criterion",
           "taken_over": "An officer will check it before removing your representative", "transmitted": "were sent",
           "received": "Received", "done": "Done"},
}


# --------------------------------------------------------------------------- the portal's data, in-process




def new_account(portal, role: str = "representative", language: str = "fr") -> str:
    """A fresh active account with demo.rep's password and security questions."""
    from rar_app.db import session_scope
    from rar_app.models import Account, SecurityQuestion, utcnow
    from rar_app.services.identity import demo_accounts, second_factor

    username = f"trk.{role[:3]}.{uuid.uuid4().hex[:8]}"
    with portal_db(portal), session_scope() as db:
        demo_rep = db.exec(select(Account).where(Account.username == "demo.rep")).one()
        account = Account(role=role, status="active", username=username, password_hash=demo_rep.password_hash,
                          family_name="Essai", given_names=role.title(), email=f"{username}@example.invalid",
                          language=language, approved_at=utcnow())
        db.add(account)
        db.flush()
        for q in db.exec(select(SecurityQuestion).where(SecurityQuestion.account_id == demo_rep.id)):
            db.add(SecurityQuestion(account_id=account.id, position=q.position, question=q.question,
                                    answer_hash=q.answer_hash))
        if second_factor.required_for(role):  # staff sign in with a one-time code (the demo key)
            second_factor.seed_known_secret(db, account, demo_accounts.DEMO_TOTP_SECRET)
    return username


def account_id(portal, username: str) -> int:
    from rar_app.db import session_scope
    from rar_app.models import Account

    with portal_db(portal), session_scope() as db:
        return db.exec(select(Account).where(Account.username == username)).one().id


def paper_file(portal, *, family: str, given: str = "Test", dob: date = date(1990, 3, 4), uci: str = "",
               application_type: str = "visitor_visa", days_ago: int = 3, holder: str | None = None) -> str:
    """A paper application (as the back office enters it); `holder` links it to that representative."""
    from rar_app.db import session_scope
    from rar_app.models import Account, Application
    from rar_app.services.office import backoffice, search

    with portal_db(portal), session_scope() as db:
        form = backoffice.PaperApplication(application_type, family, given, dob, uci,
                                           date.today() - timedelta(days=days_ago))
        applicant = backoffice.enter_paper_application(db, backoffice.SIMULATION, form)
        if holder:
            rep = db.exec(select(Account).where(Account.username == holder)).one()
            search.write_processing(db, db.get(Application, applicant.application_id), representative_id=rep.id)
        return applicant.application_number


def unique(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:6].translate(str.maketrans("0123456789", "ghijklmnop")).title()


def uci_for() -> str:
    """A fresh, obviously fictional 10-digit UCI."""
    n = uuid.uuid4().int % 10**6
    return f"00-{n // 10**4 + 1:04d}-{n % 10**4:04d}"


def demo_numbers(portal, username: str) -> list[str]:
    from rar_app.db import session_scope
    from rar_app.services.office import search

    with portal_db(portal), session_scope() as db:
        return [r.application_number for r in search.search(db, account_id(portal, username), limit=100).rows]


def number_of(portal, family: str) -> str:
    from rar_app.db import session_scope
    from rar_app.models import Applicant, Client

    with portal_db(portal), session_scope() as db:
        return db.exec(select(Applicant.application_number).join(Client, Applicant.client_id == Client.id)
                       .where(Client.family_name == family, Applicant.application_number.is_not(None))).first()


def status_path(lang: str, number: str) -> str:
    return f"{PATHS['status'][lang]}?n={number}"


def open_status(page, portal, lang: str, number: str, *, axe: bool = True):
    visit(page, portal, status_path(lang, number), lang, axe=False)
    page.wait_for_selector("#status, #status-not-found", timeout=30_000)
    if axe:
        assert_accessible(page, f"status of {number}")


# --------------------------------------------------------------------------- search and status


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_search_then_full_status_with_dependants(portal, page, phone_context, lang):
    txt = TEXT[lang]
    sign_in(page, portal, lang=lang)
    visit(page, portal, PATHS["search"][lang], lang)
    page.click("#search-submit")  # no criterion: « Rechercher toutes les demandes » lists them all
    page.wait_for_selector("#results tbody tr")
    assert page.locator("#error-summary").count() == 0

    page.fill("#family_name", "ROMARIN")
    page.click("#search-submit")
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 3")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 3
    assert page.locator("#results tbody tr", has_text=txt["dependant"]).count() == 2
    assert page.locator("#results th").last.inner_text() == "Action"
    assert_accessible(page, "search results")
    principal = rows.filter(has_not_text=txt["dependant"])
    number = principal.locator("td").first.inner_text().strip()
    principal.get_by_role("link", name=txt["check"]).click()
    page.wait_for_url(f"**?n={number}")
    page.wait_for_selector("#status")
    assert_accessible(page, "status page")
    assert page.inner_text("#status-number") == number
    assert page.inner_text("#status-uci").startswith("00-0000-")
    # Ten days before the demo data was written (the portal may have started the day before, near midnight).
    assert page.inner_text("#status-received") in {(date.today() - timedelta(days=d)).isoformat() for d in (10, 11)}
    bar = page.locator("[role=progressbar]")
    assert 0 < int(bar.get_attribute("aria-valuenow")) < 100
    assert page.locator("#steps li").count() == 5
    assert page.locator("#documents tbody tr").count() == 2
    assert page.locator("#application-messages li").count() >= 2
    others = page.locator("#others a")
    assert others.count() == 2
    # The same application in the other language keeps its number.
    other_lang = "en" if lang == "fr" else "fr"
    page.wait_for_function("document.querySelector('#lang-toggle').getAttribute('href').includes('?n=')")
    switch_language(page, other_lang)
    page.wait_for_selector("#status")
    assert page.inner_text("#status-number") == number
    page.wait_for_function("document.querySelector('#lang-toggle').getAttribute('href').includes('?n=')")
    switch_language(page, lang)
    page.wait_for_selector("#status")
    # A dependant's own status.
    dependant = page.locator("#others a").first
    dependant.click()
    page.wait_for_url(lambda u: "?n=" in u and not u.endswith(number))
    page.wait_for_function("document.querySelector('#status-number')?.innerText === "
                           "new URLSearchParams(location.search).get('n')")
    assert page.inner_text("#status-number") != number
    assert page.locator("#others a").count() == 2
    # "Voir la demande"
    page.click("#view-application")
    page.wait_for_selector("#people")
    assert page.locator("#people tbody tr").count() == 3
    assert_accessible(page, "view application")

    phone = phone_context.new_page()
    sign_in(phone, portal, lang=lang)
    open_status(phone, portal, lang, number, axe=False)
    assert_no_horizontal_scroll(phone)
    visit(phone, portal, PATHS["search_all"][lang], lang, axe=False)
    phone.wait_for_selector("#results tbody tr")
    assert_no_horizontal_scroll(phone)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_category_alone_search_all_and_closed_files(portal, page, lang):
    txt = TEXT[lang]
    sign_in(page, portal, lang=lang)
    visit(page, portal, PATHS["search"][lang], lang, axe=False)
    page.select_option("#category", "study_permit")
    page.click("#search-submit")
    page.wait_for_selector("#results tbody tr")
    categories = page.locator("#results tbody tr td:nth-child(4)").all_inner_texts()
    assert len(categories) >= 4 and set(categories) == {txt["study"]}

    page.click("#search-all")
    page.wait_for_url("**" + PATHS["search_all"][lang] + "**")
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length >= 18")
    numbers = page.locator("#results tbody tr td:first-child").all_inner_texts()
    assert len(numbers) >= 18
    assert_accessible(page, "search all")

    closed = number_of(portal, "Olivier")
    open_status(page, portal, lang, closed)
    assert page.inner_text("#status-current") == txt["closed"]
    issued = page.locator("#issued tbody td").all_inner_texts()
    assert issued[0] and date.fromisoformat(issued[1]) <= date.today()
    assert page.get_attribute("[role=progressbar]", "aria-valuenow") == "100"


def test_search_pages_through_many_applications(portal, page):
    rep = new_account(portal)
    made = {paper_file(portal, family=unique("Page"), holder=rep, days_ago=i % 9) for i in range(23)}
    sign_in(page, portal, lang="fr", username=rep)
    visit(page, portal, PATHS["search_all"]["fr"], "fr", axe=False)
    page.wait_for_selector("#results tbody tr")
    first = page.locator("#results tbody tr td:first-child").all_inner_texts()
    assert len(first) == 20 and "23" in page.inner_text("#results-count")
    page.click("#next-page")
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 3")
    second = page.locator("#results tbody tr td:first-child").all_inner_texts()
    assert {n.split()[0] for n in first + second} == made
    page.click("#previous-page")
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 20")


# --------------------------------------------------------------------------- documents after submission


@pytest.mark.parametrize("lang, family", [("fr", "Kumquat"), ("en", "Jasmin")])
def test_upload_in_answer_to_a_document_request(portal, page, tmp_path, lang, family):
    txt = TEXT[lang]
    number = number_of(portal, family)
    sign_in(page, portal, lang=lang)
    open_status(page, portal, lang, number)
    assert page.locator("[data-step=review]").inner_text().endswith(txt["follow_up"])
    page.wait_for_selector(".doc-slots li")
    path = tmp_path / "answer.pdf"
    path.write_bytes(samples.pdf(marker=f"{family}-{lang}"))
    page.locator(".doc-slots input[type=file]").first.set_input_files(str(path))
    page.wait_for_function("document.querySelector('.doc-slots .doc-file') !== null", timeout=30_000)
    # Issue 14: what is sent stays as sent — no « Remplacer » nor « Supprimer » on a submitted application.
    assert page.locator(".doc-slots .doc-file [id^=doc-remove-], .doc-slots .doc-file [id^=doc-replace-]").count() == 0
    assert page.locator("#requests-frozen").is_visible()
    page.click("#transmit")
    page.wait_for_selector("#notice")
    assert txt["transmitted"] in page.inner_text("#notice")
    page.wait_for_function(f"document.querySelector('#status-current').innerText === {txt['in_review']!r}")
    assert page.locator("#documents tbody tr", has_text="answer.pdf").count() == 1
    assert_accessible(page, "after transmitting")


# --------------------------------------------------------------------------- account messages


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_account_messages_queue_unread_and_links(portal, page, phone_context, lang):
    txt = TEXT[lang]
    sign_in(page, portal, lang=lang)
    visit(page, portal, PATHS["inbox"][lang], lang)
    page.wait_for_selector("#queue tbody tr")
    unread_before = int(page.inner_text("#unread-count").split()[-1])
    assert unread_before >= 1
    assert page.locator("#queue tbody tr.unread").count() >= 1

    page.select_option("#queue-detail", "follow_up")
    page.click("#queue-search")
    page.wait_for_function(
        "([label]) => [...document.querySelectorAll('#queue tbody tr td:nth-child(4)')].every(td => td.innerText === label)",
        arg=[txt["follow_up"]])
    page.select_option("#queue-detail", "")
    page.select_option("#queue-category", "account")
    page.click("#queue-search")
    page.wait_for_function(
        "([label]) => [...document.querySelectorAll('#queue tbody tr td:nth-child(3)')].every(td => td.innerText === label)",
        arg=[txt["account"]])
    page.click("#queue-clear")
    page.wait_for_selector("#queue tbody tr.unread")

    # Open an unread message about an application: marked read, with a link to its status.
    row = page.locator("#queue tbody tr.unread", has_text="–").first
    row.locator("a").click()
    page.wait_for_selector("#message-subject")
    assert_accessible(page, "one message")
    page.click("#message-application")
    page.wait_for_selector("#status")
    visit(page, portal, PATHS["inbox"][lang], lang, axe=False)
    page.wait_for_selector("#queue tbody tr")
    # The count shown first may be the page state's previous one, until on_load has refreshed it.
    page.wait_for_function("([n]) => (document.querySelector('#unread-count')?.innerText || '').trim()"
                           ".split(/\\s+/).pop() === n", arg=[str(unread_before - 1)])

    phone = phone_context.new_page()
    sign_in(phone, portal, lang=lang)
    for path in (PATHS["inbox"][lang], PATHS["link"][lang]):
        visit(phone, portal, path, lang)
        assert_no_horizontal_scroll(phone)


# --------------------------------------------------------------------------- linking


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_linking_each_match_case(portal, page, lang):
    txt = TEXT[lang]
    rep = new_account(portal, language=lang)
    exact_family, several_family = unique("Lien"), unique("Plusieurs")
    exact_uci, several_uci = uci_for(), uci_for()
    exact_number = paper_file(portal, family=exact_family, given="Anne", uci=exact_uci)
    paper_file(portal, family=several_family, given="Rose", uci=several_uci, days_ago=30,
               application_type="study_permit")
    newest = paper_file(portal, family=several_family, given="Rose", uci=several_uci, days_ago=2)
    sign_in(page, portal, lang=lang, username=rep)
    visit(page, portal, PATHS["link"][lang], lang)

    def fill(kind: str, number: str | None, family: str, given: str, dob: str, uci: str):
        page.select_option("#kind", kind)
        if number is not None:
            page.fill("#application_number", number)
        page.fill("#family_name", family)
        page.fill("#given_names", given)
        fill_date(page, "date_of_birth", dob)
        page.fill("#uci", uci)
        page.click("#link-submit")

    # Every field the form asks is required.
    page.click("#link-submit")
    page.wait_for_selector("#error-summary")
    assert_accessible(page, "link form errors")

    # No match: the attempt failed, how to retry or get help.
    fill("visitor_visa", "V999999999", unique("Personne"), "Nul", "1990-03-04", "00-0099-9999")
    page.wait_for_selector("#notice")
    assert txt["none"] in page.inner_text("#notice") and page.locator("#link-help a").count() == 1

    # Near match (one field differs): a warning that names nothing.
    fill("visitor_visa", exact_number, exact_family, "Anne", "1990-03-05", exact_uci)
    page.wait_for_function(f"document.querySelector('#notice')?.innerText.includes({txt['near']!r})")
    notice = page.inner_text("#notice")
    assert exact_family not in notice and exact_number not in notice and exact_uci not in notice

    # Exact match: linked, with the way to its status.
    fill("visitor_visa", exact_number, exact_family.upper(), "anne", "1990-03-04", exact_uci.replace("-", ""))
    page.wait_for_function(f"document.querySelector('#notice')?.innerText.includes({txt['linked']!r})")
    assert exact_number in page.inner_text("#notice")
    page.click("#linked-status")
    page.wait_for_selector("#status")
    assert page.inner_text("#status-number") == exact_number

    # Already linked.
    visit(page, portal, PATHS["link"][lang], lang, axe=False)
    fill("visitor_visa", exact_number, exact_family, "Anne", "1990-03-04", exact_uci)
    page.wait_for_function(f"document.querySelector('#notice')?.innerText.includes({txt['already']!r})")

    # Several matches (two paper files of one client, by UCI): the newest is linked, then home.
    fill("paper", None, several_family, "Rose", "1990-03-04", several_uci)
    page.wait_for_url("**" + PATHS["home"][lang] + "**")
    assert newest in demo_numbers(portal, rep) and exact_number in demo_numbers(portal, rep)
    assert len(demo_numbers(portal, rep)) == 2

    # Each link left a message in the account inbox.
    visit(page, portal, PATHS["inbox"][lang], lang, axe=False)
    page.wait_for_selector("#queue tbody tr")
    subjects = page.locator("#queue tbody tr td:nth-child(2)").all_inner_texts()
    assert any(exact_number in s for s in subjects) and any(newest in s for s in subjects)


# --------------------------------------------------------------------------- removing a representative


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_client_removes_the_representative_with_an_imm5476(portal, browser, tmp_path, lang):
    txt = TEXT[lang]
    rep = new_account(portal)
    client = new_account(portal, role="client", language=lang)
    family, uci = unique("Retrait"), uci_for()
    number = paper_file(portal, family=family, given="Zoé", uci=uci, holder=rep)
    form = tmp_path / "imm5476.pdf"
    form.write_bytes(samples.pdf(marker="IMM 5476"))
    staff = new_account(portal, role="staff", language=lang)
    rep_ctx, client_ctx, staff_ctx = browser.new_context(), browser.new_context(), browser.new_context()
    try:
        rep_page = rep_ctx.new_page()
        sign_in(rep_page, portal, lang=lang, username=rep)
        open_status(rep_page, portal, lang, number, axe=False)
        assert rep_page.inner_text("#status-number") == number

        page = client_ctx.new_page()
        sign_in(page, portal, lang=lang, username=client)
        assert urlparse(page.url).path.rstrip("/") == PATHS["client_home"][lang]
        page.wait_for_selector("#client-none")
        assert_accessible(page, "client home")
        # The guide: « Que voulez-vous faire aujourd’hui ? » … « Lier une demande à ce compte ».
        page.click("#link-to-account")
        page.select_option("#kind", "visitor_visa")
        page.fill("#application_number", number)
        page.fill("#family_name", family)
        page.fill("#given_names", "Zoé")
        fill_date(page, "date_of_birth", "1990-03-04")
        page.fill("#uci", uci)
        page.set_input_files(f"#imm5476-upload input[type=file]", str(form))
        page.wait_for_function("document.querySelector('#imm5476-file').innerText.includes('imm5476')")
        page.click("#takeover-submit")
        page.wait_for_function(f"document.querySelector('#notice')?.innerText.includes({txt['taken_over']!r})",
                               timeout=30_000)
        # Issue 14 point 8: nothing changes before staff have checked the form.
        open_status(rep_page, portal, lang, number, axe=False)
        assert rep_page.inner_text("#status-number") == number

        # Staff: « Demandes à examiner » lists it with the form; a refusal without a note is refused.
        staff_page = staff_ctx.new_page()
        sign_in(staff_page, portal, lang=lang, username=staff)
        visit(staff_page, portal, PATHS["reviews"][lang], lang, axe=False)
        card = staff_page.locator(".card", has_text=number)
        card.wait_for()
        assert_accessible(staff_page, "requests to review")
        review_id = (card.get_attribute("id") or "").split("-")[-1]
        staff_page.click(f"#review-refuse-{review_id}")
        staff_page.wait_for_selector("#error-summary")
        assert ("Note" in staff_page.inner_text("#error-summary"))
        staff_page.click(f"#review-approve-{review_id}")
        staff_page.wait_for_function("document.querySelector('#notice')?.innerText.length > 0", timeout=30_000)
        staff_page.wait_for_selector(f"#review-{review_id}", state="detached")

        visit(page, portal, PATHS["client_home"][lang], lang, axe=False)
        page.wait_for_selector("#client-applications")
        assert number in page.inner_text("#client-applications")
        page.locator("#client-applications a").first.click()
        page.wait_for_selector("#status")
        assert page.inner_text("#status-number") == number

        # From now on the representative no longer sees it: status, search, view.
        open_status(rep_page, portal, lang, number, axe=False)
        assert txt["not_found"] in rep_page.inner_text("#status-not-found")
        visit(rep_page, portal, PATHS["search"][lang], lang, axe=False)
        rep_page.fill("#application_number", number)
        rep_page.click("#search-submit")
        rep_page.wait_for_selector("#no-results")
        # And the audit log says why.
        from rar_app.db import session_scope
        from rar_app.models import AuditEvent

        with portal_db(portal), session_scope() as db:
            events = [e for e in db.exec(select(AuditEvent).where(
                AuditEvent.action == "application.representative_removed")) if number in e.details]
        assert len(events) == 1 and "imm5476_from_client" in events[0].details
        # The representative was told: a message in the account inbox (and its e-mail notice).
        visit(rep_page, portal, PATHS["inbox"][lang], lang, axe=False)
        rep_page.wait_for_selector("#queue tbody tr")
        assert any(number in s for s in rep_page.locator("#queue tbody tr td:nth-child(2)").all_inner_texts())
    finally:
        close_context(rep_ctx)
        close_context(client_ctx)
        close_context(staff_ctx)


# --------------------------------------------------------------------------- isolation


def test_one_representative_never_sees_anothers_files_messages_or_documents(portal, browser, tmp_path):
    from rar_app.db import session_scope
    from rar_app.models import Account, Message

    theirs = demo_numbers(portal, "demo.rep")
    mine = demo_numbers(portal, "demo.rep2")
    assert theirs and mine and not set(theirs) & set(mine)
    with portal_db(portal), session_scope() as db:
        rep_id = db.exec(select(Account).where(Account.username == "demo.rep")).one().id
        their_message = db.exec(select(Message.id).where(Message.account_id == rep_id)).first()

    # A file of demo.rep's with a document request, to upload into and download from.
    from rar_app.services.office import backoffice

    number = paper_file(portal, family=unique("Isolement"), holder="demo.rep")
    with portal_db(portal), session_scope() as db:
        from rar_app.models import Applicant

        applicant = db.exec(select(Applicant).where(Applicant.application_number == number)).one()
        backoffice.start_review(db, backoffice.SIMULATION, applicant.id)
        backoffice.request_documents(db, backoffice.SIMULATION, applicant.id, label_fr="Passeport",
                                     label_en="Passport")
        db.info.clear()  # no e-mail notice from this process
    theirs.append(number)

    owner_ctx, other_ctx = browser.new_context(), browser.new_context()
    try:
        owner = owner_ctx.new_page()
        sign_in(owner, portal, lang="en")
        open_status(owner, portal, "en", number, axe=False)
        owner.wait_for_selector(".doc-slots li")
        path = tmp_path / "mine.pdf"
        path.write_bytes(samples.pdf(marker="isolation"))
        owner.locator(".doc-slots input[type=file]").first.set_input_files(str(path))
        owner.wait_for_selector(".doc-slots .doc-file", timeout=30_000)
        with owner.expect_download() as caught:
            owner.locator(".doc-slots [id^=doc-download-]").first.click()
        link = caught.value.url

        other = other_ctx.new_page()
        sign_in(other, portal, lang="en", username="demo.rep2")
        for n in [*theirs[:5], number]:
            open_status(other, portal, "en", n, axe=False)
            assert other.locator("#status-not-found").count() == 1
            visit(other, portal, f"{PATHS['view']['en']}?n={n}", "en", axe=False)
            other.wait_for_selector("#status-not-found")
        visit(other, portal, PATHS["search_all"]["en"], "en", axe=False)
        other.wait_for_selector("#results tbody tr")
        shown = {t.split()[0] for t in other.locator("#results tbody tr td:first-child").all_inner_texts()}
        assert shown == set(mine)
        visit(other, portal, PATHS["search"]["en"], "en", axe=False)
        other.fill("#application_number", theirs[0])
        other.click("#search-submit")
        other.wait_for_selector("#no-results")
        visit(other, portal, f"{PATHS['message']['en']}?id={their_message}", "en", axe=False)
        other.wait_for_selector("#message-not-found")
        visit(other, portal, PATHS["inbox"]["en"], "en", axe=False)
        other.wait_for_selector("#queue tbody tr")
        assert not any(n in other.inner_text("#queue") for n in theirs)
        # The back office is for staff only.
        other.goto(portal.url(PATHS["backoffice"]["en"]))
        other.wait_for_url("**/sign-in**")
        # Their download link, in this session: not found.
        assert other_ctx.request.get(link).status == 404
        assert owner_ctx.request.get(link).status == 200
    finally:
        close_context(owner_ctx)
        close_context(other_ctx)
