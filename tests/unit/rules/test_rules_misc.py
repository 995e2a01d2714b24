"""Password rules, common passwords, NOC search, documents, processing times, SDS, application types."""

from __future__ import annotations

import datetime as dt

import pytest

from rar_app import rules
from rar_app.rules import (
    APPLICATION_TYPES,
    RulesInputError,
    check_password,
    is_common_password,
    processing_steps,
    processing_time_days,
    required_documents,
    sds_countries,
    sds_open,
    search_noc,
)

ON = dt.date(2026, 1, 15)


# --- password --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "username,password,violations",
    [
        ("jsmith", "Abcdefg1", []),
        ("jsmith", "Abcdef1", ["length"]),
        ("jsmith", "Abcdefghijklmno12", ["length"]),
        ("jsmith", "Abcdefghijklmn12", []),
        ("jsmith", "abcdefg1", ["uppercase"]),
        ("jsmith", "ABCDEFG1", ["lowercase"]),
        ("jsmith", "Abcdefgh", ["digit"]),
        ("jsmith", "xxSMIxx1A", ["username_sequence"]),
        ("jsmith", "xxSMxxIT1", []),
        ("ab", "Abab1234", []),
        ("", "", ["length", "uppercase", "lowercase", "digit"]),
        ("Marie", "ÉtéRIE2024", ["username_sequence"]),
    ],
)
def test_password_rules(username, password, violations):
    r = check_password(username, password)
    assert r["violations"] == violations and r["valid"] is (not violations)
    assert [m["code"] for m in r["messages"]] == violations


def test_common_passwords():
    assert is_common_password("password") and is_common_password("PassWord") and is_common_password("123456")
    assert not is_common_password("Zq8!vT4#pL")
    r = check_password("jsmith", "Password1")
    assert r["valid"] is True and r["common"] is True  # validity follows the five contract rules only
    from rar_app.rules.params import DATA_DIR

    assert len((DATA_DIR / "common_passwords.txt").read_text().split()) == 5000


def test_password_french_messages():
    r = check_password("jsmith", "abc", "fr")
    assert r["messages"][0]["message"].startswith("Le mot de passe doit compter de 8 à 16")


# --- NOC search ------------------------------------------------------------------------------------------------
def test_noc_code_prefix_sorted_by_code():
    r = search_noc("2123", limit=5)
    assert [x["code"] for x in r] == ["21230", "21231", "21232", "21233", "21234"]
    assert search_noc("21231")[0]["title_fr"].startswith("Ingénieurs/ingénieures")


@pytest.mark.parametrize(
    "query,lang,code",
    [
        ("infirmière autorisée", "fr", "31301"),
        ("infirmiere autorisee", "fr", "31301"),
        ("registered nurses", "en", "31301"),
        ("cuisiniers", "fr", "63200"),
        ("cooks", "en", "63200"),
        ("développeurs logiciels", "fr", "21232"),
        ("software developers", "en", "21232"),
        ("SOFTWARE engineers", "en", "21231"),
        ("conducteurs camions", "fr", "73300"),
        ("truck drivers", "en", "73300"),
    ],
)
def test_noc_words_either_language_accent_insensitive(query, lang, code):
    r = search_noc(query, limit=3, lang=lang)
    assert r and r[0]["code"] == code, [x["code"] for x in r]
    assert set(r[0]) >= {"code", "teer", "title_fr", "title_en", "title"}


def test_noc_accents_and_all_variants_found():
    fr = {x["code"] for x in search_noc("électriciens", limit=10, lang="fr")}
    plain = {x["code"] for x in search_noc("ELECTRICIENS", limit=10, lang="fr")}
    assert {"72200", "72201", "72202"} <= fr and fr == plain


def test_noc_search_misc():
    assert search_noc("   ") == []
    assert search_noc("zzzzqqq") == []
    assert len(search_noc("a", limit=516)) <= 516
    assert all(x["code"].startswith("21") for x in search_noc("21 ingénieurs", limit=50))
    with pytest.raises(RulesInputError):
        search_noc("x", limit=0)
    assert len(rules.noc_list()) == 516


# --- documents -------------------------------------------------------------------------------------------------
def codes(docs):
    return [d["code"] for d in docs]


def test_documents_per_type():
    vv = required_documents("visitor_visa", minor=False, sds=False, on_date=ON)
    assert {"passport", "digital_photo", "purpose_of_travel", "proof_of_financial_support"} <= set(codes(vv))
    assert "letter_of_acceptance" not in codes(vv)
    sp = required_documents("study_permit", minor=False, sds=False, on_date=ON)
    assert {"letter_of_acceptance", "provincial_attestation_letter"} <= set(codes(sp))
    wp = required_documents("work_permit", minor=False, sds=False, on_date=ON)
    assert "job_offer" in codes(wp)
    owp = required_documents("open_work_permit", minor=False, sds=False, on_date=ON)
    assert "proof_of_open_work_permit_eligibility" in codes(owp) and "job_offer" not in codes(owp)
    for d in vv + sp + wp + owp:
        assert set(d) >= {"code", "label_fr", "label_en", "help_fr", "help_en", "required"}


def test_documents_dated_pal_and_minors():
    before = required_documents("study_permit", minor=False, sds=False, on_date=dt.date(2024, 1, 21))
    assert "provincial_attestation_letter" not in codes(before)
    minor = required_documents("study_permit", minor=True, sds=False, on_date=ON)
    assert {"birth_certificate", "parental_consent", "custodianship_declaration"} <= set(codes(minor))
    minor_vv = required_documents("visitor_visa", minor=True, sds=False, on_date=ON)
    assert "custodianship_declaration" not in codes(minor_vv) and "parental_consent" in codes(minor_vv)


def test_documents_sds_extras_and_closure():
    docs = required_documents("study_permit", minor=False, sds=True, on_date=dt.date(2023, 6, 1))
    gic = next(d for d in docs if d["code"] == "sds_gic")
    assert "10,000" in gic["label_en"] and "10\u00a0000" in gic["label_fr"]
    docs = required_documents("study_permit", minor=False, sds=True, on_date=dt.date(2024, 6, 1))
    assert "20,635" in next(d for d in docs if d["code"] == "sds_gic")["label_en"]
    with pytest.raises(RulesInputError) as e:
        required_documents("study_permit", minor=False, sds=True, on_date=ON)
    assert e.value.code == "sds_closed"
    with pytest.raises(RulesInputError):
        required_documents("visitor_visa", minor=False, sds=True, on_date=dt.date(2024, 6, 1))
    with pytest.raises(RulesInputError):
        required_documents("passport", minor=False, sds=False, on_date=ON)


# --- processing times ------------------------------------------------------------------------------------------
def test_processing_times():
    assert processing_time_days("visitor_visa", ON) == 14
    assert processing_time_days("study_permit", ON) == 60
    assert processing_time_days("work_permit", ON) == 60
    assert processing_time_days("iec_working_holiday", ON) == 56
    assert processing_time_days("eta", ON) == 3
    assert processing_time_days("study_permit", dt.date(2024, 6, 1), sds=True) == 20
    with pytest.raises(RulesInputError):
        processing_time_days("study_permit", ON, sds=True)
    with pytest.raises(RulesInputError) as e:
        processing_time_days("visitor_visa", dt.date(2023, 1, 1))
    assert e.value.code == "no_rules_in_force"
    steps = processing_steps("visitor_visa", ON)
    assert [s["code"] for s in steps][0] == "submitted" and all(s["label_fr"] and s["label_en"] for s in steps)


# --- SDS -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "country,day,expected",
    [
        ("IN", dt.date(2018, 6, 7), False),
        ("IN", dt.date(2018, 6, 8), True),
        ("PK", dt.date(2019, 7, 25), False),
        ("PK", dt.date(2019, 7, 26), True),
        ("SN", dt.date(2019, 9, 8), False),
        ("MA", dt.date(2019, 9, 9), True),
        ("BR", dt.date(2021, 7, 8), False),
        ("BR", dt.date(2021, 7, 9), True),
        ("VN", dt.date(2024, 11, 7), True),
        ("VN", dt.date(2024, 11, 8), False),
        ("in", dt.date(2020, 1, 1), True),
        ("FR", dt.date(2020, 1, 1), False),
    ],
)
def test_sds_open(country, day, expected):
    assert sds_open(country, day) is expected


def test_sds_country_list():
    assert len(sds_countries(dt.date(2024, 1, 1))) == 14
    assert sds_countries(ON) == []
    assert rules.SDS(dt.date(2018, 6, 8)) == ["CN", "IN", "PH", "VN"]
    hist = rules.sds_history()
    assert hist[-1]["start"] == "2024-11-08" and hist[-1]["open"] is False


# --- application types -----------------------------------------------------------------------------------------
def test_application_types():
    assert [t["code"] for t in APPLICATION_TYPES][:4] == ["visitor_visa", "study_permit", "work_permit", "open_work_permit"]
    lob = {t["code"]: t["line_of_business"] for t in APPLICATION_TYPES}
    assert lob == {"visitor_visa": "V", "study_permit": "S", "work_permit": "W", "open_work_permit": "W"}
    assert all(t["label_fr"] and t["label_en"] for t in APPLICATION_TYPES)


def test_rules_package_imports_nothing_of_the_portal():
    import ast
    from pathlib import Path

    pkg = Path(rules.__file__).parent
    for py in pkg.glob("*.py"):
        tree = ast.parse(py.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                assert not node.module.startswith(("rar_app", "reflex")), (py.name, node.module)
            if isinstance(node, ast.ImportFrom) and node.level >= 2:
                raise AssertionError(f"{py.name} imports outside rules/")
            if isinstance(node, ast.Import):
                for a in node.names:
                    assert not a.name.startswith(("rar_app", "reflex", "sqlmodel", "sqlalchemy")), (py.name, a.name)
