"""E-mail notifications over SMTP (off unless ``[notify.email]`` is configured).

A message is built with the standard library's :mod:`email` package and sent
with :mod:`smtplib` — STARTTLS (the default, port 587), implicit TLS (``ssl``,
port 465) or plain (``none``, for a relay on the same machine) — with a
timeout, and a login when a user name is set (the password from the
environment variable the config names).  Failures are raised as
:class:`DeliveryError`, so the outbox keeps the message and tries again.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from workflow.team.settings import Email
from workflow.team.webhooks import DeliveryError


def build(settings: Email, to: str, subject: str, text: str, msg_id: str) -> EmailMessage:
    """A plain-text UTF-8 message."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = settings.sender.rpartition("@")[2].strip("> ") or "localhost"
    message["Message-ID"] = make_msgid(msg_id.replace("_", "."), domain=domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(text)
    return message


def send(settings: Email, message: EmailMessage, timeout: float) -> None:
    """Hand one message to the SMTP server."""
    try:
        if settings.security == "ssl":
            context = ssl.create_default_context()
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username:
                password = os.environ.get(settings.password_env, "")
                if not password:
                    raise DeliveryError(
                        f"the SMTP password variable {settings.password_env} is not set"
                    )
                client.login(settings.username, password)
            client.send_message(message)
    except smtplib.SMTPResponseException as exc:
        reason = exc.smtp_error
        text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        raise DeliveryError(f"SMTP {exc.smtp_code}: {text}", exc.smtp_code) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
