"""Who may write, see and read notices."""

from __future__ import annotations

from app.auth import policies
from app.auth.models import User


def can_write(user: User | None, association_id: int) -> bool:
    """Managers (and admins) write, publish and remind."""
    return policies.is_manager(user, association_id)


def can_see_all(user: User | None, association_id: int) -> bool:
    """Managers and board members see every notice with its deliveries."""
    return policies.is_manager(user, association_id) or policies.is_board(user, association_id)
