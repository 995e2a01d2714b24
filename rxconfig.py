"""Reflex configuration, derived from the portal's own settings (rar_app/settings.py)."""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

from rar_app.settings import get_settings

settings = get_settings()

config = rx.Config(
    app_name="rar_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=settings.port,
    backend_port=settings.port,  # production mode serves both on one port
    backend_host=settings.host,
    api_url=os.environ.get("REFLEX_API_URL", settings.public_url),
    deploy_url=settings.public_url,
    redis_url=settings.redis_url,
    # CORS and the websocket handshake: the portal's public address only (never "*").
    cors_allowed_origins=settings.allowed_origins(),
    # Embedded default: state in memory (one worker). With Redis, several workers share it.
    state_manager_mode="redis" if settings.redis_url else "memory",
    disable_plugins=[SitemapPlugin],
    # Brotli first (about a fifth smaller than gzip on the JS bundles), gzip for older clients.
    frontend_compression_formats=["brotli", "gzip"],
    # Only the libraries the portal uses; no Radix theme (a lighter first load).
)
