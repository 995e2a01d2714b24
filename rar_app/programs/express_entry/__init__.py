"""Express Entry (« Demande au titre d’Entrée express »): eligibility question pages,
« Vos résultats », the task-list profile, declaration and signature, submission to the pool
(`PoolSpec`), the status data of « État du profil Entrée express »; and, after an
invitation, the permanent residence application (a program of its own, `express_entry_pr`)."""

from __future__ import annotations

from rar_app.programs.base import SUBMITS_APPLICATION, SUBMITS_PROFILE, Declaration, Program, StatusStep
from rar_app.programs.engine import Field, Option
from rar_app.programs.express_entry import application, demo, eligibility, outcome, profile, slugs
from rar_app.programs.pool import PoolSpec, Stream
from rar_app.programs.registry import register

K = "express_entry"
CODE = "express_entry"
PR_CODE = "express_entry_pr"

ACCEPT = Option("accept", f"{K}.accept")
REFUSE = Option("refuse", f"{K}.refuse")

DECLARATION = Declaration(
    text_keys=(f"{K}.declaration_intro", f"{K}.declaration_privacy"),
    questions=(
        Field("privacy", "radio", f"{K}.declaration_privacy_question", options=(ACCEPT,)),
        Field("research", "radio", f"{K}.declaration_research_question", options=(ACCEPT, REFUSE),
              help_key=f"{K}.declaration_research_text"),
    ),
    required_accept=("privacy",),
)

POOL = PoolSpec(
    pool=CODE, title_key=f"{K}.title", streams=(
        Stream("fsw", f"{K}.program_fsw"), Stream("cec", f"{K}.program_cec"), Stream("fst", f"{K}.program_fst"),
        Stream("french", f"{K}.category_french"), Stream("pnp", f"{K}.category_pnp"),
    ),
    invitation_days=60, validity_days=365, number_prefix="E", validation_code=True, notices=f"{K}.tpl",
    round_every_days=14, round_size=50,
    # IRCC: the complete application must be submitted within the 60 days of the ITA.
    apply_within_invitation=True,
)

STATUS_STEPS = (
    StatusStep("submitted", f"{K}.status_submitted"),
    StatusStep("in_pool", f"{K}.status_in_pool"),
    StatusStep("invited", f"{K}.status_invited"),
    StatusStep("applied", f"{K}.status_applied"),
)

EXPRESS_ENTRY = register(Program(
    code=CODE, title_key=f"{K}.title", home_key="home.apply_ee", slug_fr="entree-express", slug_en="express-entry",
    step_slugs=slugs.STEP_SLUGS,
    eligibility=eligibility.wizard(), outcome=outcome.outcome, profile=profile.SECTIONS, declaration=DECLARATION,
    submits=SUBMITS_PROFILE, number_prefix="E", status_steps=STATUS_STEPS, catalogues=(K, "pools"), order=20,
    applicants=profile.applicants, documents_step=False,
    extra={"pool": POOL, "pool_admission": outcome.pool_admission, "pool_answers": outcome.pool_answers,
           "stream_programs": ("fsw", "cec", "fst"), "demo_profiles": demo.profiles},
))

PERMANENT_RESIDENCE = register(Program(
    code=PR_CODE, title_key=f"{K}.pr_title", home_key=f"{K}.pr_title", slug_fr="entree-express-residence-permanente",
    slug_en="express-entry-permanent-residence", step_slugs=slugs.PERMANENT_RESIDENCE, application=application.WIZARD, declaration=DECLARATION,
    fees=application.fees, checklist=application.checklist, submits=SUBMITS_APPLICATION, number_prefix="E",
    catalogues=(K,), order=21, applicants=application.applicants,
    extra={"started_by": CODE, "application_type": lambda _ctx: "express_entry_pr"},
))
