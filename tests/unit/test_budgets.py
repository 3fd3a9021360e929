"""Budgets: arithmetic, every (status, action) pair, CSV imports, timing, actuals."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from app.budgets import calc
from app.budgets import services as budgets
from app.core import clock
from app.core.errors import Conflict, InvalidTransition, ValidationError
from app.extensions import db
from tests import factories as f
from tests.unit.budget_helpers import LINES, draft, in_state

D = Decimal


# --- arithmetic ---------------------------------------------------------------------------


def _units(*specs):
    return [
        calc.UnitIn(n, f"U{n}", unit_type, share)
        for n, (unit_type, share) in enumerate(specs, start=1)
    ]


def test_totals_per_fund_kind_and_net():
    centres = [calc.CentreIn(1, "General", None)]
    lines = [
        calc.LineIn(
            None,
            v["name"],
            v["account_code"],
            v["fund"],
            v["kind"],
            D(v["amount"]),
            D(v["prior_year_amount"]),
            1,
        )
        for v in LINES
    ]
    totals = calc.totals(lines, centres)
    assert totals.income == D("120000.00")
    assert totals.expense == D("72000.00")
    assert totals.reserve_contribution == D("12000.00")
    assert totals.net == D("48000.00")
    assert totals.prior_expense == D("66000.00")
    assert totals.by_fund["operating"]["expense"] == D("60000.00")


def test_equal_shares_round_half_up_and_annual_is_twelve_months():
    centres = [calc.CentreIn(1, "General", None)]
    lines = [calc.LineIn(None, "Costs", "", "operating", "expense", D("1000.00"), None, 1)]
    result = calc.assess(
        lines, centres, _units(("standard", None), ("standard", None), ("standard", None))
    )
    # 1000 / 3 / 12 = 27.777… → 27.78 a month each
    assert result.monthly_per_unit == D("27.78")
    assert result.annual_per_unit == D("333.36")
    assert result.collected == D("1000.08")
    assert result.rounding_difference == D("0.08")


def test_cost_centres_share_only_among_the_units_they_cover():
    centres = [calc.CentreIn(1, "General", None), calc.CentreIn(2, "Townhomes", ("townhome",))]
    lines = [
        calc.LineIn(None, "Shared", "", "operating", "expense", D("12000.00"), None, 1),
        calc.LineIn(None, "Roofs", "", "reserve", "expense", D("6000.00"), None, 2),
    ]
    units = _units(
        ("townhome", None), ("townhome", None), ("single-family", None), ("single-family", None)
    )
    result = calc.assess(lines, centres, units)
    # General: 12000 / 4 / 12 = 250; Townhomes: 6000 / 2 / 12 = 250
    assert result.by_unit_type == {
        "single-family": (D("3000.00"), D("250.00")),
        "townhome": (D("6000.00"), D("500.00")),
    }
    assert result.monthly_per_unit is None and result.annual_per_unit is None
    townhome = result.by_unit[0]
    assert townhome.parts == {1: D("250.00"), 2: D("250.00")}
    assert sum(townhome.parts.values()) == townhome.monthly


def test_allocation_shares_apply_only_when_every_covered_unit_has_one():
    centres = [calc.CentreIn(1, "General", None)]
    lines = [calc.LineIn(None, "Costs", "", "operating", "expense", D("12000.00"), None, 1)]
    weighted = calc.assess(lines, centres, _units(("standard", D("1")), ("standard", D("3"))))
    assert [u.monthly for u in weighted.by_unit] == [D("250.00"), D("750.00")]
    assert weighted.by_unit_type == {"standard": None}
    partial = calc.assess(lines, centres, _units(("standard", D("1")), ("standard", None)))
    assert [u.monthly for u in partial.by_unit] == [D("500.00"), D("500.00")]


def _line(name, kind, amount, centre=1, fund="operating", prior=None):
    return calc.LineIn(
        None, name, "", fund, kind, D(amount), D(prior) if prior is not None else None, centre
    )


def test_totals_add_every_line_per_kind_fund_and_centre():
    centres = [calc.CentreIn(1, "General", None), calc.CentreIn(2, "Pool", None)]
    lines = [
        _line("Dues", "income", "1000", prior="900"),
        _line("Fees", "income", "200", prior="100"),
        _line("Water", "expense", "300", prior="250"),
        _line("Roof reserve", "expense", "150", fund="reserve"),  # no prior year: counts as 0
        _line("Paint reserve", "expense", "50", fund="reserve", prior="40"),
        _line("Pool care", "expense", "75", centre=2),
        _line("Pool income", "income", "25", centre=2),
        _line("Legacy", "expense", "10", centre=99),  # a centre no longer listed
    ]
    totals = calc.totals(lines, centres)
    assert (totals.income, totals.expense) == (D("1225"), D("585"))
    assert totals.reserve_contribution == D("200")
    assert totals.net == D("640")
    assert (totals.prior_income, totals.prior_expense) == (D("1000"), D("290"))
    assert totals.prior_net == D("710")
    assert totals.expense_change == D("295")
    assert totals.by_fund == {
        "operating": {"income": D("1225"), "expense": D("385")},
        "reserve": {"income": D("0"), "expense": D("200")},
    }
    assert totals.by_centre == {
        1: {"income": D("1200"), "expense": D("500")},
        2: {"income": D("25"), "expense": D("75")},
        99: {"income": D("0"), "expense": D("10")},
    }


def test_assessment_reports_each_centre_and_unit_in_full():
    centres = [
        calc.CentreIn(1, "General", None),
        calc.CentreIn(2, "Townhomes", ("townhome",)),
        calc.CentreIn(3, "Marina", ("boat",)),  # covers no unit, yet carries an expense
        calc.CentreIn(4, "Gate", None),  # covers every unit, carries nothing
    ]
    lines = [
        _line("Insurance", "expense", "1200"),
        _line("Landscaping", "expense", "1200"),
        _line("Laundry", "income", "5000"),  # income lowers no assessment
        _line("Roofs", "expense", "2400", centre=2),
        _line("Dock", "expense", "600", centre=3),
        _line("Gate income", "income", "30", centre=4),
    ]
    units = [
        calc.UnitIn(7, "T1", "townhome", None),
        calc.UnitIn(8, "T2", "townhome", None),
        calc.UnitIn(9, "H1", "house", None),
    ]
    result = calc.assess(lines, centres, units)
    general, townhomes, marina, gate = result.centres
    assert (general.id, general.name, general.unit_types) == (1, "General", None)
    assert (general.expense, general.income, general.unit_count) == (D("2400"), D("5000"), 3)
    assert general.by_allocation is False
    assert general.monthly_by_type == {"house": D("66.67"), "townhome": D("66.67")}
    assert (townhomes.unit_types, townhomes.expense, townhomes.unit_count) == (
        ("townhome",),
        D("2400"),
        2,
    )
    assert townhomes.monthly_by_type == {"townhome": D("100.00")}
    assert (marina.expense, marina.unit_count, marina.monthly_by_type) == (D("600"), 0, {})
    assert result.empty_centres == [marina]
    assert (gate.expense, gate.income) == (D("0"), D("30"))
    assert gate.monthly_by_type == {"house": D("0.00"), "townhome": D("0.00")}
    assert [(u.unit_id, u.label, u.unit_type) for u in result.by_unit] == [
        (7, "T1", "townhome"),
        (8, "T2", "townhome"),
        (9, "H1", "house"),
    ]
    assert [u.parts for u in result.by_unit] == [
        {1: D("66.67"), 2: D("100.00")},
        {1: D("66.67"), 2: D("100.00")},
        {1: D("66.67")},
    ]
    # The marina's expense reaches nobody, so it is not among the shared expenses.
    assert result.shared_expense == D("4800")
    assert result.collected == D("4800.12")
    assert result.rounding_difference == D("0.12")


def test_a_unit_no_centre_charges_pays_zero_cents():
    centres = [calc.CentreIn(1, "Townhomes", ("townhome",))]
    lines = [_line("Roofs", "expense", "1200")]
    result = calc.assess(lines, centres, [calc.UnitIn(1, "H1", "house", None)])
    (unit,) = result.by_unit
    assert str(unit.monthly) == "0.00" and str(unit.annual) == "0.00" and unit.parts == {}
    assert str(calc.assess(lines, centres, []).collected) == "0.00"


def test_weighted_shares_of_one_type_have_no_single_monthly_figure():
    centres = [calc.CentreIn(1, "General", None)]
    lines = [_line("Costs", "expense", "1200")]
    result = calc.assess(lines, centres, _units(("standard", D("1")), ("standard", D("2"))))
    (centre,) = result.centres
    assert centre.by_allocation is True
    assert centre.monthly_by_type == {"standard": None}
    assert [u.monthly for u in result.by_unit] == [D("33.33"), D("66.67")]


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        ("0.125", "0.13"),  # banker's rounding gives 0.12
        ("1.025", "1.03"),  # banker's: 1.02
        ("2.675", "2.68"),  # a float would give 2.67
        ("0.135", "0.14"),
        ("0.1249", "0.12"),
        ("-0.125", "-0.13"),  # half away from zero
    ],
)
def test_cents_round_half_up(value, rounded):
    assert calc.cents(D(value)) == D(rounded)


def test_a_true_half_cent_share_rounds_up():
    centres = [calc.CentreIn(1, "General", None)]
    # 24.60 a year between two homes: 1.025 a month each, exactly half a cent.
    lines = [calc.LineIn(None, "Lights", "", "operating", "expense", D("24.60"), None, 1)]
    result = calc.assess(lines, centres, _units(("standard", None), ("standard", None)))
    assert [u.monthly for u in result.by_unit] == [D("1.03"), D("1.03")]
    assert result.annual_per_unit == D("12.36")
    assert result.rounding_difference == D("0.12")


def test_each_cost_centre_share_is_rounded_before_the_units_total():
    centres = [calc.CentreIn(1, "General", None), calc.CentreIn(2, "Townhomes", ("townhome",))]
    lines = [
        calc.LineIn(None, "Shared", "", "operating", "expense", D("1.50"), None, 1),
        calc.LineIn(None, "Roofs", "", "reserve", "expense", D("1.50"), None, 2),
    ]
    result = calc.assess(lines, centres, _units(("townhome", None)))
    (unit,) = result.by_unit
    # 0.125 + 0.125 a month: each share rounds to 0.13, so 0.26; rounding the unit's total
    # (3.00 / 12 = 0.25) would give 0.25, and banker's rounding of each share 0.24.
    assert unit.parts == {1: D("0.13"), 2: D("0.13")}
    assert unit.monthly == D("0.26") and unit.annual == D("3.12")
    assert result.centres[0].monthly_by_type == {"townhome": D("0.13")}
    assert result.rounding_difference == D("0.12")


def test_allocation_shares_round_each_part_half_up():
    centres = [calc.CentreIn(1, "General", None)]
    lines = [calc.LineIn(None, "Costs", "", "operating", "expense", D("6.00"), None, 1)]
    # Shares 1 and 3 of 6.00 a year: 0.125 and 0.375 a month.
    result = calc.assess(lines, centres, _units(("standard", D("1")), ("standard", D("3"))))
    assert [u.monthly for u in result.by_unit] == [D("0.13"), D("0.38")]


def test_the_change_in_percent_rounds_half_up():
    # +0.25 on 100 is 0.25 %: half-up gives 0.3 (banker's 0.2).
    assert calc.change(D("100.25"), D("100")) == (D("0.25"), D("0.3"))
    assert calc.change(D("99.75"), D("100")) == (D("-0.25"), D("-0.3"))


def test_change_against_prior_year():
    assert calc.change(D("110"), D("100")) == (D("10"), D("10.0"))
    assert calc.change(D("50"), None) == (None, None)
    assert calc.change(D("50"), D("0")) == (D("50"), None)


# --- every (status, action) pair --------------------------------------------------------

STATUSES = ["draft", "pending_approval", "approved", "rejected"]
NEW_LINE = {**LINES[1], "account_code": "5150", "name": "Tree care"}


def _act(world, budget, action):
    if action == "add_line":
        return budgets.add_line(budget, dict(NEW_LINE), actor=world.manager)
    if action == "save_lines":
        return budgets.save_lines(budget, [dict(LINES[0])], actor=world.manager)
    if action == "delete_line":
        return budgets.delete_line(budget, budget.lines[0].id, actor=world.manager)
    if action == "import_lines":
        return budgets.import_lines_csv(
            budget,
            "name,fund,kind,amount\nPool,operating,expense,100\n",
            mode="append",
            actor=world.manager,
        )
    if action == "copy":
        return budgets.copy_from_last_approved(budget, actor=world.manager)
    if action == "submit":
        return budgets.submit_budget(budget, actor=world.manager)
    if action == "revise":
        return budgets.revise_budget(budget, actor=world.manager)
    if action == "import_actuals":
        return budgets.import_actuals(
            budget, "account_code,month,amount\n5100,2027-01,10\n", actor=world.manager
        )
    raise AssertionError(action)


def _locked(status):
    return (
        f"This budget is {status.replace('_', ' ')}: its lines are locked. Revise it into a new "
        "draft version to change them."
    )


def _refusal(status, action):
    """The exact refusal of a (status, action) pair the workflow does not allow."""
    label = status.replace("_", " ")
    if action == "revise":
        return InvalidTransition, (
            f"Only a rejected or approved budget can be revised; this one is {label}."
        )
    if action == "import_actuals":
        return InvalidTransition, (
            f"Actuals are compared with an approved budget; this one is {label}."
        )
    if status == "draft" and action == "copy":
        return Conflict, "This draft already has lines; copying would mix two budgets."
    return InvalidTransition, _locked(status)


ALLOWED = {
    "draft": {"add_line", "save_lines", "delete_line", "import_lines", "submit"},
    "pending_approval": set(),
    "approved": {"revise", "import_actuals"},
    "rejected": {"revise"},
}
ACTIONS = [
    "add_line",
    "save_lines",
    "delete_line",
    "import_lines",
    "copy",
    "submit",
    "revise",
    "import_actuals",
]


def _check_effect(world, budget, action, result, names_before):
    """Assert what an allowed action did."""
    names = [ln.name for ln in budget.lines]
    if action == "add_line":
        assert names == [*names_before, "Tree care"]
    elif action == "save_lines":
        assert names == [LINES[0]["name"]]
    elif action == "delete_line":
        assert names == names_before[1:]
    elif action == "import_lines":
        assert names == [*names_before, "Pool"]
    elif action == "submit":
        assert budget.status == "pending_approval" and budget.approval_id == result.id
        assert result.status == "pending" and result.subject_id == budget.id
    elif action == "revise":
        assert result.status == "draft" and result.version == budget.version + 1
        assert [ln.name for ln in result.lines] == names_before
        assert names == names_before
    elif action == "import_actuals":
        assert result == 1
        assert [
            (r.account_code, r.actual_ytd)
            for r in budgets.variance_report(budget).rows
            if r.actual_ytd
        ] == [("5100", D("10"))]


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_every_budget_status_and_action(world, status, action):
    budget = in_state(world, status)
    lines_before = [(ln.name, ln.amount) for ln in budget.lines]
    if action in ALLOWED[status]:
        result = _act(world, budget, action)
        db.session.flush()
        _check_effect(world, budget, action, result, [name for name, _a in lines_before])
        if action != "submit":
            assert budget.status == status
    else:
        error, message = _refusal(status, action)
        with pytest.raises(error) as info:
            _act(world, budget, action)
        assert type(info.value) is error and info.value.message == message
        assert [(ln.name, ln.amount) for ln in budget.lines] == lines_before
        assert budget.status == status


def test_copy_from_last_approved_fills_an_empty_draft(world):
    approved = in_state(world, "approved", year=2026)
    fresh = budgets.create_budget(world.a, fiscal_year=2027, actor=world.manager)
    lines = budgets.copy_from_last_approved(fresh, actor=world.manager)
    assert [(ln.name, ln.amount, ln.prior_year_amount) for ln in lines] == [
        (ln.name, ln.amount, ln.amount) for ln in approved.lines
    ]


def test_revise_makes_the_next_version_with_the_same_lines(world):
    rejected = in_state(world, "rejected")
    revision = budgets.revise_budget(rejected, actor=world.manager)
    assert (revision.version, revision.status, revision.revised_from_id) == (
        2,
        "draft",
        rejected.id,
    )
    assert [ln.name for ln in revision.lines] == [ln.name for ln in rejected.lines]
    with pytest.raises(Conflict):
        budgets.revise_budget(rejected, actor=world.manager)  # version 2 is still a draft


def test_one_budget_per_fiscal_year(world):
    draft(world)
    with pytest.raises(Conflict, match="already has a budget"):
        budgets.create_budget(world.a, fiscal_year=2027, actor=world.manager)
    with pytest.raises(ValidationError):
        budgets.create_budget(world.a, fiscal_year="next", actor=world.manager)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1.005"}, "amount"),
        ({"fund": "rainy-day"}, "fund"),
        ({"kind": "gift"}, "kind"),
        ({"name": ""}, "name"),
        ({"cost_center_id": 99999}, "cost_center_id"),
        ({"amount": "NaN"}, "amount"),
        ({"cost_center_id": True}, "cost_center_id"),
    ],
)
def test_line_values_are_checked(world, values, field):
    budget = draft(world, lines=[])
    with pytest.raises(ValidationError) as info:
        budgets.add_line(budget, {**LINES[1], **values}, actor=world.manager)
    assert field in info.value.errors
    assert budget.lines == []


def test_submit_refuses_a_centre_that_covers_no_unit(world):
    budget = draft(world)
    centre = budgets.create_cost_center(
        world.a, name="Marina", unit_types=["houseboat"], actor=world.manager
    )
    budgets.add_line(budget, {**LINES[1], "cost_center_id": centre.id}, actor=world.manager)
    with pytest.raises(Conflict, match="Marina has lines but covers no unit"):
        budgets.submit_budget(budget, actor=world.manager)


def test_submit_refuses_an_empty_budget(world):
    with pytest.raises(Conflict):
        budgets.submit_budget(draft(world, lines=[]), actor=world.manager)


def test_save_lines_reports_each_bad_cell_and_changes_nothing(world):
    budget = draft(world)
    rows = [
        dict(LINES[0]),
        {**LINES[1], "amount": "x"},
        {"name": "", "amount": "", "fund": ""},
        {**LINES[2], "fund": "nope"},
    ]
    with pytest.raises(ValidationError) as info:
        budgets.save_lines(budget, rows, actor=world.manager)
    assert set(info.value.errors) == {"lines.2.amount", "lines.4.fund"}
    assert len(budget.lines) == 4


# --- CSV imports --------------------------------------------------------------------------


def test_import_lines_from_csv(world):
    budget = draft(world, lines=[])
    budgets.create_cost_center(
        world.a, name="Townhomes", unit_types="townhome", actor=world.manager
    )
    text = (
        "account_code,name,fund,kind,amount,prior_year_amount,cost_center,note\n"
        '5100,Landscaping,operating,expense,"36,000.00",34000,,weekly\n'
        "5300,Roof repairs,reserve,expense,8000,,Townhomes,\n"
    )
    budgets.import_lines_csv(budget, text, mode="replace", actor=world.manager)
    db.session.flush()
    assert [(ln.name, ln.amount, ln.cost_center.name) for ln in budget.lines] == [
        ("Landscaping", D("36000.00"), "General"),
        ("Roof repairs", D("8000.00"), "Townhomes"),
    ]


def test_import_lines_reports_rows_by_line_number_and_imports_nothing(world):
    budget = draft(world, lines=[])
    text = (
        "name,fund,kind,amount,cost_center\n"
        "Good,operating,expense,100,\n"
        "Bad amount,operating,expense,lots,\n"
        "Bad fund,savings,expense,5,\n"
        "Bad centre,operating,expense,5,Nowhere\n"
    )
    with pytest.raises(ValidationError) as info:
        budgets.import_lines_csv(budget, text, mode="append", actor=world.manager)
    messages = info.value.errors["file"]
    assert messages[0].startswith("Line 3: amount:")
    assert messages[1].startswith("Line 4: fund:")
    assert messages[2].startswith("Line 5: cost_center:")
    assert budget.lines == []


def test_import_lines_needs_the_header(world):
    budget = draft(world, lines=[])
    with pytest.raises(ValidationError, match="Line 1: the header"):
        budgets.import_lines_csv(budget, "a,b\n1,2\n", mode="replace", actor=world.manager)


# --- fiscal years and the distribution window ----------------------------------------


def test_fiscal_year_is_named_for_the_year_it_ends(world):
    world.a.fiscal_year_start_month = 7
    assert budgets.fiscal_year_start(world.a, 2027) == date(2026, 7, 1)
    assert budgets.fiscal_year_end(world.a, 2027) == date(2027, 6, 30)
    world.a.fiscal_year_start_month = 1
    assert budgets.fiscal_year_start(world.a, 2027) == date(2027, 1, 1)


@pytest.mark.parametrize(
    ("approved_on", "late", "words"),
    [
        ("2026-11-15", False, "On time"),
        ("2026-12-10", True, "Late"),
        ("2026-09-01", False, "Early"),
    ],
)
def test_california_window_of_30_to_90_days(world, approved_on, late, words):
    world.a.budget_notice_min_days, world.a.budget_notice_max_days = 30, 90
    clock.freeze(datetime.fromisoformat(approved_on + "T18:00:00+00:00"))
    budget = in_state(world, "approved")
    timing = budgets.distribution_timing(budget)
    assert timing.latest == date(2026, 12, 2) and timing.earliest == date(2026, 10, 3)
    assert timing.late is late
    assert timing.message.startswith(words)


def test_draft_past_the_deadline_is_flagged(world):
    world.a.budget_notice_min_days, world.a.budget_notice_max_days = 30, 90
    clock.freeze(datetime(2026, 12, 20, tzinfo=UTC))
    timing = budgets.distribution_timing(draft(world))
    assert timing.late and "already past" in timing.message


def test_no_window_no_message(world):
    world.a.budget_notice_min_days = world.a.budget_notice_max_days = None
    assert budgets.distribution_timing(draft(world)).message is None


# --- actuals ------------------------------------------------------------------------------


def test_actuals_import_and_variance(world):
    budget = in_state(world, "approved")
    text = (
        "account_code,month,amount\n5100,2027-01,2500\n5100,2027-02,3400.50\n"
        "4000,2027-01,10000\n4000,2027-02,9000\n9999,2027-02,75\n"
    )
    assert budgets.import_actuals(budget, text, actor=world.manager) == 5
    report = budgets.variance_report(budget)
    assert report.through == date(2027, 2, 1) and report.months_elapsed == 2
    rows = {r.account_code: r for r in report.rows}
    landscaping = rows["5100"]
    assert landscaping.budget_ytd == D("6000.00")  # 36000 × 2 / 12
    assert landscaping.actual_ytd == D("5900.50")
    assert landscaping.variance == D("-99.50") and not landscaping.unfavourable
    assert rows["4000"].variance == D("-1000.00") and rows["4000"].unfavourable
    assert rows["9999"].name == "(not in the budget)"
    # A corrected file replaces the month it covers.
    budgets.import_actuals(
        budget, "account_code,month,amount\n5100,2027-02,3000\n", actor=world.manager
    )
    assert {r.account_code: r for r in budgets.variance_report(budget).rows}[
        "5100"
    ].actual_ytd == D("5500.00")


def test_malformed_actuals_import_nothing(world):
    budget = in_state(world, "approved")
    text = (
        "account_code,month,amount\n5100,2027-01,10\n5100,January,10\n"
        "5100,2031-01,10\n,2027-01,abc\n"
    )
    with pytest.raises(ValidationError) as info:
        budgets.import_actuals(budget, text, actor=world.manager)
    messages = info.value.errors["file"]
    assert [m.split(":")[0] for m in messages] == ["Line 3", "Line 4", "Line 5", "Line 5"]
    assert budgets.variance_report(budget).through is None


def test_general_centre_exists_for_every_association(world):
    centres = budgets.cost_centers(world.b)
    assert [(c.name, c.unit_types) for c in centres] == [("General", None)]
    with pytest.raises(Conflict):
        budgets.create_cost_center(world.b, name="general", actor=world.outsider)


def test_figures_for_a_budget_with_two_unit_types(world):
    f.UnitFactory(association=world.a, label="T1", unit_type="townhome")
    f.UnitFactory(association=world.a, label="T2", unit_type="townhome")
    centre = budgets.create_cost_center(
        world.a, name="Townhome roofs", unit_types=["townhome"], actor=world.manager
    )
    budget = draft(world, lines=[])
    budgets.add_line(
        budget,
        {"name": "Common area", "fund": "operating", "kind": "expense", "amount": "3600"},
        actor=world.manager,
    )
    budgets.add_line(
        budget,
        {
            "name": "Roofs",
            "fund": "reserve",
            "kind": "expense",
            "amount": "2400",
            "cost_center_id": centre.id,
        },
        actor=world.manager,
    )
    db.session.flush()
    result = budgets.figures(budget)
    # 3 units share 3600 → 100/month; 2 townhomes share 2400 → 100/month more
    assert result.assessment.by_unit_type == {
        "standard": (D("1200.00"), D("100.00")),
        "townhome": (D("2400.00"), D("200.00")),
    }
