"""The one exception the rules engine raises for bad input."""

from __future__ import annotations


class RulesInputError(ValueError):
    """Bad input: the command line turns it into ``{"error": {"code", "field", "message"}}`` and exit 2.

    ``code`` is a stable machine code (``missing_field``, ``unknown_field``, ``wrong_type``, ``out_of_range``,
    ``invalid_value``, ``invalid_date``, ``malformed_json``, ``unknown_command``, ``no_rules_in_force`` ...),
    ``field`` the JSON path of the offending field (``first_language.speaking``, ``applicants[1].fee``; ``""`` for
    the whole document, ``--date`` / ``--lang`` / ``command`` for the command line), ``message`` a text in English;
    ``message_fr`` the same in French.
    """

    def __init__(self, code: str, field: str, message: str, message_fr: str | None = None) -> None:
        super().__init__(f"{code} at {field or '(root)'}: {message}")
        self.code = code
        self.field = field
        self.message = message
        self.message_fr = message_fr or message

    def message_in(self, lang: str) -> str:
        return self.message_fr if lang == "fr" else self.message

    def as_error(self, lang: str = "en") -> dict:
        return {"error": {"code": self.code, "field": self.field, "message": self.message_in(lang)}}
