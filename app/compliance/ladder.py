"""The violation ladder with due process enforced: letters, hearings and fines."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.approvals import services as approvals
from app.approvals import venues
from app.approvals.models import ApprovalStatus
from app.auth.models import User
from app.compliance import hooks, wording
from app.compliance import letters as letter_rendering
from app.compliance import policies as compliance_policies
from app.compliance.conversation import hearing_requested_on
from app.compliance.letter_models import Letter, LetterKind
from app.compliance.models import Fine, FineStatus, Hearing, Violation, ViolationStatus
from app.compliance.profiles import (
    AGGREGATE,
    PER_VIOLATION,
    check_fine_amount,
    effective_cap,
    profile_of,
    raised_caps,
    refuse,
)
from app.compliance.services import record, today
from app.core import clock, formatting
from app.core.errors import InvalidTransition, NotAllowed, ValidationError
from app.core.parsing import parse_amount
from app.extensions import db

# Fines that count against a cap: levied or about to be; not rejected, withdrawn or waived.
COUNTED_FINES = (FineStatus.PENDING_APPROVAL, FineStatus.APPROVED, FineStatus.PAID)


# --- letters --------------------------------------------------------------------------------


def _render_in(violation: Violation, kind: str, language: str, *, hearing, fine, preview):
    """Render the letter of ``kind`` as of today in one language: (issued_on, context, html)."""
    with force_locale(language):
        issued_on = today(violation.association)
        context = letter_rendering.letter_values(
            violation, kind, issued_on, hearing=hearing, fine=fine, language=language
        )
        html = letter_rendering.letter_html(
            context,
            wording.template_body(violation.association_id, kind, language),
            preview=preview,
        )
    return issued_on, context, html


def _render(violation: Violation, kind: str, *, hearing=None, fine=None, preview=False):
    """Render the letter of ``kind`` as of today in its owners' language, and (issued, not a
    preview, not in English) its English rendering: (issued_on, context, pdf, pages, pdf_en)."""
    language = letter_rendering.letter_language(violation)
    issued_on, context, html = _render_in(
        violation, kind, language, hearing=hearing, fine=fine, preview=preview
    )
    pdf, pages = letter_rendering.render_letter(html)
    english = None
    if language != "en" and not preview:
        english_html = _render_in(violation, kind, "en", hearing=hearing, fine=fine, preview=False)[
            2
        ]
        english = letter_rendering.render_letter(english_html)[0]
    return issued_on, context, pdf, pages, english


def _issue(violation: Violation, kind: str, *, actor: User, hearing=None, fine=None) -> Letter:
    """Render, store and record one letter; its bytes never change afterwards."""
    issued_on, context, pdf, pages, english = _render(violation, kind, hearing=hearing, fine=fine)
    return store_letter(
        violation, kind, issued_on, context, pdf, pages, actor=actor, pdf_en=english
    )


def store_letter(
    violation: Violation,
    kind: str,
    issued_on: date,
    context: dict,
    pdf: bytes,
    pages: int,
    *,
    actor: User,
    pdf_en: bytes | None = None,
) -> Letter:
    """Keep an issued letter's bytes with their sha256 (and the English rendering beside a
    translated one, with its own) and apply what issuing it means."""
    letter = Letter(
        association_id=violation.association_id,
        kind=kind,
        issued_on=issued_on,
        issued_at=clock.now(),
        issued_by_id=actor.id if actor else None,
        recipient="\n".join(context["recipient_lines"]),
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        page_count=pages,
        language=context.get("language", "en"),
        pdf_en=pdf_en,
        sha256_en=hashlib.sha256(pdf_en).hexdigest() if pdf_en else None,
    )
    violation.letters.append(letter)
    if kind in (LetterKind.COURTESY, LetterKind.VIOLATION):
        violation.cure_by = issued_on + timedelta(days=violation.rule.cure_days)
    if kind == LetterKind.VIOLATION and violation.status == ViolationStatus.OPEN:
        violation.status = ViolationStatus.NOTICED.value
    db.session.flush()
    _email_owners(violation, letter, context)
    record(
        violation,
        f"letter.{kind}",
        _(
            "Issued the %(kind)s letter for %(code)s at unit %(label)s",
            kind=kind,
            code=violation.rule.code,
            label=violation.unit.label,
        ),
        actor=actor,
        data={
            "letter_id": letter.id,
            "sha256": letter.sha256,
            "cure_by": violation.cure_by.isoformat() if violation.cure_by else None,
        },
    )
    return letter


def _email_owners(violation: Violation, letter: Letter, context: dict) -> None:
    """Deliver the letter: portal, e-mail by the owners' preference, paper by the batch."""
    from app.compliance.letter_delivery import deliver_letter

    deliver_letter(violation, letter, context)


def check_letter(violation: Violation, kind: str) -> None:
    """Refuse a letter the ladder does not allow now (409 naming the rule and the date)."""
    if kind not in {k.value for k in LetterKind}:
        raise ValidationError("kind", _("Choose courtesy, violation, hearing, fine or closure."))
    if kind == LetterKind.HEARING:
        raise refuse(
            _(
                "The notice of hearing is issued by scheduling the hearing, which checks "
                "the notice period."
            )
        )
    if kind != LetterKind.CLOSURE and violation.status in (
        ViolationStatus.CURED,
        ViolationStatus.CLOSED,
    ):
        raise refuse(
            _(
                "The violation is %(status)s; only a closure letter may follow.",
                status=violation.status,
            )
        )
    courtesy = violation.letter(LetterKind.COURTESY)
    notice = violation.letter(LetterKind.VIOLATION)
    now = today(violation.association)
    if kind == LetterKind.COURTESY:
        if courtesy is not None:
            raise refuse(
                _(
                    "A courtesy notice was already issued on %(date)s; each letter is issued once.",
                    date=formatting.long_date(courtesy.issued_on),
                )
            )
        if notice is not None:
            raise refuse(
                _("The notice of violation was already issued; a courtesy notice cannot follow it.")
            )
    elif kind == LetterKind.VIOLATION:
        if notice is not None:
            raise refuse(
                _(
                    "The notice of violation was already issued on %(date)s; each "
                    "letter is issued once.",
                    date=formatting.long_date(notice.issued_on),
                )
            )
        if courtesy is not None and violation.cure_by and now <= violation.cure_by:
            raise refuse(
                _(
                    "After a courtesy notice, the notice of violation waits until the "
                    "cure deadline of %(date)s has passed.",
                    date=formatting.long_date(violation.cure_by),
                ),
                violation.cure_by + timedelta(days=1),
            )
    elif kind == LetterKind.FINE:
        if not any(f.status == FineStatus.APPROVED for f in violation.fines):
            raise refuse(_("A fine notice needs a fine the board has approved."))
        approved_fines = [f for f in violation.fines if f.status == FineStatus.APPROVED]
        fine_letters = [le for le in violation.live_letters if le.kind == LetterKind.FINE]
        if len(fine_letters) >= len(approved_fines):
            raise refuse(_("Every approved fine already has its notice."))
    elif kind == LetterKind.CLOSURE:
        if violation.status not in (ViolationStatus.CURED, ViolationStatus.CLOSED):
            raise refuse(_("A closure letter follows a cure or the closing of the violation."))
        if violation.letter(LetterKind.CLOSURE) is not None:
            raise refuse(_("The closure letter was already issued."))


def _fine_of_next_letter(violation: Violation, kind: str):
    """Return the approved fine the next notice of fine announces (None for other kinds)."""
    if kind != LetterKind.FINE:
        return None
    approved = [f for f in violation.fines if f.status == FineStatus.APPROVED]
    return approved[len([le for le in violation.live_letters if le.kind == LetterKind.FINE])]


def issue_letter(violation: Violation, kind: str, *, actor: User) -> Letter:
    """Issue the next letter of the ladder, if due process allows it now."""
    check_letter(violation, kind)
    fine = _fine_of_next_letter(violation, kind)
    return _issue(violation, kind, actor=actor, hearing=violation.hearing, fine=fine)


def preview_letter(violation: Violation, kind: str) -> bytes:
    """Render the letter that issuing ``kind`` now would produce, watermarked PREVIEW.

    The same refusals as issuing apply; nothing is stored, audited, mailed or e-mailed.
    """
    check_letter(violation, kind)
    fine = _fine_of_next_letter(violation, kind)
    return _render(violation, kind, hearing=violation.hearing, fine=fine, preview=True)[2]


def issue_letters_bulk(violations: list[Violation], kind: str, *, actor: User) -> list[Letter]:
    """Issue the same kind of letter for many violations, rendered together (a batch).

    Every violation is checked first; one refusal issues nothing.
    """
    for violation in violations:
        check_letter(violation, kind)
    contexts, htmls, languages = [], [], []
    for violation in violations:
        language = letter_rendering.letter_language(violation)
        issued_on, context, html = _render_in(
            violation,
            kind,
            language,
            hearing=violation.hearing,
            fine=_fine_of_next_letter(violation, kind),
            preview=False,
        )
        contexts.append((violation, issued_on, context))
        htmls.append(html)
        languages.append(language)
    rendered = letter_rendering.render_many(htmls)
    letters = []
    for (violation, issued_on, context), (pdf, pages), language in zip(
        contexts, rendered, languages, strict=True
    ):
        english = None
        if language != "en":
            english_html = _render_in(
                violation,
                kind,
                "en",
                hearing=violation.hearing,
                fine=_fine_of_next_letter(violation, kind),
                preview=False,
            )[2]
            english = letter_rendering.render_letter(english_html)[0]
        letters.append(
            store_letter(
                violation, kind, issued_on, context, pdf, pages, actor=actor, pdf_en=english
            )
        )
    return letters


# --- hearings -------------------------------------------------------------------------------


def check_hearing(violation: Violation) -> None:
    """Refuse scheduling or moving the hearing when the ladder does not allow it now (409)."""
    if violation.status in (ViolationStatus.CURED, ViolationStatus.CLOSED, ViolationStatus.FINED):
        raise refuse(_("The violation is %(status)s; no hearing is held.", status=violation.status))
    if violation.letter(LetterKind.VIOLATION) is None:
        raise refuse(_("A hearing follows the notice of violation; issue that first."))
    if hearing_held(violation):
        raise refuse(_("The hearing was held; it cannot be moved."))


def schedule_hearing(
    violation: Violation,
    *,
    scheduled_at: datetime,
    location: str,
    actor: User,
    meeting_id: int | None = None,
) -> Hearing:
    """Schedule (or move) the hearing and issue its notice, within the profile's rules.

    The hearing is held at a board meeting: ``meeting_id``'s, else an executive session
    created for it (placed by the venue the meetings package registers, ``hooks``)."""
    check_hearing(violation)
    association = violation.association
    profile = profile_of(association.compliance_profile)
    if not isinstance(scheduled_at, datetime) or scheduled_at.tzinfo is None:
        raise ValidationError(
            "scheduled_at",
            _("Give the date and time with its offset, such as 2027-03-04T18:00:00-08:00."),
        )
    location = (location or "").strip()
    local_day = clock.as_utc(scheduled_at).astimezone(clock.zone(association.time_zone)).date()
    now = today(association)
    earliest = max(
        violation.cure_by + timedelta(days=1), now + timedelta(days=profile.hearing_notice_days)
    )
    if local_day <= violation.cure_by or local_day < now + timedelta(
        days=profile.hearing_notice_days
    ):
        # Say both limits and which one sets the first possible day.
        raise refuse(
            _(
                "A hearing must fall after the cure deadline of %(cure)s and at least "
                "%(days)d days after its notice, which goes out today (%(name)s: "
                "%(citation)s); %(by)s sets the first possible day.",
                cure=formatting.long_date(violation.cure_by),
                days=profile.hearing_notice_days,
                name=profile.name,
                citation=profile.citation,
                by=_("the notice period")
                if earliest > violation.cure_by + timedelta(days=1)
                else _("the cure deadline"),
            ),
            earliest,
        )
    requested = hearing_requested_on(violation)
    if profile.requested_hearing_within_days and requested is not None:
        latest = requested + timedelta(days=profile.requested_hearing_within_days)
        if local_day > latest:
            raise refuse(
                _(
                    "%(name)s: a requested hearing is held within %(days)d days of the "
                    "request (%(citation)s), so by %(date)s.",
                    name=profile.name,
                    days=profile.requested_hearing_within_days,
                    citation=profile.citation,
                    date=formatting.long_date(latest),
                )
            )
    if not location or len(location) > 300:
        raise ValidationError("location", _("Say where the hearing is held (or the video link)."))
    hearing = violation.hearing
    moved = hearing is not None
    if hearing is None:
        hearing = Hearing(scheduled_at=scheduled_at, location=location)
        violation.hearing = hearing
    else:
        hearing.scheduled_at, hearing.location = scheduled_at, location
    hearing.packet_sent_at = None  # a moved hearing needs its evidence again (TX 209.007)
    violation.status = ViolationStatus.HEARING_SCHEDULED.value
    db.session.flush()
    hooks.place_hearing(violation, hearing, meeting_id, actor)
    record(
        violation,
        "hearing.rescheduled" if moved else "hearing.scheduled",
        _(
            "%(verb)s the hearing for %(when)s at %(where)s",
            verb=_("Moved") if moved else _("Scheduled"),
            when=formatting.long_datetime(scheduled_at, association.time_zone),
            where=location,
        ),
        actor=actor,
        data={
            "scheduled_at": clock.as_utc(scheduled_at).isoformat(),
            "location": location,
            "meeting_id": hearing.meeting_id,
        },
    )
    _issue(violation, LetterKind.HEARING, actor=actor, hearing=hearing)
    return hearing


def hearing_held(violation: Violation) -> bool:
    """A hearing is held once recorded as held (see Hearing.held), never by the clock."""
    return violation.hearing is not None and violation.hearing.held


def hearing_day(violation: Violation) -> date:
    """Return the hearing's local date (association time zone)."""
    return (
        clock.as_utc(violation.hearing.scheduled_at)
        .astimezone(clock.zone(violation.association.time_zone))
        .date()
    )


def packet_deadline(violation: Violation) -> date | None:
    """Return the last day the evidence packet may go out (TX: 10 days before the hearing),
    or None where the profile asks for none."""
    profile = profile_of(violation.association.compliance_profile)
    if not profile.evidence_packet_days or violation.hearing is None:
        return None
    return hearing_day(violation) - timedelta(days=profile.evidence_packet_days)


def check_record_hearing(violation: Violation) -> None:
    """Refuse recording the hearing as held when it cannot be yet (409 naming the rule)."""
    association = violation.association
    profile = profile_of(association.compliance_profile)
    hearing = violation.hearing
    if hearing is None:
        raise refuse(_("No hearing is scheduled for this violation."))
    if hearing.held:
        raise refuse(
            _(
                "The hearing was already recorded as held on %(date)s.",
                date=formatting.long_date(hearing.held_at, association.time_zone),
            )
        )
    day = hearing_day(violation)
    if today(association) < day:
        raise refuse(
            _(
                "A hearing is recorded as held from its own date (%(when)s).",
                when=formatting.long_datetime(hearing.scheduled_at, association.time_zone),
            ),
            day,
        )
    deadline = packet_deadline(violation)
    if deadline is not None:
        sent = (
            clock.as_utc(hearing.packet_sent_at)
            .astimezone(clock.zone(association.time_zone))
            .date()
            if hearing.packet_sent_at
            else None
        )
        if sent is None or sent > deadline:
            raise refuse(
                _(
                    "%(rule)s The evidence packet %(state)s (due by %(due)s); the hearing "
                    "cannot be recorded as held. Move the hearing and send the packet at "
                    "least %(n)d days before its new date.",
                    rule=profile.evidence_packet_rule,
                    state=_("went out on %(d)s", d=formatting.long_date(sent))
                    if sent
                    else _("was not sent"),
                    due=formatting.long_date(deadline),
                    n=profile.evidence_packet_days,
                )
            )


def record_hearing(violation: Violation, *, owner_attended, summary, actor: User) -> Hearing:
    """Record the hearing as held (the manager or the secretary): whether the owner attended
    and what was said. Only this makes the hearing held."""
    if not compliance_policies.can_record_hearing(actor, violation.association_id):
        raise NotAllowed(_("Only the manager or the secretary records the hearing."))
    check_record_hearing(violation)
    errors: dict[str, list[str]] = {}
    if not isinstance(owner_attended, bool):
        errors["owner_attended"] = [_("Say whether the owner attended (true or false).")]
    summary = summary.strip() if isinstance(summary, str) else ""
    if not summary:
        errors["summary"] = [_("Summarize the hearing: what the owner and the board said.")]
    elif len(summary) > 4000:
        errors["summary"] = [
            _("Use at most %(max)d characters (this has %(n)d).", max=4000, n=len(summary))
        ]
    if errors:
        raise ValidationError(errors)
    hearing = violation.hearing
    hearing.held_at, hearing.owner_attended, hearing.summary = clock.now(), owner_attended, summary
    db.session.flush()
    record(
        violation,
        "hearing.held",
        _(
            "Recorded the hearing of %(when)s as held (the owner %(attended)s)",
            when=formatting.long_datetime(hearing.scheduled_at, violation.association.time_zone),
            attended=_("attended") if owner_attended else _("did not attend"),
        ),
        actor=actor,
        data={
            "owner_attended": owner_attended,
            "summary": summary,
            "meeting_id": hearing.meeting_id,
        },
    )
    return hearing


# --- fines ----------------------------------------------------------------------------------


def check_fine(violation: Violation) -> None:
    """Refuse a fine proposal the ladder does not allow now (409 naming the rule and date)."""
    association = violation.association
    profile = profile_of(association.compliance_profile)
    now = today(association)
    if violation.status == ViolationStatus.CLOSED:
        raise refuse(_("The violation is closed; it cannot be fined."))
    if violation.status == ViolationStatus.FINED:
        raise refuse(_("The board already fined this violation after its hearing."))
    if violation.letter(LetterKind.VIOLATION) is None:
        raise refuse(_("No fine before a notice of violation has been issued."))
    if violation.status == ViolationStatus.CURED:
        if profile.no_fine_after_cure:
            raise refuse(
                _(
                    "%(name)s forbids fining a violation cured before the hearing (%(citation)s).",
                    name=profile.name,
                    citation=profile.citation,
                )
            )
        if violation.cured_on and violation.cure_by and violation.cured_on <= violation.cure_by:
            raise refuse(_("The violation was cured by its deadline; it cannot be fined."))
    if violation.hearing is None:
        raise refuse(_("No fine before a hearing: schedule the hearing first."))
    if not hearing_held(violation):
        held_on = (
            clock.as_utc(violation.hearing.scheduled_at)
            .astimezone(clock.zone(association.time_zone))
            .date()
        )
        raise refuse(
            _(
                "No fine before the hearing has been held and recorded as held by the "
                "manager or the secretary (it is set for %(when)s).",
                when=formatting.long_datetime(
                    violation.hearing.scheduled_at, association.time_zone
                ),
            ),
            held_on,
        )
    if violation.cure_by is None or now <= violation.cure_by:
        raise refuse(
            _("The cure deadline has not passed yet."),
            violation.cure_by + timedelta(days=1) if violation.cure_by else None,
        )
    if any(f.status == FineStatus.PENDING_APPROVAL for f in violation.fines):
        raise refuse(_("A fine for this violation is already before the board."))
    if profile.fining_committee_min and (
        venues.venue_for_new(association, "fine") == venues.COMMITTEE
    ):
        members = committee_ids(association.id)
        if len(members) < profile.fining_committee_min:
            raise refuse(
                _(
                    "%(rule)s The association has %(n)d; appoint members with the role "
                    "committee first.",
                    rule=profile.fining_committee_rule,
                    n=len(members),
                )
            )


def propose_fine(
    violation: Violation, *, amount, reason: str, health_safety_finding: bool, actor: User
) -> Fine:
    """Propose a fine to the board, once notice, hearing and missed cure allow it."""
    check_fine(violation)
    profile = profile_of(violation.association.compliance_profile)
    amount = parse_amount(amount, "amount")
    if amount <= 0:
        raise ValidationError("amount", _("Enter an amount greater than zero."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _("Give the reason the owner will read."))
    check_fine_amount(
        profile,
        amount,
        health_safety=bool(health_safety_finding),
        fined_on_violation=sum(
            (f.amount for f in violation.fines if f.status in COUNTED_FINES), Decimal(0)
        ),
        fined_on_unit=fined_on_unit(violation.unit_id),
        raised=raised_caps(violation.association),
    )
    fine = Fine(
        amount=amount,
        reason=reason,
        health_safety_finding=bool(health_safety_finding),
        status=FineStatus.PENDING_APPROVAL.value,
        proposed_at=clock.now(),
    )
    violation.fines.append(fine)
    db.session.flush()
    record(
        violation,
        "fine.proposed",
        _(
            "Proposed a fine of %(amount)s for %(code)s at unit %(label)s",
            amount=formatting.money(amount),
            code=violation.rule.code,
            label=violation.unit.label,
        ),
        actor=actor,
        data={
            "fine_id": fine.id,
            "amount": str(amount),
            "health_safety_finding": bool(health_safety_finding),
        },
    )
    request = approvals.open_request("fine", fine, actor=actor)
    hooks.fine_opened(fine, request, actor)
    return fine


def committee_ids(association_id: int) -> set[int]:
    """Return the members of the association's fining committee (role ``committee``)."""
    from app.auth.models import Membership

    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.association_id == association_id, Membership.role == "committee"
            )
        )
    )


def cap_note(fine: Fine) -> str | None:
    """Say when a fine goes beyond the statute's cap because the governing documents allow
    more (the association's setting), else None."""
    violation = fine.violation
    profile = profile_of(violation.association.compliance_profile)
    raised = raised_caps(violation.association)
    on_violation = sum(
        (f.amount for f in violation.fines if f.status in COUNTED_FINES and f.id <= fine.id),
        Decimal(0),
    )
    notes = []
    for cap in profile.fine_caps:
        limit = effective_cap(cap, raised)
        total = on_violation if cap.scope == PER_VIOLATION else fined_on_unit(violation.unit_id)
        if limit != cap.amount and total > cap.amount:
            notes.append(
                _(
                    "Above the %(statute)s %(scope)s of %(citation)s: the governing documents "
                    "allow %(cap)s (association setting).",
                    statute=formatting.money(cap.amount),
                    scope=_("per violation") if cap.scope == PER_VIOLATION else _("in all"),
                    citation=cap.citation,
                    cap=formatting.money(limit),
                )
            )
    return " ".join(notes) or None


def set_fine_caps(association, changes: dict, *, actor: User) -> None:
    """Record the caps the governing documents set (admin), where the statute yields to
    them; 422 naming the field elsewhere or for an amount that is not money."""
    profile = profile_of(association.compliance_profile)
    for field, scope in (
        ("fine_cap_per_violation", PER_VIOLATION),
        ("fine_cap_aggregate", AGGREGATE),
    ):
        if field not in changes:
            continue
        raw = changes[field]
        cap = profile.cap(scope)
        if raw is not None and (cap is None or not cap.documents_may_raise):
            raise ValidationError(
                field,
                _(
                    "%(name)s has no cap of this kind that the governing documents may raise.",
                    name=profile.name,
                ),
            )
        amount = None if raw is None else parse_amount(raw, field)
        if amount is not None and amount <= 0:
            raise ValidationError(field, _("Enter an amount greater than zero."))
        if getattr(association, field) != amount:
            setattr(association, field, amount)
            from app.core import audit

            audit.record(
                "association.fine_cap",
                actor=actor,
                association_id=association.id,
                subject_type="association",
                subject_id=association.id,
                summary=_(
                    "Set the fine cap of the governing documents (%(scope)s) to %(amount)s",
                    scope=scope.replace("_", " "),
                    amount=formatting.money(amount) if amount is not None else _("the statute's"),
                ),
                data={field: str(amount) if amount is not None else None},
            )


def fined_on_unit(unit_id: int) -> Decimal:
    """Return what the unit's violations are fined in all (approved, paid or pending)."""
    total = db.session.scalar(
        select(func.coalesce(func.sum(Fine.amount), 0))
        .join(Violation, Fine.violation_id == Violation.id)
        .where(Violation.unit_id == unit_id, Fine.status.in_(COUNTED_FINES))
    )
    return Decimal(total)


def withdraw_pending_fines(violation: Violation, *, actor: User) -> int:
    """Withdraw the fines still before the board; return how many."""
    count = 0
    for fine in violation.fines:
        if fine.status == FineStatus.PENDING_APPROVAL and fine.approval_id:
            request = approvals.get_request(fine.approval_id)
            if request.status == ApprovalStatus.PENDING:
                approvals.withdraw_request(request.id, actor=actor)
                count += 1
    return count


def settle_fine(fine: Fine, status: str, *, actor: User) -> Fine:
    """Record that an approved fine was paid or waived."""
    if status not in (FineStatus.PAID, FineStatus.WAIVED):
        raise ValidationError("status", _("Choose paid or waived."))
    if fine.status != FineStatus.APPROVED:
        raise InvalidTransition(
            _(
                "Only an approved fine can be paid or waived; this one is %(status)s.",
                status=fine.status.replace("_", " "),
            )
        )
    fine.status = status
    record(
        fine.violation,
        f"fine.{status}",
        _(
            "Recorded the fine of %(amount)s as %(status)s",
            amount=formatting.money(fine.amount),
            status=status,
        ),
        actor=actor,
        data={"fine_id": fine.id},
    )
    return fine


def decision_letter_due(violation: Violation) -> date | None:
    """Return the date by which the written decision must reach the owner (CA: 15 days)."""
    profile = profile_of(violation.association.compliance_profile)
    if not profile.decision_letter_days:
        return None
    for fine in violation.fines:
        if fine.decided_at and fine.status in (FineStatus.APPROVED, FineStatus.REJECTED):
            decided = (
                clock.as_utc(fine.decided_at)
                .astimezone(clock.zone(violation.association.time_zone))
                .date()
            )
            return decided + timedelta(days=profile.decision_letter_days)
    return None
