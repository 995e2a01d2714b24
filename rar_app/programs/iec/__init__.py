"""International Experience Canada (EIC): the profile line of business and, after an
accepted invitation, its work permit application. Both register themselves here."""

from __future__ import annotations

from rar_app.programs.base import SUBMITS_APPLICATION, SUBMITS_PROFILE, Program, StatusStep
from rar_app.programs.iec import eligibility, permit, pool, profile
from rar_app.programs.iec.common import CODE, PERMIT_CODE
from rar_app.programs.registry import register

# Addresses of the steps: /fr/experience-internationale-canada/<fr>, /en/international-experience-canada/<en>.
STEP_SLUGS = {
    "passport": ("pays-et-date-de-naissance", "country-and-date-of-birth"),
    "organization": ("organisation-reconnue", "recognized-organization"),
    "organization_name": ("nom-de-l-organisation", "organization-name"),
    "funds": ("fonds-et-assurance", "funds-and-insurance"),
    "family": ("personnes-a-charge", "dependants"),
    "job": ("offre-d-emploi", "job-offer"),
    "studies": ("etudes", "studies"),
    "admissibility": ("declarations", "declarations"),
    "personal": ("renseignements-personnels", "personal-details"),
    "contact": ("coordonnees", "contact-information"),
    "details": ("details-de-ma-demande", "my-application-details"),
}
PERMIT_STEP_SLUGS = {
    "employment": ("emploi-au-canada", "employment-in-canada"),
    "travel": ("sejour-au-canada", "stay-in-canada"),
}

STATUS_STEPS = (
    StatusStep("draft", "iec.status_draft"),
    StatusStep("submitted", "iec.status_submitted"),
    StatusStep("pool", "iec.status_pool"),
    StatusStep("invited", "iec.status_invited"),
    StatusStep("applied", "iec.status_applied"),
)

IEC = register(Program(
    code=CODE,
    title_key="iec.title",
    home_key="home.apply_iec",
    slug_fr="experience-internationale-canada",
    slug_en="international-experience-canada",
    step_slugs=STEP_SLUGS,
    eligibility=eligibility.ELIGIBILITY,
    outcome=eligibility.outcome,
    profile=profile.SECTIONS,
    applicants=profile.applicants,
    declaration=profile.DECLARATION,
    submits=SUBMITS_PROFILE,
    number_prefix="E",
    status_steps=STATUS_STEPS,
    catalogues=("iec",),
    order=40,
    extra={"pool": pool.POOL, "pool_admission": pool.admission, "demo_profiles": pool.demo_profiles,
           "chosen_streams": profile.chosen_categories,
           "restart_fields": ("date_of_birth", "passport_country", "residence_country")},
))

IEC_PERMIT = register(Program(
    code=PERMIT_CODE,
    title_key="iec.permit_title",
    home_key="iec.permit_title",
    slug_fr="experience-internationale-canada-permis-de-travail",
    slug_en="international-experience-canada-work-permit",
    step_slugs=PERMIT_STEP_SLUGS,
    application=permit.PERMIT,
    declaration=profile.DECLARATION,
    fees=permit.fees,
    fee_summary=permit.fee_summary,
    applicants=permit.applicants,
    checklist=permit.checklist,
    submits=SUBMITS_APPLICATION,
    number_prefix="W",
    catalogues=("iec",),
    order=41,
    extra={"listed": False, "started_by": CODE, "application_type": pool.application_type},
))
