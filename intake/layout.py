"""The addresses the page layout (``templates/base.html``) links on every page, built once per app.

Every page carries the same two dozen links and files: the icons, stylesheets and scripts, the
main navigation, the account link, sign-out and the idle-timeout warning's addresses. Building
each with ``url_for`` on every request costs more than the rest of the layout; they depend only
on where the app is mounted (the request's script root), so they are built once for each mount
and reused. Links that depend on the page (a chart's own sections) are still built by the page.
"""

from typing import Any

from flask import Flask, has_request_context, request, url_for

#: Name in the template → (endpoint, arguments).
LAYOUT_LINKS: dict[str, tuple[str, dict[str, Any]]] = {
    "favicon_svg": ("static", {"filename": "img/favicon.svg"}),
    "favicon_png": ("static", {"filename": "img/favicon-32.png"}),
    "touch_icon": ("static", {"filename": "img/apple-touch-icon.png"}),
    "manifest": ("static", {"filename": "manifest.webmanifest"}),
    "app_css": ("static", {"filename": "css/app.css"}),
    "forms_css": ("static", {"filename": "css/forms.css"}),
    "questionnaire_css": ("static", {"filename": "css/questionnaire.css"}),
    "pain_css": ("static", {"filename": "css/pain.css"}),
    "visits_css": ("static", {"filename": "css/visits.css"}),
    "audit_css": ("static", {"filename": "css/audit.css"}),
    "intake_js": ("static", {"filename": "js/intake.js"}),
    "visit_drafts_js": ("static", {"filename": "js/visit-drafts.js"}),
    "session_timeout_js": ("static", {"filename": "js/session-timeout.js"}),
    "today": ("home.index", {}),
    "patients": ("patients.index", {}),
    "outcomes": ("outcomes.report", {}),
    "staff": ("staff.index", {}),
    "audit_log": ("audit.index", {}),
    "account": ("auth.account", {}),
    "sign_in": ("auth.login", {}),
    "sign_out": ("auth.logout", {}),
    "session_status": ("auth.session_status", {}),
    "session_ping": ("auth.session_ping", {}),
}

#: The layout's stylesheets, in the order the page links them.
STYLESHEETS = ("app_css", "forms_css", "questionnaire_css", "pain_css", "visits_css", "audit_css")

_EXTENSION_KEY = "intake.layout_links"


def _build() -> dict[str, str]:
    return {name: url_for(endpoint, **arguments) for name, (endpoint, arguments) in LAYOUT_LINKS.items()}


def layout_links(app: Flask) -> dict[str, str]:
    """The layout's addresses for this request's mount point, built on the first page served there."""
    if not has_request_context():
        return _build()
    built: dict[str, dict[str, str]] = app.extensions.setdefault(_EXTENSION_KEY, {})
    root = request.script_root
    links = built.get(root)
    if links is None:
        links = built[root] = _build()
    return links


def register_layout(app: Flask) -> None:
    """Hand every template the layout's addresses as ``layout`` and the stylesheet order as ``LAYOUT_STYLESHEETS``."""
    app.jinja_env.globals["LAYOUT_STYLESHEETS"] = STYLESHEETS

    @app.context_processor
    def layout_context():
        return {"layout": layout_links(app)}
