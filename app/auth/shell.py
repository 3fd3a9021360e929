"""What auth adds to the application shell: the permission predicates and role labels in
every template, the people page for administrators, and its audit actions in words."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth import policies
from app.auth.models import office_label, office_words
from app.core import audit, navigation


def role_description(user, association_id: int) -> str:
    """Describe the user's roles in an association, e.g. "Board (treasurer), Owner"."""
    roles = policies.roles_in(user, association_id)
    parts = []
    if "manager" in roles:
        parts.append(_("Manager"))
    if "board" in roles:
        offices = ", ".join(
            sorted(office_words(o) for o in policies.offices_in(user, association_id))
        )
        parts.append(_("Board (%(offices)s)", offices=offices) if offices else _("Board"))
    if "owner" in roles:
        parts.append(_("Owner"))
    if not parts and policies.is_admin(user):
        parts.append(_("Administrator"))
    return ", ".join(parts)


def register(app) -> None:
    """Register auth's template helpers, navigation and audit actions."""

    @app.context_processor
    def permission_helpers():
        return {"policies": policies, "role_description": role_description}

    # A global, not context: templates/labels.html's macros are imported without context.
    app.add_template_global(office_label)

    navigation.set_role_label(role_description)
    navigation.administration("auth.users", _l("All people"), order=20, shows=policies.is_admin)
    audit.describe_actions(
        {
            "user.created": _l("Account created"),
            "user.updated": _l("Account changed"),
            "user.password_changed": _l("Password changed"),
            "user.password_reset": _l("Password reset"),
            "user.preferences": _l("Preferences changed"),
            "user.session_ended": _l("Browser signed out"),
            "user.sign_in_failed": _l("Sign-in failed"),
            "user.token_revoked": _l("API token revoked"),
        }
    )
    audit.link_records("user", None, _l("Account"))
