"""« Trouver la CNP »: NOC 2021 by title in French or English, or by code."""

from rar_app.services.casework import noc_lookup


def test_titles_in_the_page_language_and_codes():
    fr = noc_lookup.search("logiciel", "fr")
    assert fr and fr[0]["code"].startswith("212") and "logiciel" in fr[0]["title"].lower()
    en = noc_lookup.search("software", "en")
    assert en[0] == {"code": "21231", "title": "Software engineers and designers", "teer": "1"}
    assert all(r["code"].startswith("2123") for r in noc_lookup.search("2123", "en"))


def test_too_short_or_unknown_gives_nothing():
    assert noc_lookup.search("a", "fr") == [] and noc_lookup.search("", "en") == []
    assert noc_lookup.search("zzzzqqq", "fr") == []
