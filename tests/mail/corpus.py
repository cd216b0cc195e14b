"""Complaint e-mails for the mail tests and the benchmark: ordinary ones in pl, ru and en, and
broken ones (no sender, broken MIME, an unknown charset, HTML only, an auto-reply, a huge
attachment). Every text is written for these tests."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

COMPLAINTS = {
    "pl": (
        "Podwójne obciążenie karty",
        "Dzień dobry, za zamówienie 4471 pobrano z mojej karty dwa razy po 349 zł. "
        "Proszę o zwrot nadpłaty, bo czekam już tydzień i nikt nie odpowiada.",
    ),
    "ru": (
        "Заказ так и не доставили",
        "Здравствуйте! Заказ 88120 должен был приехать в понедельник, сегодня пятница, "
        "курьер не берёт трубку. Верните деньги или привезите заказ завтра.",
    ),
    "en": (
        "Broken kettle, no answer",
        "Hello, the kettle I bought on 2 March stopped heating after three days. "
        "I sent two messages through your form and got no reply. I want a replacement.",
    ),
}


def complaint(
    lang: str,
    *,
    sender: str = "",
    message_id: str | None = None,
    subject: str | None = None,
    text: str | None = None,
    in_reply_to: str | None = None,
    headers: dict[str, str] | None = None,
    attachment: tuple[str, bytes] | None = None,
) -> bytes:
    """An ordinary complaint in ``lang`` (its default text), as bytes."""
    default_subject, default_text = COMPLAINTS[lang]
    message = EmailMessage()
    message["From"] = (
        sender
        or {
            "pl": "Anna Nowak <anna.nowak@example.pl>",
            "ru": "Иван Петров <ivan.petrov@example.ru>",
            "en": "Pat Smith <pat.smith@example.com>",
        }[lang]
    )
    message["To"] = "complaints@calmdesk.test"
    message["Subject"] = subject if subject is not None else default_subject
    message["Date"] = format_datetime(datetime(2026, 12, 4, 9, 30, tzinfo=UTC))
    digest = hashlib.sha256(f"{lang}|{sender}|{subject}|{text}".encode()).hexdigest()[:16]
    message["Message-ID"] = message_id or f"<{lang}-{digest}@example>"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text if text is not None else default_text)
    if attachment is not None:
        name, data = attachment
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


NO_SENDER = (
    b"To: complaints@calmdesk.test\r\nSubject: Reklamacja\r\nMessage-ID: <nosender@x>\r\n\r\n"
    b"Nikt nie podpisal tej wiadomosci.\r\n"
)
BROKEN_MIME = (
    b"From: Jan Kowal <jan.kowal@example.pl>\r\nSubject: Zepsuty =?utf-8?q?za=C5=82?=\r\n"
    b"Message-ID: <broken@x>\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="never-closed"\r\n\r\n'
    b"--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n"
    b"UGFjemthIGRvdGFyxYJhIHpnbmllY2lvbmEsIHByb3N6xJkgbyB6d3JvdC4=\r\n"
    b"--never-closed\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 truncated"
)
UNKNOWN_CHARSET = (
    b"From: ivan@example.ru\r\nSubject: =?x-unknown?b?0JbQsNC70L7QsdCw?=\r\n"
    b"Message-ID: <charset@x>\r\nContent-Type: text/plain; charset=x-made-up-charset\r\n\r\n"
    + "Жалоба: списали деньги дважды, верните.".encode()
)
HTML_ONLY = (
    b"From: Pat <pat.html@example.com>\r\nSubject: Refund\r\nMessage-ID: <html@x>\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b"<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
    b"<body><p>I was <b>charged twice</b> for order 5512.</p><p>Please refund me.</p></body></html>"
)
AUTO_REPLY = (
    b"From: anna.nowak@example.pl\r\nSubject: Automatic reply: out of office\r\n"
    b"Message-ID: <ooo@x>\r\nAuto-Submitted: auto-replied\r\n\r\n"
    b"Jestem na urlopie do poniedzialku.\r\n"
)
