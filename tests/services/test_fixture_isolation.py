"""The test fixtures change RAR_* between tests; no background thread may be left reading
the settings meanwhile (CI once saw a test open the repository's own data/rar.db because
the notice sender cached the settings of the test before)."""

from __future__ import annotations

import threading

from rar_app import settings as settings_module
from rar_app.services.messaging import mailer


def _alive(name: str) -> bool:
    return any(t.name == name and t.is_alive() for t in threading.enumerate())


def test_changing_settings_stops_the_sender_and_reads_the_new_folder(migrated_db, portal_env, tmp_path):
    mailer.worker().kick(migrated_db)
    assert _alive("rar-mail")
    portal_env(RAR_DATA_DIR=str(tmp_path / "other"))
    assert not _alive("rar-mail"), "the sender thread must be stopped before the settings change"
    assert settings_module.get_settings().data_dir == (tmp_path / "other").resolve()
