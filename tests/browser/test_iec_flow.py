"""International Experience Canada end to end in a real browser, in French: from « Accueil
du compte » through « Vérifier l’admissibilité du client » (one page per question, a birth
date in the future refused with its reason), « Vos résultats », the task-list profile (forms
prefilled from step 1 « En cours », the warning that changing them means starting again with
« Recommencer » offered, « Détails de ma demande » with its warning), the declaration,
« Signature », « Transmettre », « Félicitations »; then the pool (admission message), a round
of the France Working Holiday pool, the IPD in « Échéances », acceptance, and the work permit
application (documents, fees in force, signature, card payment) submitted. The steps are
tests/browser/iec_steps.py, shared with the English test at 375 px (test_iec_flow_en.py)."""

from __future__ import annotations

from decimal import Decimal

from tests.browser.conftest import sign_in
from tests.browser.harness import portal_db
from tests.browser.iec_steps import (
    accept_ipd, admitted, eligibility, open_permit, permit_application, profile, sign_and_transmit,
)
from tests.browser.test_tracking import new_account

BORN = "1999-04-02"


def test_iec_profile_pool_ipd_accepted_work_permit_submitted_fr(portal, page, tmp_path):
    from rar_app.db import session_scope
    from rar_app.models import Application
    from rar_app.programs import registry
    from rar_app.services.office import pools

    rep = new_account(portal, language="fr")
    sign_in(page, portal, "fr", username=rep)
    app_id = eligibility(page, "fr", country="FR", born=BORN)
    profile(page, "fr", app_id, born=BORN, family="Martin", given="Léa", email="lea.martin@example.invalid",
            address="3 rue de la Paix, Lyon")
    sign_and_transmit(page, "fr", app_id, family="Martin")

    # The back office admits the profile to the France Working Holiday pool; a round invites it.
    admitted(portal, rep, app_id, "FR-WH")
    with portal_db(portal), session_scope() as db:
        pools.run_round(db, registry.get("iec").extra["pool"], size=1000, stream="FR-WH")

    permit_id = accept_ipd(page, portal, "fr", app_id)
    open_permit(page, "fr", permit_id)
    permit_application(page, "fr", permit_id, tmp_path)
    with portal_db(portal), session_scope() as db:
        permit = db.get(Application, permit_id)
        assert (permit.kind, permit.status) == ("iec_permit", "submitted")
    assert Decimal("369.75") == Decimal("184.75") + Decimal("100.00") + Decimal("85.00")
