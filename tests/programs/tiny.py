"""A minimal test-only line of business: two questions, a declaration, no fee.

It proves that a program is a definition and nothing else: this module and the
registry (RAR_EXTRA_PROGRAMS=tests.programs.tiny) are all it takes for the generic pages
to ask its questions, show the review with its pens, the declaration with its consent
question, the Signature page (« Transmettre », nothing to pay) and « Félicitations ».
It reuses existing catalogue keys (a real program brings its own yaml files)."""

from __future__ import annotations

from rar_app.i18n import t
from rar_app.programs import registry
from rar_app.programs.base import Declaration, Program
from rar_app.programs.engine import Field, Option, Step, Wizard

CODE = "tiny_test_program"
YES_NO = (Option("yes", "wizard.answer_yes"), Option("no", "wizard.answer_no"))

WIZARD = Wizard(id=CODE, translate=t, steps=(
    Step("tiny_name", "wizard.step_client", fields=(
        Field("family_name", "text", "wizard.family_name", max_length=100),
    )),
    Step("tiny_minor", "wizard.step_client", fields=(
        Field("minor", "radio", "wizard.minor", options=YES_NO),
    )),
))

PROGRAM = registry.register(Program(
    code=CODE,
    title_key="wizard.step_client",
    home_key="wizard.step_client",
    slug_fr="programme-d-essai",
    slug_en="test-program",
    application=WIZARD,
    declaration=Declaration(
        text_keys=("submit.declaration_intro",),
        sections=(("submit.statement_title", ("submit.statement_1",)),),
        questions=(Field("agree", "radio", "submit.agree_legend",
                         options=(Option("yes", "submit.agree_yes"), Option("no", "submit.agree_no"))),),
        required_accept=("agree",),
        accept_code="yes",
    ),
    file_number=("tiny_name", "family_name"),
    number_prefix="T",
    test_only=True,
    order=999,
))
