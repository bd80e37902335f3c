"""Who may open which view.

Each view states its allowed roles with ``@roles_required(...)`` or is marked ``@public``.
A check before every request refuses any endpoint that states neither, so a view that
forgets its declaration is closed rather than open.
"""

from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from intake.extensions import login_manager

PUBLIC_ENDPOINTS = {"static"}


def roles_required(*roles):
    """Allow the decorated view to signed-in staff holding one of ``roles``."""
    if not roles:
        raise ValueError("roles_required needs at least one role")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = tuple(roles)  # type: ignore[attr-defined]  # read back by endpoint_access
        return wrapped

    return decorator


def public(view):
    """Mark a view as reachable without signing in (it guards itself, if at all)."""
    view.is_public = True
    return view


def endpoint_access(endpoint: str):
    """Return ``"public"``, the tuple of allowed roles, or None when undeclared."""
    if endpoint in PUBLIC_ENDPOINTS:
        return "public"
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return None
    if getattr(view, "is_public", False):
        return "public"
    return getattr(view, "allowed_roles", None)


def enforce_declared_access():
    """Before each request: send anonymous visitors to sign in, refuse undeclared views."""
    if request.endpoint is None:
        return None  # 404 / 405 follow
    access = endpoint_access(request.endpoint)
    if access == "public":
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if access is None:
        current_app.logger.error("endpoint %s declares no roles; refused", request.endpoint)
        abort(403)
    return None
