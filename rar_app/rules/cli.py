"""Command line: ``python -m rar_app.rules COMMAND [--date YYYY-MM-DD] [--lang en|fr] < request.json``.

Reads one JSON object on stdin, writes one JSON object on stdout and exits 0; bad input exits 2 with
``{"error": {"code", "field", "message"}}`` and no traceback (contract: shared/spec/rules-cli.md).
``run(argv, stdin_bytes)`` is the same thing in-process, for tests.
"""

from __future__ import annotations

import datetime as _dt
import json
import sys
from typing import Any, Callable

from .errors import RulesInputError
from .inputs import parse_date, wrong_type

MAX_INPUT_BYTES = 1_000_000


def _commands() -> dict[str, Callable[[dict, _dt.date, str], dict]]:
    from . import api

    return {
        "clb": api.clb,
        "crs": api.crs,
        "fsw": api.fsw,
        "programs": api.programs,
        "fees": api.fees_command,
        "iec": api.iec,
        "eta": api.eta,
        "password": api.password_command,
        # extras (not in the contract, documented in README.md)
        "noc": api.noc_command,
        "documents": api.documents_command,
        "processing": api.processing_command,
        "fee_options": api.fee_options_command,
        "sds": api.sds_command,
        "parameter": api.parameter_command,
    }


def _parse_argv(argv: list[str]) -> tuple[str, _dt.date, str]:
    command = None
    on_date: _dt.date | None = None
    lang = "en"
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--"):
            name, eq, val = arg.partition("=")
            if name not in ("--date", "--lang"):
                raise RulesInputError("unknown_option", name, f"Unknown option '{name}' (use --date or --lang).", f"Option inconnue « {name} » (utilisez --date ou --lang).")
            if not eq:
                if i + 1 >= len(argv):
                    raise RulesInputError("missing_value", name, f"Option {name} needs a value.", f"L’option {name} exige une valeur.")
                i += 1
                val = argv[i]
            if name == "--date":
                on_date = parse_date(val, "--date")
            else:
                if val not in ("en", "fr"):
                    raise RulesInputError("invalid_value", "--lang", "--lang must be 'en' or 'fr'.", "--lang doit être « en » ou « fr ».")
                lang = val
        elif command is None:
            command = arg
        else:
            raise RulesInputError("unexpected_argument", "argv", f"Unexpected argument '{arg[:40]}'.", f"Argument inattendu « {arg[:40]} ».")
        i += 1
    if command is None:
        raise RulesInputError("missing_command", "command", "No command given.", "Aucune commande indiquée.")
    if command not in _commands():
        raise RulesInputError(
            "unknown_command", "command", f"Unknown command '{command[:40]}'.", f"Commande inconnue « {command[:40]} »."
        )
    return command, on_date or _dt.date.today(), lang


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _read_json(data: bytes | str) -> Any:
    if isinstance(data, str):
        text = data
    else:
        if len(data) > MAX_INPUT_BYTES:
            raise RulesInputError("input_too_large", "", "The input is larger than 1 MB.", "L’entrée dépasse 1 Mo.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RulesInputError("malformed_json", "", "The input is not UTF-8 text.", "L’entrée n’est pas du texte UTF-8.") from None
    if len(text) > MAX_INPUT_BYTES:
        raise RulesInputError("input_too_large", "", "The input is larger than 1 MB.", "L’entrée dépasse 1 Mo.")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise RulesInputError("malformed_json", "", "The JSON is nested too deeply.", "Le JSON est trop imbriqué.") from None
    except ValueError as exc:
        detail = str(exc).splitlines()[0][:120]
        raise RulesInputError("malformed_json", "", f"The input is not valid JSON ({detail}).", f"L’entrée n’est pas un JSON valide ({detail}).") from None


def _guess_lang(argv: list[str]) -> str:
    for i, a in enumerate(argv):
        if a == "--lang=fr" or (a == "--lang" and i + 1 < len(argv) and argv[i + 1] == "fr"):
            return "fr"
    return "en"


def run(argv: list[str], stdin: bytes | str) -> tuple[int, dict]:
    """Run one command in-process; returns (exit code, output object)."""
    lang = _guess_lang(argv)
    try:
        command, on_date, lang = _parse_argv(list(argv))
        request = _read_json(stdin)
        if not isinstance(request, dict):
            raise wrong_type("", "object")
        result = _commands()[command](request, on_date, lang)
        return 0, result
    except RulesInputError as exc:
        return 2, exc.as_error(lang)
    except RecursionError:
        return 2, RulesInputError("malformed_json", "", "The input is nested too deeply.", "L’entrée est trop imbriquée.").as_error(lang)
    except Exception as exc:  # a bug: still answer with the error object, never a traceback
        return 2, {"error": {"code": "internal_error", "field": "", "message": f"Internal error ({type(exc).__name__})."}}


def dumps(obj: dict) -> str:
    try:
        text = json.dumps(obj, ensure_ascii=False)
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return json.dumps(obj, ensure_ascii=True)


def main(argv: list[str] | None = None, stdin: bytes | str | None = None, stdout=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if stdin is None:
        stdin = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    code, out = run(argv, stdin)
    text = dumps(out) + "\n"
    if stdout is not None:
        stdout.write(text)
    else:
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
    return code
