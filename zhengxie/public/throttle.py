"""Brakes on the anonymous lead form: who is asking, how often, and how fast the form came back.

The counter lives in Django's cache; with several processes it is only shared when REDIS_URL names
a cache they all use, otherwise each process counts on its own.
"""

import hashlib
import ipaddress
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache

LEADS_PER_HOUR = 5
LEAD_WINDOW_SECONDS = 3600
# A form that took longer than this is treated like a fresh visit: the page is shown again.
STAMP_MAX_AGE_SECONDS = 24 * 3600
STAMP_SALT = "zhengxie.public.lead-form"


def _counter_key(organization_id: int, address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        group = address
    else:
        # One IPv6 subscriber usually holds a whole /64; counting single addresses would not stop anyone.
        group = str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)
    digest = hashlib.sha256(group.encode()).hexdigest()[:32]
    return f"zhengxie:public:leads:{organization_id}:{digest}"


def leads_exhausted(organization_id: int, address: str) -> bool:
    """Whether this address has used up its leads for the hour in this organisation."""
    return (cache.get(_counter_key(organization_id, address)) or 0) >= LEADS_PER_HOUR


def count_lead(organization_id: int, address: str) -> int:
    """Count one more lead from the address and return the count; the window opens with the first one."""
    key = _counter_key(organization_id, address)
    cache.add(key, 0, LEAD_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LEAD_WINDOW_SECONDS)
        return 1


def uncount_lead(organization_id: int, address: str) -> None:
    """Give back a counted lead that was refused for its content, so a citizen's typo costs nothing."""
    try:
        cache.decr(_counter_key(organization_id, address))
    except ValueError:
        pass


def form_stamp(organization_id: int) -> str:
    """A signed note of when the form was shown, sent back with it in a hidden field."""
    return signing.dumps(time.time(), salt=f"{STAMP_SALT}:{organization_id}")


def min_fill_seconds() -> float:
    return float(getattr(settings, "ZHENGXIE_LEAD_MIN_SECONDS", 3))


def stamp_problem(stamp: str, organization_id: int) -> str:
    """Why the form's stamp is not acceptable (a Chinese message), or "" when it is.

    People need a few seconds to read and fill the form; scripts post it at once.
    """
    try:
        shown_at = float(
            signing.loads(stamp, salt=f"{STAMP_SALT}:{organization_id}", max_age=STAMP_MAX_AGE_SECONDS)
        )
    except (signing.BadSignature, TypeError, ValueError):
        return "页面已过期，请检查内容后再提交一次。"
    if time.time() - shown_at < min_fill_seconds():
        return "提交过快，请稍候几秒再提交一次。"
    return ""
