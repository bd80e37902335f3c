"""HTTP headers that keep health information out of caches and other sites, and proxy trust."""

from flask import Flask, Response, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    hsts_seconds = current_app.config.get("HSTS_SECONDS")
    if hsts_seconds:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains")
    if request.endpoint != "static":
        # Pages may show patient data: never keep them in a shared tablet's cache or history.
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
    return response


def trust_proxies(app: Flask) -> None:
    """Read the client's IP and scheme from ``TRUSTED_PROXY_COUNT`` proxies' X-Forwarded headers.

    Only then are audit IPs, per-IP sign-in limits and HTTPS detection right behind a proxy;
    with no proxy configured the headers are ignored, so a client cannot forge its address.
    """
    count = app.config.get("TRUSTED_PROXY_COUNT", 0)
    if count:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # Flask's documented way to wrap the WSGI app
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
