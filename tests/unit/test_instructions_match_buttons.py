"""Issue 17, point 10: a page's instructions never name a button it does not show.

Every quoted « … » name (or "…" in English) that is a button or link label somewhere in
the portal must be a button or link label of the page that quotes it (either branch of a
condition counts as shown)."""

from __future__ import annotations

import re

import pytest
import reflex as rx
from reflex.components.base.bare import Bare
from reflex.vars.base import LiteralVar

from rar_app.i18n import LANGS

CLICK = {"fr": re.compile(r"(?:[Cc]liquez|[Aa]ppuyez|[Ss]électionnez) sur (?:le bouton )?([^«\"].{0,60})"),
         "en": re.compile(r"(?:[Cc]lick|[Ss]elect|[Pp]ress) (?:the )?(?:button )?([A-Z].{0,60})")}
# Pages whose text describes buttons of other pages on purpose, not what to click here.
DESCRIBES_OTHER_PAGES = {
    # « Aide »: how the questionnaire's buttons work.
    "help": {"fr": ("Recommencer", "Quitter le questionnaire"), "en": ("Start again", "Exit questionnaire")},
    # « Sommaire des quatre étapes »: the steps that follow, each on its own page (guide, IFHP steps 12–13).
    "ifhp:summary": {"fr": ("Signer", "Sortie questionnaire"), "en": ("Sign", "Exit questionnaire")},
    # Back office (IRCC staff): names the representatives' own page, where the paper file can be added.
    "backoffice_paper": {"fr": ("Ajouter une demande de client à votre compte",),
                         "en": ("Add a client application to your account",)},
    # Back office: names the representative's inbox, where the request arrives.
    "backoffice_enrolment_documents": {"fr": ("Messages pour le compte",), "en": ("Account messages",)},
}
QUOTED = {"fr": re.compile(r"«\u00a0([^»]{2,60}?)\u00a0»"), "en": re.compile(r"\"([^\"]{2,60}?)\"")}


def _texts(component, out: list[str]) -> None:
    # An icon hidden from assistive technology (the review pen's ✎) is not part of a label.
    if str((getattr(component, "custom_attrs", None) or {}).get("aria-hidden", "")).lower() == "true":
        return
    if isinstance(component, Bare):
        contents = component.contents
        if isinstance(contents, LiteralVar) and isinstance(getattr(contents, "_var_value", None), str):
            out.append(contents._var_value)
    for child in getattr(component, "children", []) or []:
        _texts(child, out)
    for attr in ("comp1", "comp2", "render_fn"):
        value = getattr(component, attr, None)
        if isinstance(value, rx.Component):
            _texts(value, out)


def _walk(component, texts: list[str], labels: set[str]) -> None:
    tag = getattr(component, "tag", None)
    if tag in ("button", "a", "Link", "summary"):  # an internal rx.el.a renders as a router Link
        inner: list[str] = []
        _texts(component, inner)
        label = " ".join(s.strip() for s in inner if s.strip())
        if label:
            labels.add(label)
        return
    if isinstance(component, Bare):
        _texts(component, texts)
    for child in getattr(component, "children", []) or []:
        _walk(child, texts, labels)
    for attr in ("comp1", "comp2", "render_fn"):
        value = getattr(component, attr, None)
        if isinstance(value, rx.Component):
            _walk(value, texts, labels)


def _pages(lang: str) -> dict[str, tuple[list[str], set[str]]]:
    import rar_app.rar_app  # noqa: F401
    from rar_app.pages.registry import PAGES

    out = {}
    for page_id, spec in PAGES.items():
        texts: list[str] = []
        labels: set[str] = set()
        _walk(spec.builder(lang), texts, labels)
        out[page_id] = (texts, labels)
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_instructions_name_only_buttons_the_page_shows(lang):
    pages = _pages(lang)
    every_label = set().union(*(labels for _texts, labels in pages.values()))
    wrong = {}
    for page_id, (texts, labels) in pages.items():
        quoted = {q for text in texts for q in QUOTED[lang].findall(text)}
        # The guide's own style names buttons without quotes: « cliquez sur Continuer ».
        quoted |= {label for text in texts for m in CLICK[lang].finditer(text) for label in every_label
                   if label and m.group(1).startswith(label) and not m.group(1)[len(label):len(label) + 1].isalnum()}
        missing = sorted(q for q in quoted if q in every_label and q not in labels
                         and q not in DESCRIBES_OTHER_PAGES.get(page_id, {}).get(lang, ()))
        if missing:
            wrong[page_id] = missing
    assert wrong == {}


def test_the_checker_sees_a_missing_button():
    texts: list[str] = []
    labels: set[str] = set()
    _walk(rx.el.div(rx.el.p("Cliquez sur «\u00a0Continuer\u00a0»."), rx.el.button("Transmettre")), texts, labels)
    assert labels == {"Transmettre"} and QUOTED["fr"].findall(" ".join(texts)) == ["Continuer"]
