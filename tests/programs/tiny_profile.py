"""A test-only program with eligibility questions, « Vos résultats » and a task-list profile
of two forms (no fee): registered by the service tests, and in a running portal with
RAR_EXTRA_PROGRAMS=tests.programs.tiny_profile for the browser test. Existing catalogue keys."""

from __future__ import annotations

from rar_app.i18n import t
from rar_app.programs.base import SUBMITS_PROFILE, Declaration, Outcome, ProfileSection, Program, Reason
from rar_app.programs.engine import Field, Option, Step, Wizard

YES_NO = (Option("yes", "wizard.answer_yes"), Option("no", "wizard.answer_no"))
CODE = "profile_test_program"


def _outcome(ctx, lang):
    ok = (ctx.answers.get("pt_adult") or {}).get("minor") == "no"
    why = (Reason("Majeur", "Adult", "IRPR s. 0"),)
    return Outcome(ok, results=(("wizard.step_client", why),) if ok else (),
                   refusals=() if ok else (("wizard.step_client", why),))


def _prefill(answers):
    return {"pt_name": {"family_name": "Prérempli"}}


PROGRAM = Program(
    code=CODE, title_key="wizard.step_client", home_key="wizard.step_client", slug_fr="profil-essai",
    slug_en="profile-test", test_only=True, order=998, submits=SUBMITS_PROFILE, outcome=_outcome,
    eligibility=Wizard("pt_elig", (Step("pt_adult", "wizard.step_client",
                                        fields=(Field("minor", "radio", "wizard.minor", options=YES_NO),)),), t),
    declaration=Declaration(text_keys=("submit.declaration_intro",), questions=(
        Field("agree", "radio", "submit.agree_legend", options=(Option("yes", "submit.agree_yes"),
                                                                 Option("no", "submit.agree_no"))),),
        required_accept=("agree",), accept_code="yes"),
    profile=(
        ProfileSection("pt_one", "wizard.step_client", Wizard("pt_one", (
            Step("pt_name", "wizard.step_client", fields=(Field("family_name", "text", "wizard.family_name"),)),), t),
            prefill=_prefill),
        ProfileSection("pt_two", "wizard.step_client", Wizard("pt_two", (
            Step("pt_a", "wizard.step_client", fields=(Field("minor", "radio", "wizard.minor", options=YES_NO),)),
            Step("pt_b", "wizard.step_client", fields=(Field("given_names", "text", "wizard.given_names"),)),
        ), t)),
    ),
)


def register() -> Program:
    from rar_app.programs import registry

    return registry.register(PROGRAM)


if __name__ != "__main__":  # imported through RAR_EXTRA_PROGRAMS: registered like any program
    import os

    if "tests.programs.tiny_profile" in os.environ.get("RAR_EXTRA_PROGRAMS", ""):
        register()
