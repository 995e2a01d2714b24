"""Demo answers of Express Entry profiles (the demo world puts them in the pool): step 1's
answers and the profile sections prefilled from them, for clients of varied strength."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

# (IELTS speaking, listening, reading, writing; education; Canadian years; foreign years; NOC; born)
CLIENTS = [
    (("8", "8.5", "8", "7.5"), "masters", "1", "3", "21231", "1993-04-12"),
    (("7", "7.5", "7", "7"), "masters", "0", "3", "21211", "1990-09-30"),
    (("7.5", "8.5", "7", "7"), "two_or_more", "2", "2", "41200", "1996-01-08"),
    (("6.5", "7", "6.5", "6.5"), "bachelors", "1", "0", "62020", "1988-07-19"),
    (("7", "8", "7", "7"), "doctoral", "0", "3", "31100", "1994-11-02"),
    (("7", "7", "7", "7"), "bachelors", "1", "1", "13110", "1991-03-25"),
]


def profiles(today: date) -> list[dict[str, Any]]:
    from rar_app.programs.express_entry import profile as pf
    from rar_app.programs.registry import get

    taken = (today - timedelta(days=120)).isoformat()
    out = []
    for scores, education, can_years, foreign_years, noc, born in CLIENTS:
        answers: dict[str, Any] = {
            "ee_province": {"province": "ON"},
            "ee_language_test": {"test": "ielts"},
            "ee_language_date": {"taken_on": taken},
            "ee_language_results": dict(zip(("speaking", "listening", "reading", "writing"), scores)),
            "ee_second_test": {"test": "none"},
            "ee_canadian_work": {"years": can_years, "teer": "1" if can_years != "0" else ""},
            "ee_foreign_work": {"years": foreign_years, "noc": noc if foreign_years != "0" else ""},
            "ee_personal": {"date_of_birth": born, "marital_status": "single"},
            "ee_education": {"level": education, "canadian": "none", "assessed": "yes"},
            "ee_job_offer": {"has_offer": "no", "authorized": "no"},
            "ee_nomination": {"nominated": "no", "certificate": "no", "sibling": "no"},
            "ee_funds": {"family_size": "1", "amount": "25000"},
        }
        for section in get("express_entry").profile:
            if section.prefill:
                answers.update(section.prefill(answers))
        out.append(pf.eligibility_shape(answers))
    return out
