"""A CSV file of posts (an export from a monitoring tool, or a spreadsheet of the week's reviews
on Opinie.pl or Otzovik): ``calmdesk social import FILE.csv``.

UTF-8 (a BOM is fine), comma-separated, a header row; columns ``id``, ``platform``, ``author``,
``text`` (required), ``url``, ``posted_at`` (ISO 8601 with an offset), ``lang``, ``kind``
(``upsert``, the default, or ``deleted``). Importing the same file again changes nothing; a row
with another text edits its post, keeping the earlier text in the history.
"""

from __future__ import annotations

import csv
import io

from calmdesk.social.connectors import (
    ConnectorNotConfigured,
    IncomingRequest,
    OutgoingReply,
    PayloadInvalid,
    PostChange,
    Published,
)
from calmdesk.social.connectors.generic import GenericConnector
from calmdesk.social.enums import Platform

REQUIRED = ("id", "platform", "author", "text")
COLUMNS = frozenset({*REQUIRED, "url", "posted_at", "lang", "kind"})
MAX_ROWS = 10_000


def _invalid(problem: str) -> PayloadInvalid:
    return PayloadInvalid(f"The CSV file is invalid: {problem}", problem=problem)


class CsvConnector:
    key = "csv"
    platform = Platform.OTHER

    def verify(self, request: IncomingRequest) -> None:
        """A local file read by an operator: nothing to verify."""

    def parse(self, payload: bytes) -> list[PostChange]:
        try:
            text = payload.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _invalid("it is not UTF-8") from None
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise _invalid(f"the header lacks {', '.join(missing)}")
        unknown = sorted(set(header) - COLUMNS)
        if unknown:
            raise _invalid(f"unknown columns {', '.join(unknown)}")
        changes: list[PostChange] = []
        for row in reader:
            line = reader.line_num
            if len(changes) >= MAX_ROWS:
                raise _invalid(f"more than {MAX_ROWS} rows; split the file")
            if None in row:
                raise _invalid(f"line {line}: more values than columns")
            values = {key: value for key, value in row.items() if value not in (None, "")}
            try:
                [change] = GenericConnector(None).parse_values([values])
            except PayloadInvalid as error:
                problem = str(error.fields["problem"]).removeprefix("changes.0").lstrip(".: ")
                raise _invalid(f"line {line}: {problem}") from None
            changes.append(change)
        if not changes:
            raise _invalid("no rows")
        return changes

    def publish(self, reply: OutgoingReply) -> Published:
        raise ConnectorNotConfigured("Posts imported from a file are answered on their platform.")
