import pytest

from rar_app.settings import ConfigurationError, load_settings


def test_embedded_defaults(tmp_path):
    s = load_settings({"RAR_DATA_DIR": str(tmp_path)})
    assert s.database_url.startswith("sqlite:///") and s.redis_url is None
    assert s.host == "127.0.0.1" and s.port == 3000 and s.storage_backend == "local"
    assert s.demo_mode and len(s.secret_key) >= 32
    # The development key is kept beside the data, never in the repo, and reused.
    assert load_settings({"RAR_DATA_DIR": str(tmp_path)}).secret_key == s.secret_key


def test_production_requires_a_secret(tmp_path):
    with pytest.raises(ConfigurationError, match="RAR_SECRET_KEY is required"):
        load_settings({"RAR_ENV": "production", "RAR_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigurationError, match="at least 32"):
        load_settings({"RAR_ENV": "production", "RAR_SECRET_KEY": "short", "RAR_DATA_DIR": str(tmp_path)})
    s = load_settings({"RAR_ENV": "production", "RAR_SECRET_KEY": "x" * 40, "RAR_DATA_DIR": str(tmp_path)})
    assert not s.demo_mode and not s.auto_approve_enrolments


def test_postgres_url_uses_psycopg3_and_s3_needs_a_bucket(tmp_path):
    s = load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_DATABASE_URL": "postgresql://u@h/db"})
    assert s.database_url == "postgresql+psycopg://u@h/db"
    with pytest.raises(ConfigurationError, match="RAR_S3_BUCKET"):
        load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_STORAGE": "s3"})
    with pytest.raises(ConfigurationError, match="RAR_RULES_DATE"):
        load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_RULES_DATE": "tomorrow"})


def test_missing_secret_is_a_clear_start_up_error(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("RAR_")}
    env.update(RAR_ENV="production", RAR_DATA_DIR=str(tmp_path))
    result = subprocess.run([sys.executable, "-m", "rar_app.manage", "check-config"], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "RAR_SECRET_KEY is required" in result.stderr and "Traceback" not in result.stderr
