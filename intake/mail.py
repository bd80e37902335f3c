"""Sending a short message to a patient: by email now, by text message later, each channel behind one interface.

A sender sends exactly what it is given. It never looks at a chart: the caller builds a message without health
information (the clinic's name, a link, its expiry, the clinic's phone). Every failure becomes ``SendFailed``
with one plain sentence for the page and the audit trail.
"""

import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Protocol

from email_validator import EmailNotValidError, validate_email

EMAIL = "email"

#: Seconds to wait for the mail server at each step; a setting outside this range is brought inside it.
TIMEOUT_RANGE = (1, 60)
DEFAULT_TIMEOUT_SECONDS = 10
#: The longest address an email may go to (RFC 5321).
ADDRESS_LIMIT = 254


class SendFailed(Exception):
    """The message did not leave the clinic; ``reason`` says why in one sentence."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class OutgoingMessage:
    """What a sender sends: to one address, a subject and a plain-text body."""

    to: str
    subject: str
    body: str


class Sender(Protocol):
    """One way of reaching a patient (email, later text messages)."""

    #: The channel's name as stored on each message record ("email", "sms").
    channel: str
    #: What staff call it on a button ("email").
    label: str

    @property
    def is_set_up(self) -> bool:
        """Whether the clinic configured this channel (a button says so when not)."""
        ...

    @property
    def not_set_up_reason(self) -> str:
        """Why it cannot send, for the button and the page, when it is not set up."""
        ...

    def check_address(self, address: str) -> str:
        """Return the address in the form messages go to, or raise ValueError with what to fix."""
        ...

    def send(self, message: OutgoingMessage) -> None:
        """Send the message or raise SendFailed."""
        ...


def _timeout(value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = DEFAULT_TIMEOUT_SECONDS
    low, high = TIMEOUT_RANGE
    return min(max(seconds, low), high)


def check_email_address(address: str) -> str:
    """Return a well-formed email address (its domain lower-cased), or raise ValueError with what to fix."""
    address = (address or "").strip()
    if not address:
        raise ValueError("Enter the patient's email address.")
    if len(address) > ADDRESS_LIMIT:
        raise ValueError(f"An email address has at most {ADDRESS_LIMIT} characters.")
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"This is not an email address: {error}") from None
    return str(checked.normalized)


class SmtpEmailSender:
    """Email through the clinic's SMTP server (STARTTLS or SSL, optional sign-in), each step bounded in time."""

    channel = EMAIL
    label = "email"

    def __init__(self, config: Mapping[str, Any]):
        self.host = str(config.get("MAIL_SERVER") or "").strip()
        self.port = int(config.get("MAIL_PORT") or (465 if config.get("MAIL_USE_SSL") else 25))
        self.use_tls = bool(config.get("MAIL_USE_TLS"))
        self.use_ssl = bool(config.get("MAIL_USE_SSL"))
        self.username = str(config.get("MAIL_USERNAME") or "")
        self.password = str(config.get("MAIL_PASSWORD") or "")
        self.from_address = str(config.get("MAIL_FROM") or "").strip()
        self.timeout = _timeout(config.get("MAIL_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))

    @property
    def is_set_up(self) -> bool:
        return bool(self.host and self.from_address)

    @property
    def not_set_up_reason(self) -> str:
        if not self.host:
            return "Email is not set up (MAIL_SERVER is not set)."
        if not self.from_address:
            return "Email is not set up (MAIL_FROM is not set)."
        return ""

    def check_address(self, address: str) -> str:
        return check_email_address(address)

    def build(self, message: OutgoingMessage) -> EmailMessage:
        """Return the email as it goes out."""
        email = EmailMessage()
        email["From"] = self.from_address
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        domain = self.from_address.rpartition("@")[2] or None
        email["Message-ID"] = make_msgid(domain=domain)
        email.set_content(message.body)
        return email

    def send(self, message: OutgoingMessage) -> None:
        if not self.is_set_up:
            raise SendFailed(self.not_set_up_reason)
        where = f"{self.host}:{self.port}"
        try:
            email = self.build(message)
            with self._connect() as smtp:
                if self.use_tls and not self.use_ssl:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(email)
        except SendFailed:
            raise
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()), (0, b""))
            raise SendFailed(
                f"The mail server refused the address {message.to}: {_reply(code, reply)}."
            ) from None
        except smtplib.SMTPSenderRefused as error:
            raise SendFailed(
                f"The mail server refused the clinic's sender address {self.from_address}: "
                f"{_reply(error.smtp_code, error.smtp_error)}."
            ) from None
        except smtplib.SMTPAuthenticationError as error:
            raise SendFailed(
                "The mail server refused the clinic's user name or password (MAIL_USERNAME, MAIL_PASSWORD): "
                f"{_reply(error.smtp_code, error.smtp_error)}."
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise SendFailed(
                f"The mail server at {where} does not offer what the settings ask for (STARTTLS or sign-in)."
            ) from None
        except smtplib.SMTPDataError as error:
            raise SendFailed(
                f"The mail server refused the message: {_reply(error.smtp_code, error.smtp_error)}."
            ) from None
        except smtplib.SMTPResponseException as error:
            raise SendFailed(
                f"The mail server at {where} answered with an error: {_reply(error.smtp_code, error.smtp_error)}."
            ) from None
        except smtplib.SMTPServerDisconnected as error:
            if "timed out" in str(
                error
            ):  # smtplib turns a timeout while reading a reply into a disconnection
                raise SendFailed(self._timed_out(where)) from None
            raise SendFailed(
                f"The mail server at {where} closed the connection before the message was sent."
            ) from None
        except TimeoutError:
            raise SendFailed(self._timed_out(where)) from None
        except ConnectionRefusedError:
            raise SendFailed(f"The mail server at {where} refused the connection (is it running?).") from None
        except socket.gaierror:
            raise SendFailed(f"The mail server's name {self.host} could not be found.") from None
        except ssl.SSLError as error:
            raise SendFailed(
                f"A secure connection to the mail server at {where} could not be made: {error.reason or error}."
            ) from None
        except (smtplib.SMTPException, OSError, ValueError) as error:
            raise SendFailed(f"The email could not be sent through {where}: {error}.") from None

    def _timed_out(self, where: str) -> str:
        unit = "second" if self.timeout == 1 else "seconds"
        return f"The mail server at {where} did not answer within {self.timeout:g} {unit}."

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)


def _reply(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}".strip()


#: Every channel the clinic can send by, each built from the app's settings. A text-message provider is added
#: here as "sms" with a sender of its own; the chart's button offers each channel that is listed.
CHANNELS: dict[str, Callable[[Mapping[str, Any]], Sender]] = {EMAIL: SmtpEmailSender}


def sender_for(channel: str, config: Mapping[str, Any]) -> Sender:
    """Return the sender of one channel, built from the settings (KeyError for a channel not offered)."""
    return CHANNELS[channel](config)
