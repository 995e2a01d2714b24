"""IEC beyond the country table: recognized organizations, the other conditions per
category, the checklist, the fees and deadlines in force (dated parameters)."""

from __future__ import annotations

import datetime as dt

import pytest

from rar_app.rules import RulesInputError, iec, parameter
from rar_app.rules.iec_program import iec_assessment, iec_deadlines, iec_documents, iec_fees, iec_recognized_organizations

ON = dt.date(2026, 12, 4)
ALL_OK = {"funds": True, "health_insurance": True, "dependants_accompanying": False, "job_offer": True,
          "professional_development": True, "post_secondary_student": True}


def dob(age, on=ON):
    return on.replace(year=on.year - age).isoformat()


def test_recognized_organizations_have_sources_and_citizenship_rules():
    orgs = iec_recognized_organizations(ON)
    assert [o["code"] for o in orgs] == ["aiesec", "go_international", "stepwest", "swap"]
    pv = parameter("iec.recognized_organizations", ON)
    assert "PARTIAL" in pv.notes and "canada.ca" in pv.reference and pv.start == dt.date(2025, 12, 19)
    for o in orgs:
        assert o["citizens"] in ("any", "partner") and set(o["categories"]) <= {"working_holiday", "young_professionals", "international_coop"}


def test_organization_citizenship():
    # SWAP nominates US citizens (IRCC list); Stepwest only citizens of partner countries.
    assert iec({"passport_country": "US", "date_of_birth": dob(25), "recognized_organization": "swap"}, ON)["categories"] == ["working_holiday"]
    r = iec({"passport_country": "US", "date_of_birth": dob(25), "recognized_organization": "stepwest"}, ON)
    assert not r["eligible"] and r["reasons"][-1]["code"] == "recognized_organization_citizenship"
    # India: no agreement; AIESEC Canada takes any citizenship, 18-30, Young Professionals.
    assert iec({"passport_country": "IN", "date_of_birth": dob(30), "recognized_organization": "aiesec"}, ON)["categories"] == ["young_professionals"]
    assert not iec({"passport_country": "IN", "date_of_birth": dob(31), "recognized_organization": "aiesec"}, ON)["eligible"]
    # A Japanese citizen of 33 (agreement up to 30) through Stepwest (18-35): WH and YP.
    r = iec({"passport_country": "JP", "residence_country": "JP", "date_of_birth": dob(33), "recognized_organization": "stepwest"}, ON)
    assert r["categories"] == ["working_holiday", "young_professionals"]


def test_assessment_conditions_per_category():
    base = {"passport_country": "FR", "residence_country": "FR", "date_of_birth": dob(27)}
    a = iec_assessment({**base, **ALL_OK}, ON, "fr")
    assert a["eligible"] == ["working_holiday", "young_professionals", "international_coop"]
    a = iec_assessment({**base, **ALL_OK, "job_offer": False}, ON)
    assert a["eligible"] == ["working_holiday"]
    yp = a["categories"]["young_professionals"]
    assert not yp["eligible"] and yp["reasons"][-1]["code"] == "condition_job_offer" and "IRPR" in yp["reasons"][-1]["reference"]
    a = iec_assessment({**base, **ALL_OK, "post_secondary_student": False}, ON)
    assert a["eligible"] == ["working_holiday", "young_professionals"]
    a = iec_assessment({**base, **ALL_OK, "funds": False}, ON, "fr")
    assert a["eligible"] == []
    msg = a["categories"]["working_holiday"]["reasons"][-1]
    assert msg["code"] == "condition_funds" and "2\u00a0500,00\u00a0$" in msg["message_fr"] and "$2,500.00" in msg["message_en"]
    assert iec_assessment({**base, **ALL_OK, "dependants_accompanying": True}, ON)["eligible"] == []
    assert iec_assessment({**base, **ALL_OK, "health_insurance": False}, ON)["eligible"] == []


def test_assessment_age_and_country_reasons():
    a = iec_assessment({"passport_country": "BE", "residence_country": "BE", "date_of_birth": dob(31), **ALL_OK}, ON, "en")
    assert a["eligible"] == [] and a["categories"]["working_holiday"]["reasons"][0]["code"] == "age_out_of_range"
    assert a["categories"]["young_professionals"]["reasons"][0]["code"] == "category_not_offered"
    a = iec_assessment({"passport_country": "BR", "residence_country": "BR", "date_of_birth": dob(25), **ALL_OK}, ON, "en")
    assert a["eligible"] == [] and a["general"][0]["code"] == "not_partner_country"
    a = iec_assessment({"passport_country": "FR", "date_of_birth": dob(25), "criminal_record": True, **ALL_OK}, ON, "en")
    assert a["eligible"] and a["advice"][0]["code"] == "criminal_record"
    with pytest.raises(RulesInputError):
        iec_assessment({"passport_country": "FR", "date_of_birth": "2027-01-01"}, ON)


def test_checklist_per_category():
    wh = {d["code"] for d in iec_documents("working_holiday", ON)}
    yp = {d["code"] for d in iec_documents("young_professionals", ON)}
    coop = {d["code"] for d in iec_documents("international_coop", ON)}
    assert "offer_of_employment" not in wh and "offer_of_employment" in yp and "offer_of_employment" in coop
    assert "student_registration" in coop and "student_registration" not in yp
    assert {"passport", "digital_photo", "use_of_representative"} <= wh
    assert "recognized_organization_letter" not in wh
    ro = {d["code"]: d for d in iec_documents("working_holiday", ON, recognized_organization=True)}
    assert ro["recognized_organization_letter"]["required"]


def test_fees_in_force():
    wh = iec_fees("working_holiday", ON)
    assert [(x["item"], x["amount"]) for x in wh["lines"]] == [("iec_participation", "184.75"), ("open_work_permit_holder", "100.00"), ("biometrics", "85.00")]
    assert wh["total"] == "369.75" and all(x["reference"] for x in wh["lines"])
    yp = iec_fees("young_professionals", ON, biometrics=False)
    assert [(x["item"], x["amount"]) for x in yp["lines"]] == [("iec_participation", "184.75")]
    # A fee change is a new dated value: before 2025-12-01 the participation fee was 179.75.
    assert iec_fees("international_coop", dt.date(2025, 12, 20))["lines"][0]["amount"] == "184.75"
    assert parameter("fees.iec.participation", dt.date(2025, 11, 30)).value == "179.75"


def test_deadlines():
    assert iec_deadlines(ON) == {"invitation_days": 10, "application_days": 20, "reminder_days": [3, 1]}
