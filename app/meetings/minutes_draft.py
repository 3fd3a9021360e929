"""The minutes drafted from a meeting's record, as Markdown for the secretary to edit."""

from __future__ import annotations

from flask_babel import gettext as _

from app.associations.models import Association
from app.meetings.minutes_record import record
from app.meetings.models import Meeting


def _motion_markdown(motion: dict) -> list[str]:
    lines = [
        "",
        _(
            "**Motion:** %(text)s — moved by %(mover)s, seconded by %(seconder)s.",
            text=motion["text"],
            mover=motion["moved_by"],
            seconder=motion["seconded_by"],
        ),
        "",
        f"| {_('Director')} | {_('Vote')} |",
        "|---|---|",
    ]
    lines += [f"| {v['name']} | {v['label']} |" for v in motion["votes"]]
    if motion["recused"]:
        lines += ["", _("Recused: %(names)s.", names=", ".join(motion["recused"]))]
    result = {"carried": _("carried"), "failed": _("failed"), "open": _("not decided")}
    lines += [
        "",
        _(
            "**Result:** %(result)s (%(yes)d yes, %(no)d no, %(abstain)d abstaining, of "
            "%(n)d eligible present).",
            result=result[motion["result"]],
            yes=motion["yes"],
            no=motion["no"],
            abstain=motion["abstain"],
            n=motion["eligible"],
        ),
    ]
    return lines


def draft_from_record(meeting: Meeting, association: Association) -> str:
    """Return minutes drafted from the record, as Markdown for the secretary to edit."""
    values = record(meeting, association)
    lines = [
        f"# {_('Minutes')}: {values['title']}",
        "",
        f"{association.name}",
        "",
        _("**When:** %(when)s", when=values["when"]) + "  ",
    ]
    if values["location"]:
        lines.append(_("**Where:** %(place)s", place=values["location"]) + "  ")
    if values["video_url"]:
        lines.append(_("**Video:** <%(url)s>", url=values["video_url"]) + "  ")
    if values["emergency"]:
        lines.append(
            _(
                "**Emergency meeting**, called by %(callers)s: %(reason)s",
                callers=", ".join(values["called_by"]) or _("the board"),
                reason=values["emergency_reason"] or "—",
            )
        )
    lines += ["", f"## {_('Attendance')}", ""]
    lines.append(_("Present: %(names)s.", names=", ".join(values["present"]) or _("nobody")))
    if values["absent"]:
        lines.append("")
        lines.append(_("Absent: %(names)s.", names=", ".join(values["absent"])))
    if values["unrecorded"]:
        lines.append("")
        lines.append(_("Not recorded: %(names)s.", names=", ".join(values["unrecorded"])))
    lines.append("")
    counts = {
        "n": len(values["present"]),
        "seated": values["seated"],
        "needed": values["quorum_needed"],
    }
    lines.append(
        _(
            "A quorum was present (%(n)d of %(seated)d seated directors; %(needed)d needed).",
            **counts,
        )
        if values["quorum_present"]
        else _(
            "No quorum was present (%(n)d of %(seated)d seated directors; %(needed)d needed).",
            **counts,
        )
    )
    lines += ["", f"## {_('Agenda')}"]
    if not values["agenda"]:
        lines += ["", _("Nothing was on the agenda.")]
    for item in values["agenda"]:
        lines += ["", f"### {item['number']}. {item['title']} ({item['kind_label']})"]
        if item["executive_topic"]:
            lines += ["", _("Executive session: %(topic)s.", topic=item["executive_topic"])]
        if item["added_under"]:
            lines += [
                "",
                _("Added after the agenda was posted, as %(why)s.", why=item["added_under"]),
            ]
        approval = item["approval"]
        if approval is not None and not approval["decided_here"]:
            how = (
                _("by unanimous written consent in an emergency")
                if approval["emergency"]
                else _("without a meeting")
                if approval["online"]
                else _("elsewhere")
            )
            votes = ", ".join(f"{v['name']}: {v['label']}" for v in approval["votes"])
            lines += [
                "",
                _(
                    "Request #%(id)d, “%(title)s”, was %(status)s %(how)s%(on)s.",
                    id=approval["id"],
                    title=approval["title"],
                    status=approval["status_label"],
                    how=how,
                    on=_(" on %(date)s", date=approval["decided_on"])
                    if approval["decided_on"]
                    else "",
                )
                + (f" {_('Votes')}: {votes}." if votes else ""),
            ]
        elif approval is not None:
            lines += [
                "",
                _(
                    "This item decides request #%(id)d, “%(title)s” (%(status)s).",
                    id=approval["id"],
                    title=approval["title"],
                    status=approval["status_label"],
                ),
            ]
        for motion in item["motions"]:
            lines += _motion_markdown(motion)
        if not item["motions"] and item["kind"] != "report" and approval is None:
            lines += ["", _("No motion was made.")]
    if values["other_motions"]:
        lines += ["", f"## {_('Other motions')}"]
        for motion in values["other_motions"]:
            lines += _motion_markdown(motion)
    lines += ["", f"## {_('Adjournment')}", ""]
    lines.append(
        _("The meeting was adjourned at %(when)s.", when=values["adjourned_at"])
        if values["adjourned_at"]
        else _("The meeting has not been adjourned yet.")
    )
    return "\n".join(lines) + "\n"
