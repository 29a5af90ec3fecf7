from functools import wraps

from django.contrib.auth.views import redirect_to_login

from .permissions import require


def requires(permission: str):
    """Signed in, in an organisation, holding the permission; else sign-in page or 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.actor, permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
