"""IFHP eligibility rules, and the eTA passport-number and validity rules."""

from __future__ import annotations

import datetime as dt

import pytest

from rar_app.rules import (
    RulesInputError,
    eta_passport_problem,
    eta_valid_until,
    ifhp,
    ifhp_cities,
    ifhp_document_labels,
    ifhp_groups,
)

DAY = dt.date(2026, 12, 4)


@pytest.mark.parametrize("req, eligible, code, months, basic", [
    ({"group": "refugee_claimant", "in_canada": True}, True, "eligible", 24, True),
    ({"group": "resettled_refugee"}, True, "eligible", 12, True),  # coverage starts on arrival
    ({"group": "resettled_refugee", "in_canada": True, "provincial_coverage": True}, True, "supplemental_only", 12,
     False),
    ({"group": "protected_person", "in_canada": True, "provincial_coverage": True}, False, "provincial_coverage", 0,
     False),
    ({"group": "rejected_claimant", "in_canada": False}, False, "not_in_canada", 0, False),
    ({"group": "trafficking_victim", "in_canada": True}, True, "eligible", 6, True),
    ({"group": "detainee", "in_canada": True}, True, "eligible", 6, True),
    ({"group": "none", "in_canada": True}, False, "no_group", 0, False),
])
def test_ifhp_eligibility_paths(req, eligible, code, months, basic):
    out = ifhp(req, DAY, "fr")
    assert out["eligible"] is eligible
    assert out["reason"]["code"] == code
    assert out["coverage_months"] == months
    assert out["basic_coverage"] is basic
    assert out["reason"]["message_fr"] and out["reason"]["message_en"] and "2016" in out["reason"]["reference"]
    assert out["reason"]["message"] == out["reason"]["message_fr"]
    if eligible:
        codes = [d["code"] for d in out["documents"]]
        assert codes[-1] == "photo_id" and len(codes) == 2
        assert all(d["label_fr"] and d["label_en"] for d in out["documents"])
    else:
        assert out["documents"] == []


def test_ifhp_requires_a_known_group():
    with pytest.raises(RulesInputError) as e:
        ifhp({}, DAY)
    assert e.value.code == "missing_field" and e.value.field == "group"
    with pytest.raises(RulesInputError) as e:
        ifhp({"group": "tourist"}, DAY)
    assert e.value.code == "invalid_value"
    with pytest.raises(RulesInputError) as e:  # the restored program's parameters start on 2016-04-01
        ifhp({"group": "refugee_claimant", "in_canada": True}, dt.date(2015, 1, 1))
    assert e.value.code == "no_rules_in_force"


def test_ifhp_lists_are_dated_and_bilingual():
    groups = ifhp_groups(DAY)
    assert [g["code"] for g in groups][:3] == ["resettled_refugee", "protected_person", "refugee_claimant"]
    labels = ifhp_document_labels(DAY)
    for g in groups:
        assert g["label_fr"] and g["label_en"] and g["help_fr"] and g["help_en"]
        assert "'" not in g["label_fr"] + g["help_fr"]  # French typography: ’
        assert set(g["documents"]) <= set(labels)
    cities = ifhp_cities(DAY)
    names = [c["name"] for c in cities]
    assert {"Montréal", "Québec", "Toronto", "Iqaluit", "Whitehorse", "Yellowknife"} <= set(names)
    assert {c["province"] for c in cities} == {"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK",
                                               "YT"}
    assert names.index("Lévis") < names.index("London")  # accents ignored when sorting


@pytest.mark.parametrize("country, number, code", [
    ("FR", "12AB34567", None),
    ("FR", "123456789", "passport_format_country"),
    ("GB", "123456789", None),
    ("GB", "AB1234567", "passport_format_country"),
    ("JP", "tk 1234567", None),  # spaces and case are forgiven
    ("BE", "EM123456", None),  # no own format: ICAO 9303
    ("BE", "12-34", "passport_format"),
    ("BE", "1234567890", "passport_format"),
])
def test_passport_number_formats(country, number, code):
    problem = eta_passport_problem(country, number, DAY)
    assert (problem["code"] if problem else None) == code
    if problem:
        assert problem["message_fr"] and problem["message_en"] and "9303" in problem["reference"]


def test_eta_validity_five_years_or_passport_expiry():
    assert eta_valid_until(DAY, dt.date(2040, 1, 1))[0] == dt.date(2031, 12, 3)
    assert eta_valid_until(DAY, dt.date(2028, 6, 30))[0] == dt.date(2028, 6, 30)
    assert eta_valid_until(dt.date(2028, 2, 29), None)[0] == dt.date(2033, 2, 27)
    assert "12.06" in eta_valid_until(DAY, None)[1]
