"""The notice a meeting needs and the first moment it may lawfully start."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask_babel import gettext as _

from app.core import clock
from app.core.errors import Conflict
from app.core.formatting import long_datetime
from app.meetings.profiles import MeetingRules, NoticePeriod, meeting_rules


def period_for(rules: MeetingRules, kind: str, item_kinds: set[str]) -> NoticePeriod | None:
    """Return the notice a meeting of a kind with these agenda items needs (the longer one
    where an item's kind asks for it)."""
    period = rules.notice.get(kind)
    if (
        rules.long_notice is not None
        and kind in ("board", "special_board")
        and item_kinds & rules.long_notice_kinds
    ):
        return rules.long_notice
    return period


def first_lawful_start(period: NoticePeriod, time_zone: str, now: datetime) -> datetime:
    """Return the earliest start a notice given ``now`` allows."""
    if period.hours:
        return now + timedelta(hours=period.hours)
    day = now.astimezone(clock.zone(time_zone)).date() + timedelta(days=period.days)
    return datetime.combine(day, time(0, 0), tzinfo=clock.zone(time_zone))


def allows(period: NoticePeriod | None, starts_at: datetime, time_zone: str, now: datetime) -> bool:
    """Tell whether a notice given ``now`` comes early enough for ``starts_at``."""
    if period is None:
        return True
    return clock.as_utc(starts_at) >= clock.as_utc(first_lawful_start(period, time_zone, now))


def refuse(period: NoticePeriod, time_zone: str, now: datetime) -> Conflict:
    """Return the 409 naming the rule and the first lawful start."""
    return Conflict(
        _(
            "%(rule)s The first lawful start is %(when)s.",
            rule=period.rule,
            when=long_datetime(first_lawful_start(period, time_zone, now), time_zone),
        )
    )


def check_notice(
    profile: str | None,
    kind: str,
    starts_at: datetime,
    time_zone: str,
    *,
    item_kinds: set[str] = frozenset(),
    emergency: bool = False,
) -> None:
    """Refuse (409) a start that leaves less notice than the profile requires."""
    if emergency:
        return  # CA 4920(b)(1), FL 720.303(2)(c)1: an emergency meeting needs no notice
    period = period_for(meeting_rules(profile), kind, set(item_kinds))
    now = clock.now()
    if not allows(period, starts_at, time_zone, now):
        raise refuse(period, time_zone, now)
