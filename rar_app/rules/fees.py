"""Fee summary (Sommaire des frais) of one application – the ``fees`` command and ``fee_summary()``.

Options are the portal's: processing ``standard | family_rate | exempt | family_rate_exempt`` and biometrics
``none | standard | exempt | family_rate | family_rate_exempt``. Amounts come from ``parameters/fees.yaml``.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from . import params
from .common import check_date, check_lang, fmt_money, localize
from .errors import RulesInputError
from .inputs import Fields, join, out_of_range, root, wrong_type

APPLICATIONS = (
    "visitor_visa",
    "study_permit",
    "work_permit",
    "open_work_permit",
    "eta",
    "iec_working_holiday",
    "iec_young_professionals",
    "iec_international_coop",
)
FEE_OPTIONS = ("standard", "family_rate", "exempt", "family_rate_exempt")
BIOMETRIC_OPTIONS = ("none", "standard", "exempt", "family_rate", "family_rate_exempt")
APPLICANT_KEYS = ("application", "fee", "biometrics")
MAX_APPLICANTS = 50
ZERO = Decimal("0.00")

APP_LABELS = {
    "visitor_visa": ("visitor visa", "visa de visiteur"),
    "study_permit": ("study permit", "permis d’études"),
    "work_permit": ("work permit", "permis de travail"),
    "open_work_permit": ("open work permit", "permis de travail ouvert"),
    "eta": ("eTA", "AVE"),
    "iec_working_holiday": ("IEC Working Holiday", "EIC Vacances-travail"),
    "iec_young_professionals": ("IEC Young Professionals", "EIC Jeunes professionnels"),
    "iec_international_coop": ("IEC International Co-op (Internship)", "EIC Stage coop international"),
}
ITEM_LABELS = {
    "processing": ("processing fee", "frais de traitement"),
    "iec_participation": ("IEC participation fee", "frais de participation à EIC"),
    "open_work_permit_holder": ("open work permit holder fee", "frais de privilège du titulaire de permis de travail ouvert"),
    "biometrics": ("biometric fee", "frais de données biométriques"),
}


def _money(v) -> Decimal:
    return Decimal(str(v)).quantize(Decimal("0.01"))


def _s(d: Decimal) -> str:
    return f"{d:.2f}"


def read_applicants(applicants, path: str = "applicants") -> list[dict]:
    if not isinstance(applicants, list):
        raise wrong_type(path, "array")
    if not 1 <= len(applicants) <= MAX_APPLICANTS:
        raise out_of_range(path, 1, MAX_APPLICANTS, "items")
    out = []
    for i, a in enumerate(applicants):
        f = Fields(a, join(path, i), APPLICANT_KEYS)
        out.append(
            {
                "application": f.string("application", required=True, choices=APPLICATIONS),
                "fee": f.string("fee", default="standard", choices=FEE_OPTIONS),
                "biometrics": f.string("biometrics", default="none", choices=BIOMETRIC_OPTIONS),
            }
        )
    return out


class _Amounts:
    """The fee amounts in force on a date (looked up lazily so a missing one only matters if used)."""

    def __init__(self, on_date: _dt.date):
        self.on_date = on_date

    def pv(self, name: str):
        return params.ref(f"fees.{name}", self.on_date)

    def processing(self, app: str):
        """(item, parameter) of the main fee of an application type."""
        if app.startswith("iec_"):
            return "iec_participation", self.pv("iec.participation")
        name = {
            "visitor_visa": "visitor_visa.processing",
            "study_permit": "study_permit.processing",
            "work_permit": "work_permit.processing",
            "open_work_permit": "work_permit.processing",
            "eta": "eta",
        }[app]
        return "processing", self.pv(name)

    def holder(self, app: str):
        if app in ("open_work_permit", "iec_working_holiday"):
            return self.pv("open_work_permit_holder")
        return None

    def family_offered(self, kind: str) -> set:
        return set(self.pv("family_rate.offered").value[kind])

    def family_amount(self, kind: str):
        return self.pv("visitor_visa.family_maximum" if kind == "processing" else "biometrics.family_maximum")

    def min_people(self) -> int:
        return int(self.pv("family_rate.minimum_people").value)

    def exemption_allowed(self, app: str) -> bool:
        """May this type's processing fee be declared exempt (« Dispensé des frais »)?"""
        return app in set(self.pv("exemption.allowed").value)

    def biometrics_required(self, app: str) -> bool:
        return app in set(self.pv("biometrics.required_by").value)


def _compute(apps: list[dict], on_date: _dt.date) -> tuple[list[dict], list[dict], Decimal]:
    """Lines (both languages) and warnings for the chosen options."""
    A = _Amounts(on_date)
    n = len(apps)
    lines: list[dict] = []
    warnings: list[dict] = []

    def warn(code, applicant, en, fr, item):
        warnings.append({"code": code, "applicant": applicant, "item": item, "message_en": en, "message_fr": fr})

    def add(i, item, amount, en, fr, ref, option):
        lines.append({"applicant": i, "item": item, "amount": _money(amount), "option": option, "explanation_en": en, "explanation_fr": fr, "reference": ref})

    # --- processing (and the fees that follow the processing option) ---
    for kind in ("processing", "biometrics"):
        offered = A.family_offered(kind)
        opt_key = "fee" if kind == "processing" else "biometrics"
        fam_payers = [i for i, a in enumerate(apps) if a[opt_key] == "family_rate"]
        fam_exempts = [i for i, a in enumerate(apps) if a[opt_key] == "family_rate_exempt"]
        principal_family = bool(fam_payers) and fam_payers[0] == 0 and apps[0]["application"] in offered
        kind_en = "processing fee" if kind == "processing" else "biometric fee"
        kind_fr = "frais de traitement" if kind == "processing" else "frais de données biométriques"

        for i, a in enumerate(apps):
            app = a["application"]
            opt = a[opt_key]
            who_en, who_fr = f"Client {i + 1}", f"Client {i + 1}"
            app_en, app_fr = APP_LABELS[app]
            if kind == "processing":
                item, pv = A.processing(app)
                std = _money(pv.value)
                holder = A.holder(app)
                item_en, item_fr = ITEM_LABELS[item]
                if opt == "standard" or (opt == "family_rate" and app not in offered):
                    add(i, item, std, f"{who_en} – {app_en}: {item_en} {fmt_money(std, 'en')} per person.",
                        f"{who_fr} – {app_fr} : {item_fr} de {fmt_money(std, 'fr')} par personne.", pv.reference, opt)
                elif opt == "family_rate":
                    fam = A.family_amount("processing")
                    add(i, item, fam.value, f"{who_en} – {app_en}: family rate {fmt_money(_money(fam.value), 'en')} for the family applying together.",
                        f"{who_fr} – {app_fr} : tarif familial de {fmt_money(_money(fam.value), 'fr')} pour la famille qui présente ses demandes ensemble.", fam.reference, opt)
                elif opt == "exempt":
                    add(i, item, ZERO, f"{who_en} – {app_en}: exempt from the {item_en}.", f"{who_fr} – {app_fr} : dispensé des {item_fr}.", pv.reference, opt)
                else:  # family_rate_exempt
                    add(i, item, ZERO, f"{who_en} – {app_en}: covered by the family rate paid by client 1.",
                        f"{who_fr} – {app_fr} : couvert par le tarif familial payé par le client 1.", A.family_amount("processing").reference if app in offered else pv.reference, opt)
                if holder is not None:
                    h = _money(holder.value)
                    if opt == "exempt":
                        add(i, "open_work_permit_holder", ZERO, f"{who_en} – {app_en}: exempt from the open work permit holder fee.",
                            f"{who_fr} – {app_fr} : dispensé des frais de privilège du titulaire de permis de travail ouvert.", holder.reference, opt)
                    else:
                        add(i, "open_work_permit_holder", h, f"{who_en} – {app_en}: open work permit holder fee {fmt_money(h, 'en')} (no family rate).",
                            f"{who_fr} – {app_fr} : frais de privilège du titulaire de permis de travail ouvert de {fmt_money(h, 'fr')} (aucun tarif familial).", holder.reference, opt)
            else:
                if opt == "none":
                    continue
                if app == "eta":
                    warn("biometrics_not_applicable", i, f"Client {i + 1} applies for an eTA: eTA applicants give no biometrics.",
                         f"Le client {i + 1} demande une AVE : les demandeurs d’AVE ne fournissent pas de données biométriques.", "biometrics")
                ind = A.pv("biometrics.individual")
                std = _money(ind.value)
                if opt == "standard" or (opt == "family_rate" and app not in offered):
                    add(i, "biometrics", std, f"{who_en}: biometric fee {fmt_money(std, 'en')} per person.", f"{who_fr} : frais de données biométriques de {fmt_money(std, 'fr')} par personne.", ind.reference, opt)
                elif opt == "family_rate":
                    fam = A.family_amount("biometrics")
                    add(i, "biometrics", fam.value, f"{who_en}: biometric family rate {fmt_money(_money(fam.value), 'en')} for the family applying together.",
                        f"{who_fr} : tarif familial des données biométriques de {fmt_money(_money(fam.value), 'fr')} pour la famille.", fam.reference, opt)
                elif opt == "exempt":
                    add(i, "biometrics", ZERO, f"{who_en}: exempt from the biometric fee.", f"{who_fr} : dispensé des frais de données biométriques.", ind.reference, opt)
                else:
                    add(i, "biometrics", ZERO, f"{who_en}: biometric fee covered by the family rate paid by client 1.",
                        f"{who_fr} : frais de données biométriques couverts par le tarif familial payé par le client 1.", A.family_amount("biometrics").reference, opt)

        # --- warnings for this kind ---
        for i in fam_payers:
            if i != 0:
                warn("family_rate_not_principal", i, f"Client {i + 1} chose the family rate ({kind_en}); only client 1, the principal applicant, can pay it.",
                     f"Le client {i + 1} a choisi le tarif familial ({kind_fr}) ; seul le client 1, le demandeur principal, peut le payer.", kind)
        if fam_payers and n < A.min_people():
            warn("family_rate_too_few", fam_payers[0], f"The family rate ({kind_en}) needs at least {A.min_people()} people in the application; there are {n}.",
                 f"Le tarif familial ({kind_fr}) exige au moins {A.min_people()} personnes dans la demande ; il y en a {n}.", kind)
        for i in fam_payers + fam_exempts:
            app = apps[i]["application"]
            if app not in offered:
                app_en, app_fr = APP_LABELS[app]
                warn("family_rate_not_offered", i, f"Client {i + 1}: there is no family rate for the {kind_en} of a {app_en} application.",
                     f"Client {i + 1} : il n’y a pas de tarif familial pour les {kind_fr} d’une demande de {app_fr}.", kind)
        if principal_family:
            for i, a in enumerate(apps):
                if i != 0 and a[opt_key] == "standard" and a["application"] in offered:
                    warn("family_member_overpays", i, f"Client 1 pays the family rate ({kind_en}) but client {i + 1} still pays the standard fee: choose 'Family rate – Fee exempt' for client {i + 1}.",
                         f"Le client 1 paie le tarif familial ({kind_fr}) mais le client {i + 1} paie encore les frais standard : choisissez « Tarif familial – Dispensé des frais » pour le client {i + 1}.", kind)
            covered = [0] + [i for i in fam_exempts if apps[i]["application"] in offered]
            if kind == "processing":
                individual = sum((_money(A.processing(apps[i]["application"])[1].value) for i in covered), ZERO)
            else:
                individual = _money(A.pv("biometrics.individual").value) * len(covered)
            fam_amount = _money(A.family_amount(kind).value)
            if fam_amount > individual:
                people_en = "the one person" if len(covered) == 1 else f"the {len(covered)} people"
                people_fr = "de la personne couverte" if len(covered) == 1 else f"des {len(covered)} personnes couvertes"
                warn("family_rate_costs_more", 0, f"The family rate ({kind_en}, {fmt_money(fam_amount, 'en')}) costs more than the individual fees of {people_en} it covers ({fmt_money(individual, 'en')}).",
                     f"Le tarif familial ({kind_fr}, {fmt_money(fam_amount, 'fr')}) coûte plus cher que les frais individuels {people_fr} ({fmt_money(individual, 'fr')}).", kind)
        if fam_exempts and not fam_payers:
            for i in fam_exempts:
                warn("family_exempt_without_family_rate", i, f"Client {i + 1} chose 'Family rate – Fee exempt' ({kind_en}) but nobody pays the family rate: the fee is underpaid.",
                     f"Le client {i + 1} a choisi « Tarif familial – Dispensé des frais » ({kind_fr}) mais personne ne paie le tarif familial : les frais sont insuffisants.", kind)
    total = sum((ln["amount"] for ln in lines), ZERO)
    return lines, warnings, total


def _cheapest(apps: list[dict], on_date: _dt.date) -> list[dict]:
    A = _Amounts(on_date)
    n = len(apps)
    best = [dict(a) for a in apps]
    for kind, key in (("processing", "fee"), ("biometrics", "biometrics")):
        fixed = ("exempt",) if kind == "processing" else ("exempt", "none")
        for i, a in enumerate(best):
            if kind == "biometrics" and a["application"] == "eta":
                a["biometrics"] = "none"
        payers = [i for i, a in enumerate(best) if a[key] not in fixed]
        if not payers:
            continue
        if kind == "processing":
            std = {i: _money(A.processing(best[i]["application"])[1].value) for i in payers}
        else:
            std = {i: _money(A.pv("biometrics.individual").value) for i in payers}
        cost_standard = sum(std.values(), ZERO)
        offered = A.family_offered(kind)
        use_family = False
        if 0 in payers and best[0]["application"] in offered and n >= A.min_people():
            others = [i for i in payers if i != 0 and best[i]["application"] not in offered]
            cost_family = _money(A.family_amount(kind).value) + sum((std[i] for i in others), ZERO)
            use_family = cost_family < cost_standard
        for i in payers:
            if use_family:
                best[i][key] = "family_rate" if i == 0 else ("family_rate_exempt" if best[i]["application"] in offered else "standard")
            else:
                best[i][key] = "standard"
    return best


def _localize_warnings(warnings: list[dict], lang: str) -> list[dict]:
    for w in warnings:
        w["message"] = w["message_fr"] if lang == "fr" else w["message_en"]
    return warnings


def fee_summary(applicants: list[dict], on_date=None, lang: str = "en") -> dict:
    """The fee summary: lines, total, currency, warnings and the cheapest valid choice of options."""
    lang = check_lang(lang)
    on_date = check_date(on_date)
    apps = read_applicants(applicants)
    lines, warnings, total = _compute(apps, on_date)
    cheap = _cheapest(apps, on_date)
    c_lines, _c_warn, c_total = _compute(cheap, on_date)
    for ln in lines + c_lines:
        ln["amount"] = _s(ln["amount"])
    localize(lines, lang)
    localize(c_lines, lang)
    return {
        "lines": lines,
        "total": _s(total),
        "currency": "CAD",
        "warnings": _localize_warnings(warnings, lang),
        "cheapest": {"applicants": cheap, "total": _s(c_total), "lines": c_lines, "saving": _s(max(total - c_total, ZERO))},
        "date": on_date.isoformat(),
    }


def fees_command(request: dict, on_date=None, lang: str = "en") -> dict:
    f = root(request, ("applicants",))
    applicants = f.array("applicants", required=True, max_items=MAX_APPLICANTS)
    if not applicants:
        raise out_of_range("applicants", 1, MAX_APPLICANTS, "items")
    return fee_summary(request["applicants"], on_date, lang)


def fee_options(application_type: str, on_date=None) -> dict:
    """Which processing-fee and biometric options exist for an application type, with labels and help texts."""
    on_date = check_date(on_date)
    if application_type not in APPLICATIONS:
        raise RulesInputError("invalid_value", "application_type", f"Unknown application type '{application_type}'.", f"Type de demande inconnu « {application_type} ».")
    A = _Amounts(on_date)
    labels = params.ref("ui.fee_options", on_date)
    item, pv = A.processing(application_type)
    proc_offered = application_type in A.family_offered("processing")
    processing = []
    for code in FEE_OPTIONS:
        if code.startswith("family_rate") and not proc_offered:
            continue
        if code == "exempt" and not A.exemption_allowed(application_type):
            continue  # no exemption for this type (parameter fees.exemption.allowed)
        entry = {"code": code, **labels.value["processing"][code]}
        if code == "standard":
            entry["amount"] = _s(_money(pv.value))
        elif code == "family_rate":
            entry["amount"] = _s(_money(A.family_amount("processing").value))
        else:
            entry["amount"] = "0.00"
        processing.append(entry)
    biometrics = [{"code": "none", **labels.value["biometrics"]["none"], "amount": "0.00"}]
    try:
        bio_needed = A.biometrics_required(application_type)
    except RulesInputError:
        bio_needed = False
    if bio_needed:
        bio_offered = application_type in A.family_offered("biometrics")
        for code in BIOMETRIC_OPTIONS[1:]:
            if code.startswith("family_rate") and not bio_offered:
                continue
            entry = {"code": code, **labels.value["biometrics"][code]}
            entry["amount"] = (
                _s(_money(A.pv("biometrics.individual").value)) if code == "standard"
                else _s(_money(A.family_amount("biometrics").value)) if code == "family_rate" else "0.00"
            )
            biometrics.append(entry)
    extra = []
    holder = A.holder(application_type)
    if holder is not None:
        extra.append({"item": "open_work_permit_holder", "amount": _s(_money(holder.value)), "reference": holder.reference})
    return {
        "application_type": application_type,
        "item": item,
        "processing": processing,
        "biometrics": biometrics,
        "additional_fees": extra,
        "reference": pv.reference,
        "date": on_date.isoformat(),
    }
