"""Who may see and change vendors and contracts."""

from __future__ import annotations

from app.auth import policies
from app.auth.models import User


def can_manage(user: User, association_id: int) -> bool:
    """Managers and admins keep vendors, insurance, contracts and bids."""
    return policies.is_manager(user, association_id)


def can_see_private(user: User, association_id: int) -> bool:
    """Managers, board and admins see tax ids, notes and drafts; owners see the directory."""
    return policies.is_manager(user, association_id) or policies.is_board(user, association_id)
