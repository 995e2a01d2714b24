"""« Trouver la CNP » / « Find your NOC »: NOC 2021 unit groups by title (French or
English, accents ignored) or by code, for any question that asks for a NOC code."""

from __future__ import annotations

from rar_app import rules

MAX_QUERY = 80


def search(query: str, lang: str, limit: int = 10) -> list[dict[str, str]]:
    text = (query or "").strip()[:MAX_QUERY]
    if len(text) < 2:
        return []
    return [{"code": e["code"], "title": e["title_fr"] if lang == "fr" else e["title_en"], "teer": str(e["teer"])}
            for e in rules.search_noc(text, limit=limit, lang=lang)]
