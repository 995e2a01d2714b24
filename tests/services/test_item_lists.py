"""A list step (« Sommaire des pièces d’identité », Express Entry's personal details): « Enregistrer
et ajouter » saves one identity document (checked like « Suivant ») and opens an empty form; the
summary lists each saved document with its fields as on the document; « Supprimer » moves the
later ones up; « Suivant » on the empty form drops it; another representative sees nothing."""

from __future__ import annotations

import pytest

from rar_app.services.casework import applications as apps
from rar_app.services.casework import item_lists, profiles
from tests.services.test_search_helpers import make_account
from tests.unit.test_express_entry_program import answers as eligibility_answers

PASSPORT = {"doc_type": "passport", "number": "18AB12345", "issuing_country": "France",
            "issued_on": "2020-01-15", "expires_on": "2030-01-14"}
CARD = {"doc_type": "national_id", "number": "ID778899", "issuing_country": "France",
        "issued_on": "2021-06-01", "expires_on": "2031-05-31"}


@pytest.fixture
def draft(migrated_db, portal_env):
    portal_env(RAR_RULES_DATE="2026-12-04")
    from rar_app.db import session_scope

    with session_scope() as db:
        rep, other = make_account(db).id, make_account(db).id
    app_id = None
    for ref, raw in eligibility_answers().items():
        result = apps.save_step(rep, app_id, ref, raw, kind="express_entry" if app_id is None else None)
        assert result.ok, (ref, result.problems)
        app_id = result.app_id
    assert apps.save_step(rep, app_id, "ee_p_details", {
        "family_name": "Lefebvre", "given_names": "Camille", "date_of_birth": "1995-05-05", "sex": "female",
        "country_of_birth": "France", "citizenship": "France"}).goto == "ee_p_identity.1"
    return rep, other, app_id


def _section(rep, app_id):
    return next(s for s in profiles.profile(rep, app_id, "fr").sections if s.id == "ee_sec_personal")


def test_save_and_add_lists_each_document_and_remove_moves_the_others_up(draft):
    rep, other, app_id = draft
    refused, goto = item_lists.save_and_add(rep, app_id, "ee_p_identity.1", {**PASSPORT, "expires_on": "2019-01-01"})
    assert goto is None and refused.problems and not item_lists.items(rep, app_id, "ee_p_identity", "fr")
    _result, goto = item_lists.save_and_add(rep, app_id, "ee_p_identity.1", PASSPORT)
    assert goto == "ee_p_identity.2"
    _result, goto = item_lists.save_and_add(rep, app_id, "ee_p_identity.2", CARD)
    assert goto == "ee_p_identity.3"
    listed = item_lists.items(rep, app_id, "ee_p_identity", "fr")
    assert [(i.index, i.ref) for i in listed] == [(1, "ee_p_identity.1"), (2, "ee_p_identity.2")]
    assert "18AB12345" in listed[0].text and "ID778899" in listed[1].text and "2030-01-14" in listed[0].text
    # The empty form counts as missing until « Suivant » drops it; then the section is complete.
    assert _section(rep, app_id).status == profiles.IN_PROGRESS
    assert item_lists.skip_blank(rep, app_id, "ee_p_identity.3", {k: "" for k in PASSPORT}) == "profile"
    assert _section(rep, app_id).status == profiles.DONE
    assert item_lists.skip_blank(rep, app_id, "ee_p_identity.2", {k: "" for k in PASSPORT}) is None  # a saved one
    with pytest.raises(item_lists.NotFound):
        item_lists.items(other, app_id, "ee_p_identity", "fr")
    with pytest.raises(item_lists.NotFound):
        item_lists.remove(other, app_id, "ee_p_identity", 1)
    with pytest.raises(item_lists.NotFound):
        item_lists.remove(rep, app_id, "ee_p_details", 1)  # not a list step
    item_lists.remove(rep, app_id, "ee_p_identity", 1)
    listed = item_lists.items(rep, app_id, "ee_p_identity", "fr")
    assert [(i.index, "ID778899" in i.text) for i in listed] == [(1, True)]
    assert _section(rep, app_id).status == profiles.DONE
