"""A real SMTP server on 127.0.0.1 for the tests: it keeps what it receives, or refuses every recipient."""

import email
import email.policy
import socket
from contextlib import contextmanager
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

REFUSAL = "550 5.1.1 Mailbox unavailable"


def free_port() -> int:
    """Return a TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """The aiosmtpd handler: every message received, parsed; or a 550 for each recipient when refusing."""

    def __init__(self, *, refuse: bool = False):
        self.refuse = refuse
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return REFUSAL
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(parsed)  # type: ignore[arg-type]
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"

    def bodies(self) -> list[str]:
        return [message.get_content() for message in self.messages]


def _accept_only(username: str, password: str):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            username.encode(),
            password.encode(),
        )
        return AuthResult(success=ok, handled=False)

    return authenticate


@contextmanager
def smtp_server(*, refuse: bool = False, login: tuple[str, str] | None = None):
    """Run an SMTP server for the block; yield (mailbox, settings the app sends through it)."""
    mailbox = Mailbox(refuse=refuse)
    port = free_port()
    options = {}
    if login:
        options = {"authenticator": _accept_only(*login), "auth_require_tls": False, "auth_required": True}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield (
            mailbox,
            {
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": port,
                "MAIL_USE_TLS": False,
                "MAIL_USE_SSL": False,
                "MAIL_FROM": "frontdesk@riverbend.example",
                "MAIL_TIMEOUT_SECONDS": 5,
            },
        )
    finally:
        controller.stop()


@contextmanager
def silent_server():
    """Accept connections and never answer (a mail server that hangs); yield its port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
