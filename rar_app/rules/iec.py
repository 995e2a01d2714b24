"""International Experience Canada eligibility and categories – the ``iec`` command."""

from __future__ import annotations

import datetime as _dt

from . import params
from .common import check_date, check_lang, reason
from .errors import RulesInputError
from .inputs import root

CATEGORIES = ("working_holiday", "young_professionals", "international_coop")
CATEGORY_LABELS = {
    "working_holiday": ("Working Holiday", "Vacances-travail"),
    "young_professionals": ("Young Professionals", "Jeunes professionnels"),
    "international_coop": ("International Co-op (Internship)", "Stage coop international"),
}
IEC_KEYS = ("passport_country", "residence_country", "date_of_birth", "recognized_organization")


def age_on(born: _dt.date, on: _dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def ro_accepts(org: dict, passport: str, partner: bool) -> bool:
    """Whether a Recognized Organization may nominate a citizen of `passport`."""
    if passport in (org.get("also") or ()):
        return True
    return org.get("citizens") == "any" or (org.get("citizens") == "partner" and partner)


def iec(request: dict, on_date=None, lang: str = "en") -> dict:
    lang = check_lang(lang)
    on_date = check_date(on_date)
    f = root(request, IEC_KEYS)
    passport = f.country("passport_country", required=True)
    residence = f.country("residence_country")
    born = f.date("date_of_birth", required=True)
    ro = f.string("recognized_organization", max_len=60)
    if born > on_date:
        raise RulesInputError("out_of_range", "date_of_birth", "'date_of_birth' is after the date of the rules.", "« date_of_birth » est postérieure à la date des règles.")
    age = age_on(born, on_date)
    countries_pv = params.ref("iec.countries", on_date)
    rows = {r["iso2"]: r for r in countries_pv.value}
    exceptions = params.value("iec.category_age_exceptions", on_date)
    residence_rules = params.ref("iec.residence_required", on_date)
    reasons: list[dict] = []
    categories: list[str] = []
    row = rows.get(passport)
    if row is not None:
        name = row["name_en"]
        lo = int(row["min_age"])
        offered = [c for c in CATEGORIES if row[c] == "true"]
        for c in offered:
            hi = exceptions.get(passport, {}).get(c, int(row["max_age"]))
            if lo <= age <= hi:
                categories.append(c)
            else:
                en_c, fr_c = CATEGORY_LABELS[c]
                reasons.append(reason("age_out_of_range", f"{en_c}: citizens of {name} must be {lo} to {hi} years old; the client is {age}.",
                                      f"{fr_c} : les citoyens de ce pays ({name}) doivent avoir de {lo} à {hi} ans ; le client a {age} ans.", lang,
                                      category=c, min_age=lo, max_age=hi, reference=countries_pv.reference))
        allowed = residence_rules.value.get(passport)
        if categories and allowed and residence and residence not in allowed:
            reasons.append(reason("residence_required", f"Citizens of {name} must live in {name} when they apply (the client lives in {residence}).",
                                  f"Les citoyens de ce pays ({name}) doivent y résider au moment de la demande (le client réside en/au {residence}).", lang, reference=residence_rules.reference))
            categories = []
        elif categories and allowed and residence is None:
            reasons.append(reason("residence_to_confirm", f"Citizens of {name} must live in {name} when they apply: confirm the client's country of residence.",
                                  f"Les citoyens de ce pays ({name}) doivent y résider au moment de la demande : confirmez le pays de résidence du client.", lang, reference=residence_rules.reference))
        if categories:
            reasons.insert(0, reason("partner_country", f"{name} has a youth mobility agreement with Canada; the client is {age}.",
                                     f"Ce pays ({name}) a un accord de mobilité des jeunes avec le Canada ; le client a {age} ans.", lang, reference=countries_pv.reference))
    elif ro is None:
        reasons.append(reason("not_partner_country", f"{passport} has no youth mobility agreement with Canada; the client may take part only through a Recognized Organization.",
                              f"{passport} n’a pas d’accord de mobilité des jeunes avec le Canada ; le client ne peut participer que par un organisme reconnu.", lang, reference=countries_pv.reference))
    if ro is not None:
        ro_pv = params.ref("iec.recognized_organizations", on_date)
        org = ro_pv.value.get(ro)
        if org is None:
            reasons.append(reason("recognized_organization_unknown", f"'{ro}' is not a Recognized Organization known to the portal ({', '.join(sorted(ro_pv.value))}).",
                                  f"« {ro} » n’est pas un organisme reconnu connu du portail ({', '.join(sorted(ro_pv.value))}).", lang, reference=ro_pv.reference))
        elif not ro_accepts(org, passport, row is not None):
            reasons.append(reason("recognized_organization_citizenship", f"{org['name']} does not nominate citizens of {passport}.",
                                  f"{org['name']} ne propose pas de citoyens de ce pays ({passport}).", lang, reference=ro_pv.reference))
        elif org["min_age"] <= age <= org["max_age"]:
            added = [c for c in org["categories"] if c not in categories]
            categories = [c for c in CATEGORIES if c in categories or c in org["categories"]]
            reasons.append(reason("recognized_organization", f"Through the Recognized Organization {org['name']} ({', '.join(org['categories'])}); the client is {age}.",
                                  f"Par l’organisme reconnu {org['name']} ({', '.join(org['categories'])}) ; le client a {age} ans.", lang,
                                  reference=ro_pv.reference, added=added))
        else:
            reasons.append(reason("age_out_of_range", f"{org['name']}: participants must be {org['min_age']} to {org['max_age']} years old; the client is {age}.",
                                  f"{org['name']} : les participants doivent avoir de {org['min_age']} à {org['max_age']} ans ; le client a {age} ans.", lang,
                                  reference=ro_pv.reference, organization=ro, min_age=org["min_age"], max_age=org["max_age"]))
    return {"eligible": bool(categories), "categories": categories, "reasons": reasons, "age": age, "date": on_date.isoformat()}
