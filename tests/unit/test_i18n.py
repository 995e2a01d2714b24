"""Catalogue parity, and no literal user-visible text outside the catalogues."""

from __future__ import annotations

import re

import pytest
import reflex as rx
from reflex.vars.base import LiteralVar

from rar_app.i18n import LANGS, catalogue, t

# Text that is not language: punctuation, separators, symbols.
NEUTRAL = re.compile(r"^([\s·|:;,.%()\-–—/?✓*…]*|\d{4}-\d{2}-\d{2})$")


def _templates(lang: str) -> list[re.Pattern]:
    """Catalogue texts with {placeholders} match any filled-in value."""
    return [
        re.compile("^" + re.sub(r"\\{\w+\\}", ".+", re.escape(v)) + "$")
        for v in catalogue(lang).values()
        if "{" in v
    ]


def test_every_key_exists_in_both_languages():
    fr, en = set(catalogue("fr")), set(catalogue("en"))
    assert fr - en == set(), f"missing in English: {sorted(fr - en)}"
    assert en - fr == set(), f"missing in French: {sorted(en - fr)}"


def test_no_empty_translation_and_placeholders_match():
    for key in catalogue("fr"):
        fr, en = catalogue("fr")[key], catalogue("en")[key]
        assert fr.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", fr)) == set(re.findall(r"{(\w+)}", en)), key


def test_ui_terms_are_word_for_word():
    # A sample of the seed's French labels (shared/spec/ui-terms.md).
    assert t("nav.previous", "fr") == "Précédent"
    assert t("nav.exit_questionnaire", "fr") == "Quitter le questionnaire"
    assert t("common.sign_out", "fr") == "Fermer la session"
    assert t("home.apply_vsw", "fr") == "Faire une demande\u00a0: Visa de visiteur, permis d’études et/ou permis de travail"
    assert t("home.link_application", "fr") == "Ajouter une demande de client à votre compte"
    assert t("components.status_complete", "fr") == "Terminé"


def _literal_strings(component, out: list[str]) -> None:
    """Every literal string a component renders as text (not attributes like ids or classes)."""
    from reflex.components.base.bare import Bare

    if isinstance(component, Bare):
        contents = component.contents
        if isinstance(contents, LiteralVar) and isinstance(getattr(contents, "_var_value", None), str):
            out.append(contents._var_value)
    for attr in ("aria_label", "title", "placeholder", "alt"):
        value = getattr(component, attr, None)
        if isinstance(value, LiteralVar) and isinstance(getattr(value, "_var_value", None), str):
            out.append(value._var_value)
    for child in getattr(component, "children", []) or []:
        _literal_strings(child, out)
    # rx.cond / rx.foreach keep their branches outside `children`.
    for attr in ("comp1", "comp2", "render_fn"):
        value = getattr(component, attr, None)
        if isinstance(value, rx.Component):
            _literal_strings(value, out)


def page_builders():
    import rar_app.rar_app  # noqa: F401
    from rar_app.pages.registry import PAGES

    return {pid: (spec.builder, spec.title_key) for pid, spec in PAGES.items()}


@pytest.mark.parametrize("lang", LANGS)
def test_pages_have_no_text_outside_the_catalogues(lang):
    values = set(catalogue(lang).values())
    templates = _templates(lang)
    offenders = {}
    for page_id, (builder, title_key) in page_builders().items():
        found: list[str] = []
        _literal_strings(builder(lang), found)
        assert t(title_key, lang) in found or page_id == "profile", f"walker missed {page_id}'s title"
        bad = [s for s in found if s.strip() and not NEUTRAL.match(s) and s not in values
               and not any(p.match(s) for p in templates)]
        if bad:
            offenders[page_id] = bad
    assert offenders == {}


def test_the_checker_catches_literal_text():
    found: list[str] = []
    _literal_strings(rx.el.div(rx.el.p("Bonjour tout le monde")), found)
    assert "Bonjour tout le monde" in found
