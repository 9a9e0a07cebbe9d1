"""The client's address, for rate limits and the audit log.

Behind nginx every request comes from the proxy's address. `X-Forwarded-For` names the
client, but anyone can send that header: it is read only when the request came from a proxy
listed in `TRUSTED_PROXIES`, and then from the right, skipping the trusted proxies, so a
client cannot put a forged address in front of the real one.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the nearest untrusted hop of X-Forwarded-For when REMOTE_ADDR is a
    trusted proxy."""
    remote = request.META.get("REMOTE_ADDR") or ""
    networks = _trusted(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    address = _parse(remote)
    if address is None:
        return remote or None
    if not networks or not any(address in network for network in networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        hop_address = _parse(hop)
        if hop_address is None:
            break  # a malformed hop: trust nothing further left
        if not any(hop_address in network for network in networks):
            return str(hop_address)
    return remote
