"""What needs attention, counted per association by the features' counters: the numbers
and a cost in queries that does not grow with the associations or their records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app, g

from app.associations import attention
from app.core import clock, outbox
from app.extensions import db
from tests import factories as f
from tests.queries import counted_queries
from tests.unit.compliance_helpers import days, make_rule, noticed, open_violation


@pytest.fixture(autouse=True)
def _request(app):
    with app.test_request_context():
        yield


def _labels(result, aid):
    return [item.label for item in result[aid]]


def _failed_mail(association_id, n=1):
    for _ in range(n):
        message = outbox.queue_mail("x@example.com", "s", "b", association_id=association_id)
        message.status, message.failed_at = outbox.FAILED, clock.now()
    db.session.flush()


def test_counts_what_is_due_in_each_association(world):
    open_violation(world)  # open and never lettered: due at once
    late = noticed(world, code="LND-1", title="Lawn")
    days(15)  # past the notice's cure date
    assert late.cure_by < clock.today(world.a.time_zone)
    _failed_mail(world.a.id, 2)
    f.MembershipFactory(user=world.manager, association=world.b, role="manager")
    _failed_mail(world.b.id)
    db.session.flush()
    g.pop("_membership_rows", None)
    result = attention.for_associations([world.a, world.b], world.manager)
    assert _labels(result, world.a.id)[:2] == [
        "2 violations are due",
        "2 e-mails could not be sent",
    ]
    assert _labels(result, world.b.id) == ["1 e-mail could not be sent"]


def test_each_viewer_sees_only_what_their_role_reaches(world):
    open_violation(world)
    _failed_mail(world.a.id)
    board = attention.for_associations([world.a], world.board)[world.a.id]
    assert [i.label for i in board] == ["1 violation is due"]  # failed mail is the manager's
    assert attention.for_associations([world.a], world.owner)[world.a.id] == []
    assert attention.for_associations([world.a], world.outsider)[world.a.id] == []


def test_the_cost_in_queries_does_not_grow(world):
    def queries(associations):
        with counted_queries(current_app) as statements:
            attention.for_associations(associations, world.manager)
        return len(statements)

    rule = make_rule(world)
    open_violation(world, rule)
    queries([world.a])  # the membership rows load once per request
    few = queries([world.a])
    more = [f.AssociationFactory() for _ in range(4)]
    for association in more:
        f.MembershipFactory(user=world.manager, association=association, role="manager")
        _failed_mail(association.id, 3)
    for _ in range(5):
        open_violation(world, rule)
        clock.advance(timedelta(minutes=1))
    db.session.flush()
    g.pop("_membership_rows", None)
    queries([world.a, *more])
    assert queries([world.a, *more]) == few
