"""RAR Portal rules engine: eligibility, points, fees and lists as pure functions over dated parameters.

Pure Python (no Reflex, nothing else of the portal). Every amount, threshold, table and list is a dated parameter in
``parameters/*.yaml`` (reference data in ``data/``); ``on_date`` picks the rules in force. Bad input raises
``RulesInputError(code, field, message)``. The command line (``python -m rar_app.rules``) follows
shared/spec/rules-cli.md. See README.md.
"""

from .errors import RulesInputError
from .params import ParameterValue, parameter, parameter_names
from .language import clb
from .crs import crs
from .fsw import fsw
from .programs import programs
from .iec import iec
from .eta import eta, eta_passport_problem, eta_valid_until
from .ifhp import ifhp, ifhp_cities, ifhp_document_labels, ifhp_groups
from .fees import fee_options, fee_summary
from .noc import noc_entry, noc_list, search_noc
from .password import check_password, is_common_password
from .services import (
    APPLICATION_TYPES,
    SDS,
    application_types,
    processing_estimate,
    processing_steps,
    processing_time_days,
    required_documents,
    sds_countries,
    sds_history,
    sds_open,
)
from .crs_batch import crs_batch
from .cli import main, run

__all__ = [
    "APPLICATION_TYPES",
    "SDS",
    "ParameterValue",
    "RulesInputError",
    "application_types",
    "check_password",
    "clb",
    "crs",
    "crs_batch",
    "eta",
    "eta_passport_problem",
    "eta_valid_until",
    "fee_options",
    "fee_summary",
    "fsw",
    "ifhp",
    "ifhp_cities",
    "ifhp_document_labels",
    "ifhp_groups",
    "iec",
    "is_common_password",
    "main",
    "noc_entry",
    "noc_list",
    "parameter",
    "parameter_names",
    "processing_estimate",
    "processing_steps",
    "processing_time_days",
    "programs",
    "required_documents",
    "run",
    "sds_countries",
    "sds_history",
    "sds_open",
    "search_noc",
]
