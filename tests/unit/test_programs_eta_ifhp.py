"""The eTA and IFHP programs as data: registered, every text in both catalogues, and the
questions' checks (bad input gets a field error in French and English)."""

from __future__ import annotations

import dataclasses

from datetime import date, timedelta

import pytest

from rar_app.i18n import catalogue, t
from rar_app.programs import engine, registry
from rar_app.programs.engine import Context

TODAY = date.today()
FRENCH_TRAVEL = {"citizenship": "FR", "canadian": "no", "us_lpr": "no", "holds_visa": "no", "travel_mode": "air"}
PASSPORT = {"passport_country": "FR", "passport_number": "12AB34567", "nationality": "FR", "family_name": "Martin",
            "given_names": "Claire", "date_of_birth": "1990-05-04", "country_of_birth": "FR", "sex": "F",
            "passport_issued": "2022-01-10", "passport_expiry": (TODAY + timedelta(days=900)).isoformat()}


def _keys(program) -> set[str]:
    keys = {program.title_key, program.home_key, *(s.label_key for s in program.status_steps)}
    wizards = [w for w in (program.eligibility, program.application) if w]
    fields = [f for w in wizards for s in w.steps for f in s.fields]
    keys |= {s.title_key for w in wizards for s in w.steps}
    if program.declaration:
        keys |= set(program.declaration.text_keys)
        fields += list(program.declaration.questions)
    for f in fields:
        keys |= {k for k in (f.label_key, f.help_key, f.hint_key, f.pattern_error_key, f.required_error_key) if k}
        if not callable(f.options):
            keys |= {o.label_key for o in f.options if o.label_key}
    for value in program.extra.values():
        if isinstance(value, str) and "." in value and value.split(".")[0] in program.catalogues:
            keys.add(value)
        if isinstance(value, tuple):
            keys |= {v for v in value if isinstance(v, str)}
    return keys


@pytest.mark.parametrize("code", ["eta", "ifhp"])
def test_registered_with_every_text_in_both_languages(code):
    program = registry.get(code)
    assert program in registry.all_programs()
    for key in _keys(program):
        assert key in catalogue("fr") and key in catalogue("en"), key
    for key in (k for k in catalogue("fr") if k.startswith(code + ".")):
        text = catalogue("fr")[key]
        assert "'" not in text, key  # French apostrophe ’
        for mark in "?!;":
            assert f" {mark}" not in text and all(text[i - 1] == "\u00a0" for i, c in enumerate(text) if c == mark), key


def _problems(code, ref, raw, answers, lang="fr"):
    wizard = registry.get(code).application
    _clean, problems = engine.validate(wizard, ref, raw, Context(TODAY, answers))
    # The message itself, without the question's name in front (issue 17: « Question : message »).
    return {p.field: dataclasses.replace(p, label_key="").message(lang, t) for p in problems}


def test_eta_bad_input_gets_a_message_at_the_field():
    answers = {"travel": FRENCH_TRAVEL}
    assert _problems("eta", "passport", PASSPORT, answers) == {}
    bad = {**PASSPORT, "passport_number": "123456789", "passport_expiry": (TODAY - timedelta(days=1)).isoformat(),
           "nationality": "IN"}
    problems = _problems("eta", "passport", bad, answers)
    assert set(problems) == {"passport_number", "passport_expiry", "nationality"}
    assert "format" in problems["passport_number"] and "expiré" in problems["passport_expiry"]
    assert "visa" in problems["nationality"]
    assert "expired" in _problems("eta", "passport", bad, answers, "en")["passport_expiry"]
    future_birth = {**PASSPORT, "date_of_birth": (TODAY + timedelta(days=3)).isoformat()}
    assert _problems("eta", "passport", future_birth, answers)["date_of_birth"] == t("dates.error_future", "fr")
    assert "for_other" in _problems("eta", "for_other", {"for_other": "no"}, answers)


def test_eta_representative_fields_follow_i_am():
    answers = {"travel": FRENCH_TRAVEL}
    base = {"rep_family_name": "Tremblay", "rep_email": "rep@example.com"}
    assert set(_problems("eta", "representative", {**base, "i_am": "CICC"}, answers)) == {"membership_number"}
    assert set(_problems("eta", "representative", {**base, "i_am": "parent"}, answers)) == {"relationship"}
    assert _problems("eta", "representative", {**base, "i_am": "unpaid", "membership_number": "x"}, answers) == {}
    wizard = registry.get("eta").application
    paid = engine.flow(wizard, Context(TODAY, {**answers, "representative": {"i_am": "BQ"}}))
    unpaid = engine.flow(wizard, Context(TODAY, {**answers, "representative": {"i_am": "unpaid"}}))
    assert "rep_declaration" in paid and "rep_authorization" not in paid
    assert "rep_authorization" in unpaid and "rep_declaration" not in unpaid


def test_eta_outcome_sends_visa_nationals_to_the_visitor_line():
    program = registry.get("eta")
    assert program.outcome(Context(TODAY, {"travel": FRENCH_TRAVEL}), "fr").eligible
    visa = program.outcome(Context(TODAY, {"travel": {**FRENCH_TRAVEL, "citizenship": "IN"}}), "fr")
    assert not visa.eligible and visa.redirect_program == "visitor_study_work" and visa.refusals
    us = program.outcome(Context(TODAY, {"travel": {**FRENCH_TRAVEL, "citizenship": "US"}}), "en")
    assert not us.eligible and not us.redirect_program and "US citizens" in us.refusals[0][1][0].text("en")
    fee = program.fees(Context(TODAY, {}))
    assert [(f.amount_cents, f.applicant) for f in fee] == [(700, 1)] and "294.1" in fee[0].reference


def test_ifhp_coverage_type_is_required_and_checked():
    answers = {"questions": {"in_canada": "yes", "provincial_coverage": "no"}}
    assert _problems("ifhp", "coverage_type", {}, answers)["group"] == t("ifhp.error_group", "fr")
    assert "Choose the type" in _problems("ifhp", "coverage_type", {}, answers, "en")["group"]
    assert "PFSI" in _problems("ifhp", "coverage_type", {"group": "none"}, answers)["group"]
    assert _problems("ifhp", "coverage_type", {"group": "refugee_claimant"}, answers) == {}
    done = {**answers, "coverage_type": {"group": "refugee_claimant"}}
    assert "documents" in _problems("ifhp", "chosen_documents", {"documents": ["photo_id"]}, done)
    assert _problems("ifhp", "city", {"city": "Montréal (QC)"}, done) == {}
    assert "city" in _problems("ifhp", "city", {"city": "Paris"}, done)


def test_ifhp_city_is_typed_in_a_box_and_checked_against_the_reference_list():
    """« la ville où il vit, ou encore la ville la plus près »: what is typed (case, accents and
    spacing ignored; the name alone when only one province has it) becomes the list's entry;
    anything else is refused with a message naming the field."""
    from rar_app.programs import engine

    program = registry.get("ifhp")
    done = {"questions": {"in_canada": "yes", "provincial_coverage": "no"},
            "coverage_type": {"group": "refugee_claimant"}}
    ctx = Context(TODAY, done)
    for typed, stored in (("Montréal (QC)", "Montréal (QC)"), ("  montreal  (qc) ", "Montréal (QC)"),
                          ("trois rivieres", "Trois-Rivières (QC)"), ("WINNIPEG", "Winnipeg (MB)")):
        clean, problems = engine.validate(program.application, "city", {"city": typed}, ctx)
        assert (clean.get("city"), problems) == (stored, []), typed
    for typed in ("Paris", "Montréal (ON)", "<script>", "x" * 81):
        assert "city" in _problems("ifhp", "city", {"city": typed}, done), typed
    assert "Choose a city from the list" in _problems("ifhp", "city", {"city": "Lyon"}, done, "en")["city"]
    assert t("ifhp.error_city", "fr") in _problems("ifhp", "city", {"city": ""}, done)["city"]
    cities = [o.code for o in program.application.step("city").fields[0].choices(ctx, None)]
    assert len(cities) == len(set(cities)) > 70 and "Iqaluit (NU)" in cities
    program = registry.get("ifhp")
    assert [d["code"] for d in program.checklist(Context(TODAY, done), None)] == ["claimant_document", "photo_id"]
    assert program.fees is None
