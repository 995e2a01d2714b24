"""Addresses of the generic program pages. Every page of a program has the page id
``<program code>:<step id or page name>`` and lives under the program's slugs
(`Program.path`); the draft's id is in the query (``?id=12``), the client's number for a
repeated step (``&client=2``), ``review=1`` when a step was opened with a pen from the
review. These helpers read the program from the address: no page or state tests a code."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from rar_app import routes
from rar_app.programs import engine, registry
from rar_app.programs.base import Program

# Positions a draft may resume at after the review (Application.wizard_step) -> page name.
LATER_PAGES = {"documents": "document_checklist", "signature": "signature", "payment": "payment"}
# Page names that are not steps.
GENERIC_PAGES = ("results", "profile", "review", "summary", "document_checklist", "declaration", "checklist", "signature",
                 "payment", "receipt", "submitted")


def split_page_id(page_id: str) -> tuple[Program | None, str]:
    code, sep, name = page_id.partition(":")
    if not sep:
        return None, ""
    return registry.find(code), name


def program_here(path: str) -> tuple[Program | None, str]:
    """(program, page name) of a concrete address such as /fr/<slug>/revision."""
    found = routes.find(path or "")
    if found is None:
        return None, ""
    return split_page_id(found[0].page_id)


def page_url(program: Program, name: str, lang: str, **params: Any) -> str:
    """The address of one of the program's pages, with its query."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", 0)})
    return routes.url(program.page_id(name), lang) + ("?" + query if query else "")


def step_url(lang: str, app_id: int | None, ref: str, *, kind: str | None = None, program: Program | None = None,
             from_review: bool = False) -> str:
    """The address of a step reference (``client.2``), a generic page (``results``,
    ``review``…) or a later position (``documents``, ``signature``…) of a draft."""
    program = program or (registry.find(kind) if kind else None) or registry.default()
    assert program is not None
    if ref == "documents":  # after the review: the program's next page (the document checklist by default)
        return page_url(program, program.next_page("review"), lang, id=app_id)
    if ref in LATER_PAGES:
        return page_url(program, LATER_PAGES[ref], lang, id=app_id)
    if ref in GENERIC_PAGES:
        return page_url(program, ref, lang, id=app_id)
    try:
        step_id, index = engine.parse_ref(ref)
    except ValueError:
        return routes.url("home", lang)
    if program.wizard_of(step_id) is None:
        return page_url(program, "review", lang, id=app_id)
    return page_url(program, step_id, lang, id=app_id, client=index,
                    review=1 if from_review and step_id != engine.REVIEW else None)


def query_id(state: Any, router: Any = None) -> int:
    raw = str((router or state.router).url.query_parameters.get("id", "") or "")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) < 18 else 0
