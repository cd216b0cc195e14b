"""Reading one e-mail message into what the intake needs, whatever state it is in.

Pure: bytes in, :class:`Inbound` out, never an exception. Broken MIME, unknown charsets, HTML
without a text part, missing headers: each gives a readable result and a reason in
:attr:`Inbound.reasons` (``broken_mime``, ``unknown_charset``, ``html_only``, ``no_sender``...).
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
CASE_TAG = re.compile(r"\[#(\d{1,9})\]")
"""The case number our notices put in their subject: ``[#123]``."""
MAX_FILENAME = 255
AUTO_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply", "auto-reply"})
AUTO_HEADERS = ("x-autoreply", "x-autorespond", "x-auto-reply", "x-autoresponse")
QUOTE_INTRO = re.compile(
    r"^\s*(On .{0,200} wrote:|W dniu .{0,200} pisze:|W dniu .{0,200} napisał\(a\):"
    r"|.{0,200}(пишет|написал\(а\)|написал):|-{2,} ?(Original Message|Oryginalna wiadomość"
    r"|Исходное сообщение) ?-{2,}|From: .{0,300})\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Inbound:
    """One message as the intake sees it."""

    message_id: str | None
    dedupe_key: str
    sender: str | None
    sender_name: str | None
    subject: str
    text: str
    in_reply_to: list[str]
    references: list[str]
    auto_submitted: bool
    attachments: list[Attachment] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    headers_only: bool = False

    @property
    def thread_ids(self) -> list[str]:
        """The Message-IDs this message answers, nearest first."""
        seen: list[str] = []
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            if mid not in seen:
                seen.append(mid)
        return seen

    @property
    def claimed_case(self) -> int | None:
        """The case number in the subject, if any (``[#123]``)."""
        found = CASE_TAG.search(self.subject)
        return int(found.group(1)) if found else None


class _TextOfHtml(HTMLParser):
    SKIP = frozenset({"script", "style", "head", "title"})
    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The readable text of an HTML body: tags, scripts and styles dropped, blocks as lines."""
    parser = _TextOfHtml()
    try:
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    except Exception:  # a broken body still gives its words
        text = html.unescape(re.sub(r"<[^>]*>", " ", markup))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def without_quote(text: str) -> str:
    """A reply's own words: the quoted lines (``>``) and everything from a quote's introduction
    ("On ... wrote:", "W dniu ... pisze:", "... пишет:") dropped. The whole text when nothing
    would be left."""
    kept: list[str] = []
    for line in text.splitlines():
        if QUOTE_INTRO.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    own = "\n".join(kept).strip()
    return own or text.strip()


def message_ids(value: str | None) -> list[str]:
    return [m.lower() for m in MESSAGE_ID.findall(value or "")][:50]


def _header(msg: Message, name: str) -> str | None:
    try:
        value = msg.get(name)
    except Exception:  # a header that does not parse is as good as missing
        return None
    if value is None:
        return None
    return " ".join(str(value).split())


def _decode(part: Message, reasons: list[str]) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except LookupError:
        if "unknown_charset" not in reasons:
            reasons.append("unknown_charset")
    except UnicodeDecodeError:
        if "bad_encoding" not in reasons:
            reasons.append("bad_encoding")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("utf-8", errors="replace")


def _filename(part: Message, index: int) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    name = (name or f"attachment-{index}").replace("\x00", "").replace("/", "_").replace("\\", "_")
    return name.strip()[:MAX_FILENAME] or f"attachment-{index}"


def _walk(msg: Message, reasons: list[str]) -> tuple[str, str, list[Attachment]]:
    plain: list[str] = []
    markup: list[str] = []
    attachments: list[Attachment] = []
    for index, part in enumerate(msg.walk()):
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        disposition = (part.get_content_disposition() or "").lower()
        if disposition != "attachment" and content_type == "text/plain":
            plain.append(_decode(part, reasons))
        elif disposition != "attachment" and content_type == "text/html":
            markup.append(_decode(part, reasons))
        else:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                attachments.append(Attachment(_filename(part, index), content_type[:127], payload))
    return "\n\n".join(p for p in plain if p.strip()), "\n".join(markup), attachments


def dedupe_key(message_id: str | None, raw: bytes) -> str:
    """The Message-ID's digest, or the raw message's when it has none: the same message read
    twice gives the same key."""
    source = message_id.encode() if message_id else b"raw:" + raw
    return hashlib.sha256(source).hexdigest()


def _sender(msg: Message, reasons: list[str]) -> tuple[str | None, str | None]:
    for name in ("from", "sender", "reply-to"):
        value = _header(msg, name)
        if not value:
            continue
        display, address = parseaddr(value)
        if not address:
            pairs = getaddresses([value])
            display, address = pairs[0] if pairs else ("", "")
        address = address.strip().strip("<>")
        if "@" in address and " " not in address and len(address) <= 320:
            try:
                Address(addr_spec=address)
            except Exception:  # an odd but usable address is still an address
                reasons.append("odd_sender")
            return address.lower(), (display.strip()[:200] or None)
    reasons.append("no_sender")
    return None, None


def is_auto_submitted(msg: Message) -> bool:
    """An automatic message (RFC 3834 ``Auto-Submitted``, ``Precedence: bulk/junk/list``,
    ``X-Autoreply`` and its kin, a bounce with an empty ``Return-Path``): never answered, never
    a case."""
    auto = (_header(msg, "auto-submitted") or "no").lower()
    if not auto.startswith("no"):
        return True
    if (_header(msg, "precedence") or "").lower() in AUTO_PRECEDENCE:
        return True
    if any(_header(msg, name) for name in AUTO_HEADERS):
        return True
    return _header(msg, "return-path") == "<>"


def parse(raw: bytes, *, headers_only: bool = False) -> Inbound:
    """``raw`` (a whole message, or only its header when ``headers_only``) as :class:`Inbound`."""
    reasons: list[str] = []
    try:
        msg: Message = message_from_bytes(raw, policy=policy.default)
    except Exception:  # the stdlib parser rarely raises; the compat one less so
        reasons.append("broken_mime")
        msg = message_from_bytes(raw, policy=policy.compat32)
    if getattr(msg, "defects", None) and "broken_mime" not in reasons:
        reasons.append("broken_mime")
    found_ids = message_ids(_header(msg, "message-id"))
    message_id = found_ids[0] if found_ids else None
    sender, sender_name = _sender(msg, reasons)
    subject = (_header(msg, "subject") or "").replace("\x00", "")[:998]
    text = ""
    attachments: list[Attachment] = []
    if not headers_only:
        try:
            text, markup, attachments = _walk(msg, reasons)
        except Exception:  # a tree the walk cannot read: keep its raw text
            reasons.append("broken_mime")
            text, markup = raw.decode("utf-8", errors="replace"), ""
        if not text.strip() and markup.strip():
            reasons.append("html_only")
            text = html_to_text(markup)
        for part in msg.walk() if isinstance(msg, EmailMessage) else ():
            if getattr(part, "defects", None) and "broken_mime" not in reasons:
                reasons.append("broken_mime")
    return Inbound(
        message_id=message_id,
        dedupe_key=dedupe_key(message_id, raw),
        sender=sender,
        sender_name=sender_name,
        subject=subject,
        text=text.replace("\x00", "").strip(),
        in_reply_to=message_ids(_header(msg, "in-reply-to")),
        references=message_ids(_header(msg, "references")),
        auto_submitted=is_auto_submitted(msg),
        attachments=attachments,
        reasons=reasons,
        headers_only=headers_only,
    )
