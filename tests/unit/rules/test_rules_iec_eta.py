"""IEC eligibility and categories; eTA decisions."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from rar_app.rules import RulesInputError, eta, iec
from rar_app.rules.params import DATA_DIR

ON = dt.date(2026, 1, 15)


def dob(age, on=ON):
    """A date of birth giving exactly ``age`` on ``on`` (birthday today)."""
    return on.replace(year=on.year - age).isoformat()


def test_france_all_three_categories():
    r = iec({"passport_country": "FR", "residence_country": "FR", "date_of_birth": "1999-04-02"}, ON)
    assert r["eligible"] and r["categories"] == ["working_holiday", "young_professionals", "international_coop"]
    assert r["age"] == 26


def _rows():
    with (DATA_DIR / "iec_countries.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["iso2"])
def test_every_partner_country_age_limits_and_categories(row):
    cats = [c for c in ("working_holiday", "young_professionals", "international_coop") if row[c] == "true"]
    iso = row["iso2"]
    lo, hi = int(row["min_age"]), int(row["max_age"])
    ok = iec({"passport_country": iso, "residence_country": iso, "date_of_birth": dob(lo)}, ON)
    assert ok["eligible"] and ok["categories"] == cats
    top = iec({"passport_country": iso, "residence_country": iso, "date_of_birth": dob(hi)}, ON)
    assert top["eligible"]
    too_old = iec({"passport_country": iso, "residence_country": iso, "date_of_birth": dob(hi + 1)}, ON)
    assert not too_old["eligible"] and {x["code"] for x in too_old["reasons"]} == {"age_out_of_range"}
    too_young = iec({"passport_country": iso, "date_of_birth": (ON.replace(year=ON.year - lo) + dt.timedelta(days=1)).isoformat()}, ON)
    assert not too_young["eligible"]


def test_austria_working_holiday_ends_at_30():
    r = iec({"passport_country": "AT", "residence_country": "AT", "date_of_birth": dob(31)}, ON)
    assert r["categories"] == ["young_professionals", "international_coop"]


def test_residence_requirement():
    r = iec({"passport_country": "BE", "residence_country": "FR", "date_of_birth": dob(25)}, ON)
    assert not r["eligible"] and "residence_required" in [x["code"] for x in r["reasons"]]
    r = iec({"passport_country": "DK", "residence_country": "GL", "date_of_birth": dob(25)}, ON)
    assert r["eligible"]
    r = iec({"passport_country": "FR", "residence_country": "GB", "date_of_birth": dob(25)}, ON)
    assert r["eligible"]  # France has no residence condition


def test_non_partner_country_and_recognized_organization():
    r = iec({"passport_country": "US", "residence_country": "US", "date_of_birth": dob(25)}, ON)
    assert not r["eligible"] and r["reasons"][0]["code"] == "not_partner_country"
    r = iec({"passport_country": "US", "residence_country": "US", "date_of_birth": dob(25), "recognized_organization": "swap"}, ON)
    assert r["eligible"] and r["categories"] == ["working_holiday"]
    r = iec({"passport_country": "US", "date_of_birth": dob(25), "recognized_organization": "nope"}, ON)
    assert not r["eligible"] and r["reasons"][-1]["code"] == "recognized_organization_unknown"


def test_iec_bad_input_and_dates():
    with pytest.raises(RulesInputError) as e:
        iec({"passport_country": "FRA", "date_of_birth": "1999-01-01"}, ON)
    assert (e.value.code, e.value.field) == ("invalid_value", "passport_country")
    with pytest.raises(RulesInputError) as e:
        iec({"passport_country": "FR", "date_of_birth": "1999-02-30"}, ON)
    assert (e.value.code, e.value.field) == ("invalid_date", "date_of_birth")
    with pytest.raises(RulesInputError) as e:
        iec({"passport_country": "FR", "date_of_birth": "2030-01-01"}, ON)
    assert e.value.code == "out_of_range"
    with pytest.raises(RulesInputError) as e:
        iec({"passport_country": "FR", "date_of_birth": "1999-01-01"}, dt.date(2024, 1, 1))
    assert e.value.code == "no_rules_in_force"


# --- eTA -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "req,required,can_apply,code",
    [
        ({"citizenship": "FR", "travel_mode": "air"}, True, True, "visa_exempt_air"),
        ({"citizenship": "GB", "travel_mode": "air"}, True, True, "visa_exempt_air"),
        ({"citizenship": "FR", "travel_mode": "land"}, False, True, "not_flying"),
        ({"citizenship": "US", "travel_mode": "air"}, False, False, "us_citizen"),
        ({"citizenship": "IN", "travel_mode": "air"}, False, False, "visa_required"),
        ({"citizenship": "IN", "travel_mode": "air", "us_lawful_permanent_resident": True}, False, False, "us_lawful_permanent_resident"),
        ({"citizenship": "IN", "travel_mode": "air", "holds_valid_canadian_visa": True}, False, False, "holds_valid_visa"),
        ({"citizenship": "MX", "travel_mode": "air"}, False, False, "conditional_eta_not_met"),
        ({"citizenship": "MX", "travel_mode": "air", "holds_valid_us_nonimmigrant_visa": True}, True, True, "conditional_eta"),
        ({"citizenship": "BR", "travel_mode": "air", "held_canadian_visa_last_10_years": True}, True, True, "conditional_eta"),
        ({"citizenship": "BR", "travel_mode": "sea", "held_canadian_visa_last_10_years": True}, False, False, "visa_required"),
        ({"citizenship": "QA", "travel_mode": "air"}, True, True, "visa_exempt_air"),
        ({"citizenship": "FR", "travel_mode": "air", "canadian_citizen_or_pr": True}, False, False, "canadian_citizen_or_pr"),
        ({"citizenship": "ZZ", "travel_mode": "air"}, False, False, "country_not_listed"),
    ],
)
def test_eta_decisions(req, required, can_apply, code):
    r = eta(req, ON)
    assert (r["eta_required"], r["can_apply"], r["reason"]["code"]) == (required, can_apply, code)
    assert r["reason"]["message"] and r["reason"]["message_fr"]


def test_eta_dated_country_lists():
    assert eta({"citizenship": "QA", "travel_mode": "air"}, dt.date(2025, 11, 24))["reason"]["code"] == "visa_required"
    assert eta({"citizenship": "MX", "travel_mode": "air"}, dt.date(2024, 2, 28))["reason"]["code"] == "visa_exempt_air"
    assert eta({"citizenship": "MX", "travel_mode": "air"}, dt.date(2024, 2, 29))["reason"]["code"] == "conditional_eta_not_met"
    with pytest.raises(RulesInputError) as e:
        eta({"citizenship": "FR", "travel_mode": "air"}, dt.date(2020, 1, 1))
    assert e.value.code == "no_rules_in_force"


def test_eta_every_exempt_country_needs_eta_by_air():
    with (DATA_DIR / "eta_visa_exempt_countries.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            r = eta({"citizenship": row["iso2"], "travel_mode": "air"}, ON)
            assert r["eta_required"] is (row["iso2"] != "US"), row["iso2"]


def test_eta_bad_input():
    with pytest.raises(RulesInputError) as e:
        eta({"citizenship": "FR", "travel_mode": "rocket"}, ON)
    assert (e.value.code, e.value.field) == ("invalid_value", "travel_mode")
    with pytest.raises(RulesInputError) as e:
        eta({"travel_mode": "air"}, ON)
    assert (e.value.code, e.value.field) == ("missing_field", "citizenship")
    with pytest.raises(RulesInputError) as e:
        eta({"citizenship": "FR", "us_lawful_permanent_resident": "yes"}, ON)
    assert (e.value.code, e.value.field) == ("wrong_type", "us_lawful_permanent_resident")
