"""The registry of lines of business. Program modules register themselves on import;
`all_programs()` imports the known ones so that callers never list them by name.

Extra program modules (dotted paths, comma-separated) may be named in the environment
variable ``RAR_EXTRA_PROGRAMS`` — the browser tests register a test-only program that
way. It is refused when ``RAR_ENV=production``.

The home page's « Faire une demande » list is `HOME_ENTRIES`: the guide's lines of
business in the guide's order. An entry whose program is registered links to it; the
others show « Offert prochainement ». (A data list: nothing compares program names.)
"""

from __future__ import annotations

import importlib
import os

from rar_app.programs.base import Program

# Modules under rar_app.programs that define a line of business (each calls register()).
PROGRAM_MODULES: tuple[str, ...] = ("visitor_study_work", "express_entry", "iec", "eta", "ifhp")
EXTRA_ENV = "RAR_EXTRA_PROGRAMS"

# (program code, catalogue key of the home page's link text), in the guide's order.
HOME_ENTRIES: tuple[tuple[str, str], ...] = (
    ("visitor_study_work", "home.apply_vsw"),
    ("express_entry", "home.apply_ee"),
    ("iec", "home.apply_iec"),
    ("eta", "home.apply_eta"),
    ("ifhp", "home.apply_ifhp"),
)

_PROGRAMS: dict[str, Program] = {}
_loaded = False


class ProgramError(Exception):
    """A program definition that breaks the contract (duplicate code, step ids or addresses)."""


def register(program: Program) -> Program:
    _check(program)
    _PROGRAMS[program.code] = program
    return program


def _check(program: Program) -> None:
    ids: list[str] = []
    for wiz in (program.eligibility, program.application, *(s.wizard for s in program.profile)):
        if wiz is not None:
            ids.extend(s.id for s in wiz.steps)
    if len(ids) != len(set(ids)):
        raise ProgramError(f"{program.code}: step ids must be unique across its wizards (they name its pages)")
    for other in _PROGRAMS.values():
        if other.code != program.code and (other.slug_fr == program.slug_fr or other.slug_en == program.slug_en):
            raise ProgramError(f"{program.code}: address {program.slug_fr}/{program.slug_en} already used by {other.code}")


def unregister(code: str) -> None:
    """For tests that register a program of their own."""
    _PROGRAMS.pop(code, None)


def extra_modules() -> list[str]:
    """The test-only program modules named in RAR_EXTRA_PROGRAMS (refused in production)."""
    raw = os.environ.get(EXTRA_ENV, "").strip()
    if not raw:
        return []
    if os.environ.get("RAR_ENV", "development").strip().lower() == "production":
        raise ProgramError(f"{EXTRA_ENV} is refused when RAR_ENV=production")
    return [m.strip() for m in raw.split(",") if m.strip()]


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for name in PROGRAM_MODULES:
            importlib.import_module(f"rar_app.programs.{name}")
        for dotted in extra_modules():
            importlib.import_module(dotted)


def all_programs(*, include_test: bool = True) -> list[Program]:
    """Every registered program (test-only ones too unless `include_test` is False)."""
    _load()
    return sorted((p for p in _PROGRAMS.values() if include_test or not p.test_only), key=lambda p: (p.order, p.code))


def get(code: str) -> Program:
    """The program stored in an application's `kind`; KeyError for an unknown one."""
    _load()
    return _PROGRAMS[code]


def find(code: str) -> Program | None:
    _load()
    return _PROGRAMS.get(code)


def default() -> Program | None:
    """The program a new draft belongs to when the caller names none: the first entry of
    `HOME_ENTRIES` that is registered with an application wizard."""
    _load()
    for code, _key in HOME_ENTRIES:
        program = _PROGRAMS.get(code)
        if program is not None and program.application is not None:
            return program
    return None


def home_entries() -> list[tuple[str, Program | None]]:
    """(link text key, program or None while not built): the guide's entries, in order.
    Programs reached from another one (a permanent residence application after an
    invitation) are not listed."""
    _load()
    return [(key, _PROGRAMS.get(code)) for code, key in HOME_ENTRIES]


def program_label(code: str, lang: str) -> str | None:
    """The name of the program stored as `code` (an application's kind or type), or None."""
    from rar_app.i18n import t

    try:
        return t(get(code).title_key, lang)
    except KeyError:
        return None
