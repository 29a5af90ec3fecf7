"""Per-request organisation, actor and tenant scope (pretix's PermissionMiddleware pattern)."""

import time

from django.conf import settings
from django_scopes import scope, scopes_disabled

from .permissions import access_of

SESSION_ORG_KEY = "zhengxie_org_id"
SESSION_TOUCH_KEY = "zhengxie_touched"
TOUCH_INTERVAL = 60


class IdleSessionMiddleware:
    """Slide the session expiry on activity, writing the session at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        if session.session_key:
            now = int(time.time())
            if now - session.get(SESSION_TOUCH_KEY, 0) >= TOUCH_INTERVAL:
                session[SESSION_TOUCH_KEY] = now
                session.set_expiry(settings.SESSION_COOKIE_AGE)
        return self.get_response(request)


class OrganizationMiddleware:
    """Resolve the current organisation and the person's roles once, then open the tenant scope.

    Without a resolved organisation the scope is open but empty, so any tenant query raises
    instead of silently reading every organisation.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organization = None
        request.organizations = []
        request.actor = None
        user = request.user
        if user.is_authenticated and request.path.startswith("/admin/") and user.is_superuser:
            with scopes_disabled():
                return self.get_response(request)
        if user.is_authenticated:
            access = access_of(user)
            orgs = request.organizations = access.organizations
            wanted = request.session.get(SESSION_ORG_KEY) or user.last_organization_id
            current = next((o for o in orgs if o.pk == wanted), orgs[0] if orgs else None)
            if current is not None:
                request.organization = current
                request.actor = access.actor(current)
        if request.organization is not None:
            with scope(organization=request.organization):
                return self.get_response(request)
        with scope():
            return self.get_response(request)


class WorkflowErrorMiddleware:
    """A step the record's state does not allow answers 409 with its Chinese message; nothing changed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .errors import WorkflowError
        from .views.errors import conflict

        if isinstance(exception, WorkflowError):
            return conflict(request, exception.message)
        return None
