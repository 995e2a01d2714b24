"""The IEC program definition: eligibility wizard flow, « Vos résultats », the profile's
forms (prefill, locked eligibility answers, « Détails de ma demande »), the declaration and
the work permit application's fees and checklist. Pure: no database, no Reflex."""

from __future__ import annotations

import datetime as dt

import pytest

from rar_app.i18n import catalogue, t
from rar_app.programs import engine, registry
from rar_app.programs.base import SUBMITS_APPLICATION, SUBMITS_PROFILE
from rar_app.programs.engine import Context

ON = dt.date(2026, 12, 4)


def ctx(**answers):
    return Context(ON, dict(answers))


def eligible_answers(country="FR", born="1999-04-02", **extra):
    a = {
        "passport": {"passport_country": country, "residence_country": country, "date_of_birth": born},
        "organization": {"has_letter": "no"},
        "funds": {"funds": "yes", "health_insurance": "yes"},
        "family": {"dependants_accompanying": "no"},
        "job": {"job_offer": "yes", "professional_development": "yes"},
        "studies": {"post_secondary_student": "no"},
        "admissibility": {"criminal_record": "no", "medical_condition": "no"},
    }
    a.update(extra)
    return a


@pytest.fixture()
def iec():
    return registry.get("iec")


def test_registered_as_profile_and_permit_programs(iec):
    assert iec.submits == SUBMITS_PROFILE and iec.eligibility and iec.profile and iec.declaration
    permit = registry.get("iec_permit")
    assert permit.submits == SUBMITS_APPLICATION and permit.fees and permit.checklist
    assert {p.code for p in registry.all_programs()} >= {"iec", "iec_permit"}


def test_every_key_the_program_uses_exists_in_both_languages(iec):
    permit = registry.get("iec_permit")
    keys = {iec.title_key, iec.home_key, permit.title_key}
    wizards = [iec.eligibility, permit.application] + [s.wizard for s in iec.profile]
    for w in wizards:
        for step in w.steps:
            keys.add(step.title_key)
            for f in step.fields:
                keys |= {k for k in (f.label_key, f.help_key, f.hint_key, f.pattern_error_key) if k}
                if not callable(f.options):
                    keys |= {o.label_key for o in f.options if o.label_key}
    keys |= {s.title_key for s in iec.profile} | {s.label_key for s in iec.status_steps}
    keys |= set(iec.declaration.text_keys) | {f.label_key for f in iec.declaration.questions}
    for lang in ("fr", "en"):
        missing = keys - set(catalogue(lang))
        assert not missing, (lang, missing)
    assert t("iec.section_details", "fr") == "Détails de ma demande"
    assert t("iec.details_warning", "fr").startswith("Si vous choisissez Non pour une catégorie, votre client ne sera pas invité")


def test_eligibility_flow_asks_one_page_at_a_time(iec):
    w = iec.eligibility
    assert engine.flow(w, ctx()) [:3] == ["passport", "organization", "funds"]
    # Oui to the letter adds « choisissez le nom de l'organisation ».
    c = ctx(passport={"passport_country": "US", "residence_country": "US", "date_of_birth": "2000-01-01"}, organization={"has_letter": "yes"})
    assert engine.flow(w, c)[:3] == ["passport", "organization", "organization_name"]
    # Working Holiday only (Japan): no job or studies questions.
    c = ctx(passport={"passport_country": "JP", "residence_country": "JP", "date_of_birth": "2000-01-01"}, organization={"has_letter": "no"})
    assert "job" not in engine.flow(w, c) and "studies" not in engine.flow(w, c)
    # A birth date in the future is refused with a clear message, not a dead end.
    _clean, problems = engine.validate(w, "passport", {"passport_country": "FR", "residence_country": "FR", "date_of_birth": "2030-01-01"}, ctx())
    assert [p.key for p in problems] == ["dates.error_future"]
    _clean, problems = engine.validate(w, "organization_name", {"organization": "unknown"}, ctx())
    assert [p.key for p in problems] == ["wizard.error_choice"]
    funds = [o for o in w.step("funds").fields[0].choices(ctx(), None)]
    assert funds[0].label("fr", t) == "Oui, au moins 2\u00a0500,00\u00a0$"


def test_results_list_categories_with_reasons_and_references(iec):
    o = iec.outcome(ctx(**eligible_answers()), "fr")
    assert o.eligible and [k for k, _ in o.results] == ["iec.category_working_holiday", "iec.category_young_professionals"]
    (key, reasons), = o.refusals
    assert key == "iec.category_international_coop"
    assert any("inscrit dans un établissement postsecondaire" in r.text_fr for r in reasons) and all(r.reference for r in reasons)
    assert all("'" not in r.text_fr for _k, rs in o.results for r in rs)  # French apostrophes


def test_results_bad_input_gives_reasons_not_dead_ends(iec):
    # No agreement (Brazil), no organization: not eligible, with the reason and the way out.
    o = iec.outcome(ctx(**eligible_answers("BR")), "en")
    assert not o.eligible and o.results == ()
    assert any("no youth mobility agreement" in r.text_en for r in o.advice)
    assert any("recognized organization" in r.text_en for r in o.advice)
    # Too old for Belgium (18-30).
    o = iec.outcome(ctx(**eligible_answers("BE", "1990-01-01")), "en")
    assert not o.eligible and any("must be 18 to 30" in r.text_en for _k, rs in o.refusals for r in rs)


def test_profile_prefill_and_eligibility_answers_locked(iec):
    answers = eligible_answers()
    sections = {s.id: s for s in iec.profile}
    assert list(sections) == ["personal", "contact", "details"]
    pre = sections["personal"].prefill(answers)
    assert pre == {"personal": {"date_of_birth": "1999-04-02", "passport_country": "FR"}}
    assert sections["contact"].prefill(answers) == {"contact": {"residence_country": "FR"}}
    w = sections["personal"].wizard
    raw = {"family_name": "Martin", "sex": "F", "date_of_birth": "1999-04-03", "passport_country": "FR", "passport_number": "AB123"}
    _clean, problems = engine.validate(w, "personal", raw, ctx(**answers))
    assert [(p.field, p.key) for p in problems] == [("date_of_birth", "iec.error_eligibility_changed")]
    _clean, problems = engine.validate(w, "personal", {**raw, "date_of_birth": "1999-04-02"}, ctx(**answers))
    assert problems == []


def test_details_oui_non_per_category(iec):
    from rar_app.programs.iec.profile import chosen_categories

    answers = eligible_answers()
    w = {s.id: s for s in iec.profile}["details"].wizard
    check = lambda raw: [(p.field, p.key) for p in engine.validate(w, "details", raw, ctx(**answers))[1]]
    assert check({"want_working_holiday": "no", "want_young_professionals": "no"}) == [("want_working_holiday", "iec.error_no_category")]
    assert check({"want_working_holiday": "yes"}) == [("want_young_professionals", "iec.error_category_required")]
    assert check({"want_working_holiday": "yes", "want_young_professionals": "no", "want_international_coop": "yes"}) == [
        ("want_international_coop", "iec.error_category_not_eligible")]
    assert check({"want_working_holiday": "yes", "want_young_professionals": "no"}) == []
    answers["details"] = {"want_working_holiday": "yes", "want_young_professionals": "no"}
    assert chosen_categories(ctx(**answers)) == ["working_holiday"]


def test_declaration_requires_both_agreements(iec):
    d = iec.declaration
    assert d.required_accept == ("agree_privacy", "agree_disclosure") and d.accept_code == "accept"
    assert t(d.questions[0].options[0].label_key, "fr") == "J’accepte"


def test_permit_fees_and_checklist_follow_the_invited_category():
    permit = registry.get("iec_permit")
    wh = ctx(invitation={"category": "working_holiday"})
    lines = permit.fees(wh)
    assert [f.amount_cents for f in lines] == [18475, 10000, 8500]
    assert "participation" in lines[0].label_en and "open work permit holder" in lines[1].label_en and "biometric" in lines[2].label_en
    assert "\u00a0:" in lines[0].label_fr or "\u00a0$" in lines[0].label_fr
    assert all(f.reference for f in permit.fees(wh))
    yp = ctx(invitation={"category": "young_professionals"}, travel={"biometrics_needed": "no"})
    assert [f.amount_cents for f in permit.fees(yp)] == [18475]
    assert "offer_of_employment" in {d["code"] for d in permit.checklist(yp, 1)}
    assert "offer_of_employment" not in {d["code"] for d in permit.checklist(wh, 1)}
    assert engine.flow(permit.application, yp)[0] == "employment" and engine.flow(permit.application, wh)[0] == "travel"
    _c, problems = engine.validate(permit.application, "employment", {"employer_name": "Acme", "offer_number": "12345"}, yp)
    assert [p.key for p in problems] == ["iec.offer_number_error"]
    _c, problems = engine.validate(permit.application, "travel", {"intended_province": "qc", "insurance_confirmed": "no", "biometrics_needed": "yes"}, yp)
    assert [p.key for p in problems] == ["iec.error_insurance"]


def test_permit_fee_summary_and_applicant_follow_the_invitation():
    permit = registry.get("iec_permit")
    c = ctx(invitation={"stream": "FR-WH"}, travel={"biometrics_needed": "yes"})
    fr = permit.fee_view(c, "fr")
    assert fr["total"] == "369.75" and all("'" not in line["explanation"] for line in fr["lines"])
    assert permit.fee_view(c, "en")["lines"][1]["item"] == "open_work_permit_holder"
    (person,) = permit.applicants(ctx(invitation={"stream": "RO-swap-WH"}, travel={"biometrics_needed": "no"}))
    assert (person.application_type, person.biometrics_option) == ("iec_working_holiday", "none")
    assert "recognized_organization_letter" in {d["code"] for d in permit.checklist(ctx(invitation={"stream": "RO-swap-WH"}), 1)}


def test_recognized_organizations_are_dated_sourced_and_say_they_are_partial():
    """« choisissez le nom de l'organisation »: the list is reference data with its date and
    sources; no stored source gives IRCC's complete list, so the parameter says it is partial
    (how many are missing, what was searched) rather than passing for complete."""
    from rar_app.rules import params

    found = params.ref("iec.recognized_organizations", ON)
    assert found.start == dt.date(2025, 12, 19)
    assert "canada.ca/en/immigration-refugees-citizenship/services/work-canada/iec/recognized-organizations" in found.reference
    assert "PARTIAL" in found.notes and "EIGHT" in found.notes and "2026-12-05" in found.notes
    orgs = params.value("iec.recognized_organizations", ON)
    assert {"swap", "stepwest", "go_international", "aiesec"} <= set(orgs)
    for code, org in orgs.items():
        assert org["categories"] and 18 <= org["min_age"] <= org["max_age"] <= 35, code
        assert org["citizens"] in ("partner", "any"), code
    labels = [o.label("fr", t) for o in registry.get("iec").eligibility.step("organization_name").fields[0].options(ctx(), None)]
    assert sorted(labels) == sorted(o["name"] for o in orgs.values())
