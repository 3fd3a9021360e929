"""Compliance pages for managers and the board (owners' pages are in portal.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.associations.forms import ConfirmForm
from app.associations.models import Unit
from app.compliance import batches, ladder, letters
from app.compliance import policies as compliance_policies
from app.compliance import services as compliance
from app.compliance.attention import due_condition
from app.compliance.forms import (
    FindingForm,
    FineForm,
    HearingForm,
    InspectionForm,
    NotesForm,
    RuleForm,
    TemplateForm,
)
from app.compliance.models import (
    Inspection,
    Letter,
    LetterBatch,
    Photo,
    Rule,
    Violation,
)
from app.compliance.profiles import profile_of
from app.core import clock, storage
from app.core.audit import AuditEntry
from app.core.errors import DomainError, NotFound
from app.core.forms import apply_errors, choices
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, record_in, require
from app.core.pdf import pdf_response
from app.extensions import db

bp = Blueprint("compliance", __name__, url_prefix="/associations/<int:aid>/compliance")

STATUS_LABELS = {
    "open": "Open",
    "noticed": "Noticed",
    "hearing_scheduled": "Hearing set",
    "fined": "Fined",
    "cured": "Cured",
    "closed": "Closed",
}


def _manage(aid: int):
    association = load_association(aid)
    require(compliance_policies.can_manage(actor(), aid))
    return association


def _see_all(aid: int):
    association = load_association(aid)
    require(compliance_policies.can_see_all(actor(), aid))
    return association


def _fail(error: DomainError, target: str):
    db.session.rollback()
    flash(error.message, "danger")
    return redirect(target)


# --- rules ----------------------------------------------------------------------------------


@bp.route("/rules", methods=["GET", "POST"])
@login_required
def rules(aid: int):
    """The rule library and its fine schedule; managers add rules here."""
    association = _see_all(aid)
    form = RuleForm()
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if form.validate_on_submit():
            try:
                rule = compliance.create_rule(association, form.data, actor=actor())
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error, {409: "code"})
            else:
                db.session.commit()
                flash(_("Added rule %(code)s.", code=rule.code), "success")
                return redirect(url_for("compliance.rules", aid=aid))
    page = paginate(
        select(Rule).where(Rule.association_id == aid),
        search=[Rule.code, Rule.title, Rule.description],
        sortable={
            "code": Rule.code,
            "title": Rule.title,
            "cure": Rule.cure_days,
            "fine": Rule.fine_amount,
        },
        default_sort="code",
        tiebreak=Rule.id,
        **list_args(),
    )
    return render_template(
        "compliance/rules.html",
        association=association,
        page=page,
        form=form,
        profile=profile_of(association.compliance_profile),
    )


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@login_required
def edit_rule(aid: int, rule_id: int):
    """Change a rule."""
    association = _manage(aid)
    rule = record_in(Rule, rule_id, aid, _("No such rule."))
    form = RuleForm(obj=rule)
    if form.validate_on_submit():
        try:
            compliance.update_rule(rule, form.data, actor=actor())
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Saved rule %(code)s.", code=rule.code), "success")
            return redirect(url_for("compliance.rules", aid=aid))
    return render_template(
        "compliance/rule_form.html", association=association, form=form, rule=rule
    )


# --- inspections ----------------------------------------------------------------------------


@bp.route("/inspections", methods=["GET", "POST"])
@login_required
def inspections(aid: int):
    """Inspections, newest first; managers open a new one here."""
    association = _see_all(aid)
    form = InspectionForm(data={"scheduled_for": compliance.today(association)})
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if form.validate_on_submit():
            inspection = compliance.create_inspection(
                association, scheduled_for=form.scheduled_for.data, actor=actor()
            )
            db.session.commit()
            return redirect(url_for("compliance.inspection", aid=aid, inspection_id=inspection.id))
    page = paginate(
        select(Inspection)
        .where(Inspection.association_id == aid)
        .options(selectinload(Inspection.findings)),
        sortable={"date": Inspection.scheduled_for},
        default_sort="date",
        direction=request.args.get("dir") or "desc",
        tiebreak=Inspection.id,
        page=request.args.get("page", 1),
        per_page=request.args.get("per_page"),
    )
    return render_template(
        "compliance/inspections.html", association=association, page=page, form=form
    )


def _find_unit(aid: int, text: str) -> Unit | None:
    """Resolve the unit picker's text: "12B — 12 Oak Lane", a label or an address."""
    text = (text or "").strip()
    label = text.split(" — ", 1)[0].strip()
    unit = db.session.scalar(select(Unit).where(Unit.association_id == aid, Unit.label == label))
    if unit is None and text:
        matches = db.session.scalars(
            select(Unit).where(
                Unit.association_id == aid,
                or_(
                    func.lower(Unit.street_address) == text.lower(),
                    func.lower(Unit.street_address).like(f"{text.lower()}%"),
                ),
            )
        ).all()
        unit = matches[0] if len(matches) == 1 else None
    return unit


@bp.route("/inspections/<int:inspection_id>", methods=["GET", "POST"])
@login_required
def inspection(aid: int, inspection_id: int):
    """Walk the community: record findings (phone friendly) and see what was found."""
    association = _see_all(aid)
    inspection = record_in(Inspection, inspection_id, aid, _("No such inspection."))
    form = FindingForm()
    active_rules = db.session.scalars(
        select(Rule).where(Rule.association_id == aid, Rule.active.is_(True)).order_by(Rule.code)
    ).all()
    form.rule_id.choices = choices((r.id, f"{r.code} — {r.title}") for r in active_rules)
    units = db.session.scalars(
        select(Unit).where(Unit.association_id == aid).order_by(Unit.label)
    ).all()
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if form.validate_on_submit():
            unit = _find_unit(aid, form.unit.data)
            if unit is None:
                form.unit.errors.append(_("Pick a unit from the list (type its label or address)."))
            else:
                photos = [f.read() for f in (form.photos.data or []) if f and f.filename]
                try:
                    finding = compliance.record_finding(
                        inspection,
                        unit_id=unit.id,
                        rule_id=form.rule_id.data,
                        notes=form.notes.data,
                        photos=photos,
                        actor=actor(),
                    )
                except DomainError as error:
                    db.session.rollback()
                    apply_errors(form, error, {413: "photos", 415: "photos"})
                else:
                    db.session.commit()
                    flash(
                        _(
                            "Recorded: %(what)s at unit %(label)s.",
                            what=_("re-inspection") if finding.reinspection else _("new violation"),
                            label=unit.label,
                        ),
                        "success",
                    )
                    return redirect(
                        url_for("compliance.inspection", aid=aid, inspection_id=inspection_id)
                    )
    return render_template(
        "compliance/inspection.html",
        association=association,
        inspection=inspection,
        form=form,
        units=units,
        has_rules=bool(active_rules),
        confirm=ConfirmForm(),
    )


@bp.route("/inspections/<int:inspection_id>/close", methods=["POST"])
@login_required
def close_inspection(aid: int, inspection_id: int):
    """Close an inspection."""
    _manage(aid)
    inspection = record_in(Inspection, inspection_id, aid, _("No such inspection."))
    if ConfirmForm().validate_on_submit():
        try:
            compliance.close_inspection(inspection, actor=actor())
        except DomainError as error:
            return _fail(
                error, url_for("compliance.inspection", aid=aid, inspection_id=inspection_id)
            )
        db.session.commit()
        flash(_("Inspection closed."), "success")
    return redirect(url_for("compliance.inspections", aid=aid))


# --- violations -----------------------------------------------------------------------------


@bp.route("/violations")
@login_required
def violations(aid: int):
    """Violations with filters: status, rule, unit, overdue cure date, age."""
    association = _see_all(aid)
    args = request.args
    today = compliance.today(association)
    statement = compliance.violation_query(
        aid,
        status=args.get("status") or None,
        rule_id=int(args["rule"]) if args.get("rule", "").isdigit() else None,
        unit_id=None,
        overdue=args.get("overdue") == "1",
        today=today,
    )
    statement = statement.join(Violation.unit).join(Violation.rule)
    age = args.get("age", "")
    if age.isdigit():
        statement = statement.where(Violation.opened_on <= today - timedelta(days=int(age)))
    page = paginate(
        statement,
        search=[Unit.label, Unit.street_address, Rule.code, Rule.title],
        sortable={
            "opened": Violation.opened_on,
            "unit": Unit.label,
            "rule": Rule.code,
            "status": Violation.status,
            "cure": Violation.cure_by,
        },
        default_sort="opened",
        tiebreak=Violation.id,
        **{**list_args(), "direction": args.get("dir") or "desc"},
    )
    rule_options = db.session.scalars(
        select(Rule).where(Rule.association_id == aid).order_by(Rule.code)
    ).all()
    page.extra.update(
        status=args.get("status", ""),
        rule=args.get("rule", ""),
        overdue=args.get("overdue", ""),
        age=age,
    )
    return render_template(
        "compliance/violations.html",
        association=association,
        page=page,
        rules=rule_options,
        statuses=STATUS_LABELS,
        today=today,
    )


@bp.route("/due")
@login_required
def due(aid: int):
    """Due today: cure dates that passed, needing a re-inspection or the next letter."""
    association = _see_all(aid)
    today = compliance.today(association)
    items = db.session.scalars(
        select(Violation)
        .where(Violation.association_id == aid, due_condition(today))
        .options(
            selectinload(Violation.unit),
            selectinload(Violation.rule),
            selectinload(Violation.letters),
        )
        .order_by(Violation.cure_by.is_(None), Violation.cure_by, Violation.id)
    ).all()
    rows = []
    for violation in items:
        kinds = {le.kind for le in violation.letters}
        if not kinds:
            step = _("Issue the first letter (a courtesy notice or the notice of violation)")
        elif "violation" not in kinds:
            step = _("Re-inspect; if not cured, issue the notice of violation")
        else:
            step = _("Re-inspect; if not cured, schedule the hearing")
        rows.append(
            {
                "violation": violation,
                "days": (today - violation.cure_by).days if violation.cure_by else None,
                "step": step,
                "next_kind": "violation" if "violation" not in kinds else None,
            }
        )
    return render_template(
        "compliance/due.html",
        association=association,
        rows=rows,
        today=today,
        confirm=ConfirmForm(),
    )


@bp.route("/due/notices", methods=["POST"])
@login_required
def due_notices(aid: int):
    """Issue the notice of violation for every selected violation at once."""
    _manage(aid)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ids = [int(v) for v in request.form.getlist("violation_id") if v.isdigit()]
    selected = db.session.scalars(
        select(Violation).where(Violation.association_id == aid, Violation.id.in_(ids))
    ).all()
    if not selected:
        flash(_("Select at least one violation."), "warning")
        return redirect(url_for("compliance.due", aid=aid))
    try:
        issued = ladder.issue_letters_bulk(list(selected), "violation", actor=actor())
    except DomainError as error:
        return _fail(error, url_for("compliance.due", aid=aid))
    db.session.commit()
    flash(
        _(
            "Issued %(n)d notices of violation; they wait for the next mailing batch.",
            n=len(issued),
        ),
        "success",
    )
    return redirect(url_for("compliance.due", aid=aid))


def _violation(aid: int, violation_id: int) -> Violation:
    load_association(aid)
    violation = db.session.get(Violation, violation_id)
    if (
        violation is None
        or violation.association_id != aid
        or not compliance_policies.can_view_violation(actor(), violation)
    ):
        raise NotFound(_("No such violation."))
    return violation


def _refusal(check, *args) -> str | None:
    """Return why the ladder refuses a step now, or None when it allows it."""
    try:
        check(*args)
    except DomainError as error:
        return error.message
    return None


@bp.route("/violations/<int:violation_id>")
@login_required
def violation(aid: int, violation_id: int):
    """A violation's whole history, and the next steps the ladder allows."""
    violation = _violation(aid, violation_id)
    if not compliance_policies.can_see_all(actor(), aid):
        return redirect(url_for("portal.violation", aid=aid, violation_id=violation_id))
    return _render_violation(violation)


def _render_violation(violation, forms: dict | None = None, status: int = 200):
    """Render a violation's page; ``forms`` replaces an inline form by the one just posted
    (its input kept, its errors beside the fields)."""
    user = actor()
    aid = violation.association_id
    association = g.association
    profile = profile_of(association.compliance_profile)
    allowed_letters = {
        kind: _refusal(ladder.check_letter, violation, kind)
        for kind in ("courtesy", "violation", "fine", "closure")
    }
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.association_id == aid,
            AuditEntry.subject_type == "violation",
            AuditEntry.subject_id == violation.id,
        )
        .order_by(AuditEntry.id)
    ).all()
    hearing_form = HearingForm()
    if violation.hearing is not None:
        local = clock.as_utc(violation.hearing.scheduled_at).astimezone(
            clock.zone(association.time_zone)
        )
        hearing_form.scheduled_at.data = local.replace(tzinfo=None)
        hearing_form.location.data = violation.hearing.location
    elif violation.cure_by:
        earliest = max(
            violation.cure_by + timedelta(days=1),
            compliance.today(association) + timedelta(days=profile.hearing_notice_days),
        )
        hearing_form.scheduled_at.data = datetime(
            earliest.year, earliest.month, earliest.day, 18, 0
        )
    fine_form = FineForm(data={"amount": f"{compliance.proposed_fine(violation):.2f}"})
    forms = {
        "hearing_form": hearing_form,
        "fine_form": fine_form,
        "cure_form": NotesForm(formdata=None),
        "close_form": NotesForm(formdata=None),
        **(forms or {}),
    }
    return render_template(
        "compliance/violation.html",
        association=association,
        v=violation,
        profile=profile,
        allowed_letters=allowed_letters,
        entries=entries,
        fine_refusal=_refusal(ladder.check_fine, violation),
        hearing_refusal=_refusal(ladder.check_hearing, violation),
        confirm=ConfirmForm(),
        can_manage=compliance_policies.can_manage(user, aid),
        hearing_held=ladder.hearing_held(violation),
        decision_due=ladder.decision_letter_due(violation),
        statuses=STATUS_LABELS,
        **forms,
    ), status


def _back(aid: int, violation_id: int) -> str:
    return url_for("compliance.violation", aid=aid, violation_id=violation_id)


def _act(aid: int, violation_id: int, form_class, action, success: str, form_key=None):
    """Run an inline form's action. With ``form_key`` a refused form is shown again on the
    violation's page with what was typed and the error beside its field."""
    _manage(aid)
    violation = _violation(aid, violation_id)
    form = form_class()
    if not form.validate_on_submit():
        if form_key is not None and "csrf_token" not in form.errors:
            messages = " ".join(m for ms in form.errors.values() for m in ms)
            flash(_("Please correct the marked field: %(messages)s", messages=messages), "danger")
            return _render_violation(violation, {form_key: form}, 422)
        for messages in form.errors.values():
            flash(" ".join(messages), "danger")
        return redirect(_back(aid, violation_id))
    try:
        action(violation, form)
    except DomainError as error:
        if form_key is None:
            return _fail(error, _back(aid, violation_id))
        db.session.rollback()
        violation = _violation(aid, violation_id)
        apply_errors(form, error)
        return _render_violation(violation, {form_key: form}, error.status)
    db.session.commit()
    flash(success, "success")
    return redirect(_back(aid, violation_id))


@bp.route("/violations/<int:violation_id>/letters/<kind>", methods=["POST"])
@login_required
def issue_letter(aid: int, violation_id: int, kind: str):
    """Issue a letter of the ladder."""
    return _act(
        aid,
        violation_id,
        ConfirmForm,
        lambda v, f: ladder.issue_letter(v, kind, actor=actor()),
        _("Letter issued. It waits for the next mailing batch and is in the owner's portal now."),
    )


@bp.route("/violations/<int:violation_id>/letters/<kind>/preview")
@login_required
def letter_preview(aid: int, violation_id: int, kind: str):
    """The letter issuing ``kind`` now would produce, watermarked PREVIEW (nothing stored)."""
    _manage(aid)
    violation = record_in(Violation, violation_id, aid, _("No such violation."))
    pdf = ladder.preview_letter(violation, kind)
    db.session.rollback()
    return pdf_response(pdf, f"preview-V{violation.id}-{kind}.pdf")


@bp.route("/violations/<int:violation_id>/hearing", methods=["POST"])
@login_required
def hearing(aid: int, violation_id: int):
    """Schedule or move the hearing (issues its notice)."""

    def schedule(violation, form):
        local = form.scheduled_at.data.replace(tzinfo=clock.zone(g.association.time_zone))
        ladder.schedule_hearing(
            violation, scheduled_at=local, location=form.location.data, actor=actor()
        )

    return _act(
        aid,
        violation_id,
        HearingForm,
        schedule,
        _("Hearing scheduled; the notice of hearing is issued."),
        form_key="hearing_form",
    )


@bp.route("/violations/<int:violation_id>/fine", methods=["POST"])
@login_required
def fine(aid: int, violation_id: int):
    """Propose a fine to the board."""
    return _act(
        aid,
        violation_id,
        FineForm,
        lambda v, f: ladder.propose_fine(
            v,
            amount=f.amount.data,
            reason=f.reason.data,
            health_safety_finding=f.health_safety_finding.data,
            actor=actor(),
        ),
        _("The fine is before the board."),
        form_key="fine_form",
    )


@bp.route("/violations/<int:violation_id>/cure", methods=["POST"])
@login_required
def cure(aid: int, violation_id: int):
    """Record the cure."""
    return _act(
        aid,
        violation_id,
        NotesForm,
        lambda v, f: compliance.cure_violation(v, notes=f.notes.data, actor=actor()),
        _("Cure recorded."),
        form_key="cure_form",
    )


@bp.route("/violations/<int:violation_id>/close", methods=["POST"])
@login_required
def close(aid: int, violation_id: int):
    """Close the violation."""
    return _act(
        aid,
        violation_id,
        NotesForm,
        lambda v, f: compliance.close_violation(v, notes=f.notes.data, actor=actor()),
        _("Violation closed."),
        form_key="close_form",
    )


@bp.route("/fines/<int:fine_id>/<status>", methods=["POST"])
@login_required
def settle(aid: int, fine_id: int, status: str):
    """Record an approved fine as paid or waived."""
    from app.compliance.models import Fine

    _manage(aid)
    fine = db.session.get(Fine, fine_id)
    if fine is None or fine.violation.association_id != aid:
        raise NotFound(_("No such fine."))
    return _act(
        aid,
        fine.violation_id,
        ConfirmForm,
        lambda v, f: ladder.settle_fine(fine, status, actor=actor()),
        _("Fine recorded as %(status)s.", status=status),
    )


# --- files ----------------------------------------------------------------------------------


@bp.route("/letters/<int:letter_id>.pdf")
@login_required
def letter_pdf(aid: int, letter_id: int):
    """An issued letter: the stored bytes, every time."""
    letter = record_in(Letter, letter_id, aid, _("No such letter."))
    _violation(aid, letter.violation_id)
    return pdf_response(letter.pdf, f"letter-{letter.id}-{letter.kind}.pdf")


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(aid: int, photo_id: int):
    """A finding's or a response's photo, for those who may see the violation."""
    record = record_in(Photo, photo_id, aid, _("No such photo."))
    from app.compliance.models import Finding, OwnerResponse

    owner = (
        db.session.get(Finding, record.finding_id)
        if record.finding_id
        else db.session.get(OwnerResponse, record.response_id)
    )
    _violation(aid, owner.violation_id)
    return Response(
        storage.read_photo(record.stored_name),
        mimetype=record.content_type,
        headers={"Cache-Control": "private, max-age=3600"},
    )


# --- templates ------------------------------------------------------------------------------


@bp.route("/templates")
@login_required
def templates(aid: int):
    """The association's letter wording, per kind."""
    association = _see_all(aid)
    from app.compliance.models import LetterTemplate

    custom = {
        t.kind
        for t in db.session.scalars(
            select(LetterTemplate).where(LetterTemplate.association_id == aid)
        )
    }
    return render_template(
        "compliance/templates.html",
        association=association,
        kinds=letters.KIND_TITLES,
        custom=custom,
    )


@bp.route("/templates/<kind>", methods=["GET", "POST"])
@login_required
def template(aid: int, kind: str):
    """Edit a letter's wording, with a PDF preview on sample values."""
    association = _manage(aid)
    if kind not in letters.DEFAULT_BODIES:
        raise NotFound(_("No such letter kind."))
    form = TemplateForm(data={"body": ladder.template_body(aid, kind)})
    if form.validate_on_submit():
        if form.preview.data:
            try:
                letters.validate_body(form.body.data)
            except DomainError as error:
                apply_errors(form, error)
            else:
                return pdf_response(
                    _preview(association, kind, form.body.data), f"preview-{kind}.pdf"
                )
        else:
            try:
                ladder.save_template(association, kind, form.body.data, actor=actor())
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error)
            else:
                db.session.commit()
                flash(_("Saved the wording of the %(kind)s letter.", kind=kind), "success")
                return redirect(url_for("compliance.templates", aid=aid))
    return render_template(
        "compliance/template_form.html",
        association=association,
        form=form,
        kind=kind,
        title=letters.KIND_TITLES[kind],
        placeholders=letters.PLACEHOLDERS,
        default=letters.DEFAULT_BODIES[kind],
    )


def _preview(association, kind: str, body: str) -> bytes:
    """Render a letter of this kind with sample values."""
    from app.core import formatting

    today = compliance.today(association)
    values = letters.sample_values(association.name, today)
    context = {
        "values": values,
        "kind": kind,
        "title": str(letters.KIND_TITLES[kind]),
        "letterhead": association.letterhead_address or association.name,
        "association_name": association.name,
        "issued_on": formatting.long_date(today),
        "recipient_lines": ["Jordan Sample", "100 Sample Street", "Sampletown, CA 90000"],
        "unit_address": "100 Sample Street",
        "unit_label": "S-1",
        "rule": {
            "code": "R-1",
            "title": "Sample rule",
            "text": "The rule's full text.",
            "section": "CC&R 1.1",
        },
        "observation": "What the inspector saw.",
        "observed_on": formatting.long_date(today),
        "photos": [],
        "cure_by": values["cure_by"] if kind in ("courtesy", "violation") else "",
        "profile_wording": profile_of(association.compliance_profile).wording.get(kind, ""),
        "certified": kind in profile_of(association.compliance_profile).certified_mail,
        "violation_id": 0,
    }
    pdf, _pages = letters.render_letter(letters.letter_html(context, body))
    return pdf


# --- mailing batches ----------------------------------------------------------------------


@bp.route("/batches", methods=["GET", "POST"])
@login_required
def batches_page(aid: int):
    """Mailing batches and the letters waiting for one."""
    association = _see_all(aid)
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if ConfirmForm().validate_on_submit():
            batch = batches.create_batch(association, actor=actor())
            db.session.commit()
            if batch.letter_count:
                flash(_("Building a batch of %(n)d letters.", n=batch.letter_count), "success")
                return redirect(url_for("compliance.batch", aid=aid, batch_id=batch.id))
            flash(_("No letters are waiting to be mailed."), "info")
        return redirect(url_for("compliance.batches_page", aid=aid))
    waiting = db.session.scalar(
        select(func.count(Letter.id)).where(
            Letter.association_id == aid, Letter.mailed_at.is_(None), Letter.batch_id.is_(None)
        )
    )
    page = paginate(
        select(LetterBatch).where(LetterBatch.association_id == aid, LetterBatch.letter_count > 0),
        sortable={"created": LetterBatch.id},
        default_sort="created",
        direction="desc",
        page=request.args.get("page", 1),
        per_page=request.args.get("per_page"),
    )
    return render_template(
        "compliance/batches.html",
        association=association,
        page=page,
        waiting=waiting,
        confirm=ConfirmForm(),
    )


def _batch(aid: int, batch_id: int) -> LetterBatch:
    return record_in(LetterBatch, batch_id, aid, _("No such mailing batch."))


@bp.route("/batches/<int:batch_id>", methods=["GET", "POST"])
@login_required
def batch(aid: int, batch_id: int):
    """A batch: progress while it builds, the PDF, confirmation with tracking numbers."""
    association = _see_all(aid)
    batch = _batch(aid, batch_id)
    profile = profile_of(association.compliance_profile)
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if not ConfirmForm().validate_on_submit():
            abort(400)
        tracking = {
            key.split("-", 1)[1]: value
            for key, value in request.form.items()
            if key.startswith("tracking-")
        }
        try:
            batches.confirm_batch(batch, tracking_numbers=tracking, actor=actor())
        except DomainError as error:
            return _fail(error, url_for("compliance.batch", aid=aid, batch_id=batch_id))
        db.session.commit()
        flash(_("Marked %(n)d letters mailed.", n=batch.letter_count), "success")
        return redirect(url_for("compliance.batch", aid=aid, batch_id=batch_id))
    return render_template(
        "compliance/batch.html",
        association=association,
        batch=batch,
        certified=profile.certified_mail,
        confirm=ConfirmForm(),
        refresh=batch.status in ("queued", "running"),
    )


@bp.route("/batches/<int:batch_id>/cancel", methods=["POST"])
@login_required
def cancel_batch(aid: int, batch_id: int):
    """Cancel a batch; its letters wait for the next one."""
    _manage(aid)
    batch = _batch(aid, batch_id)
    if ConfirmForm().validate_on_submit():
        try:
            batches.cancel_batch(batch, actor=actor())
        except DomainError as error:
            return _fail(error, url_for("compliance.batch", aid=aid, batch_id=batch_id))
        db.session.commit()
        flash(_("Batch cancelled; its letters wait for the next one."), "success")
    return redirect(url_for("compliance.batches_page", aid=aid))


@bp.route("/batches/<int:batch_id>.pdf")
@login_required
def batch_pdf(aid: int, batch_id: int):
    """The merged PDF for the print house."""
    _see_all(aid)
    batch = _batch(aid, batch_id)
    if not batch.pdf_path:
        raise NotFound(_("This batch has no PDF yet."))
    return send_file(
        storage.batch_path(batch.id),
        mimetype="application/pdf",
        download_name=f"letters-batch-{batch.id}.pdf",
    )
