from .navigation import navigation_for
from .notifications import unread_count


def platform(request):
    actor = getattr(request, "actor", None)
    return {
        "current_org": getattr(request, "organization", None),
        "user_orgs": getattr(request, "organizations", []),
        "actor": actor,
        "nav_items": navigation_for(actor, request.path),
        # A callable: the count is queried only on pages that show it.
        "unread_count": (lambda: unread_count(request.user)) if request.user.is_authenticated else 0,
    }
