"""Fiscal years and the window for getting a budget to owners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from app.associations.models import Association
from app.budgets.models import (
    Budget,
)
from app.core import clock, formatting


def fiscal_year_start(association: Association, fiscal_year: int) -> date:
    """Return the first day of a fiscal year, named for the calendar year in which it ends."""
    month = association.fiscal_year_start_month
    return date(fiscal_year if month == 1 else fiscal_year - 1, month, 1)


def fiscal_year_end(association: Association, fiscal_year: int) -> date:
    """Return the last day of a fiscal year."""
    return fiscal_year_start(association, fiscal_year + 1) - timedelta(days=1)


def fiscal_year_months(association: Association, fiscal_year: int) -> list[date]:
    """Return the first day of each month of the fiscal year, in order."""
    start = fiscal_year_start(association, fiscal_year)
    months = []
    year, month = start.year, start.month
    for _index in range(12):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@dataclass(frozen=True)
class Timing:
    """When the budget must reach owners, and whether this one did."""

    earliest: date | None
    latest: date | None
    message: str | None
    late: bool


def distribution_timing(budget: Budget) -> Timing:
    """Check the association's window for getting the budget to owners (CA: 30–90 days)."""
    association = budget.association
    start = fiscal_year_start(association, budget.fiscal_year)
    min_days, max_days = association.budget_notice_min_days, association.budget_notice_max_days
    latest = start - timedelta(days=min_days) if min_days is not None else None
    earliest = start - timedelta(days=max_days) if max_days is not None else None
    if latest is None and earliest is None:
        return Timing(None, None, None, False)
    when = (
        formatting.long_date(budget.approved_at, association.time_zone)
        if budget.approved_at
        else None
    )
    approved_on = (
        clock.as_utc(budget.approved_at).astimezone(clock.zone(association.time_zone)).date()
        if budget.approved_at
        else None
    )
    today = clock.today(association.time_zone)
    window = (
        _(
            "between %(earliest)s and %(latest)s",
            earliest=formatting.long_date(earliest),
            latest=formatting.long_date(latest),
        )
        if earliest and latest
        else (
            _("by %(latest)s", latest=formatting.long_date(latest))
            if latest
            else _("no earlier than %(earliest)s", earliest=formatting.long_date(earliest))
        )
    )
    rule = _(
        "The budget must reach owners %(window)s (%(min)s–%(max)s days before the fiscal "
        "year starts on %(start)s).",
        window=window,
        min=min_days if min_days is not None else "0",
        max=max_days if max_days is not None else "∞",
        start=formatting.long_date(start),
    )
    if approved_on is not None:
        if latest and approved_on > latest:
            return Timing(
                earliest,
                latest,
                _(
                    "Late: this budget was approved on %(when)s, after "
                    "the last day it could reach owners in time. ",
                    when=when,
                )
                + rule,
                True,
            )
        if earliest and approved_on < earliest:
            return Timing(
                earliest,
                latest,
                _(
                    "Early: this budget was approved on %(when)s; "
                    "distribute it to owners no earlier than "
                    "%(earliest)s. ",
                    when=when,
                    earliest=formatting.long_date(earliest),
                )
                + rule,
                False,
            )
        return Timing(
            earliest, latest, _("On time: approved on %(when)s. ", when=when) + rule, False
        )
    if latest and today > latest:
        return Timing(
            earliest,
            latest,
            _("Late: it is already past the last day this budget could reach owners in time. ")
            + rule,
            True,
        )
    return Timing(earliest, latest, rule, False)


def fiscal_year_of(association: Association, day: date) -> int:
    """Return the fiscal year a day falls in (named for the calendar year in which it ends)."""
    month = association.fiscal_year_start_month
    return day.year if month == 1 or day.month < month else day.year + 1


def proposed_fiscal_year(association: Association, taken: set[int]) -> int:
    """Return the year to propose for a new budget: the next fiscal year, or the first after
    it that has no budget yet (``taken``: the years that have one)."""
    year = fiscal_year_of(association, clock.today(association.time_zone)) + 1
    while year in taken and year < 2200:
        year += 1
    return year


def fiscal_year_label(association: Association, fiscal_year: int) -> str:
    """Return e.g. "FY 2028: July 1, 2027 – June 30, 2028"."""
    return _(
        "FY %(year)d runs %(start)s – %(end)s",
        year=fiscal_year,
        start=formatting.long_date(fiscal_year_start(association, fiscal_year)),
        end=formatting.long_date(fiscal_year_end(association, fiscal_year)),
    )
