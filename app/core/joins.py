"""A join whose left side the database reads first.

SQLite's planner picks the join order itself and, for a list sorted by a column of the
joined table (recipients by name), reads the big side and sorts it all. Where the left side
has an index in the list's order, reading it first and probing the right side for each row
stops after one page. SQLite's documented way to fix the order is ``CROSS JOIN``
(https://sqlite.org/optoverview.html#manual_control_of_query_plans_using_cross_join); other
databases plan it themselves and get a plain join."""

from __future__ import annotations

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.selectable import Join


class LeadingJoin(Join):
    """An inner join read from its left side first."""

    inherit_cache = True


@compiles(LeadingJoin, "sqlite")
def _cross_join(join: LeadingJoin, compiler, asfrom=False, from_linter=None, **kw) -> str:
    if from_linter:
        from_linter.edges.update(
            (left, right) for left in join.left._from_objects for right in join.right._from_objects
        )
    left = compiler.process(join.left, asfrom=True, from_linter=from_linter, **kw)
    right = compiler.process(join.right, asfrom=True, from_linter=from_linter, **kw)
    onclause = compiler.process(join.onclause, from_linter=from_linter, **kw)
    return f"{left} CROSS JOIN {right} ON {onclause}"


def leading_join(left, right, onclause) -> LeadingJoin:
    """Return ``left JOIN right ON onclause``, read from ``left`` first on SQLite."""
    return LeadingJoin(left, right, onclause)
