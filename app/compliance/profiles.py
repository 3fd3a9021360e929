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

PER_VIOLATION = "per_violation"
AGGREGATE = "aggregate"
# The letter kind of an architectural denial's notice (app/arc), for ``certified_mail``.
ARC_DENIAL = "arc_denial"


@dataclass(frozen=True)
class FineCap:
    """A limit the law puts on fines, with the words and the section it comes from.

    ``per_violation`` bounds what one violation is fined in all; ``aggregate`` bounds what the
    unit's owners are fined across all of its violations (fines approved, paid, or before the
    board).
    """

    amount: Decimal
    scope: str
    words: str
    citation: str
    health_safety_lifts: bool = False
    # The statute yields to the governing documents ("unless otherwise provided in the
    # governing documents"): an association setting may raise it.
    documents_may_raise: bool = False


@dataclass(frozen=True)
class Profile:
    """What one jurisdiction requires of the violation ladder."""

    code: str
    name: str
    citation: str
    hearing_notice_days: int
    no_fine_after_cure: bool = False
    fine_caps: tuple[FineCap, ...] = ()
    certified_mail: frozenset[str] = field(default_factory=frozenset)
    # Why a kind of ``certified_mail`` goes by certified mail, where it is not the profile's
    # own citation (an architectural denial: TX Property Code 209.00505(d)).
    certified_mail_rules: dict[str, str] = field(default_factory=dict)
    requested_hearing_within_days: int | None = None
    decision_letter_days: int | None = None
    evidence_packet_days: int | None = None
    evidence_packet_rule: str = ""
    decision_letter_rule: str = ""
    hearing_request_days: int | None = None
    # FL 720.305(2)(b): fines are confirmed by a committee of at least this many members.
    fining_committee_min: int | None = None
    fining_committee_rule: str = ""
    wording: dict[str, str] = field(default_factory=dict)

    def cap(self, scope: str) -> FineCap | None:
        """Return the profile's cap of a scope, if it has one."""
        return next((cap for cap in self.fine_caps if cap.scope == scope), None)

    @property
    def health_safety_lifts_cap(self) -> bool:
        """Tell whether a board's health or safety finding lifts a cap (CA)."""
        return any(cap.health_safety_lifts for cap in self.fine_caps)


PROFILES: dict[str, Profile] = {
    "default": Profile("default", "Default", "the association's governing documents", 10),
    "CA": Profile(
        "CA",
        "California",
        "Civil Code §§ 5850, 5855",
        10,
        no_fine_after_cure=True,
        fine_caps=(
            FineCap(
                Decimal("100.00"),
                PER_VIOLATION,
                "A monetary penalty for a violation of the governing documents shall not "
                "exceed the lesser of the following: ... One hundred dollars ($100) per "
                "violation. ... Notwithstanding subdivision (c), the board may impose a penalty "
                "... that is greater than one hundred dollars ($100) per violation, if the "
                "violation may result in an adverse health or safety impact on the common area "
                "or another association member's property.",
                "Civil Code § 5850(c), (d)",
                health_safety_lifts=True,
            ),
        ),
        decision_letter_days=15,
        decision_letter_rule="Civil Code 5855(f): if the board imposes discipline, it notifies "
        "the member in writing of its decision within 15 days following the action.",
        wording={
            "violation": "Under Civil Code § 5855 you may attend a hearing before the board and "
            "address the board, in person or in writing, before any fine is imposed. If you "
            "cure the violation before the hearing, no fine will be imposed (Civil Code "
            "§ 5855(c)).",
            "hearing": "This notice is given at least 10 days before the hearing, as Civil "
            "Code § 5855(a) requires. You have the right to attend and to address the board, "
            "and you may ask that the hearing be held in executive session (Civil Code "
            "§ 5855(b)). If you cure the violation before the hearing, no fine will be "
            "imposed (§ 5855(c)). The board will notify you of its decision in writing "
            "within 15 days.",
            "fine": "This written decision is given within 15 days of the board's decision "
            "(Civil Code § 5855).",
        },
    ),
    "TX": Profile(
        "TX",
        "Texas",
        "Property Code §§ 209.006, 209.007",
        10,
        certified_mail=frozenset({"violation", ARC_DENIAL}),
        certified_mail_rules={
            ARC_DENIAL: "Property Code 209.00505(d): a written notice of the denial must be "
            "provided to the owner by certified mail, hand delivery, or electronic delivery. "
            "The association sends it by certified mail, with its tracking number (a copy is "
            "also in the owner portal, and e-mailed to owners who chose e-mail), since the "
            "owner's 30 days to request a hearing run from the date the notice was mailed "
            "(209.00505(d)(2)).",
        },
        requested_hearing_within_days=30,
        evidence_packet_days=10,
        evidence_packet_rule="Property Code 209.007(f): not later than 10 days before the "
        "hearing, the association provides the owner a packet containing all documents, "
        "photographs and communications relating to the matter that it intends to introduce "
        "at the hearing; without it the owner is entitled to a 15-day postponement (209.007(g)).",
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
        fine_caps=(
            FineCap(
                Decimal("100.00"),
                PER_VIOLATION,
                "A fine may not exceed $100 per violation against any member or any member's "
                "tenant, guest, or invitee for the failure of the owner of the parcel or its "
                "occupant, licensee, or invitee to comply with any provision of the declaration, "
                "the association bylaws, or reasonable rules of the association unless otherwise "
                "provided in the governing documents.",
                "Florida Statutes § 720.305(2)",
                documents_may_raise=True,
            ),
            FineCap(
                Decimal("1000.00"),
                AGGREGATE,
                "A fine may be levied by the board for each day of a continuing violation, "
                "with a single notice and opportunity for hearing, except that the fine may "
                "not exceed $1,000 in the aggregate unless otherwise provided in the governing "
                "documents.",
                "Florida Statutes § 720.305(2)",
                documents_may_raise=True,
            ),
        ),
        fining_committee_min=3,
        fining_committee_rule="Florida Statutes 720.305(2)(b): a fine may not be imposed without "
        "notice and an opportunity for a hearing before a committee of at least three members "
        "appointed by the board who are not officers, directors or employees of the "
        "association, or the spouse, parent, child, brother or sister of one.",
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
    profile: Profile,
    amount: Decimal,
    *,
    health_safety: bool,
    fined_on_violation: Decimal,
    fined_on_unit: Decimal,
    raised: dict[str, Decimal | None] | None = None,
) -> None:
    """Refuse a fine over the profile's caps (422), naming the cap and its section.

    ``fined_on_violation`` is what this violation is already fined; ``fined_on_unit`` what
    all of the unit's violations are; ``raised`` the caps the governing documents set per
    scope where the statute yields to them.
    """
    for cap in profile.fine_caps:
        if cap.health_safety_lifts and health_safety:
            continue
        so_far = fined_on_violation if cap.scope == PER_VIOLATION else fined_on_unit
        limit = effective_cap(cap, raised)
        if so_far + amount <= limit:
            continue
        if limit != cap.amount:
            raise ValidationError(
                "amount",
                _(
                    "The governing documents cap fines at %(cap)s %(scope)s (the association's "
                    "setting, above the %(statute)s of %(citation)s); %(so_far)s is fined so far.",
                    cap=money(limit),
                    scope=_("per violation") if cap.scope == PER_VIOLATION else _("in all"),
                    statute=money(cap.amount),
                    citation=cap.citation,
                    so_far=money(so_far),
                ),
            )
        if cap.scope == PER_VIOLATION:
            lift = (
                _(" unless the board records a health or safety finding")
                if cap.health_safety_lifts
                else ""
            )
            message = _(
                "%(name)s (%(citation)s) caps fines at %(cap)s per violation%(lift)s; this "
                "violation is already fined %(so_far)s.",
                name=profile.name,
                citation=cap.citation,
                cap=money(cap.amount),
                lift=lift,
                so_far=money(so_far),
            )
        else:
            message = _(
                "%(name)s (%(citation)s) caps fines at %(cap)s in the aggregate; the "
                "violations of this unit are already fined %(so_far)s (approved, paid or "
                "before the board).",
                name=profile.name,
                citation=cap.citation,
                cap=money(cap.amount),
                so_far=money(so_far),
            )
        raise ValidationError("amount", message)


def effective_cap(cap: FineCap, raised: dict[str, Decimal | None] | None) -> Decimal:
    """Return a cap as it applies: the governing documents' amount where the statute yields
    to them and they allow more, else the statute's."""
    documents = (raised or {}).get(cap.scope)
    if cap.documents_may_raise and documents is not None and documents > cap.amount:
        return documents
    return cap.amount


def raised_caps(association) -> dict[str, Decimal | None]:
    """Return the association's own caps by scope (its governing documents)."""
    return {
        PER_VIOLATION: association.fine_cap_per_violation,
        AGGREGATE: association.fine_cap_aggregate,
    }
