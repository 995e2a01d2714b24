"""Portal configuration, read once from the environment.

Embedded defaults (SQLite, in-memory state, local document folder) make `./run`
work on a fresh machine; production mode (RAR_ENV=production) refuses to start
without the secrets it needs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import ipaddress
import os
import secrets
from datetime import date
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_PARTNER_PATH = "/demo-partner"
DEMO_PARTNER_CLIENT_ID = "rar-portal-demo"


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
    # Addresses (or networks) of reverse proxies whose X-Forwarded-For is believed.
    trusted_proxies: tuple[str, ...] = ()
    # Demo mode without RAR_OIDC_ISSUER: the embedded demo Sign-In Partner (/demo-partner) is the provider.
    demo_partner: bool = False

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def background_jobs(self) -> bool:
        """Does this deployment run the training loop (simulation or scheduled reset)?"""
        return self.simulation_speed > 0 or self.demo_reset_hours > 0

    @property
    def is_loopback(self) -> bool:
        """Does the portal listen on this machine only (127.0.0.0/8, ::1, localhost)?"""
        return is_loopback_host(self.host)

    @property
    def developer_pages_linked(self) -> bool:
        """The developer component gallery is linked (footer) on a developer's own machine
        only: development mode on loopback, never a deployment."""
        return self.env == "development" and self.is_loopback

    @property
    def is_https(self) -> bool:
        return self.public_url.startswith("https://")

    @property
    def demo_payments(self) -> bool:
        return self.payment_provider == "demo"

    @property
    def training_reachable(self) -> bool:
        """Demo mode on an address other machines can reach: the published demo
        passwords must not open the administrator and staff accounts."""
        return self.demo_mode and not self.is_loopback

    def allowed_origins(self) -> list[str]:
        """Origins whose pages may call the portal (CORS, websocket handshake): its public
        address, plus the other loopback spelling when it is on loopback."""
        origins = [_origin(self.public_url)]
        scheme, _, rest = origins[0].partition("://")
        host, _, port = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
        if host in {"127.0.0.1", "localhost"}:
            other = "localhost" if host == "127.0.0.1" else "127.0.0.1"
            origins.append(f"{scheme}://{other}" + (f":{port}" if port else ""))
        return origins

    def what_is_on(self) -> list[str]:
        """One line per setting that matters for safety (printed by check-config)."""
        lines = [f"Mode: {self.env}; listening on {self.host}:{self.port} "
                 f"({'this machine only' if self.is_loopback else 'reachable from other machines'}); "
                 f"public address {self.public_url}."]
        lines.append("Demo mode: " + ("on (demo data and published demo sign-ins)" if self.demo_mode else "off") + ".")
        if self.training_reachable:
            lines.append("Training deployment reachable from other machines: the administrator and staff "
                         "passwords are generated at first start and printed once; the published ones are refused.")
        lines.append("Sign-In Partner: " + ("the embedded demo provider (" + self.public_url + DEMO_PARTNER_PATH + ")"
                                            if self.demo_partner else self.oidc_issuer or "not configured") + ".")
        lines.append("Enrolment auto-approval: " + ("on" if self.auto_approve_enrolments else "off") + ".")
        lines.append("Payment gateway: " + ("the demo gateway (test card numbers, no money moves)"
                                            if self.demo_payments else self.payment_provider) + ".")
        lines.append("Cookies: " + ("Secure, __Host- prefix, HSTS sent" if self.cookie_secure and self.is_https
                                    else "Secure" if self.cookie_secure else "not Secure (plain http)") + ".")
        lines.append("Trusted proxies: " + (", ".join(self.trusted_proxies) if self.trusted_proxies
                                            else "none (the connection's address is the client's)") + ".")
        return lines

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def rules_on(self) -> date:
        """The date whose rules the portal applies (pinned for training decks)."""
        return self.rules_date or date.today()


def is_loopback_host(host: str) -> bool:
    host = host.strip().strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _origin(url: str) -> str:
    """scheme://host[:port] of an address, without path; default ports dropped."""
    scheme, _, rest = url.partition("://")
    netloc = rest.split("/", 1)[0].lower()
    if (scheme == "https" and netloc.endswith(":443")) or (scheme == "http" and netloc.endswith(":80")):
        netloc = netloc.rsplit(":", 1)[0]
    return f"{scheme.lower()}://{netloc}"


def production_refusals(settings: "Settings") -> list[str]:
    """Why a production deployment must not start (empty: it may)."""
    reasons = []
    if settings.demo_mode:
        reasons.append("demo mode is on (RAR_DEMO): it loads the published demo accounts")
    if settings.auto_approve_enrolments:
        reasons.append("enrolment auto-approval is on (RAR_AUTO_APPROVE_ENROLMENTS): "
                       "anyone could enrol without an administrator")
    if settings.demo_payments:
        reasons.append("the demo payment gateway is on (RAR_PAYMENT_PROVIDER=demo): "
                       "set the dotted path of a real provider")
    if settings.demo_reset_hours > 0 or settings.simulation_speed > 0:
        reasons.append("the training simulation or demo reset is on (RAR_SIMULATION_SPEED, RAR_DEMO_RESET_HOURS)")
    return reasons


def _trusted_proxies(raw: str) -> tuple[str, ...]:
    found = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise ConfigurationError(
                f"RAR_TRUSTED_PROXIES must list addresses or networks (e.g. 127.0.0.1,10.0.0.0/8), not {item!r}."
            ) from None
        found.append(item)
    return tuple(found)


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


def load_settings(environ: dict[str, str] | None = None, *, refuse_unsafe: bool = True) -> Settings:
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
    if not is_loopback_host(host) and not env.get("RAR_PUBLIC_URL"):
        raise ConfigurationError(
            f"RAR_PUBLIC_URL is required when RAR_HOST ({host}) is reachable from other machines: "
            "browsers must use that address (CORS and the websocket accept no other origin).")
    demo_mode = _bool(env.get("RAR_DEMO"), default=mode == "development")
    public_url = env.get("RAR_PUBLIC_URL", f"http://{host}:{port}").rstrip("/")
    oidc_client_id, oidc_client_secret = env.get("RAR_OIDC_CLIENT_ID") or None, env.get("RAR_OIDC_CLIENT_SECRET") or None
    # Demo mode (never production: production refuses demo mode) gets a Sign-In Partner that works out
    # of the box: the embedded demo provider, its client secret derived from the portal's secret key.
    demo_partner = demo_mode and not oidc_issuer and mode != "production"
    if demo_partner:
        oidc_issuer = public_url + DEMO_PARTNER_PATH
        oidc_client_id = DEMO_PARTNER_CLIENT_ID
        oidc_client_secret = hmac.new(secret_key.encode(), b"demo-partner-client", hashlib.sha256).hexdigest()
    settings = Settings(
        env=mode,
        host=host,
        port=port,
        public_url=public_url,
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
        # Behind https cookies are always Secure (RAR_COOKIE_SECURE cannot turn that off).
        cookie_secure=env.get("RAR_PUBLIC_URL", "").startswith("https://") or _bool(env.get("RAR_COOKIE_SECURE")),
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
        oidc_client_id=oidc_client_id,
        oidc_client_secret=oidc_client_secret,
        payment_provider=env.get("RAR_PAYMENT_PROVIDER", "demo"),
        simulation_speed=_number(env, "RAR_SIMULATION_SPEED", 0.0),
        simulation_interval=_number(env, "RAR_SIMULATION_INTERVAL", 10.0, minimum=1.0),
        demo_reset_hours=demo_reset_hours,
        trusted_proxies=_trusted_proxies(env.get("RAR_TRUSTED_PROXIES", "")),
        demo_partner=demo_partner,
    )
    if settings.is_production and refuse_unsafe:
        reasons = production_refusals(settings)
        if reasons:
            raise ConfigurationError(
                "production mode (RAR_ENV=production) refuses to start:\n  - " + "\n  - ".join(reasons))
    return settings


def harden_data_dir(settings: Settings) -> None:
    """The data folder is the portal's alone: 0700; the embedded database, its journal
    files, the development key and the outbox 0600. Files created later by this process
    get the same modes (umask 077)."""
    os.umask(0o077)
    data_dir = settings.data_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    for folder in (data_dir / "documents", data_dir / "outbox", settings.storage_dir):
        if folder.is_dir() and (folder == data_dir or data_dir in folder.parents):
            folder.chmod(0o700)
    patterns = ["rar.db*", "secret_key", "outbox/*", "*.log"]
    if settings.is_sqlite:
        db_path = Path(settings.database_url.split("///", 1)[-1])
        patterns += [str(db_path) + suffix for suffix in ("", "-wal", "-shm", "-journal")]
    for pattern in patterns:
        paths = [Path(pattern)] if pattern.startswith("/") else data_dir.glob(pattern)
        for path in paths:
            if path.is_file():
                path.chmod(0o600)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
