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
    s = load_settings({"RAR_ENV": "production", "RAR_SECRET_KEY": "x" * 40, "RAR_DATA_DIR": str(tmp_path),
                       "RAR_PAYMENT_PROVIDER": "example.gateway.Provider"})
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


PROD = {"RAR_ENV": "production", "RAR_SECRET_KEY": "k" * 40, "RAR_PAYMENT_PROVIDER": "example.gateway.Provider"}


@pytest.mark.parametrize("extra, reason", [
    ({"RAR_DEMO": "true"}, "demo mode is on"),
    ({"RAR_AUTO_APPROVE_ENROLMENTS": "true"}, "enrolment auto-approval is on"),
    ({"RAR_PAYMENT_PROVIDER": "demo"}, "demo payment gateway is on"),
    ({"RAR_SIMULATION_SPEED": "60"}, "training simulation"),
])
def test_production_refuses_demo_switches(tmp_path, extra, reason):
    with pytest.raises(ConfigurationError, match=reason):
        load_settings({**PROD, "RAR_DATA_DIR": str(tmp_path), **extra})


def test_production_without_a_real_gateway_lists_every_reason(tmp_path):
    env = {"RAR_ENV": "production", "RAR_SECRET_KEY": "k" * 40, "RAR_DATA_DIR": str(tmp_path), "RAR_DEMO": "1"}
    with pytest.raises(ConfigurationError) as caught:
        load_settings(env)
    text = str(caught.value)
    assert "demo mode is on" in text and "demo payment gateway" in text and "auto-approval" in text


def test_https_forces_secure_cookies_and_origins_are_the_public_address(tmp_path):
    s = load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_PUBLIC_URL": "https://rar.example.org/",
                       "RAR_COOKIE_SECURE": "false"})
    assert s.cookie_secure and s.is_https
    assert s.allowed_origins() == ["https://rar.example.org"]
    local = load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_PORT": "3005"})
    assert local.allowed_origins() == ["http://127.0.0.1:3005", "http://localhost:3005"]
    assert not local.cookie_secure


def test_a_reachable_address_needs_its_public_url_and_is_a_training_deployment(tmp_path):
    with pytest.raises(ConfigurationError, match="RAR_PUBLIC_URL is required"):
        load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_HOST": "0.0.0.0"})
    s = load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_HOST": "0.0.0.0",
                       "RAR_PUBLIC_URL": "http://training.example.org:3000"})
    assert s.training_reachable and not s.is_loopback
    assert not load_settings({"RAR_DATA_DIR": str(tmp_path)}).training_reachable
    assert load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_HOST": "::1"}).is_loopback


def test_trusted_proxies_are_checked(tmp_path):
    s = load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    assert s.trusted_proxies == ("127.0.0.1", "10.0.0.0/8")
    with pytest.raises(ConfigurationError, match="RAR_TRUSTED_PROXIES"):
        load_settings({"RAR_DATA_DIR": str(tmp_path), "RAR_TRUSTED_PROXIES": "proxy.example"})


def _check_config(tmp_path, **extra):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("RAR_")}
    env.update(RAR_DATA_DIR=str(tmp_path), **extra)
    return subprocess.run([sys.executable, "-m", "rar_app.manage", "check-config"], env=env,
                          capture_output=True, text=True)


def test_check_config_says_why_production_refuses_and_what_is_on(tmp_path):
    result = _check_config(tmp_path, RAR_ENV="production", RAR_SECRET_KEY="k" * 40, RAR_DEMO="true")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "refuses to start" in result.stderr and "demo mode is on" in result.stderr
    assert "demo payment gateway is on" in result.stderr
    assert "What is on:" in result.stderr and "Demo mode: on" in result.stderr


def test_check_config_prints_what_is_on(tmp_path):
    result = _check_config(tmp_path, RAR_HOST="0.0.0.0", RAR_PUBLIC_URL="http://training.example.org:3000")
    assert result.returncode == 0, result.stderr
    assert "reachable from other machines" in result.stdout and "Demo mode: on" in result.stdout
    assert "passwords are generated at first start" in result.stdout
    assert "Payment gateway: the demo gateway" in result.stdout


def test_data_folder_is_private(tmp_path):
    import stat

    from rar_app.settings import harden_data_dir

    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "rar.db").write_bytes(b"")
    (data / "rar.db").chmod(0o644)
    (data / "outbox").mkdir()
    (data / "outbox" / "1.eml").write_bytes(b"x")
    (data / "outbox" / "1.eml").chmod(0o644)
    s = load_settings({"RAR_DATA_DIR": str(data)})
    harden_data_dir(s)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(data) == 0o700 and mode(data / "outbox") == 0o700
    assert mode(data / "rar.db") == 0o600 and mode(data / "outbox" / "1.eml") == 0o600
    assert mode(data / "secret_key") == 0o600


def test_the_real_client_address_comes_only_through_trusted_proxies(monkeypatch, tmp_path):
    from rar_app import settings as settings_module
    from rar_app.services.identity.addresses import real_client_ip

    def use(**env):
        s = load_settings({"RAR_DATA_DIR": str(tmp_path), **env})
        monkeypatch.setattr("rar_app.services.identity.addresses.get_settings", lambda: s)

    use()
    assert real_client_ip("203.0.113.9", "1.2.3.4") == "203.0.113.9"  # nobody trusted: the header is ignored
    use(RAR_TRUSTED_PROXIES="10.0.0.0/8,127.0.0.1")
    assert real_client_ip("10.0.0.2", "198.51.100.7") == "198.51.100.7"
    # A client's own X-Forwarded-For entries (left) do not count: the right-most untrusted hop does.
    assert real_client_ip("10.0.0.2", "6.6.6.6, 198.51.100.7, 10.0.0.3") == "198.51.100.7"
    assert real_client_ip("203.0.113.9", "198.51.100.7") == "203.0.113.9"  # not from a proxy
    assert real_client_ip("127.0.0.1", "not-an-ip") == "127.0.0.1"
    assert real_client_ip("10.0.0.2", None) == "10.0.0.2"
    assert settings_module  # (the module is the one the portal reads)
