"""Issue 17, point 4, for every program: submitting any question page empty (or with a wrong
choice) gives messages that name their question — never a bare « Répondez à cette question. »
or « Choisissez une réponse. » — in French and in English."""

from __future__ import annotations

from datetime import date

import pytest

from rar_app.i18n import LANGS, t
from rar_app.programs import engine, registry
from rar_app.programs.engine import Context

GENERIC = ("wizard.error_required", "wizard.error_choose", "wizard.error_choice", "wizard.error_format",
           "wizard.error_number", "wizard.error_date", "wizard.error_too_long", "wizard.error_range")
BARE = {lang: {t(k, lang, min=0, max=0) for k in GENERIC} for lang in LANGS}


def _steps():
    for program in registry.all_programs():
        for part, wiz in program.wizards():
            for step in wiz.steps:
                yield pytest.param(program, wiz, step, id=f"{program.code}:{part}:{step.id}")


def _refs(step) -> list[str]:
    return [engine.make_ref(step.id, 1 if step.repeat is not None else None)]


@pytest.mark.parametrize("program, wiz, step", list(_steps()))
def test_empty_or_wrong_answers_name_their_question(program, wiz, step):
    ctx = Context(date(2026, 12, 4), {})
    wrong = {f.name: "zzz-not-a-choice" for f in step.fields if f.kind in ("select", "radio")}
    for ref in _refs(step):
        for raw in ({}, wrong):
            try:
                _clean, problems = engine.validate(wiz, ref, raw, ctx)
            except (KeyError, TypeError, ValueError, IndexError):
                continue  # a step that needs earlier answers to exist at all (checked by the flow tests)
            for p in problems:
                for lang in LANGS:
                    message = p.message(lang, t)
                    assert message not in BARE[lang], (ref, p.field, message)
                    field = next((f for f in step.fields if f.name == p.field), None)
                    if field is not None and "{" not in t(field.label_key, lang):
                        label = t(field.label_key, lang).rstrip(" ?:\u00a0\u202f")
                        assert message.startswith(label), (ref, p.field, message)


def test_account_form_errors_name_their_field():
    from rar_app.pages.account_common import form_errors
    from rar_app.services.identity.accounts import FieldError

    for lang in LANGS:
        by_field, summary = form_errors([FieldError("username", "required"), FieldError("answer_2", "required")],
                                        lang, ["username", "answer_2"])
        assert summary[0]["message"].startswith(t("auth.username", lang) + t("typography.colon", lang))
        assert summary[1]["message"].startswith(t("account.answer_label", lang, n=2))
        assert by_field["username"] == summary[0]["message"]
