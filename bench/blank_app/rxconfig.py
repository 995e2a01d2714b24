"""Blank counter app for the benches: the same Reflex settings as the portal's rxconfig
(production, one port, brotli + gzip, no sitemap, memory or Redis state)."""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

port = int(os.environ.get("BLANK_PORT", "3100"))
redis_url = os.environ.get("BLANK_REDIS_URL") or None
config = rx.Config(
    app_name="blank_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=port,
    backend_port=port,
    backend_host="127.0.0.1",
    api_url=f"http://127.0.0.1:{port}",
    deploy_url=f"http://127.0.0.1:{port}",
    redis_url=redis_url,
    state_manager_mode="redis" if redis_url else "memory",
    disable_plugins=[SitemapPlugin],
    frontend_compression_formats=["brotli", "gzip"],
)
