"""Comprehensive Ranking System (Express Entry) – the ``crs`` command.

Every number comes from ``parameters/crs.yaml``; ``--date`` selects the grid in force (arranged-employment points
were 600 before 2016-11-19, 50/200 until 2025-03-24 and none since 2025-03-25).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from . import params
from .common import (
    ABILITIES,
    ABILITY_LABELS,
    EDUCATION_LABELS,
    EDUCATION_LEVELS,
    check_date,
    check_lang,
    line,
    localize,
)
from .errors import RulesInputError
from .inputs import Fields, join, root

CANADIAN_EDUCATION = ("none", "one_or_two_year", "three_year_or_more")
ARRANGED_EMPLOYMENT = ("noc_00", "teer_0_1_2_3")
LANGUAGE_KEYS = ("language",) + ABILITIES
SPOUSE_KEYS = ("education", "language", "canadian_work_years")
CRS_KEYS = (
    "age",
    "education",
    "first_language",
    "second_language",
    "canadian_work_years",
    "foreign_work_years",
    "certificate_of_qualification",
    "spouse",
    "provincial_nomination",
    "sibling_in_canada",
    "canadian_education",
    "arranged_employment",
)
MAX_YEARS = 80
MAX_AGE = 130
SECTIONS = ("core", "spouse", "transferability", "additional")


@dataclass(frozen=True)
class Language:
    language: str | None
    speaking: int
    listening: int
    reading: int
    writing: int

    @property
    def levels(self) -> tuple[int, int, int, int]:
        return (self.speaking, self.listening, self.reading, self.writing)

    @property
    def minimum(self) -> int:
        return min(self.levels)


@dataclass(frozen=True)
class Spouse:
    education: str
    language: Language | None
    canadian_work_years: int


@dataclass(frozen=True)
class Profile:
    age: int
    education: str
    first_language: Language
    second_language: Language | None = None
    canadian_work_years: int = 0
    foreign_work_years: int = 0
    certificate_of_qualification: bool = False
    spouse: Spouse | None = None
    provincial_nomination: bool = False
    sibling_in_canada: bool = False
    canadian_education: str = "none"
    arranged_employment: str | None = None


def read_language(f: Fields | None, *, need_language: bool) -> Language | None:
    if f is None:
        return None
    code = f.string("language", required=need_language, choices=("en", "fr"))
    levels = {a: f.integer(a, required=True, default=None, lo=0, hi=12) for a in ABILITIES}
    return Language(code, **levels)


def read_profile(f: Fields) -> Profile:
    """Read the CRS fields of an already-checked object (``f`` must allow CRS_KEYS)."""
    age = f.integer("age", required=True, default=None, lo=0, hi=MAX_AGE)
    education = f.string("education", required=True, choices=EDUCATION_LEVELS)
    first = read_language(f.obj("first_language", LANGUAGE_KEYS, required=True), need_language=True)
    second = read_language(f.obj("second_language", LANGUAGE_KEYS), need_language=True)
    if second is not None and second.language == first.language:
        p = join(f.path, "second_language.language")
        raise RulesInputError(
            "invalid_value", p, "The second official language must differ from the first.", "La seconde langue officielle doit être différente de la première."
        )
    spouse = None
    sf = f.obj("spouse", SPOUSE_KEYS)
    if sf is not None:
        spouse = Spouse(
            education=sf.string("education", required=True, choices=EDUCATION_LEVELS),
            language=read_language(sf.obj("language", LANGUAGE_KEYS), need_language=False),
            canadian_work_years=sf.integer("canadian_work_years", lo=0, hi=MAX_YEARS),
        )
    return Profile(
        age=age,
        education=education,
        first_language=first,
        second_language=second,
        canadian_work_years=f.integer("canadian_work_years", lo=0, hi=MAX_YEARS),
        foreign_work_years=f.integer("foreign_work_years", lo=0, hi=MAX_YEARS),
        certificate_of_qualification=f.boolean("certificate_of_qualification"),
        spouse=spouse,
        provincial_nomination=f.boolean("provincial_nomination"),
        sibling_in_canada=f.boolean("sibling_in_canada"),
        canadian_education=f.string("canadian_education", default="none", choices=CANADIAN_EDUCATION),
        arranged_employment=f.string("arranged_employment", choices=ARRANGED_EMPLOYMENT),
    )


def parse(request: dict) -> Profile:
    return read_profile(root(request, CRS_KEYS))


def _lvl(level: int) -> int:
    return min(level, 10)


def education_band(education: str) -> str | None:
    if education in ("two_or_more", "masters", "doctoral"):
        return "two_or_more_or_graduate"
    if education in ("one_year", "two_year", "bachelors"):
        return "one_year_or_longer"
    return None


def language_band(minimum: int) -> str | None:
    return "clb9" if minimum >= 9 else "clb7" if minimum >= 7 else None


def canadian_work_band(years: int) -> str | None:
    return "two_years" if years >= 2 else "one_year" if years == 1 else None


def foreign_work_band(years: int) -> str | None:
    return "three_years_or_more" if years >= 3 else "one_or_two_years" if years >= 1 else None


def french_bonus_key(p: Profile) -> str | None:
    langs = [x for x in (p.first_language, p.second_language) if x is not None]
    fr = next((x for x in langs if x.language == "fr"), None)
    en = next((x for x in langs if x.language == "en"), None)
    if fr is None or fr.minimum < 7:
        return None
    if en is not None and en.minimum >= 5:
        return "nclc7_english_clb5"
    return "nclc7_english_clb4_or_less"


def _cap_line(section: str, factor: str, raw: int, cap: int, ref: str, lines: list) -> int:
    if raw > cap:
        lines.append(
            line(
                f"Section maximum: {raw} points reduced to {cap}.",
                f"Maximum de la section : {raw} points ramenés à {cap}.",
                ref,
                section=section,
                factor=factor,
                points=cap - raw,
            )
        )
        return cap
    return raw


def score(p: Profile, on_date: _dt.date) -> dict:
    """Score a parsed profile; returns sections, total and explained lines (both languages)."""
    P = lambda name: params.ref(f"crs.{name}", on_date)  # noqa: E731
    lines: list[dict] = []
    with_spouse = p.spouse is not None
    col = 0 if with_spouse else 1
    who_en = "with a spouse or partner" if with_spouse else "without a spouse or partner"
    who_fr = "avec époux ou conjoint" if with_spouse else "sans époux ni conjoint"

    def add(section, factor, points, en, fr, ref):
        lines.append(line(en, fr, ref, section=section, factor=factor, points=int(points)))
        return int(points)

    # A. Core / human capital
    core = 0
    pv = P("core.age")
    pts = pv.value.get(p.age, [0, 0])[col]
    core += add("core", "age", pts, f"Age {p.age} ({who_en}): {pts} points.", f"Âge {p.age} ({who_fr}) : {pts} points.", pv.reference)
    pv = P("core.education")
    pts = pv.value[p.education][col]
    en_e, fr_e = EDUCATION_LABELS[p.education]
    core += add("core", "education", pts, f"Education – {en_e} ({who_en}): {pts} points.", f"Scolarité – {fr_e} ({who_fr}) : {pts} points.", pv.reference)
    pv = P("core.first_language")
    lname = "CLB" if p.first_language.language == "en" else "NCLC"
    for ability in ABILITIES:
        lvl = getattr(p.first_language, ability)
        pts = pv.value[_lvl(lvl)][col]
        en_a, fr_a = ABILITY_LABELS[ability]
        core += add(
            "core", f"first_language.{ability}", pts,
            f"First official language, {en_a}: {lname} {lvl} ({who_en}): {pts} points.",
            f"Première langue officielle, {fr_a} : {lname} {lvl} ({who_fr}) : {pts} points.",
            pv.reference,
        )
    if p.second_language is not None:
        pv = P("core.second_language")
        lname2 = "CLB" if p.second_language.language == "en" else "NCLC"
        sub = 0
        for ability in ABILITIES:
            lvl = getattr(p.second_language, ability)
            pts = pv.value[_lvl(lvl)]
            en_a, fr_a = ABILITY_LABELS[ability]
            sub += add(
                "core", f"second_language.{ability}", pts,
                f"Second official language, {en_a}: {lname2} {lvl}: {pts} points.",
                f"Seconde langue officielle, {fr_a} : {lname2} {lvl} : {pts} points.",
                pv.reference,
            )
        cap_pv = P("core.second_language_cap")
        core += _cap_line("core", "second_language.cap", sub, cap_pv.value[col], cap_pv.reference, lines)
    pv = P("core.canadian_work")
    yrs = min(p.canadian_work_years, 5)
    pts = pv.value[yrs][col]
    core += add(
        "core", "canadian_work", pts,
        f"Canadian work experience: {p.canadian_work_years} year(s) ({who_en}): {pts} points.",
        f"Expérience de travail au Canada : {p.canadian_work_years} an(s) ({who_fr}) : {pts} points.",
        pv.reference,
    )
    cap_pv = P("core.cap")
    core = _cap_line("core", "cap", core, cap_pv.value[col], cap_pv.reference, lines)

    # B. Spouse or common-law partner
    spouse_pts = 0
    if p.spouse is not None:
        s = p.spouse
        pv = P("spouse.education")
        pts = pv.value[s.education]
        en_e, fr_e = EDUCATION_LABELS[s.education]
        spouse_pts += add("spouse", "education", pts, f"Spouse's education – {en_e}: {pts} points.", f"Scolarité de l’époux – {fr_e} : {pts} points.", pv.reference)
        pv = P("spouse.language")
        if s.language is None:
            spouse_pts += add("spouse", "language", 0, "Spouse's first official language: no test results, 0 points.", "Première langue officielle de l’époux : aucun résultat de test, 0 point.", pv.reference)
        else:
            for ability in ABILITIES:
                lvl = getattr(s.language, ability)
                pts = pv.value[_lvl(lvl)]
                en_a, fr_a = ABILITY_LABELS[ability]
                spouse_pts += add(
                    "spouse", f"language.{ability}", pts,
                    f"Spouse's first official language, {en_a}: level {lvl}: {pts} points.",
                    f"Première langue officielle de l’époux, {fr_a} : niveau {lvl} : {pts} points.",
                    pv.reference,
                )
        pv = P("spouse.canadian_work")
        pts = pv.value[min(s.canadian_work_years, 5)]
        spouse_pts += add(
            "spouse", "canadian_work", pts,
            f"Spouse's Canadian work experience: {s.canadian_work_years} year(s): {pts} points.",
            f"Expérience de travail au Canada de l’époux : {s.canadian_work_years} an(s) : {pts} points.",
            pv.reference,
        )
        cap_pv = P("spouse.cap")
        spouse_pts = _cap_line("spouse", "cap", spouse_pts, cap_pv.value, cap_pv.reference, lines)

    # C. Skill transferability
    m = p.first_language.minimum
    lb = language_band(m)
    eb = education_band(p.education)
    cb = canadian_work_band(p.canadian_work_years)
    fb = foreign_work_band(p.foreign_work_years)
    pv = P("transferability.education")
    t = pv.value
    a = t["language"][lb][eb] if lb and eb else 0
    b = t["canadian_work"][cb][eb] if cb and eb else 0
    edu_sub = add(
        "transferability", "education.language", a,
        f"Education with first official language (lowest level {m}): {a} points.",
        f"Études et première langue officielle (niveau le plus bas {m}) : {a} points.",
        pv.reference,
    )
    edu_sub += add(
        "transferability", "education.canadian_work", b,
        f"Education with Canadian work experience ({p.canadian_work_years} year(s)): {b} points.",
        f"Études et expérience de travail au Canada ({p.canadian_work_years} an(s)) : {b} points.",
        pv.reference,
    )
    edu_sub = _cap_line("transferability", "education.cap", edu_sub, t["cap"], pv.reference, lines)
    pv = P("transferability.foreign_work")
    t = pv.value
    c = t["language"][lb][fb] if lb and fb else 0
    d = t["canadian_work"][cb][fb] if cb and fb else 0
    fw_sub = add(
        "transferability", "foreign_work.language", c,
        f"Foreign work experience ({p.foreign_work_years} year(s)) with first official language (lowest level {m}): {c} points.",
        f"Expérience de travail à l’étranger ({p.foreign_work_years} an(s)) et première langue officielle (niveau le plus bas {m}) : {c} points.",
        pv.reference,
    )
    fw_sub += add(
        "transferability", "foreign_work.canadian_work", d,
        f"Foreign work experience ({p.foreign_work_years} year(s)) with Canadian work experience ({p.canadian_work_years} year(s)): {d} points.",
        f"Expérience de travail à l’étranger ({p.foreign_work_years} an(s)) et au Canada ({p.canadian_work_years} an(s)) : {d} points.",
        pv.reference,
    )
    fw_sub = _cap_line("transferability", "foreign_work.cap", fw_sub, t["cap"], pv.reference, lines)
    pv = P("transferability.certificate_of_qualification")
    coq = 0
    if p.certificate_of_qualification:
        coq = pv.value["clb7"] if m >= 7 else pv.value["clb5"] if m >= 5 else 0
    coq = add(
        "transferability", "certificate_of_qualification", coq,
        f"Certificate of qualification: {'yes' if p.certificate_of_qualification else 'no'} (lowest first-language level {m}): {coq} points.",
        f"Certificat de compétence : {'oui' if p.certificate_of_qualification else 'non'} (niveau le plus bas en première langue {m}) : {coq} points.",
        pv.reference,
    )
    cap_pv = P("transferability.cap")
    trans = _cap_line("transferability", "cap", edu_sub + fw_sub + coq, cap_pv.value, cap_pv.reference, lines)

    # D. Additional points
    add_pts = 0
    pv = P("additional.provincial_nomination")
    pts = pv.value if p.provincial_nomination else 0
    add_pts += add("additional", "provincial_nomination", pts,
                   f"Provincial or territorial nomination: {'yes' if p.provincial_nomination else 'no'}: {pts} points.",
                   f"Désignation provinciale ou territoriale : {'oui' if p.provincial_nomination else 'non'} : {pts} points.", pv.reference)
    pv = P("additional.arranged_employment")
    if p.arranged_employment is not None:
        pts = pv.value[p.arranged_employment]
        kind_en = "senior management (NOC major group 00)" if p.arranged_employment == "noc_00" else "TEER 0, 1, 2 or 3 occupation"
        kind_fr = "cadres supérieurs (grand groupe 00 de la CNP)" if p.arranged_employment == "noc_00" else "profession FEER 0, 1, 2 ou 3"
        if pts:
            en, fr = f"Arranged employment ({kind_en}): {pts} points.", f"Emploi réservé ({kind_fr}) : {pts} points."
        else:
            en = f"Arranged employment ({kind_en}): no CRS points for a job offer on {on_date.isoformat()} (removed on 2025-03-25)."
            fr = f"Emploi réservé ({kind_fr}) : aucun point SCG pour une offre d’emploi le {on_date.isoformat()} (retirés le 2025-03-25)."
        add_pts += add("additional", "arranged_employment", pts, en, fr, pv.reference)
    pv = P("additional.canadian_education")
    pts = pv.value[p.canadian_education]
    ce = {"none": ("none", "aucune"), "one_or_two_year": ("1 or 2 years", "1 ou 2 ans"), "three_year_or_more": ("3 years or more, or a master's, professional or doctoral degree", "3 ans ou plus, ou maîtrise, diplôme professionnel ou doctorat")}[p.canadian_education]
    add_pts += add("additional", "canadian_education", pts, f"Post-secondary education in Canada: {ce[0]}: {pts} points.", f"Études postsecondaires au Canada : {ce[1]} : {pts} points.", pv.reference)
    pv = P("additional.sibling")
    pts = pv.value if p.sibling_in_canada else 0
    add_pts += add("additional", "sibling_in_canada", pts,
                   f"Brother or sister in Canada: {'yes' if p.sibling_in_canada else 'no'}: {pts} points.",
                   f"Frère ou sœur au Canada : {'oui' if p.sibling_in_canada else 'non'} : {pts} points.", pv.reference)
    pv = P("additional.french")
    key = french_bonus_key(p)
    pts = pv.value[key] if key else 0
    if key == "nclc7_english_clb5":
        en, fr = f"French NCLC 7 or more on all four abilities and English CLB 5 or more on all four: {pts} points.", f"Français NCLC 7 ou plus dans les quatre habiletés et anglais CLB 5 ou plus dans les quatre : {pts} points."
    elif key:
        en, fr = f"French NCLC 7 or more on all four abilities, English CLB 4 or lower or no English test: {pts} points.", f"Français NCLC 7 ou plus dans les quatre habiletés, anglais CLB 4 ou moins ou aucun test d’anglais : {pts} points."
    else:
        en, fr = "French-language skills: not NCLC 7 or more on all four abilities: 0 points.", "Compétences en français : pas NCLC 7 ou plus dans les quatre habiletés : 0 point."
    add_pts += add("additional", "french", pts, en, fr, pv.reference)
    cap_pv = P("additional.cap")
    add_pts = _cap_line("additional", "cap", add_pts, cap_pv.value, cap_pv.reference, lines)

    total = core + spouse_pts + trans + add_pts
    total_cap = P("total_cap")
    total = min(total, total_cap.value)
    return {
        "total": total,
        "core": core,
        "spouse": spouse_pts,
        "transferability": trans,
        "additional": add_pts,
        "lines": lines,
        "with_spouse": with_spouse,
        "date": on_date.isoformat(),
    }


def crs(profile: dict | Profile, on_date=None, lang: str = "en") -> dict:
    """The ``crs`` command: score a profile (a request dict or a parsed Profile)."""
    lang = check_lang(lang)
    on_date = check_date(on_date)
    p = profile if isinstance(profile, Profile) else parse(profile)
    out = score(p, on_date)
    localize(out["lines"], lang)
    return out
