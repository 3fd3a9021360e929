"""The check before submitting, import plans (replace / append), duplicate accounts, the
proposed fiscal year and budget-vs-actual totals: services, on association A (one home)."""

from datetime import UTC, date, datetime
from decimal import Decimal as D

import pytest

from app.budgets import checks
from app.budgets import services as budgets
from app.budgets.fiscal import fiscal_year_of, proposed_fiscal_year
from app.budgets.imports import StalePreview, plan_import
from app.budgets.lines import DuplicateLine
from app.core import clock
from app.core.errors import ValidationError
from app.extensions import db
from tests.unit.budget_helpers import LINES, draft, in_state

BALANCED = [
    {"account_code": "4000", "name": "Assessments", "fund": "operating", "kind": "income",
     "amount": "72000.00"},
    *LINES[1:],
]  # fmt: skip


def _codes(budget):
    return [w.code for w in checks.warnings(budget)]


# --- the check before submitting ----------------------------------------------------------


def test_a_balanced_budget_whose_assessment_line_matches_has_no_warning(world):
    assert _codes(draft(world, lines=BALANCED)) == []


def test_assessment_income_far_from_the_computed_assessments_and_a_surplus(world):
    budget = draft(world)  # income 120,000; the one home pays 72,000 a year
    found = checks.warnings(budget)
    assert [w.code for w in found] == ["assessment_mismatch", "surplus"]
    assert found[0].message == (
        "The assessment income (Assessments: $120,000.00) and the assessments the 1 homes pay "
        "under this budget ($72,000.00 a year) are $48,000.00 (66.7%) apart. Owners pay what "
        "the expenses require; the income line should match it."
    )
    assert found[1].message == (
        "The budget shows a surplus of $48,000.00: income $120,000.00 against expenses $72,000.00."
    )


def test_within_one_percent_is_no_mismatch_but_still_a_surplus(world):
    lines = [{**BALANCED[0], "amount": "72700.00"}, *BALANCED[1:]]  # 0.97% apart
    assert _codes(draft(world, lines=lines)) == ["surplus"]
    lines = [{**BALANCED[0], "amount": "72800.00"}, *BALANCED[1:]]  # 1.1% apart
    assert _codes(draft(world, year=2028, lines=lines)) == ["assessment_mismatch", "surplus"]


def test_deficit_no_reserve_and_lines_without_account_code(world):
    lines = [
        {**BALANCED[0], "amount": "60000.00"},
        {"name": "Pool service", "fund": "operating", "kind": "expense", "amount": "60000"},
        {"name": "Gate repairs", "fund": "operating", "kind": "expense", "amount": "1000"},
    ]
    found = checks.warnings(draft(world, lines=lines))
    assert [w.code for w in found] == [
        "assessment_mismatch",
        "deficit",
        "no_reserve_contribution",
        "lines_without_account_code",
    ]
    assert "deficit of $1,000.00" in found[1].message
    assert found[3].message == (
        "2 lines have no account code, so actuals cannot be matched to them: Pool service, "
        "Gate repairs."
    )


def test_no_assessment_line_is_a_warning_of_its_own(world):
    lines = [{**BALANCED[0], "name": "Interest"}, *BALANCED[1:]]
    assert _codes(draft(world, lines=lines)) == ["assessment_line_missing"]


def test_submitting_stores_the_warnings_with_the_budget(world):
    budget = in_state(world, "pending_approval")
    assert [w["code"] for w in budget.submission_warnings] == ["assessment_mismatch", "surplus"]
    assert budget.submission_warnings[1]["message"].startswith("The budget shows a surplus")


# --- duplicate accounts -----------------------------------------------------------------


def test_adding_an_account_the_centre_already_has_is_a_409_naming_the_field(world):
    budget = draft(world)
    with pytest.raises(DuplicateLine) as info:
        budgets.add_line(budget, {**LINES[1], "amount": "1"}, actor=world.manager)
    assert info.value.status == 409
    assert info.value.errors["account_code"][0].startswith(
        "Account code: the budget already has a line for account 5100 in cost centre General."
    )
    centre = budgets.create_cost_center(world.a, name="Pool", actor=world.manager)
    budgets.add_line(budget, {**LINES[1], "cost_center_id": centre.id}, actor=world.manager)
    assert [ln.account_code for ln in budget.lines].count("5100") == 2  # another centre


def test_the_table_refuses_an_account_twice_in_a_centre_marking_the_second_row(world):
    budget = draft(world)
    rows = [dict(LINES[0]), dict(LINES[1]), {**LINES[1], "name": "More landscaping"}]
    with pytest.raises(DuplicateLine) as info:
        budgets.save_lines(budget, rows, actor=world.manager)
    assert list(info.value.errors) == ["lines.3.account_code"]
    assert "(Row 2 has it.)" in info.value.errors["lines.3.account_code"][0]
    assert len(budget.lines) == 4  # nothing saved


# --- import plans -------------------------------------------------------------------------

HEADER = "account_code,name,fund,kind,amount,prior_year_amount,cost_center,note\n"


def test_append_refuses_an_account_the_budget_has_naming_the_line(world):
    budget = draft(world)
    text = HEADER + "7000,Pool,operating,expense,100,,,\n4000,Assessments,operating,income,1,,,\n"
    with pytest.raises(ValidationError) as info:
        budgets.import_lines_csv(budget, text, mode="append", actor=world.manager)
    [message] = info.value.errors["file"]
    assert message.startswith(
        "Line 3: account_code: the budget already has a line for account 4000 in cost centre "
        "General (Assessments, $120,000.00)."
    )
    assert len(budget.lines) == 4


@pytest.mark.parametrize("mode", ["replace", "append"])
def test_a_file_that_repeats_an_account_and_centre_is_refused_in_either_mode(world, mode):
    budget = draft(world, lines=[])
    text = HEADER + "7000,Pool,operating,expense,100,,,\n7000,Pool again,operating,expense,5,,,\n"
    with pytest.raises(ValidationError) as info:
        budgets.import_lines_csv(budget, text, mode=mode, actor=world.manager)
    assert info.value.errors["file"][0].startswith(
        "Line 3: account_code: the file already has account 7000 in cost centre General on line 2"
    )
    assert budget.lines == []


def test_replace_plans_added_replaced_removed_and_totals_then_does_it(world):
    budget = draft(world)  # 4000 120k income, 5100 36k, 5200 24k, 6000 12k
    text = (
        HEADER
        + "4000,Assessments,operating,income,72000,,,\n"  # replaced
        + "5100,Landscaping,operating,expense,36000.00,34000.00,,\n"  # unchanged
        + "5300,Pool,operating,expense,24000,,,\n"  # added
        + "6000,Reserve contribution,reserve,expense,12000,12000,,\n"  # unchanged
    )  # 5200 Insurance is removed
    plan = plan_import(budget, text, "replace")
    assert [v["account_code"] for v in plan.added] == ["5300"]
    assert [(line.account_code, values["amount"]) for line, values in plan.replaced] == [
        ("4000", D("72000.00"))
    ]
    assert [ln.account_code for ln in plan.unchanged] == ["5100", "6000"]
    assert [ln.account_code for ln in plan.removed] == ["5200"]
    assert (plan.before.income, plan.after.income) == (D("120000.00"), D("72000.00"))
    assert (plan.before.expense, plan.after.expense) == (D("72000.00"), D("72000.00"))
    budgets.import_lines_csv(budget, text, mode="replace", actor=world.manager)
    db.session.flush()
    assert [(ln.account_code, ln.amount) for ln in budget.lines] == [
        ("4000", D("72000.00")),
        ("5100", D("36000.00")),
        ("5300", D("24000.00")),
        ("6000", D("12000.00")),
    ]
    assert checks.warnings(budget) == []


def test_a_preview_is_confirmed_only_for_the_lines_it_showed(world):
    budget = draft(world)
    text = HEADER + "7000,Pool,operating,expense,100,,,\n"
    digest = plan_import(budget, text, "append").digest
    budgets.add_line(budget, {**LINES[1], "account_code": "5150"}, actor=world.manager)
    with pytest.raises(StalePreview) as info:
        budgets.import_lines_csv(budget, text, mode="append", actor=world.manager, digest=digest)
    assert info.value.plan.digest != digest
    assert len(budget.lines) == 5


def test_the_mode_is_required(world):
    budget = draft(world)
    with pytest.raises(ValidationError) as info:
        budgets.import_lines_csv(budget, HEADER, mode="", actor=world.manager)
    assert list(info.value.errors) == ["mode"]


# --- lengths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "length", "label"),
    [("name", 201, "Name"), ("account_code", 21, "Account code"), ("note", 2001, "Note")],
)
def test_every_text_field_of_a_line_has_a_maximum_named_in_its_error(world, field, length, label):
    budget = draft(world, lines=[])
    with pytest.raises(ValidationError) as info:
        budgets.add_line(budget, {**LINES[1], field: "x" * length}, actor=world.manager)
    assert info.value.errors[field] == [
        f"{label}: use at most {length - 1} characters (this has {length})."
    ]


# --- the proposed fiscal year -------------------------------------------------------------


def test_the_fiscal_year_a_day_falls_in(world):
    world.a.fiscal_year_start_month = 7
    assert fiscal_year_of(world.a, date(2026, 6, 30)) == 2026
    assert fiscal_year_of(world.a, date(2026, 7, 1)) == 2027
    world.a.fiscal_year_start_month = 1
    assert fiscal_year_of(world.a, date(2026, 12, 31)) == 2026


def test_the_next_fiscal_year_is_proposed_skipping_years_with_a_budget(world):
    clock.freeze(datetime(2026, 12, 1, 20, 0, tzinfo=UTC))
    assert proposed_fiscal_year(world.a, set()) == 2027
    world.a.fiscal_year_start_month = 7  # FY 2027 is under way (July 2026 – June 2027)
    assert proposed_fiscal_year(world.a, set()) == 2028
    assert proposed_fiscal_year(world.a, {2028, 2029}) == 2030


# --- budget vs actual ---------------------------------------------------------------------


def test_variance_totals_leave_out_unknown_accounts_and_name_them(world):
    budget = in_state(world, "approved")
    budgets.import_actuals(
        budget,
        "account_code,month,amount\n4000,2027-01,10000\n5100,2027-01,3500\n"
        "5200,2027-01,2000\n9999,2027-03,50\n",
        actor=world.manager,
    )
    report = budgets.variance_report(budget)
    assert report.unknown_accounts == ["9999"]
    assert report.through == date(2027, 1, 1)  # the unknown account does not move it
    income, expense, net = (report.totals[k] for k in ("income", "expense", "net"))
    assert (income.budget_ytd, income.actual_ytd) == (D("10000.00"), D("10000.00"))
    assert (expense.budget_ytd, expense.actual_ytd) == (D("6000.00"), D("5500.00"))
    assert (net.budget_ytd, net.actual_ytd, net.unfavourable) == (
        D("4000.00"),
        D("4500.00"),
        False,
    )
    assert report.rows[-1].account_code == "9999" and report.rows[-1].unknown


def test_a_csv_row_too_long_names_the_line_and_the_field_once(world):
    budget = draft(world, lines=[])
    text = HEADER + "7000," + "n" * 201 + ",operating,expense,1,,,\n"
    with pytest.raises(ValidationError) as info:
        budgets.import_lines_csv(budget, text, mode="append", actor=world.manager)
    assert info.value.errors["file"] == ["Line 2: Name: use at most 200 characters (this has 201)."]
