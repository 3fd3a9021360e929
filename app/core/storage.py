"""Files kept outside the web root: uploaded photos and built batch PDFs.

Photos are checked by their content (``core.uploads``: JPEG or PNG, verified by Pillow),
limited in size and stored under random names; nothing a user sends chooses a path.

An uploaded file is written for the database transaction under way: when that transaction
rolls back (a request refused part-way, say at its second file), the files it wrote are
removed, so that no file stays on disk without the row that names it.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from app.core.uploads import JPEG, PNG, TooLarge, UnsupportedMedia, accept, check_size
from app.extensions import db

EXTENSIONS = {JPEG: "jpg", PNG: "png"}
__all__ = ["StoredPhoto", "TooLarge", "UnsupportedMedia", "save_photo"]


@dataclass(frozen=True)
class StoredPhoto:
    """Where a photo was stored and what it is."""

    stored_name: str
    content_type: str
    size: int
    sha256: str


def _root(kind: str) -> Path:
    path = Path(current_app.config.get("STORAGE_DIR") or current_app.instance_path) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


# session.info key: [(the transaction a file was written in, its path)], until it commits.
_WRITTEN = "storage_written"


def _written_for_transaction(path: Path) -> None:
    """Remember a file just written: removed if the transaction under way rolls back."""
    session = db.session()
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:  # nothing read or written yet: the file starts the transaction
        transaction = session.begin()
    session.info.setdefault(_WRITTEN, []).append((transaction, path))


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _remove_written(session: Session, ended: SessionTransaction | None) -> None:
    """Remove the files written in ``ended`` or a savepoint inside it (every file: None)."""
    written = session.info.get(_WRITTEN)
    if not written:
        return
    kept = []
    for transaction, path in written:
        if ended is None or _within(transaction, ended):
            path.unlink(missing_ok=True)
        else:
            kept.append((transaction, path))
    session.info[_WRITTEN] = kept


@event.listens_for(Session, "after_commit")
def _keep_written(session: Session) -> None:
    # A savepoint released: its files now wait on the transaction around it.
    if session.get_nested_transaction() is None:
        session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    _remove_written(session, previous_transaction)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    # The session closed with its transaction neither committed nor rolled back.
    if transaction.parent is None:
        _remove_written(session, None)


def _store(kind: str, name: str, data: bytes, content_type: str) -> StoredPhoto:
    """Write a checked upload under ``kind`` (whole, or not at all) for the transaction under
    way: a rollback removes it again."""
    target = _root(kind) / name
    temporary = target.with_suffix(".part")
    temporary.write_bytes(data)
    os.replace(temporary, target)
    _written_for_transaction(target)
    return StoredPhoto(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def save_photo(data: bytes) -> StoredPhoto:
    """Check an uploaded image by content and store it under a random name."""
    limit = current_app.config.get("MAX_PHOTO_BYTES", 10 * 1024 * 1024)
    check_size(data, limit, _("A photo"))
    content_type = accept(data, (JPEG, PNG), what=_("A photo"))
    extension = EXTENSIONS[content_type]
    return _store("photos", f"{secrets.token_hex(16)}.{extension}", data, content_type)


def read_photo(stored_name: str) -> bytes:
    """Return a stored photo's bytes."""
    return (_root("photos") / Path(stored_name).name).read_bytes()


def read_photo_for_print(stored_name: str, max_side: int = 1200) -> bytes:
    """Return a JPEG of the photo no larger than max_side pixels, cached on disk."""
    cached = _root("print") / (Path(stored_name).stem + f"-{max_side}.jpg")
    if cached.exists():
        return cached.read_bytes()
    from PIL import Image

    with Image.open(io.BytesIO(read_photo(stored_name))) as image:
        image = image.convert("RGB")
        image.thumbnail((max_side, max_side))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
    cached.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def read_csv_text(stream) -> str:
    """Read an uploaded CSV file as text (UTF-8, else Windows-1252), within MAX_CSV_BYTES."""
    limit = current_app.config.get("MAX_CSV_BYTES", 2 * 1024 * 1024)
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024)))
    if b"\x00" in data:
        raise UnsupportedMedia(_("This is not a text file. Send a CSV file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def save_document(data: bytes) -> StoredPhoto:
    """Store a checked PDF under a random name (the caller checked it with core.uploads)."""
    return _store("documents", f"{secrets.token_hex(16)}.pdf", data, "application/pdf")


def document_path(stored_name: str) -> Path:
    """Return where a stored document lives."""
    return _root("documents") / Path(stored_name).name


def packet_path(packet_id: int) -> Path:
    """Return where a meeting's built board packet lives."""
    return _root("packets") / f"packet-{packet_id}.pdf"


def batch_path(batch_id: int) -> Path:
    """Return where a mailing batch's merged PDF lives."""
    return _root("batches") / f"batch-{batch_id}.pdf"


def batch_chunk_path(batch_id: int, build: str, position: int, token: str) -> Path:
    """Return where one chunk of a batch's build is written before the merge."""
    return _root("batches") / f"batch-{batch_id}-{build}-{position:05d}-{token}.seg"


def batch_chunk_files(batch_id: int, build: str | None = None) -> list[Path]:
    """Return the chunk files of a batch's build (of every build: None) on disk."""
    pattern = f"batch-{batch_id}-{build}-*" if build else f"batch-{batch_id}-*"
    return sorted(_root("batches").glob(pattern))
