"""What the inbox and its e-mail notices share: the categories and details of a
message and their labels, where a notice sends people, and who it goes to. Both
messages.py (posting, the inbox) and mailer.py (sending the notices) build on it."""

from __future__ import annotations

from sqlmodel import Session

from rar_app import rules
from rar_app.i18n import LANGS, t
from rar_app.models import Account, Application, Message

CATEGORY_ACCOUNT = "account"
DETAILS = ("updated", "follow_up", "information")

# Where notices send people (the pages register these same addresses).
INBOX_PATH = {"fr": "/fr/messages-du-compte", "en": "/en/account-messages"}
CLIENT_HOME_PATH = {"fr": "/fr/client/accueil", "en": "/en/client/home"}
ENROL_PATH = {"fr": "/fr/inscription", "en": "/en/enrolment"}  # for the refused enrolment's notice


def categories() -> list[str]:
    """Category codes of the representative queue: the account itself, then each application type."""
    return [CATEGORY_ACCOUNT] + [a["code"] for a in rules.APPLICATION_TYPES]


def category_label(code: str, lang: str) -> str:
    if code == CATEGORY_ACCOUNT or not code:
        return t("messages.category_account", lang)
    for a in rules.APPLICATION_TYPES:
        if a["code"] == code:
            return a["label_fr"] if lang == "fr" else a["label_en"]
    from rar_app.programs import registry  # noqa: PLC0415 (programs' own names, e.g. eTA, IFHP)

    return registry.program_label(code, lang) or code


def detail_label(code: str, lang: str) -> str:
    return t(f"messages.detail_{code}", lang) if code in DETAILS else code


def category_values(code: str) -> dict[str, str]:
    return {lang: category_label(code, lang) for lang in LANGS}


def recipient_for(db: Session, message: Message) -> Account | None:
    """Who the e-mail notice of `message` goes to: the inbox owner, else whoever holds
    the application (its representative, or the client who took it over)."""
    if message.account_id is not None:
        return db.get(Account, message.account_id)
    if message.application_id is not None:
        app = db.get(Application, message.application_id)
        if app is not None:
            holder = app.representative_id or app.client_account_id
            return db.get(Account, holder) if holder else None
    return None


def notice_allowed(message: Message, recipient: Account) -> bool:
    """Active accounts get a notice of every message. A refused enrolment cannot
    sign in, so its only notice is the one about its own account (the refusal),
    which says so instead of inviting it to sign in (mailer.build_notice)."""
    if recipient.status == "active":
        return True
    return recipient.status == "refused" and message.category == CATEGORY_ACCOUNT
