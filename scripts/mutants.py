"""Mutation testing of the rule modules (`make mutants`), with the kill rate per module.

Runs mutmut over the modules listed in pyproject's [tool.mutmut] only_mutate (each mutant is
tried against the unit tests that execute the function it changes), then prints, per module,
how many mutants the tests killed. A module below the goal (90 %) is marked. Survivors are
listed by name; `.venv/bin/mutmut show NAME` prints the change.

    python scripts/mutants.py            # a fresh run (drops the mutants/ cache first)
    python scripts/mutants.py --resume   # keep earlier results, try only what is left
    python scripts/mutants.py --report   # print the table of the last run only
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTMUT = Path(sys.executable).with_name("mutmut")
GOAL = 90.0
KILLED = {"killed", "timeout", "caught by type check"}
LINE = re.compile(r"^\s*(app\.[\w.]+?)\.x[_ǁ].*__mutmut_\d+: (.+)$")


def run() -> float:
    """Run mutmut from scratch (or resume); return the seconds it took."""
    if "--resume" not in sys.argv:
        shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    started = time.monotonic()
    subprocess.run([str(MUTMUT), "run"], cwd=ROOT, check=False, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def results() -> dict[str, Counter]:
    """Return, per module, how many mutants ended in each state."""
    output = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors: list[str] = []
    for line in output.splitlines():
        match = LINE.match(line)
        if match:
            module, state = match.groups()
            by_module[module][state] += 1
            if state not in KILLED:
                survivors.append(f"{line.strip()}")
    results.survivors = survivors
    return by_module


def report(by_module: dict[str, Counter], seconds: float | None) -> int:
    """Print the table; return 1 when a module is below the goal."""
    print(f"{'module':32} {'mutants':>8} {'killed':>7} {'rate':>7}  other")
    below = 0
    for module in sorted(by_module):
        counts = by_module[module]
        total = sum(counts.values())
        killed = sum(counts[state] for state in KILLED)
        rate = 100.0 * killed / total if total else 100.0
        other = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()) if s not in KILLED)
        mark = "" if rate >= GOAL else f"  < {GOAL:.0f} %"
        below += bool(mark)
        print(f"{module:32} {total:8d} {killed:7d} {rate:6.1f}%  {other}{mark}")
    if results.survivors:
        print("\nNot killed:")
        for line in results.survivors:
            print("  " + line)
    if seconds is not None:
        print(f"\nRun time: {seconds / 60:.1f} minutes")
    return 1 if below else 0


def main() -> int:
    """Run (unless --report) and print the kill rate per module."""
    seconds = None if "--report" in sys.argv else run()
    return report(results(), seconds)


if __name__ == "__main__":
    sys.exit(main())
