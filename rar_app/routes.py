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


def register(page_id: str, fr: str, en: str, *, protected: bool = True,
             roles: tuple[str, ...] = ("representative",)) -> Route:
    route = Route(page_id, fr, en, protected, roles)
    ROUTES[page_id] = route
    return route


def url(page_id: str, lang: str) -> str:
    return ROUTES[page_id].path(lang)


def find(path: str) -> tuple[Route, str] | None:
    """The route and language for a concrete path such as '/fr/accueil-du-compte'."""
    clean = "/" + path.strip("/")
    for route in ROUTES.values():
        for lang in ("fr", "en"):
            if route.path(lang).rstrip("/") == clean.rstrip("/") or (
                "[" in route.path(lang) and _matches(route.path(lang), clean)
            ):
                return route, lang
    return None


def _matches(pattern: str, path: str) -> bool:
    pattern_parts = pattern.strip("/").split("/")
    path_parts = path.strip("/").split("/")
    if len(pattern_parts) != len(path_parts):
        return False
    return all(p.startswith("[") or p == q for p, q in zip(pattern_parts, path_parts))
