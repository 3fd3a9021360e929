"""Members: who holds which role in an association, giving a role or inviting, taking it away."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.schemas import ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, blp, caller
from app.api.setup_schemas import InvitationSchema, MemberCreateSchema, MemberSchema
from app.associations import invitations, memberships
from app.auth import policies
from app.auth.models import Membership, User
from app.core.listing import paginate
from app.extensions import db


@blp.route("/associations/<int:aid>/members")
class Members(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(MemberSchema, "MemberList"))
    def get(self, args, aid):
        """List who holds which role in the association."""
        association_for(aid)
        page = paginate(
            select(Membership)
            .join(Membership.user)
            .where(Membership.association_id == aid)
            .options(selectinload(Membership.user)),
            search=[User.name],
            sortable={"name": User.name},
            tiebreak=Membership.id,
            **args,
        )
        return envelope(page, lambda m: m)

    @blp.arguments(MemberCreateSchema)
    @blp.response(201, MemberSchema, description="The role, given to someone you already know")
    @blp.alt_response(
        202,
        schema=InvitationSchema,
        description="Anyone else is invited; the role begins when they accept. The answer is "
        "the same whether or not the person exists.",
    )
    @blp.alt_response(409, description="The person already holds this role")
    def post(self, body, aid):
        """Give a role (manager, board with office, owner with unit_id) to someone in one of
        your associations, or invite anyone else by user_id or e-mail."""
        association = association_for(aid)
        allow(policies.can_manage_members(caller(), association))
        added = invitations.add_member(
            association,
            actor=caller(),
            role=body["role"],
            unit_id=body["unit_id"],
            office=body["office"],
            user_id=body["user_id"],
            email=body["email"],
            name=body["name"],
        )
        db.session.commit()
        if isinstance(added, Membership):
            return added
        response = jsonify(
            InvitationSchema().dump(
                {
                    "invitation_id": added.id,
                    "status": "invited",
                    "role": added.role,
                    "unit_id": added.unit_id,
                    "office": added.office,
                }
            )
        )
        response.status_code = 202
        return response


@blp.route("/associations/<int:aid>/members/<int:membership_id>")
class MemberItem(MethodView):
    @blp.response(204)
    def delete(self, aid, membership_id):
        """Take a role away (admin, manager)."""
        association = association_for(aid)
        allow(policies.can_manage_members(caller(), association))
        membership = memberships.get_membership(association, membership_id)
        memberships.remove_membership(membership, actor=caller())
        db.session.commit()
        return None
