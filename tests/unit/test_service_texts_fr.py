"""The French texts the identity and document services answer with (errors shown
next to a field, security questions) follow the same typography as the catalogue."""

from __future__ import annotations

from rar_app.services.casework import document_errors
from rar_app.services.identity import accounts, oidc  # noqa: F401  (oidc adds its messages)
from tests.unit.test_french_typography import _problems


def test_service_texts_in_french_follow_french_typography():
    texts = {f"accounts.{k}": fr for k, (fr, _en) in accounts.MESSAGES.items()}
    texts |= {f"question.{k}": fr for k, (fr, _en) in accounts.SECURITY_QUESTIONS.items()}
    texts |= {f"documents.{k}": fr for k, (fr, _en) in {**document_errors._REFUSALS, **document_errors._WARNINGS}.items()}
    bad = {key: p for key, text in texts.items() if (p := _problems(text))}
    assert not bad, bad
    assert len(texts) > 70  # every catalogue above was read
