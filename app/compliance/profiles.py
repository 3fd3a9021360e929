"""The compliance profiles: due-process rules as data, and their checks in one place.

A check that refuses raises ``Conflict`` (409) whose message names the rule and, where there
is one, the date from which the step becomes possible; an amount over a cap raises
``ValidationError`` (422).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from app.core.errors import Conflict, ValidationError
from app.core.formatting import long_date, money


@dataclass(frozen=True)
class Profile:
    """What one jurisdiction requires of the violation ladder."""

    code: str
    name: str
    citation: str
    hearing_notice_days: int
    no_fine_after_cure: bool = False
    fine_cap: Decimal | None = None
    total_fine_cap: Decimal | None = None
    health_safety_lifts_cap: bool = False
    certified_mail: frozenset[str] = field(default_factory=frozenset)
    requested_hearing_within_days: int | None = None
    decision_letter_days: int | None = None
    evidence_packet_days: int | None = None
    hearing_request_days: int | None = None
    wording: dict[str, str] = field(default_factory=dict)


PROFILES: dict[str, Profile] = {
    "default": Profile("default", "Default", "the association's governing documents", 10),
    "CA": Profile(
        "CA",
        "California",
        "Civil Code §§ 5850, 5855",
        10,
        no_fine_after_cure=True,
        fine_cap=Decimal("100.00"),
        health_safety_lifts_cap=True,
        decision_letter_days=15,
        wording={
            "violation": "Under Civil Code § 5855 you may attend a hearing before the board and "
            "present your side, in person or in writing, before any fine is "
            "imposed. If you cure the violation before the hearing, no fine will "
            "be imposed (Civil Code § 5855(b)).",
            "hearing": "This notice is given at least 10 days before the hearing, as Civil "
            "Code § 5855(a) requires. You may attend, bring information and be "
            "represented. The board will notify you of its decision in writing "
            "within 15 days.",
            "fine": "This written decision is given within 15 days of the board's decision "
            "(Civil Code § 5855(c)).",
        },
    ),
    "TX": Profile(
        "TX",
        "Texas",
        "Property Code §§ 209.006, 209.007",
        10,
        certified_mail=frozenset({"violation"}),
        requested_hearing_within_days=30,
        evidence_packet_days=10,
        hearing_request_days=30,
        wording={
            "violation": "This notice is sent by certified mail as Property Code § 209.006 "
            "requires. You have a reasonable period, stated above, to cure the "
            "violation and avoid a fine. You may request a hearing before the "
            "board under § 209.007 on or before the 30th day after the date of "
            "this notice. If you are on active military duty, you may have "
            "special rights under federal law.",
            "hearing": "The hearing is held within 30 days of your request (Property Code "
            "§ 209.007). The association will give you its evidence at least 10 "
            "days before the hearing.",
        },
    ),
    "FL": Profile(
        "FL",
        "Florida",
        "Florida Statutes § 720.305",
        14,
        no_fine_after_cure=True,
        fine_cap=Decimal("100.00"),
        total_fine_cap=Decimal("1000.00"),
        wording={
            "violation": "Before a fine is imposed you are entitled to at least 14 days' "
            "notice and an opportunity for a hearing before a committee of at "
            "least three members who are not board members (Florida Statutes "
            "§ 720.305(2)).",
            "hearing": "This notice is given at least 14 days before the hearing (§ 720.305(2)"
            "(b)). If the violation is cured before the hearing, no fine may be "
            "imposed.",
            "fine": "Fines may not exceed $100 per violation or $1,000 in total unless the "
            "governing documents provide otherwise (§ 720.305(2)).",
        },
    ),
}


def profile_of(code: str | None) -> Profile:
    """Return the profile for an association's code (default when unknown)."""
    return PROFILES.get(code or "default", PROFILES["default"])


def refuse(rule: str, when: date | None = None) -> Conflict:
    """Return a 409 naming the rule and, where known, the first date it allows the step."""
    if when is not None:
        rule = _("%(rule)s It becomes possible on %(date)s.", rule=rule, date=long_date(when))
    return Conflict(rule)


def check_fine_amount(
    profile: Profile, amount: Decimal, *, health_safety: bool, fined_so_far: Decimal
) -> None:
    """Refuse a fine over the profile's caps (422)."""
    if (
        profile.fine_cap is not None
        and fined_so_far + amount > profile.fine_cap
        and not (profile.health_safety_lifts_cap and health_safety)
    ):
        lift = (
            _(" unless the board records a health or safety finding")
            if profile.health_safety_lifts_cap
            else ""
        )
        raise ValidationError(
            "amount",
            _(
                "%(name)s (%(citation)s) caps fines at %(cap)s per violation%(lift)s.",
                name=profile.name,
                citation=profile.citation,
                cap=money(profile.fine_cap),
                lift=lift,
            ),
        )
    if profile.total_fine_cap is not None and fined_so_far + amount > profile.total_fine_cap:
        raise ValidationError(
            "amount",
            _(
                "%(name)s (%(citation)s) caps fines at %(cap)s in total; %(so_far)s is already "
                "fined or proposed.",
                name=profile.name,
                citation=profile.citation,
                cap=money(profile.total_fine_cap),
                so_far=money(fined_so_far),
            ),
        )
