"""What associations add to the application shell: how pages find the association at
hand, the switcher, their links in the navigation, audit actions in words and links to
units."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.associations.forms import profile_label
from app.associations.models import Association
from app.associations.policies import get_association, visible_associations
from app.auth import policies
from app.auth.models import Membership
from app.core import audit, navigation, pages
from app.extensions import db


def memberships_with_names(user) -> list[tuple]:
    """Return the user's (association_id, role, unit_id, office, association name) in one
    statement; on a page, with the navigation's badge counts in the same statement."""
    badges = navigation.badge_columns(user) if navigation.folds_badges(user) else []
    rows = db.session.execute(
        select(
            Membership.association_id,
            Membership.role,
            Membership.unit_id,
            Membership.office,
            Association.name,
            *badges,
        )
        .join(Association, Association.id == Membership.association_id)
        .where(Membership.user_id == user.id)
    ).all()
    if badges and rows:
        navigation.remember_badge_counts(user, list(rows[0][5:]))
    return [tuple(row[:5]) for row in rows]


def switcher(user) -> list[tuple[int, str]]:
    """Return (id, name) of the associations the user may switch to, by name: for everyone
    but administrators, from the memberships already read (no statement of its own)."""
    if not policies.is_admin(user):
        names = policies.association_names(user)
        return sorted(names.items(), key=lambda item: (item[1].casefold(), item[1], item[0]))[:500]
    return [
        (row.id, row.name)
        for row in db.session.execute(
            visible_associations(user)
            .with_only_columns(Association.id, Association.name)
            .order_by(Association.name)
            .limit(500)
        )
    ]


def register(app) -> None:
    """Register associations with the pages, the navigation and the audit log."""
    pages.set_association_loader(get_association)
    app.add_template_global(profile_label)  # templates/labels.html: imported without context
    navigation.set_switcher(switcher)
    policies.set_membership_loader(memberships_with_names)
    navigation.section("associations.dashboard", _l("Overview"), order=10)
    navigation.section("associations.units", _l("Units"), order=20, shows=policies.can_list_units)
    navigation.section(
        "associations.people", _l("People"), order=30, shows=policies.can_list_people
    )
    navigation.section(
        "associations.audit_log", _l("Audit log"), order=80, shows=policies.can_read_audit
    )
    navigation.section(
        "associations.edit", _l("Settings"), order=100, shows=policies.can_edit_association
    )
    navigation.administration(
        "associations.index", _l("All associations"), order=10, shows=policies.is_admin
    )
    audit.describe_actions(
        {
            "association.created": _l("Association created"),
            "association.updated": _l("Settings changed"),
            "unit.created": _l("Unit added"),
            "unit.updated": _l("Unit changed"),
            "unit.deleted": _l("Unit removed"),
            "units.imported": _l("Units and owners imported"),
            "membership.created": _l("Role given"),
            "membership.deleted": _l("Role taken away"),
            "invitation.created": _l("Invitation sent"),
            "invitation.accepted": _l("Invitation accepted"),
        }
    )
    audit.link_records(
        "association",
        lambda aid, id_: url_for("associations.dashboard", aid=aid),
        _l("Association"),
    )
    audit.link_records(
        "unit", lambda aid, id_: url_for("associations.unit", aid=aid, unit_id=id_), _l("Unit")
    )
    audit.link_records(
        "membership", lambda aid, id_: url_for("associations.people", aid=aid), _l("Role")
    )
    audit.link_records(
        "invitation", lambda aid, id_: url_for("associations.people", aid=aid), _l("Invitation")
    )
