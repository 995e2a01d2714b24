"""Command functions ``(request, on_date, lang) -> dict`` used by the CLI, and the extra commands."""

from __future__ import annotations

from . import params
from .common import check_date, check_lang
from .crs import crs
from .eta import eta
from .fees import fee_options, fees_command
from .fsw import fsw
from .iec import iec
from .inputs import root
from .language import clb
from .noc import search_noc
from .password import password_command
from .programs import programs
from .services import (
    PROCESSING_TYPES,
    WIZARD_TYPES,
    processing_estimate,
    required_documents,
    sds_countries,
    sds_history,
    sds_open,
)

__all__ = [
    "clb", "crs", "eta", "fees_command", "fsw", "iec", "password_command", "programs",
    "noc_command", "documents_command", "processing_command", "fee_options_command", "sds_command", "parameter_command",
]


def noc_command(request: dict, on_date=None, lang: str = "en") -> dict:
    f = root(request, ("query", "limit"))
    query = f.string("query", required=True, max_len=200)
    limit = f.integer("limit", default=20, lo=1, hi=516)
    return {"results": search_noc(query, limit=limit, lang=check_lang(lang))}


def documents_command(request: dict, on_date=None, lang: str = "en") -> dict:
    f = root(request, ("application_type", "minor", "sds"))
    app = f.string("application_type", required=True, choices=WIZARD_TYPES)
    docs = required_documents(app, minor=f.boolean("minor"), sds=f.boolean("sds"), on_date=check_date(on_date))
    for d in docs:
        d["label"] = d["label_fr"] if lang == "fr" else d["label_en"]
        d["help"] = d["help_fr"] if lang == "fr" else d["help_en"]
    return {"documents": docs}


def processing_command(request: dict, on_date=None, lang: str = "en") -> dict:
    f = root(request, ("application_type", "sds"))
    app = f.string("application_type", required=True, choices=PROCESSING_TYPES)
    return processing_estimate(app, check_date(on_date), sds=f.boolean("sds"))


def fee_options_command(request: dict, on_date=None, lang: str = "en") -> dict:
    from .fees import APPLICATIONS

    f = root(request, ("application_type",))
    return fee_options(f.string("application_type", required=True, choices=APPLICATIONS), check_date(on_date))


def sds_command(request: dict, on_date=None, lang: str = "en") -> dict:
    f = root(request, ("country",))
    on_date = check_date(on_date)
    country = f.country("country")
    out = {"countries": sds_countries(on_date), "history": sds_history()}
    if country:
        out["country"] = country
        out["open"] = sds_open(country, on_date)
    return out


def parameter_command(request: dict, on_date=None, lang: str = "en") -> dict:
    f = root(request, ("name",))
    name = f.string("name", required=True)
    return params.parameter(name, check_date(on_date)).as_dict()
