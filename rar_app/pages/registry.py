"""Pages declare themselves with @page: one decorator gives the French and English
routes, the title, the guard, and any page-specific on_load handler."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import reflex as rx

from rar_app import routes


@dataclasses.dataclass(frozen=True)
class PageSpec:
    page_id: str
    builder: Callable[[str], rx.Component]
    title_key: str
    on_load: tuple[Any, ...] = ()
    # The page's own on_load handler runs the page guard first (`state.session.enter_guard`):
    # one event on navigation instead of two.
    guards_itself: bool = False


PAGES: dict[str, PageSpec] = {}


def page(
    page_id: str,
    *,
    fr: str,
    en: str,
    title_key: str,
    protected: bool = True,
    roles: tuple[str, ...] = ("representative",),
    on_load: Any = None,
    guards_itself: bool = False,
) -> Callable[[Callable[[str], rx.Component]], Callable[[str], rx.Component]]:
    """Register a page built once per language. `on_load` runs after the session guard;
    it must still check the session itself (the browser can call any handler). With
    `guards_itself`, `on_load` is one handler that runs the guard itself, first."""
    routes.register(page_id, fr, en, protected=protected, roles=roles)

    def decorate(builder: Callable[[str], rx.Component]) -> Callable[[str], rx.Component]:
        extra = () if on_load is None else (tuple(on_load) if isinstance(on_load, (list, tuple)) else (on_load,))
        PAGES[page_id] = PageSpec(page_id, builder, title_key, extra, guards_itself)
        return builder

    return decorate
