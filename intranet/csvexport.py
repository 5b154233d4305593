"""Every CSV the intranet hands out, written one way so that it opens in the reader's spreadsheet.

French spreadsheets (Excel set to French, Canadian or France) read ``,`` as the decimal comma and
expect ``;`` between columns; they guess the encoding from a byte-order mark. So a CSV is UTF-8
with a BOM, ``;``-separated for a French reader and ``,``-separated for an English one. Views
answer with :func:`csv_response`; workers write :func:`csv_bytes` with the asker's locale.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response
from flask_babel import get_locale

BOM = "\ufeff"
MIMETYPE = "text/csv"


def delimiter(locale: str | None = None) -> str:
    """``;`` for French (the comma is the decimal separator there), ``,`` otherwise."""
    language = (locale or str(get_locale() or "fr")).split("_")[0].split("-")[0]
    return ";" if language == "fr" else ","


def csv_text(rows: Iterable[Iterable], *, header: Iterable | None = None, locale: str | None = None) -> str:
    """The whole file as text, BOM first; ``locale`` defaults to the request's language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter(locale), lineterminator="\r\n")
    if header is not None:
        writer.writerow([str(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return BOM + buffer.getvalue()


def csv_bytes(
    rows: Iterable[Iterable], *, header: Iterable | None = None, locale: str | None = None
) -> bytes:
    return csv_text(rows, header=header, locale=locale).encode("utf-8")


def csv_response(
    rows: Iterable[Iterable], filename: str, *, header: Iterable | None = None, locale: str | None = None
) -> Response:
    """A download of ``rows`` named ``filename`` (ASCII: callers slugify titles)."""
    return Response(
        csv_bytes(rows, header=header, locale=locale),
        mimetype=MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def read_csv(data: bytes | str) -> list[list[str]]:
    """Read back what :func:`csv_text` wrote (for tests and imports): BOM dropped, separator found
    from the first line."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    text = text.removeprefix(BOM)
    first = text.split("\n", 1)[0]
    sep = ";" if first.count(";") > first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=sep))
