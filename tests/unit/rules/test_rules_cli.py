"""The command line contract: real subprocess runs, and fuzzing of the in-process entry with random JSON/argv."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from rar_app.rules.cli import main, run
from rules_testlib import cli, lang_levels

CRS_REQ = {
    "age": 29, "education": "bachelors", "first_language": lang_levels(9), "second_language": None,
    "canadian_work_years": 0, "foreign_work_years": 3, "certificate_of_qualification": False, "spouse": None,
    "provincial_nomination": False, "sibling_in_canada": False, "canadian_education": "none",
}
COMMANDS = ["clb", "crs", "fsw", "programs", "fees", "iec", "eta", "password"]


def assert_error(code, out, expected_code=None, field=None):
    assert code == 2
    assert set(out) == {"error"} and set(out["error"]) == {"code", "field", "message"}
    assert isinstance(out["error"]["code"], str) and isinstance(out["error"]["field"], str) and out["error"]["message"]
    if expected_code:
        assert out["error"]["code"] == expected_code
    if field is not None:
        assert out["error"]["field"] == field


# --- real subprocess runs --------------------------------------------------------------------------------------
def test_subprocess_crs_contract_example():
    code, out, err = cli("crs", CRS_REQ, "--date", "2026-01-15")
    assert code == 0 and err == ""
    assert out["total"] == 429 and out["core"] == 354 and out["transferability"] == 75
    assert {"total", "core", "spouse", "transferability", "additional", "lines"} <= set(out)
    assert all({"section", "factor", "points", "explanation"} <= set(ln) for ln in out["lines"])


def test_subprocess_fees_french_and_date():
    req = {"applicants": [{"application": "visitor_visa", "fee": "family_rate", "biometrics": "family_rate"},
                          {"application": "visitor_visa", "fee": "family_rate_exempt", "biometrics": "family_rate_exempt"}]}
    code, out, _ = cli("fees", req, "--date=2026-01-15", "--lang=fr")
    assert code == 0 and out["total"] == "670.00" and out["currency"] == "CAD"
    assert out["lines"][0]["explanation"].startswith("Client 1")
    assert "personnes" in out["warnings"][0]["message"]
    assert out["cheapest"]["total"] == "370.00"


def test_subprocess_errors_exit_2_without_traceback():
    for args, payload, expected in [
        (["crs"], b"{not json", "malformed_json"),
        (["crs"], b"[1, 2]", "wrong_type"),
        (["nope"], b"{}", "unknown_command"),
        (["crs", "--date", "2026-02-30"], json.dumps(CRS_REQ).encode(), "invalid_date"),
        (["crs", "--date", "2014-01-01"], json.dumps(CRS_REQ).encode(), "no_rules_in_force"),
        (["crs", "--lang", "de"], json.dumps(CRS_REQ).encode(), "invalid_value"),
        (["crs"], json.dumps({**CRS_REQ, "age": -1}).encode(), "out_of_range"),
        (["crs"], b"\xff\xfe", "malformed_json"),
        (["crs"], b"[" * 100000, "malformed_json"),
    ]:
        code, out, err = cli(args[0], payload, *args[1:])
        assert_error(code, out, expected)
        assert "Traceback" not in err


@pytest.mark.parametrize(
    "command,payload,key",
    [
        ("clb", {"test": "ielts", "speaking": 7, "listening": 8.5, "reading": 6.5, "writing": 6}, "speaking"),
        ("fsw", {"age": 30, "education": "bachelors", "first_language": lang_levels(9), "skilled_work_years": 3}, "passes"),
        ("programs", {**CRS_REQ, "work_history": [{"noc": "21231", "country": "IN", "start": "2020-01-01"}]}, "programs"),
        ("iec", {"passport_country": "FR", "residence_country": "FR", "date_of_birth": "1999-04-02"}, "categories"),
        ("eta", {"citizenship": "FR", "travel_mode": "air"}, "eta_required"),
        ("password", {"username": "jsmith", "password": "Abcdefg1"}, "valid"),
    ],
)
def test_subprocess_every_contract_command(command, payload, key):
    code, out, _ = cli(command, payload, "--date", "2026-01-15")
    assert code == 0 and key in out


# --- in-process ------------------------------------------------------------------------------------------------
def test_main_writes_one_json_object():
    buf = io.StringIO()
    assert main(["eta", "--lang", "fr"], b'{"citizenship": "FR"}', buf) == 0
    out = json.loads(buf.getvalue())
    assert out["eta_required"] is True and "AVE" in out["reason"]["message"]


def test_error_messages_follow_lang():
    code, out = run(["crs", "--lang", "fr"], b'{"age": 20}')
    assert_error(code, out, "missing_field", "education")
    assert "obligatoire" in out["error"]["message"]


def test_nested_field_paths():
    code, out = run(["crs"], json.dumps({**CRS_REQ, "first_language": {**lang_levels(9), "reading": "9"}}))
    assert_error(code, out, "wrong_type", "first_language.reading")
    code, out = run(["fees"], json.dumps({"applicants": [{"application": "visitor_visa"}, {"application": "visitor_visa", "fee": 1}]}))
    assert_error(code, out, "wrong_type", "applicants[1].fee")
    code, out = run(["crs"], json.dumps({**CRS_REQ, "spouse": {"education": "phd"}}))
    assert_error(code, out, "invalid_value", "spouse.education")


def test_extras_are_commands_too():
    assert run(["noc"], b'{"query": "cuisiniers"}')[1]["results"][0]["code"] == "63200"
    assert run(["sds", "--date", "2024-01-01"], b'{"country": "IN"}')[1]["open"] is True
    assert run(["parameter", "--date", "2026-01-15"], b'{"name": "fees.eta"}')[1]["value"] == "7.00"
    assert run(["documents"], b'{"application_type": "visitor_visa"}')[0] == 0
    assert run(["processing", "--date", "2026-01-15"], b'{"application_type": "eta"}')[1]["days"] == 3
    assert run(["fee_options", "--date", "2026-01-15"], b'{"application_type": "visitor_visa"}')[0] == 0


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
FIELD_NAMES = ["age", "education", "first_language", "second_language", "spouse", "language", "speaking", "listening", "reading", "writing",
               "test", "test_date", "applicants", "application", "fee", "biometrics", "citizenship", "travel_mode", "passport_country",
               "date_of_birth", "username", "password", "work_history", "noc", "start", "end", "canadian_work_years", "adaptability"]
VALUES = st.sampled_from(["en", "fr", "bachelors", "ielts", "tef", "visitor_visa", "family_rate", "FR", "IN", "air", "1999-04-02", "21231", 0, 7, 12, 13, -1, True, None, 9.5, "2020-01-01"])
SHAPED = st.recursive(
    VALUES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(FIELD_NAMES), children, max_size=6),
    max_leaves=20,
)


def _check_any(argv, payload):
    code, out = run(argv, payload)
    assert code in (0, 2)
    if code == 2:
        assert_error(code, out)
        assert out["error"]["code"] != "internal_error", out
    else:
        json.dumps(out)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(COMMANDS), st.dictionaries(st.sampled_from(FIELD_NAMES), SHAPED, max_size=8))
def test_fuzz_shaped_objects_never_crash(command, obj):
    _check_any([command, "--date", "2026-01-15"], json.dumps(obj))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(COMMANDS), JSON)
def test_fuzz_random_json_never_crashes(command, value):
    _check_any([command], json.dumps(value))


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(st.sampled_from(COMMANDS + ["--date", "--lang", "fr", "en", "2026-01-15", "--date=2026-13-01", "--x", "2024-11-08", "--lang=fr"]), max_size=5),
                 st.lists(st.text(max_size=8), max_size=4)),
       st.binary(max_size=40))
def test_fuzz_argv_and_bytes_never_crash(argv, payload):
    _check_any(argv, payload)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(COMMANDS), st.dictionaries(st.sampled_from(FIELD_NAMES), SHAPED, max_size=6))
def test_fuzz_real_subprocess(command, obj):
    code, out, err = cli(command, obj, "--date", "2026-01-15")
    assert code in (0, 2) and "Traceback" not in err
    if code == 2:
        assert_error(code, out)
        assert out["error"]["code"] != "internal_error"
