"""`make messages` extracts every template's strings: those of templates/_macros (the list
count, Previous/Next) and templates/pdf/_partials (the letterhead's date) too, which babel's
directory walk skips by default (a folder named with a leading underscore) and which the Jinja
extractor drops silently unless it knows the `{% do %}` extension the templates use."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]


def test_make_messages_extracts_the_macros_and_partials(tmp_path):
    line = next(
        line for line in (ROOT / "Makefile").read_text().splitlines() if "pybabel extract" in line
    )
    args = shlex.split(line.strip().replace("$(BIN)/", ""))[2:]
    target = tmp_path / "messages.pot"
    args[args.index("-o") + 1] = str(target)
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "--quiet", "extract", *args], cwd=ROOT, check=True)
    with open(target, "rb") as handle:
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle)}
    assert {"%(num)d result", "More than %(num)s results", "Previous", "Next"} <= ids
    assert "Prepared %(date)s" in ids
    # The executive-session topics (meeting profiles, N_-marked constants) are in the
    # catalogs: an agenda's badge and a meeting's notice name them in the reader's words.
    from app.meetings.profiles import EXECUTIVE_TOPICS

    assert set(EXECUTIVE_TOPICS.values()) <= ids
    # And nothing from outside the application: no virtualenv, no caches.
    locations = target.read_text()
    assert not re.search(r"^#: \.venv/|^#: .*__pycache__", locations, re.M)
