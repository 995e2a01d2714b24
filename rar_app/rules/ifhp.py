"""Interim Federal Health Program (IFHP): may a coverage request be made for this person?

`ifhp(request, on_date, lang)` → eligibility with a reason, the coverage validity and
the documents to upload; `ifhp_groups`, `ifhp_cities`, `ifhp_document_labels` give the
dated lists the coverage request shows. Input:

    {"group": "refugee_claimant", "in_canada": true, "provincial_coverage": false}

`group` is a beneficiary group code (parameter ``ifhp.beneficiary_groups``), or
``"none"`` when the person belongs to none of them.
"""

from __future__ import annotations

from . import params
from .common import check_date, check_lang, reason
from .inputs import root

IFHP_KEYS = ("group", "in_canada", "provincial_coverage")
NONE = "none"


def ifhp_groups(on_date=None) -> list[dict]:
    """[{code, label_fr, label_en, help_fr, help_en, in_canada, provincial_ends_basic, documents}]."""
    return [dict(g) for g in params.value("ifhp.beneficiary_groups", check_date(on_date))]


def ifhp_document_labels(on_date=None) -> dict[str, dict[str, str]]:
    return {k: dict(v) for k, v in params.value("ifhp.documents", check_date(on_date)).items()}


def ifhp_cities(on_date=None) -> list[dict]:
    """[{name, province}] sorted by name (accents ignored)."""
    import unicodedata

    def key(text: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", text.casefold()) if not unicodedata.combining(c))

    return sorted((dict(r) for r in params.value("ifhp.cities", check_date(on_date))), key=lambda r: key(r["name"]))


def ifhp(request: dict, on_date=None, lang: str = "en") -> dict:
    lang = check_lang(lang)
    on_date = check_date(on_date)
    groups = {g["code"]: g for g in params.value("ifhp.beneficiary_groups", on_date)}
    f = root(request, IFHP_KEYS)
    code = f.string("group", required=True, choices=(*groups, NONE))
    in_canada = f.boolean("in_canada")
    provincial = f.boolean("provincial_coverage")
    pv = params.ref("ifhp.beneficiary_groups", on_date)
    months = params.ref("ifhp.coverage_months", on_date)
    labels = params.value("ifhp.documents", on_date)

    def answer(eligible: bool, rcode: str, en: str, fr: str, *, basic: bool = True) -> dict:
        group = groups.get(code)
        docs = [{"code": d, **labels[d]} for d in (group["documents"] if group else ())] if eligible else []
        return {
            "eligible": eligible,
            "group": ({"code": code, "label_fr": group["label_fr"], "label_en": group["label_en"]}
                      if group else {"code": code, "label_fr": "", "label_en": ""}),
            "reason": reason(rcode, en, fr, lang, reference=pv.reference),
            "basic_coverage": eligible and basic,
            "coverage_months": int(months.value[code]) if eligible else 0,
            "coverage_reference": months.reference,
            "documents": docs,
            "date": on_date.isoformat(),
        }

    if code == NONE:
        return answer(False, "no_group",
                      "The IFHP covers only the groups listed; a person in none of them cannot get IFHP coverage.",
                      "Le PFSI ne couvre que les groupes énumérés\u00a0; une personne qui n’appartient à aucun "
                      "d’eux ne peut pas obtenir de couverture du PFSI.")
    group = groups[code]
    if group["in_canada"] and not in_canada:
        return answer(False, "not_in_canada",
                      f"{group['label_en']}: coverage starts once the person is in Canada.",
                      f"{group['label_fr']}\u00a0: la couverture commence une fois la personne au Canada.")
    if provincial and group["provincial_ends_basic"]:
        return answer(False, "provincial_coverage",
                      f"{group['label_en']}: provincial or territorial health insurance replaces the IFHP; "
                      "no IFHP coverage is issued.",
                      f"{group['label_fr']}\u00a0: le régime d’assurance maladie provincial ou territorial "
                      "remplace le PFSI\u00a0; aucune couverture du PFSI n’est délivrée.")
    if provincial:
        return answer(True, "supplemental_only",
                      f"{group['label_en']}: eligible for the IFHP's supplemental and prescription drug coverage "
                      "(basic coverage comes from the provincial or territorial plan).",
                      f"{group['label_fr']}\u00a0: admissible à la couverture supplémentaire et des médicaments "
                      "sur ordonnance du PFSI (la couverture de base vient du régime provincial ou territorial).",
                      basic=False)
    return answer(True, "eligible",
                  f"{group['label_en']}: eligible for IFHP coverage.",
                  f"{group['label_fr']}\u00a0: admissible à la couverture du PFSI.")
