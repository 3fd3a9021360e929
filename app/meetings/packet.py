"""The board packet of a meeting: built from live data by a background job (the job runner,
``meetings.build_packet``) through app.packets, stored under instance storage, opened by board
members on the meeting page (each open recorded, so the manager sees who read it)."""

from __future__ import annotations

import hashlib
import os
import secrets

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import Association
from app.auth.models import User
from app.core import audit, clock, jobs, storage
from app.core.errors import Conflict, NotAllowed, NotFound
from app.extensions import db
from app.meetings import minutes as minutes_service
from app.meetings import minutes_draft, minutes_record, policies
from app.meetings.board import board_offices
from app.meetings.models import (
    BOARD_KINDS,
    Meeting,
    MeetingPacket,
    MeetingStatus,
    PacketOpen,
    PacketStatus,
)
from app.packets.render import build_packet

JOB = "meetings.build_packet"


def request_packet(meeting: Meeting, *, actor: User) -> MeetingPacket:
    """Ask for the meeting's packet (manager, secretary); the job builds it once this
    transaction commits. A build already waiting or running is returned as it is."""
    if not policies.can_run(actor, meeting):
        raise NotAllowed(_("Only the manager or the secretary builds the board packet."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("A cancelled meeting has no board packet."))
    waiting = db.session.scalar(
        select(MeetingPacket).where(
            MeetingPacket.meeting_id == meeting.id,
            MeetingPacket.status.in_((PacketStatus.QUEUED, PacketStatus.RUNNING)),
        )
    )
    if waiting is not None:
        return waiting
    packet = MeetingPacket(
        meeting_id=meeting.id,
        association_id=meeting.association_id,
        status=PacketStatus.QUEUED.value,
        progress=0,
        total=0,
        error="",
        requested_by_id=actor.id,
        created_at=clock.now(),
    )
    db.session.add(packet)
    db.session.flush()
    packet.job_id = jobs.enqueue(JOB, packet.id).id
    audit.record(
        "meeting.packet_requested",
        actor=actor,
        association_id=meeting.association_id,
        subject_type="meeting",
        subject_id=meeting.id,
        summary=_("Asked for the board packet"),
        data={"packet_id": packet.id, "job_id": packet.job_id},
    )
    return packet


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """Return the board meeting held before this one (not cancelled), if any."""
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.association_id == meeting.association_id,
            Meeting.kind.in_([k.value for k in BOARD_KINDS]),
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.starts_at < meeting.starts_at,
            Meeting.id != meeting.id,
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    )


def _previous_minutes(meeting: Meeting, association: Association) -> dict | None:
    earlier = previous_meeting(meeting)
    if earlier is None:
        return None
    row = minutes_service.minutes_of(earlier)
    body = row.body if row is not None and row.body else ""
    if not body:
        body = minutes_draft.draft_from_record(earlier, association)
    return {
        "title": _("Minutes: %(title)s", title=minutes_record.meeting_title(earlier, association)),
        "status": row.status if row is not None else "draft",
        "body": body,
    }


def _failed(packet_id: int, *, error: str = "") -> None:
    packet = db.session.get(MeetingPacket, packet_id)
    if packet is not None and packet.status != PacketStatus.DONE:
        packet.status, packet.error = PacketStatus.FAILED.value, error[:500]


def _reopened(packet_id: int) -> None:
    packet = db.session.get(MeetingPacket, packet_id)
    if packet is not None and packet.status == PacketStatus.FAILED:
        packet.status, packet.error = PacketStatus.QUEUED.value, ""


@jobs.job(JOB, max_attempts=3, backoff=(30, 300), on_give_up=_failed, on_retry=_reopened)
def build(packet_id: int) -> None:
    """Build the packet from live data, committing its progress after each part; store the
    PDF under a name of its own and only then call it done."""
    packet = db.session.get(MeetingPacket, packet_id)
    if packet is None or packet.status not in (PacketStatus.QUEUED, PacketStatus.RUNNING):
        return
    meeting = db.session.get(Meeting, packet.meeting_id)
    association = db.session.get(Association, packet.association_id)
    packet.status, packet.progress, packet.error = PacketStatus.RUNNING.value, 0, ""
    db.session.commit()

    def progress(done: int, total: int) -> None:
        packet.progress, packet.total = done, total
        db.session.commit()

    try:
        pdf = _build(packet, meeting, association, progress)
        target = storage.packet_path(packet.id)
        temporary = target.with_name(f"{target.stem}.{secrets.token_hex(6)}.part")
        temporary.write_bytes(pdf)
        os.replace(temporary, target)
        packet.status, packet.stored_name = PacketStatus.DONE.value, target.name
        packet.sha256 = hashlib.sha256(pdf).hexdigest()
        packet.finished_at, packet.error = clock.now(), ""
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        packet = db.session.get(MeetingPacket, packet_id)
        if packet is not None and packet.status == PacketStatus.RUNNING:
            packet.status = PacketStatus.QUEUED.value
            packet.error = _("Attempt failed, trying again: %(error)s", error=str(error))[:500]
            db.session.commit()
        raise


def _build(packet: MeetingPacket, meeting: Meeting, association: Association, progress) -> bytes:
    return build_packet(
        association,
        agenda_items=[
            {"title": i.title, "kind": i.kind, "approval_id": i.approval_id} for i in meeting.agenda
        ],
        previous_minutes=_previous_minutes(meeting, association),
        progress=progress,
        meeting={
            "title": minutes_record.meeting_title(meeting, association),
            "starts_at": meeting.starts_at,
            "location": meeting.location,
            "video_url": meeting.video_url,
        },
    )


def latest(meeting: Meeting) -> MeetingPacket | None:
    """Return the meeting's latest packet build, whatever its state."""
    return db.session.scalar(
        select(MeetingPacket)
        .where(MeetingPacket.meeting_id == meeting.id)
        .order_by(MeetingPacket.id.desc())
        .limit(1)
    )


def latest_built(meeting: Meeting) -> MeetingPacket | None:
    """Return the meeting's latest built packet."""
    return db.session.scalar(
        select(MeetingPacket)
        .where(MeetingPacket.meeting_id == meeting.id, MeetingPacket.status == PacketStatus.DONE)
        .order_by(MeetingPacket.id.desc())
        .limit(1)
    )


def for_job(job_id: int) -> MeetingPacket | None:
    """Return the packet build a job makes."""
    return db.session.scalar(select(MeetingPacket).where(MeetingPacket.job_id == job_id))


def open_packet(meeting: Meeting, user: User) -> bytes:
    """Return the latest packet's bytes and record that the user opened it (managers and
    the board; NotFound until one is built)."""
    if not policies.sees_executive(user, meeting.association_id):
        raise NotFound(_("No such board packet."))
    packet = latest_built(meeting)
    if packet is None:
        raise NotFound(_("The board packet has not been built yet."))
    data = storage.packet_path(packet.id).read_bytes()
    now = clock.now()
    row = db.session.scalar(
        select(PacketOpen).where(PacketOpen.packet_id == packet.id, PacketOpen.user_id == user.id)
    )
    if row is None:
        db.session.add(
            PacketOpen(
                packet_id=packet.id, user_id=user.id, first_opened_at=now, last_opened_at=now
            )
        )
    else:
        row.last_opened_at, row.count = now, row.count + 1
    db.session.flush()
    return data


def opened_by(meeting: Meeting) -> list[dict]:
    """Return, per seated board member, whether and when they opened the latest packet."""
    packet = latest_built(meeting)
    opens = {}
    if packet is not None:
        opens = {
            o.user_id: o
            for o in db.session.scalars(select(PacketOpen).where(PacketOpen.packet_id == packet.id))
        }
    offices = board_offices(meeting.association_id)
    people = db.session.scalars(select(User).where(User.id.in_(offices)).order_by(User.name))
    return [
        {
            "user_id": person.id,
            "name": person.name,
            "office": offices[person.id],
            "first_opened_at": opens[person.id].first_opened_at if person.id in opens else None,
            "count": opens[person.id].count if person.id in opens else 0,
        }
        for person in people
    ]
