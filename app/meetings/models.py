"""Meetings, their agenda items, attendance, motions and the votes on motions."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.core.types import UTCDateTime
from app.extensions import db


class MeetingKind(enum.StrEnum):
    """A regular or special board meeting, an executive session, or a members' meeting."""

    BOARD = "board"
    SPECIAL_BOARD = "special_board"
    EXECUTIVE = "executive"
    ANNUAL = "annual"
    SPECIAL = "special"


BOARD_KINDS = (MeetingKind.BOARD, MeetingKind.SPECIAL_BOARD, MeetingKind.EXECUTIVE)


class MeetingStatus(enum.StrEnum):
    """Where a meeting stands."""

    SCHEDULED = "scheduled"
    ADJOURNED = "adjourned"
    CANCELLED = "cancelled"


class ItemKind(enum.StrEnum):
    """What an agenda item is for."""

    ACTION = "action"
    REPORT = "report"
    SPECIAL_ASSESSMENT = "special_assessment"
    USE_RULE = "use_rule"


class AddedUnder(enum.StrEnum):
    """The exception (CA Civil Code 4930(d)) an item added after the notice relies on."""

    EMERGENCY = "emergency"
    AROSE_AFTER_AGENDA = "arose_after_agenda"
    CONTINUED = "continued"


class MotionResult(enum.StrEnum):
    """A motion is open until carried or failed."""

    OPEN = "open"
    CARRIED = "carried"
    FAILED = "failed"


class MotionChoice(enum.StrEnum):
    """How a board member votes on a motion."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


MOTION_CHOICE_WORDS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}


def motion_choice_words(code: str | None) -> str:
    """Return a vote on a motion in words ("Yes"), not its stored code."""
    return str(MOTION_CHOICE_WORDS.get(code or "", code or ""))


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Meeting(db.Model):
    """A meeting of the board or of the members, with its notice to owners."""

    __tablename__ = "meetings"
    __table_args__ = (
        CheckConstraint(_in("kind", MeetingKind), name="kind"),
        CheckConstraint(_in("status", MeetingStatus), name="status"),
        CheckConstraint(
            "emergency = false OR kind IN ('board', 'special_board')", name="emergency_kind"
        ),
        CheckConstraint("(status = 'adjourned') = (adjourned_at IS NOT NULL)", name="adjourned"),
        CheckConstraint("(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="cancelled"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), default=MeetingStatus.SCHEDULED.value)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_reason: Mapped[str] = mapped_column(Text, default="")
    # The user ids who called an emergency meeting (CA 4923: the president, or two others).
    called_by: Mapped[list] = mapped_column(db.JSON, default=list)
    # The meeting's notice. notices.meeting_id carries the foreign key; a second one here
    # would make the two tables a cycle.
    notice_id: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    adjourned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(Text, default="")

    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    attendance: Mapped[list[Attendance]] = relationship(
        cascade="all, delete-orphan", order_by="Attendance.user_id"
    )
    motions: Mapped[list[Motion]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Motion.id"
    )

    @property
    def is_board_meeting(self) -> bool:
        """Tell whether the board meets (regular, special or executive)."""
        return self.kind in BOARD_KINDS

    @property
    def present_ids(self) -> set[int]:
        """Return the users recorded present."""
        return {a.user_id for a in self.attendance if a.present}


class AgendaItem(db.Model):
    """One item of business on a meeting's agenda, possibly deciding an approval."""

    __tablename__ = "meeting_agenda_items"
    __table_args__ = (
        CheckConstraint(_in("kind", ItemKind), name="kind"),
        CheckConstraint(f"added_under IS NULL OR {_in('added_under', AddedUnder)}", name="added"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=ItemKind.ACTION.value)
    approval_id: Mapped[int | None] = mapped_column(
        ForeignKey("approval_requests.id", ondelete="SET NULL"), index=True
    )
    executive_topic: Mapped[str | None] = mapped_column(String(30))
    added_under: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class Attendance(db.Model):
    """Whether a board member is present at a meeting; a repeat replaces the entry."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class Motion(db.Model):
    """A motion moved and seconded at a meeting, decided by the present members' votes."""

    __tablename__ = "meeting_motions"
    __table_args__ = (
        CheckConstraint(_in("result", MotionResult), name="result"),
        CheckConstraint("moved_by_id <> seconded_by_id", name="distinct_seconder"),
        CheckConstraint("(result = 'open') = (decided_at IS NULL)", name="decided_at"),
        CheckConstraint("eligible_count >= 1", name="eligible_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_agenda_items.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    moved_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    seconded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    result: Mapped[str] = mapped_column(String(10), default=MotionResult.OPEN.value)
    # The eligible board members present when it was moved: the majority is of them.
    eligible_count: Mapped[int] = mapped_column(Integer)
    eligible_ids: Mapped[list] = mapped_column(db.JSON, default=list)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship(back_populates="motions")
    agenda_item: Mapped[AgendaItem | None] = relationship()
    votes: Mapped[list[MotionVote]] = relationship(
        back_populates="motion", cascade="all, delete-orphan", order_by="MotionVote.user_id"
    )

    @property
    def yes(self) -> int:
        """Return the yes votes."""
        return sum(1 for v in self.votes if v.choice == MotionChoice.YES)


class MotionVote(db.Model):
    """A present board member's vote on a motion; a repeat replaces it while open."""

    __tablename__ = "meeting_motion_votes"
    __table_args__ = (
        UniqueConstraint("motion_id", "user_id"),
        CheckConstraint(_in("choice", MotionChoice), name="choice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_motions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    choice: Mapped[str] = mapped_column(String(10))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime())

    motion: Mapped[Motion] = relationship(back_populates="votes")
    user: Mapped[User] = relationship()


# --- minutes and the board packet (app/meetings/minutes.py, app/meetings/packet.py) -------


class MinutesStatus(enum.StrEnum):
    """Where a meeting's minutes stand; approval goes through the engine."""

    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"


class MeetingMinutes(db.Model):
    """The minutes of one meeting: Markdown written by the secretary or the manager from the
    draft the record gives, approved by the board through the engine (subject ``minutes``)."""

    __tablename__ = "meeting_minutes"
    __table_args__ = (CheckConstraint(_in("status", MinutesStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), unique=True
    )
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=MinutesStatus.DRAFT.value)
    approval_id: Mapped[int | None] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship()


class PacketStatus(enum.StrEnum):
    """Where a packet's build stands (the job's own states)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MeetingPacket(db.Model):
    """One build of a meeting's board packet: its job, progress and stored PDF."""

    __tablename__ = "meeting_packets"
    __table_args__ = (CheckConstraint(_in("status", PacketStatus), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    association_id: Mapped[int] = mapped_column(
        ForeignKey("associations.id", ondelete="CASCADE"), index=True
    )
    job_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(10), default=PacketStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    stored_name: Mapped[str | None] = mapped_column(String(100))
    sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PacketOpen(db.Model):
    """A board member (or manager) opened a built packet: first and latest time, how often."""

    __tablename__ = "meeting_packet_opens"
    __table_args__ = (UniqueConstraint("packet_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    packet_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_packets.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    first_opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    count: Mapped[int] = mapped_column(Integer, default=1)

    user: Mapped[User] = relationship()
