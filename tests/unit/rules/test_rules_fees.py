"""Fees: every amount and family maximum, the portal's options, warnings, cheapest selection; property tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from rar_app.rules import RulesInputError, fee_options, fee_summary
from rar_app.rules.fees import APPLICATIONS, BIOMETRIC_OPTIONS, FEE_OPTIONS

ON = dt.date(2026, 1, 15)


def A(application, fee="standard", biometrics="none"):
    return {"application": application, "fee": fee, "biometrics": biometrics}


def amounts(r, item=None):
    return [(ln["applicant"], ln["item"], ln["amount"]) for ln in r["lines"] if item is None or ln["item"] == item]


def codes(r):
    return sorted({w["code"] for w in r["warnings"]})


@pytest.mark.parametrize(
    "app,items",
    [
        ("visitor_visa", [("processing", "100.00")]),
        ("study_permit", [("processing", "150.00")]),
        ("work_permit", [("processing", "155.00")]),
        ("open_work_permit", [("processing", "155.00"), ("open_work_permit_holder", "100.00")]),
        ("eta", [("processing", "7.00")]),
        ("iec_working_holiday", [("iec_participation", "184.75"), ("open_work_permit_holder", "100.00")]),
        ("iec_young_professionals", [("iec_participation", "184.75")]),
        ("iec_international_coop", [("iec_participation", "184.75")]),
    ],
)
def test_every_fee_for_one_person(app, items):
    r = fee_summary([A(app)], ON)
    assert [(i, a) for _, i, a in amounts(r)] == items
    assert r["total"] == f"{sum(Decimal(a) for _, a in items):.2f}" and r["currency"] == "CAD"
    assert r["warnings"] == []
    for ln in r["lines"]:
        assert ln["explanation_fr"] and ln["explanation_en"] and ln["reference"] and ln["explanation"] == ln["explanation_en"]


def test_biometrics_fee_and_family_maximum():
    r = fee_summary([A("visitor_visa", biometrics="standard")], ON)
    assert amounts(r, "biometrics") == [(0, "biometrics", "85.00")]
    fam = [A("visitor_visa", biometrics="family_rate")] + [A("study_permit", biometrics="family_rate_exempt")] * 2
    r = fee_summary(fam, ON)
    assert amounts(r, "biometrics") == [(0, "biometrics", "170.00"), (1, "biometrics", "0.00"), (2, "biometrics", "0.00")]
    assert codes(r) == []


def test_visitor_visa_family_maximum_500():
    fam = [A("visitor_visa", "family_rate")] + [A("visitor_visa", "family_rate_exempt")] * 5
    r = fee_summary(fam, ON)
    assert r["total"] == "500.00" and codes(r) == []
    assert r["cheapest"]["total"] == "500.00"


def test_contract_example():
    r = fee_summary([A("visitor_visa", "family_rate", "family_rate"), A("visitor_visa", "family_rate_exempt", "family_rate_exempt")], ON)
    assert r["total"] == "670.00"
    assert "family_rate_too_few" in codes(r) and "family_rate_costs_more" in codes(r)
    assert r["cheapest"]["total"] == "370.00"
    assert r["cheapest"]["applicants"] == [A("visitor_visa", "standard", "standard")] * 2


def test_warning_family_rate_not_principal():
    r = fee_summary([A("visitor_visa"), A("visitor_visa", "family_rate"), A("visitor_visa")], ON)
    assert [w["applicant"] for w in r["warnings"] if w["code"] == "family_rate_not_principal"] == [1]


def test_warning_family_rate_not_offered_for_study_permits():
    r = fee_summary([A("study_permit", "family_rate"), A("study_permit", "family_rate_exempt"), A("study_permit")], ON)
    assert "family_rate_not_offered" in codes(r)
    # a family rate that does not exist costs the standard fee; the 'covered' member pays nothing (underpayment)
    assert amounts(r, "processing") == [(0, "processing", "150.00"), (1, "processing", "0.00"), (2, "processing", "150.00")]
    assert r["cheapest"]["total"] == "450.00"


def test_warning_family_member_overpays():
    fam = [A("visitor_visa", "family_rate")] + [A("visitor_visa", "family_rate_exempt")] * 4 + [A("visitor_visa", "standard")]
    r = fee_summary(fam, ON)
    assert [w["applicant"] for w in r["warnings"] if w["code"] == "family_member_overpays"] == [5]
    assert r["total"] == "600.00" and r["cheapest"]["total"] == "500.00"


def test_warning_family_exempt_without_family_rate():
    r = fee_summary([A("visitor_visa"), A("visitor_visa", "family_rate_exempt"), A("visitor_visa")], ON)
    assert [w["applicant"] for w in r["warnings"] if w["code"] == "family_exempt_without_family_rate"] == [1]
    assert r["total"] == "200.00" and r["cheapest"]["total"] == "300.00"


def test_warning_family_rate_costs_more_and_not_when_cheaper():
    three = [A("visitor_visa", "family_rate")] + [A("visitor_visa", "family_rate_exempt")] * 2
    assert "family_rate_costs_more" in codes(fee_summary(three, ON))
    five = [A("visitor_visa", "family_rate")] + [A("visitor_visa", "family_rate_exempt")] * 4
    assert codes(fee_summary(five, ON)) == []  # 500 == 5 x 100: not more
    bio3 = [A("visitor_visa", biometrics="family_rate")] + [A("visitor_visa", biometrics="family_rate_exempt")] * 2
    assert codes(fee_summary(bio3, ON)) == []  # 170 < 255


def test_exempt_options_cost_nothing_and_are_kept_by_cheapest():
    r = fee_summary([A("open_work_permit", "exempt", "exempt"), A("visitor_visa", "standard", "none")], ON)
    assert amounts(r) == [(0, "processing", "0.00"), (0, "open_work_permit_holder", "0.00"), (1, "processing", "100.00"), (0, "biometrics", "0.00")]
    assert r["cheapest"]["applicants"][0] == A("open_work_permit", "exempt", "exempt")


def test_eta_biometrics_warning():
    r = fee_summary([A("eta", biometrics="standard")], ON)
    assert codes(r) == ["biometrics_not_applicable"] and r["cheapest"]["total"] == "7.00"


def test_cheapest_picks_family_rate_for_big_families():
    fam = [A("visitor_visa", biometrics="standard")] * 7
    r = fee_summary(fam, ON)
    assert r["total"] == f"{7 * 185:.2f}"
    cheap = r["cheapest"]
    assert cheap["total"] == "670.00"
    assert cheap["applicants"][0] == A("visitor_visa", "family_rate", "family_rate")
    assert all(a == A("visitor_visa", "family_rate_exempt", "family_rate_exempt") for a in cheap["applicants"][1:])


def test_fees_by_date():
    assert fee_summary([A("iec_young_professionals")], dt.date(2019, 12, 8))["total"] == "150.00"
    assert fee_summary([A("iec_young_professionals")], dt.date(2019, 12, 9))["total"] == "153.00"
    with pytest.raises(RulesInputError) as e:
        fee_summary([A("visitor_visa", biometrics="standard")], dt.date(2017, 1, 1))
    assert e.value.code == "no_rules_in_force"
    assert fee_summary([A("visitor_visa")], dt.date(2017, 1, 1))["total"] == "100.00"


def test_french_explanations():
    r = fee_summary([A("visitor_visa", "family_rate", "family_rate")] + [A("visitor_visa", "family_rate_exempt", "family_rate_exempt")] * 2, ON, "fr")
    assert r["lines"][0]["explanation"].startswith("Client 1 – visa de visiteur\u00a0: tarif familial de 500,00")
    assert any("Le tarif familial" in w["message"] for w in r["warnings"])


@pytest.mark.parametrize(
    "applicants,code,field",
    [
        ([], "out_of_range", "applicants"),
        ([{"fee": "standard"}], "missing_field", "applicants[0].application"),
        ([A("visa")], "invalid_value", "applicants[0].application"),
        ([A("visitor_visa", "cheap")], "invalid_value", "applicants[0].fee"),
        ([A("visitor_visa"), {**A("visitor_visa"), "x": 1}], "unknown_field", "applicants[1].x"),
        ([A("visitor_visa"), 3], "wrong_type", "applicants[1]"),
    ],
)
def test_bad_applicants_refused(applicants, code, field):
    with pytest.raises(RulesInputError) as e:
        fee_summary(applicants, ON)
    assert (e.value.code, e.value.field) == (code, field)


# --- fee_options -----------------------------------------------------------------------------------------------
def test_fee_options_labels_word_for_word():
    fo = fee_options("visitor_visa", ON)
    proc = {o["code"]: o["label_fr"] for o in fo["processing"]}
    assert proc["family_rate"] == "Tarif familial"
    assert proc["exempt"] == "Dispensé des frais"
    assert proc["family_rate_exempt"] == "Tarif familial – Dispensé des frais"
    bio = {o["code"]: (o["label_fr"], o["label_en"]) for o in fo["biometrics"]}
    assert bio["standard"] == ("Données biométriques", "Biometrics")
    assert bio["exempt"] == ("Données biométriques – Dispensé des frais", "Biometrics – Fee exempt")
    assert bio["family_rate"] == ("Données biométriques – Tarif familial", "Biometrics – Family rate")
    assert bio["family_rate_exempt"] == ("Données biométriques – Tarif familial – Dispensé des frais", "Biometrics – Family rate – Fee exempt")
    for o in fo["processing"] + fo["biometrics"]:
        assert o["help_fr"] and o["help_en"] and o["label_en"]


def test_fee_options_per_type():
    sp = fee_options("study_permit", ON)
    assert [o["code"] for o in sp["processing"]] == ["standard", "exempt"]
    assert "family_rate" in [o["code"] for o in sp["biometrics"]]
    eta = fee_options("eta", ON)
    assert [o["code"] for o in eta["biometrics"]] == ["none"]
    owp = fee_options("open_work_permit", ON)
    assert owp["additional_fees"][0]["amount"] == "100.00"
    with pytest.raises(RulesInputError):
        fee_options("passport", ON)


# --- properties ------------------------------------------------------------------------------------------------
APPLICANT = st.fixed_dictionaries({"application": st.sampled_from(APPLICATIONS), "fee": st.sampled_from(FEE_OPTIONS), "biometrics": st.sampled_from(BIOMETRIC_OPTIONS)})
UNDERPAY = {"family_exempt_without_family_rate", "family_rate_not_offered", "family_rate_not_principal"}


@settings(max_examples=150, deadline=None)
@given(st.lists(APPLICANT, min_size=1, max_size=8))
def test_totals_equal_sum_of_lines_and_cheapest_is_cheapest(apps):
    r = fee_summary(apps, ON)
    assert Decimal(r["total"]) == sum((Decimal(ln["amount"]) for ln in r["lines"]), Decimal(0))
    cheap = r["cheapest"]
    assert Decimal(cheap["total"]) == sum((Decimal(ln["amount"]) for ln in cheap["lines"]), Decimal(0))
    # the cheapest selection is itself valid, and re-optimizing it changes nothing
    again = fee_summary(cheap["applicants"], ON)
    assert not (set(codes(again)) & (UNDERPAY | {"family_member_overpays", "family_rate_costs_more", "family_rate_too_few", "biometrics_not_applicable"}))
    assert again["cheapest"]["total"] == cheap["total"]
    if not set(codes(r)) & UNDERPAY:
        assert Decimal(cheap["total"]) <= Decimal(r["total"])
    for a, c in zip(apps, cheap["applicants"]):
        assert a["application"] == c["application"]
        assert (a["fee"] == "exempt") == (c["fee"] == "exempt")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.fixed_dictionaries({"application": st.sampled_from(APPLICATIONS), "fee": st.sampled_from(["standard", "exempt"]), "biometrics": st.sampled_from(["none", "standard", "exempt"])}), min_size=1, max_size=8))
def test_cheapest_never_costs_more_than_individual_choices(apps):
    r = fee_summary(apps, ON)
    assert Decimal(r["cheapest"]["total"]) <= Decimal(r["total"])
