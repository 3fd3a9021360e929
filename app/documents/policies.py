"""Who may upload and see documents."""

from __future__ import annotations

from app.auth import policies
from app.auth.models import User
from app.documents.models import Document, Visibility


def can_upload(user: User | None, association_id: int) -> bool:
    """Managers (and admins) upload documents and new versions."""
    return policies.is_manager(user, association_id)


def sees_board_documents(user: User | None, association_id: int) -> bool:
    """Managers and the board see board-only documents."""
    return policies.is_manager(user, association_id) or policies.is_board(user, association_id)


def can_see(user: User | None, document: Document) -> bool:
    """Members see owners' documents; board-only ones stay with the board and managers."""
    if document.visibility == Visibility.BOARD:
        return sees_board_documents(user, document.association_id)
    return policies.is_member(user, document.association_id)
