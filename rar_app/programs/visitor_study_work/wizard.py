"""Visitor visa / study permit / work permit: the questionnaire as data (steps, fields,
repetition per client, SDS when it applies, documents, fees), driven by the engine."""

from __future__ import annotations

from rar_app.programs.countries import country_field_options
from rar_app.programs.engine import Field, Step
from rar_app.programs.visitor_study_work.fees import _review_fees, _validate_fees
from rar_app.programs.visitor_study_work.questions import (
    FILE_NUMBER_PATTERN,
    MAX_APPLICANTS,
    YES_NO,
    _check_client,
    _check_sds,
    _client_group,
    _count,
    _optional_document_options,
    check_documents,
    _review_documents,
    _sds_applies,
    _type_options,
)

STEPS: tuple[Step, ...] = (
    Step("file_number", "wizard.step_file_number", fields=(
        Field("file_number", "text", "wizard.file_number", max_length=60, pattern=FILE_NUMBER_PATTERN,
              pattern_error_key="wizard.error_file_number_format", help_key="wizard.file_number_help",
              hint_key="wizard.file_number_hint", required_error_key="wizard.error_file_number_required"),
    )),
    Step("applicants", "wizard.step_applicants", fields=(
        Field("count", "number", "wizard.applicant_count", minimum=1, maximum=MAX_APPLICANTS,
              help_key="wizard.applicant_count_help", hint_key="wizard.applicant_count_hint"),
    )),
    Step("client", "wizard.step_client", repeat=_count, group=_client_group, check=_check_client, fields=(
        Field("family_name", "text", "wizard.family_name", max_length=100, help_key="wizard.family_name_help"),
        Field("given_names", "text", "wizard.given_names", max_length=100, required=False,
              hint_key="wizard.given_names_hint"),
        Field("date_of_birth", "date", "wizard.date_of_birth", hint_key="wizard.date_hint"),
        Field("country", "select", "wizard.country", options=country_field_options, help_key="wizard.country_help"),
        Field("application_type", "radio", "wizard.application_type", options=_type_options),
        Field("minor", "radio", "wizard.minor", options=YES_NO, help_key="wizard.minor_help"),
        # A minor: are both parents in this application? Then no parental consent letter (guide, checklist).
        Field("both_parents", "radio", "wizard.both_parents", options=YES_NO, required=False,
              show_if=("minor", "yes"), help_key="wizard.both_parents_help"),
    )),
    Step("sds", "wizard.step_sds", repeat=_count, when=_sds_applies, group=_client_group, check=_check_sds,
         intro_key="wizard.sds_intro", fields=(
        Field("apply_sds", "radio", "wizard.sds_apply", options=YES_NO, help_key="wizard.sds_help"),
        Field("sds_gic", "radio", "wizard.sds_gic", options=YES_NO, show_if=("apply_sds", "yes")),
        Field("sds_tuition", "radio", "wizard.sds_tuition", options=YES_NO, show_if=("apply_sds", "yes")),
        Field("sds_language", "radio", "wizard.sds_language", options=YES_NO, show_if=("apply_sds", "yes")),
    )),
    Step("documents", "wizard.step_documents", repeat=_count, group=_client_group, review=_review_documents,
         check=check_documents, widget="document_choice", intro_key="wizard.documents_intro", fields=(
        Field("documents", "checkboxes", "wizard.documents_additional", required=False,
              options=_optional_document_options),
    )),
    Step("fees", "wizard.step_fees", validate=_validate_fees, review=_review_fees, widget="fee_selector",
         intro_key="wizard.fees_intro", note_keys=("wayfinding.multiple_entry",)),
)
