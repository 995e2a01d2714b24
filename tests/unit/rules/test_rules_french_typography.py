"""French typography in everything the rules engine says in French (issue 17): its YAML
parameters, its French string literals, the French columns of its reference data (as read)
and its French answers and errors — ’ never ', and a no-break space before : ; ? ! » and
after «. The checker is the one the French catalogue test uses."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
import yaml

from rar_app.rules import params, run
from rar_app.rules.common import fr_typography
from rules_testlib import lang_levels
from tests.unit.test_french_typography import _problems

RULES = Path(__file__).resolve().parents[3] / "rar_app" / "rules"
# A string is checked as French when it looks French (accents, guillemets, French elision or words).
_LOOKS_FRENCH = re.compile(r"[éèêàçôûîœ«»’]|\b(le|la|les|des|du|est|pour|une|doit|aucun|dans|avec)\b|\b(d|l|n|qu|s)'",
                           re.IGNORECASE)


def _french_values(node, french=False, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _french_values(value, french or str(key).endswith("_fr") or key == "fr", f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _french_values(value, french, f"{path}/{i}")
    elif isinstance(node, str) and french:
        yield path, node


@pytest.mark.parametrize("path", sorted((RULES / "parameters").glob("*.yaml")), ids=lambda p: p.name)
def test_every_french_parameter_text(path):
    bad = {where: p for where, text in _french_values(yaml.safe_load(path.read_text(encoding="utf-8")))
           if (p := _problems(text))}
    assert not bad, "\n".join(f"{path.name}{where}: {p}" for where, p in bad.items())


def _string_constants(tree: ast.AST):
    skip = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            skip.add(id(body[0].value))  # docstrings are for developers
        if isinstance(node, ast.FunctionDef) and node.name == "fr_typography":
            skip.update(id(sub) for sub in ast.walk(node))
    french_parts = set()  # the literal parts of an f-string that says something in French
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = [v for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            if any(_LOOKS_FRENCH.search(v.value) for v in parts):
                french_parts.update(id(v) for v in parts)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node, id(node) in french_parts


@pytest.mark.parametrize("path", sorted(RULES.glob("*.py")), ids=lambda p: p.name)
def test_every_french_string_in_the_rules_code(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [f"{path.name}:{c.lineno}: {p[0]} in {c.value[:60]!r}" for c, in_french in _string_constants(tree)
           if (in_french or _LOOKS_FRENCH.search(c.value) or re.search(r" [:;?!\u00bb]", c.value))
           and (p := _problems(c.value))]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", sorted(p.name for p in (RULES / "data").glob("*.csv")))
def test_french_columns_of_reference_data_as_read(name):
    bad = [(row, key) for row in params.read_csv(name) for key, value in row.items()
           if key.endswith("_fr") and _problems(value)]
    assert not bad, bad[:5]


FRENCH_REQUESTS = [
    ("crs", {"age": 29, "education": "bachelors", "first_language": lang_levels(9), "second_language": None,
             "canadian_work_years": 1, "foreign_work_years": 3, "certificate_of_qualification": False,
             "spouse": None, "provincial_nomination": False, "sibling_in_canada": True,
             "canadian_education": "none"}),
    ("fsw", {"age": 30, "education": "bachelors", "first_language": lang_levels(6), "skilled_work_years": 0}),
    ("programs", {"age": 29, "education": "secondary", "first_language": lang_levels(5), "second_language": None,
                  "canadian_work_years": 0, "foreign_work_years": 0, "certificate_of_qualification": False,
                  "spouse": None, "provincial_nomination": False, "sibling_in_canada": False,
                  "canadian_education": "none", "work_history": []}),
    ("fees", {"applicants": [{"application": "visitor_visa", "fee": "family_rate", "biometrics": "family_rate"},
                             {"application": "study_permit", "fee": "standard", "biometrics": "standard"}]}),
    ("iec", {"passport_country": "FR", "residence_country": "FR", "date_of_birth": "1980-04-02"}),
    ("eta", {"citizenship": "IN", "travel_mode": "air"}),
    ("eta", {"citizenship": "FR", "travel_mode": "land"}),
    ("clb", {"test": "tef", "speaking": 400, "listening": 300, "reading": 250, "writing": 380}),
    ("crs", {"age": 20}),  # an error: a missing field
    ("eta", {"citizenship": "ZZ"}),
    ("nope", {}),
]


def _strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)
    elif isinstance(node, str):
        yield node


@pytest.mark.parametrize(("command", "request_"), FRENCH_REQUESTS, ids=lambda v: v if isinstance(v, str) else "")
def test_french_answers_and_errors(command, request_):
    code, out = run([command, "--lang", "fr", "--date", "2026-01-15"], json.dumps(request_))
    assert code in (0, 2)
    texts = [s for s in _strings(out) if _LOOKS_FRENCH.search(s)]
    assert texts, out  # the rules say something in French for each of these
    bad = {s: p for s in texts if (p := _problems(s))}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


def test_fr_typography_is_idempotent_and_leaves_times_and_addresses_alone():
    text = "L'entrée: « oui »; à 14:30 (https://ircc.canada.ca) ? Oui!"
    once = fr_typography(text)
    assert once == fr_typography(once)
    assert not _problems(once)
    assert "14:30" in once and "https://ircc.canada.ca" in once
