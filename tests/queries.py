"""Counting the SQL statements a piece of work runs (for "no N+1" tests)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db


@contextmanager
def counted_queries(app, *, parameters: bool = False):
    """Collect the SQL statements run inside the block (a list, filled as they run); with
    ``parameters``, (statement, parameters) pairs."""
    statements: list = []

    def count(conn, cursor, statement, params, *args):
        statements.append((statement, params) if parameters else statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
