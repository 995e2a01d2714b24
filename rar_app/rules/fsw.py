"""Federal Skilled Worker selection grid (67 points) – the ``fsw`` command."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from . import params
from .common import ABILITIES, ABILITY_LABELS, EDUCATION_LABELS, EDUCATION_LEVELS, check_date, check_lang, line, localize
from .crs import LANGUAGE_KEYS, MAX_AGE, MAX_YEARS, Language, read_language
from .errors import RulesInputError
from .inputs import Fields, join, root

ADAPTABILITY_KEYS = (
    "spouse_language_clb4",
    "own_study_in_canada",
    "spouse_study_in_canada",
    "own_work_in_canada",
    "spouse_work_in_canada",
    "arranged_employment",
    "relative_in_canada",
)
ADAPTABILITY_LABELS = {
    "spouse_language_clb4": ("spouse's language level CLB 4 or more in all four abilities", "niveau de langue de l’époux NCLC/CLB 4 ou plus dans les quatre habiletés"),
    "own_study_in_canada": ("your past study in Canada", "vos études antérieures au Canada"),
    "spouse_study_in_canada": ("spouse's past study in Canada", "études antérieures de l’époux au Canada"),
    "own_work_in_canada": ("your past work in Canada", "votre travail antérieur au Canada"),
    "spouse_work_in_canada": ("spouse's past work in Canada", "travail antérieur de l’époux au Canada"),
    "arranged_employment": ("arranged employment in Canada", "emploi réservé au Canada"),
    "relative_in_canada": ("relative in Canada", "membre de la famille au Canada"),
}
FSW_KEYS = ("age", "education", "first_language", "second_language", "skilled_work_years", "arranged_employment", "adaptability")


@dataclass(frozen=True)
class FswInput:
    age: int
    education: str
    first_language: Language
    second_language: Language | None
    skilled_work_years: int
    arranged_employment: bool
    adaptability: dict


def read_fsw(f: Fields) -> FswInput:
    age = f.integer("age", required=True, default=None, lo=0, hi=MAX_AGE)
    education = f.string("education", required=True, choices=EDUCATION_LEVELS)
    first = read_language(f.obj("first_language", LANGUAGE_KEYS, required=True), need_language=False)
    second = read_language(f.obj("second_language", LANGUAGE_KEYS), need_language=False)
    if first.language and second and second.language and first.language == second.language:
        raise RulesInputError("invalid_value", join(f.path, "second_language.language"), "The second official language must differ from the first.", "La seconde langue officielle doit être différente de la première.")
    ad = f.obj("adaptability", ADAPTABILITY_KEYS)
    adaptability = {k: (ad.boolean(k) if ad else False) for k in ADAPTABILITY_KEYS}
    return FswInput(
        age=age,
        education=education,
        first_language=first,
        second_language=second,
        skilled_work_years=f.integer("skilled_work_years", lo=0, hi=MAX_YEARS),
        arranged_employment=f.boolean("arranged_employment"),
        adaptability=adaptability,
    )


def score_fsw(x: FswInput, on_date: _dt.date) -> dict:
    P = lambda n: params.ref(f"fsw.{n}", on_date)  # noqa: E731
    lines = []

    def add(factor, pts, en, fr, ref):
        lines.append(line(en, fr, ref, factor=factor, points=int(pts)))
        return int(pts)

    total = 0
    pv = P("language.first")
    table = pv.value
    for ability in ABILITIES:
        lvl = getattr(x.first_language, ability)
        pts = 0 if lvl < 7 else table[min(lvl, 9)]
        en_a, fr_a = ABILITY_LABELS[ability]
        note_en = " (below the CLB 7 minimum)" if lvl < 7 else ""
        note_fr = " (sous le minimum NCLC/CLB 7)" if lvl < 7 else ""
        total += add(f"first_language.{ability}", pts, f"First official language, {en_a}: level {lvl}{note_en}: {pts} points.",
                     f"Première langue officielle, {fr_a} : niveau {lvl}{note_fr} : {pts} points.", pv.reference)
    pv = P("language.second")
    ok = x.second_language is not None and x.second_language.minimum >= pv.value["minimum_clb"]
    pts = pv.value["points"] if ok else 0
    total += add("second_language", pts, f"Second official language at level {pv.value['minimum_clb']} or more in all four abilities: {'yes' if ok else 'no'}: {pts} points.",
                 f"Seconde langue officielle au niveau {pv.value['minimum_clb']} ou plus dans les quatre habiletés : {'oui' if ok else 'non'} : {pts} points.", pv.reference)
    pv = P("education")
    pts = pv.value[x.education]
    en_e, fr_e = EDUCATION_LABELS[x.education]
    total += add("education", pts, f"Education – {en_e}: {pts} points.", f"Scolarité – {fr_e} : {pts} points.", pv.reference)
    pv = P("experience")
    pts = pv.value[min(x.skilled_work_years, 6)]
    total += add("experience", pts, f"Skilled work experience: {x.skilled_work_years} year(s): {pts} points.",
                 f"Expérience de travail qualifiée : {x.skilled_work_years} an(s) : {pts} points.", pv.reference)
    pv = P("age")
    pts = pv.value.get(x.age, 0)
    total += add("age", pts, f"Age {x.age}: {pts} points.", f"Âge {x.age} : {pts} points.", pv.reference)
    pv = P("arranged_employment")
    pts = pv.value if x.arranged_employment else 0
    total += add("arranged_employment", pts, f"Arranged employment in Canada: {'yes' if x.arranged_employment else 'no'}: {pts} points.",
                 f"Emploi réservé au Canada : {'oui' if x.arranged_employment else 'non'} : {pts} points.", pv.reference)
    pv = P("adaptability")
    sub = 0
    for key in ADAPTABILITY_KEYS:
        if x.adaptability.get(key):
            pts = pv.value[key]
            en_k, fr_k = ADAPTABILITY_LABELS[key]
            sub += add(f"adaptability.{key}", pts, f"Adaptability – {en_k}: {pts} points.", f"Adaptabilité – {fr_k} : {pts} points.", pv.reference)
    cap = pv.value["cap"]
    if sub > cap:
        lines.append(line(f"Adaptability maximum: {sub} points reduced to {cap}.", f"Maximum pour l’adaptabilité : {sub} points ramenés à {cap}.", pv.reference, factor="adaptability.cap", points=cap - sub))
        sub = cap
    total += sub
    maximum = P("maximum").value
    if total > maximum:
        mpv = P("maximum")
        lines.append(line(f"Grid maximum: {total} points reduced to {maximum}.", f"Maximum de la grille : {total} points ramenés à {maximum}.", mpv.reference, factor="cap", points=maximum - total))
        total = maximum
    pass_mark = P("pass_mark").value
    return {"points": total, "pass_mark": pass_mark, "passes": total >= pass_mark, "adaptability": sub, "lines": lines, "date": on_date.isoformat()}


def fsw(request: dict, on_date=None, lang: str = "en") -> dict:
    lang = check_lang(lang)
    on_date = check_date(on_date)
    out = score_fsw(read_fsw(root(request, FSW_KEYS)), on_date)
    localize(out["lines"], lang)
    return out
