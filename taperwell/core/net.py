"""The client's address, from the connection or from the proxies we run, never from the client.

`X-Forwarded-For` is a list each proxy appends its peer's address to; a client can put anything
at its start. With `TAPERWELL_TRUSTED_PROXY_COUNT` = N proxies of ours in front, the client is the
Nth address from the right (the one our outermost proxy saw); with 0, the header is ignored and
the connection's address (REMOTE_ADDR) is used. Whatever is chosen must be a valid IP address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    remote = _valid_ip(request.META.get("REMOTE_ADDR", "") or "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        # Fewer hops than proxies: the request did not come through all of them.
        return remote
    return _valid_ip(hops[-count]) or remote
