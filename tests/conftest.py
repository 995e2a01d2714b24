"""Shared fixtures: an isolated data folder and a migrated database per test."""

from __future__ import annotations

import os

import pytest

from rar_app import db as db_module
from rar_app import migrate
from rar_app import settings as settings_module


def quiet_background_threads() -> None:
    """Stop the threads that read the settings on their own (the notice sender, the
    training loop, link mails being sent): one of them calling get_settings() while a
    test changes RAR_* could cache the settings of the test before (seen in CI as a test
    opening the repository's own data/rar.db)."""
    from rar_app.services.identity import email_links
    from rar_app.services.messaging import mailer
    from rar_app.services.office import simulation

    email_links.wait_sent()
    mailer.worker().stop()
    simulation.stop_background()


def reset_caches() -> None:
    quiet_background_threads()
    settings_module.get_settings.cache_clear()
    if db_module.get_engine.cache_info().currsize:
        db_module.get_engine().dispose()
    db_module.get_engine.cache_clear()


@pytest.fixture
def portal_env(tmp_path, monkeypatch):
    """Point the portal at a fresh data folder (SQLite, documents, secret key).

    Yields a function to set more RAR_* variables; caches are reset after each change."""
    for key in list(os.environ):
        if key.startswith("RAR_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("RAR_DATA_DIR", str(tmp_path / "data"))
    reset_caches()

    def set_env(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setenv(key, value)
        reset_caches()

    yield set_env
    reset_caches()


@pytest.fixture(scope="session")
def _migrated_template(tmp_path_factory):
    """Alembic runs once per test session; each test gets a copy of the result."""
    path = tmp_path_factory.mktemp("template") / "rar.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def migrated_db(portal_env, _migrated_template):
    """A SQLite database migrated to head, used through rar_app.db.session_scope()."""
    import shutil

    settings = settings_module.get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated_template, settings.data_dir / "rar.db")
    assert settings.database_url == f"sqlite:///{settings.data_dir / 'rar.db'}"
    return db_module.get_engine()
