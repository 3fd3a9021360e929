"""Who may see and change vendors and contracts.

Owners see none of it: the vendor directory, insurance, documents, contracts (decided or
not), requests for proposals and bids are for the managers and the board. Pages, the API and
the approvals pages all ask ``can_see_vendors``.
"""

from __future__ import annotations

from app.auth import policies
from app.auth.models import User


def can_manage(user: User, association_id: int) -> bool:
    """Managers and admins keep vendors, insurance, contracts and bids."""
    return policies.is_manager(user, association_id)


def can_see_vendors(user: User, association_id: int) -> bool:
    """Managers, board members and admins see vendors and contracts, tax ids and notes too."""
    return policies.is_manager(user, association_id) or policies.is_board(user, association_id)
