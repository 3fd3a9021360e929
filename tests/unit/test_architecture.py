"""The house's import rules, checked by import-linter against the contracts in
pyproject.toml: core imports no feature package, and no package or module imports itself
back through another."""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter import cli

PYPROJECT = str(Path(__file__).resolve().parents[2] / "pyproject.toml")


@pytest.mark.parametrize(
    "contract",
    ["core-imports-no-feature", "no-circles-between-packages", "no-circles-inside-packages"],
)
def test_import_contract_is_kept(contract, capsys):
    code = cli.lint_imports(
        config_filename=PYPROJECT, limit_to_contracts=(contract,), no_cache=True, no_logo=True
    )
    assert code == 0, capsys.readouterr().out
