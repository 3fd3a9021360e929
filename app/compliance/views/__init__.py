"""Compliance pages for managers and the board (owners' pages are in portal.py)."""

from app.compliance.views import inspections, letters, violation, violations  # noqa: F401
from app.compliance.views.base import bp

__all__ = ["bp"]
