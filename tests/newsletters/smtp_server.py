"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests.

Addresses in ``refuse`` are refused at RCPT with the reply given; messages to addresses in
``refuse_data`` are refused after their data (as a spam filter does)."""

from __future__ import annotations

import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """The aiosmtpd handler: parses and keeps each accepted message (or only counts them)."""

    def __init__(self, *, keep: bool = True) -> None:
        self.keep = keep
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.count = 0
        self.refuse: dict[str, str] = {}
        self.refuse_data: dict[str, str] = {}
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for address in envelope.rcpt_tos:
            if address in self.refuse_data:
                return self.refuse_data[address]
        with self.lock:
            self.count += 1
            if self.keep:
                message = email.message_from_bytes(envelope.content, policy=default_policy)
                self.messages.append(message)  # type: ignore[arg-type]
                self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if address in str(m["To"])]


class SmtpServer:
    def __init__(self, *, keep: bool = True) -> None:
        self.collector = Collector(keep=keep)
        self.port = free_port()
        # server_hostname given: otherwise aiosmtpd asks DNS for this machine's name.
        self.controller = Controller(
            self.collector, hostname="127.0.0.1", port=self.port, server_hostname="localhost"
        )

    def start(self) -> SmtpServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def django_settings(self) -> dict[str, Any]:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
        }
