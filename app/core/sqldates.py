"""Date arithmetic in SQL that reads the same on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class minus_days(FunctionElement):
    """``minus_days(date_column, days_column)``: the date that many days earlier."""

    type = Date()
    inherit_cache = True
    name = "minus_days"


@compiles(minus_days)
def _minus_days_postgresql(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"({compiler.process(day, **kw)} - {compiler.process(days, **kw)})"


@compiles(minus_days, "sqlite")
def _minus_days_sqlite(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '-' || {compiler.process(days, **kw)} || ' days')"
