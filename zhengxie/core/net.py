"""The client's address behind a known number of trusted reverse proxies."""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """REMOTE_ADDR, or the address the outermost of ZHENGXIE_PROXY_COUNT trusted proxies saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N
    proxies the client is the N-th entry from the right; entries further left are whatever the
    client chose to send and are ignored.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.ZHENGXIE_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                return remote
    return remote
