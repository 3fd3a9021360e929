"""Uploaded files in API requests."""

from __future__ import annotations

from flask import abort, current_app, request
from flask_babel import gettext as _

# The OpenAPI request body of an endpoint that takes one uploaded file in the field "file".
FILE_UPLOAD = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    }
}

TEXT_TYPES = {
    "text/csv",
    "text/plain",
    "application/csv",
    "application/vnd.ms-excel",
    "application/octet-stream",
    "",
}


def read_text_upload(field: str = "file") -> str:
    """Return the text of a CSV upload: 413 when too large, 415 when not text, 422 when absent."""
    from app.core.errors import ValidationError
    from app.core.storage import read_csv_text

    limit = current_app.config.get("MAX_CSV_BYTES", 2 * 1024 * 1024)
    if request.content_length and request.content_length > limit + 4096:
        abort(413, description=_("The file is larger than %(mb)d MB.", mb=limit // 1048576))
    upload = request.files.get(field)
    if upload is None:
        raise ValidationError(
            field, _("Attach the CSV file as the form field “%(field)s”.", field=field)
        )
    if (upload.mimetype or "") not in TEXT_TYPES:
        abort(415, description=_("Send a CSV file (text/csv)."))
    return read_csv_text(upload)
