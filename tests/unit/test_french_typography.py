"""French typography over the whole French catalogue (guide style, preamble rules).

- the typographic apostrophe ’, never the straight one ';
- a no-break space (U+00A0, or the narrow U+202F) before « : ; ? ! » and inside « »;
- elision before a vowel: « d’Aminata », never « de Aminata » (also when a name is filled in).
English texts have no space before their colons.
"""

from __future__ import annotations

import re

import pytest

from rar_app.i18n import catalogue, elide, t

NBSP = "\u00a0\u202f"
# Web and e-mail addresses, times (14:30) and {placeholders} keep their own punctuation.
_EXEMPT = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+|\{[^}]*\}|\d:\d")
_VOWEL_START = re.compile(r"\b(de|De|que|Que|jusque|lorsque|puisque) ([AEIOUYÀÂÉÈÊÎÔaeiouyàâéèêîô]\w*)")
# Words of the catalogue that begin with a vowel but do not elide « de » (none so far).
_NO_ELISION: set[str] = set()


def _plain(text: str) -> str:
    return _EXEMPT.sub("X", text)


def _problems(text: str) -> list[str]:
    found = []
    plain = _plain(text)
    if "'" in plain:
        found.append("straight apostrophe ' (write ’)")
    for m in re.finditer(r"[:;?!»]", plain):
        before = plain[m.start() - 1] if m.start() else ""
        if m.group() == ":" and before not in NBSP and plain[m.start() + 1:m.start() + 2] in ("", " ", "\n", "\u00a0"):
            found.append(f"no no-break space before « {m.group()} » in …{plain[max(0, m.start() - 12):m.start() + 1]}")
        elif m.group() != ":" and before not in NBSP:
            found.append(f"no no-break space before « {m.group()} » in …{plain[max(0, m.start() - 12):m.start() + 1]}")
    for m in re.finditer("«", plain):
        if plain[m.end():m.end() + 1] not in NBSP:
            found.append(f"no no-break space after « in {plain[m.start():m.start() + 14]}…")
    for m in _VOWEL_START.finditer(plain):
        if m.group(2) not in _NO_ELISION:
            found.append(f"elision: « {m.group()} » (write « {m.group(1)[:-1]}’{m.group(2)} »)")
    return found


def test_the_whole_french_catalogue_follows_french_typography():
    bad = {key: p for key, text in catalogue("fr").items() if (p := _problems(text))}
    assert not bad, "\n".join(f"{key}: {'; '.join(p)}" for key, p in sorted(bad.items()))


def test_the_checker_catches_each_kind_of_mistake():
    assert _problems("Nom d'utilisateur")
    assert _problems("Numéro de demande : V1") and _problems("Numéro de demande: V1")
    assert _problems("Voulez-vous continuer?") and _problems("Attention !") and _problems("a; b")
    assert _problems("cliquez sur « Continuer\u00a0»") and _problems("cliquez sur «\u00a0Continuer »")
    assert _problems("la demande de Aminata")
    assert not _problems("Nom d’utilisateur\u00a0: «\u00a0Continuer\u00a0»\u00a0? Oui\u00a0! a\u00a0; b")
    assert not _problems("Écrivez à ImmigrationRepresentatives@cic.gc.ca ou https://ircc.canada.ca/x?y=1 à 14:30 ({name})")


@pytest.mark.parametrize("name, expected", [
    ("Aminata Diallo", "Téléverser les documents d’Aminata Diallo"),
    ("Élodie", "Téléverser les documents d’Élodie"),
    ("Omar", "Téléverser les documents d’Omar"),
    ("Moussa", "Téléverser les documents de Moussa"),
    ("Youssef", "Téléverser les documents de Youssef"),  # Y before a vowel sounds as a consonant
])
def test_a_filled_in_name_is_elided(name, expected):
    assert t("submit.show_client", "fr", name=name) == expected
    assert t("submit.show_client", "en", name=name).endswith(name)


def test_elision_only_touches_de_and_que_before_a_vowel():
    assert elide("La demande de {client} le {date}", {"client": "Inès", "date": "2026-01-01"}) == \
        "La demande d’{client} le {date}"
    assert elide("Étape {n} de {total}", {"n": 1, "total": 8}) == "Étape {n} de {total}"
    assert elide("plus de {count}", {"count": "11"}) == "plus de {count}"


def test_english_has_no_space_before_its_punctuation():
    bad = {key: text for key, text in catalogue("en").items()
           if re.search(r"[ \u00a0\u202f][:;?!]", _plain(text)) or "«" in text}
    assert not bad, bad
