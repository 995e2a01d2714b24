"""Shared helpers: languages, bilingual texts, output lines."""

from __future__ import annotations

import datetime as _dt
import re

from .errors import RulesInputError

_NB = "\u00a0"


def fr_typography(text: str) -> str:
    """French typography for a French text written with plain characters: \u2019 for ', and a
    no-break space before : ; ? ! \u00bb and after \u00ab (a colon only when a space or the end
    follows it, so times like 14:30 and addresses keep theirs). Idempotent."""
    text = text.replace("'", "\u2019")
    text = re.sub(r" ([:;?!\u00bb])", _NB + r"\1", text)
    text = re.sub(r"(?<=[^\s\u00a0\u202f])([;?!\u00bb])", _NB + r"\1", text)
    text = re.sub(r"(?<=[^\s\u00a0\u202f]):(?=[ \n\u00a0]|$)", _NB + ":", text)
    text = text.replace("\u00ab ", "\u00ab" + _NB)
    return re.sub(r"\u00ab(?=[^\s\u00a0\u202f])", "\u00ab" + _NB, text)


LANGS = ("en", "fr")
ABILITIES = ("speaking", "listening", "reading", "writing")
ABILITY_LABELS = {
    "speaking": ("speaking", "expression orale"),
    "listening": ("listening", "compréhension de l’oral"),
    "reading": ("reading", "compréhension de l’écrit"),
    "writing": ("writing", "expression écrite"),
}
EDUCATION_LEVELS = ("less_than_secondary", "secondary", "one_year", "two_year", "bachelors", "two_or_more", "masters", "doctoral")
EDUCATION_LABELS = {
    "less_than_secondary": ("less than secondary school (high school)", "moins qu’un diplôme d’études secondaires"),
    "secondary": ("secondary school (high school) diploma", "diplôme d’études secondaires"),
    "one_year": ("one-year post-secondary program", "programme postsecondaire d’un an"),
    "two_year": ("two-year post-secondary program", "programme postsecondaire de deux ans"),
    "bachelors": ("bachelor's degree or program of 3 years or more", "baccalauréat ou programme de 3 ans ou plus"),
    "two_or_more": ("two or more credentials, one of 3 years or more", "deux diplômes ou plus, dont un de 3 ans ou plus"),
    "masters": ("master's or professional degree", "maîtrise ou diplôme professionnel"),
    "doctoral": ("doctoral degree (PhD)", "doctorat (Ph. D.)"),
}


def check_lang(lang: str | None) -> str:
    if lang is None:
        return "en"
    if lang not in LANGS:
        raise RulesInputError("invalid_value", "--lang", "--lang must be 'en' or 'fr'.", "--lang doit être « en » ou « fr ».")
    return lang


def check_date(on_date) -> _dt.date:
    if on_date is None:
        return _dt.date.today()
    if isinstance(on_date, _dt.datetime):
        return on_date.date()
    if isinstance(on_date, _dt.date):
        return on_date
    from .inputs import parse_date

    return parse_date(on_date, "date")


def line(en: str, fr: str, reference: str, **fields) -> dict:
    """An explained output line; ``explanation`` is filled in the requested language by ``localize``."""
    return {**fields, "explanation_en": en, "explanation_fr": fr, "reference": reference}


def localize(lines: list[dict], lang: str) -> list[dict]:
    for ln in lines:
        ln["explanation"] = ln["explanation_fr"] if lang == "fr" else ln["explanation_en"]
    return lines


def reason(code: str, en: str, fr: str, lang: str, **extra) -> dict:
    return {"code": code, "message": fr if lang == "fr" else en, "message_en": en, "message_fr": fr, **extra}


def yn(flag: bool, lang_pair=("yes", "oui")):
    return lang_pair if flag else ("no", "non")


def fmt_money(amount, lang: str) -> str:
    """``$1,234.50`` in English, ``1 234,50 $`` in French."""
    text = f"{amount:,.2f}"
    if lang == "fr":
        return text.replace(",", "\u00a0").replace(".", ",") + "\u00a0$"
    return "$" + text
