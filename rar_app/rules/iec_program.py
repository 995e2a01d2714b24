"""International Experience Canada beyond the partner-country table: the remaining
eligibility conditions per category, the document checklist, the fees and the
invitation deadlines. Pure functions of input + date, with explanations."""

from __future__ import annotations

from decimal import Decimal

from . import params
from .common import check_date, check_lang, fmt_money, reason
from .fees import fee_summary
from .iec import CATEGORIES, CATEGORY_LABELS, iec

# The conditions a yes/no answer decides, per category: (answer key, answer that passes, categories).
_CONDITIONS = (
    ("funds", True, CATEGORIES),
    ("health_insurance", True, CATEGORIES),
    ("dependants_accompanying", False, CATEGORIES),
    ("job_offer", True, ("young_professionals", "international_coop")),
    ("professional_development", True, ("young_professionals",)),
    ("post_secondary_student", True, ("international_coop",)),
)

IEC_WHO_CAN_APPLY = "IRCC 'International Experience Canada: Who can apply'; IRPR s. 204(d), 205(b)"


def _condition_text(key: str, cat: str, funds: tuple[str, str]) -> tuple[str, str]:
    en_c, fr_c = CATEGORY_LABELS[cat]
    texts = {
        "funds": (f"{en_c}: the client must have at least {funds[0]} to cover initial expenses.",
                  f"{fr_c} : le client doit disposer d’au moins {funds[1]} pour couvrir ses premières dépenses."),
        "health_insurance": (f"{en_c}: the client must have health insurance (medical care, hospitalization, repatriation) for the whole stay.",
                             f"{fr_c} : le client doit avoir une assurance maladie (soins médicaux, hospitalisation, rapatriement) pour tout son séjour."),
        "dependants_accompanying": (f"{en_c}: the client cannot be accompanied by dependants.",
                                    f"{fr_c} : le client ne peut pas être accompagné de personnes à charge."),
        "job_offer": (f"{en_c}: the client needs a signed offer of employment or contract in Canada.",
                      f"{fr_c} : le client doit avoir une offre d’emploi ou un contrat de travail signé au Canada."),
        "professional_development": (f"{en_c}: the job must contribute to the client's professional development.",
                                     f"{fr_c} : l’emploi doit contribuer au perfectionnement professionnel du client."),
        "post_secondary_student": (f"{en_c}: the client must be registered at a post-secondary institution, the internship being part of the studies.",
                                   f"{fr_c} : le client doit être inscrit dans un établissement postsecondaire et le stage doit faire partie de ses études."),
    }
    return texts[key]


def iec_assessment(answers: dict, on_date=None, lang: str = "en") -> dict:
    """« Vos résultats » for IEC: every category with its decision and reasons.

    `answers`: passport_country, residence_country, date_of_birth, recognized_organization
    (None or a code) as for `iec`; then booleans funds, health_insurance,
    dependants_accompanying, job_offer, professional_development, post_secondary_student
    (None = not asked: a condition never asked does not refuse), criminal_record, medical_condition.

    Out: {"eligible": [cats], "categories": {cat: {"eligible", "reasons"}}, "general": [reasons],
    "advice": [reasons], "age": int}."""
    lang = check_lang(lang)
    on_date = check_date(on_date)
    base = iec({k: answers.get(k) for k in ("passport_country", "residence_country", "date_of_birth", "recognized_organization")
                if answers.get(k) not in (None, "")}, on_date, lang)
    funds_pv = params.ref("iec.funds_minimum", on_date)
    funds = (fmt_money(Decimal(funds_pv.value), "en"), fmt_money(Decimal(funds_pv.value), "fr"))
    cats: dict[str, dict] = {c: {"eligible": c in base["categories"], "reasons": []} for c in CATEGORIES}
    general: list[dict] = []
    for r in base["reasons"]:
        c = r.get("category")
        if c in cats:
            cats[c]["reasons"].append(r)
        elif r["code"] in ("partner_country", "recognized_organization"):
            for cc in base["categories"]:
                cats[cc]["reasons"].append(r)
        else:
            general.append(r)
    for c in CATEGORIES:
        if not cats[c]["eligible"] and not cats[c]["reasons"]:
            en_c, fr_c = CATEGORY_LABELS[c]
            cats[c]["reasons"].append(reason("category_not_offered", f"{en_c} is not open to this client (country agreement or organization).",
                                             f"La catégorie {fr_c} n’est pas offerte à ce client (accord du pays ou organisation).", lang,
                                             reference=params.ref("iec.countries", on_date).reference))
    for key, passes, applies in _CONDITIONS:
        value = answers.get(key)
        if value is None:
            continue
        for c in applies:
            if not cats[c]["eligible"] or bool(value) == passes:
                continue
            en, fr = _condition_text(key, c, funds)
            ref = funds_pv.reference if key == "funds" else IEC_WHO_CAN_APPLY
            cats[c]["eligible"] = False
            cats[c]["reasons"].append(reason(f"condition_{key}", en, fr, lang, reference=ref, category=c))
    for c in CATEGORIES:
        if cats[c]["eligible"]:
            en_c, fr_c = CATEGORY_LABELS[c]
            cats[c]["reasons"].append(reason("conditions_met", f"{en_c}: the answers meet the category's conditions.",
                                             f"{fr_c} : les réponses remplissent les conditions de la catégorie.", lang, reference=IEC_WHO_CAN_APPLY))
    advice: list[dict] = []
    if answers.get("criminal_record"):
        advice.append(reason("criminal_record", "A criminal conviction may make the client inadmissible: police certificates will be asked for.",
                             "Une condamnation criminelle peut rendre le client interdit de territoire : des certificats de police seront demandés.",
                             lang, reference="IRPA s. 36"))
    if answers.get("medical_condition"):
        advice.append(reason("medical_condition", "The client may need an immigration medical exam before applying.",
                             "Le client pourrait devoir passer un examen médical aux fins de l’immigration avant de présenter sa demande.",
                             lang, reference="IRPA s. 38; IRPR s. 30"))
    eligible = [c for c in CATEGORIES if cats[c]["eligible"]]
    return {"eligible": eligible, "categories": cats, "general": general, "advice": advice, "age": base["age"], "date": on_date.isoformat()}


def iec_documents(category: str, on_date=None, *, recognized_organization: bool = False) -> list[dict]:
    """The work permit application's checklist for one category."""
    on_date = check_date(on_date)
    pv = params.ref("iec.documents", on_date)
    out = []
    for item in pv.value:
        if category not in item["categories"]:
            continue
        required = bool(item["required"])
        if item["code"] == "recognized_organization_letter":
            if not recognized_organization:
                continue
            required = True
        out.append({"code": item["code"], "label_fr": item["label_fr"], "label_en": item["label_en"],
                    "help_fr": item["help_fr"], "help_en": item["help_en"], "required": required, "reference": pv.reference})
    return out


def iec_fees(category: str, on_date=None, *, biometrics: bool = True, lang: str = "en") -> dict:
    """Fees of the IEC work permit application: participation fee, open work permit holder
    fee (Working Holiday only) and biometrics, from the dated parameters."""
    on_date = check_date(on_date)
    if category not in CATEGORIES:
        raise ValueError(category)
    return fee_summary([{"application": f"iec_{category}", "fee": "standard", "biometrics": "standard" if biometrics else "none"}], on_date, lang)


def iec_deadlines(on_date=None) -> dict:
    """The invitation's answer period, the application period after accepting, reminder days."""
    on_date = check_date(on_date)
    return {"invitation_days": int(params.value("iec.invitation_days", on_date)),
            "application_days": int(params.value("iec.application_days", on_date)),
            "reminder_days": [int(d) for d in params.value("iec.reminder_days", on_date)]}


def iec_recognized_organizations(on_date=None) -> list[dict]:
    """The Recognized Organizations in force, sorted by name: [{code, name, categories, ...}]."""
    on_date = check_date(on_date)
    value = params.value("iec.recognized_organizations", on_date)
    return sorted(({"code": k, **v} for k, v in value.items()), key=lambda o: o["name"].casefold())

