"""The navigation bar: what the signed-in user may reach in the association at hand."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import policies
from app.extensions import db


@dataclass(frozen=True)
class NavItem:
    """One link in the navigation."""

    label: str
    url: str
    active: bool


@dataclass(frozen=True)
class Navigation:
    """The links and the association switcher for one request."""

    items: list[NavItem]
    global_items: list[NavItem]
    associations: list[tuple[int, str]]
    current_id: int | None
    role_label: str
    awaiting: int


def _item(label: str, endpoint: str, **values) -> NavItem:
    url = url_for(endpoint, **values)
    active = request.endpoint == endpoint or (
        request.path.startswith(url) and url.count("/") > 2 and not url.endswith("/")
    )
    return NavItem(label, url, active)


def for_request() -> Navigation | None:
    """Return the navigation for the current user, or None when signed out."""
    if not has_request_context() or not current_user or not current_user.is_authenticated:
        return None  # PDFs rendered by jobs and commands have no navigation
    from app.associations.models import Association

    user = current_user._get_current_object()
    associations = [
        (row.id, row.name)
        for row in db.session.execute(
            policies.visible_associations(user)
            .with_only_columns(Association.id, Association.name)
            .order_by(Association.name)
            .limit(500)
        )
    ]
    association = g.get("association")
    items: list[NavItem] = []
    role_label = ""
    if association is not None:
        aid = association.id
        items.append(_item(_("Overview"), "associations.dashboard", aid=aid))
        roles = policies.roles_in(user, aid)
        if "owner" in roles and roles != {"owner"}:
            items.append(_item(_("My home"), "home.page", aid=aid))
        items.append(_item(_("Notices"), "notices.index", aid=aid))
        items.append(_item(_("Documents"), "documents.index", aid=aid))
        if policies.can_list_units(user, aid):
            items.append(_item(_("Units"), "associations.units", aid=aid))
        if policies.can_list_people(user, aid):
            items.append(_item(_("People"), "associations.people", aid=aid))
        if policies.is_manager(user, aid) or policies.is_board(user, aid):
            items.append(_item(_("Violations"), "compliance.violations", aid=aid))
        items.append(_item(_("Budgets"), "budgets.index", aid=aid))
        if policies.is_manager(user, aid) or policies.is_board(user, aid):
            items.append(_item(_("Vendors"), "vendors.index", aid=aid))
        if policies.is_manager(user, aid) or policies.is_board(user, aid):
            items.append(_item(_("Approvals"), "approvals.index", aid=aid))
        if policies.can_read_audit(user, aid):
            items.append(_item(_("Audit log"), "associations.audit_log", aid=aid))
        if policies.is_manager(user, aid):
            items.append(_item(_("Mail"), "outbox.mail", aid=aid))
        if policies.can_edit_association(user, aid):
            items.append(_item(_("Settings"), "associations.edit", aid=aid))
        role_label = role_description(user, aid)
    global_items = []
    if policies.is_admin(user):
        global_items.append(_item(_("All associations"), "associations.index"))
        global_items.append(_item(_("All people"), "auth.users"))
        global_items.append(_item(_("Background jobs"), "outbox.job_list"))
    from app.approvals.services import awaiting_vote

    return Navigation(
        items,
        global_items,
        associations,
        association.id if association else None,
        role_label,
        len(awaiting_vote(user)),
    )


def role_description(user, association_id: int) -> str:
    """Describe the user's roles in an association, e.g. "Board (treasurer), Owner"."""
    roles = policies.roles_in(user, association_id)
    parts = []
    if "manager" in roles:
        parts.append(_("Manager"))
    if "board" in roles:
        offices = ", ".join(
            sorted(o.replace("_", " ") for o in policies.offices_in(user, association_id))
        )
        parts.append(_("Board (%(offices)s)", offices=offices) if offices else _("Board"))
    if "owner" in roles:
        parts.append(_("Owner"))
    if not parts and policies.is_admin(user):
        parts.append(_("Administrator"))
    return ", ".join(parts)
