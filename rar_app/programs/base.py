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
    # A link to this form at the top of the task list (« Modifier les renseignements sur la famille »).
    shortcut_key: str = ""


@dataclasses.dataclass(frozen=True)
class Declaration:
    """« Votre déclaration solennelle et votre signature électronique »: texts shown,
    then consent questions (radio fields whose accepted answer is `accept_code`).

    `sections` are (heading key, paragraph keys) shown in order before the questions;
    `text_keys` are paragraphs shown before the sections (an introduction). The generic
    declaration page renders both, then `questions` (radio groups), then the signature
    fields (the names, then the security question unless `security_question` is False)
    and « Signer »."""

    text_keys: tuple[str, ...]
    questions: tuple[Field, ...]
    required_accept: tuple[str, ...] = ()  # names of questions that must be answered `accept_code`
    accept_code: str = "accept"
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    refused_error_key: str = "submit.error_declaration_refused"  # shown on a required question not accepted
    # The signature asks one of the representative's security questions after the names; False when
    # the guide's signature is the name typed alone (eTA « Signature »).
    security_question: bool = True


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
class ApplicantData:
    """What a program's answers say about one person of the application: kept in step
    with the answers in the `Applicant` (+ `Client`) rows after every save (see
    `Program.applicants`). Fields not known yet stay at their defaults; `details_known`
    False leaves the name/birth/country of an existing row untouched, and its type too
    unless `application_type` is given (a program that knows it before the details)."""

    position: int
    details_known: bool = False
    family_name: str = ""
    given_names: str = ""
    date_of_birth: str = ""  # ISO date
    country_of_residence: str = ""
    application_type: str = ""  # the rules engine's application type (fees, numbers)
    is_minor: bool = False
    sds: bool = False
    fee_option: str = "standard"
    biometrics_option: str = "none"
    fee_exemption_reason: str = ""  # why the fee is « Dispensé des frais » (staff review, issue 14)


# Generic pages every program gets; each program may rename their address parts.
# page name -> (French, English) address part, appended to /fr/<slug_fr>/ and /en/<slug_en>/.
DEFAULT_PAGE_SLUGS: dict[str, tuple[str, str]] = {
    "results": ("vos-resultats", "your-results"),
    "profile": ("profil", "profile"),
    "review": ("revision", "review"),
    "document_checklist": ("liste-de-verification-des-documents", "document-checklist"),
    "declaration": ("declaration-solennelle-et-signature", "solemn-declaration-and-signature"),
    "checklist": ("liste-de-controle-personnelle", "personal-checklist"),
    "signature": ("signature", "signature"),
    "payment": ("paiement", "payment"),
    "receipt": ("transaction-approuvee", "transaction-approved"),
    "submitted": ("demande-soumise", "application-submitted"),
}


# What the portal may reuse about a client from the same representative's earlier applications
# (`Program.client_details`): identity first, then details a later form asks again.
CLIENT_KEYS = ("family_name", "given_names", "date_of_birth", "uci", "nationality", "country_of_birth", "sex",
               "email", "phone", "language", "occupation", "job_title", "employer", "city")


@dataclasses.dataclass(frozen=True)
class Program:
    """A line of business. `code` is stored in `Application.kind`.

    Addresses: every page of a program lives under ``/fr/<slug_fr>`` and
    ``/en/<slug_en>``. The first step of the application wizard is the bare slug;
    other steps use `step_slugs[step id]` (default: the step id with ``-``), the
    generic pages `page_slugs` (default `DEFAULT_PAGE_SLUGS`). See `path()`.
    Page ids are ``<code>:<step or page name>`` (`page_id()`): the generic pages
    register one page per program and never test a code.
    """

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
    checklist: Callable[[Context, int | None], list[dict]] | None = None  # documents that apply to applicant n, from the rules
    submits: str = SUBMITS_APPLICATION
    number_prefix: str = "V"  # application numbers: prefix + 9 digits
    status_steps: tuple[StatusStep, ...] = ()
    catalogues: tuple[str, ...] = ()  # i18n files (stems) the program owns
    test_only: bool = False  # registered by tests, never listed on the home page
    order: int = 100  # place on the home page
    extra: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # program-specific data
    # -- added with the generic pages (all optional) --------------------------------------
    step_slugs: Mapping[str, tuple[str, str]] = dataclasses.field(default_factory=dict)  # step id -> (fr, en)
    page_slugs: Mapping[str, tuple[str, str]] = dataclasses.field(default_factory=dict)  # overrides DEFAULT_PAGE_SLUGS
    home_group: str = "apply"  # the home page section that lists it
    drafts_key: str = ""  # « Poursuivre une demande »: the kind column (default: title_key)
    file_number: tuple[str, str] | None = None  # (step id, field) whose answer is Application.client_file_number
    applicants: Callable[[Context], list[ApplicantData]] | None = None  # Applicant rows kept in step with answers
    prune: Callable[[Context, str], None] | None = None  # after a valid save of a ref: drop answers made pointless
    extra_keys: Callable[[Context, str], list[str]] | None = None  # step id -> keys kept on an unfinished save
    step_panels: Mapping[str, Callable[[Context, int | None, Mapping[str, Any], str], Any]] = dataclasses.field(
        default_factory=dict)  # step id -> data of its widget: panel(ctx, index, typed values, lang)
    # The fee summary the review, declaration and payment pages show, from the saved answers:
    # {"lines": [{"explanation", "amount"}], "total", "warnings": [{"message", …}], "cheapest"}
    # (the rules engine's `fee_summary`); None while the fee answers are missing. No fee: leave None.
    fee_summary: Callable[[Context, str], dict | None] | None = None
    documents_step: bool = True  # the document checklist page (uploads) comes after the review
    max_applicants: int = 1
    # The generic pages from the review to the Signature page, in order (payment, receipt and
    # « Félicitations » follow). A program may leave some out (an eTA has no document
    # checklist nor personal checklist) or add "summary" (a page of `summary_keys`: its
    # heading, then one paragraph or list item per key, e.g. IFHP's « sommaire des quatre étapes »).
    finish_pages: tuple[str, ...] = ("review", "document_checklist", "declaration", "checklist", "signature")
    summary_keys: tuple[str, ...] = ()
    page_titles: Mapping[str, str] = dataclasses.field(default_factory=dict)  # page name -> title key
    page_buttons: Mapping[str, str] = dataclasses.field(default_factory=dict)  # page name -> main button key
    # First visit of an application step: the answers the portal already knows, from
    # {"account": the representative's name, e-mail, regulatory body and membership number,
    #  "answers": the draft's answers so far, "client": the details the same representative gave
    #  for this client in earlier applications (CLIENT_KEYS; on `client_steps` only)} -> {step ref: values}.
    prefill: Callable[[Mapping[str, Any]], dict[str, dict[str, Any]]] | None = None
    # The client's identity and reusable details in an application's answers, keyed by
    # CLIENT_KEYS (empty values left out): how the portal recognises a client it already knows.
    client_details: Callable[[Mapping[str, Mapping[str, Any]]], dict[str, str]] | None = None
    client_steps: tuple[str, ...] = ()  # the steps whose first visit reuses a known client's details

    def next_page(self, name: str) -> str:
        """The generic page after `name` in `finish_pages` (the Signature page at the end)."""
        pages = self.finish_pages
        return pages[pages.index(name) + 1] if name in pages and pages.index(name) + 1 < len(pages) else "signature"

    def previous_page(self, name: str) -> str:
        pages = self.finish_pages
        return pages[pages.index(name) - 1] if name in pages and pages.index(name) > 0 else "review"

    def page_title(self, name: str, default: str) -> str:
        if name == "summary" and self.summary_keys:
            return self.summary_keys[0]
        return self.page_titles.get(name, default)

    # -- fees ------------------------------------------------------------------------------

    def fee_view(self, ctx: Context, lang: str) -> dict | None:
        """The fee summary the pages show, from `fee_summary` or else from the `fees` lines:
        ``{"lines": [{"explanation", "explanation_fr", "explanation_en", "amount", "applicant",
        "item", "option"}], "total", "warnings": [], …}`` (amounts as "12.34"). None: no fee
        declared, or its answers are missing."""
        if self.fee_summary is not None:
            return self.fee_summary(ctx, lang)
        if self.fees is None:
            return None
        lines = self.fees(ctx)
        total = sum(ln.amount_cents for ln in lines)
        return {
            "lines": [{"explanation": ln.label_fr if lang == "fr" else ln.label_en, "explanation_fr": ln.label_fr,
                       "explanation_en": ln.label_en, "amount": f"{ln.amount_cents / 100:.2f}",
                       "applicant": (ln.applicant or 1) - 1, "item": "fee", "option": ln.reference}
                      for ln in lines],
            "total": f"{total / 100:.2f}", "currency": "CAD", "warnings": [],
        }

    # -- wizards ---------------------------------------------------------------------------

    def wizards(self) -> list[tuple[str, Wizard]]:
        """(part, wizard): "eligibility", "application", then one per profile section (its id)."""
        out: list[tuple[str, Wizard]] = []
        if self.eligibility is not None:
            out.append(("eligibility", self.eligibility))
        if self.application is not None:
            out.append(("application", self.application))
        out.extend((s.id, s.wizard) for s in self.profile)
        return out

    def wizard_of(self, step_id: str) -> tuple[str, Wizard] | None:
        """The wizard (and its part) that asks step `step_id`."""
        for part, wiz in self.wizards():
            if any(s.id == step_id for s in wiz.steps):
                return part, wiz
        return None

    def submitted_wizards(self) -> list[Wizard]:
        """What must be complete before the review, the signature and submission: the
        application form, else every profile section."""
        if self.application is not None:
            return [self.application]
        return [s.wizard for s in self.profile]

    def done_page(self, part: str) -> str:
        """Where a wizard's « Suivant » leads after its last step: « Vos résultats » after
        the eligibility questions, the task list after a profile section, else the review."""
        if part == "eligibility":
            return "results"
        if part == "application":
            return "review"
        return "profile"

    def first_step(self) -> str:
        """The step that starts a new draft (the eligibility questions when there are some)."""
        part_wizards = self.wizards()
        return part_wizards[0][1].steps[0].id if part_wizards else ""

    # -- addresses -------------------------------------------------------------------------

    def slug(self, lang: str) -> str:
        return self.slug_fr if lang == "fr" else self.slug_en

    def page_slug(self, name: str, lang: str) -> str:
        """Address part of a step of the application wizard or of a generic page."""
        pair = self.step_slugs.get(name) or self.page_slugs.get(name) or DEFAULT_PAGE_SLUGS.get(name)
        if pair is None:
            part = name.replace("_", "-")
            return part
        return pair[0] if lang == "fr" else pair[1]

    def path(self, name: str, lang: str) -> str:
        """``/fr/<slug>[/<part>]``: the first step of the application wizard is the bare slug."""
        base = f"/{lang}/{self.slug(lang)}"
        if name == self.first_step():
            return base
        return f"{base}/{self.page_slug(name, lang)}"

    def page_id(self, name: str) -> str:
        return f"{self.code}:{name}"

    def start_page(self) -> str:
        """Where the home page link goes: the first step (eligibility, else the application
        form), else the task-list profile."""
        return self.first_step() or "profile"

    def page_names(self) -> list[str]:
        """Every page of the program: its steps, then the generic pages that apply."""
        names = [s.id for _part, wiz in self.wizards() for s in wiz.steps]
        if self.eligibility is not None:
            names.append("results")
        if self.profile:
            names.append("profile")
        names.extend(["review", "document_checklist", "declaration", "checklist", "signature", "payment",
                      "receipt", "submitted"])
        return list(dict.fromkeys(names))
