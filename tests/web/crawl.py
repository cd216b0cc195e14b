"""Reading a page as a person sees it: its visible words (customer text left out), and what on
them would betray an untranslated page: an English text of our catalogs, an internal key, a raw
ISO moment or duration. Used by ``test_viewer_language.py`` (in process) and the browser tests."""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from calmdesk.coach import messages as coach_messages
from calmdesk.web.i18n import LOCALE_DIR

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
SKIPPED = {"script", "style", "template", "noscript"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


def _isolated(tag: str, attrs: dict[str, str | None]) -> bool:
    """Customer text (and the people's own names) are isolated: ``<bdi>`` or ``dir=auto``."""
    return (
        tag == "bdi" or attrs.get("dir") == "auto" or "customer-text" in (attrs.get("class") or "")
    )


@dataclass
class _Reader(HTMLParser):
    texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    stack: list[tuple[str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and (href := values.get("href")) and href.startswith("/"):
            self.links.append(href)
        hidden = (
            tag in SKIPPED
            or _isolated(tag, values)
            or (tag == "option" and (values.get("lang") is not None))
            # an identifier written for integrators (a webhook's event name), marked as such
            or (tag == "code" and values.get("translate") == "no")
        )
        if not self._hidden() and not hidden:
            for name in SHOWN_ATTRIBUTES:
                if values.get(name):
                    self.texts.append(str(values[name]))
            button = tag == "input" and values.get("type") in ("submit", "button")
            if button and values.get("value"):
                self.texts.append(str(values["value"]))
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self._hidden() and data.strip():
            self.texts.append(" ".join(data.split()))


def read_page(html: str) -> tuple[list[str], list[str]]:
    """The visible texts of a page (not inside isolated customer text) and its local links."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.texts, reader.links


def _pattern(msgid: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _, _ in string.Formatter().parse(msgid):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(".+?")
    return re.compile("".join(parts))


@lru_cache(maxsize=4)
def english_texts(lang: str) -> tuple[re.Pattern[str], ...]:
    """Every English text of the page catalog and the coach's catalog whose translation in
    ``lang`` differs from it (so its English words showing on a ``lang`` page is a mistake)."""
    found: set[str] = set()
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        for message in read_po(handle, locale=lang):
            ids = tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                if msgid and msgid not in strings:
                    found.add(msgid)
    for key, msgid in coach_messages.english().items():
        if coach_messages.template(key, lang) != msgid:
            found.add(msgid)
    # Words too short to tell a language by (a unit, a symbol) prove nothing.
    return tuple(_pattern(m) for m in sorted(found) if len(m) > 3 and re.search(r"[a-z]{3}", m))


INTERNAL_KEY = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+\.[a-z_]+[a-z]\b")
ISO_MOMENT = re.compile(
    r"\b\d{4}-\d\d-\d\dT\d\d:\d\d|\bP(?:\d+[YMWD])+(?:T\d+[HMS])?\b|\bPT\d+[HMS]\b"
)


def problems(texts: Iterable[str], lang: str) -> list[str]:
    """What on a ``lang`` page a reader of ``lang`` should not see."""
    found = []
    english = english_texts(lang)
    for text in texts:
        for pattern in english:
            if pattern.fullmatch(text):
                found.append(f"English: {text!r}")
                break
        for key in INTERNAL_KEY.findall(text):
            found.append(f"internal key {key!r} in {text!r}")
        if ISO_MOMENT.search(text):
            found.append(f"raw ISO value in {text!r}")
    return found
