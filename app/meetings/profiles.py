"""What each jurisdiction requires of meetings, as data with citations: notice periods and
executive-session topics."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.i18n import N_


@dataclass(frozen=True)
class NoticePeriod:
    """How far ahead of its notice a meeting must start: whole calendar days (to the local
    date of the start) or hours (to the moment), and the rule that says so."""

    days: int = 0
    hours: int = 0
    rule: str = ""


@dataclass(frozen=True)
class MeetingRules:
    """What one jurisdiction requires of meetings' notice and executive sessions.

    ``long_notice``: the longer notice a board meeting needs when its agenda has an item of
    one of ``long_notice_kinds`` (FL special assessments and parcel-use rules). ``agenda_only``:
    the board takes no action on an item not on the agenda (CA 4930(a)), and after the notice
    went out an item is added only under 4930(d)'s exceptions.
    """

    notice: dict[str, NoticePeriod]
    executive_topics: tuple[str, ...]
    topics_rule: str
    long_notice: NoticePeriod | None = None
    long_notice_kinds: frozenset[str] = frozenset()
    agenda_only: bool = False
    emergency_rule: str = ""
    # The executive-session topic a violation's hearing is held under.
    hearing_topic: str = "member_discipline"
    # CA Civil Code 4910(b)(2), 4923: a request may be decided online by every director's
    # written consent in an emergency ("" where the profile has no such rule).
    emergency_consent_rule: str = ""
    # TX Property Code 209.0051(h): actions taken without a meeting are summarized at the
    # next board meeting ("" where the profile asks nothing).
    online_actions_rule: str = ""


EXECUTIVE_TOPICS = {  # N_: in the catalogs, translated where shown
    "litigation": N_("litigation"),
    "contracts": N_("matters relating to the formation of contracts with third parties"),
    "member_discipline": N_("member discipline"),
    "personnel": N_("personnel matters"),
    "assessment_payment": N_(
        "meeting a member, at the member's request, about the payment of assessments"
    ),
    "enforcement": N_("enforcement actions"),
    "attorney": N_("confidential communications with the association's attorney"),
    "privacy": N_("matters involving the invasion of privacy of individual owners"),
    "confidential": N_(
        "matters that are to remain confidential by request of the affected parties and "
        "agreement of the board"
    ),
}

_CA_BOARD = NoticePeriod(
    days=4,
    rule="Civil Code 4920(a): notice of the time and place of a board meeting is given at "
    "least four days before the meeting.",
)
_CA_EXECUTIVE = NoticePeriod(
    days=2,
    rule="Civil Code 4920(b)(2): a board meeting held solely in executive session is noticed "
    "at least two days before it.",
)
_CA_MEMBERS = NoticePeriod(
    days=10,
    rule="Corporations Code 7511(a): notice of a members' meeting is given at least ten days "
    "before it.",
)
_CA_TOPICS = ("litigation", "contracts", "member_discipline", "personnel", "assessment_payment")
_CA_MEETINGS = MeetingRules(
    notice={
        "board": _CA_BOARD,
        "special_board": _CA_BOARD,
        "executive": _CA_EXECUTIVE,
        "annual": _CA_MEMBERS,
        "special": _CA_MEMBERS,
    },
    executive_topics=_CA_TOPICS,
    topics_rule="Civil Code 4935(a): the board meets in executive session only to consider "
    "litigation, the formation of contracts with third parties, member discipline, personnel "
    "matters, or a member's payment of assessments at the member's request.",
    agenda_only=True,
    emergency_rule="Civil Code 4923: an emergency meeting is called by the president, or by "
    "any two directors other than the president.",
    emergency_consent_rule="Civil Code 4910(b)(2), 4923: in an emergency the board may act by "
    "electronic transmission if all directors consent in writing, and the consents are filed "
    "with the minutes of the next board meeting.",
)
_TX_MEMBERS = NoticePeriod(
    days=10,
    rule="Property Code 209.0051(e)(1): a mailed notice goes out not later than the 10th day "
    "before the meeting.",
)
_FL_BOARD = NoticePeriod(
    hours=48,
    rule="Florida Statutes 720.303(2)(c)1: notice of a board meeting is posted at least 48 "
    "continuous hours before it.",
)
_FL_MEMBERS = NoticePeriod(
    days=14,
    rule="Florida Statutes 720.306(5): notice of a members' meeting is given at least 14 days "
    "before it.",
)
_ALL_TOPICS = tuple(EXECUTIVE_TOPICS)

MEETING_RULES: dict[str, MeetingRules] = {
    "default": MeetingRules(
        notice=_CA_MEETINGS.notice,
        executive_topics=_ALL_TOPICS,
        topics_rule="The governing documents",
    ),
    "CA": _CA_MEETINGS,
    "TX": MeetingRules(
        notice={
            "board": NoticePeriod(
                hours=144,
                rule="Property Code 209.0051(e)(2): notice of a regular board meeting is "
                "given at least 144 hours before it starts.",
            ),
            "special_board": NoticePeriod(
                hours=72,
                rule="Property Code 209.0051(e)(2): notice of a special board meeting is "
                "given at least 72 hours before it starts.",
            ),
            "executive": NoticePeriod(
                hours=72,
                rule="Property Code 209.0051(e)(2): notice of a special board meeting is "
                "given at least 72 hours before it starts.",
            ),
            "annual": _TX_MEMBERS,
            "special": _TX_MEMBERS,
        },
        executive_topics=(
            "personnel",
            "litigation",
            "contracts",
            "enforcement",
            "attorney",
            "privacy",
            "confidential",
        ),
        hearing_topic="enforcement",
        online_actions_rule="Property Code 209.0051(h): the board may take action outside a "
        "meeting by electronic or telephonic vote; any action so taken is summarized at the "
        "next regular board meeting.",
        topics_rule="Property Code 209.0051(c): the board meets in executive session only on "
        "personnel, pending or threatened litigation, contract negotiations, enforcement "
        "actions, confidential communications with its attorney, owners' privacy, or matters "
        "confidential by agreement.",
    ),
    "FL": MeetingRules(
        notice={
            "board": _FL_BOARD,
            "special_board": _FL_BOARD,
            "executive": _FL_BOARD,
            "annual": _FL_MEMBERS,
            "special": _FL_MEMBERS,
        },
        executive_topics=_ALL_TOPICS,
        topics_rule="The governing documents",
        long_notice=NoticePeriod(
            days=14,
            rule="Florida Statutes 720.303(2)(c)2: a board meeting at which special assessments "
            "or rules regarding parcel use are considered is noticed at least 14 days before "
            "it.",
        ),
        long_notice_kinds=frozenset({"special_assessment", "use_rule"}),
    ),
}


def meeting_rules(code: str | None) -> MeetingRules:
    """Return the meeting rules for an association's profile (default when unknown)."""
    return MEETING_RULES.get(code or "default", MEETING_RULES["default"])
