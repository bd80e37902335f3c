"""QR codes for intake links, drawn as SVG on the server (segno) and shown as a data-URI image."""

import segno


def qr_data_uri(url: str) -> str:
    """Return an ``data:image/svg+xml`` URI of a QR code for ``url`` (no markup reaches the page)."""
    return segno.make(url, error="m", micro=False).svg_data_uri(border=4, omitsize=True, dark="#000", light="#fff")
