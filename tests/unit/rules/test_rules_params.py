"""The parameter store: every value dated and sourced; the loader selects by date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rar_app.rules import RulesInputError, parameter, parameter_names
from rar_app.rules.params import DATA_DIR, PARAMETERS_DIR, load_parameters


def test_every_parameter_has_a_reference_and_sorted_dates():
    params = load_parameters()
    assert len(params) > 50
    for name, p in params.items():
        assert p.description, name
        assert p.values, name
        starts = [v.start for v in p.values]
        assert starts == sorted(starts) and len(set(starts)) == len(starts), name
        for v in p.values:
            assert v.reference and len(v.reference) > 5, (name, v.start)


def test_parameter_returns_value_in_force_with_reference():
    pv = parameter("fees.biometrics.individual", dt.date(2026, 1, 15))
    assert pv.value == "85.00"
    assert "315.1" in pv.reference
    assert pv.start == dt.date(2018, 7, 31)
    assert pv.as_dict()["name"] == "fees.biometrics.individual"
    # string dates are accepted
    assert parameter("fees.eta", "2026-01-15").value == "7.00"


def test_value_changes_on_its_effective_date():
    assert parameter("fees.iec.participation", dt.date(2025, 11, 30)).value == "179.75"
    assert parameter("fees.iec.participation", dt.date(2025, 12, 1)).value == "184.75"
    assert parameter("crs.additional.arranged_employment", dt.date(2025, 3, 24)).value == {"noc_00": 200, "teer_0_1_2_3": 50}
    assert parameter("crs.additional.arranged_employment", dt.date(2025, 3, 25)).value == {"noc_00": 0, "teer_0_1_2_3": 0}
    pv = parameter("crs.additional.arranged_employment", dt.date(2020, 1, 1))
    assert pv.end == dt.date(2025, 3, 25)


def test_no_value_in_force_raises_rules_input_error():
    with pytest.raises(RulesInputError) as e:
        parameter("fees.biometrics.individual", dt.date(2010, 1, 1))
    assert e.value.code == "no_rules_in_force" and e.value.field == "date"
    with pytest.raises(RulesInputError) as e:  # ended parameter (SDS closed)
        parameter("sds.countries", dt.date(2025, 1, 1))
    assert e.value.code == "no_rules_in_force"
    with pytest.raises(RulesInputError) as e:
        parameter("no.such.parameter", dt.date(2025, 1, 1))
    assert e.value.code == "unknown_parameter"


def test_parameter_returns_a_private_copy():
    pv = parameter("crs.core.age", dt.date(2026, 1, 1))
    pv.value[29][1] = 0
    assert parameter("crs.core.age", dt.date(2026, 1, 1)).value[29][1] == 110


def test_reference_data_copied_with_source_notes():
    for csv in DATA_DIR.glob("*.csv"):
        assert csv.with_suffix(".md").exists(), csv.name
    assert (DATA_DIR / "common_passwords.md").exists()
    shared = Path("/work/shared/data")
    if shared.exists():
        for name in ("noc2021_unit_groups.csv", "language_test_clb.csv", "iec_countries.csv", "eta_visa_exempt_countries.csv", "visa_required_countries.csv"):
            assert (DATA_DIR / name).read_bytes() == (shared / name).read_bytes(), name


def test_names_are_file_stem_plus_key():
    names = parameter_names()
    files = {p.stem for p in PARAMETERS_DIR.glob("*.yaml")}
    assert all(n.split(".")[0] in files for n in names)
    assert "fees.visitor_visa.family_maximum" in names and "crs.core.age" in names
