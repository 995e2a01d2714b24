"""Does the client need an electronic travel authorization (eTA)? – the ``eta`` command."""

from __future__ import annotations

from . import params
from .common import check_date, check_lang
from .inputs import root

ETA_KEYS = (
    "citizenship",
    "travel_mode",
    "us_lawful_permanent_resident",
    "holds_valid_canadian_visa",
    "canadian_citizen_or_pr",
    # extra (IRPR 7.01 conditional eTA): optional, default false
    "held_canadian_visa_last_10_years",
    "holds_valid_us_nonimmigrant_visa",
)
MODES = ("air", "land", "sea")


def eta(request: dict, on_date=None, lang: str = "en") -> dict:
    lang = check_lang(lang)
    on_date = check_date(on_date)
    f = root(request, ETA_KEYS)
    country = f.country("citizenship", required=True)
    mode = f.string("travel_mode", default="air", choices=MODES)
    us_lpr = f.boolean("us_lawful_permanent_resident")
    has_visa = f.boolean("holds_valid_canadian_visa")
    cit_pr = f.boolean("canadian_citizen_or_pr")
    had_visa = f.boolean("held_canadian_visa_last_10_years")
    us_visa = f.boolean("holds_valid_us_nonimmigrant_visa")

    exempt = params.ref("eta.visa_exempt", on_date)
    conditional = params.ref("eta.conditional_eta", on_date)
    required = params.ref("eta.visa_required", on_date)
    lpr_rule = params.ref("eta.us_lpr_exempt", on_date)

    def answer(needed, can_apply, code, en, fr, reference):
        return {
            "eta_required": needed,
            "can_apply": can_apply,
            "reason": {"code": code, "message": fr if lang == "fr" else en, "message_en": en, "message_fr": fr, "reference": reference},
            "visa_required": code in ("visa_required", "conditional_eta_not_met", "country_not_listed"),
            "date": on_date.isoformat(),
        }

    is_exempt = country in exempt.value
    if cit_pr or country == "CA":
        return answer(False, False, "canadian_citizen_or_pr", "Canadian citizens and permanent residents do not need an eTA (they enter with a Canadian passport or PR card).",
                      "Les citoyens canadiens et les résidents permanents n’ont pas besoin d’AVE (ils entrent avec un passeport canadien ou une carte de RP).", "IRPR s. 7.1(1)")
    if country == "US":
        return answer(False, False, "us_citizen", "US citizens do not need an eTA or a visa; they carry a valid US passport.",
                      "Les citoyens américains n’ont besoin ni d’AVE ni de visa ; ils voyagent avec un passeport américain valide.", "IRPR s. 7.1(3)(a), 190(1)(c)")
    if us_lpr and lpr_rule.value:
        return answer(False, False, "us_lawful_permanent_resident", "US lawful permanent residents do not need an eTA; they carry a valid passport and their green card.",
                      "Les résidents permanents légitimes des États-Unis n’ont pas besoin d’AVE ; ils voyagent avec un passeport valide et leur carte verte.", lpr_rule.reference)
    if has_visa:
        return answer(False, False, "holds_valid_visa", "The client holds a valid Canadian visitor visa: no eTA is needed.",
                      "Le client détient un visa de visiteur canadien valide : aucune AVE n’est nécessaire.", "IRPR s. 7.1(1); s. 190")
    if mode != "air":
        if is_exempt:
            return answer(False, True, "not_flying", "No eTA is needed to enter Canada by land or sea; a visa-exempt traveller may still get one for future flights.",
                          "Aucune AVE n’est exigée pour entrer au Canada par voie terrestre ou maritime ; un voyageur dispensé de visa peut quand même en obtenir une pour de futurs vols.", exempt.reference)
        return answer(False, False, "visa_required", "Citizens of this country need a visitor visa to enter Canada by land or sea.",
                      "Les citoyens de ce pays ont besoin d’un visa de visiteur pour entrer au Canada par voie terrestre ou maritime.", required.reference)
    if is_exempt:
        return answer(True, True, "visa_exempt_air", "Visa-exempt travellers need an eTA to fly to or transit through a Canadian airport.",
                      "Les voyageurs dispensés de visa ont besoin d’une AVE pour venir au Canada par avion ou transiter par un aéroport canadien.", exempt.reference)
    if country in conditional.value:
        if had_visa or us_visa:
            return answer(True, True, "conditional_eta", "Flying to Canada with a Canadian visa held in the last 10 years or a valid US non-immigrant visa: the client can apply for an eTA instead of a visa.",
                          "Voyage par avion avec un visa canadien détenu au cours des 10 dernières années ou un visa américain de non-immigrant valide : le client peut demander une AVE au lieu d’un visa.", conditional.reference)
        return answer(False, False, "conditional_eta_not_met", "Citizens of this country may get an eTA only if they held a Canadian visa in the last 10 years or hold a valid US non-immigrant visa; otherwise they need a visitor visa.",
                      "Les citoyens de ce pays ne peuvent obtenir une AVE que s’ils ont eu un visa canadien au cours des 10 dernières années ou ont un visa américain de non-immigrant valide ; sinon ils ont besoin d’un visa de visiteur.", conditional.reference)
    if country in required.value:
        return answer(False, False, "visa_required", "Citizens of this country need a visitor visa, not an eTA.",
                      "Les citoyens de ce pays ont besoin d’un visa de visiteur, et non d’une AVE.", required.reference)
    return answer(False, False, "country_not_listed", "This code is not in the portal's country lists: treat the traveller as needing a visa and check IRCC's entry requirements.",
                  "Ce code ne figure pas dans les listes de pays du portail : considérez que le voyageur a besoin d’un visa et vérifiez les exigences d’entrée d’IRCC.", required.reference)


def eta_passport_problem(country: str, number: str, on_date=None) -> dict | None:
    """None when `number` fits the passport number format of `country` (ICAO 9303 when
    the country's own format is not known), else a reason {code, message_fr, message_en, reference}."""
    import re

    on_date = check_date(on_date)
    formats = params.ref("eta.passport_number_formats", on_date)
    text = "".join((number or "").split()).upper()
    own = formats.value.get((country or "").upper())
    pattern = own or formats.value["default"]
    if re.fullmatch(pattern, text):
        return None
    if own:
        return {"code": "passport_format_country", "reference": formats.reference,
                "message_en": "This is not the format of a passport number of the country of issue.",
                "message_fr": "Ce numéro n’a pas le format des numéros de passeport du pays de délivrance."}
    return {"code": "passport_format", "reference": formats.reference,
            "message_en": "A passport number has 6 to 9 letters or digits, without spaces or punctuation.",
            "message_fr": "Un numéro de passeport compte de 6 à 9 lettres ou chiffres, sans espace ni ponctuation."}


def eta_valid_until(issued, passport_expiry, on_date=None):
    """The last day an eTA issued on `issued` is valid: `validity_years` later, or the
    passport's expiry if that comes first (IRPR 12.06). Returns (date, reference)."""
    import datetime as _dt

    years = params.ref("eta.validity_years", check_date(on_date or issued))
    try:
        end = issued.replace(year=issued.year + int(years.value))
    except ValueError:  # 29 February
        end = issued.replace(year=issued.year + int(years.value), day=28)
    end = end - _dt.timedelta(days=1)
    if passport_expiry is not None and passport_expiry < end:
        end = passport_expiry
    return end, years.reference
