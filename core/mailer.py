"""Breach e-mail: the SMTP connection (none, starttls, ssl) and the plain + HTML message."""

from __future__ import annotations

import hashlib
import html
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Self
from zoneinfo import ZoneInfo

from core.errors import one_line
from core.secrets import get_smtp_password, smtp_key
from core.settings import Settings
from core.settings_rules import SMTP_SECURITY_MODES
from core.timeutil import US_PER_MINUTE, from_us

DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
TARGET_LABELS = {"first_response": "first response", "resolution": "resolution"}


class MailProblem(Exception):
    """The mail server cannot be used (configuration, connection, login): nothing was sent."""


class MessageRefused(Exception):
    """The server answered that it will not take this one message (sender, recipient or
    content refused); the connection is still good for the next message."""


class PossiblySent(Exception):
    """The connection failed or timed out while the server had the message (during DATA):
    it may have been delivered. Sending it again could make a second copy."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    security: str
    sender: str
    username: str
    timeout_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpConfig | None:
        """The configured server, or None when no SMTP host is set (in-app alerts only)."""
        host = settings.smtp_host.strip()
        if not host:
            return None
        security = settings.smtp_security.strip().lower() or "none"
        if security not in SMTP_SECURITY_MODES:
            raise MailProblem(f"smtp_security must be one of {', '.join(SMTP_SECURITY_MODES)}, "
                              f"not {settings.smtp_security!r}")
        return cls(host=host, port=settings.smtp_port or DEFAULT_PORTS[security],
                   security=security, sender=settings.smtp_sender,
                   username=settings.smtp_username.strip(),
                   timeout_seconds=settings.smtp_timeout_seconds)


class SmtpConnection:
    """One SMTP session for a whole run: `with SmtpConnection(config) as smtp: smtp.send(m)`."""

    def __init__(self, config: SmtpConfig, password: str | None = None):
        self.config = config
        self._password = password
        self._client: smtplib.SMTP | None = None

    def __enter__(self) -> Self:
        config = self.config
        try:
            if config.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    config.host, config.port, timeout=config.timeout_seconds,
                    context=ssl.create_default_context())
            else:
                client = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
            self._client = client
            client.ehlo()
            if config.security == "starttls":
                if not client.has_extn("starttls"):
                    raise MailProblem(f"{config.host}:{config.port} does not offer STARTTLS")
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if config.username:
                password = self._password or get_smtp_password(config.username, config.host)
                if not password:
                    raise MailProblem(
                        "no SMTP password: store it in the OS keyring (service support-console,"
                        f" entry {smtp_key(config.username, config.host)}) or set "
                        "SUPPORT_CONSOLE_SMTP_PASSWORD")
                client.login(config.username, password)
        except MailProblem:
            self._close()
            raise
        except (OSError, smtplib.SMTPException) as exc:
            self._close()
            raise MailProblem(f"SMTP {config.host}:{config.port}: {describe_smtp_error(exc)}")
        return self

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server, to its one recipient. Raises MessageRefused,
        PossiblySent, or MailProblem (the connection is gone and the message was not sent)."""
        assert self._client is not None, "use SmtpConnection as a context manager"
        client, where = self._client, f"SMTP {self.config.host}:{self.config.port}"
        recipient = parseaddr(message["To"])[1]
        try:
            code, reply = client.mail(parseaddr(message["From"])[1])
            if code != 250:
                self._reset()
                raise MessageRefused(f"sender refused: {_reply_text(code, reply)}")
            code, reply = client.rcpt(recipient)
            if code not in (250, 251):
                self._reset()
                raise MessageRefused(f"recipient {recipient} refused: {_reply_text(code, reply)}")
        except (OSError, smtplib.SMTPException) as exc:
            raise MailProblem(f"{where}: {describe_smtp_error(exc)}")
        try:
            code, reply = client.data(_wire_bytes(message))
        except smtplib.SMTPResponseException as exc:  # DATA itself refused: nothing was sent
            self._reset()
            raise MessageRefused(f"message to {recipient} refused: "
                                 f"{describe_smtp_error(exc)}")
        except (OSError, smtplib.SMTPException) as exc:
            raise PossiblySent(f"{where}: {describe_smtp_error(exc)} during DATA: the message "
                               f"{message['Message-ID']} was possibly delivered")
        if code != 250:
            self._reset()
            raise MessageRefused(f"message to {recipient} refused: {_reply_text(code, reply)}")

    def _reset(self) -> None:
        assert self._client is not None
        try:
            self._client.rset()
        except (OSError, smtplib.SMTPException) as exc:
            raise MailProblem(f"SMTP {self.config.host}:{self.config.port}: "
                              f"{describe_smtp_error(exc)}")

    def _close(self) -> None:
        if self._client is not None:
            try:
                self._client.quit()
            except (OSError, smtplib.SMTPException):
                self._client.close()
            self._client = None

    def __exit__(self, *exc_info: object) -> None:
        self._close()


def _reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}".strip()


def _wire_bytes(message: EmailMessage) -> bytes:
    """The message as smtplib's send_message puts it on the wire (CRLF line ends)."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def message_id(sender: str, recipient_id: str, alert_ids: Sequence[int]) -> str:
    """One Message-ID per (recipient, batch of alerts): the same alerts to the same person
    always carry the same id, so a server's log or a mail client can tell a copy."""
    digest = hashlib.sha256(f"{recipient_id}:{','.join(map(str, alert_ids))}".encode())
    return f"<sla-breach.{digest.hexdigest()[:32]}@{sender.rpartition('@')[2] or 'localhost'}>"


def describe_smtp_error(exc: BaseException) -> str:
    """One line for the alert's error column (never the password: smtplib does not echo it)."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reply_text(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient refused: " + ", ".join(
            f"{who} ({code})" for who, (code, _msg) in exc.recipients.items())
    return one_line(exc)


def overdue_text(minutes: int) -> str:
    days, rest = divmod(max(minutes, 0), 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours or days:
        parts.append(f"{hours} h")
    parts.append(f"{mins} min")
    return " ".join(parts)


def breach_lines(breaches: Sequence[dict[str, Any]], now_us: int,
                 tz: ZoneInfo) -> list[dict[str, str]]:
    """The rows of a breach e-mail, most overdue first, as display strings."""
    rows = []
    for breach in sorted(breaches, key=lambda b: (b["due_at"], b["item_id"], b["target"])):
        rows.append({
            "item_id": breach["item_id"],
            "subject": breach["subject"] or "",
            "kind": breach["kind"],
            "priority": breach["priority"],
            "target": TARGET_LABELS.get(breach["target"], breach["target"]),
            "due": from_us(breach["due_at"]).astimezone(tz).strftime("%Y-%m-%d %H:%M %Z"),
            "overdue": overdue_text((now_us - breach["due_at"]) // US_PER_MINUTE),
        })
    return rows


COLUMNS = (("item_id", "Item"), ("subject", "Subject"), ("kind", "Kind"),
           ("priority", "Priority"), ("target", "Breached target"), ("due", "Due"),
           ("overdue", "Overdue by"))


def new_message(sender: str, recipient_email: str, subject: str,
                msgid: str | None = None) -> EmailMessage:
    """An empty message with the headers every e-mail of ours has (msgid: a stable
    Message-ID, so that a resent message is recognisably the same one)."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient_email
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = msgid or make_msgid(domain=sender.rpartition("@")[2] or None)
    return message


def greeting_for(name: str) -> str:
    return f"Hello {name}," if name else "Hello,"


def breach_message(sender: str, recipient_name: str, recipient_email: str,
                   breaches: Sequence[dict[str, Any]], now_us: int, tz: ZoneInfo,
                   msgid: str | None = None) -> EmailMessage:
    """One message listing every pending breach of one recipient (plain text and HTML)."""
    rows = breach_lines(breaches, now_us, tz)
    count = len(rows)
    message = new_message(sender, recipient_email,
                          f"SLA breach alert: {count} breach{'es' if count != 1 else ''}", msgid)
    greeting = greeting_for(recipient_name)
    intro = f"{count} SLA target{'s were' if count != 1 else ' was'} breached:"
    plain = [greeting, "", intro, ""]
    for row in rows:
        plain.append(f"- {row['item_id']} {row['subject']!s}")
        plain.append(f"  {row['kind']}, {row['priority']} priority; {row['target']} was due "
                     f"{row['due']}, overdue by {row['overdue']}")
    plain += ["", "Open Support Console to act on them.", "-- Support Console"]
    message.set_content("\n".join(plain) + "\n")
    head = "".join(f"<th align='left'>{html.escape(label)}</th>" for _key, label in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(row[key])}</td>" for key, _label in COLUMNS) + "</tr>"
        for row in rows)
    message.add_alternative(
        f"<html><body><p>{html.escape(greeting)}</p><p>{html.escape(intro)}</p>"
        f"<table border='1' cellpadding='4' cellspacing='0'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
        "<p>Open Support Console to act on them.</p></body></html>",
        subtype="html")
    return message

