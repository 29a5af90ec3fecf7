from .navigation import navigation_for


def platform(request):
    actor = getattr(request, "actor", None)
    return {
        "current_org": getattr(request, "organization", None),
        "user_orgs": getattr(request, "organizations", []),
        "actor": actor,
        "nav_items": navigation_for(actor, request.path),
    }
