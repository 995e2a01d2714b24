"""What a line of business declares: the contract between a program and the generic pages.

A program is data plus small pure functions. The pages, states and services never
test a program's code; they read its definition from the registry
(`rar_app.programs.registry`) and call the functions it declares. Everything a
program shows is a catalogue key (``rar_app/i18n/{fr,en}/<program>.yaml``) or a
ready bilingual text from the rules engine.

Layering: programs import `rar_app.rules`, `rar_app.i18n` and the wizard engine
(`rar_app.programs.engine`); never services, states or pages (services import
programs, not the other way round).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Mapping

from rar_app.programs.engine import Context, Field, Wizard

# What submission produces.
SUBMITS_APPLICATION = "application"  # an application with a number, processed by the office
SUBMITS_PROFILE = "profile"  # a profile that enters a pool (Express Entry, IEC)


@dataclasses.dataclass(frozen=True)
class Reason:
    """One line of an explanation: a bilingual text and, where it comes from a rule,
    the legal reference (``"IRPR s. 75(2)"``)."""

    text_fr: str
    text_en: str
    reference: str = ""

    def text(self, lang: str) -> str:
        return self.text_fr if lang == "fr" else self.text_en


@dataclasses.dataclass(frozen=True)
class Outcome:
    """« Vos résultats »: what the eligibility answers lead to.

    `eligible` says whether « Continuer » starts the application or profile;
    `results` lists what the client may apply for (each with its reasons), `refusals`
    what they may not and why, `advice` what would change that; `details` carries
    program-specific figures the results page shows as a table (label, value) such as
    the CRS breakdown."""

    eligible: bool
    results: tuple[tuple[str, tuple[Reason, ...]], ...] = ()  # (bilingual title key or text, reasons)
    refusals: tuple[tuple[str, tuple[Reason, ...]], ...] = ()
    advice: tuple[Reason, ...] = ()
    details: tuple[tuple[str, str], ...] = ()
    redirect_program: str = ""  # e.g. an eTA client who needs a visa: the program to go to instead


@dataclasses.dataclass(frozen=True)
class ProfileSection:
    """One form of a task-list profile (« Pas commencé / En cours / Terminé »)."""

    id: str
    title_key: str
    wizard: Wizard  # the section's questions; its answers are stored under the section id
    prefill: Callable[[Mapping[str, Any]], dict[str, dict[str, Any]]] | None = None  # from eligibility answers


@dataclasses.dataclass(frozen=True)
class Declaration:
    """« Votre déclaration solennelle et votre signature électronique »: texts shown,
    then consent questions (radio fields whose accepted answer is `accept_code`)."""

    text_keys: tuple[str, ...]
    questions: tuple[Field, ...]
    required_accept: tuple[str, ...] = ()  # names of questions that must be answered `accept_code`
    accept_code: str = "accept"


@dataclasses.dataclass(frozen=True)
class FeeLine:
    label_fr: str
    label_en: str
    amount_cents: int
    applicant: int | None = None  # 1-based, None for a flat fee
    reference: str = ""  # the dated parameter's legal source


@dataclasses.dataclass(frozen=True)
class StatusStep:
    code: str
    label_key: str


@dataclasses.dataclass(frozen=True)
class Program:
    """A line of business. `code` is stored in `Application.kind`."""

    code: str
    title_key: str  # the program's name
    home_key: str  # the home page's link text (« Présenter une demande d'Entrée express »)
    slug_fr: str  # address part: /fr/<slug_fr>/…
    slug_en: str
    application: Wizard | None = None  # the application form (question pages + review)
    eligibility: Wizard | None = None  # « Vérifier l'admissibilité du client »
    outcome: Callable[[Context, str], Outcome] | None = None  # results of the eligibility answers
    profile: tuple[ProfileSection, ...] = ()  # task-list profile, when the program has one
    declaration: Declaration | None = None
    fees: Callable[[Context], list[FeeLine]] | None = None  # None: no fee
    checklist: Callable[[Context, int | None], list[dict]] | None = None  # documents, from the rules
    submits: str = SUBMITS_APPLICATION
    number_prefix: str = "V"  # application numbers: prefix + 9 digits
    status_steps: tuple[StatusStep, ...] = ()
    catalogues: tuple[str, ...] = ()  # i18n files (stems) the program owns
    test_only: bool = False  # registered by tests, never listed on the home page
    order: int = 100  # place on the home page
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # program-specific data
