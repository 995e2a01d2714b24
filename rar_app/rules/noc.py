"""Searchable NOC 2021 list ("Trouver la CNP"): by code prefix or by words in French or English, accent-insensitive."""

from __future__ import annotations

import functools
import re
import unicodedata

from . import params
from .errors import RulesInputError

NOC_FILE = "noc2021_unit_groups.csv"
_WORD_RE = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, accents removed, ligatures expanded (œ → oe)."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")


def words(text: str) -> list[str]:
    return _WORD_RE.findall(fold(text))


@functools.lru_cache(maxsize=1)
def _index() -> tuple[tuple[dict, ...], dict[str, dict]]:
    entries = []
    for row in params.read_csv(NOC_FILE):
        e = {
            "code": row["code"],
            "teer": int(row["teer"]),
            "title_en": row["title_en"],
            "title_fr": row["title_fr"],
            "_en": fold(row["title_en"]),
            "_fr": fold(row["title_fr"]),
            "_wen": tuple(words(row["title_en"])),
            "_wfr": tuple(words(row["title_fr"])),
        }
        entries.append(e)
    return tuple(entries), {e["code"]: e for e in entries}


def noc_entry(code: str) -> dict | None:
    e = _index()[1].get(code)
    return None if e is None else _public(e)


def teer_of(code: str) -> int | None:
    e = _index()[1].get(code)
    return None if e is None else e["teer"]


def _public(e: dict, lang: str = "fr", score: float | None = None) -> dict:
    out = {"code": e["code"], "teer": e["teer"], "title_fr": e["title_fr"], "title_en": e["title_en"], "title": e["title_fr"] if lang == "fr" else e["title_en"]}
    if score is not None:
        out["score"] = score
    return out


def _word_score(qw: str, title_words: tuple[str, ...]) -> float:
    best = 0.0
    for w in title_words:
        if w == qw:
            return 3.0
        if w.startswith(qw):
            best = max(best, 2.0)
        elif len(qw) >= 4 and qw in w:
            best = max(best, 1.0)
    return best


def search_noc(query: str, limit: int = 20, lang: str = "fr") -> list[dict]:
    """Rank NOC unit groups for a query: digits match code prefixes; words match title words in either language.

    Ranking: all query words must match (as a whole word, a word prefix, or for 4+ letters inside a word) in the
    French or the English title. Exact words beat prefixes beat inner matches; the requested language's title counts
    a little more; a title that starts with the query or contains it as a phrase ranks higher; shorter titles and
    lower codes break ties.
    """
    if not isinstance(query, str):
        raise RulesInputError("wrong_type", "query", "'query' must be a string.", "« query » doit être une chaîne de caractères.")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 516:
        raise RulesInputError("out_of_range", "limit", "'limit' must be between 1 and 516.", "« limit » doit être entre 1 et 516.")
    if lang not in ("en", "fr"):
        raise RulesInputError("invalid_value", "lang", "lang must be 'en' or 'fr'.", "lang doit être « en » ou « fr ».")
    entries, _ = _index()
    q = fold(query).strip()
    qwords = _WORD_RE.findall(q)
    if not qwords:
        return []
    digits = [w for w in qwords if w.isdigit()]
    texts = [w for w in qwords if not w.isdigit()]
    phrase = " ".join(texts)
    results = []
    for e in entries:
        if any(not e["code"].startswith(d) for d in digits):
            continue
        score = 0.0
        if digits:
            score += 10.0 + 5.0 * max(len(d) for d in digits) / 5
        if texts:
            total = 0.0
            for qw in texts:
                s_fr = _word_score(qw, e["_wfr"])
                s_en = _word_score(qw, e["_wen"])
                if lang == "fr":
                    s = max(s_fr * 1.1, s_en)
                else:
                    s = max(s_en * 1.1, s_fr)
                if s == 0:
                    total = -1
                    break
                total += s
            if total < 0:
                continue
            score += total
            own, other = (e["_fr"], e["_en"]) if lang == "fr" else (e["_en"], e["_fr"])
            if own.startswith(phrase) or other.startswith(phrase):
                score += 2.0
            elif phrase in own or phrase in other:
                score += 1.0
        title_len = len(e["_fr"] if lang == "fr" else e["_en"]) if texts else 0
        results.append((-score, title_len, e["code"], e))
    results.sort(key=lambda r: r[:3])
    return [_public(r[3], lang, round(-r[0], 2)) for r in results[:limit]]


def noc_list() -> list[dict]:
    """All 516 unit groups (code, TEER, FR/EN titles)."""
    return [_public(e) for e in _index()[0]]
