"""The simulated office's IFHP decision (a program whose ``extra["office"]`` is
``"coverage_document"``).

- The rules in force (`rules.ifhp`) no longer make the client eligible → refused with
  the rules engine's reason.
- A document of the group's checklist was not uploaded with the request → one
  document request per missing document (answered through the usual upload slot);
  once every request is answered the file comes back and is decided again.
- Otherwise approved: a certificate of eligibility with its number and validity
  (months of the dated parameter ``ifhp.coverage_months`` for the group), written as a
  bilingual PDF (`pdf.render`), stored like any document (random key, never served
  directly) and attached to the application, so the representative downloads it
  through the portal's secure download route; told in one message.
"""

from __future__ import annotations

import hashlib
import io
import secrets
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from rar_app import rules
from rar_app.i18n import t
from rar_app.models import Document, DocumentRequest, IssuedAuthorization
from rar_app.services import audit
from rar_app.services.office import backoffice, decisions, pdf
from rar_app.storage import get_store
from rar_app.storage.base import new_key

KIND = "coverage_document"
CERTIFICATE_SLOT = "issued-ifhp-certificate"


def _number(db: Session) -> str:
    for _ in range(100):
        number = f"IFHC{10_000_000 + secrets.randbelow(90_000_000)}"
        if db.exec(select(IssuedAuthorization.id).where(IssuedAuthorization.number == number)).first() is None:
            return number
    raise RuntimeError("could not allocate a certificate number")  # pragma: no cover


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def missing_documents(db: Session, app_id: int, applicant_id: int, required: list[dict]) -> list[dict]:
    """Checklist documents with nothing uploaded in their slot."""
    uploaded = set(db.exec(select(Document.slot_code).where(Document.application_id == app_id,
                                                            Document.deleted_at.is_(None))))
    return [d for d in required if d["code"] not in uploaded]


def decide(db: Session, actor: backoffice.Actor, applicant_id: Any, *, on: date | None = None) -> str | None:
    """One move of the decision. Returns "refused", "documents_requested", "issued", or None."""
    on = on or date.today()
    opened = decisions.open_case(db, actor, applicant_id, kind=KIND, on=on, rule=rules.ifhp, passes="eligible",
                                 refused_key="ifhp.office_refused_reason",
                                 facts_of=lambda program, answers: program.extra["facts"](answers, on))
    if opened is None or opened == decisions.REFUSED:
        return opened
    applicant, app, program, facts, verdict, verdict_en = opened
    asked = db.exec(select(DocumentRequest.id).where(DocumentRequest.applicant_id == applicant.id)).first()
    missing = [] if asked else missing_documents(db, app.id, applicant.id, verdict["documents"])
    if missing:
        for d in missing:
            backoffice.request_documents(
                db, actor, applicant.id,
                label_fr=t("ifhp.office_missing_label", "fr", document=d["label_fr"]),
                label_en=t("ifhp.office_missing_label", "en", document=d["label_en"]),
                note_fr=t("ifhp.office_missing_note", "fr"), note_en=t("ifhp.office_missing_note", "en"),
                due_on=on + timedelta(days=30))
        return "documents_requested"
    _issue(db, actor, applicant.id, facts, verdict, verdict_en, on)
    return "issued"


def certificate_pdf(*, number: str, application_number: str, holder: str, birth: str, uci: str, group_fr: str,
                    group_en: str, basic: bool, city: str, start: date, end: date) -> bytes:
    """The certificate of eligibility, French then English."""
    lines: list[pdf.Line] = []
    for lang, group in (("fr", group_fr), ("en", group_en)):
        colon = "\u00a0: " if lang == "fr" else ": "
        coverage = t("ifhp.certificate_basic" if basic else "ifhp.certificate_supplemental", lang)
        lines += [
            pdf.Line(t("ifhp.certificate_title", lang), 15, True, 18 if lang == "en" else 6),
            pdf.Line(f"{t('ifhp.certificate_number', lang)}{colon}{number}", 12, True),
            pdf.Line(f"{t('ifhp.certificate_application', lang)}{colon}{application_number}"),
            pdf.Line(f"{t('ifhp.certificate_holder', lang)}{colon}{holder}"),
            pdf.Line(f"{t('ifhp.certificate_birth', lang)}{colon}{birth}"),
            pdf.Line(f"{t('ifhp.certificate_uci', lang)}{colon}{uci or '—'}"),
            pdf.Line(f"{t('ifhp.certificate_group', lang)}{colon}{group}"),
            pdf.Line(f"{t('ifhp.certificate_coverage', lang)}{colon}{coverage}"),
            pdf.Line(f"{t('ifhp.certificate_city', lang)}{colon}{city}"),
            pdf.Line(t("ifhp.certificate_valid", lang, start=start.isoformat(), end=end.isoformat()), 12, True),
            pdf.Line(t("ifhp.certificate_training", lang), 9),
        ]
    return pdf.render(f"{t('ifhp.certificate_title', 'fr')} {number}", lines)


def _issue(db: Session, actor: backoffice.Actor, applicant_id: int, facts: dict[str, Any], verdict: dict,
           verdict_en: dict, on: date) -> None:
    applicant, app = backoffice.move(db, actor, applicant_id, "approve")
    applicant.decision = "approved"
    end = _add_months(on, int(verdict["coverage_months"])) - timedelta(days=1)
    number = _number(db)
    holder = " ".join(x for x in (facts["given_names"], facts["family_name"]) if x)
    body = certificate_pdf(number=number, application_number=applicant.application_number or "", holder=holder,
                           birth=facts["date_of_birth"], uci=facts["uci"], group_fr=verdict["group"]["label_fr"],
                           group_en=verdict["group"]["label_en"], basic=verdict["basic_coverage"],
                           city=facts["city"], start=on, end=end)
    key = new_key()
    store = get_store()
    store.put_stream(key, io.BytesIO(body), content_type="application/pdf")
    doc = Document(owner_id=None, application_id=app.id, applicant_id=applicant.id, slot_code=CERTIFICATE_SLOT,
                   original_name=f"{t('ifhp.certificate_filename', 'fr')}-{number}.pdf",
                   content_type="application/pdf", size_bytes=len(body), sha256=hashlib.sha256(body).hexdigest(),
                   storage_key=key, status="accepted")
    db.add(doc)
    db.flush()
    db.add(IssuedAuthorization(application_id=app.id, applicant_id=applicant.id, kind=KIND, number=number,
                               valid_from=on, valid_until=end, document_id=doc.id))
    values = {"certificate": number, "valid_until": end.isoformat()}
    document = t("ifhp.issued_document", "fr", **values)[:100]
    backoffice.move(db, actor, applicant.id, "close", issued_document=document, issued_at=on.isoformat())
    applicant.issued_document, applicant.issued_at = document, on
    db.add(applicant)
    audit.record(db, "office.ifhp_certificate_issued", actor_id=actor.account_id, actor_role=actor.role,
                 object_type="application", object_id=app.id, ip=actor.ip, applicant_id=applicant.id,
                 certificate=number, valid_until=end.isoformat(), document_id=doc.id,
                 reference=verdict["coverage_reference"])
    texts_values = {**values, "client": holder, "number": applicant.application_number or ""}
    texts = {"subject_fr": t("ifhp.office_issued_subject", "fr", number=applicant.application_number or ""),
             "subject_en": t("ifhp.office_issued_subject", "en", number=applicant.application_number or ""),
             "body_fr": t("ifhp.office_issued_body", "fr", **texts_values),
             "body_en": t("ifhp.office_issued_body", "en", **texts_values)}
    backoffice.notify(db, app, applicant, None, "updated", texts=texts)
