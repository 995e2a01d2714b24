"""Accounts in a real browser, in French and English: sign-in with the security
question (wrong answer, three wrong answers → back to sign-in), the refusals'
messages, enrolment (server-side errors, what is kept, the result), forgotten
password (username → three questions → new password), forgotten username, and
"Modifier votre mot de passe". axe on every page and state shown.

The helpers at the top (in-process access to the portal's database, fresh
accounts through the accounts service, signing in with a chosen answer) are
shared with the other account test modules."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from rar_app.services.identity import accounts, demo_accounts, enrolment, throttle
from tests.browser.conftest import CHALLENGE_PATHS, answer_challenge, sign_in, visit
from tests.browser.harness import assert_accessible, close_context, mailed_link, outbox_names, portal_db, wait_ready

PASSWORD = "Kayak2026Zz"
NEW_PASSWORD = "Canot2027Yy"
ANSWERS = {"first_pet": "Pixel", "birth_city": "Gatineau", "primary_school": "Sainte-Marie"}
ADMIN = ("demo.admin", demo_accounts.DEMO_PASSWORD)

PATHS = {
    "sign_in": {"fr": "/fr/connexion", "en": "/en/sign-in"},
    "challenge": {"fr": "/fr/question-de-securite", "en": "/en/security-question"},
    "home": {"fr": "/fr/accueil-du-compte", "en": "/en/account-home"},
    "enrol": {"fr": "/fr/inscription", "en": "/en/enrolment"},
    "forgot_password": {"fr": "/fr/mot-de-passe-oublie", "en": "/en/forgot-password"},
    "lost_username": {"fr": "/fr/nom-utilisateur-oublie", "en": "/en/forgot-username"},
    "change_password": {"fr": "/fr/modifier-mot-de-passe", "en": "/en/change-password"},
    "profile": {"fr": "/fr/profil-du-compte", "en": "/en/account-profile"},
    "email": {"fr": "/fr/profil-du-compte/courriel", "en": "/en/account-profile/email"},
    "questions": {"fr": "/fr/profil-du-compte/questions-de-securite", "en": "/en/account-profile/security-questions"},
    "name_change": {"fr": "/fr/profil-du-compte/changement-de-nom", "en": "/en/account-profile/name-change"},
    "closure": {"fr": "/fr/profil-du-compte/fermeture", "en": "/en/account-profile/close-account"},
    "admin": {"fr": "/fr/administration/demandes", "en": "/en/administration/requests"},
}


# --------------------------------------------------------------------------- the portal's database, in-process




def clear_address_throttle(portal) -> None:
    """Every browser test signs in from 127.0.0.1: forget that address's failure counter
    (20 failures in 15 minutes lock it), so the failures these tests make on purpose
    never lock out the tests that come after them."""
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import AuthThrottle

    with portal_db(portal), session_scope() as db:
        for row in db.exec(select(AuthThrottle).where(AuthThrottle.key.startswith("ip:"))):
            db.delete(row)


@pytest.fixture(autouse=True)
def _fresh_address_counter(request):
    if "portal" not in request.fixturenames:
        yield
        return
    portal = request.getfixturevalue("portal")
    clear_address_throttle(portal)
    yield
    clear_address_throttle(portal)


# Letters that appear in neither PASSWORD nor NEW_PASSWORD: a random username never shares three
# consecutive characters with them (the password rule refused about one account in twenty).
_USERNAME_LETTERS = str.maketrans("0123456789abcdef", "bdefghijlmpqrsuv")


def new_username(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:10].translate(_USERNAME_LETTERS)}"


def create_account(portal, prefix: str = "rep", **details) -> str:
    """A fresh representative enrolled through the accounts service (active when the
    portal auto-approves). Password PASSWORD, security answers ANSWERS."""
    from rar_app.db import session_scope

    username = new_username(prefix)
    form = dict(family_name="Essai", given_names=prefix.title(), email=f"{username}@example.ca",
                phone="514-555-0199", business_name="Cabinet Essai", business_address="1, rue Test, Montréal",
                language="fr", regulatory_body="CICC", membership_number=f"R{uuid.uuid4().int % 10**7:07d}",
                questions=list(ANSWERS.items()), username=username, password=PASSWORD,
                password_confirmation=PASSWORD)
    form.update(details)
    with portal_db(portal), session_scope() as db:
        enrolment.enrol(db, enrolment.EnrolmentForm(**form))
    return username


def account_row(portal, username: str):
    from rar_app.db import session_scope

    with portal_db(portal), session_scope() as db:
        account = accounts.find_by_username(db, username)
        db.expunge(account)
        return account


def submit_credentials(page, portal, lang: str, username: str, password: str = PASSWORD) -> None:
    visit(page, portal, PATHS["sign_in"][lang], lang, axe=False)
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#sign-in-submit")


def sign_in_as(page, portal, lang: str, username: str, password: str = PASSWORD, answers=None) -> None:
    """Sign in a test account (answers by question key) and land on the account home."""
    answers = answers or ANSWERS
    submit_credentials(page, portal, lang, username, password)
    page.wait_for_url("**" + PATHS["challenge"][lang] + "**")
    wait_ready(page, lang)
    page.wait_for_function("!!document.querySelector('#challenge-question')?.dataset.questionKey")
    key = page.locator("#challenge-question").get_attribute("data-question-key")
    answer_challenge(page, lang, answers[key])
    page.wait_for_url("**" + PATHS["home"][lang] + "**")
    wait_ready(page, lang)


def sign_in_admin(page, portal, lang: str) -> None:
    sign_in(page, portal, lang, ADMIN[0], ADMIN[1])
    page.wait_for_url("**" + PATHS["admin"][lang] + "**")
    page.locator("#requests").wait_for()


def sign_out(page) -> None:
    page.click("#sign-out")  # visible in the header, as the guide says
    page.wait_for_url(re.compile(r"/(fr/session-fermee|en/signed-out)"))


def wait_text(page, selector: str, text: str, timeout: float = 20_000) -> None:
    try:
        page.wait_for_function("([s, t]) => (document.querySelector(s)?.innerText || '').includes(t)",
                               arg=[selector, text], timeout=timeout)
    except Exception:
        shown = page.locator(selector).inner_text(timeout=1000) if page.locator(selector).count() else "(absent)"
        raise AssertionError(f"{selector} should contain {text!r}; it shows {shown!r} at {page.url}") from None


def summary_text(page) -> str:
    page.locator("#error-summary").wait_for()
    return page.locator("#error-summary").inner_text()


def expect_focus(page, element_id: str) -> None:
    page.wait_for_function("(id) => document.activeElement?.id === id", arg=element_id, timeout=5000)


# --------------------------------------------------------------------------- sign-in and the security question

TEXT = {
    "fr": {
        "wrong_2": "La réponse est incorrecte. Il vous reste 2 tentatives",
        "wrong_1": "Il vous reste 1 tentative\u00a0;",
        "locked": "Trop de réponses incorrectes. Votre session a été fermée.",
        "bad_credentials": "Le nom d’utilisateur ou le mot de passe est incorrect.",
        "closed": "Ce compte est fermé.",
        "pending": "Votre inscription n’a pas encore été approuvée par un administrateur.",
        "refused": "Votre inscription a été refusée.",
        "home": "Accueil du compte",
        "challenge": "Question de sécurité",
        "expired": "Votre session a expiré",
        "answer_required": "Entrez votre réponse à la question de sécurité.",
    },
    "en": {
        "wrong_2": "The answer is incorrect. You have 2 attempts left",
        "wrong_1": "You have 1 attempt left",
        "locked": "Too many incorrect answers. Your session was ended.",
        "bad_credentials": "The username or password is incorrect.",
        "closed": "This account is closed.",
        "pending": "Your enrolment has not yet been approved by an administrator.",
        "refused": "Your enrolment was refused.",
        "home": "Account home",
        "challenge": "Security question",
        "expired": "Your session has expired",
        "answer_required": "Enter your answer to the security question.",
    },
}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sign_in_asks_the_security_question_wrong_answer_then_right(portal, page, context, lang):
    username = create_account(portal, f"chal{lang}")
    visit(page, portal, PATHS["sign_in"][lang], lang)  # axe on the sign-in page
    for label in (("Partenaire de connexion", "Vous avez oublié votre mot de passe\u00a0?") if lang == "fr"
                  else ("Sign-In Partner", "Forgot your password?")):
        assert page.get_by_text(label, exact=True).count() == 1
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#sign-in-submit")
    page.wait_for_url("**" + PATHS["challenge"][lang] + "**")
    wait_ready(page, lang)
    page.locator("#challenge-question").wait_for()
    expect(page.locator("h1")).to_have_text(TEXT[lang]["challenge"])
    assert_accessible(page, "security question")
    # The session cookie exists already, but names a session that is not complete:
    # protected pages still send the browser back to sign-in.
    assert any(c["name"] == "rar_session" and c["httpOnly"] for c in context.cookies())
    key = page.locator("#challenge-question").get_attribute("data-question-key")
    assert key in ANSWERS
    question_text = accounts.question_text(key, lang)
    assert page.locator("#challenge-question").inner_text() == question_text

    page.click("#challenge-submit")  # empty
    assert TEXT[lang]["answer_required"] in summary_text(page)
    expect_focus(page, "error-summary")

    page.fill("#answer", "Mauvaise réponse")
    page.click("#challenge-submit")
    wait_text(page, "#error-summary", TEXT[lang]["wrong_2"])
    expect(page.locator("#answer")).to_have_value("")
    assert page.locator("#answer").get_attribute("aria-invalid") == "true"
    assert_accessible(page, "wrong answer")
    # Reloading shows the same question (no picking an easier one).
    page.reload()
    wait_ready(page, lang)
    page.locator("#challenge-question").wait_for()
    assert page.locator("#challenge-question").get_attribute("data-question-key") == key

    page.fill("#answer", ANSWERS[key].upper())  # case does not matter
    page.click("#challenge-submit")
    page.wait_for_url("**" + PATHS["home"][lang] + "**")
    wait_ready(page, lang)
    expect(page.locator("h1")).to_have_text(TEXT[lang]["home"])
    # Back to the question page once signed in: straight to the account home.
    page.goto(portal.url(PATHS["challenge"][lang]))
    page.wait_for_url("**" + PATHS["home"][lang] + "**")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_three_wrong_answers_end_the_session(portal, page, context, lang):
    username = create_account(portal, f"lock{lang}")
    submit_credentials(page, portal, lang, username)
    page.wait_for_url("**" + PATHS["challenge"][lang] + "**")
    page.locator("#challenge-question").wait_for()
    for expected in (TEXT[lang]["wrong_2"], TEXT[lang]["wrong_1"]):
        page.fill("#answer", "pas la bonne")
        page.click("#challenge-submit")
        wait_text(page, "#error-summary", expected)
        # The refusal empties the box, then focuses the summary: typing before both ran
        # would be emptied (as a person's would on a very slow link).
        expect(page.locator("#error-summary")).to_be_focused()
        expect(page.locator("#answer")).to_have_value("")
    page.fill("#answer", "toujours pas")
    page.click("#challenge-submit")
    page.wait_for_url(re.compile(re.escape(PATHS["sign_in"][lang]) + r"/?\?locked=1"))
    wait_ready(page, lang)
    wait_text(page, "#notice", TEXT[lang]["locked"])
    assert_accessible(page, "locked out")
    # The challenge session is revoked: its page sends back to sign-in.
    page.goto(portal.url(PATHS["challenge"][lang]))
    page.wait_for_url(re.compile(re.escape(PATHS["sign_in"][lang]) + r"/?\?expired=1"))
    wait_text(page, "#notice", TEXT[lang]["expired"])
    # Signing in again works (the account is not locked by three answers alone).
    sign_in_as(page, portal, lang, username)


def test_username_typed_on_a_slow_portal_is_kept(portal, page):
    """The username box is the browser's own, read from the submitted form: typing then
    pressing « Se connecter » while the portal has not answered yet (a slow portal) sends
    what was typed. (A box bound to the state showed the state's empty value until the
    portal's answer came back, and the form sent that.)"""
    username = create_account(portal, "slow")
    held: list = []
    holding = [False]

    def hold_answers(ws):
        server = ws.connect_to_server()
        # Engine.IO/Socket.IO handshakes and pings pass; the portal's events ("42…") wait.
        server.on_message(lambda m: held.append((ws, m)) if holding[0] and str(m).startswith("42")
                          else ws.send(m))

    page.route_web_socket(re.compile(r"/_event"), hold_answers)
    visit(page, portal, PATHS["sign_in"]["fr"], "fr", axe=False)
    holding[0] = True
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    expect(page.locator("#username")).to_have_value(username)
    page.click("#sign-in-submit")
    page.wait_for_timeout(500)
    holding[0] = False
    for ws, m in held:
        ws.send(m)
    page.wait_for_url("**" + PATHS["challenge"]["fr"] + "**")


def test_a_form_pressed_before_the_page_is_ready_is_not_sent_in_the_address(portal, page):
    """Before the page's code has run (held back here), « Se connecter » must not send the
    form the browser's own way: a GET would put the password in the address."""
    held: list = []
    page.route(re.compile(r"/assets/.*\.js$"), lambda route: held.append(route))
    page.goto(portal.url(PATHS["sign_in"]["fr"]), wait_until="domcontentloaded")
    page.wait_for_function("window.__rarLangCarry === true")  # the portal's own small script has run
    page.fill("#username", "someone")
    page.fill("#password", "Secret-2026-x")
    page.click("#sign-in-submit", no_wait_after=True)
    page.wait_for_timeout(1000)
    assert "Secret" not in page.url and "password" not in page.url, page.url
    assert held, "the page's code was not held back: this test checked nothing"
    for route in held:
        route.continue_()
    page.unroute(re.compile(r"/assets/.*\.js$"))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_refused_sign_ins_show_the_services_message(portal, page, lang):
    nobody = new_username("nobody")
    submit_credentials(page, portal, lang, nobody, "Whatever2026x")
    wait_text(page, "#error-summary", TEXT[lang]["bad_credentials"])
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator("#username")).to_have_value(nobody)  # what was typed is kept
    assert_accessible(page, "bad credentials")
    # Closed and refused accounts: the right password says why, nothing else does.
    closed = create_account(portal, f"closed{lang}")
    refused = create_account(portal, f"refus{lang}")
    from rar_app.db import session_scope

    with portal_db(portal), session_scope() as db:
        for name, status in ((closed, "closed"), (refused, "refused")):
            account = accounts.find_by_username(db, name)
            account.status = status
            db.add(account)
    submit_credentials(page, portal, lang, closed)
    wait_text(page, "#error-summary", TEXT[lang]["closed"])
    submit_credentials(page, portal, lang, refused)
    wait_text(page, "#error-summary", TEXT[lang]["refused"])


THROTTLED = {"fr": re.compile(r"Trop de tentatives infructueuses\. Réessayez dans \d+\u00a0secondes?\."),
             "en": re.compile(r"Too many unsuccessful attempts\. Try again in \d+ seconds?\.")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_repeated_wrong_passwords_slow_the_username_down_without_locking_it(portal, page, lang):
    """Issue 14, point 7: a progressive slow-down, not a lock anyone could trigger."""
    from sqlmodel import select

    from rar_app.db import session_scope
    from rar_app.models import AuditEvent

    username = create_account(portal, f"lock{lang}")
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        submit_credentials(page, portal, lang, username, "Wrong2026pass")
        wait_text(page, "#error-summary", TEXT[lang]["bad_credentials"])
    # Now even the right password is refused, with a message that says to wait.
    submit_credentials(page, portal, lang, username)
    expect(page.locator("#error-summary")).to_contain_text(THROTTLED[lang])
    assert page.input_value("#username") == username, "the username typed is kept"
    expect(page.locator("#password")).to_have_value("")
    assert_accessible(page, "throttled")
    assert page.url.split("?")[0].rstrip("/").endswith(PATHS["sign_in"][lang].rstrip("/"))
    account_id = account_row(portal, username).id
    with portal_db(portal), session_scope() as db:
        actions = {e.action for e in db.exec(select(AuditEvent).where(AuditEvent.action.in_(["auth.slowed_down", "auth.throttled"])))
                   if str(account_id) in (e.object_id, str(e.actor_id)) or username in e.details}
    assert actions == {"auth.slowed_down", "auth.throttled"}
    # The wait is seconds, not a lock: once it is over the right password opens the account.
    waited = int(re.search(r"(\d+)", page.locator("#error-summary").inner_text()).group(1))
    page.wait_for_timeout((waited + 1) * 1000)
    submit_credentials(page, portal, lang, username)
    page.wait_for_url("**" + PATHS["challenge"][lang] + "**")


def test_demo_administrator_signs_in_to_the_requests_page(portal, page):
    sign_in_admin(page, portal, "fr")
    expect(page.locator("h1")).to_have_text("Administration\u00a0: demandes des comptes")
    assert_accessible(page, "administration")
    # A representative is not let in.
    ctx = page.context.browser.new_context()
    other = ctx.new_page()
    try:
        sign_in(other, portal, "en")
        other.goto(portal.url(PATHS["admin"]["en"]))
        other.wait_for_url("**/en/sign-in**")
    finally:
        close_context(ctx)


# --------------------------------------------------------------------------- enrolment

ENROL_TEXT = {
    "fr": {"required": "Ce champ est obligatoire.", "uppercase": "au moins une lettre majuscule",
           "mismatch": "La confirmation ne correspond pas au mot de passe.",
           "email": "Entrez une adresse de courriel valide", "done": "Votre compte est créé",
           "taken": "Ce nom d’utilisateur n’est pas disponible.",
           "duplicate": "Choisissez trois questions différentes.",
           "previous": "Indiquez le nom d’utilisateur ou le numéro de membre de votre compte antérieur.",
           "merge": "Votre demande de fusion avec votre compte antérieur a été transmise"},
    "en": {"required": "This field is required.", "uppercase": "at least one uppercase letter",
           "mismatch": "The confirmation does not match the password.",
           "email": "Enter a valid email address", "done": "Your account is created",
           "taken": "This username is not available.",
           "duplicate": "Choose three different questions.",
           "previous": "Give the username or membership number of your previous account.",
           "merge": "Your request to merge your previous account was sent"},
}


def fill_enrolment(page, username: str, *, password: str = PASSWORD, confirmation: str | None = None,
                   email: str | None = None, questions=None, language: str = "fr", family_name: str = "Lavoie",
                   previous: str | None = None, previous_password: str = "") -> None:
    page.fill("#family_name", family_name)
    page.fill("#given_names", "Josée")
    page.fill("#email", email if email is not None else f"{username}@example.ca")
    page.fill("#phone", "819-555-0142")
    page.fill("#business_name", "Lavoie Immigration")
    page.fill("#business_address", "25, rue Principale, Gatineau (Québec)")
    page.select_option("#regulatory_body", "CICC")
    page.fill("#membership_number", f"R{uuid.uuid4().int % 10**6:06d}")
    page.click("#language" if language == "fr" else "#language-en")
    for n, (key, answer) in enumerate(questions or ANSWERS.items(), start=1):
        page.select_option(f"#question_{n}", key)
        page.fill(f"#answer_{n}", answer)
    page.fill("#username", username)
    page.fill("#password", password)
    page.fill("#password_confirmation", password if confirmation is None else confirmation)
    if previous is None:
        page.click("#already_enrolled-no")
    else:
        page.click("#already_enrolled")
        page.locator("#previous_username").wait_for()
        if previous:
            page.fill("#previous_username", previous)
        if previous_password:
            page.fill("#previous_password", previous_password)


def submit_enrolment(page) -> None:
    page.click("#enrol-submit")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_enrolment_errors_then_success_then_sign_in(portal, page, lang):
    text = ENROL_TEXT[lang]
    visit(page, portal, PATHS["enrol"][lang], lang)
    expect(page.locator("h1")).to_have_text(("Inscription" if lang == "fr" else "Enrolment"))
    assert ("Vous êtes-vous déjà inscrit avec succès\u00a0?" if lang == "fr"
            else "Have you already enrolled successfully?") in page.locator("#section-previous legend").inner_text()
    # Every rule of the password is shown before the field.
    assert page.locator("#password-rules li").count() == 6
    # Regulatory bodies from the accounts service.
    assert page.locator("#regulatory_body option[value=CICC]").count() == 1

    submit_enrolment(page)
    summary = summary_text(page)
    expect_focus(page, "error-summary")
    assert text["required"] in summary
    assert page.locator("#family_name").get_attribute("aria-invalid") == "true"
    assert page.locator("#already_enrolled-error").is_visible()
    assert_accessible(page, "empty enrolment")

    username = new_username(f"enrol{lang}")
    taken = create_account(portal, "taken")
    fill_enrolment(page, taken, password="kayak2026", confirmation="Kayak2026", email="pas-un-courriel",
                   questions=[("first_pet", "Pixel"), ("first_pet", "Pixel"), ("primary_school", "Sainte-Marie")],
                   previous="")
    submit_enrolment(page)
    wait_text(page, "#error-summary", text["uppercase"])
    summary = summary_text(page)
    for expected in (text["email"], text["duplicate"], text["previous"]):
        assert expected in summary, expected
    # A username already in use is not revealed (issue 14, point 7): no error on that field.
    assert text["taken"] not in summary
    assert page.locator("#username").get_attribute("aria-invalid") != "true"
    assert page.locator("#password-error").inner_text().find(text["uppercase"]) >= 0, "beside the field too"
    # What was typed is kept, except the passwords.
    assert page.input_value("#business_name") == "Lavoie Immigration"
    assert page.input_value("#answer_3") == "Sainte-Marie"
    assert page.input_value("#username") == taken
    expect(page.locator("#password")).to_have_value("")
    expect(page.locator("#password_confirmation")).to_have_value("")
    assert_accessible(page, "enrolment with errors")
    # A summary link takes the user to the field.
    page.locator("#error-summary a", has_text=text["email"]).click()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'email'")

    fill_enrolment(page, username, language=lang)
    submit_enrolment(page)
    page.locator("#enrol-done").wait_for()
    assert page.locator("#enrol-done").get_attribute("data-status") == "active"  # demo: auto-approved
    assert text["done"] in page.locator("#enrol-done").inner_text()
    assert_accessible(page, "enrolment done")
    account = account_row(portal, username)
    assert (account.status, account.regulatory_body, account.language) == ("active", "CICC", lang)

    page.click("#enrol-go-sign-in")
    page.wait_for_url("**" + PATHS["sign_in"][lang] + "**")
    sign_in_as(page, portal, lang, username)


def merge_details(portal, username: str) -> dict:
    import json

    from rar_app.db import session_scope
    from rar_app.models import AccountRequest
    from sqlmodel import select

    new_id = account_row(portal, username).id
    with portal_db(portal), session_scope() as db:
        (merge,) = [r for r in db.exec(select(AccountRequest).where(AccountRequest.account_id == new_id,
                                                                    AccountRequest.status == "open"))]
        assert merge.kind == "merge"
        return json.loads(merge.details)


def test_enrolment_with_previous_account_asks_for_a_merge_proven_by_the_link_it_mails(portal, page):
    previous = create_account(portal, "old", language="en")
    username = new_username("new")
    before = outbox_names(portal)
    visit(page, portal, PATHS["enrol"]["en"], "en", axe=False)
    fill_enrolment(page, username, previous=previous)
    assert page.locator("#previous_password").get_attribute("type") == "password"
    assert_accessible(page, "previous account fields")
    submit_enrolment(page)
    page.locator("#enrol-done").wait_for()
    assert ENROL_TEXT["en"]["merge"] in page.locator("#enrol-done").inner_text()
    assert "proven_account_id" not in merge_details(portal, username), "no proof yet: the merge cannot be approved"

    # The link mailed to the earlier account's address: opening it proves nothing, confirming does.
    link = mailed_link(portal, f"{previous}@example.ca", after=before)
    assert link.startswith(portal.url("/en/confirm-merge?lien="))
    page.goto(link)
    page.locator("#merge-confirm").wait_for()
    page.wait_for_function("!location.search.includes('lien=')")
    expect(page.locator("h1")).to_have_text("Confirm the merge of your account")
    expect(page.locator("#merge-previous")).to_have_text(previous)
    expect(page.locator("#merge-new")).to_have_text(username)
    assert_accessible(page, "merge confirmation")
    assert "proven_account_id" not in merge_details(portal, username)
    page.click("#merge-confirm")
    page.locator("#merge-confirmed").wait_for()
    details = merge_details(portal, username)
    assert details["proof"] == "email_link" and details["proven_account_id"] == account_row(portal, previous).id
    # The link works once.
    page.goto(link)
    wait_text(page, "#error-summary", accounts.message("merge_link_invalid", "en"))
    assert page.locator("#merge-confirm").count() == 0


def test_enrolment_with_the_previous_accounts_password_proves_the_merge(portal, page):
    previous = create_account(portal, "oldpw")
    username, other = new_username("newpw"), new_username("newbad")
    visit(page, portal, PATHS["enrol"]["fr"], "fr", axe=False)
    fill_enrolment(page, other, previous=previous, previous_password="Devine2026Xy")
    submit_enrolment(page)
    page.locator("#enrol-done").wait_for()
    assert "proven_account_id" not in merge_details(portal, other), "a wrong password proves nothing"
    visit(page, portal, PATHS["enrol"]["fr"], "fr", axe=False)
    fill_enrolment(page, username, previous=previous, previous_password=PASSWORD)
    submit_enrolment(page)
    page.locator("#enrol-done").wait_for()
    assert ENROL_TEXT["fr"]["merge"] in page.locator("#enrol-done").inner_text()
    details = merge_details(portal, username)
    assert details["proof"] == "password" and details["proven_account_id"] == account_row(portal, previous).id


# --------------------------------------------------------------------------- forgotten password and username


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_forgot_password_link_by_email_then_three_questions_then_new_password(portal, page, lang):
    username = create_account(portal, f"forgot{lang}", language=lang)
    visit(page, portal, PATHS["sign_in"][lang], lang, axe=False)
    page.click("#forgot-password-link")
    page.wait_for_url("**" + PATHS["forgot_password"][lang] + "**")
    wait_ready(page, lang)
    expect(page.locator("h1")).to_have_text("Vous avez oublié votre mot de passe\u00a0?" if lang == "fr"
                                               else "Forgot your password?")
    assert_accessible(page, "recovery: username")
    page.click("#recovery-next")
    summary_text(page)

    # An unknown username gets the same answer: nothing tells it does not exist.
    page.fill("#username", new_username("ghost"))
    page.click("#recovery-next")
    page.locator("#recovery-sent").wait_for()
    sent_text = page.locator("#recovery-sent").inner_text()
    page.click("#recovery-start-again")
    page.locator("#recovery-username-form").wait_for()

    before = outbox_names(portal)
    page.fill("#username", username)
    page.click("#recovery-next")
    page.locator("#recovery-sent").wait_for()
    assert page.locator("#recovery-sent").inner_text() == sent_text
    wait_text(page, "#recovery-step", "2")
    assert page.locator("#answer_1").count() == 0, "no question before the link is followed"
    assert_accessible(page, "recovery: link sent")

    # The link in the e-mail opens the questions (and leaves the address bar).
    link = mailed_link(portal, f"{username}@example.ca", after=before)
    assert link.startswith(portal.url(PATHS["forgot_password"][lang] + "?lien="))
    page.goto(link)
    page.locator("#recovery-question-3").wait_for()
    page.wait_for_function("!location.search.includes('lien=')")
    wait_text(page, "#recovery-step", "3")
    shown = [page.locator(f"#recovery-question-{n}").inner_text() for n in (1, 2, 3)]
    assert shown == [accounts.question_text(k, lang) for k in ANSWERS]
    assert_accessible(page, "recovery: questions")
    page.fill("#answer_1", "Pixel")
    page.fill("#answer_2", "Montréal")  # wrong
    page.fill("#answer_3", "Sainte-Marie")
    page.click("#recovery-answers-next")
    wait_text(page, "#error-summary", accounts.message("recovery_failed", lang))
    expect(page.locator("#answer_1")).to_have_value("")
    for n, answer in enumerate(ANSWERS.values(), start=1):
        page.fill(f"#answer_{n}", answer)
    page.click("#recovery-answers-next")
    page.locator("#new_password").wait_for()
    wait_text(page, "#recovery-step", "4")
    assert_accessible(page, "recovery: new password")
    page.fill("#new_password", "court1A")
    page.fill("#new_password_confirmation", "court1A")
    page.click("#recovery-save")
    wait_text(page, "#error-summary", accounts.message("password_length", lang))
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#new_password_confirmation", NEW_PASSWORD)
    page.click("#recovery-save")
    page.wait_for_url(re.compile(re.escape(PATHS["sign_in"][lang]) + r"/?\?reset=1"))
    wait_text(page, "#notice", "Votre mot de passe a été réinitialisé" if lang == "fr" else "Your password has been reset")
    sign_in_as(page, portal, lang, username, NEW_PASSWORD)

    # The link works once.
    page.goto(link)
    wait_text(page, "#error-summary", accounts.message("recovery_link_invalid", lang))
    assert page.locator("#answer_1").count() == 0


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lost_username_explains_the_new_credential_path(portal, page, lang):
    visit(page, portal, PATHS["sign_in"][lang], lang, axe=False)
    page.click("#lost-username-link")
    page.wait_for_url("**" + PATHS["lost_username"][lang] + "**")
    wait_ready(page, lang)
    assert_accessible(page, "lost username")
    body = page.locator("main").inner_text()
    assert ("Ajouter une demande de client à votre compte" if lang == "fr"
            else "Add a client application to your account") in body
    page.click("#lost-username-enrol")
    page.wait_for_url("**" + PATHS["enrol"][lang] + "**")


# --------------------------------------------------------------------------- change password


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_change_password(portal, page, browser, lang):
    username = create_account(portal, f"chpw{lang}")
    sign_in_as(page, portal, lang, username)
    # A second session of the same account, elsewhere: closed by the change.
    other_ctx = browser.new_context()
    other = other_ctx.new_page()
    try:
        sign_in_as(other, portal, lang, username)
        visit(page, portal, PATHS["home"][lang], lang, axe=False)
        page.get_by_role("link", name="Modifier votre mot de passe" if lang == "fr" else "Change your password").click()
        page.wait_for_url("**" + PATHS["change_password"][lang] + "**")
        wait_ready(page, lang)
        assert_accessible(page, "change password")
        page.fill("#current_password", "Mauvais2026x")
        page.fill("#new_password", NEW_PASSWORD)
        page.fill("#new_password_confirmation", NEW_PASSWORD)
        page.click("#change-password-submit")
        wait_text(page, "#error-summary", accounts.message("current_password_wrong", lang))
        expect(page.locator("#new_password")).to_have_value("")
        assert_accessible(page, "change password errors")
        page.fill("#current_password", PASSWORD)
        page.fill("#new_password", NEW_PASSWORD)
        page.fill("#new_password_confirmation", "Autre2027Zz")
        page.click("#change-password-submit")
        wait_text(page, "#error-summary", accounts.message("password_mismatch", lang))
        page.fill("#current_password", PASSWORD)
        page.fill("#new_password", NEW_PASSWORD)
        page.fill("#new_password_confirmation", NEW_PASSWORD)
        page.click("#change-password-submit")
        page.locator("#form-status").wait_for()
        expect_focus(page, "form-status")
        assert page.locator("#error-summary").count() == 0
        # This session goes on; the other one is closed.
        visit(page, portal, PATHS["profile"][lang], lang, axe=False)
        other.goto(portal.url(PATHS["profile"][lang]))
        other.wait_for_url("**" + PATHS["sign_in"][lang] + "**")
    finally:
        close_context(other_ctx)
    sign_out(page)
    submit_credentials(page, portal, lang, username, PASSWORD)
    wait_text(page, "#error-summary", TEXT[lang]["bad_credentials"])
    sign_in_as(page, portal, lang, username, NEW_PASSWORD)


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_account_pages_fit_a_phone(portal, phone_context, lang):
    from tests.browser.harness import assert_no_horizontal_scroll

    page = phone_context.new_page()
    for name in ("sign_in", "enrol", "forgot_password", "lost_username"):
        visit(page, portal, PATHS[name][lang], lang)
        assert_no_horizontal_scroll(page)
    username = create_account(portal, f"phone{lang}")
    submit_credentials(page, portal, lang, username)
    page.wait_for_url("**" + PATHS["challenge"][lang] + "**")
    page.locator("#challenge-question").wait_for()
    assert_no_horizontal_scroll(page)
    key = page.locator("#challenge-question").get_attribute("data-question-key")
    answer_challenge(page, lang, ANSWERS[key])
    page.wait_for_url("**" + PATHS["home"][lang] + "**")
    for name in ("profile", "email", "questions", "change_password", "name_change", "closure"):
        visit(page, portal, PATHS[name][lang], lang)
        page.locator("#main form, #profile-username").first.wait_for()
        assert_no_horizontal_scroll(page)
