"""The client's real address, for throttling and the audit log.

Behind a reverse proxy every connection comes from the proxy. `RAR_TRUSTED_PROXIES`
lists the proxies (addresses or networks) whose `X-Forwarded-For` is believed: the
address is the right-most one in that header that is not itself a trusted proxy.
A connection from anywhere else is its own address, whatever header it sends (a
client cannot choose the address its failures count against)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from rar_app.settings import get_settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in net for net in networks)


def real_client_ip(peer: str, forwarded_for: str | None = None) -> str:
    """The client's address: `peer` (the connection's) unless it is a trusted proxy."""
    networks = _networks(get_settings().trusted_proxies)
    peer = (peer or "").strip()
    if not networks or not _trusted(peer, networks) or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop.strip("[]")))
            except ValueError:
                return peer  # a malformed hop: do not trust what is left of the header
    return hops[0] if hops else peer


def request_ip(request) -> str:
    """The same for a plain HTTP request (Starlette)."""
    peer = request.client.host if request.client else ""
    return real_client_ip(peer, request.headers.get("x-forwarded-for"))
