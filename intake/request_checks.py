"""Input no page of the app ever sends, refused before any view reads it (with a clear page, never a 500)."""

from flask import abort, request

#: Databases cannot store it (PostgreSQL text refuses it outright) and no keyboard types it.
NUL = "\x00"


def refuse_unusable_input():
    """Before each request: refuse a JSON body (every form posts form data) and NUL characters."""
    if request.method == "POST" and request.is_json:
        abort(415)
    sources = [request.args]
    if request.method == "POST":
        sources.append(request.form)  # parsing here also applies the size limit (413)
    for source in sources:
        for name, values in source.lists():
            if NUL in name or any(NUL in value for value in values):
                abort(400)
    return None
