"""What each jurisdiction requires of an architectural decision, as data with citations
(verified against the statutes' text: Civil Code 4765; Property Code 209.00505)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.compliance.profiles import ARC_DENIAL, profile_of


@dataclass(frozen=True)
class ArcProfile:
    """A jurisdiction's rules for the written decision on an architectural request."""

    code: str
    citation: str
    # A denial must say why (every profile requires it of the software).
    denial_reasons_rule: str
    # What a denial letter tells the owner about asking the board again.
    denial_wording: object
    # How the letter says the notice of a denial is sent, where the compliance profile
    # sends it by certified mail (its ``certified_mail`` holds ``arc_denial``).
    denial_sent_wording: object = ""
    # Days the owner has to ask for the hearing / reconsideration, where the law sets them,
    # counted from the day the notice of the denial was mailed, and the rule that says so.
    appeal_days: int | None = None
    appeal_rule: object = ""

    @property
    def denial_certified(self) -> bool:
        """Tell whether a denial's notice goes by certified mail, with its tracking number
        (TX 209.00505(d): certified mail, hand delivery or electronic delivery; the rule
        and its citation are the compliance profile's, ``certified_mail_rules``)."""
        return ARC_DENIAL in profile_of(self.code).certified_mail


DEFAULT = ArcProfile(
    code="default",
    citation="the governing documents",
    denial_reasons_rule=_l("A denial states its reasons."),
    denial_wording=_l(
        "You may ask the board of directors to reconsider this decision: reply through the "
        "owner portal or in writing to the management office."
    ),
)
CA = ArcProfile(
    code="CA",
    citation="Civil Code 4765",
    denial_reasons_rule=_l(
        "Civil Code 4765(a)(4): a written decision disapproving a proposed change explains "
        "why it is disapproved."
    ),
    denial_wording=_l(
        "Civil Code 4765(a)(4)-(5): you are entitled to reconsideration of this decision by "
        "the board of directors at an open meeting of the board. To ask for it, submit an "
        "appeal through the owner portal or in writing to the management office; the board "
        "will place it on the agenda of an open board meeting and tell you the date."
    ),
)
TX = ArcProfile(
    code="TX",
    citation="Property Code 209.00505",
    denial_reasons_rule=_l(
        "Property Code 209.00505(d)(1): the notice of denial describes the basis for the "
        "denial in reasonable detail."
    ),
    denial_wording=_l(
        "Property Code 209.00505(d)-(e): you may appeal this denial to the board. You may "
        "request a hearing before the board on or before the 30th day after the date this "
        "notice was mailed to you; the board holds the hearing not later than the 30th day "
        "after it receives your request and tells you its date, time and place at least 10 "
        "days before. Request it through the owner portal or in writing to the management "
        "office."
    ),
    denial_sent_wording=_l(
        "Property Code 209.00505(d): this notice of the denial is sent to you by certified "
        "mail; a copy is also in the owner portal."
    ),
    appeal_days=30,
    appeal_rule=_l(
        "Property Code 209.00505(d)(2): the owner may request a hearing on or before the "
        "30th day after the date the notice of the denial was mailed."
    ),
)
FL = ArcProfile(
    code="FL",
    citation="the governing documents",
    denial_reasons_rule=_l("A denial states its reasons."),
    denial_wording=DEFAULT.denial_wording,
)

PROFILES = {p.code: p for p in (DEFAULT, CA, TX, FL)}
DEEMED_WORDING = _l(
    "This request was not decided within the review period of %(days)d days that ended on "
    "%(date)s; under the association's governing documents it is deemed approved."
)


def arc_profile(code: str | None) -> ArcProfile:
    """Return the ARC rules of a compliance profile (the default for one it does not know)."""
    return PROFILES.get(code or "default", DEFAULT)
