"""Signed-in sessions on shared clinic tablets.

A session ends after ``SESSION_IDLE_TIMEOUT`` seconds without a request (the page warns a
minute before and offers "Stay signed in"), and after ``SESSION_ABSOLUTE_TIMEOUT`` whatever
happens. The cookie also names the account's session version (see ``User.get_id``), so
signing out, a password or role change, deactivation, or an administrator's "End all
sessions" invalidates every copy of it. There is no "remember me".

Only a successful request a person made counts as activity: not a refusal or an error (4xx,
5xx), not the timer asking how long is left, and not a script's automatic retry of a save
that failed (sent with the ``X-Intake-Retry`` header). So a tablet left on an error page, or
with an autosave that keeps failing, still signs itself out.

The idle clock moves in steps of a thirtieth of the idle timeout (30 seconds of 15 minutes), so
the cookie of a tablet in use is signed again once a step rather than on every request; a session
then ends at most one step sooner than ``SESSION_IDLE_TIMEOUT`` after its last request, never later.
"""

import time

from flask import (
    Flask,
    after_this_request,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user, login_user, logout_user
from itsdangerous import URLSafeTimedSerializer

from intake.audit.models import SESSION_EXPIRED
from intake.audit.operations import record_event
from intake.extensions import db

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
#: Endpoints that report the session without counting as activity, and answer in JSON.
STATUS_ENDPOINTS = {"auth.session_status"}
JSON_ENDPOINTS = {"auth.session_status", "auth.session_ping"}
#: The header a script sends when it repeats a request by itself (a person did not act).
RETRY_HEADER = "X-Intake-Retry"
#: The idle clock's step is the idle timeout divided by this.
ACTIVITY_STEPS_PER_TIMEOUT = 30


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, with its signing serializer built once per key rather than per request."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers = {keys: super().get_signing_serializer(app)}  # the newest keys only
        return self._serializers[keys]


def start_session(user) -> None:
    """Sign ``user`` in on this browser with a fresh session (new CSRF secret), starting both clocks."""
    flashes = session.get("_flashes")
    session.clear()  # nothing from before sign-in (a half-finished sign-in, an old token) carries over
    if flashes:
        session["_flashes"] = flashes
    login_user(user, remember=False, fresh=True)
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now


def end_session() -> None:
    """Sign out this browser and forget everything its session cookie held."""
    logout_user()
    session.clear()


def seconds_left(now: float | None = None) -> int:
    """Return how many seconds this session has before it times out (0 when it has).

    Measured from the moment this request's activity was counted, so a slow request does not
    report less time than the clocks it just set.
    """
    if now is None:
        now = g.get("session_checked_at") or time.time()
    config = current_app.config
    last_seen = max(session.get(LAST_SEEN, 0), g.get("activity_at") or 0)  # this request, if it counts
    idle_end = last_seen + config["SESSION_IDLE_TIMEOUT"]
    absolute_end = session.get(SIGNED_IN_AT, 0) + config["SESSION_ABSOLUTE_TIMEOUT"]
    return max(0, int(min(idle_end, absolute_end) - now))


def _expiry_reason(now: float) -> str | None:
    if SIGNED_IN_AT not in session or LAST_SEEN not in session:
        return "This session was not started by signing in here. Please sign in."
    config = current_app.config
    if now - session[SIGNED_IN_AT] >= config["SESSION_ABSOLUTE_TIMEOUT"]:
        longest = describe_duration(config["SESSION_ABSOLUTE_TIMEOUT"])
        return f"You were signed out because sessions last at most {longest}. Please sign in again."
    if now - session[LAST_SEEN] >= config["SESSION_IDLE_TIMEOUT"]:
        return (
            f"You were signed out after {describe_duration(config['SESSION_IDLE_TIMEOUT'])} without activity, "
            "to keep patient information private on this tablet. Please sign in again."
        )
    return None


def describe_duration(seconds: int) -> str:
    """Return '15 minutes', '12 hours' or '45 seconds' for a timeout setting."""
    for unit, size in (("hour", 3600), ("minute", 60)):
        if seconds >= 2 * size:
            amount = f"{seconds / size:.1f}".removesuffix(".0")
            return f"{amount} {unit}s"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def _made_by_a_person() -> bool:
    return request.endpoint not in STATUS_ENDPOINTS and not request.headers.get(RETRY_HEADER)


def activity_step() -> int:
    """Return how many seconds the idle clock moves at least, when it moves (see the module docstring)."""
    return current_app.config["SESSION_IDLE_TIMEOUT"] // ACTIVITY_STEPS_PER_TIMEOUT


def enforce_session_limits():
    """Before each request: end a timed-out session; otherwise note that this request may count as activity."""
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    now = time.time()
    g.session_checked_at = now
    reason = _expiry_reason(now)
    if reason is None:
        if _made_by_a_person() and int(now) - session[LAST_SEEN] >= max(1, activity_step()):
            g.activity_at = int(now)  # counted by count_activity once the answer is known to be a success
            after_this_request(count_activity)
        return None
    if current_user.is_authenticated:  # still a valid account: note why its session ended
        record_event(SESSION_EXPIRED, user=current_user._get_current_object(), detail=reason[:120])
        db.session.commit()
    end_session()
    flash(reason, "info")  # shown on the sign-in page, wherever the tablet goes next
    if request.endpoint in JSON_ENDPOINTS:
        return jsonify(signed_in=False, seconds_left=0), 401
    if request.endpoint == "auth.login":
        return None
    return redirect(url_for("auth.login"))


def count_activity(response):
    """After each request: move the idle clock for a successful request a person made (not 4xx/5xx)."""
    activity_at = g.get("activity_at")
    if activity_at and response.status_code < 400 and "_user_id" in session:
        if activity_at > session.get(LAST_SEEN, 0):
            session[LAST_SEEN] = activity_at
    return response
