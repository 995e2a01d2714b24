"""« Demande d'autorisation de voyage électronique (AVE) » (guide, steps 1–16).

Eligibility (« Répondez aux questions pour savoir si votre client a besoin d'obtenir
une AVE ») is the rules engine's `eta` command; the application walks the guide:
« Faites-vous une demande pour une autre personne? » → « Données personnelles du
parent/tuteur ou du représentant » (« Je suis »: the designated bodies, an unpaid
representative or a parent/guardian) → « Déclaration du représentant » or
« Autorisation de représentant » → the client's details (passport, nationality,
birth, contact, employment, background) → review. Then « Consentement et
déclaration » (« J'accepte », the name in « Signature ») → « Procéder au paiement »
→ « Sommaire des frais » → « Transmettre et payer ».
"""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from rar_app import rules
from rar_app.i18n import t
from rar_app.programs import engine, reference
from rar_app.programs.countries import country_field_options
from rar_app.programs.base import ApplicantData, Declaration, FeeLine, Outcome, Program, Reason, StatusStep
from rar_app.programs.engine import Context, Field, Option, Problem, Step, Wizard

CODE = "eta"
APPLICATION_TYPE = "eta"  # Applicant.application_type: the rules engine's fee and processing code
VISITOR_PROGRAM = "visitor_study_work"  # where a client who needs a visa is sent

YES_NO = (Option("yes", "wizard.answer_yes"), Option("no", "wizard.answer_no"))
MODES = (Option("air", "eta.mode_air"), Option("land", "eta.mode_land"), Option("sea", "eta.mode_sea"))
UNPAID, PARENT = "unpaid", "parent"
NAME_PATTERN = r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ '’.-]*"
EMAIL_PATTERN = r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}"
PHONE_PATTERN = r"\+?[0-9][0-9 ().-]{6,19}"


def _bodies(ctx: Context) -> tuple[dict[str, str], ...]:
    return reference.regulatory_bodies(ctx.on_date)


def _i_am_options(ctx: Context, _n: int | None) -> list[Option]:
    out = [Option(b["code"], label_fr=t("eta.i_am_member", "fr", body=b["name_fr"]),
                  label_en=t("eta.i_am_member", "en", body=b["name_en"])) for b in _bodies(ctx)]
    return out + [Option(UNPAID, "eta.i_am_unpaid"), Option(PARENT, "eta.i_am_parent")]


def _is_paid(ctx: Context) -> bool:
    i_am = (ctx.answers.get("representative") or {}).get("i_am")
    return bool(i_am) and i_am not in (UNPAID, PARENT)


def _paid_codes(ctx: Context) -> tuple[str, ...]:
    return tuple(b["code"] for b in _bodies(ctx))


def _eligibility(ctx: Context) -> dict[str, Any]:
    return dict(ctx.answers.get("travel") or {})


def _conditional(ctx: Context, _n: int | None) -> bool:
    country = _eligibility(ctx).get("citizenship")
    return bool(country) and country in rules.parameter("eta.conditional_eta", ctx.on_date).value


def rules_request(answers: Mapping[str, Mapping[str, Any]], nationality: str | None = None) -> dict[str, Any]:
    """The rules engine's `eta` input from the eligibility answers (and a nationality given later)."""
    travel = dict(answers.get("travel") or {})
    cond = dict(answers.get("conditional") or {})
    return {
        "citizenship": nationality or travel.get("citizenship") or "",
        "travel_mode": travel.get("travel_mode") or "air",
        "us_lawful_permanent_resident": travel.get("us_lpr") == "yes",
        "holds_valid_canadian_visa": travel.get("holds_visa") == "yes",
        "canadian_citizen_or_pr": travel.get("canadian") == "yes",
        "held_canadian_visa_last_10_years": cond.get("held_visa_10y") == "yes",
        "holds_valid_us_nonimmigrant_visa": cond.get("us_visa") == "yes",
    }


def outcome(ctx: Context, lang: str) -> Outcome:
    """« Vos résultats »: whether the client needs (or may get) an eTA, from the rules engine."""
    res = rules.eta(rules_request(ctx.answers), ctx.on_date, lang)
    r = res["reason"]
    why = (Reason(r["message_fr"], r["message_en"], r["reference"]),)
    if res["can_apply"]:
        title = "eta.result_needed" if res["eta_required"] else "eta.result_optional"
        return Outcome(True, results=((title, why),))
    if res["visa_required"]:
        return Outcome(False, refusals=(("eta.result_visa", why),),
                       advice=(Reason(t("eta.advice_visa", "fr"), t("eta.advice_visa", "en")),),
                       redirect_program=VISITOR_PROGRAM)
    return Outcome(False, refusals=(("eta.result_not_needed", why),))


# -- the application -------------------------------------------------------------


def _check_for_other(_ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    return [] if clean["for_other"] == "yes" else [Problem("for_other", "eta.error_for_other")]


def _check_representative(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    problems = []
    if clean["i_am"] in _paid_codes(ctx) and not clean.get("membership_number"):
        problems.append(Problem("membership_number", "eta.error_membership"))
    return problems


def _check_declaration(_ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    missing = [c for c in ("truthful", "authorized", "informed") if c not in (clean.get("statements") or [])]
    return [Problem("statements", "eta.error_statements")] if missing else []


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _check_passport(ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    problems: list[Problem] = []
    bad = rules.eta_passport_problem(clean["passport_country"], clean["passport_number"], ctx.on_date)
    if bad:
        problems.append(Problem("passport_number", message_fr=bad["message_fr"], message_en=bad["message_en"]))
    issued, expiry = date.fromisoformat(clean["passport_issued"]), date.fromisoformat(clean["passport_expiry"])
    if expiry <= ctx.on_date:
        problems.append(Problem("passport_expiry", "eta.error_expired"))
    elif expiry <= issued:
        problems.append(Problem("passport_expiry", "eta.error_expiry_before_issue"))
    born = date.fromisoformat(clean["date_of_birth"])
    if issued < born:
        problems.append(Problem("passport_issued", "eta.error_issued_before_birth"))
    res = rules.eta(rules_request(ctx.answers, clean["nationality"]), ctx.on_date, "fr")
    if not res["can_apply"]:
        en = rules.eta(rules_request(ctx.answers, clean["nationality"]), ctx.on_date, "en")["reason"]["message"]
        problems.append(Problem("nationality", message_fr=res["reason"]["message"], message_en=en))
    return problems


def _check_background(_ctx: Context, clean: dict[str, Any], _n: int | None) -> list[Problem]:
    answered_yes = any(clean.get(q) == "yes" for q in ("refused", "criminal", "tuberculosis"))
    if answered_yes and not clean.get("details"):
        return [Problem("details", "eta.error_details")]
    return []


def _text(name: str, key: str, *, required: bool = True, max_length: int = 100, pattern: str | None = None,
          pattern_error: str = "wizard.error_format", hint: str | None = None, show_if=None) -> Field:
    return Field(name, "text", key, required=required, max_length=max_length, pattern=pattern,
                 pattern_error_key=pattern_error, hint_key=hint, show_if=show_if)


ELIGIBILITY = Wizard(
    id="eta_eligibility",
    translate=t,
    steps=(
        Step("travel", "eta.step_travel", fields=(
            Field("citizenship", "select", "eta.citizenship", options=country_field_options, help_key="eta.citizenship_help"),
            Field("canadian", "radio", "eta.canadian", options=YES_NO),
            Field("us_lpr", "radio", "eta.us_lpr", options=YES_NO, help_key="eta.us_lpr_help"),
            Field("holds_visa", "radio", "eta.holds_visa", options=YES_NO),
            Field("travel_mode", "radio", "eta.travel_mode", options=MODES),
        )),
        Step("conditional", "eta.step_conditional", when=_conditional, fields=(
            Field("held_visa_10y", "radio", "eta.held_visa_10y", options=YES_NO),
            Field("us_visa", "radio", "eta.us_visa", options=YES_NO),
        )),
    ),
)


# The membership number goes with every designated body (show_if compares with the step's own answers).
_BODY_CODES = tuple(b["code"] for b in reference.regulatory_bodies(date.today()))

APPLICATION = Wizard(
    id="eta_application",
    translate=t,
    steps=(
        Step("for_other", "eta.step_for_other", check=_check_for_other, fields=(
            Field("for_other", "radio", "eta.for_other", options=YES_NO, help_key="eta.for_other_help"),
        )),
        Step("representative", "eta.step_representative", check=_check_representative, fields=(
            Field("i_am", "select", "eta.i_am", options=_i_am_options, help_key="eta.i_am_help"),
            _text("rep_family_name", "eta.rep_family_name", pattern=NAME_PATTERN, pattern_error="eta.error_name"),
            _text("rep_given_names", "eta.rep_given_names", required=False, pattern=NAME_PATTERN,
                  pattern_error="eta.error_name"),
            _text("membership_number", "eta.membership_number", required=False, max_length=40,
                  pattern=r"[A-Za-z0-9][A-Za-z0-9 -]*", hint="eta.membership_hint", show_if=("i_am", _BODY_CODES)),
            _text("relationship", "eta.relationship", show_if=("i_am", PARENT), max_length=60),
            _text("rep_email", "eta.rep_email", max_length=254, pattern=EMAIL_PATTERN, pattern_error="eta.error_email"),
        )),
        Step("rep_declaration", "eta.step_rep_declaration", check=_check_declaration,
             when=lambda ctx, _n: _is_paid(ctx), fields=(
                 Field("statements", "checkboxes", "eta.rep_declaration", options=(
                     Option("truthful", "eta.rep_statement_truthful"),
                     Option("authorized", "eta.rep_statement_authorized"),
                     Option("informed", "eta.rep_statement_informed"),
                 ), required_error_key="eta.error_statements"),
             )),
        Step("rep_authorization", "eta.step_rep_authorization", check=_check_declaration,
             when=lambda ctx, _n: bool((ctx.answers.get("representative") or {}).get("i_am")) and not _is_paid(ctx),
             fields=(
                 Field("statements", "checkboxes", "eta.rep_authorization", options=(
                     Option("truthful", "eta.auth_statement_truthful"),
                     Option("authorized", "eta.auth_statement_authorized"),
                     Option("informed", "eta.auth_statement_informed"),
                 ), required_error_key="eta.error_statements"),
             )),
        Step("passport", "eta.step_passport", check=_check_passport, fields=(
            Field("passport_country", "select", "eta.passport_country", options=country_field_options),
            _text("passport_number", "eta.passport_number", max_length=20, hint="eta.passport_number_hint"),
            Field("nationality", "select", "eta.nationality", options=country_field_options, help_key="eta.nationality_help"),
            _text("family_name", "eta.family_name", pattern=NAME_PATTERN, pattern_error="eta.error_name"),
            _text("given_names", "eta.given_names", required=False, pattern=NAME_PATTERN,
                  pattern_error="eta.error_name"),
            Field("date_of_birth", "date", "eta.date_of_birth", hint_key="wizard.date_hint"),
            Field("country_of_birth", "select", "eta.country_of_birth", options=country_field_options),
            Field("sex", "radio", "eta.sex", options=(Option("F", "eta.sex_f"), Option("M", "eta.sex_m"),
                                                      Option("X", "eta.sex_x"))),
            Field("passport_issued", "date", "eta.passport_issued", hint_key="wizard.date_hint"),
            Field("passport_expiry", "date", "eta.passport_expiry", hint_key="wizard.date_hint", allow_future=True),
        )),
        Step("contact", "eta.step_contact", fields=(
            _text("email", "eta.email", max_length=254, pattern=EMAIL_PATTERN, pattern_error="eta.error_email"),
            _text("phone", "eta.phone", required=False, max_length=20, pattern=PHONE_PATTERN,
                  pattern_error="eta.error_phone"),
            Field("language", "radio", "eta.language", options=(Option("fr", "eta.language_fr"),
                                                               Option("en", "eta.language_en"))),
        )),
        Step("employment", "eta.step_employment", fields=(
            Field("occupation", "select", "eta.occupation", options=tuple(
                Option(c, f"eta.occupation_{c}") for c in
                ("employed", "self_employed", "student", "retired", "homemaker", "unemployed"))),
            _text("job_title", "eta.job_title", required=False, show_if=("occupation", ("employed", "self_employed"))),
            _text("employer", "eta.employer", required=False, max_length=150,
                  show_if=("occupation", ("employed", "self_employed", "student"))),
        )),
        Step("background", "eta.step_background", check=_check_background, fields=(
            Field("refused", "radio", "eta.bg_refused", options=YES_NO),
            Field("criminal", "radio", "eta.bg_criminal", options=YES_NO),
            Field("tuberculosis", "radio", "eta.bg_tuberculosis", options=YES_NO),
            _text("details", "eta.bg_details", required=False, max_length=500),
        )),
    ),
)

DECLARATION = Declaration(
    text_keys=("eta.consent_heading", "eta.consent_text", "eta.consent_signature"),
    # « Signature »: the representative's names typed after the consent, no security question (guide step 13).
    questions=(Field("consent", "radio", "eta.consent", options=(Option("accept", "eta.i_accept"),)),),
    required_accept=("consent",),
    security_question=False,
)


def fees(ctx: Context) -> list[FeeLine]:
    """One eTA fee for the one client (the dated parameter fees.eta)."""
    summary = rules.fee_summary([{"application": APPLICATION_TYPE, "fee": "standard", "biometrics": "none"}],
                                ctx.on_date, "fr")
    out = []
    for line in summary["lines"]:
        cents = int(round(float(line["amount"]) * 100))
        out.append(FeeLine(line["explanation_fr"], line["explanation_en"], cents, line["applicant"] + 1,
                           line["reference"]))
    return out


def applicants(ctx: Context) -> list[ApplicantData]:
    """One client, whose Applicant row carries the eTA type (its fee and number) and,
    once the passport page is answered, the name and birth from the passport."""
    details = (engine.validate(APPLICATION, "passport", ctx.answers["passport"], ctx)[0]
               if engine.is_complete(APPLICATION, "passport", ctx) else {})
    return [ApplicantData(1, True, details.get("family_name", ""), details.get("given_names", ""),
                          details.get("date_of_birth", ""), details.get("nationality", ""), APPLICATION_TYPE)]


def fee_summary(ctx: Context, lang: str) -> dict:
    """« Sommaire des frais »: the eTA fee in force (rules parameter fees.eta), one client."""
    return rules.fee_summary([{"application": APPLICATION_TYPE, "fee": "standard", "biometrics": "none"}],
                             ctx.on_date, lang)


def prefill(known: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Answers the portal already knows: the representative's account (name, body,
    membership number, e-mail); the nationality and passport country from the eligibility
    answers; the contact and employment the same representative gave for this client before
    (`known_clients`, once the passport page names the client)."""
    rep = dict(known.get("account") or {})
    client = dict(known.get("client") or {})
    travel = dict((known.get("answers") or {}).get("travel") or {})
    out: dict[str, dict[str, Any]] = {"for_other": {"for_other": "yes"}}
    out["representative"] = {k: v for k, v in {
        "i_am": rep.get("regulatory_body") or "", "rep_family_name": rep.get("family_name") or "",
        "rep_given_names": rep.get("given_names") or "", "membership_number": rep.get("membership_number") or "",
        "rep_email": rep.get("email") or ""}.items() if v}
    out["contact"] = {k: client[k] for k in ("email", "phone", "language") if client.get(k)}
    out["employment"] = {k: client[k] for k in ("occupation", "job_title", "employer") if client.get(k)}
    out["passport"] = {k: v for k in ("nationality", "passport_country") if (v := travel.get("citizenship"))}
    return out


def client_details(answers: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The client as this request describes them (`Program.client_details`)."""
    passport, contact = dict(answers.get("passport") or {}), dict(answers.get("contact") or {})
    employment = dict(answers.get("employment") or {})
    out = {k: passport.get(k) for k in ("family_name", "given_names", "date_of_birth", "nationality",
                                         "country_of_birth", "sex")}
    out.update({k: contact.get(k) for k in ("email", "phone", "language")})
    out.update({k: employment.get(k) for k in ("occupation", "job_title", "employer")})
    return {k: str(v) for k, v in out.items() if v}


def facts(answers: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """What the back office reads from a submitted request."""
    passport = dict(answers.get("passport") or {})
    expiry = passport.get("passport_expiry")
    return {
        "nationality": passport.get("nationality") or "",
        "passport_number": passport.get("passport_number") or "",
        "passport_expiry": date.fromisoformat(expiry) if expiry else None,
        "family_name": passport.get("family_name") or "",
        "given_names": passport.get("given_names") or "",
        "date_of_birth": passport.get("date_of_birth") or "",
        "rules_request": rules_request(answers, passport.get("nationality")),
        "background_flags": [q for q in ("refused", "criminal", "tuberculosis")
                             if (answers.get("background") or {}).get(q) == "yes"],
    }


PROGRAM = Program(
    code=CODE,
    title_key="eta.title",
    home_key="home.apply_eta",
    slug_fr="autorisation-de-voyage-electronique",
    slug_en="electronic-travel-authorization",
    eligibility=ELIGIBILITY,
    outcome=outcome,
    application=APPLICATION,
    declaration=DECLARATION,
    fees=fees,
    fee_summary=fee_summary,
    applicants=applicants,
    prefill=prefill,
    client_details=client_details,
    client_steps=("contact", "employment"),
    number_prefix="V",
    status_steps=(StatusStep("submitted", "eta.status_submitted"), StatusStep("decision", "eta.status_decision")),
    catalogues=("eta",),
    order=40,
    step_slugs={
        "travel": ("besoin-d-une-ave", "need-an-eta"),
        "conditional": ("visas-canadien-et-americain", "canadian-and-us-visas"),
        "for_other": ("pour-une-autre-personne", "on-behalf-of-someone"),
        "representative": ("parent-tuteur-ou-representant", "parent-guardian-or-representative"),
        "rep_declaration": ("declaration-du-representant", "representative-declaration"),
        "rep_authorization": ("autorisation-de-representant", "representative-authorization"),
        "passport": ("passeport", "passport"),
        "contact": ("coordonnees", "contact-details"),
        "employment": ("emploi", "employment"),
        "background": ("antecedents", "background"),
    },
    page_slugs={"declaration": ("consentement-et-declaration", "consent-and-declaration"),
                "fee_summary": ("sommaire-des-frais", "fee-summary")},
    documents_step=False,  # an eTA carries no documents (the office may ask for some later)
    # Guide steps 12–15: « Consentement et déclaration » (J'accepte, the name in « Signature »),
    # « Procéder au paiement » → « Sommaire des frais » → « Transmettre et payer ».
    finish_pages=("review", "declaration", "signature"),
    page_titles={"declaration": "eta.consent_heading", "signature": "eta.fee_summary_title"},
    page_buttons={"declaration": "eta.proceed_to_payment"},
    extra={
        "application_type": APPLICATION_TYPE,
        "intro_keys": ("eta.intro_heading", "eta.intro_text"),  # the home link's page, « Continuer » →
        "landing_keys": ("eta.page_heading", "eta.page_text"),  # the eTA page (pages/program_intro.py)
        "fee_in_force_key": "eta.fee_in_force",
        "start_key": "eta.start",  # « Présenter une demande d'AVE », at the bottom of the eTA page
        "pay_flow": "fee_summary",  # « Procéder au paiement » → « Sommaire des frais » → « Transmettre et payer »
        "facts": facts,
        # Forwarded at once once paid: the confirmation in the application's messages (subject, body).
        "submission_notice": ("eta.forwarded_subject", "eta.forwarded_body"),
        "office": "travel_authorization",  # services/office decides (automated)
        "decision_minutes": 5,  # simulated minutes before the automated decision
        "review_share": 0.15,  # share sent to further review with a document request
    },
)
