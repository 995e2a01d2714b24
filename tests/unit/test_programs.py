"""The program framework stays true: every registered program has its strings in both
languages, its definition keeps the contract, and nothing outside rar_app/programs/
hard-codes a program's code."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from rar_app.i18n import LANGS, catalogue
from rar_app.programs import registry
from rar_app.programs.base import DEFAULT_PAGE_SLUGS, Program
from rar_app.programs.engine import Field, Wizard

ROOT = Path(__file__).resolve().parents[2] / "rar_app"


def _field_keys(f: Field) -> list[str]:
    keys = [f.label_key, f.help_key, f.hint_key, f.required_error_key]
    if f.pattern:
        keys.append(f.pattern_error_key)
    if not callable(f.options):
        keys.extend(o.label_key for o in f.options)
    return [k for k in keys if k]


def _wizard_keys(wiz: Wizard | None) -> list[str]:
    if wiz is None:
        return []
    keys: list[str] = []
    for step in wiz.steps:
        keys.extend(k for k in (step.title_key, step.intro_key) if k)
        for f in step.fields:
            keys.extend(_field_keys(f))
    return keys


def program_keys(p: Program) -> list[str]:
    """Every catalogue key a program's definition names."""
    keys = [p.title_key, p.home_key, p.drafts_key]
    for wiz in (p.eligibility, p.application, *(s.wizard for s in p.profile)):
        keys.extend(_wizard_keys(wiz))
    keys.extend(s.title_key for s in p.profile)
    if p.declaration is not None:
        d = p.declaration
        keys.extend(d.text_keys)
        keys.append(d.refused_error_key)
        for heading, paragraphs in d.sections:
            keys.append(heading)
            keys.extend(paragraphs)
        for f in d.questions:
            keys.extend(_field_keys(f))
    keys.extend(s.label_key for s in p.status_steps)
    return [k for k in keys if k]


def _programs() -> list[Program]:
    return registry.all_programs()


def test_the_visitor_study_work_line_is_registered():
    assert any(p.application is not None for p in _programs())
    assert registry.default() is not None


@pytest.mark.parametrize("lang", LANGS)
def test_every_registered_program_has_its_strings(lang):
    known = catalogue(lang)
    missing = {p.code: sorted({k for k in program_keys(p) if k not in known}) for p in _programs()}
    assert not any(missing.values()), f"missing in {lang}: {missing}"


def test_the_catalogue_walk_finds_a_missing_string():
    # The check above can fail: a program naming a key no catalogue has is reported.
    p = registry.default()
    broken = dataclasses.replace(p, home_key="nowhere.missing_key")
    assert "nowhere.missing_key" in [k for k in program_keys(broken) if k not in catalogue("fr")]


def test_programs_keep_the_contract():
    codes, slugs = set(), set()
    for p in _programs():
        assert p.code not in codes and len(p.code) <= 40
        codes.add(p.code)
        for lang in LANGS:
            assert p.slug(lang) and "/" not in p.slug(lang)
            assert (lang, p.slug(lang)) not in slugs
            slugs.add((lang, p.slug(lang)))
            paths = [p.path(s.id, lang) for s in (p.application.steps if p.application else ())]
            paths += [p.path(name, lang) for name in DEFAULT_PAGE_SLUGS]
            assert len(paths) == len(set(paths)), f"{p.code}: two pages share an address"


def _codes() -> set[str]:
    return {p.code for p in _programs()}


def hard_coded(path: Path, codes: set[str]) -> list[str]:
    """Places in a module where a program's code is written as a literal and used to
    decide something: compared against (``==``, ``in``), a dictionary key or value, a
    keyword argument (``kind="…"``), an assigned constant or a subscript."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    hits: list[ast.Constant] = []

    def literal_codes(node: ast.AST) -> list[ast.Constant]:
        items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
        return [n for n in items if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value in codes]

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for side in (node.left, *node.comparators):
                hits.extend(literal_codes(side))
        elif isinstance(node, ast.Dict):
            for part in (*node.keys, *node.values):
                if part is not None:
                    hits.extend(literal_codes(part))
        elif isinstance(node, ast.keyword):
            hits.extend(literal_codes(node.value))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Constant):
            hits.extend(literal_codes(node.value))  # (a list of glossary terms may share a code's spelling)
        elif isinstance(node, ast.Subscript):
            hits.extend(literal_codes(node.slice))
        elif isinstance(node, ast.Call):
            hits.extend(n for a in node.args for n in literal_codes(a))
    name = str(path.relative_to(ROOT.parent)) if path.is_relative_to(ROOT.parent) else path.name
    return sorted({f"{name}:{n.lineno}: {n.value!r}" for n in hits})


# Where a code may still be written outside rar_app/programs/: the database column's
# default and the migrations (schema, not behaviour); the rules engine, a layer below
# the programs, names its own rule families.
ALLOWED = {"models.py", "migrations", "rules"}


def test_no_module_outside_programs_hard_codes_a_program_code():
    codes = _codes()
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] == "programs" or rel.parts[0] in ALLOWED or rel.name in ALLOWED:
            continue
        found.extend(hard_coded(path, codes))
    assert not found, "compare against the registry, not a program's code:\n" + "\n".join(found)


def test_the_scan_finds_a_comparison(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""visitor_study_work in a docstring is fine."""\n'
                      'def f(app):\n    return app.kind == "visitor_study_work"\n', encoding="utf-8")
    found = hard_coded(sample, {"visitor_study_work"})
    assert len(found) == 1 and found[0].startswith("sample.py:3:")


def test_extra_programs_are_refused_in_production(monkeypatch):
    monkeypatch.setenv(registry.EXTRA_ENV, "tests.programs.tiny")
    monkeypatch.setenv("RAR_ENV", "production")
    with pytest.raises(registry.ProgramError):
        registry.extra_modules()
    monkeypatch.setenv("RAR_ENV", "development")
    assert registry.extra_modules() == ["tests.programs.tiny"]
