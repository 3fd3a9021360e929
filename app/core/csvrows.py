"""The rows of an uploaded CSV file (its text comes from ``storage.read_csv_text``): the
header checked, every row numbered by its line in the file, blank rows skipped."""

from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from app.core.errors import ValidationError


def read_rows(text: str, required: tuple[str, ...]) -> list[tuple[int, dict]]:
    """Return (line number, row) pairs; refuse a file without the required header.

    Header names are read in lower case and values stripped; a row with more values than
    columns, or a file that is not CSV, is a ValidationError on ``file`` naming the line.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        missing = [c for c in required if c not in header]
        if missing:
            raise ValidationError(
                "file",
                _(
                    "Line 1: the header must name the columns %(cols)s; missing %(missing)s.",
                    cols=", ".join(required),
                    missing=", ".join(missing),
                ),
            )
        reader.fieldnames = header
        rows = []
        for row in reader:
            # A row is named by the line it starts on (a quoted value may span lines).
            inner = sum((v or "").count("\n") for v in row.values() if isinstance(v, str))
            start = reader.line_num - inner
            if None in row:
                raise ValidationError("file", _("Line %(n)d: more values than columns.", n=start))
            if not any((v or "").strip() for v in row.values()):
                continue
            rows.append((start, {k: (v or "").strip() for k, v in row.items()}))
    except csv.Error as exc:
        raise ValidationError(
            "file", _("The file is not valid CSV: %(error)s", error=str(exc))
        ) from exc
    return rows
