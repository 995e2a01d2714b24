"""Student Direct Stream, document checklists, processing times and application types."""

from __future__ import annotations

from . import params
from .common import check_date
from .errors import RulesInputError

WIZARD_TYPES = ("visitor_visa", "study_permit", "work_permit", "open_work_permit")


def _check_type(application_type: str, allowed) -> str:
    if not isinstance(application_type, str) or application_type not in allowed:
        raise RulesInputError("invalid_value", "application_type", f"'application_type' must be one of: {', '.join(allowed)}.",
                              f"« application_type » doit être l’une des valeurs : {', '.join(allowed)}.")
    return application_type


# --- Student Direct Stream -------------------------------------------------------------------------------------

def sds_countries(on_date=None) -> list[str]:
    """Countries of residence from which the SDS could be used on that date ([] once it closed)."""
    on_date = check_date(on_date)
    try:
        return sorted(params.value("sds.countries", on_date))
    except RulesInputError:
        return []


def sds_history() -> list[dict]:
    """Every dated version of the SDS country list (start, end, countries, reference)."""
    p = params.load_file("sds")["sds.countries"]
    out = []
    for i, v in enumerate(p.values):
        end = p.values[i + 1].start if i + 1 < len(p.values) else None
        out.append({"start": v.start.isoformat(), "end": end.isoformat() if end else None, "countries": sorted(v.value) if v.value else [], "open": v.value is not None, "reference": v.reference})
    return out


def sds_open(country_iso2: str, on_date=None) -> bool:
    """Was the Student Direct Stream open to legal residents of that country on that date?"""
    if not isinstance(country_iso2, str):
        raise RulesInputError("wrong_type", "country", "'country' must be a two-letter code.", "« country » doit être un code à deux lettres.")
    return country_iso2.upper() in sds_countries(on_date)


SDS = sds_countries  # accessor alias: SDS(on_date) -> list of ISO codes


# --- document checklists -------------------------------------------------------------------------------------

def parental_consent_rule(*, minor: bool, both_parents_answer: bool, adults_in_application: int) -> dict:
    """Whether a minor's « Lettre de consentement des parents » is asked for, and why.

    The letter comes from the parent(s) not travelling with the child (IMM 5484 / IMM 5483
    checklists, « Minor children »): when both parents are in the same application there is
    no such parent. The answer is only believed when the application has two adults to be them."""
    if not minor:
        return {"needed": False, "explanation_fr": "Le client n’est pas mineur.",
                "explanation_en": "The client is not a minor."}
    if both_parents_answer and adults_in_application >= 2:
        return {"needed": False,
                "explanation_fr": "Les deux parents font partie de la même demande : aucun parent ne reste au pays.",
                "explanation_en": "Both parents are in the same application: no parent stays behind."}
    if both_parents_answer:
        return {"needed": True,
                "explanation_fr": "La demande ne compte pas deux adultes : la lettre du parent qui ne voyage pas est exigée.",
                "explanation_en": "The application does not have two adults: the letter of the parent not travelling is required."}
    return {"needed": True,
            "explanation_fr": "Un parent ou les deux ne voyagent pas avec l’enfant : leur lettre de consentement est exigée.",
            "explanation_en": "One or both parents are not travelling with the child: their letter of consent is required."}


def required_documents(application_type: str, *, minor: bool = False, sds: bool = False, on_date=None,
                       both_parents: bool = False) -> list[dict]:
    """The document checklist of an application type on a date, with minors' and SDS extras.
    `both_parents`: both of the minor's parents are in the same application (see
    `parental_consent_rule`), so items marked `not_with_both_parents` are not asked for."""
    on_date = check_date(on_date)
    _check_type(application_type, WIZARD_TYPES)
    if sds:
        if application_type != "study_permit":
            raise RulesInputError("invalid_value", "sds", "The Student Direct Stream applies only to study permits.", "Le Volet direct pour les études ne s’applique qu’aux permis d’études.")
        if not sds_countries(on_date):
            raise RulesInputError("sds_closed", "sds", f"The Student Direct Stream was not open on {on_date.isoformat()} (it closed on 2024-11-08).",
                                  f"Le Volet direct pour les études n’était pas ouvert le {on_date.isoformat()} (il a pris fin le 2024-11-08).")
    pv = params.ref("documents.checklist", on_date)
    fill = {}
    if sds:
        gic = params.value("sds.gic_minimum", on_date)
        lang_req = params.value("sds.language_requirement", on_date)
        from decimal import Decimal

        fill = {"gic": f"{Decimal(gic):,.0f}", "language_en": lang_req["text_en"], "language_fr": lang_req["text_fr"]}
        fill_fr = {**fill, "gic": f"{Decimal(gic):,.0f}".replace(",", "\u00a0")}
    out = []
    for item in pv.value:
        if application_type not in item["types"]:
            continue
        if item.get("minor") and not minor:
            continue
        if item.get("sds") and not sds:
            continue
        if item.get("not_with_both_parents") and both_parents:
            continue
        if "from" in item and on_date < item["from"]:
            continue
        if "until" in item and on_date >= item["until"]:
            continue
        label_fr, label_en = item["label_fr"], item["label_en"]
        if fill:
            label_fr = label_fr.format(**fill_fr)
            label_en = label_en.format(**fill)
        out.append({
            "code": item["code"],
            "label_fr": label_fr,
            "label_en": label_en,
            "help_fr": item["help_fr"],
            "help_en": item["help_en"],
            "required": bool(item["required"]),
            "reference": pv.reference,
        })
    return out


# --- processing times ----------------------------------------------------------------------------------------

PROCESSING_TYPES = ("visitor_visa", "study_permit", "work_permit", "open_work_permit", "iec_working_holiday", "iec_young_professionals", "iec_international_coop", "eta")


def processing_time_days(application_type: str, on_date=None, *, sds: bool = False) -> int:
    """Estimated processing time in days (IRCC service standard in force on that date)."""
    on_date = check_date(on_date)
    _check_type(application_type, PROCESSING_TYPES)
    table = params.value("processing.service_standard_days", on_date)
    if sds:
        if application_type != "study_permit" or not sds_countries(on_date):
            raise RulesInputError("sds_closed" if application_type == "study_permit" else "invalid_value", "sds",
                                  "The Student Direct Stream does not apply here.", "Le Volet direct pour les études ne s’applique pas ici.")
        return int(table["study_permit_sds"])
    return int(table[application_type])


def processing_estimate(application_type: str, on_date=None, *, sds: bool = False) -> dict:
    on_date = check_date(on_date)
    days = processing_time_days(application_type, on_date, sds=sds)
    pv = params.ref("processing.service_standard_days", on_date)
    return {"application_type": application_type, "days": days, "steps": processing_steps(application_type, on_date), "reference": pv.reference, "notes": pv.notes}


def processing_steps(application_type: str, on_date=None, *, biometrics: bool = True) -> list[dict]:
    """Steps of processing for the progress bar: ``[{code, label_fr, label_en}]`` (no biometrics step for an eTA,
    or when ``biometrics=False``)."""
    on_date = check_date(on_date)
    _check_type(application_type, PROCESSING_TYPES)
    steps = params.value("processing.steps", on_date)
    key = "eta" if application_type == "eta" else "with_biometrics" if biometrics else "without_biometrics"
    return [dict(s) for s in steps[key]]


# --- application types ---------------------------------------------------------------------------------------

def application_types(on_date=None) -> list[dict]:
    return [dict(t) for t in params.value("ui.application_types", check_date(on_date))]


APPLICATION_TYPES: list[dict] = [dict(t) for t in params.load_file("ui")["ui.application_types"].values[-1].value]
