"""Every page has a French and an English address (as on Canada.ca); the language
toggle links to the same page in the other language."""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Route:
    page_id: str
    fr: str
    en: str
    protected: bool = True  # needs a signed-in session (checked in on_load and again in every handler)
    roles: tuple[str, ...] = ("representative",)

    def path(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


ROUTES: dict[str, Route] = {}
# `find` runs several times on every event (page guard, language, program of the address):
# an index of the fixed addresses instead of a walk over every route. Rebuilt after a register.
_index: tuple[dict[str, tuple[int, Route, str]], list[tuple[int, Route, str]]] | None = None


def register(page_id: str, fr: str, en: str, *, protected: bool = True,
             roles: tuple[str, ...] = ("representative",)) -> Route:
    global _index
    route = Route(page_id, fr, en, protected, roles)
    ROUTES[page_id] = route
    _index = None
    return route


def _build_index() -> tuple[dict[str, tuple[int, Route, str]], list[tuple[int, Route, str]]]:
    """Fixed addresses -> (order, route, lang) of their first match in ROUTES' order; and the
    patterned ones (``[param]``) in that order."""
    fixed: dict[str, tuple[int, Route, str]] = {}
    patterns: list[tuple[int, Route, str]] = []
    order = 0
    for route in ROUTES.values():
        for lang in ("fr", "en"):
            fixed.setdefault(route.path(lang).rstrip("/"), (order, route, lang))
            if "[" in route.path(lang):
                patterns.append((order, route, lang))
            order += 1
    return fixed, patterns


def url(page_id: str, lang: str) -> str:
    return ROUTES[page_id].path(lang)


def find(path: str) -> tuple[Route, str] | None:
    """The route and language for a concrete path such as '/fr/accueil-du-compte'."""
    global _index
    clean = "/" + path.strip("/")
    if _index is None:
        _index = _build_index()
    fixed, patterns = _index
    hit = fixed.get(clean.rstrip("/"))
    # The first match in ROUTES' order, as a walk over them would find it.
    for order, route, lang in patterns:
        if hit is not None and hit[0] < order:
            break
        if _matches(route.path(lang), clean):
            return route, lang
    return (hit[1], hit[2]) if hit is not None else None


def _matches(pattern: str, path: str) -> bool:
    pattern_parts = pattern.strip("/").split("/")
    path_parts = path.strip("/").split("/")
    if len(pattern_parts) != len(path_parts):
        return False
    return all(p.startswith("[") or p == q for p, q in zip(pattern_parts, path_parts))
