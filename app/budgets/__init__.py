"""Budgets: versions, lines, cost centres, assessments, approval, reports and actuals."""
