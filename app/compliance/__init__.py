"""Compliance: rules, inspections, violations, letters, hearings and fines with due process."""
