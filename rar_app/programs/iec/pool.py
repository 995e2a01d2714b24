"""The IEC pools: one per country (or recognized organization) and category, as streams of
the program-neutral pool (`rar_app.programs.pool`). Rounds invite at random among the
eligible of one stream; ten days to answer; twenty days to submit after accepting."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from rar_app.i18n import t
from rar_app.programs.engine import Context
from rar_app.programs.iec.common import answer, country_name, yes
from rar_app.programs.iec.profile import chosen_categories
from rar_app.programs.pool import RANDOM, PoolSpec, Stream
from rar_app.rules import params
from rar_app.rules.iec import CATEGORIES

# Short stream codes (PoolRound.stream is 40 characters): FR-WH, RO-swap-WH.
CATEGORY_CODES = {"working_holiday": "WH", "young_professionals": "YP", "international_coop": "CO"}
CODE_CATEGORIES = {v: k for k, v in CATEGORY_CODES.items()}
SEASON = _dt.date(2025, 12, 19)  # the country table and the organization list in force (iec.countries)


def stream_code(origin: str, category: str) -> str:
    return f"{origin}-{CATEGORY_CODES[category]}"


def stream_category(stream: str) -> str:
    """``"FR-WH"`` → ``"working_holiday"``; "" when the stream is not an IEC one."""
    return CODE_CATEGORIES.get(stream.rsplit("-", 1)[-1], "") if stream else ""


def _streams() -> tuple[Stream, ...]:
    out: list[Stream] = []
    for row in params.value("iec.countries", SEASON):
        for c in CATEGORIES:
            if row[c] == "true":
                out.append(Stream(stream_code(row["iso2"], c), label_fr=f"{country_name(row['iso2'], 'fr')} – {t(f'iec.category_{c}', 'fr')}",
                                  label_en=f"{country_name(row['iso2'], 'en')} – {t(f'iec.category_{c}', 'en')}"))
    for code, org in params.value("iec.recognized_organizations", SEASON).items():
        for c in org["categories"]:
            out.append(Stream(stream_code(f"RO-{code}", c), label_fr=f"{org['name']} – {t(f'iec.category_{c}', 'fr')}",
                              label_en=f"{org['name']} – {t(f'iec.category_{c}', 'en')}"))
    return tuple(out)


POOL = PoolSpec(
    pool="iec",
    title_key="iec.pool_title",
    selection=RANDOM,
    streams=_streams(),
    invitation_days=int(params.value("iec.invitation_days", SEASON)),
    application_days=int(params.value("iec.application_days", SEASON)),
    reminder_days=tuple(int(d) for d in params.value("iec.reminder_days", SEASON)),
    validity_days=365,
    number_prefix="I",
    notices="iec.tpl",
    round_every_days=7,
    round_size=5,
    rounds_by_stream=True,
)


def admission(ctx: Context) -> dict[str, Any]:
    """The streams a submitted profile enters: one per category chosen « Oui » in « Détails
    de ma demande », in the pool of the passport country, or of the recognized organization
    when the client takes part through one."""
    ro = answer(ctx, "organization_name", "organization") if yes(ctx, "organization", "has_letter") else None
    origin = f"RO-{ro}" if ro else str(answer(ctx, "passport", "passport_country") or "")
    known = {s.code for s in POOL.streams}
    streams = [stream_code(origin, c) for c in chosen_categories(ctx) if stream_code(origin, c) in known]
    return {"score": 0, "streams": streams, "details": {"origin": origin, "categories": chosen_categories(ctx)}}


def application_type(ctx: Context) -> str:
    """The rules engine's application type of the work permit application (fees, processing)."""
    stream = answer(ctx, "invitation", "stream") or ""
    return f"iec_{stream_category(stream) or 'working_holiday'}"


def demo_profiles(_today: _dt.date) -> list[dict[str, Any]]:
    """Demo world: a French client (demo_pools.PEOPLE[0], Camille Tremblay, born 1993-04-12)
    in the France pools of Working Holiday and Young Professionals."""
    return [{
        "passport": {"passport_country": "FR", "residence_country": "FR", "date_of_birth": "1993-04-12"},
        "organization": {"has_letter": "no"},
        "funds": {"funds": "yes", "health_insurance": "yes"},
        "family": {"dependants_accompanying": "no"},
        "job": {"job_offer": "yes", "professional_development": "yes"},
        "studies": {"post_secondary_student": "no"},
        "admissibility": {"criminal_record": "no", "medical_condition": "no"},
        "personal": {"family_name": "Tremblay", "given_names": "Camille", "sex": "F", "date_of_birth": "1993-04-12",
                     "passport_country": "FR", "passport_number": "FR1234567"},
        "contact": {"email": "camille.tremblay@example.invalid", "address": "12 rue des Lilas, Lyon",
                    "residence_country": "FR"},
        "details": {"want_working_holiday": "yes", "want_young_professionals": "yes", "want_international_coop": "no"},
    }]
