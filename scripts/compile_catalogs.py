"""Compile the complete message catalogs (`make setup`, `make catalogs`).

A catalog with untranslated, fuzzy or placeholder-mismatched entries is not compiled (and a
stale messages.mo of it is removed), so the application never offers a language it speaks
only in part; this prints why. No catalogs at all is fine: the application speaks English.
See app/translations/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.core.catalogs import compile_catalogs  # noqa: E402


def main() -> int:
    result = compile_catalogs(ROOT / "app" / "translations")
    for language, problems in sorted(result.items()):
        if problems:
            kinds: dict[str, int] = {}
            for problem in problems:
                kind = problem.split(":", 1)[0]
                kinds[kind] = kinds.get(kind, 0) + 1
            counts = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
            print(f"{language}: not compiled ({counts}); the application does not offer it yet")
        else:
            print(f"{language}: compiled")
    if not result:
        print("no catalogs: the application speaks English only")
    return 0


if __name__ == "__main__":
    sys.exit(main())
