"""The front door: where a signed-in person lands.

Someone with one association goes straight to it. A manager or board member with several
(and an administrator) lands on what needs attention in each; an owner of several homes
chooses from the list of their associations, as before.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.associations import attention
from app.associations.models import Association
from app.associations.policies import visible_associations
from app.auth import policies
from app.core.listing import paginate
from app.core.pages import actor, list_args
from app.extensions import db

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    """Send people with one association straight to it; managers see all of theirs. The
    front door of someone not signed in is the sign-in page itself, without a warning."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    user = actor()
    statement = visible_associations(user)
    count = db.session.scalar(select(func.count()).select_from(statement.subquery()))
    if count == 1 and not policies.is_admin(user):
        association = db.session.scalars(statement).one()
        return redirect(url_for("associations.dashboard", aid=association.id))
    if not policies.runs_an_association(user):
        return redirect(url_for("associations.index"))
    page = paginate(
        statement,
        search=[Association.name, Association.state],
        sortable={"name": Association.name},
        default_sort="name",
        tiebreak=Association.id,
        **list_args(),
    )
    needs = attention.for_associations(page.items, user)
    return render_template("associations/home.html", page=page, needs=needs)
