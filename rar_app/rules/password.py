"""Account password rules – the ``password`` command, ``check_password()`` and ``is_common_password()``."""

from __future__ import annotations

import datetime as _dt
import functools
import unicodedata

from . import params
from .common import check_lang
from .errors import RulesInputError
from .inputs import root

MESSAGES = {
    "length": ("The password must have {min} to {max} characters.", "Le mot de passe doit compter de {min} à {max} caractères."),
    "uppercase": ("The password must contain at least {n} uppercase letter.", "Le mot de passe doit contenir au moins {n} lettre majuscule."),
    "lowercase": ("The password must contain at least {n} lowercase letter.", "Le mot de passe doit contenir au moins {n} lettre minuscule."),
    "digit": ("The password must contain at least {n} digit.", "Le mot de passe doit contenir au moins {n} chiffre."),
    "username_sequence": ("The password must not contain {n} or more consecutive characters of the username.", "Le mot de passe ne doit pas contenir {n} caractères consécutifs ou plus du nom d’utilisateur."),
}
RULES_DATE = _dt.date(2014, 2, 6)


@functools.lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    name = params.value("password.common_list", RULES_DATE)
    with (params.DATA_DIR / name).open(encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def is_common_password(password: str) -> bool:
    """True if the password (case-insensitive) is on the shipped block list of common/breached passwords."""
    if not isinstance(password, str):
        return False
    return password.lower() in _common()


def _cat(c: str) -> str:
    return unicodedata.category(c)


def check_password(username: str, password: str, lang: str = "en") -> dict:
    """``{"valid", "violations": [codes], "messages": [...], "common"}`` following the five contract rules."""
    lang = check_lang(lang)
    for name, v in (("username", username), ("password", password)):
        if not isinstance(v, str):
            raise RulesInputError("wrong_type", name, f"'{name}' must be a string.", f"« {name} » doit être une chaîne de caractères.")
    r = params.value("password.rules", RULES_DATE)
    violations = []
    if not r["min_length"] <= len(password) <= r["max_length"]:
        violations.append(("length", {"min": r["min_length"], "max": r["max_length"]}))
    if sum(_cat(c) == "Lu" for c in password) < r["min_uppercase"]:
        violations.append(("uppercase", {"n": r["min_uppercase"]}))
    if sum(_cat(c) == "Ll" for c in password) < r["min_lowercase"]:
        violations.append(("lowercase", {"n": r["min_lowercase"]}))
    if sum(_cat(c) == "Nd" for c in password) < r["min_digits"]:
        violations.append(("digit", {"n": r["min_digits"]}))
    n = r["username_sequence"]
    u, p = username.casefold(), password.casefold()
    if len(u) >= n and any(p[i:i + n] in u for i in range(len(p) - n + 1)):
        violations.append(("username_sequence", {"n": n}))
    codes = [c for c, _ in violations]
    messages = [{"code": c, "message": MESSAGES[c][1 if lang == "fr" else 0].format(**kw), "message_en": MESSAGES[c][0].format(**kw), "message_fr": MESSAGES[c][1].format(**kw)} for c, kw in violations]
    return {"valid": not codes, "violations": codes, "messages": messages, "common": is_common_password(password)}


def password_command(request: dict, on_date=None, lang: str = "en") -> dict:
    f = root(request, ("username", "password"))
    username = f.string("username", required=True, max_len=10_000)
    password = f.string("password", required=True, max_len=10_000)
    return check_password(username, password, lang)
