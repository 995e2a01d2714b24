"""Portal configuration, read once from the environment.

Embedded defaults (SQLite, in-memory state, local document folder) make `./run`
work on a fresh machine; production mode (RAR_ENV=production) refuses to start
without the secrets it needs.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
from datetime import date
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class ConfigurationError(RuntimeError):
    """A required setting is missing or wrong; raised at start-up."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclasses.dataclass(frozen=True)
class Settings:
    env: str  # "development" (embedded defaults) or "production"
    host: str
    port: int
    public_url: str
    database_url: str
    redis_url: str | None
    secret_key: str
    data_dir: Path
    storage_backend: str  # "local" or "s3"
    storage_dir: Path
    s3_bucket: str | None
    s3_region: str | None
    s3_endpoint_url: str | None
    s3_access_key_id: str | None
    s3_secret_access_key: str | None
    max_upload_bytes: int
    max_files_per_slot: int
    session_idle_minutes: int
    session_idle_warning_minutes: int
    session_absolute_hours: int
    cookie_secure: bool
    demo_mode: bool
    auto_approve_enrolments: bool
    rules_date: date | None
    smtp_host: str | None
    smtp_port: int
    smtp_tls: str  # "none", "starttls" or "ssl"
    smtp_user: str | None
    smtp_password: str | None
    mail_from: str
    oidc_issuer: str | None
    oidc_client_id: str | None
    oidc_client_secret: str | None
    payment_provider: str
    simulation_speed: float = 0.0  # training: simulated seconds per real second (0 = off)
    simulation_interval: float = 10.0  # seconds between two rounds of the background loop
    demo_reset_hours: float = 0.0  # training: restore the demo world when older than this (0 = never)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def background_jobs(self) -> bool:
        """Does this deployment run the training loop (simulation or scheduled reset)?"""
        return self.simulation_speed > 0 or self.demo_reset_hours > 0

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def rules_on(self) -> date:
        """The date whose rules the portal applies (pinned for training decks)."""
        return self.rules_date or date.today()


def _number(env: dict[str, str], name: str, default: float, *, minimum: float = 0.0) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, not {raw!r}.") from None
    if not value >= minimum or value == float("inf"):
        raise ConfigurationError(f"{name} must be a number of at least {minimum:g}, not {raw!r}.")
    return value


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    mode = env.get("RAR_ENV", "development").strip().lower()
    if mode not in {"development", "production"}:
        raise ConfigurationError(f"RAR_ENV must be 'development' or 'production', not {mode!r}.")
    data_dir = Path(env.get("RAR_DATA_DIR", str(REPO_ROOT / "data"))).resolve()

    secret_key = env.get("RAR_SECRET_KEY", "")
    if not secret_key:
        if mode == "production":
            raise ConfigurationError(
                "RAR_SECRET_KEY is required in production mode (32 random bytes or more, "
                "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."
            )
        # Development: a per-machine key kept beside the embedded database, never in the repo.
        key_file = data_dir / "secret_key"
        if key_file.exists():
            secret_key = key_file.read_text().strip()
        else:
            data_dir.mkdir(parents=True, exist_ok=True)
            secret_key = secrets.token_urlsafe(48)
            key_file.write_text(secret_key)
            key_file.chmod(0o600)
    elif len(secret_key) < 32:
        raise ConfigurationError("RAR_SECRET_KEY must be at least 32 characters long.")

    database_url = env.get("RAR_DATABASE_URL") or f"sqlite:///{data_dir / 'rar.db'}"
    if database_url.startswith("postgresql://") or database_url.startswith("postgres://"):
        # SQLAlchemy 2.1 talks to PostgreSQL through psycopg 3.
        database_url = "postgresql+psycopg://" + database_url.split("://", 1)[1]

    storage_backend = env.get("RAR_STORAGE", "local").strip().lower()
    if storage_backend not in {"local", "s3"}:
        raise ConfigurationError("RAR_STORAGE must be 'local' or 's3'.")
    if storage_backend == "s3" and not env.get("RAR_S3_BUCKET"):
        raise ConfigurationError("RAR_S3_BUCKET is required when RAR_STORAGE=s3.")

    smtp_tls = env.get("RAR_SMTP_TLS", "none").strip().lower()
    if smtp_tls not in {"none", "starttls", "ssl"}:
        raise ConfigurationError("RAR_SMTP_TLS must be 'none', 'starttls' or 'ssl'.")

    rules_date_raw = env.get("RAR_RULES_DATE", "").strip()
    try:
        rules_date = date.fromisoformat(rules_date_raw) if rules_date_raw else None
    except ValueError as exc:
        raise ConfigurationError("RAR_RULES_DATE must be a date written YYYY-MM-DD.") from exc

    oidc_issuer = env.get("RAR_OIDC_ISSUER") or None
    if oidc_issuer and mode == "production" and not env.get("RAR_OIDC_CLIENT_SECRET"):
        raise ConfigurationError("RAR_OIDC_CLIENT_SECRET is required when RAR_OIDC_ISSUER is set.")

    demo_reset_hours = _number(env, "RAR_DEMO_RESET_HOURS", 0.0)
    if demo_reset_hours > 0 and not _bool(env.get("RAR_DEMO"), default=mode == "development"):
        raise ConfigurationError("RAR_DEMO_RESET_HOURS needs demo mode (RAR_DEMO=true): a reset empties the database.")

    port = int(env.get("RAR_PORT", "3000"))
    host = env.get("RAR_HOST", "127.0.0.1")
    demo_mode = _bool(env.get("RAR_DEMO"), default=mode == "development")
    return Settings(
        env=mode,
        host=host,
        port=port,
        public_url=env.get("RAR_PUBLIC_URL", f"http://{host}:{port}").rstrip("/"),
        database_url=database_url,
        redis_url=env.get("RAR_REDIS_URL") or None,
        secret_key=secret_key,
        data_dir=data_dir,
        storage_backend=storage_backend,
        storage_dir=Path(env.get("RAR_STORAGE_DIR", str(data_dir / "documents"))).resolve(),
        s3_bucket=env.get("RAR_S3_BUCKET") or None,
        s3_region=env.get("RAR_S3_REGION") or None,
        s3_endpoint_url=env.get("RAR_S3_ENDPOINT_URL") or None,
        s3_access_key_id=env.get("RAR_S3_ACCESS_KEY_ID") or None,
        s3_secret_access_key=env.get("RAR_S3_SECRET_ACCESS_KEY") or None,
        max_upload_bytes=int(env.get("RAR_MAX_UPLOAD_BYTES", str(4 * 1024 * 1024))),
        max_files_per_slot=int(env.get("RAR_MAX_FILES_PER_SLOT", "3")),
        session_idle_minutes=int(env.get("RAR_SESSION_IDLE_MINUTES", "30")),
        session_idle_warning_minutes=int(env.get("RAR_SESSION_IDLE_WARNING_MINUTES", "5")),
        session_absolute_hours=int(env.get("RAR_SESSION_ABSOLUTE_HOURS", "12")),
        cookie_secure=_bool(env.get("RAR_COOKIE_SECURE"), default=env.get("RAR_PUBLIC_URL", "").startswith("https://")),
        demo_mode=demo_mode,
        auto_approve_enrolments=_bool(env.get("RAR_AUTO_APPROVE_ENROLMENTS"), default=demo_mode),
        rules_date=rules_date,
        smtp_host=env.get("RAR_SMTP_HOST") or None,
        smtp_port=int(env.get("RAR_SMTP_PORT", "25")),
        smtp_tls=smtp_tls,
        smtp_user=env.get("RAR_SMTP_USER") or None,
        smtp_password=env.get("RAR_SMTP_PASSWORD") or None,
        mail_from=env.get("RAR_MAIL_FROM", "portail-rar@example.invalid"),
        oidc_issuer=oidc_issuer,
        oidc_client_id=env.get("RAR_OIDC_CLIENT_ID") or None,
        oidc_client_secret=env.get("RAR_OIDC_CLIENT_SECRET") or None,
        payment_provider=env.get("RAR_PAYMENT_PROVIDER", "demo"),
        simulation_speed=_number(env, "RAR_SIMULATION_SPEED", 0.0),
        simulation_interval=_number(env, "RAR_SIMULATION_INTERVAL", 10.0, minimum=1.0),
        demo_reset_hours=demo_reset_hours,
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
