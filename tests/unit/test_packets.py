"""The board packet: each section's figures on a small world, each decision's evidence, and
the PDF a board member reads (its extracted text)."""

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from PIL import Image

from app.approvals import services as approvals
from app.budgets import services as budgets
from app.compliance import conversation, fines, hearings, ladder, outcomes
from app.core import clock, jobs
from app.core.errors import NotFound, ValidationError
from app.extensions import db
from app.packets import charts, evidence, sections
from app.packets.render import build_packet
from app.vendors import bids, contracts
from app.vendors import services as vendors
from tests import factories as f
from tests.pdfs import pdf_text
from tests.unit import budget_helpers
from tests.unit.compliance_helpers import hearing_time, make_rule, open_violation, record_held

LONG_AGO = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
START = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)  # 9 a.m. in Los Angeles, March 1
ACTUALS = """account_code,month,amount
4000,2027-01,10000.00
4000,2027-02,9000.00
5100,2027-01,3500.00
5100,2027-02,3700.00
5200,2027-01,2000.00
5200,2027-02,2000.00
"""


def jpeg(colour=(40, 110, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@dataclass
class Packet:
    """What the world holds for a packet, and the day it is about."""

    on: date
    budget: object
    next_budget: object
    fine: object
    violation: object
    old_violation: object
    tree_contract: object
    snow_contract: object


@pytest.fixture
def packet_world(world):
    """Association A: an adopted FY2027 budget with two months of actuals and the FY2028
    budget before the board; a violation open since November; a fined violation after its
    hearing, with a photo and the owner's answer; a contract awarded from two bids before the
    board, an active one ending soon, and a certificate expiring in April."""
    clock.freeze(LONG_AGO)
    old = open_violation(world, make_rule(world, code="PRK-3", title="Trailers"))
    clock.freeze(START)
    adopted = budget_helpers.in_state(world, "approved", year=2027)
    budgets.import_actuals(adopted, ACTUALS, actor=world.manager)
    next_year = budget_helpers.in_state(world, "pending_approval", year=2028)

    green = vendors.create_vendor(
        world.a, {"name": "GreenCo Landscaping", "category": "landscaping"}, actor=world.manager
    )
    arbor = vendors.create_vendor(
        world.a, {"name": "Arbor Bros", "category": "landscaping"}, actor=world.manager
    )
    vendors.add_certificate(
        green,
        {
            "kind": "general_liability",
            "carrier": "Acme Mutual",
            "policy_number": "GL-77",
            "coverage_amount": "1000000",
            "expires_on": date(2027, 4, 10),
        },
        association=world.a,
        actor=world.manager,
    )
    snow = contracts.create_contract(
        world.a,
        {
            "vendor_id": arbor.id,
            "title": "Snow removal 2026",
            "scope": "Plough the lanes",
            "start_date": date(2026, 5, 1),
            "end_date": date(2027, 4, 30),
            "amount": "8000",
            "billing": "annual",
            "notice_days": 30,
        },
        actor=world.manager,
    )
    request = contracts.submit_contract(snow, actor=world.manager)
    for member in (world.board, world.board2):
        approvals.cast_vote(request.id, voter=member, choice="approve")
    rfp = bids.create_rfp(
        world.a,
        {"title": "Tree trimming 2027", "scope": "All trees", "due_on": date(2027, 3, 10)},
        actor=world.manager,
    )
    chosen = bids.add_bid(
        rfp,
        {"vendor_id": green.id, "price": "14500", "term_months": 12, "notes": "Two crews"},
        actor=world.manager,
    )
    bids.add_bid(
        rfp,
        {"vendor_id": arbor.id, "price": "12900", "term_months": 12, "notes": "Stumps extra"},
        actor=world.manager,
    )
    tree = bids.award_bid(chosen, actor=world.manager)
    contracts.submit_contract(tree, actor=world.manager)

    violation = open_violation(world, notes="Two bins visible from the street.", photos=[jpeg()])
    ladder.issue_letter(violation, "violation", actor=world.manager)
    conversation.add_response(
        violation,
        user=world.owner,
        message="The bins are behind the gate now.",
        request_hearing=True,
        photos=[jpeg((200, 30, 30))],
    )
    hearing_day = violation.cure_by + timedelta(days=1)
    hearings.schedule_hearing(
        violation,
        scheduled_at=hearing_time(world, hearing_day),
        location="Clubhouse",
        actor=world.manager,
    )
    clock.freeze(hearing_time(world, hearing_day, hour=20))
    record_held(world, violation)
    fine = fines.propose_fine(
        violation,
        amount="50",
        reason="Bins left out after the notice",
        health_safety_finding=False,
        actor=world.manager,
    )
    db.session.commit()
    return Packet(
        on=clock.today(world.a.time_zone),
        budget=adopted,
        next_budget=next_year,
        fine=fine,
        violation=violation,
        old_violation=old,
        tree_contract=tree,
        snow_contract=snow,
    )


# --- sections -------------------------------------------------------------------------------


def test_budget_vs_actual_compares_the_adopted_budget_with_its_actuals(world, packet_world):
    report = sections.budget_vs_actual(world.a, on=packet_world.on)
    assert (report["budget_id"], report["fiscal_year"]) == (packet_world.budget.id, 2027)
    assert (report["through"], report["months"]) == (date(2027, 2, 1), 2)
    rows = {r["account_code"]: r for r in report["rows"]}
    landscaping = rows["5100"]
    assert (landscaping["budget_ytd"], landscaping["actual_ytd"]) == (
        Decimal("6000.00"),
        Decimal("7200.00"),
    )
    assert landscaping["variance"] == Decimal("1200.00") and landscaping["unfavourable"]
    assert rows["4000"]["variance"] == Decimal("-1000.00") and rows["4000"]["unfavourable"]
    assert report["totals"]["expense"]["actual_ytd"] == Decimal("11200.00")
    assert report["totals"]["income"]["budget_ytd"] == Decimal("20000.00")


def test_budget_vs_actual_of_a_year_without_an_adopted_budget_is_none(world, packet_world):
    assert sections.budget_vs_actual(world.a, 2028) is None  # FY2028 is still pending
    assert sections.budget_vs_actual(world.b) is None


def test_the_budget_in_force_is_the_one_of_the_current_fiscal_year(world, packet_world):
    assert sections.budget_in_force(world.a, date(2027, 6, 1)) == packet_world.budget
    # No adopted budget for 2029: the latest adopted one stands.
    assert sections.budget_in_force(world.a, date(2029, 6, 1)) == packet_world.budget


def test_violations_by_stage_and_by_age(world, packet_world):
    report = sections.violations(world.a, on=packet_world.on)
    assert report["total"] == 2
    assert {r["stage"]: r["count"] for r in report["by_stage"]} == {
        "open": 1,
        "noticed": 0,
        "hearing_scheduled": 1,
        "fined": 0,
    }
    # Opened November 20 (116 days) and March 1 (15 days).
    assert [r["count"] for r in report["by_age"]] == [1, 0, 0, 1]
    assert [r["label"] for r in report["by_age"]][-1] == "Over 90 days"
    # No letter gave November's a cure date; the other's hearing ends its overdue time.
    assert report["overdue"] == 0
    assert sections.violations(world.a, on=date(2026, 11, 19))["by_age"][0]["count"] == 2
    assert sections.violations(world.b)["total"] == 0


def test_a_cured_violation_leaves_the_stages_and_counts_as_cured(world, packet_world):
    outcomes.cure_violation(
        packet_world.old_violation, notes="Trailer moved to storage.", actor=world.manager
    )
    report = sections.violations(world.a, on=packet_world.on)
    assert report["total"] == 1 and report["cured_recently"] == 1


def test_inspections_done_in_the_period(world, packet_world):
    start, end = sections.period_before(packet_world.on, 90)
    report = sections.inspections(world.a, start, end)
    assert [(i["on"], i["findings"], i["new_violations"]) for i in report["items"]] == [
        (date(2027, 3, 1), 1, 1)
    ]  # November's walk is older than 90 days
    everything = sections.inspections(world.a, date(2026, 1, 1), end)
    assert [i["on"] for i in everything["items"]] == [date(2026, 11, 20), date(2027, 3, 1)]
    assert sections.inspections(world.b, start, end)["items"] == []


def test_expiring_certificates_and_contracts(world, packet_world):
    report = sections.expiring(world.a, 60, on=packet_world.on)
    assert [(c["vendor"], c["expires_on"]) for c in report["certificates"]] == [
        ("GreenCo Landscaping", date(2027, 4, 10))
    ]
    assert [c["title"] for c in report["contracts"]] == ["Snow removal 2026"]
    assert "Give notice by March 31, 2027" in report["contracts"][0]["hint"]
    assert sections.expiring(world.a, 10, on=packet_world.on) == {
        "within_days": 10,
        "certificates": [],
        "contracts": [],
    }


def test_pending_approvals_say_what_each_decides(world, packet_world):
    pending = sections.pending_approvals(world.a)
    assert [p["subject_type"] for p in pending] == ["budget", "contract", "fine"]
    contract = dict(pending[1]["decides"])
    assert contract["Vendor"] == "GreenCo Landscaping"
    assert "$14,500.00" in contract["Amount"]
    assert dict(pending[2]["decides"])["Amount"] == "$50.00"
    assert all(p["required"] == 2 and p["approvals"] == 0 for p in pending)
    assert sections.pending_approvals(world.b) == []


# --- evidence -------------------------------------------------------------------------------


def test_a_budgets_evidence_is_its_summary_and_assessment(world, packet_world):
    request = evidence.request_in(world.a.id, packet_world.next_budget.approval_id)
    item = evidence.evidence(request)
    assert item["subject_type"] == "budget" and item["status"] == "pending"
    detail = item["detail"]
    assert detail["fiscal_year"] == 2028
    assert detail["totals"]["income"] == "$120,000.00"
    assert detail["totals"]["expense"] == "$72,000.00"
    assert detail["type_rows"][0]["units"] == 1
    assert "Expenses by category" in detail["chart"]


def test_a_contracts_evidence_puts_the_competing_bids_beside_its_terms(world, packet_world):
    item = evidence.evidence(
        evidence.request_in(world.a.id, packet_world.tree_contract.approval_id)
    )
    detail = item["detail"]
    assert (detail["vendor"], detail["amount"], detail["scope"]) == (
        "GreenCo Landscaping",
        Decimal("14500.00"),
        "All trees",
    )
    assert [(b["vendor"], b["price"], b["chosen"]) for b in detail["bids"]] == [
        ("Arbor Bros", Decimal("12900.00"), False),
        ("GreenCo Landscaping", Decimal("14500.00"), True),
    ]
    assert detail["bids"][0]["lowest"] and not detail["bids"][1]["lowest"]


def test_a_contract_drafted_without_bids_has_none(world, packet_world):
    assert evidence.competing_bids(packet_world.snow_contract) == []


def test_a_fines_evidence_is_its_kinds_own_with_the_photos_inlined(world, packet_world):
    item = evidence.evidence(evidence.request_in(world.a.id, packet_world.fine.approval_id))
    hook = item["hook"]  # FineSubject.evidence(): what the board reads beside the vote
    assert hook["findings"][0]["notes"] == "Two bins visible from the street."
    message = hook["messages"][0]
    assert (message["who"], message["text"], message["hearing_requested"]) == (
        "Olivia Owner",
        "The bins are behind the gate now.",
        True,
    )
    assert hook["hearing"]["where"] == "Clubhouse"
    # Paper adds the photos themselves: the finding's and the owner's.
    photos = item["detail"]["photos"]
    assert set(photos) == {*hook["findings"][0]["photos"], *message["photos"]}
    assert len(photos) == 2
    assert all(uri.startswith("data:image/jpeg;base64,") for uri in photos.values())
    assert item["detail"]["rule_text"].startswith("Trash containers must be stored")
    assert dict(item["summary"])["Amount"] == "$50.00" and item["show_summary"]
    assert item["paper_template"] == "packets/evidence/fine.html"


def test_a_fine_prints_at_most_max_photos_and_says_how_many_more(world, packet_world, monkeypatch):
    monkeypatch.setattr(evidence, "MAX_PHOTOS", 1)
    detail = evidence.evidence(evidence.request_in(world.a.id, packet_world.fine.approval_id))[
        "detail"
    ]
    assert (len(detail["photos"]), detail["left_out"]) == (1, 1)


def test_another_associations_request_is_not_found(world, packet_world):
    with pytest.raises(NotFound):
        evidence.request_in(world.b.id, packet_world.fine.approval_id)
    with pytest.raises(NotFound):
        evidence.request_in(world.a.id, 999_999)


# --- charts ---------------------------------------------------------------------------------


def test_charts_are_svg_without_script(world, packet_world):
    report = sections.budget_vs_actual(world.a, on=packet_world.on)
    svg = str(charts.budget_vs_actual(report["rows"]))
    assert svg.startswith('<figure class="packet-chart"') and "<svg" in svg
    assert "<script" not in svg and "5100 Landscaping" in svg
    stages = sections.violations(world.a, on=packet_world.on)["by_stage"]
    assert "Hearing scheduled" in str(charts.counts(stages, title="By stage"))
    assert str(charts.counts([{"label": "None", "count": 0}], title="Empty")) == ""


def test_the_budget_chart_merges_small_accounts_into_other(world, packet_world):
    rows = [
        {
            "account_code": str(5000 + n),
            "name": f"Line {n}",
            "kind": "expense",
            "budget_ytd": Decimal(100 * (n + 1)),
            "actual_ytd": Decimal(90 * (n + 1)),
        }
        for n in range(10)
    ]
    svg = str(charts.budget_vs_actual(rows, max_bars=4))
    assert "Line 9" in svg and "Line 7" in svg and "Line 6" not in svg
    assert "Other (7 accounts)" in svg


# --- the PDF --------------------------------------------------------------------------------


def test_the_packet_prints_agenda_evidence_and_sections(world, packet_world):
    steps = []
    agenda = [
        {"title": "Call to order", "kind": "report"},
        {"title": "Tree trimming contract", "approval_id": packet_world.tree_contract.approval_id},
        {"title": "Fine at 12B", "kind": "action", "approval_id": packet_world.fine.approval_id},
        {"title": "Budget 2028", "approval_id": packet_world.next_budget.approval_id},
    ]
    pdf = build_packet(
        world.a,
        agenda,
        previous_minutes={"status": "draft", "body": "## Attendance\nBea Board present."},
        progress=lambda done, total: steps.append((done, total)),
        meeting={"title": "Regular board meeting", "starts_at": START + timedelta(days=20)},
    )
    text = " ".join(pdf_text(pdf).split())
    # Cover and agenda
    for words in ("Board packet", "Regular board meeting", "Alpha Grove HOA", "Call to order"):
        assert words in text
    assert "Contract: Tree trimming 2027 — GreenCo Landscaping" in text
    # Each decision with its evidence
    for words in (
        "Competing bids",
        "Arbor Bros",
        "$12,900.00",
        "Stumps extra",
        "The bins are behind the gate now.",
        "asked for a hearing",
        "Bins left out after the notice",
        "Trash containers",
        "$120,000.00",  # FY2028's income
    ):
        assert words in text, words
    # The sections, with their figures
    for words in (
        "Budget vs actual",
        "Fiscal year 2027",
        "$7,200.00",  # landscaping, actual year to date
        "$1,200.00",  # its variance
        "Expenses: budget vs actual, year to date",  # the chart's title
        "Open violations by stage",
        "Open violations by age",
        "Over 90 days",
        "Inspections",
        "Insurance and contracts expiring within 60 days",
        "Acme Mutual, GL-77",
        "Snow removal 2026",
        "Pending approvals",
        "Minutes of the previous meeting",
        "DRAFT",
        "Bea Board present.",
    ):
        assert words in text, words
    assert text.index("Competing bids") < text.index("Expenses: budget vs actual")
    total = 1 + 3 + 5 + 1
    assert steps == [(n, total) for n in range(1, total + 1)]


def test_a_packet_without_agenda_or_budget_says_so(world):
    pdf = build_packet(world.b)
    text = " ".join(pdf_text(pdf).split())
    assert "No agenda items yet." in text
    assert "No budget has been approved for this association yet" in text
    assert "Nothing is waiting for the board." in text
    assert "No certificate expires in this window." in text


def test_an_agenda_item_needs_a_title_and_a_request_of_this_association(world, packet_world):
    with pytest.raises(ValidationError):
        build_packet(world.a, [{"title": "  "}])
    with pytest.raises(ValidationError):
        build_packet(world.a, [{"title": "Fine", "approval_id": "twelve"}])
    with pytest.raises(NotFound):
        build_packet(world.b, [{"title": "Fine", "approval_id": packet_world.fine.approval_id}])


def test_building_a_packet_writes_nothing(world):
    f.UnitFactory(association=world.a, label="7", street_address="7 Oak Lane")
    db.session.commit()
    build_packet(world.a)
    assert not db.session.dirty and not db.session.new


def test_a_subject_kind_prints_its_own_evidence_through_the_engines_hook(
    world, packet_world, monkeypatch
):
    from app.approvals import subjects

    kind = subjects.kind_of("fine")
    monkeypatch.setattr(kind, "packet_template", "packets/evidence/_rows.html", raising=False)
    monkeypatch.setattr(
        kind,
        "evidence",
        lambda subject: {"heading": "From the hook", "rows": [("Recital", "Read it aloud")]},
    )
    item = evidence.evidence(evidence.request_in(world.a.id, packet_world.fine.approval_id))
    assert item["hook"]["rows"] == [("Recital", "Read it aloud")]
    pdf = build_packet(
        world.a, [{"title": "Fine at 12B", "approval_id": packet_world.fine.approval_id}]
    )
    text = " ".join(pdf_text(pdf).split())
    assert "From the hook" in text and "Recital Read it aloud" in text
    assert "Bins left out after the notice" in text  # the kind's summary stays
    assert "What was observed" not in text  # the kind's own paper replaces the packet's


# --- in the job runner --------------------------------------------------------------------

BUILT: dict[str, object] = {}


@jobs.job("tests.packet", max_attempts=1)
def build_packet_job(association_id: int, approval_id: int) -> None:
    """What a meeting's packet job does: build, report progress (committing it), keep the PDF."""
    from app.associations.models import Association

    association = db.session.get(Association, association_id)
    steps = BUILT.setdefault("steps", [])

    def progress(done: int, total: int) -> None:
        steps.append((done, total))
        db.session.commit()  # as the mailing batch commits its progress

    BUILT["pdf"] = build_packet(
        association, [{"title": "Fine at 12B", "approval_id": approval_id}], progress=progress
    )


def test_the_packet_builds_in_the_job_runner_with_no_request(world, packet_world):
    BUILT.clear()
    jobs.enqueue("tests.packet", world.a.id, packet_world.fine.approval_id)
    db.session.commit()  # eager: the job runs now, on another thread with its own session
    row = db.session.scalars(db.select(jobs.Job).where(jobs.Job.name == "tests.packet")).one()
    assert (row.status, row.last_error) == ("done", "")
    assert BUILT["steps"] == [(n, 8) for n in range(1, 9)]
    text = " ".join(pdf_text(BUILT["pdf"]).split())
    assert "The bins are behind the gate now." in text and "Pending approvals" in text
