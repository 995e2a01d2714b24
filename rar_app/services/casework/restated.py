"""What the Signature page restates (the guide: « Elle fait état des réponses que vous avez
données et de votre consentement en ce qui a trait à l’utilisation de vos renseignements »):
the questionnaire's answers, as the review shows them, and the declaration's consent
answers recorded when the representative signed. For every program; read only.

The consent answers live in `Application.wizard_data` beside the answers
(``{"declaration": {question name: option code}}``), written by `answers.mark_signed`
(`answers.keep_declaration`) in the same transaction as the signature; withdrawing the signature leaves them to be overwritten
by the next one (the Signature page is never shown for a draft)."""

from __future__ import annotations

import dataclasses
from typing import Any

from rar_app.db import session_scope
from rar_app.i18n import t
from rar_app.programs import engine
from rar_app.services.casework import answers

NotFound = answers.NotFound  # not the representative's own: indistinguishable from unknown


@dataclasses.dataclass(frozen=True)
class Said:
    group: str
    label: str
    value: str


@dataclasses.dataclass(frozen=True)
class Restated:
    answers: tuple[Said, ...]
    declaration: tuple[Said, ...]  # group empty: question, the answer's label


def _declaration_lines(program: Any, given: dict[str, str], lang: str) -> list[Said]:
    if program.declaration is None:
        return []
    lines = []
    for q in program.declaration.questions:
        code = given.get(q.name, "")
        label = next((o.label(lang, t) for o in q.options if o.code == code), "")  # type: ignore[union-attr]
        lines.append(Said("", t(q.label_key, lang), label or t("wizard.review_empty", lang)))
    return lines


def restated(account_id: int, app_id: Any, lang: str) -> Restated:
    """The signed (or submitted) application's answers and consent; NotFound if not the
    representative's own."""
    with session_scope() as db:
        app = answers.owned(db, account_id, app_id)
        program = answers.program_of(app)
        ctx = answers.context(app)
        lines = [Said(line.group, line.label, line.value)
                 for wiz in program.submitted_wizards() for line in engine.review(wiz, ctx, lang)]
        return Restated(tuple(lines), tuple(_declaration_lines(program, answers.declaration_of(app), lang)))
