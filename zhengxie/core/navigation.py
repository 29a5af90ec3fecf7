"""Navigation by role: each entry names the permission (or role) that shows it.

Domain apps add their own entries with `register` from their AppConfig.ready.
"""

from dataclasses import dataclass

from django.urls import reverse

from .roles import Role


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: str | None = None
    role: Role | None = None
    order: int = 100


_ENTRIES: list[NavEntry] = [
    NavEntry("首页", "core:home", order=0),
    NavEntry("委员名册", "core:roster", permission="roster.view", order=80),
    NavEntry("组织设置", "core:org_settings", permission="org.view", order=85),
    NavEntry("角色授权", "core:roles", permission="roles.manage", order=90),
    NavEntry("审计日志", "core:audit", permission="audit.view", order=95),
]


def register(entry: NavEntry) -> None:
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def navigation_for(actor, path: str) -> list[dict]:
    if actor is None:
        return []
    items = []
    for entry in sorted(_ENTRIES, key=lambda e: e.order):
        if entry.permission and not actor.can(entry.permission):
            continue
        if entry.role and not actor.has_role(entry.role):
            continue
        url = reverse(entry.url_name)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": entry.label, "url": url, "active": active})
    return items
