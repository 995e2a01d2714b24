"""The registry of lines of business. Program modules register themselves on import;
`all_programs()` imports the known ones so that callers never list them by name."""

from __future__ import annotations

import importlib

from rar_app.programs.base import Program

# Modules under rar_app.programs that define a line of business (each calls register()).
PROGRAM_MODULES: tuple[str, ...] = ("express_entry", "iec", "eta", "ifhp")

_PROGRAMS: dict[str, Program] = {}
_loaded = False


def register(program: Program) -> Program:
    _PROGRAMS[program.code] = program
    return program


def unregister(code: str) -> None:
    """For tests that register a program of their own."""
    _PROGRAMS.pop(code, None)


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        for name in PROGRAM_MODULES:
            importlib.import_module(f"rar_app.programs.{name}")


def all_programs(*, include_test: bool = False) -> list[Program]:
    _load()
    return sorted((p for p in _PROGRAMS.values() if include_test or not p.test_only), key=lambda p: p.order)


def get(code: str) -> Program:
    """The program stored in an application's `kind`; KeyError for an unknown one."""
    _load()
    return _PROGRAMS[code]
