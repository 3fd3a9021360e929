"""Letters: issuing, previewing, voiding and downloading them, their wording per association,
and the mailing batches that take them to the print house."""

from __future__ import annotations

from flask import send_file
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields

from app.api.arc import arc_letter_for
from app.api.compliance import violation_for
from app.api.compliance_schemas import LetterSchema
from app.api.schemas import BaseSchema, Text
from app.api.setup import allow, association_for, caller
from app.arc.models import LETTER_KIND as ARC_LETTER
from app.compliance import batch_mailing, batches, ladder, letter_bodies, voids, wording
from app.compliance import policies as compliance_policies
from app.compliance.letter_models import Letter, LetterBatch
from app.core import letter_numbers, storage
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.pdf import pdf_response
from app.delivery.services import count_in_batch
from app.extensions import db

blp = Blueprint("api_letters", __name__, description="Letters and mailing batches")


class LetterCreateSchema(BaseSchema):
    # Checked by the ladder after the violation's state (409 before 422).
    kind = fields.String(
        required=True, metadata={"enum": ["courtesy", "violation", "hearing", "fine", "closure"]}
    )


class BatchSchema(BaseSchema):
    id = fields.Integer()
    number = fields.Integer(metadata={"description": "the batch's number within its association"})
    status = fields.String()
    letter_count = fields.Integer()
    progress = fields.Integer()
    error = fields.String()
    pdf_url = fields.Function(
        lambda b: f"/api/v1/letter-batches/{b.id}/pdf" if b.pdf_path else None
    )
    letter_ids = fields.Function(lambda b: [le.id for le in b.letters])
    notice_count = fields.Function(
        lambda b: count_in_batch(b.id),
        metadata={"description": "printed notice copies in the batch (one per mail delivery)"},
    )
    tracking_required = fields.Function(
        lambda b: (
            [le.id for le in batch_mailing.missing_tracking(b, None)]
            + [c.id for c in batch_mailing.certified_copies(b)]
        ),
        metadata={
            "type": "array",
            "items": {"type": "integer"},
            "description": "the letters the profile sends by certified mail (TX: notices of "
            "violation, 209.006; notices of an architectural denial, 209.00505(d)): confirming "
            "needs a tracking number for each of these ids",
        },
    )


class ConfirmSchema(BaseSchema):
    tracking_numbers = fields.Dict(
        keys=Text(20),
        values=fields.Raw(metadata={"type": ["string", "integer"], "maxLength": 60}),
        load_default=None,
        allow_none=True,
        metadata={"description": "letter id → tracking number"},
    )


class TemplateSchema(BaseSchema):
    body = Text(required=True, metadata={"description": "empty: the default wording"})


class TemplateOutSchema(BaseSchema):
    kind = fields.String()
    language = fields.String()
    body = fields.String()
    source = fields.String(
        metadata={"description": "own (the association's), shipped, or english (none in it)"}
    )
    placeholders = fields.List(fields.String())


class VoidSchema(BaseSchema):
    reason = Text(load_default="", metadata={"description": "why the letter is voided (required)"})


# --- letters --------------------------------------------------------------------------------


@blp.route("/violations/<int:violation_id>/letters")
class Letters(MethodView):
    @blp.arguments(LetterCreateSchema)
    @blp.response(201, LetterSchema)
    @blp.alt_response(409, description="Out of order or too early")
    def post(self, body, violation_id):
        """Issue the next letter of the ladder."""
        violation = violation_for(violation_id, write=True)
        letter = ladder.issue_letter(violation, body["kind"], actor=caller())
        db.session.commit()
        return letter


class LetterPreviewArgsSchema(BaseSchema):
    kind = fields.String(
        required=True, metadata={"enum": ["courtesy", "violation", "hearing", "fine", "closure"]}
    )


@blp.route("/violations/<int:violation_id>/letters/preview")
class LetterPreview(MethodView):
    @blp.arguments(LetterPreviewArgsSchema, location="query")
    @blp.response(200, content_type="application/pdf")
    @blp.alt_response(409, description="The ladder does not allow this letter now")
    def get(self, args, violation_id):
        """The letter issuing ``kind`` now would produce, watermarked PREVIEW; changes nothing."""
        violation = violation_for(violation_id, write=True)
        pdf = ladder.preview_letter(violation, args["kind"])
        db.session.rollback()  # a preview never writes
        return pdf_response(pdf, f"preview-V{violation.id}-{args['kind']}.pdf")


def letter_for(letter_id: int, *, write: bool = False):
    """Return a letter the caller may open: owners never a voided one (404)."""
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        raise NotFound(_("No such letter."))
    violation_for(letter.violation_id, write=write)
    if letter.void and not compliance_policies.can_see_all(caller(), letter.association_id):
        raise NotFound(_("No such letter."))
    return letter


class LetterPdfArgsSchema(BaseSchema):
    lang = fields.String(
        metadata={"enum": ["en"], "description": "en: the English rendering kept beside it"},
    )


@blp.route("/letters/<int:letter_id>/pdf")
class LetterPdf(MethodView):
    @blp.arguments(LetterPdfArgsSchema, location="query")
    @blp.response(200, content_type="application/pdf")
    def get(self, args, letter_id):
        """Download an issued letter: the same bytes every time (a voided one too); with
        ``lang=en`` the English rendering stored beside a translated letter."""
        lang = args.get("lang")
        if lang not in (None, "en"):
            raise ValidationError("lang", _("Only lang=en (the English rendering) is kept."))
        if letter_numbers.kind_of(letter_id) == ARC_LETTER:
            letter = arc_letter_for(letter_id)
        else:
            letter = letter_for(letter_id)
        return pdf_response(*letter.download(english=lang == "en"))


@blp.route("/letters/<int:letter_id>/void")
class LetterVoid(MethodView):
    @blp.arguments(VoidSchema)
    @blp.response(200, LetterSchema)
    @blp.alt_response(409, description="Mailed, already void, or a later letter rests on it")
    def post(self, body, letter_id):
        """Void a mistaken letter: kept on file unchanged, out of the portal and open batch."""
        if letter_numbers.kind_of(letter_id) == ARC_LETTER:
            arc_letter_for(letter_id)  # 404 to whoever may not see it
            raise Conflict(
                _(
                    "An architectural decision letter records the reviewing body's decision "
                    "and cannot be voided; a new decision (an appeal) gets its own letter."
                )
            )
        letter = letter_for(letter_id, write=True)
        voids.void_letter(letter, reason=body["reason"], actor=caller())
        db.session.commit()
        return letter


# --- letter templates ----------------------------------------------------------------------


class TemplateArgsSchema(BaseSchema):
    language = fields.String(
        load_default="en", metadata={"enum": list(wording.LANGUAGES), "description": "default en"}
    )


def _template_out(aid: int, kind: str, language: str) -> dict:
    state = wording.status(aid, kind, language)
    return {
        "kind": kind,
        "language": language,
        "body": wording.template_body(aid, kind, language),
        "source": state.source,
        "placeholders": letter_bodies.PLACEHOLDERS,
    }


@blp.route("/associations/<int:aid>/letter-templates/<kind>")
class Templates(MethodView):
    @blp.arguments(TemplateArgsSchema, location="query")
    @blp.response(200, TemplateOutSchema)
    def get(self, args, aid, kind):
        """Return the association's wording for a letter kind in a language (default en)."""
        association_for(aid)
        allow(compliance_policies.can_see_all(caller(), aid))
        if kind not in letter_bodies.DEFAULT_BODIES:
            raise NotFound(_("No such letter kind."))
        if args["language"] not in wording.LANGUAGES:
            raise ValidationError("language", _("No such language."))
        return _template_out(aid, kind, args["language"])

    @blp.arguments(TemplateArgsSchema, location="query")
    @blp.arguments(TemplateSchema)
    @blp.response(200, TemplateOutSchema)
    def put(self, args, body, aid, kind):
        """Change the wording of a letter kind in a language (audited)."""
        association = association_for(aid)
        allow(compliance_policies.can_manage(caller(), aid))
        wording.save_template(
            association, kind, body["body"], actor=caller(), language=args["language"]
        )
        db.session.commit()
        return _template_out(aid, kind, args["language"])


# --- batches --------------------------------------------------------------------------------


def batch_for(batch_id: int, *, write: bool = False):
    """Return a batch of an association the caller manages or sits on the board of."""
    batch = db.session.get(LetterBatch, batch_id)
    if batch is None:
        raise NotFound(_("No such mailing batch."))
    association_for(batch.association_id)
    allow(compliance_policies.can_see_all(caller(), batch.association_id))
    if write:
        allow(compliance_policies.can_manage(caller(), batch.association_id))
    return batch


@blp.route("/associations/<int:aid>/letter-batches")
class Batches(MethodView):
    @blp.response(202, BatchSchema)
    def post(self, aid):
        """Start a batch of every issued letter not yet mailed nor in an open batch."""
        association = association_for(aid)
        allow(compliance_policies.can_manage(caller(), aid))
        batch = batches.create_batch(association, actor=caller())
        db.session.commit()
        db.session.refresh(batch)
        return batch


@blp.route("/letter-batches/<int:batch_id>")
class BatchItem(MethodView):
    @blp.response(200, BatchSchema)
    def get(self, batch_id):
        """Return a batch and its progress."""
        return batch_for(batch_id)


@blp.route("/letter-batches/<int:batch_id>/pdf")
class BatchPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, batch_id):
        """Download the merged PDF of a finished batch."""
        batch = batch_for(batch_id)
        if not batch.pdf_path:
            raise NotFound(_("This batch has no PDF yet."))
        return send_file(
            storage.batch_path(batch.id),
            mimetype="application/pdf",
            download_name=f"letters-batch-{batch.id}.pdf",
        )


@blp.route("/letter-batches/<int:batch_id>/confirm")
class BatchConfirm(MethodView):
    @blp.arguments(ConfirmSchema)
    @blp.response(200, BatchSchema)
    def post(self, body, batch_id):
        """Mark the letters mailed (certified letters need tracking numbers)."""
        batch = batch_for(batch_id, write=True)
        batch_mailing.confirm_batch(
            batch, tracking_numbers=body["tracking_numbers"], actor=caller()
        )
        db.session.commit()
        return batch


@blp.route("/letter-batches/<int:batch_id>/cancel")
class BatchCancel(MethodView):
    @blp.response(200, BatchSchema)
    def post(self, batch_id):
        """Cancel a batch that is not mailed; its letters can go into a new batch."""
        batch = batch_for(batch_id, write=True)
        batches.cancel_batch(batch, actor=caller())
        db.session.commit()
        return batch
