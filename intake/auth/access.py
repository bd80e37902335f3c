"""Who may open which view.

Each view states its allowed roles with ``@roles_required(...)`` or is marked ``@public``.
A check before every request refuses any endpoint that states neither, so a view that
forgets its declaration is closed rather than open. Every refusal (403) is audited as
``access_denied``: who, which page, and which record when the address names one.
"""

from functools import wraps

from flask import abort, after_this_request, current_app, request
from flask_login import current_user

from intake.audit.models import ACCESS_DENIED
from intake.audit.operations import record_event
from intake.extensions import db, login_manager

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
    after_this_request(audit_refused_access)  # whichever check refuses this request, the trail shows it
    access = endpoint_access(request.endpoint)
    if access == "public":
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if access is None:
        current_app.logger.error("endpoint %s declares no roles; refused", request.endpoint)
        abort(403)
    return None


def _record_named(view_args: dict | None) -> tuple[str | None, int | None]:
    """Return ("intake", 7) for /patients/3/intakes/7: the last ``<int:…_id>`` of the address names the record."""
    named = [(k, v) for k, v in (view_args or {}).items() if k.endswith("_id") and isinstance(v, int)]
    if not named:
        return None, None
    name, value = named[-1]
    return name.removesuffix("_id"), value


def audit_refused_access(response):
    """After a request to a known page: record an ``access_denied`` event if it was refused (403)."""
    if response.status_code != 403:
        return response
    record_type, record_id = _record_named(request.view_args)
    role = current_user.role if current_user.is_authenticated else "not signed in"
    try:
        db.session.rollback()  # a refused request changes nothing
        record_event(
            ACCESS_DENIED,
            record_type=record_type,
            record_id=record_id,
            detail=f"{request.method} refused for role {role}"
            + "".join(f"; {k} {v}" for k, v in (request.view_args or {}).items() if isinstance(v, int)),
        )
        db.session.commit()
    except Exception:  # the refusal still stands; the log says the event is missing
        db.session.rollback()
        current_app.logger.exception("could not audit a refused %s %s", request.method, request.endpoint)
    return response
