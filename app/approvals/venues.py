"""Where the board decides each kind of request: online (votes through the engine), at a
board meeting (a motion decides it), or by a committee.

The defaults are data per compliance profile, each with the rule it rests on; an admin may
require a meeting where the profile allows online, never the reverse. Features plug in
without the engine importing them:

- ``register_venue(Venue)``: how a venue other than online answers an online vote (the
  meetings package registers ``meeting``; the FL committee registers ``committee``);
- ``register_rule(fn)``: a rule that picks the venue of one request before the association's
  setting applies (``fn(request) -> venue | None``), e.g. a CA emergency decided online
  (``emergency_consent`` below, registered here: the engine's own rule);
- ``register_decided(fn)``: ``fn(request)`` runs once a request is decided (the meetings
  package lists emergency consents and TX actions taken without a meeting on the next
  board meeting's agenda).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import audit
from app.core.errors import Conflict, ValidationError

ONLINE, MEETING, COMMITTEE = "online", "meeting", "committee"
VENUES = (ONLINE, MEETING, COMMITTEE)
# The kinds whose venue an association sets, and the kinds that follow another's venue.
KINDS = ("budget", "contract", "fine", "minutes", "arc_request", "arc_appeal")
SETTABLE = ("budget", "contract", "fine", "minutes")
FOLLOWS = {"arc_request": "contract", "arc_appeal": "budget"}


@dataclass(frozen=True)
class VenueRule:
    """A profile's venue for one kind, with the rule it rests on.

    ``fixed``: the venue may not be changed at all (an FL fine stays with the committee).
    """

    venue: str
    rule: str
    citation: str
    fixed: bool = False


_DOCS = VenueRule(
    ONLINE,
    _l("The governing documents allow action by written consent."),
    "the governing documents",
)
_CA = VenueRule(
    MEETING,
    _l(
        "Civil Code 4910(a): the board takes no action on any item of business outside a board "
        "meeting."
    ),
    "Civil Code 4910(a)",
)
_TX_MEETING = VenueRule(
    MEETING,
    _l(
        "Property Code 209.0051(h): budgets and fines are decided only at an open board meeting "
        "with notice to owners."
    ),
    "Property Code 209.0051(h)",
)
_TX_ONLINE = VenueRule(
    ONLINE,
    _l(
        "Property Code 209.0051(h): the board may act without a meeting by electronic or "
        "telephonic vote on other matters; such actions are summarized at the next board meeting."
    ),
    "Property Code 209.0051(h)",
)
_FL_BUDGET = VenueRule(
    MEETING,
    _l("Florida Statutes 720.303(2): the budget is adopted at a board meeting noticed to members."),
    "Florida Statutes 720.303(2)",
)
_FL_ONLINE = VenueRule(
    ONLINE,
    _l(
        "Florida Statutes 720.303(2): the governing documents may allow action without a "
        "meeting on other matters."
    ),
    "Florida Statutes 720.303(2)",
)
_FL_FINE = VenueRule(
    COMMITTEE,
    _l(
        "Florida Statutes 720.305(2)(b): a fine is confirmed by a committee of at least three "
        "members who are not directors, officers or employees of the association."
    ),
    "Florida Statutes 720.305(2)(b)",
    fixed=True,
)

PROFILE_VENUES: dict[str, dict[str, VenueRule]] = {
    "default": dict.fromkeys(SETTABLE, _DOCS),
    "CA": dict.fromkeys(SETTABLE, _CA),
    "TX": {
        "budget": _TX_MEETING,
        "contract": _TX_ONLINE,
        "fine": _TX_MEETING,
        "minutes": _TX_ONLINE,
    },
    "FL": {"budget": _FL_BUDGET, "contract": _FL_ONLINE, "fine": _FL_FINE, "minutes": _FL_ONLINE},
}


def _base_kind(kind: str) -> str:
    return FOLLOWS.get(kind, kind)


def profile_rule(profile: str | None, kind: str) -> VenueRule:
    """Return the profile's venue and rule for a kind (ARC kinds follow theirs)."""
    table = PROFILE_VENUES.get(profile or "default", PROFILE_VENUES["default"])
    return table.get(_base_kind(kind), _DOCS)


def board_decisions(association: Any) -> dict[str, str]:
    """Return the association's venue per kind: its own choices over the profile's."""
    chosen = association.board_decisions or {}
    return {
        kind: chosen.get(_base_kind(kind))
        or profile_rule(association.compliance_profile, kind).venue
        for kind in KINDS
    }


def venue_table(association: Any) -> list[dict[str, str]]:
    """Return, per kind, the venue, the profile's default and the rule behind it."""
    venues = board_decisions(association)
    rows = []
    for kind in KINDS:
        rule = profile_rule(association.compliance_profile, kind)
        rows.append(
            {
                "kind": kind,
                "venue": venues[kind],
                "default": rule.venue,
                "rule": str(rule.rule),
                "follows": FOLLOWS.get(kind, ""),
                "fixed": rule.fixed,
            }
        )
    return rows


def check_board_decisions(association: Any, changes: Any) -> dict[str, str]:
    """Return the association's choices after ``changes``; refuse a venue the profile's rule
    forbids (409 naming it) or an unknown kind or venue (422 naming ``board_decisions``)."""
    if not isinstance(changes, dict):
        raise ValidationError("board_decisions", _("Send an object of kind → venue."))
    chosen = dict(association.board_decisions or {})
    for kind, venue in changes.items():
        if kind in FOLLOWS:
            raise ValidationError(
                "board_decisions",
                _("%(kind)s follows the venue of %(other)s.", kind=kind, other=FOLLOWS[kind]),
            )
        if kind not in SETTABLE:
            raise ValidationError(
                "board_decisions",
                _(
                    "Unknown kind %(kind)s; choose from %(kinds)s.",
                    kind=str(kind)[:40],
                    kinds=", ".join(SETTABLE),
                ),
            )
        if venue not in (ONLINE, MEETING):
            raise ValidationError(
                "board_decisions", _("A venue is online or meeting (%(kind)s).", kind=kind)
            )
    for kind, venue in changes.items():
        rule = profile_rule(association.compliance_profile, kind)
        if rule.fixed and venue != rule.venue:
            raise Conflict(
                _("%(rule)s The venue of %(kind)s cannot be changed.", rule=rule.rule, kind=kind)
            )
        if venue == ONLINE and rule.venue != ONLINE:
            raise Conflict(
                _(
                    "%(rule)s A %(kind)s cannot be decided online in this association.",
                    rule=rule.rule,
                    kind=kind,
                )
            )
        if venue == rule.venue:
            chosen.pop(kind, None)
        else:
            chosen[kind] = venue
    return chosen


def set_board_decisions(association: Any, changes: Any, *, actor: Any) -> dict[str, str]:
    """Record where the board decides each kind (admin), within what the profile allows."""
    chosen = check_board_decisions(association, changes)
    before = board_decisions(association)
    association.board_decisions = chosen or None
    after = board_decisions(association)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if changed:
        audit.record(
            "association.board_decisions",
            actor=actor,
            association_id=association.id,
            subject_type="association",
            subject_id=association.id,
            summary=_(
                "Set where the board decides: %(changes)s",
                changes=", ".join(f"{k} {v}" for k, v in sorted(changed.items())),
            ),
            data={"board_decisions": after},
        )
    return after


# --- what features plug in --------------------------------------------------------------


class Venue:
    """A venue other than online: how it answers an online vote on one of its requests."""

    name: str = ""

    def online_vote_refusal(self, request: Any, rule: VenueRule) -> str | None:
        """Return the 409's words: the rule, and what to do instead (None: the vote is
        taken, as a committee's members vote online)."""
        return _("%(rule)s This request is not decided by online votes.", rule=rule.rule)

    def eligible_ids(self, association_id: int) -> set[int] | None:
        """Return who decides this venue's requests (None: the seated board)."""
        return None


def venue_voters(venue: str, association_id: int) -> set[int] | None:
    """Return the voters a venue names (a committee's members), or None for the board."""
    handler = _VENUES.get(venue)
    return handler.eligible_ids(association_id) if handler is not None else None


_VENUES: dict[str, Venue] = {}
_RULES: list[Callable[[Any], str | None]] = []


def register_venue(venue: Venue) -> Venue:
    """Make a venue's handling known to the engine."""
    _VENUES[venue.name] = venue
    return venue


_ACTIONS: list[Callable[[Any, Any], tuple[str, str] | None]] = []
_DECIDED: list[Callable[[Any], None]] = []


def register_action(fn: Callable[[Any, Any], tuple[str, str] | None]):
    """Add a link the request's page offers: ``fn(request, user)`` returns (label, url) when
    the user may take that step now (the meetings package offers the CA emergency consent)."""
    if fn not in _ACTIONS:
        _ACTIONS.append(fn)
    return fn


def actions(request: Any, user: Any) -> list[tuple[str, str]]:
    """Return the registered steps the user may take on a request now."""
    return [found for fn in _ACTIONS if (found := fn(request, user))]


def register_decided(fn: Callable[[Any], None]) -> Callable[[Any], None]:
    """Add what follows a request's decision (in the engine's transaction)."""
    if fn not in _DECIDED:
        _DECIDED.append(fn)
    return fn


def decided(request: Any) -> None:
    """Tell the registered features that a request was decided."""
    for fn in _DECIDED:
        fn(request)


def register_rule(rule: Callable[[Any], str | None]) -> Callable[[Any], str | None]:
    """Add a rule that may choose one request's venue (first answer wins)."""
    if rule not in _RULES:
        _RULES.append(rule)
    return rule


def venue_of(request: Any) -> str:
    """Return where a request is decided now: a registered rule's answer, else the venue
    fixed when it opened."""
    for rule in _RULES:
        venue = rule(request)
        if venue:
            return venue
    return request.venue


def venue_for_new(association: Any, subject_type: str) -> str:
    """Return the venue a new request of a kind gets in the association."""
    return board_decisions(association).get(subject_type, ONLINE)


def refuse_online_vote(request: Any, association: Any) -> None:
    """Refuse (409) an online vote on a request whose venue is not online."""
    venue = venue_of(request)
    if venue == ONLINE:
        return
    rule = profile_rule(association.compliance_profile, request.subject_type)
    if rule.venue != venue:  # the admin chose a meeting over an online default
        rule = VenueRule(
            venue,
            _("The association decides %(kind)s at a board meeting.", kind=request.subject_type),
            "",
        )
    handler = _VENUES.get(venue) or Venue()
    refusal = handler.online_vote_refusal(request, rule)
    if refusal:
        raise Conflict(refusal)


def emergency_consent(request: Any) -> str | None:
    """CA Civil Code 4910(b)(2), 4923: a request declared an emergency is decided online, by
    the unanimous written consent of the eligible directors (its ``required`` is all of
    them)."""
    return ONLINE if getattr(request, "emergency", False) else None


register_rule(emergency_consent)
