"""Uploaded files follow their transaction: kept when it commits, removed when it does not."""

from __future__ import annotations

from app.core import storage
from app.extensions import db
from tests.notice_helpers import pdf_bytes


def _exists(stored: storage.StoredPhoto) -> bool:
    return storage.document_path(stored.stored_name).exists()


def test_a_file_stays_when_its_transaction_commits():
    stored = storage.save_document(pdf_bytes())
    db.session.commit()
    assert _exists(stored)
    db.session.rollback()  # a later transaction rolling back does not touch it
    assert _exists(stored)


def test_files_go_when_their_transaction_rolls_back():
    first, second = storage.save_document(pdf_bytes()), storage.save_document(pdf_bytes())
    assert _exists(first) and _exists(second)
    db.session.rollback()
    assert not _exists(first) and not _exists(second)


def test_a_file_goes_when_the_session_closes_without_committing():
    stored = storage.save_document(pdf_bytes())
    db.session.close()
    assert not _exists(stored)


def test_a_savepoint_rolled_back_takes_only_its_own_files():
    outer = storage.save_document(pdf_bytes())
    savepoint = db.session.begin_nested()
    inner = storage.save_document(pdf_bytes())
    savepoint.rollback()
    assert _exists(outer) and not _exists(inner)
    released = db.session.begin_nested()
    kept = storage.save_document(pdf_bytes())
    released.commit()
    assert _exists(kept)
    db.session.rollback()  # the transaction around the released savepoint
    assert not _exists(outer) and not _exists(kept)
