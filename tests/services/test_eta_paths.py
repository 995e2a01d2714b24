"""The eTA paths besides the usual one, through the services the pages call: « Vos résultats »
for a client who needs a visa (sent to the visitor line with the reason), a Canadian or US
citizen (told why, sent nowhere), and « Autorisation de représentant » for an unpaid
representative or a parent/guardian (no membership number, a relationship for a parent)."""

from __future__ import annotations

import pytest

from rar_app.services.casework import applications, profiles, submission
from tests.services.test_eta_ifhp_flows import ETA_ORDER
from tests.services.test_office_eta_ifhp import ETA_ANSWERS
from tests.services.test_submission_drafts import make_rep

FRENCH = ETA_ANSWERS["travel"]


@pytest.fixture
def rep(migrated_db):
    return make_rep()


def _results(rep: int, travel: dict, lang: str = "fr"):
    saved = applications.save_step(rep, None, "travel", travel, kind="eta")
    assert saved.ok and not saved.problems, saved.problems
    return profiles.results(rep, saved.app_id, lang)


def test_a_visa_national_is_sent_to_the_visitor_line_with_the_reason(rep):
    view = _results(rep, {**FRENCH, "citizenship": "IN"})
    assert not view.eligible and view.redirect_kind == "visitor_study_work"
    reasons = [r for res in view.refusals for r in res.reasons]
    assert reasons and all(r.text and r.reference for r in reasons)
    assert "visa" in " ".join(r.text for r in reasons).lower()


@pytest.mark.parametrize(("travel", "lang", "word"), [
    ({**FRENCH, "citizenship": "US"}, "en", "US citizens"),
    ({**FRENCH, "canadian": "yes"}, "fr", "canadien"),
])
def test_canadian_and_us_citizens_are_told_why_and_sent_nowhere(rep, travel, lang, word):
    view = _results(rep, travel, lang)
    assert not view.eligible and view.redirect_kind == ""
    text = " ".join(r.text for res in view.refusals for r in res.reasons)
    assert word.lower() in text.lower(), text


@pytest.mark.parametrize(("i_am", "extra"), [("unpaid", {}), ("parent", {"relationship": "Mère"})])
def test_unpaid_representative_and_parent_sign_the_authorization_not_the_declaration(rep, i_am, extra):
    representative = {"i_am": i_am, "rep_family_name": "Martin", "rep_given_names": "Sophie",
                      "rep_email": "sophie@example.invalid", **extra}
    app_id = applications.save_step(rep, None, "travel", dict(FRENCH), kind="eta").app_id
    for ref in ETA_ORDER:
        if ref == "rep_declaration":
            ref = "rep_authorization"
        raw = representative if ref == "representative" else dict(ETA_ANSWERS.get(ref) or ETA_ANSWERS["rep_declaration"])
        result = applications.save_step(rep, app_id, ref, raw, kind="eta")
        assert result.ok and not result.problems, (ref, result.problems)
    assert result.goto == "review"
    answers = applications.step_context(rep, app_id).answers
    assert "rep_authorization" in answers and "rep_declaration" not in answers
    assert "membership_number" not in {k for k, v in answers["representative"].items() if v}
    # Without the relationship a parent/guardian is stopped at the field.
    if i_am == "parent":
        bad = applications.save_step(rep, app_id, "representative", {**representative, "relationship": ""},
                                     kind="eta")
        assert [p.field for p in bad.problems] == ["relationship"]
    assert submission.view(rep, app_id).total_cents == 700
