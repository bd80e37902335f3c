"""gunicorn's settings for Intake (read from the working directory, or `gunicorn -c gunicorn.conf.py`).

A patient's intake link carries its token in the path (/i/<token>/contact); whoever reads the
access log must not be able to open the questionnaire, so every part of an access-log line
(request line, path, referrer, redirect, any header) has the token replaced: /i/…/contact.
"""

from gunicorn.glogging import Logger

from intake.audit.operations import without_intake_tokens


class IntakeAccessLogger(Logger):
    """gunicorn's logger, with intake-link tokens replaced in every value an access line can show."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            name: without_intake_tokens(value) if isinstance(value, str) else value
            for name, value in atoms.items()
        }


logger_class = IntakeAccessLogger

# A printed chart of a long history (hundreds of visits) takes seconds to render; a busy server must not
# kill the worker halfway (gunicorn's default is 30 s).
timeout = 120
