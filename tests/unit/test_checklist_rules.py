"""Issue 17, point 14: « Aucun document additionnel n’est requis pour ce client » can be chosen
(never with documents), and no parental consent letter when both parents are in the same
application (a rule with its explanation, the item flagged in the dated checklist)."""

from __future__ import annotations

from datetime import date

from rar_app import rules
from rar_app.i18n import t
from rar_app.programs import engine
from rar_app.programs.engine import Context
from rar_app.programs.visitor_study_work import WIZARD
from rar_app.programs.visitor_study_work.questions import checklist

ON = date(2026, 12, 4)


def _family(both_parents: str, adults: int = 2) -> Context:
    answers = {"applicants": {"count": str(adults + 1)}}
    for n in range(1, adults + 1):
        answers[f"client.{n}"] = {"family_name": "Diallo", "date_of_birth": "1985-01-01", "country": "SN",
                                  "application_type": "visitor_visa", "minor": "no"}
    answers[f"client.{adults + 1}"] = {"family_name": "Diallo", "date_of_birth": "2015-01-01", "country": "SN",
                                       "application_type": "visitor_visa", "minor": "yes", "both_parents": both_parents}
    return Context(ON, answers)


def test_the_rule_and_its_explanations():
    rule = rules.services.parental_consent_rule
    assert rule(minor=True, both_parents_answer=True, adults_in_application=2)["needed"] is False
    assert rule(minor=True, both_parents_answer=True, adults_in_application=1)["needed"] is True
    assert rule(minor=True, both_parents_answer=False, adults_in_application=2)["needed"] is True
    assert all(r["explanation_fr"] and r["explanation_en"]
               for r in (rule(minor=m, both_parents_answer=b, adults_in_application=a)
                         for m in (True, False) for b in (True, False) for a in (0, 2)))
    codes = {d["code"] for d in rules.required_documents("visitor_visa", minor=True, on_date=ON, both_parents=True)}
    assert "parental_consent" not in codes and "birth_certificate" in codes


def test_the_family_checklist_follows_the_answer():
    assert "parental_consent" not in {d["code"] for d in checklist(_family("yes"), 3)}
    assert "parental_consent" in {d["code"] for d in checklist(_family("no"), 3)}
    # One adult only: the other parent is not in the application, the letter stays.
    assert "parental_consent" in {d["code"] for d in checklist(_family("yes", adults=1), 2)}


def test_no_additional_documents_is_a_choice_of_its_own():
    ctx = _family("no")
    clean, problems = engine.validate(WIZARD, "documents.1", {"documents": ["none"]}, ctx)
    assert problems == [] and clean["documents"] == ["none"]
    optional = [d["code"] for d in checklist(ctx, 1) if not d["required"]]
    _clean, problems = engine.validate(WIZARD, "documents.1", {"documents": ["none", optional[0]]}, ctx)
    assert [p.field for p in problems] == ["documents"]
    assert problems[0].message("fr", t).startswith(t("wizard.documents_additional", "fr"))
    lines = engine.review(WIZARD, Context(ON, {**ctx.answers, "documents.1": {"documents": ["none"]}}), "fr")
    assert any(ln.value == t("wizard.documents_none", "fr") for ln in lines if ln.step == "documents.1")
